// Watches review folders on disk for editors that cannot watch files for the server (no dynamic
// registration of workspace/didChangeWatchedFiles): another reviewer's record changed, created or
// deleted on disk must still update the diagnostics.
import * as nodePath from 'node:path';
import { watch, type FSWatcher } from 'chokidar';
import { FileChangeType, type FileEvent } from 'vscode-languageserver/node';
import { REVIEW_FILE } from '../core/review/review';
import { pathToUri } from './overlayFileSystem';

/** The files of a review the server reacts to: the protocol, JSON Schemas and records. */
export function isWatchedReviewFile(path: string): boolean {
  const name = nodePath.basename(path);
  return name === REVIEW_FILE || name.endsWith('.study.yaml') || name.endsWith('.json');
}

/** Batches are delivered this long after the last event, and never later than MAX_WAIT_MS after the first. */
const QUIET_MS = 75;
const MAX_WAIT_MS = 1000;
/** A folder whose scan does not finish does not hold back the diagnostics for longer than this. */
const READY_TIMEOUT_MS = 5000;

interface WatchedFolder {
  watcher: FSWatcher;
  ready: Promise<void>;
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
      void folder.watcher.close().catch(this.onError);
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
    await Promise.all(folders.map((f) => f.watcher.close().catch(this.onError)));
  }

  private watchFolder(root: string): WatchedFolder {
    const watcher = watch(root, {
      ignoreInitial: true,
      ignored: (path, stats) => {
        const relative = nodePath.relative(root, path);
        if (relative === '') return false;
        // node_modules, .git and other dot folders (caches, editor settings) hold no review files.
        if (relative.split(nodePath.sep).some((s) => s === 'node_modules' || s.startsWith('.'))) return true;
        return stats?.isFile() === true && !isWatchedReviewFile(path);
      },
    });
    watcher.on('add', (path) => this.queue(path, FileChangeType.Created));
    watcher.on('change', (path) => this.queue(path, FileChangeType.Changed));
    watcher.on('unlink', (path) => this.queue(path, FileChangeType.Deleted));
    watcher.on('error', (error) => {
      // One report is enough: a full inotify table fails every folder the same way.
      if (this.errorReported) return;
      this.errorReported = true;
      this.onError(new Error(`cannot watch ${root} for changes on disk: ${String(error)}`));
    });
    const ready = new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, READY_TIMEOUT_MS);
      timer.unref();
      watcher.once('ready', () => {
        clearTimeout(timer);
        resolve();
      });
    });
    return { watcher, ready };
  }

  private queue(path: string, type: FileChangeType): void {
    if (this.closed || !isWatchedReviewFile(path)) return;
    const previous = this.pending.get(path);
    if (this.pending.size === 0) this.firstPendingAt = Date.now();
    // A file created and then written is new; one deleted and written again (an atomic save) changed.
    this.pending.set(
      path,
      previous === FileChangeType.Created && type === FileChangeType.Changed
        ? FileChangeType.Created
        : previous === FileChangeType.Deleted && type === FileChangeType.Created
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
