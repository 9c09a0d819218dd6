// Runs the built CLI (dist/cli.js) as a user or CI would: a separate node process.
import { spawn, spawnSync } from 'node:child_process';
import * as path from 'node:path';
import { buildUnderLock, REPO } from '../../support/build';

export { REPO };
export const CLI = path.join(REPO, 'dist', 'cli.js');
export const FIXTURES = path.join(REPO, 'test', 'fixtures', 'check');

/** Builds dist/cli.js unless it is newer than every input (serialized with the other test builds). */
export function ensureBuilt(): void {
  buildUnderLock(CLI, () => undefined);
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
