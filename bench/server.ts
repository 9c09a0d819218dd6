// Benchmark of the language server (part of `npm run bench`): the built dist/server.js over stdio on the
// 2,000- and 10,000-record synthetic reviews, and yaml-language-server, a general YAML server validating
// the same record against the same schemas, through the same probe (didChange → publishDiagnostics).
// Prints figures only.
import { spawn } from 'node:child_process';
import { readFileSync, statSync } from 'node:fs';
import * as nodePath from 'node:path';
import { performance } from 'node:perf_hooks';
import { createMessageConnection, StreamMessageReader, StreamMessageWriter } from 'vscode-jsonrpc/node';
import { URI } from 'vscode-uri';
import { ensureGenerated, ensureVariant, GENERATED_DIR, LARGE_RECORD, REVIEW_DIR } from './generate';
import { ensurePeers, writeBundledSchema } from './peers';

const REPO = nodePath.resolve(__dirname, '..');
const SERVER = nodePath.join(REPO, 'dist', 'server.js');
const EDITS = 40;
/** Edits after which our server's memory is read again: it must stay flat. */
const LONG_EDITS = 1000;
/** A server counts as idle once it has used no CPU for this long. */
const IDLE_MS = 500;
/** yaml-language-server validates 200 ms after a change; the delay is fixed (it has no setting for it). */
const YAML_SERVER_DELAY_MS = 200;

function median(samples: number[]): number {
  const sorted = [...samples].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/** CPU time a process has used, in clock ticks (user + system). */
function cpuTicks(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
  return Number(fields[11]) + Number(fields[12]);
}

/** Waits until the process has used no CPU for IDLE_MS: its work after start-up is done. */
async function untilIdle(pid: number): Promise<void> {
  let last = cpuTicks(pid);
  for (;;) {
    await new Promise((resolve) => setTimeout(resolve, IDLE_MS));
    const now = cpuTicks(pid);
    if (now === last) return;
    last = now;
  }
}

function rssMiB(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  return Number(/VmRSS:\s+(\d+) kB/.exec(status)![1]) / 1024;
}

interface ServerUnderTest {
  args: string[];
  languageId: string;
  /** The answer to one `workspace/configuration` item. */
  configuration: (section: string | undefined) => unknown;
  /** Files published before the review counts as indexed (0: none awaited). */
  indexedFiles: number;
  /** Sent after `initialized`: a server that reads its settings only when told they changed. */
  announceConfiguration?: boolean;
  /** Not offered file watching by the client. */
  watchesNoFiles?: boolean;
  /** The probed record is opened right after `initialized`, as an editor restoring its tabs does. */
  opensAtOnce?: boolean;
  /** Edits after which memory is read again (besides EDITS). */
  longEdits?: number;
}

interface ProbeResult {
  /** From `initialize` sent to the opened record's first diagnostics (when opened at once). */
  openMs?: number;
  indexedMs: number;
  /** From `initialize` sent to the server idle (its deferred work done too). */
  idleMs: number;
  rssIndexed: number;
  rssAfter: number;
  rssAfterLong?: number;
  latencies: number[];
  /** Whether a value of the wrong type was reported (else the schemas were not applied). */
  validated: boolean;
}

/** Starts a server on `root`, waits until it has published `indexedFiles` files, then edits one record. */
async function probe(server: ServerUnderTest, root: string): Promise<ProbeResult> {
  const child = spawn(process.execPath, server.args, { stdio: 'pipe' });
  const connection = createMessageConnection(
    new StreamMessageReader(child.stdout!),
    new StreamMessageWriter(child.stdin!),
  );
  const published = new Map<string, number>();
  const waiters: { uri: string; resolve: (diagnostics: unknown[]) => void }[] = [];
  connection.onNotification(
    'textDocument/publishDiagnostics',
    (p: { uri: string; diagnostics: unknown[] }) => {
      published.set(p.uri, (published.get(p.uri) ?? 0) + 1);
      for (const w of waiters.filter((x) => x.uri === p.uri)) {
        waiters.splice(waiters.indexOf(w), 1);
        w.resolve(p.diagnostics);
      }
    },
  );
  let configured: () => void = () => undefined;
  const configurationRead = new Promise<void>((resolve) => (configured = resolve));
  connection.onRequest('workspace/configuration', (p: { items: { section?: string }[] }) => {
    configured();
    return p.items.map((item) => server.configuration(item.section));
  });
  connection.onRequest('client/registerCapability', () => null);
  connection.onRequest('window/workDoneProgress/create', () => null);
  connection.onNotification(() => undefined);
  connection.listen();
  const rootUri = URI.file(root).toString();
  const started = performance.now();
  await connection.sendRequest('initialize', {
    processId: process.pid,
    rootUri,
    workspaceFolders: [{ uri: rootUri, name: 'bench' }],
    // As VS Code declares it: the client watches the files, so the server starts no watcher of its own
    // (a client without that capability costs the server a folder scan at start-up).
    capabilities: {
      workspace: {
        configuration: true,
        didChangeConfiguration: { dynamicRegistration: true },
        // yaml-language-server then waits on watcher registrations and never reads its settings.
        ...(server.watchesNoFiles ? {} : { didChangeWatchedFiles: { dynamicRegistration: true } }),
      },
    },
  });
  connection.sendNotification('initialized', {});
  const uri = URI.file(nodePath.join(root, 'records', 'ek', 'large-2020.study.yaml')).toString();
  const text = readFileSync(LARGE_RECORD, 'utf8');
  let openMs: number | undefined;
  const openedAtOnce = server.opensAtOnce
    ? new Promise<unknown[]>((resolve) => waiters.push({ uri, resolve })).then((diagnostics) => {
        openMs = performance.now() - started;
        return diagnostics;
      })
    : undefined;
  if (server.opensAtOnce)
    connection.sendNotification('textDocument/didOpen', {
      textDocument: { uri, languageId: server.languageId, version: 1, text },
    });
  const settle = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
  // Told until it asks: a server may listen for the notification only once it has registered for it.
  for (let tries = 0; server.announceConfiguration && tries < 50; tries++) {
    connection.sendNotification('workspace/didChangeConfiguration', { settings: null });
    if (await Promise.race([configurationRead.then(() => true), settle(100).then(() => false)])) break;
  }
  await new Promise<void>((resolve) => {
    const timer = setInterval(() => {
      if (published.size >= server.indexedFiles) {
        clearInterval(timer);
        resolve();
      }
    }, 20);
  });
  const indexedMs = performance.now() - started;
  await openedAtOnce;
  await untilIdle(child.pid!);
  const idleMs = performance.now() - started - IDLE_MS;
  const rssIndexed = rssMiB(child.pid!);

  // didChange → publishDiagnostics of a 300-line record; the first publication (on open) is not counted.
  if (server.announceConfiguration) {
    // Settings applied before the record opens: their arrival would validate it once more, unasked.
    await Promise.race([configurationRead, settle(5000)]);
    await settle(500);
  }
  if (!server.opensAtOnce) {
    const opened = new Promise<unknown[]>((resolve) => waiters.push({ uri, resolve }));
    connection.sendNotification('textDocument/didOpen', {
      textDocument: { uri, languageId: server.languageId, version: 1, text },
    });
    await opened;
  }
  // Whatever else the opening published is not the answer to an edit.
  await settle(server.announceConfiguration ? 500 : 0);
  waiters.length = 0;
  const latencies: number[] = [];
  let version = 1;
  const edit = async () => {
    version++;
    const edited = text.replace(/mean: (\d+)\.(\d)/, `mean: $1.${version % 10}`);
    const done = new Promise<unknown[]>((resolve) => waiters.push({ uri, resolve }));
    const t0 = performance.now();
    connection.sendNotification('textDocument/didChange', {
      textDocument: { uri, version },
      contentChanges: [{ text: edited }],
    });
    await done;
    return performance.now() - t0;
  };
  for (let i = 0; i < EDITS; i++) latencies.push(await edit());
  const rssAfter = rssMiB(child.pid!);
  let rssAfterLong: number | undefined;
  if (server.longEdits) {
    for (let i = EDITS; i < server.longEdits; i++) await edit();
    await untilIdle(child.pid!);
    rssAfterLong = rssMiB(child.pid!);
  }
  // A value of the wrong type must be reported: the server did validate against the schemas.
  const wrong = new Promise<unknown[]>((resolve) => waiters.push({ uri, resolve }));
  connection.sendNotification('textDocument/didChange', {
    textDocument: { uri, version: version + 1 },
    contentChanges: [{ text: text.replace(/^total_n: \d+/m, 'total_n: many') }],
  });
  const validated = (await wrong).length > 0;
  // A server that does not answer or stop within seconds is stopped: the figures are taken.
  const exited = new Promise((resolve) => child.once('exit', resolve));
  await Promise.race([connection.sendRequest('shutdown'), settle(5000)]);
  await connection.sendNotification('exit');
  if ((await Promise.race([exited.then(() => true), settle(5000).then(() => false)])) === false) {
    child.kill();
    await exited;
  }
  connection.dispose();
  return { openMs, indexedMs, idleMs, rssIndexed, rssAfter, rssAfterLong, latencies, validated };
}

const ours = (records: number): ServerUnderTest => ({
  args: [SERVER, '--stdio'],
  languageId: 'study-record',
  configuration: () => ({ validation: { delay: 0 } }),
  // Every record, review.yaml and the schema.
  indexedFiles: records + 2,
  opensAtOnce: true,
  longEdits: LONG_EDITS,
});

function yamlLanguageServer(script: string, schemaFile: string, root: string): ServerUnderTest {
  const settings: Record<string, unknown> = {
    yaml: {
      validate: true,
      // Its globs pass over folders whose name starts with a dot (bench/.generated) unless they are named.
      schemas: { [URI.file(schemaFile).toString()]: `${root}/records/**/*.study.yaml` },
      schemaStore: { enable: false },
      kubernetesCRDStore: { enable: false },
    },
  };
  return {
    args: [script, '--stdio'],
    languageId: 'yaml',
    configuration: (section) => (section !== undefined ? (settings[section] ?? {}) : {}),
    indexedFiles: 0,
    announceConfiguration: true,
    watchesNoFiles: true,
  };
}

const ms = (x: number) => `${x.toFixed(1)} ms`;

export async function benchServer(): Promise<void> {
  ensureGenerated();
  const large = ensureVariant('review-10000', { studies: 5000 });
  const reviews = [
    { label: '2,000', root: REVIEW_DIR, records: 2000 },
    { label: '10,000', root: large.root, records: large.records },
  ];
  const peers = ensurePeers();
  const peerScript = peers.scripts['yaml-language-server'];
  const schemaFile = peerScript
    ? writeBundledSchema(
        nodePath.join(GENERATED_DIR, 'peer'),
        nodePath.join(REVIEW_DIR, 'schemas', 'extraction.schema.json'),
      )
    : undefined;

  const size = (file: string) =>
    `${(statSync(nodePath.join(REPO, 'dist', file)).size / 1024).toFixed(0)} KiB`;
  console.log(
    '\nLanguage server (dist/server.js over stdio) and yaml-language-server, same record and schemas:',
  );
  for (const review of reviews) {
    const mine = await probe(ours(review.records), review.root);
    const theirs =
      peerScript && schemaFile
        ? await probe(yamlLanguageServer(peerScript, schemaFile, review.root), review.root)
        : undefined;
    const own = median(mine.latencies);
    console.log(`  ${review.label}-record review:`);
    console.log(
      `    our start-up: the open record's diagnostics ${ms(mine.openMs ?? NaN)}, every file published ${mine.indexedMs.toFixed(0)} ms, idle ${mine.idleMs.toFixed(0)} ms (after initialize)`,
    );
    console.log(
      `    our RSS, idle after start-up / after ${EDITS} / after ${LONG_EDITS} edits   ${mine.rssIndexed.toFixed(0)} / ${mine.rssAfter.toFixed(0)} / ${(mine.rssAfterLong ?? NaN).toFixed(0)} MiB`,
    );
    console.log(
      `    our didChange → publishDiagnostics, 300-line record  ${ms(own)} median (min ${ms(Math.min(...mine.latencies))}, max ${ms(Math.max(...mine.latencies))}; validation delay 0)`,
    );
    if (!theirs) {
      console.log(`    yaml-language-server: unavailable (${peers.unavailable ?? 'not installed'})`);
      continue;
    }
    if (!mine.validated || !theirs.validated)
      console.log(
        `    NOTE: a wrong value went unreported by ${mine.validated ? 'yaml-language-server' : 'our server'}: its figures do not measure validation`,
      );
    const peer = median(theirs.latencies);
    const peerWork = Math.max(peer - YAML_SERVER_DELAY_MS, 0.1);
    console.log(
      `    yaml-language-server didChange → publishDiagnostics   ${ms(peer)} median (min ${ms(Math.min(...theirs.latencies))}; ${ms(peerWork)} after its fixed ${YAML_SERVER_DELAY_MS} ms delay, which no setting changes)`,
    );
    console.log(
      `    yaml-language-server RSS, after ${EDITS} edits             ${theirs.rssAfter.toFixed(0)} MiB (it indexes nothing: ${theirs.rssIndexed.toFixed(0)} MiB at start)`,
    );
    console.log(
      `    ours / yaml-language-server: latency ${(own / peer).toFixed(2)}× (${(own / peerWork).toFixed(2)}× of its work after the delay), RSS ${(mine.rssAfter / theirs.rssAfter).toFixed(2)}×`,
    );
  }
  console.log(
    `  bundles: extension.js ${size('extension.js')}, server.js ${size('server.js')}, cli.js ${size('cli.js')}, webview.js ${size('webview.js')}`,
  );
}

if (require.main === module) void benchServer();
