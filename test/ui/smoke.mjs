// UI smoke test of the packaged extension, as a person uses it: package the .vsix, install it into
// code-server (VS Code 1.100.3 in the browser), open a copy of the example review in which one record
// is invalid, open that record with Quick Open, and read the Problems panel and a command's message
// through Debian's chromium (playwright-core). Saves test-results/ui-smoke.png.
//
// Usage: node test/ui/smoke.mjs [--no-install] [--no-package] [--keep]
// Prints one line per check and ends with `N passed, N failed`; exits 0 only if every check passed.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  cleanupOnExit,
  codeServerCli,
  createSandbox,
  installTestDeps,
  launchBrowser,
  log,
  removeSandbox,
  repoRoot,
  run,
  startCodeServer,
  workbenchUrl,
} from '../../scripts/code-server-harness.mjs';

const args = process.argv.slice(2);
const flag = (name) => args.includes(name);
const TIMEOUT_MS = Number(process.env.UI_TIMEOUT_MS ?? 5 * 60_000);
const STEP_MS = 60_000;
const vsix = join(repoRoot, 'study-extraction.vsix');
const resultsDir = join(repoRoot, 'test-results');
const screenshot = join(resultsDir, 'ui-smoke.png');

const BROKEN_RECORD = 'records/ek/preschl-2011.study.yaml';
const EXPECTED_MESSAGE = '`group` must be one of: face-to-face, email, telephone';
const EXPECTED_SUGGESTION = 'got "emial". Did you mean `email`?';

const results = [];
async function check(name, body) {
  const start = Date.now();
  try {
    await body();
    results.push({ name, ok: true });
    console.log(`  ✔ ${name} (${Date.now() - start} ms)`);
  } catch (error) {
    results.push({ name, ok: false });
    console.log(
      `  ✘ ${name} (${Date.now() - start} ms)\n    ${String(error?.message ?? error).replace(/\n/g, '\n    ')}`,
    );
    throw error;
  }
}

async function main(page, sandbox, server) {
  await page.goto(workbenchUrl(server, sandbox));

  await check('the workbench opens the review and the extension reports its progress', async () => {
    await page.locator('.monaco-workbench').waitFor({ timeout: STEP_MS });
    // The extension's status bar item: "$(checklist) 13/14 complete · 100%" or the like.
    await page
      .locator('.statusbar-item', { hasText: /\d+\/\d+ complete/ })
      .first()
      .waitFor({ timeout: STEP_MS });
  });

  await check('Quick Open (Ctrl+P) opens the broken record as a Study Record', async () => {
    await page.keyboard.press('Control+P');
    const input = page.locator('.quick-input-widget input');
    await input.waitFor({ timeout: STEP_MS });
    await page.keyboard.type('ek/preschl-2011.study.yaml');
    await page
      .locator('.quick-input-list .monaco-list-row', { hasText: 'preschl-2011.study.yaml' })
      .filter({ hasText: 'records/ek' })
      .first()
      .waitFor({ timeout: STEP_MS });
    await page.keyboard.press('Enter');
    await page
      .locator('.tabs-container .tab.active', { hasText: 'preschl-2011.study.yaml' })
      .waitFor({ timeout: STEP_MS });
    await page.locator('.statusbar-item', { hasText: 'Study Record' }).first().waitFor({ timeout: STEP_MS });
  });

  await check('the status bar shows the active record: reviewer, study, fields filled and NR', async () => {
    const item = page.locator('.statusbar-item', { hasText: /ek · preschl-2011: \d+\/\d+ · \d+ NR/ }).first();
    await item.waitFor({ timeout: STEP_MS });
    const [, filled, total, nr] = /(\d+)\/(\d+) · (\d+) NR/.exec(await item.innerText());
    // The example record marks its means and SDs NR and fills everything else.
    if (!(Number(filled) > 0 && Number(filled) <= Number(total) && Number(nr) > 0))
      throw new Error(`unexpected record progress: ${await item.innerText()}`);
  });

  await check('the Problems panel (Ctrl+Shift+M) shows the record’s error', async () => {
    await page.locator('.monaco-editor .view-lines').first().click();
    await page.keyboard.press('Control+Shift+M');
    const panel = page.locator('.markers-panel');
    await panel.waitFor({ timeout: STEP_MS });
    await panel.locator('.monaco-list-row', { hasText: 'emial' }).first().waitFor({ timeout: STEP_MS });
    const text = await panel.innerText();
    for (const expected of [EXPECTED_MESSAGE, EXPECTED_SUGGESTION, 'preschl-2011.study.yaml']) {
      if (!text.includes(expected))
        throw new Error(`the Problems panel does not show "${expected}":\n${text}`);
    }
  });

  await check('the command palette runs "Study Extraction: Check Review"', async () => {
    // From the editor: Check Review runs `workbench.actions.view.problems`, which hides the Problems
    // panel when that panel has the focus.
    await page.locator('.monaco-editor .view-lines').first().click();
    await page.keyboard.press('Control+Shift+P');
    await page.locator('.quick-input-widget input').waitFor({ timeout: STEP_MS });
    await page.keyboard.type('Study Extraction: Check Review');
    await page
      .locator('.quick-input-list .monaco-list-row', { hasText: 'Check Review' })
      .first()
      .waitFor({ timeout: STEP_MS });
    await page.keyboard.press('Enter');
    const toast = page.locator('.notifications-toasts', { hasText: 'files checked' });
    await toast.waitFor({ timeout: STEP_MS });
    const text = await toast.innerText();
    if (!/\d+ files checked, 1 errors?\b/.test(text)) throw new Error(`unexpected message: ${text}`);
    await page
      .locator('.markers-panel .monaco-list-row', { hasText: 'emial' })
      .first()
      .waitFor({ timeout: STEP_MS });
  });
}

async function smoke() {
  if (!flag('--no-install')) {
    log('installing the test dependencies (cached)');
    installTestDeps();
  }
  if (!flag('--no-package')) {
    log('packaging the extension: npm run package');
    run('npm', ['run', '--silent', 'package']);
  }
  const sandbox = createSandbox('ui', (workspace) => {
    const record = join(workspace, BROKEN_RECORD);
    const text = readFileSync(record, 'utf8');
    if (!text.includes('group: email')) throw new Error(`${BROKEN_RECORD} has no "group: email" to break`);
    writeFileSync(record, text.replace('group: email', 'group: emial'));
  });
  log(`workspace: ${sandbox.workspace} (${BROKEN_RECORD}: group: emial)`);
  let server;
  let browser;
  let passed = false;
  const cleanup = cleanupOnExit([
    () => browser?.context.close(),
    () => server?.stop(),
    () => (passed && !flag('--keep') ? removeSandbox(sandbox) : log(`kept ${sandbox.root}`)),
  ]);
  process.on('exit', () => server?.kill());

  try {
    log(`installing ${vsix} into code-server`);
    codeServerCli(sandbox, ['--install-extension', vsix]);
    server = await startCodeServer(sandbox);
    log(`code-server 4.100.3 on ${server.url} (process group ${server.child.pid})`);
    browser = await launchBrowser(sandbox);
    const { page } = browser;
    mkdirSync(resultsDir, { recursive: true });
    let timer;
    const timeout = new Promise((_, reject) => {
      timer = setTimeout(() => reject(new Error(`timed out after ${TIMEOUT_MS / 1000} s`)), TIMEOUT_MS);
    });
    try {
      await Promise.race([main(page, sandbox, server), timeout]);
      passed = true;
    } catch (error) {
      log(`failed: ${error instanceof Error ? error.message.split('\n')[0] : String(error)}`);
    } finally {
      clearTimeout(timer);
      await page.screenshot({ path: screenshot }).catch(() => undefined);
      log(`screenshot: ${screenshot}`);
    }
  } catch (error) {
    log(`error: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
  } finally {
    if (!passed && server) log(`code-server log (tail):\n${server.logTail()}`);
    await cleanup();
  }
  const failed = results.filter((r) => !r.ok).length + (passed || results.some((r) => !r.ok) ? 0 : 1);
  console.log(`${results.filter((r) => r.ok).length} passed, ${failed} failed`);
  return passed && failed === 0 ? 0 : 1;
}

process.exitCode = await smoke();
