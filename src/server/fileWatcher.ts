// Watches review folders on disk for editors that cannot watch files for the server (no dynamic
// registration of workspace/didChangeWatchedFiles): another reviewer's record changed, created or
// deleted on disk must still update the diagnostics.
import { stat, watch, type FSWatcher } from 'node:fs';
import * as nodePath from 'node:path';
import { FileChangeType, type FileEvent } from 'vscode-languageserver/node';
import { REVIEW_FILE } from '../core/review/review';
import { pathToUri } from './overlayFileSystem';

/** The files of a review the server reacts to: the protocol, JSON Schemas and records. */
function isWatchedReviewFile(path: string): boolean {
  const name = nodePath.basename(path);
  return name === REVIEW_FILE || name.endsWith('.study.yaml') || name.endsWith('.json');
}

/** Batches are delivered this long after the last event, and never later than MAX_WAIT_MS after the first. */
const QUIET_MS = 75;
const MAX_WAIT_MS = 1000;
interface WatchedFolder {
  watcher: FSWatcher | undefined;
  ready: Promise<void>;
}

/** node_modules, .git and other dot folders (caches, editor settings) hold no review files. */
function isIgnored(relative: string): boolean {
  return relative.split(/[\\/]/).some((s) => s === 'node_modules' || s.startsWith('.'));
}

export class ReviewFolderWatcher {
  private readonly folders = new Map<string, WatchedFolder>();
  private readonly pending = new Map<string, FileChangeType>();
  private timer: ReturnType<typeof setTimeout> | undefined;
  private firstPendingAt = 0;
  /** Batches are handled one after the other, in the order they happened. */
  private delivering: Promise<void> = Promise.resolve();
  private closed = false;
  private errorReported = false;

  constructor(
    private readonly onChanges: (changes: FileEvent[]) => Promise<void>,
    private readonly onError: (error: unknown) => void,
  ) {}

  /**
   * Watches exactly these review folders (one inside another is covered by the outer one) and resolves
   * once each is being watched, so that a check started afterwards misses no change.
   */
  async watchOnly(roots: Iterable<string>): Promise<void> {
    if (this.closed) return;
    const wanted = outermost([...roots]);
    for (const [root, folder] of this.folders) {
      if (wanted.includes(root)) continue;
      this.folders.delete(root);
      folder.watcher?.close();
    }
    for (const root of wanted) if (!this.folders.has(root)) this.folders.set(root, this.watchFolder(root));
    await Promise.all(wanted.map((root) => this.folders.get(root)!.ready));
  }

  async close(): Promise<void> {
    this.closed = true;
    clearTimeout(this.timer);
    this.pending.clear();
    const folders = [...this.folders.values()];
    this.folders.clear();
    for (const folder of folders) folder.watcher?.close();
  }

  /**
   * Node's recursive watch: one inotify watch per folder, none per file, and no initial scan of the files
   * (a folder-and-file watcher took 13 s and 200 MiB on a 2,000-record review before it was ready).
   */
  private watchFolder(root: string): WatchedFolder {
    let watcher: FSWatcher | undefined;
    try {
      watcher = watch(root, { recursive: true }, (event, name) => {
        if (name !== null) this.seen(event, nodePath.join(root, name.toString()));
      });
      watcher.on('error', (error) => this.reportOnce(root, error));
    } catch (error) {
      this.reportOnce(root, error);
    }
    return { watcher, ready: Promise.resolve() };
  }

  private reportOnce(root: string, error: unknown): void {
    // One report is enough: a full inotify table fails every folder the same way.
    if (this.errorReported) return;
    this.errorReported = true;
    this.onError(new Error(`cannot watch ${root} for changes on disk: ${String(error)}`));
  }

  /** Something happened at a path: whether it is there now tells a creation or change from a deletion. */
  private seen(event: string, path: string): void {
    const root = [...this.folders.keys()].find((r) => path === r || path.startsWith(r + nodePath.sep));
    if (root === undefined || isIgnored(nodePath.relative(root, path))) return;
    stat(path, (error, stats) => {
      if (this.closed) return;
      // A deleted path may have been a folder, whose files get no events of their own.
      if (error) this.queue(path, FileChangeType.Deleted, 'gone');
      else if (stats.isDirectory()) {
        if (event === 'rename') this.queue(path, FileChangeType.Created, 'folder');
      } else if (stats.isFile())
        this.queue(path, event === 'rename' ? FileChangeType.Created : FileChangeType.Changed, 'file');
    });
  }

  /** `gone` is a path deleted: it may have been a folder, whose files get no events of their own. */
  private queue(path: string, type: FileChangeType, what: 'file' | 'folder' | 'gone'): void {
    if (this.closed || (what === 'file' && !isWatchedReviewFile(path))) return;
    const previous = this.pending.get(path);
    if (this.pending.size === 0) this.firstPendingAt = Date.now();
    // A file created and then written is new; one deleted and written again (an atomic save) changed. A
    // folder deleted and made again (replaced) stays created: its files are listed again.
    this.pending.set(
      path,
      previous === FileChangeType.Created && type === FileChangeType.Changed
        ? FileChangeType.Created
        : previous === FileChangeType.Deleted && type === FileChangeType.Created && what === 'file'
          ? FileChangeType.Changed
          : type,
    );
    clearTimeout(this.timer);
    const delay = Math.max(0, Math.min(QUIET_MS, this.firstPendingAt + MAX_WAIT_MS - Date.now()));
    this.timer = setTimeout(() => this.deliver(), delay);
  }

  private deliver(): void {
    const changes = [...this.pending].map(([path, type]) => ({ uri: pathToUri(path), type }));
    this.pending.clear();
    this.delivering = this.delivering.then(() => this.onChanges(changes)).catch(this.onError);
  }
}

/** The folders not inside another of them. */
function outermost(roots: string[]): string[] {
  const inside = (path: string, folder: string) => path.startsWith(folder + nodePath.sep);
  return [...new Set(roots)].filter((root) => !roots.some((other) => inside(root, other)));
}
