// The Show Extraction Progress panel: a webview with each review's studies × reviewers matrix as core
// draws it (progressMatrixPresent.ts), kept up to date while records change. The page is loaded once; every
// update is a postMessage with the new table, so it keeps its scroll position and the focused cell. A
// click on a record's cell asks this host to open the file: the page names the record, and only a record
// of the last reply is opened. The page itself is progressPage.ts.
import { randomBytes } from 'node:crypto';
import * as vscode from 'vscode';
import { RenderWaiters } from './renderWaiters';
import type { LanguageClient } from 'vscode-languageclient/node';
import { serializeMarkup } from '../core/synthesis/present/svgTree';
import { progressMatrixSection } from '../core/workspace/progressMatrixPresent';
import type { ProgressResult } from '../shared/protocol';
import { Requests } from '../shared/requests';
import { progressPageHtml } from './progressPage';

const VIEW_TYPE = 'studyExtraction.progress';
/** After diagnostics change (a record was checked again): coalesces a burst of keystrokes. */
const REFRESH_DEBOUNCE_MS = 300;
const RENDER_TIMEOUT_MS = 30_000;

/** Page → host. */
type PageMessage =
  | { type: 'ready' }
  | { type: 'rendered'; seq: number; rows: number }
  | { type: 'open'; review: number; path: string };

function parsePageMessage(data: unknown): PageMessage | undefined {
  if (typeof data !== 'object' || data === null) return undefined;
  const m = data as Record<string, unknown>;
  if (m.type === 'ready') return { type: 'ready' };
  if (m.type === 'rendered' && typeof m.seq === 'number' && typeof m.rows === 'number')
    return { type: 'rendered', seq: m.seq, rows: m.rows };
  if (m.type === 'open' && typeof m.review === 'number' && typeof m.path === 'string')
    return { type: 'open', review: m.review, path: m.path };
  return undefined;
}

/** A reply the page has drawn, and how many study rows it drew. */
interface Rendered {
  result: ProgressResult;
  rows: number;
}

/** What Show Extraction Progress returns: a handle on the panel for tests and other extensions. */
export interface ProgressPanelHandle {
  readonly panel: vscode.WebviewPanel;
  /** Resolves once the page has drawn the reply to a request made from now on. */
  refresh(): Promise<Rendered>;
  /** The reply the page drew last. */
  lastRendered(): Rendered | undefined;
  /** Does what a click on a record's cell does: opens the record beside the panel. */
  openRecord(path: string, review?: number): Promise<vscode.TextEditor | undefined>;
}

class ProgressPanel {
  private readonly disposables: vscode.Disposable[] = [];
  private seq = 0;
  /** The reply posted last, with its sequence number and the markup posted. */
  private posted: { seq: number; result: ProgressResult; html: string } | undefined;
  private rendered: (Rendered & { seq: number }) | undefined;
  private readonly waiters = new RenderWaiters<Rendered & { seq: number }>();
  private pageReady = false;
  private timer: ReturnType<typeof setTimeout> | undefined;
  /** One request at a time, so that an older answer never overwrites a newer one. */
  private running: Promise<number> = Promise.resolve(0);
  private disposed = false;
  readonly handle: ProgressPanelHandle;

  constructor(
    readonly panel: vscode.WebviewPanel,
    private readonly client: LanguageClient,
    private readonly onDispose: () => void,
  ) {
    panel.webview.options = { enableScripts: true, localResourceRoots: [] };
    panel.webview.html = progressPageHtml(randomBytes(16).toString('base64'));
    this.disposables.push(
      panel.webview.onDidReceiveMessage((data: unknown) => this.onMessage(data)),
      panel.onDidChangeViewState(() => {
        // A hidden panel is not kept up to date: it catches up when shown again.
        if (panel.visible) this.schedule(0);
      }),
      panel.onDidDispose(() => this.dispose()),
      // Every check of a record publishes its diagnostics: the matrix may have changed with them.
      vscode.languages.onDidChangeDiagnostics(() => {
        if (panel.visible) this.schedule(REFRESH_DEBOUNCE_MS);
      }),
    );
    this.handle = {
      panel,
      refresh: () => this.refresh(),
      lastRendered: () => this.rendered && { result: this.rendered.result, rows: this.rendered.rows },
      openRecord: (path, review = 0) => this.openRecord(review, path),
    };
  }

  private onMessage(data: unknown): void {
    const message = parsePageMessage(data);
    if (!message) return;
    if (message.type === 'ready') {
      // A fresh page (first load, or shown again after being hidden) has nothing drawn yet.
      this.pageReady = true;
      if (this.posted) void this.post(this.posted.seq, this.posted.html);
    } else if (message.type === 'rendered') {
      if (!this.posted || message.seq !== this.posted.seq) return;
      this.rendered = { seq: message.seq, result: this.posted.result, rows: message.rows };
      this.waiters.drawn(this.rendered);
    } else void this.openRecord(message.review, message.path);
  }

  schedule(delay: number): void {
    if (this.disposed) return;
    clearTimeout(this.timer);
    this.timer = setTimeout(() => void this.update().catch((error: unknown) => this.showError(error)), delay);
  }

  /** Asks the server now and resolves when the page has drawn the answer. */
  private async refresh(): Promise<Rendered> {
    clearTimeout(this.timer);
    const seq = await this.update(true);
    if (this.rendered && this.rendered.seq >= seq)
      return { result: this.rendered.result, rows: this.rendered.rows };
    const drawn = await this.waiters.wait(
      (rendered) => rendered.seq >= seq,
      RENDER_TIMEOUT_MS,
      `the progress panel drew nothing within ${RENDER_TIMEOUT_MS} ms`,
    );
    return { result: drawn.result, rows: drawn.rows };
  }

  /** Requests the matrix (after the request in flight) and posts it; returns the sequence number posted. */
  private update(force = false): Promise<number> {
    this.running = this.running.catch(() => 0).then(() => this.request(force));
    return this.running;
  }

  /** Posts the answer unless the page has the same already (`force`: post it all the same). */
  private async request(force: boolean): Promise<number> {
    const result = await this.client.sendRequest(Requests.progress, { matrix: true });
    if (this.disposed) return this.seq;
    const sections = result.reviews.map((review, i) =>
      serializeMarkup(progressMatrixSection(review.title, review.matrix ?? noMatrix(), { 'data-review': i })),
    );
    const html =
      sections.join('') || serializeMarkup({ tag: 'p', attrs: { class: 'empty' }, text: NO_REVIEW });
    if (!force && this.posted?.html === html) {
      this.posted.result = result;
      return this.posted.seq;
    }
    this.posted = { seq: ++this.seq, result, html };
    this.panel.title =
      result.reviews.length === 1 ? `Progress: ${result.reviews[0]!.title}` : 'Extraction Progress';
    if (this.pageReady) void this.post(this.posted.seq, html);
    return this.posted.seq;
  }

  private post(seq: number, html: string): Thenable<boolean> {
    return this.disposed
      ? Promise.resolve(false)
      : this.panel.webview.postMessage({ type: 'render', seq, html });
  }

  private showError(error: unknown): void {
    if (this.disposed) return;
    const text = `The extraction progress could not be computed: ${error instanceof Error ? error.message : String(error)}`;
    const html = serializeMarkup({ tag: 'p', attrs: { class: 'error' }, text });
    this.posted = { seq: ++this.seq, result: { reviews: [] }, html };
    if (this.pageReady) void this.post(this.posted.seq, html);
  }

  /** Opens a record of the last reply beside the panel; a path that reply does not name is ignored. */
  private async openRecord(review: number, path: string): Promise<vscode.TextEditor | undefined> {
    const uris = this.posted?.result.reviews[review]?.matrix?.uris;
    if (!uris || !Object.hasOwn(uris, path)) return undefined;
    return vscode.window.showTextDocument(vscode.Uri.parse(uris[path]!), {
      viewColumn:
        this.panel.viewColumn === vscode.ViewColumn.One ? vscode.ViewColumn.Beside : vscode.ViewColumn.One,
      preview: false,
    });
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    clearTimeout(this.timer);
    this.waiters.rejectAll('the progress panel was closed');
    for (const d of this.disposables) d.dispose();
    this.onDispose();
    this.panel.dispose();
  }
}

const NO_REVIEW = 'No review.yaml found in this workspace: open a folder that holds a review.';

/** A review the server sent without a matrix (an older server): an empty one, so the page still says so. */
function noMatrix(): NonNullable<ProgressResult['reviews'][number]['matrix']> {
  return {
    columns: [],
    rows: [],
    uris: {},
    summary: {
      studies: 0,
      records: 0,
      complete: 0,
      drafts: 0,
      missing: 0,
      openDisagreements: 0,
      studiesWithOpenDisagreements: 0,
      blindedStudies: 0,
      adjudicatedStudies: 0,
      errors: 0,
    },
  };
}

let current: ProgressPanel | undefined;

/** Opens the progress panel (or shows the open one) and waits until it has drawn the matrix. */
export async function openProgressPanel(client: LanguageClient): Promise<ProgressPanelHandle> {
  if (current) {
    current.panel.reveal();
  } else {
    const panel = vscode.window.createWebviewPanel(
      VIEW_TYPE,
      'Extraction Progress',
      vscode.ViewColumn.Active,
      {
        enableScripts: true,
        localResourceRoots: [],
      },
    );
    current = new ProgressPanel(panel, client, () => (current = undefined));
  }
  const handle = current.handle;
  await handle.refresh();
  return handle;
}

/** Brings the progress panel back after a window reload, drawing the matrix anew. */
export function restoreProgressPanel(ready: () => Promise<LanguageClient>): vscode.Disposable {
  return vscode.window.registerWebviewPanelSerializer(VIEW_TYPE, {
    async deserializeWebviewPanel(panel: vscode.WebviewPanel) {
      if (current) {
        panel.dispose();
        return;
      }
      current = new ProgressPanel(panel, await ready(), () => (current = undefined));
      current.schedule(0);
    },
  });
}
