// Entry point of the integration tests inside VS Code's extension host, in @vscode/test-electron's form:
// VS Code loads this file (extensionTestsPath) and awaits `run()`. It mocha-runs the suites bundled
// beside it (dist-test/integration/*.test.js, built by scripts/build-tests.mjs) and ends the output with
// a plain `N passed, N failed` line. Set MOCHA_GREP to run only the tests whose title matches it.
import { readdirSync } from 'node:fs';
import * as path from 'node:path';
import { format } from 'node:util';
import Mocha from 'mocha';

export function run(): Promise<void> {
  // The reporters log printf-style (`'%s (%dms)', title, duration`). VS Code's extension host forwards
  // console.log's arguments to the workbench unformatted, so format them here.
  Mocha.reporters.Base.consoleLog = (...data: unknown[]) =>
    console.log(data.length > 0 ? format(...data) : '');
  const mocha = new Mocha({
    ui: 'bdd',
    reporter: 'spec',
    color: false,
    timeout: 90_000,
    ...(process.env.MOCHA_GREP ? { grep: process.env.MOCHA_GREP } : {}),
  });
  const files = readdirSync(__dirname)
    .filter((name) => name.endsWith('.test.js'))
    .sort();
  for (const file of files) mocha.addFile(path.join(__dirname, file));

  return new Promise((resolve, reject) => {
    try {
      const runner = mocha.run((failures) => {
        const passes = runner.stats?.passes ?? 0;
        const pending = runner.stats?.pending ?? 0;
        console.log(`${passes} passed, ${failures} failed${pending > 0 ? `, ${pending} skipped` : ''}`);
        if (failures > 0) reject(new Error(`${failures} integration test(s) failed.`));
        else if (passes === 0)
          reject(new Error(`No integration test ran (files: ${files.join(', ') || 'none'}).`));
        else resolve();
      });
    } catch (error) {
      console.log('0 passed, 1 failed');
      reject(error instanceof Error ? error : new Error(String(error)));
    }
  });
}
