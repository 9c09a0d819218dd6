// The live synthesis panel: a webview whose page (src/webview) draws the view model the language server
// builds. The page is loaded once; every update is a postMessage, so it never reloads and keeps its scroll
// position. Edits to records (unsaved ones included) and file changes on disk ask the server again after a
// short debounce. A WebviewPanelSerializer brings the panel back after a window reload.
import { randomBytes } from 'node:crypto';
import * as vscode from 'vscode';
import { RenderWaiters } from './renderWaiters';
import { pickReview } from './reviewPicker';
import { RequestType, type LanguageClient } from 'vscode-languageclient/node';
import type { SynthesisViewModel } from '../core/synthesis/viewModel';
import {
  SynthesisMethods,
  type StudyLocationParams,
  type StudyLocationResult,
  type SynthesisParams,
  type SynthesisResult,
} from '../shared/protocol';
import {
  ModelPoster,
  parsePageMessage,
  SYNTHESIS_VIEW_TYPE,
  type HostMessage,
  type PageState,
  type RenderSummary,
} from '../shared/webviewMessages';

const requests = {
  synthesis: new RequestType<SynthesisParams, SynthesisResult, void>(SynthesisMethods.synthesis),
  studyLocation: new RequestType<StudyLocationParams, StudyLocationResult, void>(
    SynthesisMethods.studyLocation,
  ),
};

/** The command that exports the synthesis (added by the export feature); the page offers it when present. */
const EXPORT_COMMAND = 'studyExtraction.exportSynthesis';
const EXPORT_FORMATS = ['html', 'svg', 'csv'];
/** After an edit: long enough to coalesce a burst of keystrokes, short enough to stay under 200 ms. */
const EDIT_DEBOUNCE_MS = 50;
/** After diagnostics change (the server re-read review.yaml, say): a catch-all, not the hot path. */
const DIAGNOSTICS_DEBOUNCE_MS = 300;

/** A model the page has drawn, with what it drew. */
interface Rendered {
  model: SynthesisViewModel;
  render: RenderSummary;
}

/**
 * What `studyExtraction.openSynthesis` returns: a handle on the panel for tests and other extensions.
 * Everything resolves on events (a post, the page's `rendered` acknowledgement), never after a sleep.
 */
interface SynthesisPanelHandle {
  readonly viewType: string;
  readonly panel: vscode.WebviewPanel;
  /** The review shown (a folder URI), once known. */
  rootUri(): string | undefined;
  /** The view model last posted to the page; `undefined` before the first. */
  lastPosted(): SynthesisViewModel | undefined;
  /** The last model the page acknowledged as drawn, with its render summary. */
  lastRendered(): Rendered | undefined;
  /** How many models have been posted to the page. */
  posts(): number;
  /**
   * Resolves with the first model the page draws from now on that satisfies `predicate` (with
   * `current: true`, the model already drawn counts too). Rejects after `timeoutMs` (default 30 s).
   */
  nextRender(
    predicate?: (model: SynthesisViewModel, render: RenderSummary) => boolean,
    options?: { timeoutMs?: number; current?: boolean },
  ): Promise<Rendered>;
  /** Asks the server now (no debounce) and resolves when the page has drawn the answer. */
  refresh(): Promise<Rendered>;
  /** Does what a click on a study's row does: opens its record at the outcome. */
  openStudy(study: string, outcome?: string): Promise<vscode.TextEditor | undefined>;
}

class SynthesisPanel implements vscode.Disposable {
  private readonly disposables: vscode.Disposable[] = [];
  private root: string | undefined;
  private seq = 0;
  private posted: { seq: number; model: SynthesisViewModel } | undefined;
  /** Turns each model after the page's first into a patch of the one before. */
  private readonly poster = new ModelPoster();
  private rendered: Rendered | undefined;
  private pageReady = false;
  private readonly waiters = new RenderWaiters<Rendered>();
  private timer: ReturnType<typeof setTimeout> | undefined;
  private running: Promise<void> | undefined;
  private again: { rescan: boolean } | undefined;
  private disposed = false;
  private wasVisible = true;
  readonly handle: SynthesisPanelHandle;

  constructor(
    readonly panel: vscode.WebviewPanel,
    private readonly extensionUri: vscode.Uri,
    private readonly client: () => Promise<LanguageClient>,
    rootUri: string | undefined,
    private readonly onDispose: (panel: SynthesisPanel) => void,
  ) {
    this.root = rootUri;
    const dist = vscode.Uri.joinPath(extensionUri, 'dist');
    panel.webview.options = { enableScripts: true, localResourceRoots: [dist] };
    // Set once: assigning `html` again would reload the page (and lose its scroll and state).
    panel.webview.html = this.html();
    this.disposables.push(
      panel.webview.onDidReceiveMessage((data: unknown) => this.onMessage(data)),
      panel.onDidChangeViewState(() => {
        // Hidden panels are not kept up to date (their page is unloaded): catch up when shown again.
        if (panel.visible && !this.wasVisible) this.schedule(0, true);
        this.wasVisible = panel.visible;
      }),
      panel.onDidDispose(() => this.dispose()),
    );
    this.handle = this.createHandle();
  }

  get rootUri(): string | undefined {
    return this.root;
  }

  private html(): string {
    const webview = this.panel.webview;
    const nonce = randomBytes(16).toString('base64');
    const asset = (name: string) =>
      webview.asWebviewUri(vscode.Uri.joinPath(this.extensionUri, 'dist', name));
    const csp = [
      `default-src 'none'`,
      `img-src ${webview.cspSource} data:`,
      `style-src ${webview.cspSource}`,
      `script-src 'nonce-${nonce}'`,
    ].join('; ');
    return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="${csp}">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<link rel="stylesheet" href="${asset('webview.css').toString()}">
<title>Synthesis</title>
</head>
<body>
<main id="app"></main>
<script nonce="${nonce}" src="${asset('webview.js').toString()}"></script>
</body>
</html>`;
  }

  private onMessage(data: unknown): void {
    const message = parsePageMessage(data);
    if (!message) return;
    switch (message.type) {
      case 'ready':
        this.pageReady = true;
        // A fresh page (first load, or shown again after being hidden) has nothing: send the last model now,
        // then a fresh one.
        this.poster.reset();
        if (this.posted && this.root) this.postModel(this.posted.model, true);
        else void this.post({ type: 'status', kind: 'loading', message: 'Computing the synthesis…' });
        this.schedule(0, true);
        break;
      case 'rendered': {
        if (!this.posted || message.seq !== this.posted.seq) break;
        const { type: _type, ...render } = message;
        this.rendered = { model: this.posted.model, render };
        this.waiters.drawn(this.rendered);
        break;
      }
      case 'resync':
        this.poster.reset();
        if (this.posted && this.root) this.postModel(this.posted.model, true);
        break;
      case 'openStudy':
        void this.openStudy(message.study, message.outcome);
        break;
      case 'export':
        if (EXPORT_FORMATS.includes(message.format))
          void vscode.commands.executeCommand(EXPORT_COMMAND, { rootUri: this.root, format: message.format });
        break;
    }
  }

  private post(message: HostMessage): Thenable<boolean> {
    return this.disposed ? Promise.resolve(false) : this.panel.webview.postMessage(message);
  }

  /**
   * Posts a model (a patch of the last one, once the page has one); an identical one (only its time
   * differs) is not posted again unless `force`.
   */
  private postModel(model: SynthesisViewModel, force = false): void {
    const seq = this.seq + 1;
    const message = this.poster.message(seq, model, this.root!, [], force);
    if (!message) return;
    this.seq = seq;
    this.posted = { seq, model };
    void exportFormats().then((formats) => this.post({ ...message, exportFormats: formats } as HostMessage));
  }

  /**
   * Asks the server again within `delay` ms. A request already due sooner stays due: a burst of keystrokes
   * is answered `delay` ms after its first one (then once more for the rest), never postponed past it.
   */
  schedule(delay: number, rescan: boolean): void {
    if (this.disposed) return;
    if (rescan) this.pendingRescan = true;
    const due = Date.now() + delay;
    if (this.timer !== undefined && this.due <= due) return;
    clearTimeout(this.timer);
    this.due = due;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      void this.update();
    }, delay);
  }

  private pendingRescan = false;
  private due = 0;

  /** Waits for the request in flight (and the one queued behind it). */
  async settled(): Promise<void> {
    while (this.running) await this.running.catch(() => undefined);
  }

  private async update(): Promise<void> {
    const rescan = this.pendingRescan;
    this.pendingRescan = false;
    if (this.running) {
      // One request at a time; the latest change is looked at once the current answer is in.
      this.again = { rescan: rescan || (this.again?.rescan ?? false) };
      return;
    }
    this.running = this.request(rescan);
    try {
      await this.running;
    } finally {
      this.running = undefined;
    }
    if (this.again) {
      this.pendingRescan ||= this.again.rescan;
      this.again = undefined;
      await this.update();
    }
  }

  private async request(rescan: boolean): Promise<void> {
    if (this.disposed) return;
    try {
      const client = await this.client();
      if (!this.root) {
        const review = await pickReview(client, 'Open Synthesis: which review?');
        if (!review) {
          void this.post({
            type: 'status',
            kind: 'error',
            message: 'No review.yaml found in this workspace.',
          });
          return;
        }
        this.root = review.rootUri;
        rescan = true;
      }
      const result = await client.sendRequest(requests.synthesis, { rootUri: this.root, rescan });
      if (this.disposed) return;
      if ('error' in result) {
        void this.post({ type: 'status', kind: 'error', message: result.error, rootUri: this.root });
        return;
      }
      this.panel.title = `Synthesis: ${result.model.title}`;
      if (this.pageReady) this.postModel(result.model);
      else this.posted = { seq: ++this.seq, model: result.model };
    } catch (error) {
      void this.post({
        type: 'status',
        kind: 'error',
        message: `The synthesis could not be computed: ${error instanceof Error ? error.message : String(error)}`,
      });
    }
  }

  /** Opens the study's consensus record (else its first reviewer's) at the outcome, beside the panel. */
  async openStudy(study: string, outcome?: string): Promise<vscode.TextEditor | undefined> {
    if (!this.root) return undefined;
    const location = await (
      await this.client()
    ).sendRequest(requests.studyLocation, {
      rootUri: this.root,
      study,
      ...(outcome ? { outcome } : {}),
    });
    if (!location) {
      void vscode.window.showWarningMessage(`Study Extraction: no record of ${study} found.`);
      return undefined;
    }
    const position = new vscode.Position(location.range.start.line, location.range.start.character);
    const editor = await vscode.window.showTextDocument(vscode.Uri.parse(location.uri), {
      viewColumn:
        this.panel.viewColumn === vscode.ViewColumn.One ? vscode.ViewColumn.Beside : vscode.ViewColumn.One,
      selection: new vscode.Range(position, position),
      preview: false,
    });
    editor.revealRange(
      new vscode.Range(position, position),
      vscode.TextEditorRevealType.InCenterIfOutsideViewport,
    );
    return editor;
  }

  private createHandle(): SynthesisPanelHandle {
    const nextRender: SynthesisPanelHandle['nextRender'] = (predicate = () => true, options = {}) => {
      if (options.current && this.rendered && predicate(this.rendered.model, this.rendered.render))
        return Promise.resolve(this.rendered);
      const timeoutMs = options.timeoutMs ?? 30_000;
      return this.waiters.wait(
        (rendered) => predicate(rendered.model, rendered.render),
        timeoutMs,
        `the synthesis panel drew no matching model within ${timeoutMs} ms`,
      );
    };
    return {
      viewType: SYNTHESIS_VIEW_TYPE,
      panel: this.panel,
      rootUri: () => this.root,
      lastPosted: () => this.posted?.model,
      lastRendered: () => this.rendered,
      posts: () => this.seq,
      nextRender,
      refresh: async () => {
        const seq = this.seq;
        const drawn = nextRender((model) => model === this.posted?.model && this.seq > seq);
        await this.settled();
        clearTimeout(this.timer);
        this.timer = undefined;
        this.pendingRescan = true;
        await this.update();
        // The model may equal the one on the page already: then it is not posted again, so force it.
        if (this.seq === seq && this.posted) this.postModel(this.posted.model, true);
        return drawn;
      },
      openStudy: (study, outcome) => this.openStudy(study, outcome),
    };
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    clearTimeout(this.timer);
    this.waiters.rejectAll('the synthesis panel was closed');
    for (const d of this.disposables) d.dispose();
    this.onDispose(this);
    this.panel.dispose();
  }
}

let exportCommand: Promise<boolean> | undefined;

/** The export formats to offer: none unless the export command exists (looked up once). */
async function exportFormats(): Promise<string[]> {
  exportCommand ??= Promise.resolve(vscode.commands.getCommands(true)).then((all) =>
    all.includes(EXPORT_COMMAND),
  );
  return (await exportCommand) ? EXPORT_FORMATS : [];
}

/** Files whose change changes the synthesis: records, review.yaml (the schema changes reach us as diagnostics). */
function affectsSynthesis(uri: vscode.Uri): boolean {
  return uri.scheme === 'file' && (uri.path.endsWith('.study.yaml') || uri.path.endsWith('/review.yaml'));
}

/**
 * Registers `studyExtraction.openSynthesis`, the panel serializer and the change listeners. `client`
 * resolves to the started language client.
 */
export function registerSynthesisPanel(
  context: vscode.ExtensionContext,
  client: () => Promise<LanguageClient>,
): vscode.Disposable[] {
  const panels = new Set<SynthesisPanel>();
  const create = (panel: vscode.WebviewPanel, rootUri: string | undefined) => {
    const created = new SynthesisPanel(panel, context.extensionUri, client, rootUri, (p) => panels.delete(p));
    panels.add(created);
    return created;
  };
  const scheduleAll = (delay: number, rescan: boolean) => {
    for (const panel of panels) if (panel.panel.visible) panel.schedule(delay, rescan);
  };

  const watcher = vscode.workspace.createFileSystemWatcher('**/{review.yaml,*.study.yaml}');
  const onDisk = (uri: vscode.Uri) => {
    if (panels.size > 0 && affectsSynthesis(uri)) scheduleAll(EDIT_DEBOUNCE_MS, true);
  };

  return [
    vscode.commands.registerCommand(
      'studyExtraction.openSynthesis',
      async (args?: { rootUri?: string }): Promise<SynthesisPanelHandle> => {
        const existing = [...panels].find((p) => !args?.rootUri || p.rootUri === args.rootUri);
        if (existing) {
          existing.panel.reveal();
          return existing.handle;
        }
        const panel = vscode.window.createWebviewPanel(
          SYNTHESIS_VIEW_TYPE,
          'Synthesis',
          vscode.window.activeTextEditor ? vscode.ViewColumn.Beside : vscode.ViewColumn.Active,
          { enableScripts: true, localResourceRoots: [vscode.Uri.joinPath(context.extensionUri, 'dist')] },
        );
        const created = create(panel, args?.rootUri);
        created.schedule(0, true);
        return created.handle;
      },
    ),
    vscode.window.registerWebviewPanelSerializer(SYNTHESIS_VIEW_TYPE, {
      async deserializeWebviewPanel(panel: vscode.WebviewPanel, state: unknown) {
        const rootUri =
          typeof state === 'object' && state !== null && typeof (state as PageState).rootUri === 'string'
            ? (state as PageState).rootUri
            : undefined;
        create(panel, rootUri).schedule(0, true);
      },
    }),
    vscode.workspace.onDidChangeTextDocument((event) => {
      if (panels.size === 0 || event.contentChanges.length === 0 || !affectsSynthesis(event.document.uri))
        return;
      scheduleAll(EDIT_DEBOUNCE_MS, false);
    }),
    watcher,
    watcher.onDidCreate(onDisk),
    watcher.onDidChange(onDisk),
    watcher.onDidDelete(onDisk),
    vscode.languages.onDidChangeDiagnostics((event) => {
      if (panels.size > 0 && event.uris.some((uri) => affectsSynthesis(uri) || uri.path.endsWith('.json')))
        scheduleAll(DIAGNOSTICS_DEBOUNCE_MS, false);
    }),
    { dispose: () => [...panels].forEach((p) => p.dispose()) },
  ];
}
