// A review file system in memory, behaving as src/node/fileSystem.ts does on a disk: the same kinds, the
// same error codes (ENOENT, ENOTDIR, EISDIR, ELOOP, ENAMETOOLONG), symbolic links followed. Tests build
// reviews in it and change them with writeFile / remove / rename, without touching the disk.
import * as posix from 'node:path/posix';
import {
  FileSystemError,
  fileSystemReason,
  type EntryKind,
  type ReviewFileSystem,
} from '../../src/core/review/fileSystem';

type Entry =
  | { kind: 'file'; bytes: Uint8Array }
  | { kind: 'directory'; children: Map<string, Entry> }
  | { kind: 'symlink'; target: string };

/** As Linux counts: more links than this on one lookup is a loop. */
const MAX_LINKS = 40;
const MAX_NAME_BYTES = 255;

function failure(path: string, code: string): FileSystemError {
  return new FileSystemError(path, code, fileSystemReason({ code }));
}

export class MemoryFileSystem implements ReviewFileSystem {
  private readonly root: Entry = { kind: 'directory', children: new Map() };
  /** Paths whose reading fails with a code (a folder without permission, a failing disk). */
  private readonly failures = new Map<string, string>();
  /** Every path passed to readDirectory, in order: to see what a caller lists. */
  readonly listed: string[] = [];
  /** Every path passed to readFile, in order. */
  readonly read: string[] = [];

  constructor(files: Record<string, string> = {}) {
    for (const [path, text] of Object.entries(files)) this.writeFile(path, text);
  }

  // ---------------------------------------------------------------------------------------------------
  // Changing the tree (as a test or another program would on a disk)

  /** Writes a file, creating the folders above it (`mkdir -p`). */
  writeFile(path: string, content: string | Uint8Array): void {
    const { parent, name } = this.parentOf(path, true);
    const existing = parent.children.get(name);
    if (existing?.kind === 'directory') throw failure(path, 'EISDIR');
    parent.children.set(name, {
      kind: 'file',
      bytes: typeof content === 'string' ? new TextEncoder().encode(content) : Uint8Array.from(content),
    });
  }

  /** Creates a folder and those above it. */
  mkdir(path: string): void {
    const { parent, name } = this.parentOf(path, true);
    const existing = parent.children.get(name);
    if (!existing) parent.children.set(name, { kind: 'directory', children: new Map() });
    else if (existing.kind !== 'directory') throw failure(path, 'EEXIST');
  }

  /** A symbolic link at `path` to `target` (absolute, or relative to the link's folder). */
  symlink(path: string, target: string): void {
    const { parent, name } = this.parentOf(path, true);
    if (parent.children.has(name)) throw failure(path, 'EEXIST');
    parent.children.set(name, { kind: 'symlink', target });
  }

  /** Removes a file, a link or a whole folder (`rm -rf`); nothing there is fine. */
  remove(path: string): void {
    const found = this.parentOf(path, false, true);
    found?.parent.children.delete(found.name);
  }

  /** Moves a file or folder (with what it holds), creating the folders above its new place. */
  rename(from: string, to: string): void {
    const source = this.parentOf(from, false);
    const entry = source?.parent.children.get(source.name);
    if (!source || !entry) throw failure(from, 'ENOENT');
    const target = this.parentOf(to, true);
    source.parent.children.delete(source.name);
    target.parent.children.set(target.name, entry);
  }

  /** Makes reading `path` (readFile, readDirectory) fail with `code`; `undefined` clears it. */
  failWith(path: string, code: string | undefined): void {
    if (code === undefined) this.failures.delete(posix.resolve(path));
    else this.failures.set(posix.resolve(path), code);
  }

  /** A file's text as stored, for assertions. */
  text(path: string): string {
    const entry = this.resolve(path, true);
    if (entry.kind !== 'file') throw failure(path, 'EISDIR');
    return new TextDecoder().decode(entry.bytes);
  }

  /** Paths of every file below `under`, sorted: what the tree holds. */
  files(under = '/'): string[] {
    const found: string[] = [];
    const walk = (entry: Entry, path: string) => {
      if (entry.kind === 'file') found.push(path);
      else if (entry.kind === 'directory')
        for (const [name, child] of entry.children) walk(child, posix.join(path, name));
    };
    const start = this.lookup(posix.resolve(under), false, 0);
    if (start.entry) walk(start.entry, posix.resolve(under));
    return found.sort();
  }

  // ---------------------------------------------------------------------------------------------------
  // ReviewFileSystem

  async readFile(path: string): Promise<Uint8Array> {
    this.read.push(path);
    this.injected(path);
    const entry = this.resolve(path, true);
    if (entry.kind === 'directory') throw failure(path, 'EISDIR');
    return Uint8Array.from((entry as { bytes: Uint8Array }).bytes);
  }

  async readDirectory(path: string): Promise<{ name: string; kind: EntryKind }[]> {
    this.listed.push(path);
    this.injected(path);
    const entry = this.resolve(path, true);
    if (entry.kind !== 'directory') throw failure(path, 'ENOTDIR');
    return [...entry.children].map(([name, child]) => ({ name, kind: child.kind }));
  }

  async stat(path: string): Promise<{ kind: EntryKind; size: number } | undefined> {
    const found = this.lookup(posix.resolve(path), true, 0);
    if (found.code === 'ELOOP') throw failure(path, 'ELOOP');
    if (!found.entry) return undefined;
    return found.entry.kind === 'file'
      ? { kind: 'file', size: found.entry.bytes.length }
      : { kind: 'directory', size: 4096 };
  }

  async realPath(path: string): Promise<string> {
    const found = this.lookup(posix.resolve(path), true, 0);
    if (!found.entry) throw failure(path, found.code ?? 'ENOENT');
    return found.real;
  }

  // ---------------------------------------------------------------------------------------------------

  private injected(path: string): void {
    const code = this.failures.get(posix.resolve(path));
    if (code) throw failure(path, code);
  }

  private resolve(path: string, follow: boolean): Entry {
    const found = this.lookup(posix.resolve(path), follow, 0);
    if (!found.entry) throw failure(path, found.code ?? 'ENOENT');
    return found.entry;
  }

  /**
   * Walks an absolute path from the root, following links on the way (and at the end with `follow`).
   * `real` is the path with every link resolved; `code` says why nothing was found.
   */
  private lookup(
    path: string,
    follow: boolean,
    links: number,
  ): { entry: Entry | undefined; real: string; code?: string; links: number } {
    const names = path.split('/').filter((n) => n !== '');
    let entry: Entry = this.root;
    let real = '/';
    for (let i = 0; i < names.length; i++) {
      const name = names[i]!;
      if (new TextEncoder().encode(name).length > MAX_NAME_BYTES)
        return { entry: undefined, real, code: 'ENAMETOOLONG', links };
      if (entry.kind !== 'directory') return { entry: undefined, real, code: 'ENOTDIR', links };
      const child = entry.children.get(name);
      if (!child) return { entry: undefined, real, code: 'ENOENT', links };
      const last = i === names.length - 1;
      if (child.kind === 'symlink' && (follow || !last)) {
        if (++links > MAX_LINKS) return { entry: undefined, real, code: 'ELOOP', links };
        const target = posix.resolve(real, child.target);
        const through = this.lookup(target, true, links);
        if (!through.entry) return { ...through, entry: undefined };
        links = through.links;
        entry = through.entry;
        real = through.real;
      } else {
        entry = child;
        real = posix.join(real, name);
      }
    }
    return { entry, real, links };
  }

  /** The folder that holds `path` (created with `create`), following links; `undefined` when absent. */
  private parentOf(path: string, create: true): { parent: Entry & { kind: 'directory' }; name: string };
  private parentOf(
    path: string,
    create: false,
    quiet?: boolean,
  ): { parent: Entry & { kind: 'directory' }; name: string } | undefined;
  private parentOf(path: string, create: boolean, quiet = false) {
    const absolute = posix.resolve(path);
    const name = posix.basename(absolute);
    if (name === '') throw new Error('the root cannot be changed');
    const folder = posix.dirname(absolute);
    let found = this.lookup(folder, true, 0);
    if (!found.entry && create) {
      this.mkdirAll(folder);
      found = this.lookup(folder, true, 0);
    }
    if (!found.entry || found.entry.kind !== 'directory') {
      if (quiet || !create) return undefined;
      throw failure(path, 'ENOTDIR');
    }
    return { parent: found.entry, name };
  }

  private mkdirAll(folder: string): void {
    let entry: Entry = this.root;
    let at = '/';
    for (const name of folder.split('/').filter((n) => n !== '')) {
      at = posix.join(at, name);
      if (entry.kind !== 'directory') throw failure(at, 'ENOTDIR');
      let child = entry.children.get(name);
      if (!child) {
        child = { kind: 'directory', children: new Map() };
        entry.children.set(name, child);
      }
      if (child.kind === 'symlink') {
        const through = this.lookup(at, true, 0);
        if (!through.entry) throw failure(at, through.code ?? 'ENOENT');
        child = through.entry;
      }
      entry = child;
    }
  }
}
