// The review file system on the real disk, for the CLI and the language server (core reads only through
// the ReviewFileSystem interface).
import * as fs from 'node:fs';
import {
  ABSENT_CODES,
  fileSystemErrorCode,
  fileSystemFailure,
  type ReviewFileSystem,
} from '../core/review/fileSystem';

/**
 * The disk. Synchronous calls under the promise interface: for thousands of small files they are several
 * times faster than the thread-pool round trips of `fs.promises`.
 */
export const nodeFileSystem: ReviewFileSystem = {
  async readFile(path) {
    try {
      return fs.readFileSync(path);
    } catch (error) {
      throw fileSystemFailure(path, error);
    }
  },
  async readDirectory(path) {
    let entries: fs.Dirent[];
    try {
      entries = fs.readdirSync(path, { withFileTypes: true });
    } catch (error) {
      throw fileSystemFailure(path, error);
    }
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
    let stats: fs.Stats | undefined;
    try {
      stats = fs.statSync(path, { throwIfNoEntry: false });
    } catch (error) {
      if (ABSENT_CODES.has(fileSystemErrorCode(error) ?? '')) return undefined;
      throw fileSystemFailure(path, error);
    }
    if (!stats) return undefined;
    return { kind: stats.isDirectory() ? 'directory' : stats.isFile() ? 'file' : 'other', size: stats.size };
  },
  async realPath(path) {
    try {
      return fs.realpathSync(path);
    } catch (error) {
      throw fileSystemFailure(path, error);
    }
  },
};

/**
 * The disk, except that the files in `files` (by absolute path) read as the bytes given: what was read once
 * (to hash it) is checked as it was read, not read again.
 */
export function fileSystemWith(
  files: ReadonlyMap<string, Uint8Array>,
  base: ReviewFileSystem = nodeFileSystem,
): ReviewFileSystem {
  return {
    readFile: async (path) => files.get(path) ?? base.readFile(path),
    readDirectory: (path) => base.readDirectory(path),
    stat: async (path) => {
      const bytes = files.get(path);
      return bytes ? { kind: 'file', size: bytes.byteLength } : base.stat(path);
    },
    realPath: (path) => base.realPath(path),
  };
}
