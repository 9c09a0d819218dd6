// A minimal LSP client for tests: spawns the BUILT language server (dist/server.js --stdio) in a temp
// copy of a review and speaks the real protocol with vscode-jsonrpc. Diagnostics are collected per URI;
// `waitForDiagnostics` resolves on the first publish that satisfies a predicate (event-driven: the
// timeout only fails the test, it is never a sleep).
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import {
  copyFileSync,
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import * as os from 'node:os';
import * as nodePath from 'node:path';
import {
  createMessageConnection,
  StreamMessageReader,
  StreamMessageWriter,
  type MessageConnection,
} from 'vscode-jsonrpc/node';
import { URI } from 'vscode-uri';
import { buildUnderLock, sleepSync } from '../support/build';

export const REPO = nodePath.resolve(__dirname, '..', '..');
export const SERVER = nodePath.join(REPO, 'dist', 'server.js');
export const EXAMPLE = nodePath.join(REPO, 'examples', 'therapeutic-alliance');

export interface Position {
  line: number;
  character: number;
}
export interface Range {
  start: Position;
  end: Position;
}
export interface Diagnostic {
  range: Range;
  severity?: number;
  code?: string | number;
  source?: string;
  message: string;
  data?: unknown;
}
export interface TextEdit {
  range: Range;
  newText: string;
}

/** The parts of an LSP WorkspaceEdit the server sends: text edits by URI, created files, document edits. */
export interface WorkspaceEditLike {
  changes?: Record<string, TextEdit[]>;
  documentChanges?: (
    | { kind: 'create'; uri: string; options?: { overwrite?: boolean; ignoreIfExists?: boolean } }
    | { textDocument: { uri: string }; edits: TextEdit[] }
  )[];
}

export const Severity = { Error: 1, Warning: 2, Information: 3, Hint: 4 } as const;
export const FileChangeType = { Created: 1, Changed: 2, Deleted: 3 } as const;

// ---------------------------------------------------------------------------------------------------
// Build (once per test process; serialized with test/cli's builds by the same lock folder)

let serverCopy: string | undefined;

/**
 * Runs `node scripts/build.mjs` unless dist/server.js is newer than every input, and returns the path of
 * a private copy of the built bundle taken under the same lock: test files run in parallel processes
 * (and other work rebuilds dist/ meanwhile), so no test spawns a server.js that is being rewritten.
 * The bundle is self-contained (no files read relative to it), so the copy runs exactly as dist/ does.
 */
export function buildServer(): string {
  if (serverCopy) return serverCopy;
  serverCopy = buildUnderLock(SERVER, () => {
    const folder = mkdtempSync(nodePath.join(os.tmpdir(), 'study-lsp-server-'));
    const copy = nodePath.join(folder, 'server.js');
    // A build run outside the lock (by hand) may be writing dist/ right now: take a copy that parses.
    for (let attempt = 0; ; attempt++) {
      copyFileSync(SERVER, copy);
      if (spawnSync(process.execPath, ['--check', copy]).status === 0) break;
      if (attempt === 20) throw new Error(`${SERVER} does not parse`);
      sleepSync(250);
    }
    if (existsSync(`${SERVER}.map`)) copyFileSync(`${SERVER}.map`, `${copy}.map`);
    process.once('exit', () => rmSync(folder, { recursive: true, force: true }));
    return copy;
  });
  return serverCopy;
}

// ---------------------------------------------------------------------------------------------------
// Text helpers

/** Applies LSP text edits to a text (edits must not overlap). */
export function applyEdits(text: string, edits: TextEdit[]): string {
  const offsetAt = (p: Position) => {
    const lines = text.split('\n');
    let offset = 0;
    for (let i = 0; i < p.line && i < lines.length; i++) offset += lines[i]!.length + 1;
    return offset + p.character;
  };
  const sorted = edits
    .map((e) => ({ start: offsetAt(e.range.start), end: offsetAt(e.range.end), text: e.newText }))
    .sort((a, b) => b.start - a.start);
  let result = text;
  for (const e of sorted) result = result.slice(0, e.start) + e.text + result.slice(e.end);
  return result;
}

/** 0-based position of the first occurrence of `needle` (optionally after `from`), at `needle`'s start + `delta`. */
export function positionOf(text: string, needle: string, delta = 0, from = 0): Position {
  const index = text.indexOf(needle, from);
  if (index < 0) throw new Error(`"${needle}" not found in text`);
  const offset = index + delta;
  const before = text.slice(0, offset);
  const line = before.split('\n').length - 1;
  return { line, character: offset - (before.lastIndexOf('\n') + 1) };
}

export function formatDiagnostics(diagnostics: Diagnostic[]): string {
  return diagnostics
    .map(
      (d) =>
        `${d.range.start.line}:${d.range.start.character}-${d.range.end.line}:${d.range.end.character} [${String(d.code)}] ${d.message}`,
    )
    .join('\n');
}

// ---------------------------------------------------------------------------------------------------
// Client

export interface StartOptions {
  /** Review folder copied to a temp folder (default: the example review). */
  review?: string;
  /** Changes the temp copy before the server starts (e.g. break a record on disk). */
  prepare?: (root: string) => void;
  /** `initializationOptions.trusted` (omitted: trusted). */
  trusted?: boolean;
  /** `studyExtraction.validation.delay` returned to workspace/configuration. */
  validationDelay?: number;
  /** Name of the review folder inside the temp folder (default: the temp folder itself). */
  folderName?: string;
  /**
   * Keep the dual-extraction diagnostics (`disagreement`, `unresolved-disagreement`). Off by default: the
   * example's reviewers disagree on purpose, and validation tests look at validation alone.
   */
  comparison?: boolean;
  /**
   * The client's capabilities in `initialize`, instead of those of a VS Code-like client (e.g. `{}` for
   * an editor with no snippets and no file watching).
   */
  capabilities?: Record<string, unknown>;
}

const COMPARISON_CODES = new Set(['disagreement', 'unresolved-disagreement']);

interface Waiter {
  uri: string;
  predicate: (diagnostics: Diagnostic[]) => boolean;
  resolve: (diagnostics: Diagnostic[]) => void;
  reject: (error: Error) => void;
  timer: ReturnType<typeof setTimeout>;
}

export class LspClient {
  /** Latest diagnostics published per URI. */
  readonly diagnostics = new Map<string, Diagnostic[]>();
  /** Every publish, in order. */
  readonly publishes: { uri: string; diagnostics: Diagnostic[] }[] = [];
  /** window/logMessage messages of type Error (the server's `reportError`). */
  readonly errorLogs: string[] = [];
  readonly registrations: { method: string; registerOptions?: unknown }[] = [];
  readonly configurationRequests: unknown[] = [];
  stderr = '';
  exited: { code: number | null; signal: string | null } | undefined;
  private readonly waiters = new Set<Waiter>();
  private readonly versions = new Map<string, number>();
  private readonly texts = new Map<string, string>();

  private constructor(
    /** The temp folder, removed on stop. */
    private readonly base: string,
    readonly root: string,
    readonly process: ChildProcess,
    readonly connection: MessageConnection,
  ) {}

  static async start(options: StartOptions = {}): Promise<LspClient> {
    const server = buildServer();
    const base = mkdtempSync(nodePath.join(os.tmpdir(), 'study-lsp-'));
    const root = options.folderName ? nodePath.join(base, options.folderName) : base;
    cpSync(options.review ?? EXAMPLE, root, { recursive: true });
    options.prepare?.(root);
    const child = spawn(process.execPath, [server, '--stdio'], { cwd: root, stdio: 'pipe' });
    const connection = createMessageConnection(
      new StreamMessageReader(child.stdout!),
      new StreamMessageWriter(child.stdin!),
    );
    const client = new LspClient(base, root, child, connection);
    child.stderr!.on('data', (d: Buffer) => (client.stderr += d.toString()));
    child.on('exit', (code, signal) => {
      client.exited = { code, signal };
      for (const w of client.waiters) {
        clearTimeout(w.timer);
        w.reject(
          new Error(
            `server exited (code ${code}, signal ${signal}) while waiting on ${w.uri}\n${client.stderr}`,
          ),
        );
      }
      client.waiters.clear();
    });
    connection.onNotification(
      'textDocument/publishDiagnostics',
      (p: { uri: string; diagnostics: Diagnostic[] }) =>
        client.onPublish(
          p.uri,
          options.comparison
            ? p.diagnostics
            : p.diagnostics.filter((d) => !COMPARISON_CODES.has(String(d.code))),
        ),
    );
    connection.onNotification('window/logMessage', (m: { type: number; message: string }) => {
      if (m.type === 1) client.errorLogs.push(m.message);
    });
    connection.onRequest(
      'client/registerCapability',
      (p: { registrations: { method: string; registerOptions?: unknown }[] }) => {
        client.registrations.push(...p.registrations);
        return null;
      },
    );
    connection.onRequest('client/unregisterCapability', () => null);
    connection.onRequest('workspace/configuration', (p: { items: unknown[] }) => {
      client.configurationRequests.push(...p.items);
      return p.items.map(() => ({
        validation: { delay: options.validationDelay ?? 20 },
        adjudicator: 'tester',
      }));
    });
    connection.onRequest('workspace/workspaceFolders', () => [{ uri: client.uri(''), name: 'review' }]);
    connection.onRequest('workspace/applyEdit', (p: { edit: WorkspaceEditLike }) =>
      client.applyWorkspaceEdit(p.edit),
    );
    connection.onRequest('window/workDoneProgress/create', () => null);
    connection.listen();

    const rootUri = client.uri('');
    const exitedEarly = new Promise<never>((_, reject) =>
      child.once('exit', (code, signal) =>
        reject(
          new Error(`server exited during initialize (code ${code}, signal ${signal})\n${client.stderr}`),
        ),
      ),
    );
    exitedEarly.catch(() => undefined);
    const initialize = connection.sendRequest('initialize', {
      processId: process.pid,
      rootUri,
      workspaceFolders: [{ uri: rootUri, name: 'review' }],
      initializationOptions: options.trusted === undefined ? {} : { trusted: options.trusted },
      capabilities: options.capabilities ?? {
        workspace: {
          configuration: true,
          workspaceFolders: true,
          didChangeWatchedFiles: { dynamicRegistration: true },
          didChangeConfiguration: { dynamicRegistration: true },
          applyEdit: true,
          workspaceEdit: { documentChanges: true, resourceOperations: ['create'] },
        },
        textDocument: {
          synchronization: { dynamicRegistration: false, didSave: true },
          publishDiagnostics: { relatedInformation: true },
          completion: {
            completionItem: { snippetSupport: true, documentationFormat: ['markdown', 'plaintext'] },
          },
          hover: { contentFormat: ['markdown', 'plaintext'] },
          codeAction: { codeActionLiteralSupport: { codeActionKind: { valueSet: ['quickfix'] } } },
          documentSymbol: { hierarchicalDocumentSymbolSupport: true },
        },
      },
    });
    try {
      await Promise.race([
        initialize,
        exitedEarly,
        new Promise((_, reject) =>
          setTimeout(() => reject(new Error('initialize timed out')), 30_000).unref(),
        ),
      ]);
    } catch (error) {
      // A server that could not start must not outlive the test process.
      child.kill('SIGKILL');
      connection.dispose();
      rmSync(base, { recursive: true, force: true });
      throw error;
    }
    await connection.sendNotification('initialized', {});
    return client;
  }

  /** Every workspace/applyEdit the server asked for, in order. */
  readonly appliedEdits: WorkspaceEditLike[] = [];

  /**
   * Applies a server's workspace edit as an editor would: files created (never over an existing one
   * unless asked), text edits to the open buffer or else to the file on disk.
   */
  applyWorkspaceEdit(edit: WorkspaceEditLike): { applied: boolean; failureReason?: string } {
    this.appliedEdits.push(edit);
    const toPath = (uri: string) => URI.parse(uri).fsPath;
    const textEdits: [string, TextEdit[]][] = Object.entries(edit.changes ?? {});
    for (const change of edit.documentChanges ?? []) {
      if ('kind' in change) {
        const path = toPath(change.uri);
        if (existsSync(path) && !change.options?.overwrite) {
          if (change.options?.ignoreIfExists) continue;
          return { applied: false, failureReason: `${path} exists` };
        }
        mkdirSync(nodePath.dirname(path), { recursive: true });
        writeFileSync(path, '');
      } else textEdits.push([change.textDocument.uri, change.edits]);
    }
    for (const [uri, edits] of textEdits) {
      const path = toPath(uri);
      if (this.texts.has(uri)) void this.change(uri, applyEdits(this.texts.get(uri)!, edits));
      else writeFileSync(path, applyEdits(existsSync(path) ? readFileSync(path, 'utf8') : '', edits));
    }
    return { applied: true };
  }

  /** The URI of a path relative to the review (as the server spells it: vscode-uri's `URI.file`). */
  uri(relative: string): string {
    return URI.file(relative ? nodePath.join(this.root, relative) : this.root).toString();
  }

  path(relative: string): string {
    return nodePath.join(this.root, relative);
  }

  private onPublish(uri: string, diagnostics: Diagnostic[]): void {
    this.diagnostics.set(uri, diagnostics);
    this.publishes.push({ uri, diagnostics });
    for (const w of [...this.waiters]) {
      if (w.uri !== uri || !w.predicate(diagnostics)) continue;
      clearTimeout(w.timer);
      this.waiters.delete(w);
      w.resolve(diagnostics);
    }
  }

  /**
   * Resolves on the first publish for `uri` that satisfies `predicate` from now on (with `current`, the
   * latest publish already received counts too). Rejects after `timeoutMs` with what was last published.
   */
  waitForDiagnostics(
    uri: string,
    predicate: (diagnostics: Diagnostic[]) => boolean = () => true,
    timeoutMs = 10_000,
    { current = false }: { current?: boolean } = {},
  ): Promise<Diagnostic[]> {
    if (this.exited) return Promise.reject(new Error(`server has exited\n${this.stderr}`));
    const latest = this.diagnostics.get(uri);
    if (current && latest && predicate(latest)) return Promise.resolve(latest);
    return new Promise((resolve, reject) => {
      const waiter: Waiter = {
        uri,
        predicate,
        resolve,
        reject,
        timer: setTimeout(() => {
          this.waiters.delete(waiter);
          const last = this.diagnostics.get(uri);
          reject(
            new Error(
              `timed out after ${timeoutMs} ms waiting for diagnostics on ${uri}; last published:\n${
                last ? formatDiagnostics(last) || '(empty)' : '(nothing)'
              }${this.errorLogs.length ? `\nserver errors:\n${this.errorLogs.join('\n')}` : ''}`,
            ),
          );
        }, timeoutMs),
      };
      this.waiters.add(waiter);
    });
  }

  /** Opens a document (its text from disk unless given) and returns its URI. */
  async open(relative: string, text?: string, languageId = 'study-record'): Promise<string> {
    const uri = this.uri(relative);
    await this.openUri(uri, text ?? readFileSync(this.path(relative), 'utf8'), languageId);
    return uri;
  }

  /** Opens a document under a URI spelled by the caller (clients encode paths differently). */
  async openUri(uri: string, text: string, languageId = 'study-record'): Promise<void> {
    this.versions.set(uri, 1);
    this.texts.set(uri, text);
    await this.connection.sendNotification('textDocument/didOpen', {
      textDocument: { uri, languageId, version: 1, text },
    });
  }

  /** Replaces the whole buffer of an open document. */
  async change(uri: string, text: string): Promise<void> {
    const version = (this.versions.get(uri) ?? 1) + 1;
    this.versions.set(uri, version);
    this.texts.set(uri, text);
    await this.connection.sendNotification('textDocument/didChange', {
      textDocument: { uri, version },
      contentChanges: [{ text }],
    });
  }

  /** Sends incremental edits (ranges in the current buffer) and keeps the local copy in step. */
  async edit(uri: string, edits: TextEdit[]): Promise<string> {
    const version = (this.versions.get(uri) ?? 1) + 1;
    this.versions.set(uri, version);
    const text = applyEdits(this.texts.get(uri) ?? '', edits);
    this.texts.set(uri, text);
    // Sent one by one, last first, so that each range refers to the text as it is when applied.
    const ordered = [...edits].sort(
      (a, b) => b.range.start.line - a.range.start.line || b.range.start.character - a.range.start.character,
    );
    await this.connection.sendNotification('textDocument/didChange', {
      textDocument: { uri, version },
      contentChanges: ordered.map((e) => ({ range: e.range, text: e.newText })),
    });
    return text;
  }

  text(uri: string): string {
    const text = this.texts.get(uri);
    if (text === undefined) throw new Error(`${uri} is not open`);
    return text;
  }

  async close(uri: string): Promise<void> {
    this.versions.delete(uri);
    this.texts.delete(uri);
    await this.connection.sendNotification('textDocument/didClose', { textDocument: { uri } });
  }

  async watchedFilesChanged(changes: { uri: string; type: number }[]): Promise<void> {
    await this.connection.sendNotification('workspace/didChangeWatchedFiles', { changes });
  }

  request<R>(method: string, params?: unknown): Promise<R> {
    return params === undefined
      ? this.connection.sendRequest<R>(method)
      : this.connection.sendRequest<R>(method, params);
  }

  /** Shuts the server down politely, then makes sure the process is gone and the temp folder removed. */
  async stop(): Promise<void> {
    for (const w of this.waiters) clearTimeout(w.timer);
    this.waiters.clear();
    if (!this.exited) {
      const exited = new Promise<void>((resolve) => this.process.once('exit', () => resolve()));
      try {
        await Promise.race([
          this.connection.sendRequest('shutdown'),
          new Promise((_, reject) => setTimeout(() => reject(new Error('shutdown timed out')), 3000)),
        ]);
        await this.connection.sendNotification('exit');
      } catch {
        // killed below
      }
      const timer = setTimeout(() => this.process.kill('SIGKILL'), 2000);
      await exited;
      clearTimeout(timer);
    }
    this.connection.dispose();
    rmSync(this.base, { recursive: true, force: true });
  }
}

/** All record paths of the example review (relative), as found on disk. */
export function exampleRecords(root = EXAMPLE): string[] {
  const records: string[] = [];
  for (const reviewer of readdirSync(nodePath.join(root, 'records'))) {
    for (const file of readdirSync(nodePath.join(root, 'records', reviewer)))
      if (file.endsWith('.study.yaml')) records.push(`records/${reviewer}/${file}`);
  }
  return records.sort();
}
