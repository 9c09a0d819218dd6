import { promises as fsp } from 'node:fs';

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

export const nodeFileSystem: ReviewFileSystem = {
  readFile: (path) => fsp.readFile(path),
  async readDirectory(path) {
    const entries = await fsp.readdir(path, { withFileTypes: true });
    return entries.map((entry) => ({
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
    try {
      const stats = await fsp.stat(path);
      return {
        kind: stats.isDirectory() ? 'directory' : stats.isFile() ? 'file' : 'other',
        size: stats.size,
      };
    } catch {
      return undefined;
    }
  },
  realPath: (path) => fsp.realpath(path),
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
