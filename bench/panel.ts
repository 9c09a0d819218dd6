// Benchmark of the live synthesis panel (part of `npm run bench`; prints timings, asserts only that the
// answers reflect the edits). The built language server (dist/server.js) is spawned over stdio on the
// synthetic 1,000-study review and on the example review, and measured as the panel uses it:
//   - `studyExtraction/synthesis` cold (first answer), warm with nothing changed, and with a rescan of the disk;
//   - didChange of a record → the answer of the next synthesis request (the panel's hot path);
//   - the page (dist/webview.js) drawing the answer in headless Chromium, when /usr/bin/chromium exists.
// "Edit → panel updated" = the client's debounce + didChange→answer + the page until its frame is painted;
// the target is ≤ 150 ms. "First open" = a warm request + loading the page + its first painted frame (≤ 1 s).
import { spawn } from 'node:child_process';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import * as nodePath from 'node:path';
import { performance } from 'node:perf_hooks';
import {
  createMessageConnection,
  StreamMessageReader,
  StreamMessageWriter,
  type MessageConnection,
} from 'vscode-jsonrpc/node';
import { URI } from 'vscode-uri';
import type { SynthesisViewModel } from '../src/core/synthesis/viewModel';
import { SynthesisMethods, type SynthesisResult } from '../src/shared/protocol';
import { ModelPoster, type HostMessage } from '../src/shared/webviewMessages';
import type { PageWindow } from '../test/webview/harness';
import { ensureGenerated } from './generate';

const REPO = nodePath.resolve(__dirname, '..');
const SERVER = nodePath.join(REPO, 'dist', 'server.js');
const EXAMPLE = nodePath.join(REPO, 'examples', 'therapeutic-alliance');
/** The client's debounce after an edit (src/client/synthesisPanel.ts). */
const CLIENT_DEBOUNCE_MS = 50;
const RUNS = { warm: 15, rescan: 5, edit: 30, render: 8 };

interface Stats {
  median: number;
  min: number;
  max: number;
  n: number;
}

function stats(samples: number[]): Stats {
  const sorted = [...samples].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  const median = sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
  return { median, min: sorted[0]!, max: sorted[sorted.length - 1]!, n: sorted.length };
}

const ms = (x: number) => (x >= 100 ? `${x.toFixed(0)} ms` : `${x.toFixed(1)} ms`);

/** A language server over stdio, as VS Code's client would start it. */
async function startServer(
  root: string,
): Promise<{ connection: MessageConnection; stop: () => Promise<void> }> {
  const child = spawn(process.execPath, [SERVER, '--stdio'], { cwd: root, stdio: 'pipe' });
  let stderr = '';
  child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
  const connection = createMessageConnection(
    new StreamMessageReader(child.stdout!),
    new StreamMessageWriter(child.stdin!),
  );
  connection.onRequest('workspace/configuration', (p: { items: unknown[] }) =>
    p.items.map(() => ({ validation: { delay: 150 }, adjudicator: 'bench' })),
  );
  connection.onRequest('client/registerCapability', () => null);
  connection.onNotification('textDocument/publishDiagnostics', () => undefined);
  connection.listen();
  const rootUri = URI.file(root).toString();
  await connection.sendRequest('initialize', {
    processId: process.pid,
    rootUri,
    workspaceFolders: [{ uri: rootUri, name: 'review' }],
    capabilities: { workspace: { configuration: true, workspaceFolders: true } },
  });
  await connection.sendNotification('initialized', {});
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  return {
    connection,
    stop: async () => {
      try {
        await Promise.race([connection.sendRequest('shutdown'), new Promise((r) => setTimeout(r, 3000))]);
        await connection.sendNotification('exit');
      } catch {
        // killed below
      }
      const timer = setTimeout(() => child.kill('SIGKILL'), 2000);
      await exited;
      clearTimeout(timer);
      connection.dispose();
      if (child.exitCode !== 0 && stderr) console.error(stderr.slice(-2000));
    },
  };
}

async function synthesis(connection: MessageConnection, rootUri: string, rescan = false) {
  const start = performance.now();
  const result = await connection.sendRequest<SynthesisResult>(SynthesisMethods.synthesis, {
    rootUri,
    rescan,
  });
  const elapsed = performance.now() - start;
  if ('error' in result) throw new Error(`synthesis failed: ${result.error}`);
  return { ms: elapsed, model: result.model };
}

/** A record of a study that the (first) analysis pools from two agreeing reviewers' records. */
function editableRecord(
  root: string,
  model: SynthesisViewModel,
): { path: string; text: string; study: string; edited: string } {
  const outcome = model.analyses[0]?.outcome;
  for (const study of model.analyses[0]?.studies ?? []) {
    if (study.source !== 'agreed') continue;
    const reviewer = readdirSync(nodePath.join(root, 'records')).find((r) =>
      existsSync(nodePath.join(root, 'records', r, `${study.study}.study.yaml`)),
    );
    if (!reviewer) continue;
    const path = nodePath.join(root, 'records', reviewer, `${study.study}.study.yaml`);
    const arm = study.inputs.experimental?.arms[0];
    const text = readFileSync(path, 'utf8');
    // The experimental arm's mean in the analysis' outcome.
    const at = text.indexOf(`id: ${outcome}`);
    const match = arm && at >= 0 ? new RegExp(`\\b${arm}: \\{ mean: ([0-9.]+)`).exec(text.slice(at)) : null;
    if (!match) continue;
    const start = at + match.index + match[0].length - match[1]!.length;
    const edited = `${text.slice(0, start)}${(Number(match[1]) + 1.5).toFixed(2)}${text.slice(start + match[1]!.length)}`;
    return { path, text, study: study.study, edited };
  }
  throw new Error('no pooled study with a numeric mean to edit');
}

interface ReviewFigures {
  label: string;
  studies: number;
  records: number;
  k: number;
  bytes: number;
  cold: number;
  warm: Stats;
  rescan: Stats;
  edit: Stats;
  /** The answers after an edit and after undoing it: the page draws them in turn. */
  answers: SynthesisViewModel[];
}

async function measureReview(label: string, root: string): Promise<ReviewFigures> {
  const rootUri = URI.file(root).toString();
  const server = await startServer(root);
  try {
    const cold = await synthesis(server.connection, rootUri, true);
    const warm: number[] = [];
    for (let i = 0; i < RUNS.warm; i++) warm.push((await synthesis(server.connection, rootUri)).ms);
    const rescan: number[] = [];
    for (let i = 0; i < RUNS.rescan; i++) rescan.push((await synthesis(server.connection, rootUri, true)).ms);

    // The hot path: an unsaved edit, then the panel's request. Editing one reviewer's mean makes the two
    // records disagree (the study leaves the analysis); the next edit restores it (the study is back).
    const record = editableRecord(root, cold.model);
    const uri = URI.file(record.path).toString();
    await server.connection.sendNotification('textDocument/didOpen', {
      textDocument: { uri, languageId: 'study-record', version: 1, text: record.text },
    });
    const edit: number[] = [];
    const answers: SynthesisViewModel[] = [];
    for (let i = 0; i < RUNS.edit; i++) {
      const changed = i % 2 === 0;
      const text = changed ? record.edited : record.text;
      const start = performance.now();
      await server.connection.sendNotification('textDocument/didChange', {
        textDocument: { uri, version: i + 2 },
        contentChanges: [{ text }],
      });
      const { model } = await synthesis(server.connection, rootUri);
      edit.push(performance.now() - start);
      if (answers.length < 2) answers.push(model);
      const included = model.analyses[0]!.studies.some((s) => s.study === record.study);
      if (included === changed)
        throw new Error(
          `the answer after edit ${i + 1} does not reflect it (${record.study} included: ${included})`,
        );
    }
    await server.connection.sendNotification('textDocument/didClose', { textDocument: { uri } });
    return {
      label,
      studies: cold.model.dashboard.studies,
      records: cold.model.dashboard.records,
      k: cold.model.analyses[0]?.k ?? 0,
      bytes: Buffer.byteLength(JSON.stringify(cold.model)),
      cold: cold.ms,
      warm: stats(warm),
      rescan: stats(rescan),
      edit: stats(edit),
      answers,
    };
  } finally {
    await server.stop();
  }
}

interface RenderFigures {
  /** The page loaded and its script ran (`ready`). */
  load: number;
  /** The first model posted → its frame painted. */
  first: number;
  /** An answer after an edit: the page's own work (the message handler), and until the frame is painted. */
  script: Stats;
  painted: Stats;
  /** The messages posted after an edit, as JSON (what VS Code serializes to the page). */
  bytes: number;
}

/**
 * Drawing the answers in the built page (headless Chromium): postMessage → the page has drawn (its handler
 * returned) → the next frame is painted (requestAnimationFrame, then a task). The answers alternate
 * (edited, restored), so that every post changes the forest plot as an edit does.
 */
async function measureRender(models: SynthesisViewModel[][]): Promise<(RenderFigures | undefined)[]> {
  if (!existsSync('/usr/bin/chromium')) return models.map(() => undefined);
  const { startHarness, launchBrowser } = await import('../test/webview/harness.js');
  const harness = await startHarness();
  const browser = await launchBrowser();
  try {
    const page = await browser.context.newPage();
    const results: RenderFigures[] = [];
    // A first navigation starts the browser's renderer: VS Code's is running before a panel opens.
    await page.goto(harness.url('dark'));
    // (No named functions inside: the callback is sent to the page as source text.)
    const post = (message: HostMessage) =>
      page.evaluate(
        (m: HostMessage) =>
          new Promise<[number, number]>((resolve) => {
            const win = globalThis as unknown as PageWindow;
            const start = win.performance.now();
            // The page draws in its own `message` listener; one added after it runs once the drawing is done.
            win.addEventListener(
              'message',
              () => {
                const script = win.performance.now() - start;
                win.requestAnimationFrame(() =>
                  win.setTimeout(() => resolve([script, win.performance.now() - start]), 0),
                );
              },
              { once: true },
            );
            win.postMessage(m, '*');
          }),
        message,
      );
    for (const model of models) {
      // The page loaded afresh for each review: nothing of its code compiled or cached before.
      const started = performance.now();
      await page.goto(harness.url('dark'));
      await page.waitForFunction(() =>
        (globalThis as unknown as PageWindow).__posted?.some((m) => m.type === 'ready'),
      );
      const load = performance.now() - started;
      const poster = new ModelPoster();
      const message = (seq: number) =>
        poster.message(seq + 1, model[seq % model.length]!, 'file:///bench', [])!;
      const [, first] = await post(message(0));
      const script: number[] = [];
      const painted: number[] = [];
      let bytes = 0;
      for (let seq = 1; seq <= RUNS.render; seq++) {
        const m = message(seq);
        bytes = Buffer.byteLength(JSON.stringify(m));
        const [s, p] = await post(m);
        script.push(s);
        painted.push(p);
      }
      results.push({ load, first, script: stats(script), painted: stats(painted), bytes });
    }
    return results;
  } finally {
    await browser.close();
    await harness.close();
  }
}

export async function benchPanel(): Promise<void> {
  if (!existsSync(SERVER)) throw new Error(`${SERVER} is missing: run \`npm run bench\` (it builds first).`);
  const { root } = ensureGenerated();
  const reviews = [
    await measureReview('synthetic review', root),
    await measureReview('example review', EXAMPLE),
  ];
  const renders = await measureRender(reviews.map((r) => r.answers));

  console.log('');
  console.log('Synthesis panel (language server over stdio; `studyExtraction/synthesis`):');
  const rows: string[][] = [
    ['measure', ...reviews.map((r) => `${r.label} (${r.studies} studies, k = ${r.k})`)],
  ];
  const row = (name: string, f: (r: ReviewFigures, i: number) => string) =>
    rows.push([name, ...reviews.map(f)]);
  row('view model size (JSON)', (r) => `${(r.bytes / 1024).toFixed(0)} KiB`);
  row('first request (cold: parse, validate, compare all)', (r) => ms(r.cold));
  row(`warm request, nothing changed (median of ${RUNS.warm})`, (r) => ms(r.warm.median));
  row(`request with a rescan of the disk (median of ${RUNS.rescan})`, (r) => ms(r.rescan.median));
  row(
    `didChange → next answer (median of ${RUNS.edit})`,
    (r) => `${ms(r.edit.median)} (${ms(r.edit.min)}–${ms(r.edit.max)})`,
  );
  row('first open: page loaded, script run', (_r, i) => (renders[i] ? ms(renders[i].load) : 'n/a'));
  row('first open: first model → painted', (_r, i) => (renders[i] ? ms(renders[i].first) : 'n/a'));
  row('first open after indexing (warm request + load + first paint)', (r, i) =>
    renders[i] ? ms(r.warm.median + renders[i].load + renders[i].first) : 'n/a',
  );
  row('message to the page after an edit (JSON)', (_r, i) =>
    renders[i] ? `${(renders[i].bytes / 1024).toFixed(0)} KiB` : 'n/a',
  );
  row(`page handles the answer (median of ${RUNS.render})`, (_r, i) =>
    renders[i] ? ms(renders[i].script.median) : 'n/a (no chromium)',
  );
  row(`page: answer → frame painted (median of ${RUNS.render})`, (_r, i) =>
    renders[i] ? ms(renders[i].painted.median) : 'n/a (no chromium)',
  );
  row(`edit → panel updated (${CLIENT_DEBOUNCE_MS} ms debounce + answer + painted)`, (r, i) =>
    renders[i] ? ms(CLIENT_DEBOUNCE_MS + r.edit.median + renders[i].painted.median) : 'n/a',
  );
  const widths = rows[0]!.map((_, c) => Math.max(...rows.map((r) => r[c]!.length)));
  const line = (r: string[]) =>
    r.map((cell, c) => (c === 0 ? cell.padEnd(widths[c]!) : cell.padStart(widths[c]!))).join('  ');
  console.log(line(rows[0]!));
  console.log(widths.map((w) => '-'.repeat(w)).join('  '));
  for (const r of rows.slice(1)) console.log(line(r));
  console.log('Targets: edit → panel updated ≤ 150 ms; first open ≤ 1 s after the review is indexed.');
}

if (require.main === module) {
  benchPanel().catch((error: unknown) => {
    console.error(error instanceof Error ? error.stack : error);
    process.exitCode = 1;
  });
}
