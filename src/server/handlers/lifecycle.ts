// initialize / initialized, configuration and workspace-folder changes, file events, shutdown.
import {
  CodeActionKind,
  DidChangeConfigurationNotification,
  DidChangeWatchedFilesNotification,
  TextDocumentSyncKind,
  WatchKind,
  type InitializeParams,
  type InitializeResult,
} from 'vscode-languageserver/node';
import { APPLY_RESOLUTION_COMMAND } from '../../shared/protocol';
import type { ServerContext } from '../context';
import { uriToPath } from '../overlayFileSystem';

export function registerLifecycle(context: ServerContext): void {
  const { connection, reviews, support } = context;
  const report = (error: unknown) => context.reportError(error);

  connection.onInitialize((params: InitializeParams): InitializeResult => {
    const options = (params.initializationOptions ?? {}) as { trusted?: boolean };
    context.trusted = options.trusted !== false;
    const { workspace, textDocument } = params.capabilities;
    support.configuration = workspace?.configuration === true;
    support.watcherRegistration = workspace?.didChangeWatchedFiles?.dynamicRegistration === true;
    support.workspaceFolders = workspace?.workspaceFolders === true;
    support.snippets = textDocument?.completion?.completionItem?.snippetSupport === true;
    const workspaceEdit = workspace?.workspaceEdit;
    support.fileCreation =
      workspace?.applyEdit === true &&
      workspaceEdit?.documentChanges === true &&
      (workspaceEdit.resourceOperations ?? []).includes('create');
    const folders =
      params.workspaceFolders?.map((f) => uriToPath(f.uri)).filter((p): p is string => !!p) ?? [];
    const rootPath = params.rootUri ? uriToPath(params.rootUri) : undefined;
    reviews.workspaceRoots = folders.length > 0 ? folders : rootPath ? [rootPath] : [];
    return {
      capabilities: {
        textDocumentSync: TextDocumentSyncKind.Incremental,
        completionProvider: { triggerCharacters: [':', ' ', '-'], resolveProvider: false },
        hoverProvider: true,
        codeActionProvider: { codeActionKinds: [CodeActionKind.QuickFix] },
        codeLensProvider: { resolveProvider: false },
        executeCommandProvider: { commands: [APPLY_RESOLUTION_COMMAND] },
        documentSymbolProvider: true,
        foldingRangeProvider: true,
        definitionProvider: true,
        workspace: { workspaceFolders: { supported: true, changeNotifications: true } },
      },
      serverInfo: { name: 'study-extraction', version: '0.1.0' },
    };
  });

  connection.onInitialized(() => {
    if (support.configuration)
      void connection.client.register(DidChangeConfigurationNotification.type, undefined);
    if (support.watcherRegistration) {
      void connection.client.register(DidChangeWatchedFilesNotification.type, {
        watchers: [
          { globPattern: '**/review.yaml' },
          { globPattern: '**/*.yaml' },
          { globPattern: '**/*.json' },
          // A removed folder is reported as one event for the folder, which the globs above pass over.
          { globPattern: '**/*', kind: WatchKind.Delete },
        ],
      });
    } else {
      reviews.watchOnDisk();
      connection.console.log(
        'Study Extraction: the editor does not watch files; watching review folders on disk.',
      );
    }
    void reviews.checkWorkspace().catch(report);
    if (!support.workspaceFolders) return;
    connection.workspace.onDidChangeWorkspaceFolders((event) => {
      const toPaths = (folders: { uri: string }[]) =>
        folders.map((f) => uriToPath(f.uri)).filter((p): p is string => !!p);
      reviews.foldersRemoved(toPaths(event.removed));
      reviews.workspaceRoots.push(...toPaths(event.added));
      void reviews.checkWorkspace().catch(report);
    });
  });

  connection.onDidChangeConfiguration(() => context.settingsChanged());
  connection.onDidChangeWatchedFiles(({ changes }) => reviews.filesChanged(changes));
  connection.onShutdown(() => reviews.stopWatching());
  connection.onExit(() => void reviews.stopWatching());
}
