// A reviewer's extraction session driven by the keyboard alone, in code-server (VS Code 1.100.3 in the
// browser) with the packaged extension, on a copy of examples/therapeutic-alliance. Where a step cannot be
// done by keyboard, the test fails.
//
// Scenario 1, a new record: the command palette runs "Study Extraction: New Study Record" (the reviewer
// comes from the studyExtraction.reviewer setting and is not asked); Next Missing Field (Ctrl+Alt+N, back
// with Ctrl+Alt+Shift+N) leads from field to field, as the status bar says (`Study Extraction: <field> ·
// <N> left: …`), and the test types the value it planned for that field, choosing every allowed value
// through the completion widget (Ctrl+Space, arrow keys, Enter); the second arm is added with the "New
// arm" snippet. Saved with Ctrl+S, the record is checked by the CLI (no errors, no warnings) and its YAML
// must hold exactly the values typed.
// Scenario 2, an existing record: a misspelt group is corrected with its quick fix (Ctrl+.), an outcome is
// added with the "New outcome" snippet, its missing required fields are added with their quick fix and
// filled through Next Missing Field; saved, checked by the CLI, and compared with the expected text.
//
// Usage: node test/ui/extraction.mjs [--no-install] [--no-package] [--keep]
// Screenshots: test-results/extraction/NN-step.png. Prints one line per check, ends with
// `N passed, N failed`; exits 0 only if every check passed. Bounded by UI_TIMEOUT_MS (default 8 min).
/* global document -- page.evaluate bodies run in the workbench */
import { deepStrictEqual } from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
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
  workbenchUrl,
} from '../../scripts/code-server-harness.mjs';

const args = process.argv.slice(2);
const flag = (name) => args.includes(name);
const TIMEOUT_MS = Number(process.env.UI_TIMEOUT_MS ?? 8 * 60_000);
const STEP_MS = 15_000;
const vsix = join(repoRoot, 'study-extraction.vsix');
const shotsDir = join(repoRoot, 'test-results/extraction');

// ---------------------------------------------------------------------------------------------------
// What the reviewer extracts.

const NEW_RECORD = 'records/ek/novak-2021.study.yaml';

/** The new record as New Study Record writes it: the fields to extract in schema order, no comments. */
const EXPECTED_SCAFFOLD = `study: novak-2021
reviewer: ek
status: draft
protocol_version: 1
citation:
  authors:
  year:
design:
arms:
  - id:
    label:
    group:
    n:
outcomes:
  - id:
    type:
    instrument:
    rater:
    timepoint:
    scale:
    results:
`;

/**
 * The fields Next Missing Field leads to, in order, and what the reviewer enters there: `text` typed,
 * `choose` picked in the completion widget. `skip`: left for later (Ctrl+Alt+N again); `back`: reached
 * with Ctrl+Alt+Shift+N from the step before; `then: 'secondArm'`: the second arm is added after it.
 * `alternatives`: the same value as other fields Next Missing Field may lead to instead.
 */
const S1_STEPS = [
  { field: 'citation.authors', text: '[Novak J, Berg K]' },
  { field: 'citation.year', text: '2021' },
  { field: 'design', skip: true },
  { field: 'arms[#1].id', text: 'online' },
  { field: 'design', choose: 'rct', back: true },
  { field: 'arms[online].label', text: 'Online therapy by email' },
  { field: 'arms[online].group', choose: 'email' },
  { field: 'arms[online].n', text: '30', then: 'secondArm' },
  { field: 'outcomes[#1].id', choose: 'alliance-total' },
  { field: 'outcomes[alliance-total].type', choose: 'continuous' },
  { field: 'outcomes[alliance-total].instrument', choose: 'WAI' },
  { field: 'outcomes[alliance-total].rater', choose: 'client' },
  { field: 'outcomes[alliance-total].timepoint', text: 'post-treatment' },
  {
    field: 'outcomes[alliance-total].scale',
    text: '{ min: 1, max: 7 }',
    alternatives: [
      { field: 'outcomes[alliance-total].scale.min', text: '1' },
      { field: 'outcomes[alliance-total].scale.max', text: '7' },
    ],
  },
  { field: 'outcomes[alliance-total].results.online.mean', text: '5.4' },
  { field: 'outcomes[alliance-total].results.online.sd', text: '0.8' },
  { field: 'outcomes[alliance-total].results.online.n', text: '28' },
  { field: 'outcomes[alliance-total].results.f2f.mean', text: '5.6' },
  { field: 'outcomes[alliance-total].results.f2f.sd', text: '0.7' },
  { field: 'outcomes[alliance-total].results.f2f.n', text: '30' },
];

/** The second arm, through the "New arm" snippet's placeholders; its n is `NR`, chosen in completion. */
const SECOND_ARM = { id: 'f2f', label: 'Face-to-face therapy', group: 'face-to-face', n: 'NR' };

const EXPECTED_RECORD = {
  study: 'novak-2021',
  reviewer: 'ek',
  status: 'draft',
  protocol_version: 1,
  citation: { authors: ['Novak J', 'Berg K'], year: 2021 },
  design: 'rct',
  arms: [
    { id: 'online', label: 'Online therapy by email', group: 'email', n: 30 },
    { id: 'f2f', label: 'Face-to-face therapy', group: 'face-to-face', n: 'NR' },
  ],
  outcomes: [
    {
      id: 'alliance-total',
      type: 'continuous',
      instrument: 'WAI',
      rater: 'client',
      timepoint: 'post-treatment',
      scale: { min: 1, max: 7 },
      results: {
        online: { mean: 5.4, sd: 0.8, n: 28 },
        f2f: { mean: 5.6, sd: 0.7, n: 30 },
      },
    },
  ],
};

/** Scenario 2: an existing record whose first arm's group is misspelt. */
const EXISTING_RECORD = 'records/mk/preschl-2011.study.yaml';
const MISSPELT = { line: '    group: email', broken: '    group: emial' };
/** What the "New outcome" snippet writes at the end of the record, its placeholders filled. */
const SNIPPET_OUTCOME = `  - id: alliance-task
    type: continuous
    results:
      online: { mean: 4.9, sd: 1.1, n: 25 }
      f2f: { mean: 5.3, sd: 0.9, n: 24 }`;
/** The outcome once its missing fields are added (in schema order) and filled. */
const ADDED_OUTCOME = `  - id: alliance-task
    type: continuous
    instrument: WAI
    rater: client
    timepoint: post-treatment
    results:
      online: { mean: 4.9, sd: 1.1, n: 25 }
      f2f: { mean: 5.3, sd: 0.9, n: 24 }`;

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
 * Runs one check: passes when `body` returns without throwing; a body may also report failures without
 * stopping (`fail(text)`), so that the session goes on to show what else happens. `fatal`: a failure ends
 * the scenario.
 */
async function check(name, body, { fatal = true } = {}) {
  const start = Date.now();
  const problems = [];
  const fail = (text) => problems.push(text);
  let thrown;
  try {
    await body(fail);
  } catch (error) {
    thrown = error;
    problems.push(String(error?.message ?? error));
  }
  const ok = problems.length === 0;
  results.push({ name, ok, problems });
  const shot = await screenshot(name);
  const ms = Date.now() - start;
  if (ok) console.log(`  ✔ ${name} (${ms} ms)`);
  else
    console.log(
      `  ✘ ${name} (${ms} ms)\n    ${problems.join('\n').replace(/\n/g, '\n    ')}\n    screenshot: ${shot}`,
    );
  if (!ok && (fatal || thrown instanceof Fatal)) throw new Fatal(`${name}: ${problems[0]}`);
  return ok;
}

// ---------------------------------------------------------------------------------------------------
// Reading the workbench.

const pause = (ms) => new Promise((r) => setTimeout(r, ms));

async function until(what, probe, timeoutMs = STEP_MS, everyMs = 50) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await pause(everyMs);
  }
}

/** The status bar message of the extension (window.setStatusBarMessage), or ''. */
async function statusMessage() {
  return page.evaluate(() => document.getElementById('status.extensionMessage')?.innerText.trim() ?? '');
}

/** The editor's cursor from the status bar: `Ln 6, Col 12 (3 selected)`. */
async function cursor() {
  const text = await page
    .locator('#status\\.editor\\.selection')
    .innerText({ timeout: STEP_MS })
    .catch(() => '');
  const match = /Ln (\d+), Col (\d+)(?: \((\d+) selected\))?/.exec(text);
  if (!match) throw new Error(`no cursor position in the status bar (${JSON.stringify(text)})`);
  return { line: Number(match[1]), col: Number(match[2]), selected: Number(match[3] ?? 0), text };
}

/** The cursor, once the status bar has stopped changing. */
async function settledCursor() {
  let last = await cursor();
  for (let i = 0; i < 20; i++) {
    await pause(60);
    const now = await cursor();
    if (now.text === last.text) return now;
    last = now;
  }
  return last;
}

/** The rendered lines of the active editor, by line number (only those on screen). */
async function editorLines() {
  return page.evaluate(() => {
    const editor =
      document.querySelector('.editor-group-container.active .editor-container .monaco-editor') ??
      document.querySelector('.monaco-editor');
    if (!editor) return {};
    const numbers = new Map();
    for (const row of editor.querySelectorAll('.margin-view-overlays > div')) {
      const n = row.querySelector('.line-numbers');
      if (n) numbers.set(row.style.top, Number(n.textContent));
    }
    const lines = {};
    for (const row of editor.querySelectorAll('.view-lines > .view-line')) {
      const n = numbers.get(row.style.top);
      if (n) lines[n] = row.textContent.replace(/\u00a0/g, ' ');
    }
    return lines;
  });
}

async function lineText(line) {
  const lines = await editorLines();
  if (lines[line] === undefined) throw new Error(`line ${line} is not on screen`);
  return lines[line];
}

/** The text of the editor's lines `numbers` once `ok(texts)` holds (rendering lags), or after 3 s. */
async function settledLines(numbers, ok) {
  const deadline = Date.now() + 3000;
  for (;;) {
    const lines = await editorLines();
    const texts = numbers.map((n) => lines[n]);
    if (ok(texts) || Date.now() > deadline) return texts;
    await pause(100);
  }
}

/** The cursor's line once its text, trimmed and without a leading `- `, is `want` (or after 3 s). */
async function settledCursorLine(want) {
  const at = await settledCursor();
  const normal = (text) => (text ?? '').trim().replace(/^-\s+/, '');
  const [text] = await settledLines([at.line], ([t]) => normal(t) === want);
  return { ...at, lineText: text ?? '', normal: normal(text) };
}

/** `  - id: online` → `id`; the key of a `key: value` line. */
function keyOfLine(text) {
  return /^\s*(?:-\s+)?([^\s:#][^:#]*?)\s*:/.exec(text)?.[1];
}

/** `outcomes[alliance-total].results.online.mean` → `mean`. */
function lastKey(field) {
  return field
    .split('.')
    .pop()
    .replace(/\[.*\]$/, '');
}

async function suggestVisible() {
  return page.locator('.suggest-widget.visible').isVisible();
}

/** Closes the completion widget if it is open (as a reviewer does before Tab or Enter). */
async function dismissSuggest() {
  await pause(250);
  if (await suggestVisible()) {
    await page.keyboard.press('Escape');
    await until('the completion widget to close', async () => !(await suggestVisible()), 3000);
  }
}

/** The labels the completion widget shows, once it has them. */
async function suggestLabels() {
  const widget = page.locator('.suggest-widget.visible');
  await widget.waitFor({ timeout: STEP_MS });
  return until('completion items', async () => {
    const labels = await widget
      .locator('.monaco-list-row .label-name')
      .evaluateAll((els) => els.map((e) => e.textContent));
    if (labels.length > 0) return labels;
    const message = (
      await widget
        .locator('.message')
        .innerText()
        .catch(() => '')
    ).trim();
    if (message && !/loading/i.test(message)) throw new Error(`the completion widget says "${message}"`);
    return undefined;
  });
}

/**
 * Picks `label` in the completion widget with the arrow keys and Enter. `trigger`: open it with
 * Ctrl+Space first (a snippet's choice opens it by itself). Returns the focused row's text (label and
 * detail).
 */
async function choose(label, { trigger = true } = {}) {
  if (trigger) {
    await dismissSuggest();
    await page.keyboard.press('Control+Space');
  }
  const labels = await suggestLabels();
  const widget = page.locator('.suggest-widget.visible');
  for (let i = 0; i <= 40; i++) {
    const focused = await widget
      .locator('.monaco-list-row.focused')
      .first()
      .evaluate((row) => ({
        label: row.querySelector('.label-name')?.textContent ?? '',
        text: row.innerText.replace(/\n/g, ' '),
      }))
      .catch(() => undefined);
    if (focused?.label === label) {
      await page.keyboard.press('Enter');
      await until(
        `the completion widget to close after choosing "${label}"`,
        async () => !(await suggestVisible()),
        3000,
      );
      return focused.text;
    }
    if (i === 0 && !labels.includes(label) && labels.length < 12)
      throw new Error(`completion does not offer "${label}"; it offers: ${labels.join(', ')}`);
    await page.keyboard.press('ArrowDown');
    await pause(40);
  }
  throw new Error(
    `"${label}" never got the focus in the completion widget (it offers: ${labels.join(', ')})`,
  );
}

/** The next status bar message that differs from `previous`. */
async function nextMessage(previous) {
  const deadline = Date.now() + 6000;
  for (;;) {
    const text = await statusMessage();
    if (text && text !== previous) return text;
    if (Date.now() > deadline)
      throw new Error(
        text
          ? `the status bar message did not change: "${text}"`
          : 'no "Study Extraction: …" message in the status bar',
      );
    await pause(50);
  }
}

const DONE_MESSAGE = /^Study Extraction: every\b.*\bfilled\b/;

/** `Study Extraction: arms[online].n · 5 left: arms[online].n, outcomes[#1].id, … — Randomized n.` */
function parseProgressMessage(text) {
  const match = /^Study Extraction: (\S+) · (\d+) left: (.+?)(?: — (.*))?$/.exec(text);
  if (!match) return undefined;
  const items = match[3].split(', ');
  const truncated = items[items.length - 1] === '…';
  return {
    field: match[1],
    remaining: Number(match[2]),
    left: truncated ? items.slice(0, -1) : items,
    truncated,
    help: match[4],
  };
}

/** What the CLI's check says of one file: `{ errors, warnings, others }` (diagnostics as text). */
function cliCheck(sandbox, relativePath) {
  const cli = join(installedExtension(sandbox), 'dist/cli.js');
  const result = spawnSync(process.execPath, [cli, 'check', '--format', 'json', sandbox.workspace], {
    encoding: 'utf8',
    timeout: 60_000,
  });
  if (result.error) throw result.error;
  let report;
  try {
    report = JSON.parse(result.stdout);
  } catch {
    throw new Error(`check printed no JSON (exit ${result.status}):\n${result.stdout}\n${result.stderr}`);
  }
  const file = report.files.find((f) => f.path === relativePath);
  if (!file) throw new Error(`check did not check ${relativePath}`);
  const text = (d) =>
    `${d.range.start.line + 1}:${d.range.start.character + 1} ${d.severity}: ${d.message} [${d.code}]`;
  return {
    errors: file.diagnostics.filter((d) => d.severity === 'error').map(text),
    warnings: file.diagnostics.filter((d) => d.severity === 'warning').map(text),
    others: file.diagnostics.filter((d) => d.severity !== 'error' && d.severity !== 'warning').map(text),
    status: result.status,
  };
}

/** `deepStrictEqual`'s message, or undefined when equal. */
function difference(actual, expected) {
  try {
    deepStrictEqual(actual, expected);
    return undefined;
  } catch (error) {
    return error.message;
  }
}

// ---------------------------------------------------------------------------------------------------
// Steps a reviewer takes.

async function focusEditor() {
  for (let i = 0; i < 3; i++) {
    if (!(await page.locator('.quick-input-widget').isVisible())) break;
    await page.keyboard.press('Escape');
  }
}

/** Quick Open (Ctrl+P) of a record. */
async function quickOpen(relativePath) {
  const name = relativePath.split('/').pop();
  const folder = relativePath.split('/').slice(0, -1).join('/');
  await page.keyboard.press('Control+P');
  await page.locator('.quick-input-widget input').waitFor({ timeout: STEP_MS });
  await page.keyboard.type(relativePath.split('/').slice(-2).join('/'));
  await page
    .locator('.quick-input-list .monaco-list-row.focused', { hasText: name })
    .filter({ hasText: folder })
    .first()
    .waitFor({ timeout: STEP_MS });
  await page.keyboard.press('Enter');
  await page.locator('.tabs-container .tab.active', { hasText: name }).waitFor({ timeout: STEP_MS });
  await page.locator('#status\\.editor\\.mode', { hasText: 'Study Record' }).waitFor({ timeout: STEP_MS });
}

/**
 * Goes from problem to problem of the file (Alt+F8) until the peek shows `pattern`, then closes the peek
 * (Escape): the cursor is at the start of that problem.
 */
async function goToProblem(pattern) {
  const seen = [];
  for (let i = 0; i < 12; i++) {
    await page.keyboard.press('Alt+F8');
    const widget = page.locator('.marker-widget').first();
    await widget.waitFor({ timeout: STEP_MS });
    const text = await until(
      'the problem peek text',
      async () => (await widget.innerText()).trim() || undefined,
    );
    if (pattern.test(text)) {
      await page.keyboard.press('Escape');
      await until('the problem peek to close', async () => !(await widget.isVisible()), 3000);
      return text;
    }
    seen.push(text.split('\n')[0]);
  }
  throw new Error(`Alt+F8 never reached a problem matching ${pattern}; it showed:\n${seen.join('\n')}`);
}

/** Ctrl+. on the cursor, then the quick fix `title` with the arrow keys and Enter. */
async function quickFix(title) {
  await page.keyboard.press('Control+.');
  const widget = page.locator('.action-widget');
  await widget.waitFor({ timeout: STEP_MS });
  const titles = await until('the quick fixes', async () => {
    const rows = await widget
      .locator('.monaco-list-row.action')
      .evaluateAll((els) => els.map((e) => e.innerText.trim()));
    return rows.length > 0 ? rows : undefined;
  });
  if (!titles.includes(title))
    throw new Error(`Ctrl+. offers no "${title}"; it offers: ${titles.map((t) => `"${t}"`).join(', ')}`);
  for (let i = 0; i <= titles.length; i++) {
    const focused = (
      await widget
        .locator('.monaco-list-row.action.focused')
        .innerText()
        .catch(() => '')
    ).trim();
    if (focused === title) {
      await screenshot(`quick fix menu ${title}`);
      await page.keyboard.press('Enter');
      await until('the quick fix menu to close', async () => !(await widget.isVisible()), 3000);
      return titles;
    }
    await page.keyboard.press('ArrowDown');
    await pause(40);
  }
  throw new Error(`"${title}" never got the focus in the quick fix menu`);
}

/** Types `text` at the cursor (into an empty `[]` it types what goes between the brackets). */
async function typeValue(text) {
  const at = await settledCursor();
  const line = await lineText(at.line);
  const inBrackets = line[at.col - 2] === '[' && line[at.col - 1] === ']';
  const typed = inBrackets && text.startsWith('[') && text.endsWith(']') ? text.slice(1, -1) : text;
  await page.keyboard.type(typed, { delay: 15 });
}

/** Enters a planned value where the cursor is: typed, or chosen in the completion widget. */
async function enterValue(step) {
  if (step.choose) return `chose ${step.choose} (${await choose(step.choose)})`;
  await typeValue(step.text);
  await dismissSuggest();
  return `typed ${step.text}`;
}

/** The key and value the cursor's line shows. */
async function lineOfCursor() {
  const at = await settledCursor();
  const text = await lineText(at.line);
  return { ...at, lineText: text, key: keyOfLine(text) };
}

// ---------------------------------------------------------------------------------------------------
// Scenario 1: a new record, from the command palette to the CLI's check.

async function newRecordScenario(sandbox) {
  let initialMessage = '';
  await check('F1 runs "Study Extraction: New Study Record", which asks for the study id', async () => {
    await page.keyboard.press('F1');
    await page.locator('.quick-input-widget input').waitFor({ timeout: STEP_MS });
    await page.keyboard.type('Study Extraction: New Study Record');
    await page
      .locator('.quick-input-list .monaco-list-row.focused', {
        hasText: 'Study Extraction: New Study Record',
      })
      .waitFor({ timeout: STEP_MS });
    await page.keyboard.press('Enter');
    await until('the study id input box', async () => {
      const text = await page
        .locator('.quick-input-widget')
        .innerText()
        .catch(() => '');
      return /Study id/.test(text) ? text : undefined;
    });
  });

  await check(
    'the study id novak-2021 is answered; the reviewer (studyExtraction.reviewer: ek) is not asked',
    async (fail) => {
      await page.keyboard.type('novak-2021');
      await page.keyboard.press('Enter');
      const tab = page.locator('.tabs-container .tab.active', { hasText: 'novak-2021.study.yaml' });
      await until('the new record to open', async () => {
        const widget = page.locator('.quick-input-widget');
        if (await widget.isVisible()) {
          const text = await widget.innerText().catch(() => '');
          if (/Who extracts it/.test(text)) {
            fail(`the reviewer was asked: "${text.replace(/\n/g, ' ')}"`);
            await page.keyboard.type('ek');
            await page.keyboard.press('Enter');
          }
        }
        return tab.isVisible();
      });
    },
  );

  await check(`${NEW_RECORD} opens as a Study Record with the clean scaffold, saved`, async () => {
    await page.locator('#status\\.editor\\.mode', { hasText: 'Study Record' }).waitFor({ timeout: STEP_MS });
    const file = join(sandbox.workspace, NEW_RECORD);
    if (!existsSync(file)) throw new Error(`${file} was not written`);
    const text = readFileSync(file, 'utf8');
    if (text !== EXPECTED_SCAFFOLD)
      throw new Error(`the scaffold on disk is:\n${text}\nexpected:\n${EXPECTED_SCAFFOLD}`);
  });

  await check(
    'the cursor is on the first field to fill: citation.authors, and the status bar says so',
    async (fail) => {
      initialMessage = await until(
        'the status bar message',
        async () => (await statusMessage()) || undefined,
      );
      const parsed = parseProgressMessage(initialMessage);
      if (!parsed)
        fail(`the status bar says "${initialMessage}", not "Study Extraction: <field> · <N> left: …"`);
      else if (parsed.field !== 'citation.authors')
        fail(`the status bar names ${parsed.field}: "${initialMessage}"`);
      const at = await lineOfCursor();
      if (at.line !== 6 || at.col !== 12 || at.selected !== 0)
        fail(`the cursor is at ${at.text} (line "${at.lineText}"), not after "  authors: " (Ln 6, Col 12)`);
    },
  );

  await fillByNextMissingField(initialMessage);

  await check('Ctrl+S saves the record', async () => {
    await dismissSuggest();
    await page.keyboard.press('Control+S');
    await until('the tab to be saved', async () =>
      page
        .locator('.tabs-container .tab.active:not(.dirty)', { hasText: 'novak-2021.study.yaml' })
        .isVisible(),
    );
  });

  const saved = () => readFileSync(join(sandbox.workspace, NEW_RECORD), 'utf8');
  await check(
    `the CLI's check reports no error and no warning for ${NEW_RECORD}`,
    async (fail) => {
      const report = cliCheck(sandbox, NEW_RECORD);
      for (const line of [...report.errors, ...report.warnings]) fail(line);
      if (report.others.length > 0)
        log(`  (check's other notes on ${NEW_RECORD}: ${report.others.join('; ')})`);
    },
    { fatal: false },
  );

  await check(
    'the saved YAML holds exactly the values typed',
    async () => {
      const text = saved();
      const diff = difference(parse(text), EXPECTED_RECORD);
      if (diff) throw new Error(`${diff}\nthe saved record:\n${text}`);
    },
    { fatal: false },
  );

  await check(
    'the saved record has no trailing blanks',
    async (fail) => {
      saved()
        .split('\n')
        .forEach((line, i) => /[ \t]$/.test(line) && fail(`line ${i + 1}: ${JSON.stringify(line)}`));
    },
    { fatal: false },
  );
}

/**
 * Follows Next Missing Field through S1_STEPS. Each step is one check: the status bar must name the
 * planned field in the `<field> · <N> left: …` form, with a count no lower than the fields still to fill,
 * and the cursor must be on that field's key. A step Next Missing Field skips or reorders fails, and the
 * session goes on with the field it names, if the plan has a value for it; planned fields never reached
 * fail at the end.
 */
async function fillByNextMissingField(initialMessage) {
  let steps = S1_STEPS.map((step, index) => ({ ...step, index }));
  const filled = new Set();
  const armsKnown = new Set();
  let skipped = false;
  let lastIndex = -1;
  let message = initialMessage;
  let previous;
  let press; // undefined: the message New Study Record left
  const expectedStep = () => steps.find((s) => !s.done && s.index > lastIndex && (!s.back || skipped));
  for (let guard = 0; guard < 40; guard++) {
    // The fields still to fill, at least: planned and not filled. Results are known arm by arm once the
    // outcome (read by an analysis) and the arm's group are; before that `results` is one field. Fields
    // Next Missing Field went past are not counted again (that step has failed already).
    const toFill = new Set(
      steps.filter((s) => !filled.has(s.field) && (s.done || s.index > lastIndex)).map((s) => s.field),
    );
    const outcomeKnown = filled.has('outcomes[#1].id');
    let stillToFill = 0;
    let resultsLeft = false;
    for (const field of toFill) {
      const arm = /\.results\.([^.]+)\./.exec(field)?.[1];
      if (!arm) stillToFill++;
      else if (outcomeKnown && armsKnown.has(arm)) stillToFill++;
      else resultsLeft = true;
    }
    if (resultsLeft && !(outcomeKnown && [...armsKnown].length > 0)) stillToFill++;
    const expected = expectedStep();
    let next = 'stop';
    const how = press ?? 'New Study Record';
    const name = expected ? `${how} leads to ${expected.field}` : `${how} says every field is filled`;
    await check(
      name,
      async (fail) => {
        if (press) {
          await page.keyboard.press(press === 'Ctrl+Alt+Shift+N' ? 'Control+Alt+Shift+N' : 'Control+Alt+N');
          message = await nextMessage(previous);
        }
        if (DONE_MESSAGE.test(message)) {
          const left = steps.filter((s) => !filled.has(s.field)).map((s) => s.field);
          if (left.length > 0)
            throw new Error(
              `the status bar says "${message}", but ${[...new Set(left)].join(', ')} are not filled`,
            );
          next = 'done';
          return;
        }
        const parsed = parseProgressMessage(message);
        let field = parsed?.field;
        if (!parsed) {
          fail(`the status bar says "${message}", not "Study Extraction: <field> · <N> left: <field>, …"`);
          field = /^Study Extraction: (\S+)/.exec(message)?.[1];
          if (!field) throw new Error('it names no field');
        } else {
          if (parsed.left[0] !== field)
            fail(`the list of fields left starts with ${parsed.left[0]}, not ${field}: "${message}"`);
          if (!parsed.truncated && parsed.left.length !== parsed.remaining)
            fail(`"${parsed.remaining} left" but ${parsed.left.length} listed: "${message}"`);
          if (parsed.remaining < stillToFill)
            fail(`"${parsed.remaining} left", but ${stillToFill} fields are still to fill: "${message}"`);
        }
        const at = await lineOfCursor();
        if (at.key !== lastKey(field))
          fail(`the status bar names ${field}, but the cursor is on "${at.lineText.trim()}" (${at.text})`);
        // Where the cursor is on a key below the field named (a result's `mean:`), that key is the one filled.
        const names = at.key && at.key !== lastKey(field) ? [`${field}.${at.key}`, field] : [field];
        // A field the plan fills in parts (scale as min and max) is planned as those parts from here on.
        const parent = steps.find((s) => !s.done && s.alternatives?.some((a) => names.includes(a.field)));
        if (parent) {
          const parts = parent.alternatives.map((a, i) => ({ ...a, index: parent.index + (i + 1) / 10 }));
          steps = steps.flatMap((s) => (s === parent ? parts : [s]));
        }
        const planned = expectedStep();
        if (!planned)
          throw new Error(`the status bar names ${field} after the last planned field: "${message}"`);
        if (field !== planned.field)
          fail(`the status bar names ${field}, not ${planned.field}: "${message}"`);
        // The step to take: the planned one if it is named (or at the cursor), else the one for the field.
        const open = steps.filter((s) => !s.done && (!s.back || skipped));
        const step =
          (names.includes(planned.field) ? planned : undefined) ??
          names.map((name) => open.find((s) => s.field === name)).find(Boolean);
        if (!step) {
          if (filled.has(field)) throw new Error(`Next Missing Field came back to ${field}, which is filled`);
          throw new Error(`Next Missing Field leads to ${field}, for which the test has no planned value`);
        }
        step.done = true;
        lastIndex = step.index;
        if (step.skip) {
          skipped = true;
          press = 'Ctrl+Alt+N';
          next = 'next';
          return;
        }
        await enterValue(step);
        const want = `${lastKey(step.field)}: ${step.choose ?? step.text}`;
        const after = await settledCursorLine(want);
        if (after.normal !== want)
          fail(`after entering the value the line reads "${after.lineText.trim()}", not "${want}"`);
        filled.add(step.field);
        if (step.field === 'arms[online].group') armsKnown.add('online');
        const following = expectedStep();
        press = following?.back ? 'Ctrl+Alt+Shift+N' : 'Ctrl+Alt+N';
        next = step.then ?? 'next';
      },
      { fatal: false },
    );
    previous = message;
    if (next === 'secondArm') {
      if (await addSecondArm()) armsKnown.add(SECOND_ARM.id);
      previous = await statusMessage();
    } else if (next !== 'next') break;
  }
  const missed = [...new Set(steps.filter((s) => !filled.has(s.field)).map((s) => s.field))];
  if (missed.length > 0) {
    await check(
      'Next Missing Field led to every planned field',
      async () => {
        throw new Error(`never reached: ${missed.join(', ')}`);
      },
      { fatal: false },
    );
  }
}

/**
 * At the end of the first arm: a new line at the list's indentation, `- `, the "New arm" snippet from
 * completion, its placeholders filled with Tab (group from its choice, n `NR` from completion).
 */
async function addSecondArm() {
  return check(
    'the second arm is added with the "New arm" snippet, by keyboard',
    async () => {
      await dismissSuggest();
      const start = await lineOfCursor();
      // The list's indentation: the column of the `-` that starts this arm.
      const above = await editorLines();
      let itemLine = start.line;
      while (itemLine > 1 && !/^\s*-\s/.test(above[itemLine] ?? '')) itemLine--;
      const listIndent = (above[itemLine] ?? '').indexOf('-') + 1;
      await page.keyboard.press('End');
      await page.keyboard.press('Enter');
      let at = await settledCursor();
      for (let i = 0; i < 4 && at.col > listIndent; i++) {
        await page.keyboard.press('Shift+Tab');
        at = await settledCursor();
      }
      if (at.col !== listIndent)
        throw new Error(
          `the new line is at column ${at.col}, not at the list's indentation (column ${listIndent})`,
        );
      await page.keyboard.type('- ');
      await pause(400);
      if (!(await suggestVisible())) await page.keyboard.press('Control+Space');
      await suggestLabels();
      await screenshot('completion offers New arm');
      await choose('New arm', { trigger: false });
      // ${1:arm-id}
      at = await settledCursor();
      if (at.selected !== 'arm-id'.length)
        throw new Error(`the snippet's first placeholder is not selected (${at.text})`);
      await page.keyboard.type(SECOND_ARM.id, { delay: 15 });
      await dismissSuggest();
      await page.keyboard.press('Tab');
      // ${2:label as reported}
      at = await settledCursor();
      if (at.selected === 0) throw new Error(`Tab selects no label placeholder (${at.text})`);
      await page.keyboard.type(SECOND_ARM.label, { delay: 15 });
      await dismissSuggest();
      await page.keyboard.press('Tab');
      // ${3|face-to-face,email,…|}: the choice opens the completion widget.
      await until('the group choice', suggestVisible, 5000).catch(() => {
        throw new Error('Tab to the group placeholder opens no list of groups');
      });
      await choose(SECOND_ARM.group, { trigger: false });
      if ((await lineOfCursor()).key === 'group') await page.keyboard.press('Tab');
      // ${4:NR}: emptied, then NR chosen in completion, with what it means.
      at = await lineOfCursor();
      if (at.key !== 'n') throw new Error(`the last placeholder is not on n: "${at.lineText}"`);
      await page.keyboard.press('Backspace');
      const row = await choose('NR');
      if (!/not reported in the source/.test(row))
        throw new Error(`the NR completion does not say what it means: "${row}"`);
      const want = [
        `  - id: ${SECOND_ARM.id}`,
        `    label: ${SECOND_ARM.label}`,
        `    group: ${SECOND_ARM.group}`,
        `    n: ${SECOND_ARM.n}`,
      ];
      const got = await settledLines(
        [1, 2, 3, 4].map((i) => start.line + i),
        (texts) => !difference(texts, want),
      );
      if (difference(got, want))
        throw new Error(`the arm reads:\n${got.join('\n')}\nexpected:\n${want.join('\n')}`);
    },
    { fatal: false },
  ).catch(() => false);
}

// ---------------------------------------------------------------------------------------------------
// Scenario 2: an existing record, a quick fix, the "New outcome" snippet, a missing-fields quick fix.

async function existingRecordScenario(sandbox, originalText) {
  await focusEditor();
  await check(`Quick Open (Ctrl+P) opens ${EXISTING_RECORD}`, () => quickOpen(EXISTING_RECORD));

  await check('Alt+F8 reaches the misspelt group; Ctrl+. applies "Change to `email`"', async () => {
    await page.keyboard.press('Control+Home');
    await goToProblem(/got "emial"\. Did you mean `email`\?/);
    await quickFix('Change to `email`');
    const at = await settledCursorLine(MISSPELT.line.trim());
    if (at.lineText !== MISSPELT.line) throw new Error(`line ${at.line} reads "${at.lineText}"`);
  });

  await check(
    'Ctrl+End, `- ` and completion insert the "New outcome" snippet; its placeholders take the values',
    async () => {
      await page.keyboard.press('Control+End');
      let at = await settledCursor();
      if (at.col !== 1 || (await lineText(at.line)) !== '')
        throw new Error(`Ctrl+End is not on an empty last line (${at.text})`);
      await page.keyboard.type('  - ');
      await pause(400);
      if (!(await suggestVisible())) await page.keyboard.press('Control+Space');
      await suggestLabels();
      await screenshot('completion offers New outcome');
      await choose('New outcome', { trigger: false });
      await until('the outcome id choice', suggestVisible, 5000).catch(() => {
        throw new Error('the snippet opens no list of outcome ids');
      });
      await choose('alliance-task', { trigger: false });
      if ((await lineOfCursor()).key === 'id') await page.keyboard.press('Tab');
      await until('the outcome type choice', suggestVisible, 5000).catch(() => {
        throw new Error('the snippet opens no list of outcome types');
      });
      await choose('continuous', { trigger: false });
      if ((await lineOfCursor()).key === 'type') await page.keyboard.press('Tab');
      for (const value of ['4.9', '1.1', '25', '5.3', '0.9', '24']) {
        at = await settledCursor();
        if (at.selected === 0) throw new Error(`no placeholder is selected for ${value} (${at.text})`);
        await page.keyboard.type(value, { delay: 15 });
        await dismissSuggest();
        await page.keyboard.press('Tab');
      }
      at = await settledCursor();
      const want = SNIPPET_OUTCOME.split('\n');
      const got = await settledLines(
        [4, 3, 2, 1, 0].map((i) => at.line - i),
        (texts) => !difference(texts, want),
      );
      if (difference(got, want))
        throw new Error(`the outcome reads:\n${got.join('\n')}\nexpected:\n${want.join('\n')}`);
    },
  );

  await check('Alt+F8 reaches the missing fields; Ctrl+. applies "Add missing fields …"', async () => {
    await goToProblem(
      /Missing required fields `instrument`, `rater`, `timepoint` in `outcomes\[alliance-task\]`/,
    );
    await quickFix('Add missing fields `instrument`, `rater`, `timepoint`');
  });

  // The instrument is left for later (Ctrl+Alt+N again), and come back to with Ctrl+Alt+Shift+N.
  let message = await statusMessage();
  for (const step of [
    { press: 'Ctrl+Alt+N', field: 'outcomes[alliance-task].instrument', skip: true },
    { press: 'Ctrl+Alt+N', field: 'outcomes[alliance-task].rater', choose: 'client' },
    { press: 'Ctrl+Alt+Shift+N', field: 'outcomes[alliance-task].instrument', choose: 'WAI' },
    { press: 'Ctrl+Alt+N', field: 'outcomes[alliance-task].timepoint', text: 'post-treatment' },
  ]) {
    const what = step.skip
      ? 'left for later'
      : step.choose
        ? `${step.choose} is chosen`
        : `${step.text} is typed`;
    await check(
      `${step.press} leads to ${step.field}; ${what}`,
      async (fail) => {
        await page.keyboard.press(step.press === 'Ctrl+Alt+N' ? 'Control+Alt+N' : 'Control+Alt+Shift+N');
        message = await nextMessage(message);
        const parsed = parseProgressMessage(message);
        if (!parsed) fail(`the status bar says "${message}", not "Study Extraction: <field> · <N> left: …"`);
        const field = parsed?.field ?? /^Study Extraction: (\S+)/.exec(message)?.[1];
        if (field !== step.field) throw new Error(`the status bar says "${message}"`);
        const at = await lineOfCursor();
        if (at.key !== lastKey(step.field)) throw new Error(`the cursor is on "${at.lineText.trim()}"`);
        if (step.skip) return;
        await enterValue(step);
        const want = `${lastKey(step.field)}: ${step.choose ?? step.text}`;
        const after = await settledCursorLine(want);
        if (after.normal !== want)
          throw new Error(`the line reads "${after.lineText.trim()}", not "${want}"`);
      },
      { fatal: false },
    );
  }

  await check(
    'Ctrl+Alt+N says every field is filled',
    async () => {
      await page.keyboard.press('Control+Alt+N');
      message = await nextMessage(message);
      if (!DONE_MESSAGE.test(message)) throw new Error(`the status bar says "${message}"`);
    },
    { fatal: false },
  );

  await check('Ctrl+S saves the record', async () => {
    await dismissSuggest();
    await page.keyboard.press('Control+S');
    await until('the tab to be saved', async () =>
      page
        .locator('.tabs-container .tab.active:not(.dirty)', { hasText: 'preschl-2011.study.yaml' })
        .isVisible(),
    );
  });

  await check(
    `the CLI's check reports no error and no warning for ${EXISTING_RECORD}`,
    async (fail) => {
      const report = cliCheck(sandbox, EXISTING_RECORD);
      for (const line of [...report.errors, ...report.warnings]) fail(line);
    },
    { fatal: false },
  );

  await check(
    `${EXISTING_RECORD} holds the expected text`,
    async () => {
      const text = readFileSync(join(sandbox.workspace, EXISTING_RECORD), 'utf8');
      const expected = `${originalText}${ADDED_OUTCOME}`;
      if (text !== expected) {
        const a = text.split('\n');
        const b = expected.split('\n');
        const first = a.findIndex((line, i) => line !== b[i]);
        throw new Error(
          `the file differs from line ${first + 1}:\n` +
            `  got:      ${JSON.stringify(a.slice(first, first + 4))}\n` +
            `  expected: ${JSON.stringify(b.slice(first, first + 4))}`,
        );
      }
      const added = parse(text).outcomes.find((o) => o.id === 'alliance-task');
      const diff = difference(added, {
        id: 'alliance-task',
        type: 'continuous',
        results: { online: { mean: 4.9, sd: 1.1, n: 25 }, f2f: { mean: 5.3, sd: 0.9, n: 24 } },
        instrument: 'WAI',
        rater: 'client',
        timepoint: 'post-treatment',
      });
      if (diff) throw new Error(diff);
    },
    { fatal: false },
  );
}

// ---------------------------------------------------------------------------------------------------

async function main(sandbox, server, originalText) {
  await page.goto(workbenchUrl(server, sandbox));
  await check('the workbench opens the review and the extension reports its progress', async () => {
    await page.locator('.monaco-workbench').waitFor({ timeout: 60_000 });
    await page
      .locator('.statusbar-item', { hasText: /\d+\/\d+ complete/ })
      .first()
      .waitFor({ timeout: 60_000 });
  });
  try {
    await newRecordScenario(sandbox);
  } catch (error) {
    if (!(error instanceof Fatal)) throw error;
    log(`scenario 1 stopped: ${error.message.split('\n')[0]}`);
  }
  try {
    await existingRecordScenario(sandbox, originalText);
  } catch (error) {
    if (!(error instanceof Fatal)) throw error;
    log(`scenario 2 stopped: ${error.message.split('\n')[0]}`);
  }
}

async function extraction() {
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
  let originalText = '';
  const sandbox = createSandbox(
    'extraction',
    (workspace) => {
      // The reviewer's id, so that New Study Record does not ask who extracts.
      mkdirSync(join(workspace, '.vscode'), { recursive: true });
      writeFileSync(
        join(workspace, '.vscode/settings.json'),
        `${JSON.stringify({ 'studyExtraction.reviewer': 'ek' }, null, 2)}\n`,
      );
      const record = join(workspace, EXISTING_RECORD);
      originalText = readFileSync(record, 'utf8');
      if (!originalText.includes(`\n${MISSPELT.line}\n`))
        throw new Error(`${EXISTING_RECORD} has no "${MISSPELT.line.trim()}" to misspell`);
      writeFileSync(record, originalText.replace(`\n${MISSPELT.line}\n`, `\n${MISSPELT.broken}\n`));
    },
    // Whitespace drawn as dots in a selection would be read back as text.
    { 'editor.renderWhitespace': 'none' },
  );
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
      await Promise.race([main(sandbox, server, originalText), timeout]);
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

process.exit(await extraction());
