// The Extraction Progress panel and the Getting Started walkthrough as a reviewer uses them, by keyboard
// and mouse, in code-server (VS Code 1.100.3 in the browser) with the packaged extension, on a copy of
// examples/therapeutic-alliance.
//
// Scenario 1, the progress panel: F1 runs "Study Extraction: Show Extraction Progress"; the panel's summary
// line and its studies × reviewers matrix must read as `study-extraction progress` prints them for the same
// folder (the same rows in the same order: the study with most work left, meyer-2015 with mk's draft,
// first). A click on mk's cell of meyer-2015 opens records/mk/meyer-2015.study.yaml; that record is made
// complete by keyboard (`status: draft` → `status: complete`, Ctrl+S), and the panel must follow: the cell
// says complete, the summary 14 complete, and the matrix reads again as the command line prints it.
// Scenario 2, the walkthrough: "Welcome: Open Walkthrough..." picks "Get started with Study Extraction";
// its steps are the titles package.json contributes, in order; a click on each step shows its Markdown page
// (the heading and first sentence of its media/walkthrough/*.md file).
//
// Usage: node test/ui/progress.mjs [--no-install] [--no-package] [--keep]
// Screenshots: test-results/progress/NN-step.png. Prints one line per check, ends with
// `N passed, N failed`; exits 0 only if every check passed. Bounded by UI_TIMEOUT_MS (default 5 min).
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import {
  cleanupOnExit,
  codeServerCli,
  createSandbox,
  installTestDeps,
  installedExtension,
  launchBrowser,
  log,
  removeSandbox,
  repoRoot,
  run,
  startCodeServer,
  visibleWebview,
  workbenchUrl,
} from '../../scripts/code-server-harness.mjs';

const args = process.argv.slice(2);
const flag = (name) => args.includes(name);
const TIMEOUT_MS = Number(process.env.UI_TIMEOUT_MS ?? 5 * 60_000);
const STEP_MS = 15_000;
const vsix = join(repoRoot, 'study-extraction.vsix');
const shotsDir = join(repoRoot, 'test-results/progress');

/** The record made complete from the panel, and the cell clicked to open it. */
const STUDY = 'meyer-2015';
const REVIEWER = 'mk';
const RECORD = `records/${REVIEWER}/${STUDY}.study.yaml`;
const SUMMARY_BEFORE = '14 records: 13 complete, 1 draft; 4 studies with open disagreements; 1 study blinded';

// ---------------------------------------------------------------------------------------------------
// Checks and screenshots.

const results = [];
let shots = 0;
let page;

class Fatal extends Error {}

function slug(text) {
  return text
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-|-$/g, '')
    .slice(0, 60);
}

async function screenshot(name) {
  const file = join(shotsDir, `${String(++shots).padStart(2, '0')}-${slug(name)}.png`);
  await page?.screenshot({ path: file, timeout: 10_000 }).catch(() => undefined);
  return file;
}

/**
 * Runs one check and takes its screenshot: passes when `body` returns without throwing and reports no
 * failure through `fail(text)`. `fatal`: a failure ends the scenario.
 */
async function check(name, body, { fatal = true } = {}) {
  const start = Date.now();
  const problems = [];
  const fail = (text) => problems.push(text);
  try {
    await body(fail);
  } catch (error) {
    problems.push(String(error?.message ?? error));
  }
  const ok = problems.length === 0;
  results.push({ name, ok });
  const shot = await screenshot(name);
  const ms = Date.now() - start;
  if (ok) console.log(`  ✔ ${name} (${ms} ms)`);
  else
    console.log(
      `  ✘ ${name} (${ms} ms)\n    ${problems.join('\n').replace(/\n/g, '\n    ')}\n    screenshot: ${shot}`,
    );
  if (!ok && fatal) throw new Fatal(`${name}: ${problems[0]}`);
  return ok;
}

const pause = (ms) => new Promise((r) => setTimeout(r, ms));

/** `probe()`'s first truthy value, polled; throws after `timeoutMs` with the last value `describe` gives. */
async function until(what, probe, { timeoutMs = STEP_MS, describe } = {}) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value) return value;
    if (Date.now() > deadline) {
      const last = describe ? `\n${await describe()}` : '';
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${last}`);
    }
    await pause(100);
  }
}

// ---------------------------------------------------------------------------------------------------
// The progress matrix: as the panel shows it and as the command line prints it.

/** What the reviewer reads in a cell: its text, marks (✓ ◐ ○) left out, white space collapsed. */
const cellText = (text) => text.replace(/[✓◐○]/g, ' ').replace(/\s+/g, ' ').trim();

/** The panel's title, summary line, column heads and rows (each row its cells' texts), as drawn. */
async function panelMatrix(panel) {
  const app = panel.locator('#app');
  const title = (await app.locator('h2').first().innerText({ timeout: STEP_MS })).trim();
  const summary = cellText(await app.locator('.summary').first().innerText({ timeout: STEP_MS }));
  const head = (await app.locator('table thead th').allInnerTexts()).map(cellText);
  const rows = await app
    .locator('table tbody tr')
    .evaluateAll((trs) => trs.map((tr) => [...tr.children].map((cell) => cell.innerText)));
  return { title, summary, head, rows: rows.map((row) => row.map(cellText)) };
}

/** `study-extraction progress` on the sandbox's review (the installed extension's CLI). */
function cliMatrix(sandbox) {
  const cli = join(installedExtension(sandbox), 'dist/cli.js');
  const result = spawnSync(process.execPath, [cli, 'progress', sandbox.workspace], {
    encoding: 'utf8',
    timeout: 60_000,
  });
  if (result.error) throw result.error;
  if (result.status !== 0)
    throw new Error(`progress exited with ${result.status}:\n${result.stdout}\n${result.stderr}`);
  const [table, summary] = result.stdout.trimEnd().split('\n\n');
  const [head, ...rows] = table.split('\n').map((line) => line.split(/ {2,}/).map((t) => t.trim()));
  return { text: result.stdout, summary: summary.trim(), head, rows };
}

/** The differences between the panel and the command line's matrix, as lines (none: the same). */
function matrixDifferences(shown, printed) {
  const problems = [];
  if (shown.summary !== printed.summary)
    problems.push(`the summary reads "${shown.summary}"; the CLI prints "${printed.summary}"`);
  const lower = (cells) => cells.map((c) => c.toLowerCase());
  if (lower(shown.head).join(' | ') !== lower(printed.head).join(' | '))
    problems.push(`the columns are ${shown.head.join(' | ')}; the CLI prints ${printed.head.join(' | ')}`);
  const rows = Math.max(shown.rows.length, printed.rows.length);
  for (let i = 0; i < rows; i++) {
    const a = (shown.rows[i] ?? []).join(' | ');
    const b = (printed.rows[i] ?? []).join(' | ');
    if (a !== b) problems.push(`row ${i + 1} reads "${a || '(none)'}"; the CLI prints "${b || '(none)'}"`);
  }
  return problems;
}

/** The panel's content frame, once it has drawn a summary line. */
function progressPanel() {
  return visibleWebview(page, (frame) => frame.locator('#app .summary'), {
    timeoutMs: STEP_MS,
    what: 'the progress panel to draw its summary line',
  });
}

/** The active editor's tab label and its breadcrumbs (`records › mk › meyer-2015.study.yaml`). */
async function activeEditor() {
  const group = page.locator('.editor-group-container.active');
  const tab = await group
    .locator('.tabs-container .tab.active')
    .first()
    .innerText({ timeout: 2000 })
    .catch(() => '');
  const crumbs = await group
    .locator('.breadcrumbs-control .monaco-breadcrumb-item')
    .allInnerTexts()
    .catch(() => []);
  return { tab: tab.trim(), crumbs: crumbs.map((c) => c.trim()).filter(Boolean) };
}

// ---------------------------------------------------------------------------------------------------
// Scenario 1: the progress panel.

async function progressScenario(sandbox) {
  let panel;
  await check('F1 runs "Study Extraction: Show Extraction Progress"; its panel opens', async () => {
    await page.keyboard.press('F1');
    await page.locator('.quick-input-widget input').waitFor({ timeout: STEP_MS });
    await page.keyboard.type('Study Extraction: Show Extraction Progress');
    await page
      .locator('.quick-input-list .monaco-list-row.focused', {
        hasText: 'Study Extraction: Show Extraction Progress',
      })
      .waitFor({ timeout: STEP_MS });
    await page.keyboard.press('Enter');
    await page.locator('.tabs-container .tab.active', { hasText: /Progress/ }).waitFor({ timeout: STEP_MS });
    panel = await progressPanel();
  });

  const review = readFileSync(join(sandbox.workspace, 'review.yaml'), 'utf8');
  const reviewTitle = /^title: (.+)$/m.exec(review)?.[1].trim();
  await check(
    'the panel is titled by the review and names it; its summary line reads as expected',
    async (fail) => {
      const tab = (await activeEditor()).tab;
      if (!tab.includes('Progress')) fail(`the panel's tab reads "${tab}"`);
      if (reviewTitle && !tab.includes(reviewTitle)) fail(`the tab "${tab}" does not name "${reviewTitle}"`);
      const shown = await panelMatrix(panel);
      if (shown.title !== reviewTitle) fail(`the panel's heading reads "${shown.title}"`);
      if (shown.summary !== SUMMARY_BEFORE)
        fail(`the summary line reads "${shown.summary}", not "${SUMMARY_BEFORE}"`);
    },
    { fatal: false },
  );

  await check(
    `the matrix reads as \`study-extraction progress\` prints it, ${STUDY} (a draft) first`,
    async (fail) => {
      const printed = cliMatrix(sandbox);
      const shown = await panelMatrix(panel);
      const problems = matrixDifferences(shown, printed);
      if (shown.rows[0]?.[0] !== STUDY) problems.push(`the first row is ${shown.rows[0]?.[0]}, not ${STUDY}`);
      const mk = shown.head.indexOf(REVIEWER);
      if (!/^draft\b/.test(shown.rows[0]?.[mk] ?? ''))
        problems.push(
          `${REVIEWER}'s cell of ${shown.rows[0]?.[0]} reads "${shown.rows[0]?.[mk]}", not a draft`,
        );
      for (const problem of problems) fail(problem);
      if (problems.length) log(`  (the CLI prints:\n${printed.text})`);
    },
    { fatal: false },
  );

  const original = readFileSync(join(sandbox.workspace, RECORD), 'utf8');
  await check(`a click on ${REVIEWER}'s cell of ${STUDY} opens ${RECORD}`, async () => {
    const shown = await panelMatrix(panel);
    const column = shown.head.indexOf(REVIEWER);
    const row = shown.rows.findIndex((cells) => cells[0] === STUDY);
    if (column < 0 || row < 0) throw new Error(`no ${REVIEWER} column or ${STUDY} row in the panel`);
    const cell = panel.locator('#app table tbody tr').nth(row).locator(':scope > *').nth(column);
    // The mouse, on the middle of the cell's state ("draft").
    await cell.locator('.state').click({ timeout: STEP_MS });
    const want = ['records', REVIEWER, `${STUDY}.study.yaml`];
    await until(
      `the active editor to be ${RECORD}`,
      async () => {
        const now = await activeEditor();
        return now.tab.includes(`${STUDY}.study.yaml`) && want.every((part) => now.crumbs.includes(part));
      },
      { describe: async () => `the active editor: ${JSON.stringify(await activeEditor())}` },
    );
    await page.locator('#status\\.editor\\.mode', { hasText: 'Study Record' }).waitFor({ timeout: STEP_MS });
  });

  await check(
    'the panel stays in view beside the record',
    async () => {
      await progressPanel();
    },
    { fatal: false },
  );

  const lines = original.split('\n');
  const statusLine = lines.indexOf('status: draft') + 1;
  await check(
    `by keyboard, \`status: draft\` becomes \`status: complete\` (line ${statusLine}); Ctrl+S saves`,
    async () => {
      if (statusLine === 0) throw new Error(`${RECORD} has no "status: draft" line`);
      // Go to Line, the end of it, the word before the cursor selected and typed over.
      await page.keyboard.press('Control+G');
      await page.locator('.quick-input-widget input').waitFor({ timeout: STEP_MS });
      await page.keyboard.type(String(statusLine));
      await page.keyboard.press('Enter');
      await page
        .locator('#status\\.editor\\.selection', { hasText: `Ln ${statusLine},` })
        .waitFor({ timeout: STEP_MS });
      await page.keyboard.press('End');
      await page.keyboard.press('Control+Shift+ArrowLeft');
      await page
        .locator('#status\\.editor\\.selection', { hasText: '(5 selected)' })
        .waitFor({ timeout: STEP_MS });
      await page.keyboard.type('complete', { delay: 20 });
      await pause(300);
      if (await page.locator('.suggest-widget.visible').isVisible()) await page.keyboard.press('Escape');
      await page.keyboard.press('Control+S');
      await until('the record to be saved', async () =>
        page
          .locator('.editor-group-container.active .tabs-container .tab.active:not(.dirty)', {
            hasText: `${STUDY}.study.yaml`,
          })
          .isVisible(),
      );
      const saved = readFileSync(join(sandbox.workspace, RECORD), 'utf8');
      const expected = original.replace('\nstatus: draft\n', '\nstatus: complete\n');
      if (saved !== expected) {
        const a = saved.split('\n');
        const b = expected.split('\n');
        const first = a.findIndex((line, i) => line !== b[i]);
        throw new Error(
          `the saved record differs from line ${first + 1}: ${JSON.stringify(a.slice(first, first + 3))}, ` +
            `expected ${JSON.stringify(b.slice(first, first + 3))}`,
        );
      }
    },
  );

  await check(
    `the panel follows: ${REVIEWER}'s cell of ${STUDY} says complete, the summary 14 complete`,
    async () => {
      panel = await progressPanel();
      await until(
        'the panel to show the record complete',
        async () => {
          const shown = await panelMatrix(panel);
          const row = shown.rows.find((cells) => cells[0] === STUDY);
          const cell = row?.[shown.head.indexOf(REVIEWER)] ?? '';
          return /^complete\b/.test(cell) && /\b14 complete\b/.test(shown.summary);
        },
        {
          describe: async () => {
            const shown = await panelMatrix(panel);
            return `the summary reads "${shown.summary}"; the rows:\n${shown.rows.map((r) => r.join(' | ')).join('\n')}`;
          },
        },
      );
    },
    { fatal: false },
  );

  await check(
    'the matrix reads again as `study-extraction progress` prints it for the saved records',
    async (fail) => {
      const printed = cliMatrix(sandbox);
      // The panel may still be drawing its last update: give it the time of one.
      let problems = [];
      await until('the panel to match the CLI', async () => {
        problems = matrixDifferences(await panelMatrix(panel), printed);
        return problems.length === 0;
      }).catch(() => undefined);
      for (const problem of problems) fail(problem);
      if (problems.length) log(`  (the CLI prints:\n${printed.text})`);
    },
    { fatal: false },
  );

  await check(
    'the status bar counts the record complete: 14/14 complete',
    async () => {
      await page
        .locator('.statusbar-item', { hasText: /\b14\/14 complete\b/ })
        .first()
        .waitFor({ timeout: STEP_MS });
    },
    { fatal: false },
  );
}

// ---------------------------------------------------------------------------------------------------
// Scenario 2: the Getting Started walkthrough.

/** A Markdown page's heading and the first sentence of its first paragraph, as rendered (plain text). */
function pageText(file) {
  const plain = (text) =>
    text
      .replace(/\[([^\]]*)\]\([^)]*\)/g, '$1')
      .replace(/[*`_]/g, '')
      .replace(/\s+/g, ' ')
      .trim();
  const lines = readFileSync(file, 'utf8').split('\n');
  const heading = plain(lines.find((l) => l.startsWith('# ')).slice(2));
  const start = lines.findIndex((l) => /^(\*\*|[A-Za-z])/.test(l));
  const paragraph = [];
  for (let i = start; i >= 0 && i < lines.length && lines[i].trim() !== ''; i++) paragraph.push(lines[i]);
  const sentence = plain(paragraph.join(' '))
    .split(/(?<=[.:])\s/)[0]
    .slice(0, 60);
  return { heading, sentence };
}

async function walkthroughScenario(sandbox) {
  const extension = installedExtension(sandbox);
  const manifest = JSON.parse(readFileSync(join(extension, 'package.json'), 'utf8'));
  const walkthrough = manifest.contributes.walkthroughs.find(
    (w) => w.id === 'studyExtraction.gettingStarted',
  );
  if (!walkthrough) throw new Error('package.json contributes no studyExtraction.gettingStarted walkthrough');

  await check(`"Welcome: Open Walkthrough..." opens "${walkthrough.title}"`, async () => {
    await page.keyboard.press('Escape');
    await page.keyboard.press('F1');
    await page.locator('.quick-input-widget input').waitFor({ timeout: STEP_MS });
    await page.keyboard.type('Welcome: Open Walkthrough...');
    await page
      .locator('.quick-input-list .monaco-list-row.focused', { hasText: 'Welcome: Open Walkthrough...' })
      .waitFor({ timeout: STEP_MS });
    await page.keyboard.press('Enter');
    await page
      .locator('.quick-input-list .monaco-list-row', { hasText: walkthrough.title })
      .first()
      .waitFor({ timeout: STEP_MS });
    await page.keyboard.type(walkthrough.title);
    await page
      .locator('.quick-input-list .monaco-list-row.focused', { hasText: walkthrough.title })
      .waitFor({ timeout: STEP_MS });
    await page.keyboard.press('Enter');
    await page
      .locator('.gettingStartedContainer .gettingStartedSlideDetails h2.category-title', {
        hasText: walkthrough.title,
      })
      .first()
      .waitFor({ timeout: STEP_MS });
  });

  const container = page.locator('.gettingStartedContainer');
  const steps = container.locator('.gettingStartedSlideDetails button.getting-started-step');
  await check('the walkthrough lists the steps package.json contributes, in order', async () => {
    const want = walkthrough.steps.map((s) => s.title);
    const got = await until('the steps', async () => {
      const titles = (await steps.locator('h3.step-title').allTextContents()).map((t) => t.trim());
      return titles.length >= want.length ? titles : undefined;
    });
    if (got.join(' | ') !== want.join(' | '))
      throw new Error(`the steps are:\n  ${got.join('\n  ')}\nnot:\n  ${want.join('\n  ')}`);
  });

  // Each step, the first last (it is open already): the click opens it and shows its page.
  const order = [...walkthrough.steps.slice(1), walkthrough.steps[0]];
  for (const step of order) {
    const file = join(extension, step.media.markdown);
    const expected = pageText(file);
    await check(
      `a click on "${step.title}" shows its page: "${expected.heading}"`,
      async (fail) => {
        const button = steps.filter({ has: page.locator('h3.step-title', { hasText: step.title }) }).first();
        await button.locator('h3.step-title').click({ timeout: STEP_MS });
        await until(`"${step.title}" to open`, async () =>
          (await button.getAttribute('aria-expanded')) === 'true' ? true : undefined,
        );
        const media = await visibleWebview(
          page,
          (frame) => frame.locator('h1', { hasText: expected.heading }),
          { what: `the Markdown page headed "${expected.heading}" (${step.media.markdown})` },
        );
        const text = (await media.locator('body').innerText()).replace(/\s+/g, ' ');
        if (!text.includes(expected.sentence))
          fail(`the page does not read "${expected.sentence}"; it begins: "${text.slice(0, 200)}"`);
      },
      { fatal: false },
    );
  }

  const selected = walkthrough.steps.find((s) => s.completionEvents?.includes('onStepSelected'));
  if (selected) {
    await check(
      `"${selected.title}" (completed when selected) is checked`,
      async () => {
        const button = steps.filter({ has: page.locator('h3.step-title', { hasText: selected.title }) });
        await until(`"${selected.title}" to be checked`, async () =>
          (await button.first().getAttribute('aria-checked')) === 'true' ? true : undefined,
        );
      },
      { fatal: false },
    );
  }

  // The panel is closed (its tab's close button) and opened again from the walkthrough's button.
  const linked = walkthrough.steps.find((s) =>
    s.description.includes('(command:studyExtraction.showProgress)'),
  );
  if (linked) {
    await check(
      `with the panel closed, the "Show Extraction Progress" button of "${linked.title}" opens it again`,
      async () => {
        const panelTab = page.locator('.tabs-container .tab', { hasText: /^Progress/ });
        await panelTab.first().hover();
        await panelTab.first().locator('.tab-actions .codicon-close').click({ timeout: STEP_MS });
        await until('the panel to close', async () => (await panelTab.count()) === 0);
        const button = steps
          .filter({ has: page.locator('h3.step-title', { hasText: linked.title }) })
          .first();
        await button.locator('h3.step-title').click({ timeout: STEP_MS });
        await until(`"${linked.title}" to open`, async () =>
          (await button.getAttribute('aria-expanded')) === 'true' ? true : undefined,
        );
        await button.getByRole('button', { name: 'Show Extraction Progress' }).click({ timeout: STEP_MS });
        await until(
          'the progress panel to be the active editor',
          async () => (await activeEditor()).tab.startsWith('Progress'),
          { describe: async () => `the active editor: ${JSON.stringify(await activeEditor())}` },
        );
        const shown = await panelMatrix(await progressPanel());
        const printed = cliMatrix(sandbox);
        const problems = matrixDifferences(shown, printed);
        if (problems.length > 0) throw new Error(problems.join('\n'));
      },
      { fatal: false },
    );
  }
}

// ---------------------------------------------------------------------------------------------------

async function main(sandbox, server) {
  await page.goto(workbenchUrl(server, sandbox));
  await check('the workbench opens the review and the extension reports its progress', async () => {
    await page.locator('.monaco-workbench').waitFor({ timeout: 60_000 });
    await page
      .locator('.statusbar-item', { hasText: /\d+\/\d+ complete/ })
      .first()
      .waitFor({ timeout: 60_000 });
  });
  for (const [name, scenario] of [
    ['the progress panel', progressScenario],
    ['the walkthrough', walkthroughScenario],
  ]) {
    try {
      await scenario(sandbox);
    } catch (error) {
      if (!(error instanceof Fatal)) throw error;
      log(`${name} stopped: ${error.message.split('\n')[0]}`);
    }
  }
}

async function progress() {
  const startedAt = Date.now();
  try {
    if (!flag('--no-install')) {
      log('installing the test dependencies (cached)');
      installTestDeps();
    }
    if (!flag('--no-package')) {
      log('packaging the extension: npm run package');
      run('npm', ['run', '--silent', 'package'], { timeout: 5 * 60_000 });
    }
  } catch (error) {
    console.log(`  ✘ the extension is packaged and code-server installed\n    ${error.message}`);
    console.log('0 passed, 1 failed');
    return 1;
  }
  const sandbox = createSandbox('progress');
  log(`workspace: ${sandbox.workspace}`);
  rmSync(shotsDir, { recursive: true, force: true });
  mkdirSync(shotsDir, { recursive: true });
  let server;
  let browser;
  let finished = false;
  const cleanup = cleanupOnExit([
    () => browser?.context.close(),
    () => server?.stop(),
    () =>
      finished && results.every((r) => r.ok) && !flag('--keep')
        ? removeSandbox(sandbox)
        : log(`kept ${sandbox.root}`),
  ]);
  process.on('exit', () => server?.kill());

  try {
    log(`installing ${vsix} into code-server`);
    codeServerCli(sandbox, ['--install-extension', vsix]);
    server = await startCodeServer(sandbox);
    log(`code-server 4.100.3 on ${server.url} (process group ${server.child.pid})`);
    browser = await launchBrowser(sandbox);
    page = browser.page;
    let timer;
    const timeout = new Promise((_, reject) => {
      timer = setTimeout(() => reject(new Error(`timed out after ${TIMEOUT_MS / 1000} s`)), TIMEOUT_MS);
    });
    try {
      await Promise.race([main(sandbox, server), timeout]);
      finished = true;
    } catch (error) {
      log(`failed: ${error instanceof Error ? error.message.split('\n')[0] : String(error)}`);
      await screenshot('at-failure');
    } finally {
      clearTimeout(timer);
    }
  } catch (error) {
    log(`error: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
  } finally {
    if (!finished && server) log(`code-server log (tail):\n${server.logTail()}`);
    await cleanup();
  }
  const passed = results.filter((r) => r.ok).length;
  const failed = results.length - passed + (finished ? 0 : 1);
  log(`screenshots: ${shotsDir} (${shots}); ${((Date.now() - startedAt) / 1000).toFixed(0)} s in all`);
  console.log(`${passed} passed, ${failed} failed`);
  return failed === 0 ? 0 : 1;
}

process.exit(await progress());
