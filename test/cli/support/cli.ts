// Runs the built CLI (dist/cli.js) as a user or CI would: a separate node process.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, rmSync, statSync } from 'node:fs';
import * as path from 'node:path';

export const REPO = path.resolve(__dirname, '..', '..', '..');
export const CLI = path.join(REPO, 'dist', 'cli.js');
export const FIXTURES = path.join(REPO, 'test', 'fixtures', 'check');

/** Newest modification time below `dir` (or of the file itself). */
function newestMtime(target: string): number {
  if (!existsSync(target)) return 0;
  const stat = statSync(target);
  if (!stat.isDirectory()) return stat.mtimeMs;
  let newest = stat.mtimeMs;
  for (const entry of readdirSync(target)) newest = Math.max(newest, newestMtime(path.join(target, entry)));
  return newest;
}

function sleep(ms: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

/**
 * Builds dist/cli.js unless it is newer than every input. Test files run in parallel processes, so the
 * build is serialized by a lock folder: no test spawns a cli.js that another process is still writing.
 */
export function ensureBuilt(): void {
  mkdirSync(path.join(REPO, 'dist'), { recursive: true });
  const lock = path.join(REPO, 'dist', '.test-build-lock');
  const deadline = Date.now() + 120_000;
  for (;;) {
    try {
      mkdirSync(lock);
      break;
    } catch {
      // A lock left behind by a killed run is stale after a minute.
      try {
        if (Date.now() - statSync(lock).mtimeMs > 60_000) rmSync(lock, { recursive: true, force: true });
      } catch {
        // The holder released it meanwhile.
      }
      if (Date.now() > deadline) throw new Error('timed out waiting for the build lock');
      sleep(100);
    }
  }
  try {
    const inputs = ['src', 'schemas', 'package.json', path.join('scripts', 'build.mjs')].map((p) =>
      newestMtime(path.join(REPO, p)),
    );
    const built = existsSync(CLI) ? statSync(CLI).mtimeMs : 0;
    if (built === 0 || Math.max(...inputs) >= built) {
      const result = spawnSync(process.execPath, ['scripts/build.mjs'], { cwd: REPO, encoding: 'utf8' });
      if (result.status !== 0) throw new Error(`build failed:\n${result.stdout}\n${result.stderr}`);
    }
  } finally {
    rmSync(lock, { recursive: true, force: true });
  }
}

export interface CliResult {
  status: number | null;
  stdout: string;
  stderr: string;
}

export function runCli(args: string[], cwd = REPO): CliResult {
  const result = spawnSync(process.execPath, [CLI, ...args], { cwd, encoding: 'utf8', timeout: 60_000 });
  if (result.error) throw result.error;
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

/** Like `runCli`, without blocking: fixtures are checked several at a time. */
export function runCliAsync(args: string[], cwd = REPO): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CLI, ...args], { cwd, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    const timer = setTimeout(() => child.kill(), 60_000);
    child.on('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    child.on('close', (status) => {
      clearTimeout(timer);
      resolve({ status, stdout, stderr });
    });
  });
}

// The shape of `check --format json` (DESIGN.md §3).
export interface JsonPosition {
  line: number;
  character: number;
}
export interface JsonDiagnostic {
  severity: 'error' | 'warning' | 'information';
  message: string;
  code: string;
  range: { start: JsonPosition; end: JsonPosition };
}
export interface JsonReport {
  files: { path: string; diagnostics: JsonDiagnostic[] }[];
  summary: { files: number; errors: number; warnings: number };
}
