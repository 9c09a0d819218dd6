import type { Diagnostic } from '../core/common/diagnostic';
import type { ReviewFileSystem } from '../core/review/fileSystem';
import { ReviewWorkspace } from '../core/workspace/reviewWorkspace';
import { pathToUri } from './overlayFileSystem';

export type Publish = (uri: string, diagnostics: Diagnostic[], root: string) => void;

/** Gives the server's other messages a turn between slices of a long pass over the review. */
const yieldToMessages = () => new Promise<void>((resolve) => setImmediate(resolve));

/**
 * A review the server serves: its core workspace, and the URIs this server has published diagnostics for
 * (so that they can be cleared when the review goes away).
 */
export class ServedReview {
  readonly workspace: ReviewWorkspace;
  private readonly published = new Set<string>();

  constructor(
    readonly root: string,
    fs: ReviewFileSystem,
    private readonly publish: Publish,
    trusted: () => boolean,
    openPaths: () => Iterable<string>,
  ) {
    this.workspace = new ReviewWorkspace(root, fs, {
      trusted,
      openPaths,
      diagnosticsChanged: (paths) => this.send(paths),
      pause: yieldToMessages,
    });
  }

  clearAll(): void {
    for (const uri of [...this.published]) this.publish(uri, [], this.root);
    this.published.clear();
  }

  private send(relativePaths: string[]): void {
    for (const path of relativePaths) {
      const uri = pathToUri(this.workspace.absolute(path));
      const diagnostics = this.workspace.diagnostics(path);
      if (diagnostics.length > 0) this.published.add(uri);
      else this.published.delete(uri);
      this.publish(uri, diagnostics, this.root);
    }
  }
}
