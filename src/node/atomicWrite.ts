// The one way the command line writes a file the user owns: through a temporary file in the target's
// folder, so that a reader never sees half a file and a failure leaves nothing behind.
import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as nodePath from 'node:path';

export type WriteProblem = 'exists' | 'not-regular' | 'changed' | 'failed';

/** A file that was not written, with a one-line reason a user can act on. */
export class FileWriteError extends Error {
  constructor(
    readonly path: string,
    readonly problem: WriteProblem,
    message: string,
  ) {
    super(message);
  }
}

/** What an existing entry is, in words, when it is not a regular file. */
function irregularKind(stats: fs.Stats): string | undefined {
  if (stats.isFile()) return undefined;
  if (stats.isSymbolicLink()) return 'a symbolic link';
  if (stats.isDirectory()) return 'a folder';
  if (stats.isFIFO()) return 'a named pipe';
  if (stats.isSocket()) return 'a socket';
  if (stats.isCharacterDevice() || stats.isBlockDevice()) return 'a device';
  return 'not a regular file';
}

/** What is at `path` (not following a symbolic link); `undefined` if nothing can be (a part is a file). */
function entryAt(path: string): fs.Stats | undefined {
  try {
    return fs.lstatSync(path, { throwIfNoEntry: false });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOTDIR') return undefined;
    throw new FileWriteError(path, 'failed', reasonOf(error));
  }
}

/** The reason of a failed system call, without its internal paths (the temporary file's name). */
function reasonOf(error: unknown): string {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  const reasons: Record<string, string> = {
    ENOENT: 'its folder does not exist',
    ENOTDIR: 'a part of its path is not a folder',
    EACCES: 'permission denied',
    EPERM: 'permission denied',
    EROFS: 'the file system is read-only',
    ENOSPC: 'no space left on the device',
    EDQUOT: 'the disk quota is exceeded',
    EISDIR: 'it is a folder',
    ENAMETOOLONG: 'the name is too long',
  };
  if (code && reasons[code]) return reasons[code];
  return error instanceof Error ? error.message.replace(/^[A-Z]+: /, '') : String(error);
}

/** A temporary file next to `target`, created exclusively under a name nobody can predict. */
function writeTemporary(target: string, text: string, mode?: number): string {
  const temporary = nodePath.join(
    nodePath.dirname(target),
    `.${nodePath.basename(target)}.${randomBytes(8).toString('hex')}.tmp`,
  );
  try {
    fs.writeFileSync(temporary, text, { flag: 'wx', ...(mode !== undefined ? { mode } : {}) });
  } catch (error) {
    fs.rmSync(temporary, { force: true });
    throw new FileWriteError(target, 'failed', reasonOf(error));
  }
  return temporary;
}

/** File systems without hard links (some network and FAT volumes) say so with these codes. */
const NO_HARD_LINKS = new Set(['EPERM', 'ENOTSUP', 'EOPNOTSUPP', 'ENOSYS', 'EXDEV']);

/**
 * Creates `target` with `text`, never replacing anything: the temporary file is hard-linked to the
 * target's name, which fails if that name exists (even as a dangling link). Creates missing folders.
 */
export function createFile(target: string, text: string): void {
  const existing = entryAt(target);
  if (existing) throw new FileWriteError(target, 'exists', 'it already exists; it is never overwritten');
  try {
    fs.mkdirSync(nodePath.dirname(target), { recursive: true });
  } catch (error) {
    throw new FileWriteError(target, 'failed', reasonOf(error));
  }
  const temporary = writeTemporary(target, text);
  try {
    fs.linkSync(temporary, target);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'EEXIST')
      throw new FileWriteError(target, 'exists', 'it already exists; it is never overwritten');
    if (!code || !NO_HARD_LINKS.has(code)) throw new FileWriteError(target, 'failed', reasonOf(error));
    // No hard links here: an exclusive open still never replaces an existing file.
    try {
      fs.writeFileSync(target, text, { flag: 'wx' });
    } catch (fallbackError) {
      const fallbackCode = (fallbackError as NodeJS.ErrnoException).code;
      if (fallbackCode === 'EEXIST')
        throw new FileWriteError(target, 'exists', 'it already exists; it is never overwritten');
      throw new FileWriteError(target, 'failed', reasonOf(fallbackError));
    }
  } finally {
    fs.rmSync(temporary, { force: true });
  }
}

/**
 * Creates every file or none: nothing is written if any target exists, and a failure part-way removes
 * the files (and the folders) this call created.
 */
export function createFiles(files: readonly { path: string; text: string }[]): void {
  for (const file of files) {
    if (entryAt(file.path))
      throw new FileWriteError(file.path, 'exists', 'it already exists; it is never overwritten');
  }
  const createdFiles: string[] = [];
  const createdFolders: string[] = [];
  try {
    for (const file of files) {
      const missing: string[] = [];
      for (let dir = nodePath.dirname(file.path); !entryAt(dir); dir = nodePath.dirname(dir)) {
        missing.unshift(dir);
        if (nodePath.dirname(dir) === dir) break;
      }
      createdFolders.push(...missing);
      createFile(file.path, file.text);
      createdFiles.push(file.path);
    }
  } catch (error) {
    for (const path of createdFiles.reverse()) fs.rmSync(path, { force: true });
    for (const dir of createdFolders.reverse()) {
      try {
        fs.rmdirSync(dir);
      } catch {
        // Not empty (something else was put there meanwhile): left as it is.
      }
    }
    throw error;
  }
}

/**
 * Replaces (or creates) the regular file `target` with `text` by renaming a temporary file over it. Refuses
 * anything that is not a regular file (a symbolic link, a folder, a pipe, a device). With `expected`, the
 * file must still hold that text, so that a change made meanwhile is not lost.
 */
export function replaceFile(target: string, text: string, options: { expected?: string } = {}): void {
  const existing = entryAt(target);
  const kind = existing ? irregularKind(existing) : undefined;
  if (kind)
    throw new FileWriteError(target, 'not-regular', `it is ${kind}, not a regular file; it is not replaced`);
  if (options.expected !== undefined) {
    let current: string | undefined;
    try {
      current = fs.readFileSync(target, 'utf8').replace(/^\uFEFF/, '');
    } catch {
      current = undefined;
    }
    if (current !== options.expected)
      throw new FileWriteError(
        target,
        'changed',
        'it changed while it was being updated; run the command again',
      );
  }
  const temporary = writeTemporary(target, text, existing ? existing.mode & 0o7777 : undefined);
  try {
    fs.renameSync(temporary, target);
  } catch (error) {
    fs.rmSync(temporary, { force: true });
    throw new FileWriteError(target, 'failed', reasonOf(error));
  }
}
