// Benchmark of the language server (part of `npm run bench`): the built dist/server.js over stdio on the
// 2,000-record synthetic review. Prints figures only.
import { spawn } from 'node:child_process';
import { readFileSync, statSync } from 'node:fs';
import * as nodePath from 'node:path';
import { performance } from 'node:perf_hooks';
import { createMessageConnection, StreamMessageReader, StreamMessageWriter } from 'vscode-jsonrpc/node';
import { URI } from 'vscode-uri';
import { ensureGenerated, LARGE_RECORD, REVIEW_DIR } from './generate';

const REPO = nodePath.resolve(__dirname, '..');
const SERVER = nodePath.join(REPO, 'dist', 'server.js');

function median(samples: number[]): number {
  const sorted = [...samples].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

function rssMiB(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  return Number(/VmRSS:\s+(\d+) kB/.exec(status)![1]) / 1024;
}

export async function benchServer(): Promise<void> {
  ensureGenerated();
  const child = spawn(process.execPath, [SERVER, '--stdio'], { stdio: 'pipe' });
  const connection = createMessageConnection(
    new StreamMessageReader(child.stdout!),
    new StreamMessageWriter(child.stdin!),
  );
  const published = new Map<string, number>();
  const waiters: { uri: string; resolve: () => void }[] = [];
  connection.onNotification('textDocument/publishDiagnostics', (p: { uri: string }) => {
    published.set(p.uri, (published.get(p.uri) ?? 0) + 1);
    for (const w of waiters.filter((x) => x.uri === p.uri)) {
      waiters.splice(waiters.indexOf(w), 1);
      w.resolve();
    }
  });
  connection.onRequest('workspace/configuration', (p: { items: unknown[] }) =>
    p.items.map(() => ({ validation: { delay: 0 } })),
  );
  connection.onRequest('client/registerCapability', () => null);
  connection.listen();
  const rootUri = URI.file(REVIEW_DIR).toString();
  const started = performance.now();
  await connection.sendRequest('initialize', {
    processId: process.pid,
    rootUri,
    workspaceFolders: [{ uri: rootUri, name: 'bench' }],
    // As VS Code declares it: the client watches the files, so the server starts no watcher of its own
    // (a client without that capability costs the server a folder scan at start-up).
    capabilities: {
      workspace: { configuration: true, didChangeWatchedFiles: { dynamicRegistration: true } },
    },
  });
  connection.sendNotification('initialized', {});
  // Indexed: every record (and review.yaml, the schema) has been published once.
  const expected = 2002;
  await new Promise<void>((resolve) => {
    const timer = setInterval(() => {
      if (published.size >= expected) {
        clearInterval(timer);
        resolve();
      }
    }, 20);
  });
  const indexed = performance.now() - started;
  const rssIndexed = rssMiB(child.pid!);

  // didChange → publishDiagnostics of a 300-line record (validation delay 0).
  const uri = URI.file(nodePath.join(REVIEW_DIR, 'records', 'ek', 'large-2020.study.yaml')).toString();
  const text = readFileSync(LARGE_RECORD, 'utf8');
  connection.sendNotification('textDocument/didOpen', {
    textDocument: { uri, languageId: 'study-record', version: 1, text },
  });
  const latencies: number[] = [];
  for (let version = 2; version < 42; version++) {
    const edited = text.replace(/mean: (\d+)\.(\d)/, `mean: $1.${version % 10}`);
    const done = new Promise<void>((resolve) => waiters.push({ uri, resolve }));
    const t0 = performance.now();
    connection.sendNotification('textDocument/didChange', {
      textDocument: { uri, version },
      contentChanges: [{ text: edited }],
    });
    await done;
    latencies.push(performance.now() - t0);
  }
  const rssAfter = rssMiB(child.pid!);
  await connection.sendRequest('shutdown');
  const exited = new Promise((resolve) => child.once('exit', resolve));
  await connection.sendNotification('exit');
  await exited;
  connection.dispose();

  const size = (file: string) =>
    `${(statSync(nodePath.join(REPO, 'dist', file)).size / 1024).toFixed(0)} KiB`;
  console.log('\nLanguage server (dist/server.js over stdio, 2,000-record synthetic review):');
  console.log(`  start-up to every file published                      ${indexed.toFixed(0)} ms`);
  console.log(
    `  RSS with the review indexed                           ${rssIndexed.toFixed(0)} MiB   (target ≤ 150 MB)`,
  );
  console.log(`  RSS after 40 edits of a 300-line record               ${rssAfter.toFixed(0)} MiB`);
  console.log(
    `  didChange → publishDiagnostics, 300-line record       ${median(latencies).toFixed(1)} ms median (min ${Math.min(...latencies).toFixed(1)}, max ${Math.max(...latencies).toFixed(1)}; validation delay 0)`,
  );
  console.log(
    `  bundles: extension.js ${size('extension.js')}, server.js ${size('server.js')}, cli.js ${size('cli.js')}, webview.js ${size('webview.js')}`,
  );
}

if (require.main === module) void benchServer();
