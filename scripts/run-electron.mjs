// Runs the integration suites (test/integration) in desktop VS Code with @vscode/test-electron: it
// downloads VS Code into .vscode-test/ (so it needs the internet: it fails on machines without it, where
// scripts/run-integration.mjs runs the same suites in code-server instead), opens a temporary copy of
// examples/therapeutic-alliance, and runs dist-test/integration/index.js in the extension host.
//
// Usage: node scripts/run-electron.mjs [--no-build]   (VSCODE_VERSION=1.100.3 to pin a version; default stable)
import { spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { runTests } from '@vscode/test-electron';

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..');

function run(command, args) {
  const result = spawnSync(command, args, { cwd: repoRoot, stdio: 'inherit' });
  if (result.status !== 0) throw new Error(`${command} ${args.join(' ')} failed`);
}

if (!process.argv.includes('--no-build')) {
  run('npm', ['run', '--silent', 'build']);
  run('node', ['scripts/build-tests.mjs']);
}

const root = mkdtempSync(join(tmpdir(), 'study-extraction-electron-'));
const workspace = join(root, 'therapeutic-alliance');
cpSync(join(repoRoot, 'examples/therapeutic-alliance'), workspace, { recursive: true });

let code = 1;
try {
  code = await runTests({
    version: process.env.VSCODE_VERSION ?? 'stable',
    extensionDevelopmentPath: repoRoot,
    extensionTestsPath: join(repoRoot, 'dist-test/integration/index'),
    launchArgs: [workspace, '--disable-extensions'],
    extensionTestsEnv: process.env.MOCHA_GREP ? { MOCHA_GREP: process.env.MOCHA_GREP } : {},
  });
} catch (error) {
  console.error(`test-electron: ${error instanceof Error ? error.message : String(error)}`);
  code = 1;
} finally {
  rmSync(root, { recursive: true, force: true });
}
process.exitCode = code;
