// Open documents: checked as they change (after the configured delay), and from disk again on close.
import type { TextDocument } from 'vscode-languageserver-textdocument';
import type { ServerContext } from '../context';
import { uriToPath } from '../overlayFileSystem';

export function registerDocuments(context: ServerContext): void {
  const { documents, documentsByPath, reviews } = context;
  const pending = new Map<string, ReturnType<typeof setTimeout>>();
  const report = (error: unknown) => context.reportError(error);

  async function validatePath(path: string): Promise<void> {
    const workspace = await reviews.sessionOf(path);
    if (workspace) await workspace.fileChanged(path);
  }

  async function scheduleValidation(document: TextDocument): Promise<void> {
    const path = uriToPath(document.uri);
    if (!path) return;
    const { validationDelay } = await context.settingsFor(document.uri);
    clearTimeout(pending.get(document.uri));
    pending.set(
      document.uri,
      setTimeout(() => {
        pending.delete(document.uri);
        void validatePath(path).catch(report);
      }, validationDelay),
    );
  }

  documents.onDidOpen(({ document }) => {
    const path = uriToPath(document.uri);
    if (path) {
      documentsByPath.set(path, document);
      context.rememberClientUri(path, document.uri);
    }
  });

  documents.onDidChangeContent(({ document }) => {
    const path = uriToPath(document.uri);
    if (path) documentsByPath.set(path, document);
    void scheduleValidation(document);
  });

  documents.onDidClose(({ document }) => {
    const path = uriToPath(document.uri);
    clearTimeout(pending.get(document.uri));
    pending.delete(document.uri);
    context.forgetDocument(document.uri);
    if (!path) return;
    documentsByPath.delete(path);
    // The buffer's diagnostics give way to those of the file on disk (or none, if it was never saved).
    void validatePath(path).catch(report);
  });
}
