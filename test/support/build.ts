// Builds dist/ for tests that run the built bundles. Test files run in parallel processes, so builds are
// serialized by a lock folder: no test spawns a bundle that another process is still writing.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, rmSync, statSync } from 'node:fs';
import * as path from 'node:path';

export const REPO = path.resolve(__dirname, '..', '..');

/** Newest modification time below `target` (or of the file itself). */
function newestMtime(target: string): number {
  if (!existsSync(target)) return 0;
  const stat = statSync(target);
  if (!stat.isDirectory()) return stat.mtimeMs;
  let newest = stat.mtimeMs;
  for (const entry of readdirSync(target)) newest = Math.max(newest, newestMtime(path.join(target, entry)));
  return newest;
}

export function sleepSync(ms: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

/**
 * Runs `node scripts/build.mjs` unless `output` is newer than every input, then `then()` — both while
 * holding the build lock.
 */
export function buildUnderLock<T>(output: string, then: () => T): T {
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
      sleepSync(100);
    }
  }
  try {
    const inputs = ['src', 'schemas', 'package.json', path.join('scripts', 'build.mjs')].map((p) =>
      newestMtime(path.join(REPO, p)),
    );
    const built = existsSync(output) ? statSync(output).mtimeMs : 0;
    if (built === 0 || Math.max(...inputs) >= built) {
      const result = spawnSync(process.execPath, ['scripts/build.mjs'], { cwd: REPO, encoding: 'utf8' });
      if (result.status !== 0) throw new Error(`build failed:\n${result.stdout}\n${result.stderr}`);
    }
    if (!existsSync(output)) throw new Error(`${output} was not built`);
    return then();
  } finally {
    rmSync(lock, { recursive: true, force: true });
  }
}
