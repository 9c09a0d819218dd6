export type EntryKind = 'file' | 'directory' | 'symlink' | 'other';

/**
 * The file access core needs. The CLI reads the disk; the language server layers open editor buffers
 * over it, so that unsaved edits are what gets checked.
 *
 * Failures other than "does not exist" are thrown as `FileSystemError`, which says in one line what went
 * wrong (a loop of symbolic links, permission denied), so that callers can report them where they belong.
 */
export interface ReviewFileSystem {
  readFile(path: string): Promise<Uint8Array>;
  readDirectory(path: string): Promise<{ name: string; kind: EntryKind }[]>;
  /**
   * Follows symlinks; `undefined` when nothing can exist at the path (it is missing, a part of it is a
   * file, or a name in it is too long for the file system).
   */
  stat(path: string): Promise<{ kind: EntryKind; size: number } | undefined>;
  realPath(path: string): Promise<string>;
}

/** A file-system call that failed, with a one-line message: the path and the reason in words. */
export class FileSystemError extends Error {
  constructor(
    readonly path: string,
    /** The system's error code (`ELOOP`, `EACCES`, …), or `undefined` when it gave none. */
    readonly code: string | undefined,
    /** Why, in words, without the path. */
    readonly reason: string,
  ) {
    super(`${path}: ${reason}`);
    this.name = 'FileSystemError';
  }
}

const REASONS: Record<string, string> = {
  ENOENT: 'no such file or folder',
  ENOTDIR: 'a part of the path is not a folder',
  ELOOP: 'too many levels of symbolic links (a symbolic link loop)',
  EACCES: 'permission denied',
  EPERM: 'permission denied',
  ENAMETOOLONG: 'the name is too long',
  EISDIR: 'it is a folder',
  EIO: 'an input/output error',
  EMFILE: 'too many open files',
  ENFILE: 'too many open files',
  EBUSY: 'the file is busy',
};

/** The reason of a failure in words: the known codes by name, others by the first line of their message. */
export function fileSystemReason(error: unknown): string {
  if (error instanceof FileSystemError) return error.reason;
  const code = (error as { code?: unknown } | undefined)?.code;
  if (typeof code === 'string' && REASONS[code]) return REASONS[code];
  const message = error instanceof Error ? error.message : String(error);
  // Node's messages read "CODE: text, call 'path'": the path is the caller's to add.
  return message
    .split('\n')[0]!
    .replace(/^[A-Z]+: /, '')
    .replace(/, \w+ '.*'$/, '');
}

/** The system's error code of a failure, if it has one. */
export function fileSystemErrorCode(error: unknown): string | undefined {
  const code = (error as { code?: unknown } | undefined)?.code;
  return typeof code === 'string' ? code : undefined;
}

/** A failure of a file-system call as a FileSystemError (kept as it is when it already is one). */
export function fileSystemFailure(path: string, error: unknown): FileSystemError {
  return error instanceof FileSystemError
    ? error
    : new FileSystemError(path, fileSystemErrorCode(error), fileSystemReason(error));
}

/** Codes under which nothing can exist at a path. */
export const ABSENT_CODES: ReadonlySet<string> = new Set(['ENOENT', 'ENOTDIR', 'ENAMETOOLONG']);

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
