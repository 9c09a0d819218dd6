// The reviews the server serves, one ReviewWorkspace per review folder: found in the workspace folders or
// by walking up from an opened file, and kept in step with the disk (the client's file events, or the
// server's own watcher when the client cannot watch files).
import * as nodePath from 'node:path';
import { FileChangeType, type FileEvent } from 'vscode-languageserver/node';
import { findReviewRoot, REVIEW_FILE } from '../core/review/review';
import type { CheckSummary, ReviewWorkspace } from '../core/workspace/reviewWorkspace';
import { nodeFileSystem } from '../node/fileSystem';
import type { ServerContext } from './context';
import { ReviewFolderWatcher } from './fileWatcher';
import { uriToPath } from './overlayFileSystem';
import { ServedReview } from './servedReview';

const IGNORED_FOLDERS = new Set(['node_modules', '.git', 'dist', 'out', '.vscode-test']);

/** Finds review.yaml files in a workspace folder (a few levels deep; a review is usually at the top). */
async function discoverReviews(folder: string, depth = 0): Promise<string[]> {
  const found: string[] = [];
  const stat = await nodeFileSystem.stat(nodePath.join(folder, REVIEW_FILE));
  if (stat?.kind === 'file') found.push(folder);
  if (depth >= 4) return found;
  const entries = await nodeFileSystem.readDirectory(folder).catch(() => []);
  for (const entry of entries) {
    if (entry.kind !== 'directory' || IGNORED_FOLDERS.has(entry.name) || entry.name.startsWith('.')) continue;
    found.push(...(await discoverReviews(nodePath.join(folder, entry.name), depth + 1)));
  }
  return found;
}

export class ReviewRegistry {
  private readonly served = new Map<string, ServedReview>();
  /** The client's workspace folders. */
  workspaceRoots: string[] = [];
  /** Watches the review folders on disk when the client cannot watch files for the server. */
  private folderWatcher: ReviewFolderWatcher | undefined;

  constructor(private readonly context: ServerContext) {}

  workspaces(): ReviewWorkspace[] {
    return [...this.served.values()].map((s) => s.workspace);
  }

  get size(): number {
    return this.served.size;
  }

  /** The review at a folder, served from now on. */
  at(root: string): ReviewWorkspace {
    let served = this.served.get(root);
    if (!served) {
      served = new ServedReview(
        root,
        this.context.fs,
        (uri, diagnostics, reviewRoot) => this.context.publish(uri, diagnostics, reviewRoot),
        () => this.context.trusted,
        () => this.context.documentsByPath.keys(),
      );
      this.served.set(root, served);
    }
    return served.workspace;
  }

  /** The review served at exactly this folder, if any. */
  servedAt(root: string): ReviewWorkspace | undefined {
    return this.served.get(root)?.workspace;
  }

  /** The review a file belongs to: the deepest known review folder above it, or one found by walking up. */
  async sessionOf(path: string): Promise<ReviewWorkspace | undefined> {
    let best: ReviewWorkspace | undefined;
    for (const workspace of this.workspaces()) {
      if (
        (workspace.contains(path) || nodePath.dirname(path) === workspace.root) &&
        (!best || workspace.root.length > best.root.length)
      )
        best = workspace;
    }
    if (best) return best;
    const root = await findReviewRoot(nodePath.dirname(path), nodeFileSystem);
    if (!root) return undefined;
    const workspace = this.at(root);
    void this.watchReviewFolders()
      .then(() => workspace.checkAll())
      .catch((error: unknown) => this.context.reportError(error));
    return workspace;
  }

  /** The deepest review folder a path is inside of. */
  containing(path: string): ReviewWorkspace | undefined {
    let best: ReviewWorkspace | undefined;
    for (const workspace of this.workspaces())
      if (workspace.contains(path) && (!best || workspace.root.length > best.root.length)) best = workspace;
    return best;
  }

  /** Finds the reviews of the workspace folders and checks every one; returns the totals. */
  async checkWorkspace(): Promise<CheckSummary> {
    const roots = new Set<string>();
    for (const folder of this.workspaceRoots)
      for (const root of await discoverReviews(folder)) roots.add(root);
    for (const root of roots) this.at(root);
    // Watching starts before checking, so that no change on disk falls between the two.
    await this.watchReviewFolders();
    const totals = { files: 0, errors: 0, warnings: 0 };
    for (const workspace of this.workspaces()) {
      const summary = await workspace.checkAll();
      totals.files += summary.files;
      totals.errors += summary.errors;
      totals.warnings += summary.warnings;
    }
    return totals;
  }

  /** Stops serving the reviews inside removed workspace folders, clearing their diagnostics. */
  foldersRemoved(removed: string[]): void {
    this.workspaceRoots = this.workspaceRoots.filter((r) => !removed.includes(r));
    for (const [root, served] of this.served) {
      if (!removed.some((r) => root === r || root.startsWith(r + nodePath.sep))) continue;
      served.clearAll();
      this.served.delete(root);
    }
  }

  /** The client cannot watch files: the server watches the review folders itself. */
  watchOnDisk(): void {
    this.folderWatcher = new ReviewFolderWatcher(
      (changes) => this.filesChanged(changes),
      (error) => this.context.reportError(error),
    );
  }

  async stopWatching(): Promise<void> {
    const watcher = this.folderWatcher;
    this.folderWatcher = undefined;
    await watcher?.close();
  }

  /** Brings the server's own watching in line with the known reviews (a no-op when the client watches). */
  private async watchReviewFolders(): Promise<void> {
    await this.folderWatcher?.watchOnly(this.served.keys());
  }

  /** Files changed on disk, as the client reports them or as the server's own watcher sees them. */
  async filesChanged(changes: FileEvent[]): Promise<void> {
    const report = (error: unknown) => this.context.reportError(error);
    for (const change of changes) {
      const path = uriToPath(change.uri);
      if (!path) continue;
      if (nodePath.basename(path) === REVIEW_FILE) {
        const root = nodePath.dirname(path);
        if (change.type === FileChangeType.Deleted) {
          this.served.get(root)?.clearAll();
          this.served.delete(root);
          await this.watchReviewFolders().catch(report);
        } else {
          const workspace = this.at(root);
          await this.watchReviewFolders().catch(report);
          await workspace.reload().catch(report);
        }
        continue;
      }
      // An open document is validated from its buffer as it changes; the disk matters once it is closed.
      const listingChanged = change.type !== FileChangeType.Changed;
      if (this.context.documentsByPath.has(path) && change.type !== FileChangeType.Deleted) {
        // Its buffer is what is checked, but a file created on disk joins the review's listing.
        if (listingChanged) await this.containing(path)?.fileChanged(path, { listingChanged }).catch(report);
        continue;
      }
      await this.containing(path)?.fileChanged(path, { listingChanged }).catch(report);
    }
  }
}
