import { writeSync } from 'node:fs';
import * as nodePath from 'node:path';
import {
  CodeAction,
  CodeActionKind,
  CompletionItem,
  CompletionItemKind,
  createConnection,
  DiagnosticSeverity,
  DidChangeConfigurationNotification,
  DidChangeWatchedFilesNotification,
  FileChangeType,
  InsertTextFormat,
  MarkupKind,
  ProposedFeatures,
  RequestType,
  RequestType0,
  SymbolKind,
  TextDocuments,
  TextDocumentSyncKind,
  type Diagnostic as LspDiagnostic,
  type DocumentSymbol,
  type FileEvent,
  type InitializeParams,
  type InitializeResult,
} from 'vscode-languageserver/node';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { complete, snippetToPlainText } from '../core/editor/completion';
import { completionContext } from '../core/yaml/cursor';
import type { Diagnostic, Severity } from '../core/common/diagnostic';
import { nodeFileSystem } from '../node/fileSystem';
import { hover } from '../core/editor/hover';
import { definition, foldingRanges, outline, type OutlineSymbol } from '../core/editor/outline';
import { recordProgress } from '../core/editor/progress';
import { quickFixes } from '../core/editor/quickFix';
import { newRecord } from '../core/review/newRecord';
import { findReviewRoot, readTextFile, resolveInsideReview, REVIEW_FILE } from '../core/review/review';
import { reviewFileSchemaValidator, type CompiledSchema } from '../core/schema/schema';
import { toIdPath } from '../core/record/idPath';
import { parseYaml, type YamlFile } from '../core/yaml/yamlDocument';
import {
  Methods,
  type CheckReviewResult,
  type NextMissingFieldParams,
  type NextMissingFieldResult,
  type ProgressParams,
  type ProgressResult,
  type RecordProgressInfo,
  type ReviewInfo,
  type ScaffoldRecordParams,
  type ScaffoldRecordResult,
  APPLY_RESOLUTION_COMMAND,
} from '../shared/protocol';
import { onCustomRequest } from './customRequest';
import { registerAdjudication, resolutionActions, type AdjudicationContext } from './adjudication';
import { ReviewFolderWatcher } from './fileWatcher';
import { hasTransportArgument, LAUNCH_USAGE } from './launch';
import { OverlayFileSystem, pathToUri, uriToPath } from './overlayFileSystem';
import { ServedReview } from './servedReview';
import type { ReviewWorkspace } from '../core/workspace/reviewWorkspace';
import { registerSynthesis } from './synthesis';

if (!hasTransportArgument(process.argv.slice(2))) {
  // Written synchronously: the process exits right after.
  writeSync(2, `${LAUNCH_USAGE}\n`);
  process.exit(2);
}

const connection = createConnection(ProposedFeatures.all);
const documents = new TextDocuments(TextDocument);
const documentsByPath = new Map<string, TextDocument>();
const fs = new OverlayFileSystem((path) => documentsByPath.get(path));
const sessions = new Map<string, ServedReview>();

let workspaceRoots: string[] = [];
let trusted = true;
let supportsConfiguration = false;
let supportsWatcherRegistration = false;
let supportsWorkspaceFolders = false;
let supportsSnippets = false;
/** The client creates files through workspace/applyEdit (CreateFile), as a new consensus record needs. */
let supportsFileCreation = false;
/** Watches the review folders on disk when the client cannot watch files for the server. */
let folderWatcher: ReviewFolderWatcher | undefined;

// ---------------------------------------------------------------------------------------------------
// Settings (per workspace folder, never one global)

interface Settings {
  validationDelay: number;
  adjudicator: string;
}
const DEFAULT_SETTINGS: Settings = { validationDelay: 150, adjudicator: '' };
const settingsByScope = new Map<string, Promise<Settings>>();

function settingsFor(uri: string): Promise<Settings> {
  if (!supportsConfiguration) return Promise.resolve(DEFAULT_SETTINGS);
  let settings = settingsByScope.get(uri);
  if (!settings) {
    settings = connection.workspace
      .getConfiguration({ scopeUri: uri, section: 'studyExtraction' })
      .then((value: { validation?: { delay?: unknown }; adjudicator?: unknown } | null) => {
        const delay = value?.validation?.delay;
        return {
          validationDelay:
            typeof delay === 'number' && delay >= 0 && delay <= 10_000
              ? delay
              : DEFAULT_SETTINGS.validationDelay,
          adjudicator: typeof value?.adjudicator === 'string' ? value.adjudicator : '',
        };
      })
      .catch(() => DEFAULT_SETTINGS);
    settingsByScope.set(uri, settings);
  }
  return settings;
}

// ---------------------------------------------------------------------------------------------------
// Reviews

const toLspSeverity: Record<Severity, DiagnosticSeverity> = {
  error: DiagnosticSeverity.Error,
  warning: DiagnosticSeverity.Warning,
  information: DiagnosticSeverity.Information,
};

function toLspDiagnostic(d: Diagnostic, root: string): LspDiagnostic {
  return {
    range: d.range,
    severity: toLspSeverity[d.severity],
    code: d.code,
    source: 'study-extraction',
    message: d.message,
    data: d.data,
    relatedInformation: d.related?.map((r) => ({
      location: { uri: clientUriOf(nodePath.join(root, r.path)), range: r.range },
      message: r.message,
    })),
  };
}

/** The URI spelling the client used for a path (encodings of the same path differ between tools). */
const clientUris = new Map<string, string>();

function clientUriOf(path: string): string {
  return documentsByPath.get(path)?.uri ?? clientUris.get(path) ?? pathToUri(path);
}

function publish(uri: string, diagnostics: Diagnostic[], root: string): void {
  const path = uriToPath(uri);
  const clientUri = path ? clientUriOf(path) : uri;
  void connection.sendDiagnostics({
    uri: clientUri,
    diagnostics: diagnostics.map((d) => toLspDiagnostic(d, root)),
  });
}

function servedReview(root: string): ServedReview {
  let served = sessions.get(root);
  if (!served) {
    served = new ServedReview(
      root,
      fs,
      publish,
      () => trusted,
      () => documentsByPath.keys(),
    );
    sessions.set(root, served);
  }
  return served;
}

function sessionFor(root: string): ReviewWorkspace {
  return servedReview(root).workspace;
}

function workspaces(): ReviewWorkspace[] {
  return [...sessions.values()].map((s) => s.workspace);
}

/** The review a file belongs to: the deepest known review folder above it, or one found by walking up. */
async function sessionOf(path: string): Promise<ReviewWorkspace | undefined> {
  let best: ReviewWorkspace | undefined;
  for (const session of workspaces()) {
    if (
      (session.contains(path) || nodePath.dirname(path) === session.root) &&
      (!best || session.root.length > best.root.length)
    )
      best = session;
  }
  if (best) return best;
  const root = await findReviewRoot(nodePath.dirname(path), nodeFileSystem);
  if (!root) return undefined;
  const session = sessionFor(root);
  void watchReviewFolders()
    .then(() => session.checkAll())
    .catch(reportError);
  return session;
}

/** The deepest review folder a path is inside of. */
function sessionContaining(path: string): ReviewWorkspace | undefined {
  let best: ReviewWorkspace | undefined;
  for (const session of workspaces())
    if (session.contains(path) && (!best || session.root.length > best.root.length)) best = session;
  return best;
}

/** Brings the server's own watching in line with the known reviews (a no-op when the client watches). */
async function watchReviewFolders(): Promise<void> {
  await folderWatcher?.watchOnly(sessions.keys());
}

const IGNORED_FOLDERS = new Set(['node_modules', '.git', 'dist', 'out', '.vscode-test']);

/** Finds review.yaml files in the workspace folders (a few levels deep; a review is usually at the top). */
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

async function checkWorkspace(): Promise<CheckReviewResult> {
  const roots = new Set<string>();
  for (const folder of workspaceRoots) for (const root of await discoverReviews(folder)) roots.add(root);
  for (const root of roots) sessionFor(root);
  // Watching starts before checking, so that no change on disk falls between the two.
  await watchReviewFolders();
  const totals = { files: 0, errors: 0, warnings: 0 };
  for (const session of workspaces()) {
    const summary = await session.checkAll();
    totals.files += summary.files;
    totals.errors += summary.errors;
    totals.warnings += summary.warnings;
  }
  return totals;
}

function reportError(error: unknown): void {
  connection.console.error(
    `Study Extraction: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`,
  );
}

// ---------------------------------------------------------------------------------------------------
// Documents: validate on change (debounced), revalidate from disk on close

const pending = new Map<string, ReturnType<typeof setTimeout>>();

async function scheduleValidation(document: TextDocument): Promise<void> {
  const path = uriToPath(document.uri);
  if (!path) return;
  const { validationDelay } = await settingsFor(document.uri);
  clearTimeout(pending.get(document.uri));
  pending.set(
    document.uri,
    setTimeout(() => {
      pending.delete(document.uri);
      void validatePath(path).catch(reportError);
    }, validationDelay),
  );
}

async function validatePath(path: string): Promise<void> {
  const session = await sessionOf(path);
  if (session) await session.fileChanged(path);
}

documents.onDidOpen(({ document }) => {
  const path = uriToPath(document.uri);
  if (path) {
    documentsByPath.set(path, document);
    clientUris.set(path, document.uri);
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
  parsed.delete(document.uri);
  if (!path) return;
  documentsByPath.delete(path);
  // The buffer's diagnostics give way to those of the file on disk (or none, if it was never saved).
  void validatePath(path).catch(reportError);
});

const parsed = new Map<string, { version: number; file: YamlFile }>();

/** The parsed document, cached by URI and version. */
function parsedDocument(document: TextDocument): YamlFile {
  const cached = parsed.get(document.uri);
  if (cached && cached.version === document.version) return cached.file;
  const file = parseYaml(document.getText());
  parsed.set(document.uri, { version: document.version, file });
  return file;
}

/** The schema that governs a document: the review's record schema, or the bundled one of review.yaml. */
async function schemaOf(
  document: TextDocument,
): Promise<{ schema: CompiledSchema; session: ReviewWorkspace; path: string } | undefined> {
  const path = uriToPath(document.uri);
  if (!path) return undefined;
  const session = await sessionOf(path);
  if (!session) return undefined;
  const role = await session.roleOf(path);
  if (role.role === 'record') return { schema: (await session.current()).schema, session, path };
  if (role.role === 'review') return { schema: reviewFileSchemaValidator(), session, path };
  return undefined;
}

// ---------------------------------------------------------------------------------------------------
// Lifecycle

connection.onInitialize((params: InitializeParams): InitializeResult => {
  const options = (params.initializationOptions ?? {}) as { trusted?: boolean };
  trusted = options.trusted !== false;
  supportsConfiguration = params.capabilities.workspace?.configuration === true;
  supportsWatcherRegistration =
    params.capabilities.workspace?.didChangeWatchedFiles?.dynamicRegistration === true;
  supportsWorkspaceFolders = params.capabilities.workspace?.workspaceFolders === true;
  supportsSnippets = params.capabilities.textDocument?.completion?.completionItem?.snippetSupport === true;
  const workspaceEdit = params.capabilities.workspace?.workspaceEdit;
  supportsFileCreation =
    params.capabilities.workspace?.applyEdit === true &&
    workspaceEdit?.documentChanges === true &&
    (workspaceEdit.resourceOperations ?? []).includes('create');
  const folders = params.workspaceFolders?.map((f) => uriToPath(f.uri)).filter((p): p is string => !!p) ?? [];
  const rootPath = params.rootUri ? uriToPath(params.rootUri) : undefined;
  workspaceRoots = folders.length > 0 ? folders : rootPath ? [rootPath] : [];
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
  if (supportsConfiguration)
    void connection.client.register(DidChangeConfigurationNotification.type, undefined);
  if (supportsWatcherRegistration) {
    void connection.client.register(DidChangeWatchedFilesNotification.type, {
      watchers: [
        { globPattern: '**/review.yaml' },
        { globPattern: '**/*.yaml' },
        { globPattern: '**/*.json' },
      ],
    });
  } else {
    folderWatcher = new ReviewFolderWatcher(filesChanged, reportError);
    connection.console.log(
      'Study Extraction: the editor does not watch files; watching review folders on disk.',
    );
  }
  void checkWorkspace().catch(reportError);
  if (!supportsWorkspaceFolders) return;
  connection.workspace.onDidChangeWorkspaceFolders((event) => {
    const removed = new Set(event.removed.map((f) => uriToPath(f.uri)));
    workspaceRoots = [
      ...workspaceRoots.filter((r) => !removed.has(r)),
      ...event.added.map((f) => uriToPath(f.uri)).filter((p): p is string => !!p),
    ];
    for (const [root, session] of sessions) {
      if (![...removed].some((r) => r && (root === r || root.startsWith(r + nodePath.sep)))) continue;
      session.clearAll();
      sessions.delete(root);
    }
    void checkWorkspace().catch(reportError);
  });
});

connection.onDidChangeConfiguration(() => {
  settingsByScope.clear();
});

/** Files changed on disk, as the client reports them or as the server's own watcher sees them. */
async function filesChanged(changes: FileEvent[]): Promise<void> {
  for (const change of changes) {
    const path = uriToPath(change.uri);
    if (!path) continue;
    if (nodePath.basename(path) === REVIEW_FILE) {
      const root = nodePath.dirname(path);
      if (change.type === FileChangeType.Deleted) {
        sessions.get(root)?.clearAll();
        sessions.delete(root);
        await watchReviewFolders().catch(reportError);
      } else {
        const session = sessionFor(root);
        await watchReviewFolders().catch(reportError);
        await session.reload().catch(reportError);
      }
      continue;
    }
    // An open document is validated from its buffer as it changes; the disk matters once it is closed.
    const listingChanged = change.type !== FileChangeType.Changed;
    if (documentsByPath.has(path) && change.type !== FileChangeType.Deleted) {
      // Its buffer is what is checked, but a file created on disk joins the review's listing.
      if (listingChanged)
        await sessionContaining(path)?.fileChanged(path, { listingChanged }).catch(reportError);
      continue;
    }
    await sessionContaining(path)?.fileChanged(path, { listingChanged }).catch(reportError);
  }
}

connection.onDidChangeWatchedFiles(({ changes }) => filesChanged(changes));

async function stopWatching(): Promise<void> {
  const watcher = folderWatcher;
  folderWatcher = undefined;
  await watcher?.close();
}

connection.onShutdown(() => stopWatching());
connection.onExit(() => void stopWatching());

// ---------------------------------------------------------------------------------------------------
// Language features: each handler asks core

const completionKinds = {
  property: CompletionItemKind.Property,
  value: CompletionItemKind.Value,
  snippet: CompletionItemKind.Snippet,
  reference: CompletionItemKind.Reference,
};

connection.onCompletion(async ({ textDocument, position }) => {
  const document = documents.get(textDocument.uri);
  if (!document) return [];
  const governed = await schemaOf(document);
  if (!governed) return [];
  const text = document.getText();
  const context = completionContext(text, document.offsetAt(position));
  if (!context) return [];
  const range = {
    start: document.positionAt(context.replaceStart),
    end: document.positionAt(context.replaceEnd),
  };
  return complete(context, governed.schema).map((entry): CompletionItem => ({
    label: entry.label,
    kind: completionKinds[entry.kind],
    detail: entry.detail,
    documentation: entry.documentation
      ? { kind: MarkupKind.Markdown, value: entry.documentation }
      : undefined,
    sortText: entry.sortText,
    filterText: entry.label,
    // A client without snippet support gets the text the snippet would insert untouched.
    textEdit: {
      range,
      newText: entry.snippet && !supportsSnippets ? snippetToPlainText(entry.insertText) : entry.insertText,
    },
    insertTextFormat:
      entry.snippet && supportsSnippets ? InsertTextFormat.Snippet : InsertTextFormat.PlainText,
  }));
});

connection.onHover(async ({ textDocument, position }) => {
  const document = documents.get(textDocument.uri);
  if (!document) return null;
  const governed = await schemaOf(document);
  if (!governed) return null;
  const info = hover(parsedDocument(document), document.offsetAt(position), governed.schema);
  return info ? { contents: { kind: MarkupKind.Markdown, value: info.contents }, range: info.range } : null;
});

connection.onCodeAction(async ({ textDocument, context }) => {
  const document = documents.get(textDocument.uri);
  if (!document) return [];
  const governed = await schemaOf(document);
  if (!governed) return [];
  const ours = context.diagnostics.filter((d) => d.source === 'study-extraction');
  const coreDiagnostics: Diagnostic[] = ours.map((d) => ({
    severity: 'error',
    message: typeof d.message === 'string' ? d.message : d.message.value,
    code: String(d.code ?? ''),
    range: d.range,
    data: d.data as Diagnostic['data'],
  }));
  const fixes = quickFixes(parsedDocument(document), coreDiagnostics, governed.schema).map((fix) => {
    const action = CodeAction.create(
      fix.title,
      { changes: { [document.uri]: fix.edits } },
      CodeActionKind.QuickFix,
    );
    action.diagnostics = [ours[coreDiagnostics.indexOf(fix.diagnostic)]!];
    action.isPreferred = fix.preferred;
    return action;
  });
  return [...fixes, ...(await resolutionActions(adjudication, document.uri, ours))];
});

async function readRecordText(path: string): Promise<string | undefined> {
  const read = await readTextFile(fs, path);
  return 'text' in read ? read.text : undefined;
}

const adjudication: AdjudicationContext = {
  connection,
  sessionOf,
  sessions: workspaces,
  readText: readRecordText,
  openDocument: (uri) => documents.get(uri),
  clientUriOf,
  adjudicatorName: async (uri) => (await settingsFor(uri)).adjudicator,
  fs,
  canCreateFiles: () => supportsFileCreation,
};
registerAdjudication(adjudication);
registerSynthesis({
  connection,
  sessions: workspaces,
  discover: async () => void (await checkWorkspace()),
  clientUriOf,
});

const symbolKinds: Record<OutlineSymbol['kind'], SymbolKind> = {
  field: SymbolKind.Field,
  arm: SymbolKind.Class,
  outcome: SymbolKind.Event,
  result: SymbolKind.Property,
  list: SymbolKind.Array,
  object: SymbolKind.Object,
};

function toDocumentSymbol(symbol: OutlineSymbol): DocumentSymbol {
  return {
    name: symbol.name,
    detail: symbol.detail,
    kind: symbolKinds[symbol.kind],
    range: symbol.range,
    selectionRange: symbol.selectionRange,
    children: symbol.children.map(toDocumentSymbol),
  };
}

connection.onDocumentSymbol(({ textDocument }) => {
  const document = documents.get(textDocument.uri);
  return document ? outline(parsedDocument(document)).map(toDocumentSymbol) : [];
});

connection.onFoldingRanges(({ textDocument }) => {
  const document = documents.get(textDocument.uri);
  return document ? foldingRanges(parsedDocument(document)) : [];
});

connection.onDefinition(({ textDocument, position }) => {
  const document = documents.get(textDocument.uri);
  if (!document) return null;
  const target = definition(parsedDocument(document), document.offsetAt(position));
  return target ? { uri: document.uri, range: target } : null;
});

// ---------------------------------------------------------------------------------------------------
// Custom requests (declared once in src/shared/protocol.ts)

onCustomRequest(
  connection,
  new RequestType<ProgressParams, ProgressResult, void>(Methods.progress),
  { uri: 'string?' },
  async (params) => {
    const wanted = params.uri ? uriToPath(params.uri) : undefined;
    const result: ProgressResult = { reviews: [] };
    const targets = wanted
      ? [await sessionOf(wanted)].filter((s): s is ReviewWorkspace => !!s)
      : workspaces();
    for (const session of targets) {
      const progress = await session.progress(wanted ? session.relative(wanted) : undefined);
      result.reviews.push({
        rootUri: pathToUri(session.root),
        title: progress.title,
        records: progress.records.map((record): RecordProgressInfo => ({
          uri: clientUriOf(session.absolute(record.path)),
          ...record,
        })),
        totals: progress.totals,
      });
    }
    return result;
  },
);

onCustomRequest(
  connection,
  new RequestType<NextMissingFieldParams, NextMissingFieldResult | null, void>(Methods.nextMissingField),
  { uri: 'string', position: 'position' },
  async ({ uri, position }) => {
    const document = documents.get(uri);
    if (!document) return null;
    const governed = await schemaOf(document);
    if (!governed) return null;
    const file = parsedDocument(document);
    const { missing } = recordProgress(file, governed.schema);
    if (missing.length === 0) return null;
    const after = (p: { line: number; character: number }) =>
      p.line > position.line || (p.line === position.line && p.character > position.character);
    const next = missing.find((m) => after(m.range.start)) ?? missing[0]!;
    return {
      position: next.range.start,
      field: toIdPath(file.value, next.path),
      kind: next.kind,
      remaining: missing.length,
    };
  },
);

connection.onRequest(new RequestType0<ReviewInfo[], void>(Methods.reviews), async () => {
  if (sessions.size === 0) await checkWorkspace();
  const infos: ReviewInfo[] = [];
  for (const session of workspaces()) {
    const review = await session.current();
    const studies = [
      ...new Set((await session.records()).map((r) => r.study).filter((s): s is string => !!s)),
    ].sort();
    infos.push({
      rootUri: pathToUri(session.root),
      title: review.config.title,
      reviewers: review.config.reviewers,
      consensus: review.config.consensus,
      studies,
    });
  }
  return infos;
});

onCustomRequest(
  connection,
  new RequestType<ScaffoldRecordParams, ScaffoldRecordResult, void>(Methods.scaffoldRecord),
  { rootUri: 'string', study: 'string', reviewer: 'string' },
  async ({ rootUri, study, reviewer }) => {
    const root = uriToPath(rootUri);
    const session = root ? sessions.get(root)?.workspace : undefined;
    if (!session) return { error: 'No review is open at that folder.' };
    const record = newRecord(await session.current(), study, reviewer);
    if ('error' in record) return { error: record.error };
    const inside = await resolveInsideReview(session.root, record.path, fs);
    if ('refused' in inside) return { error: `The new record ${inside.message}.` };
    const full = nodePath.join(session.root, ...inside.relative.split('/'));
    if (await fs.stat(full)) return { error: `A record already exists at ${session.relative(full)}.` };
    return { uri: pathToUri(full), text: record.text };
  },
);

connection.onRequest(new RequestType0<CheckReviewResult, void>(Methods.checkReview), () => checkWorkspace());

documents.listen(connection);
connection.listen();
