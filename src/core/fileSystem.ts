import * as fs from 'node:fs';

export type EntryKind = 'file' | 'directory' | 'symlink' | 'other';

/**
 * The file access core needs. The CLI reads the disk; the language server layers open editor buffers
 * over it, so that unsaved edits are what gets checked.
 */
export interface ReviewFileSystem {
  readFile(path: string): Promise<Uint8Array>;
  readDirectory(path: string): Promise<{ name: string; kind: EntryKind }[]>;
  /** Follows symlinks; `undefined` when the path does not exist. */
  stat(path: string): Promise<{ kind: EntryKind; size: number } | undefined>;
  realPath(path: string): Promise<string>;
}

/**
 * The disk. Synchronous calls under the promise interface: for thousands of small files they are several
 * times faster than the thread-pool round trips of `fs.promises`.
 */
export const nodeFileSystem: ReviewFileSystem = {
  readFile: async (path) => fs.readFileSync(path),
  async readDirectory(path) {
    return fs.readdirSync(path, { withFileTypes: true }).map((entry) => ({
      name: entry.name,
      kind: entry.isSymbolicLink()
        ? 'symlink'
        : entry.isDirectory()
          ? 'directory'
          : entry.isFile()
            ? 'file'
            : 'other',
    }));
  },
  async stat(path) {
    const stats = fs.statSync(path, { throwIfNoEntry: false });
    if (!stats) return undefined;
    return { kind: stats.isDirectory() ? 'directory' : stats.isFile() ? 'file' : 'other', size: stats.size };
  },
  realPath: async (path) => fs.realpathSync(path),
};

const utf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: false });

/** Decodes UTF-8 text; `undefined` for bytes that are not text. */
export function decodeText(bytes: Uint8Array): string | undefined {
  try {
    const text = utf8.decode(bytes);
    return text.includes('\0') ? undefined : text;
  } catch {
    return undefined;
  }
}
