import assert from 'node:assert/strict';
import * as nodePath from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { Page } from 'playwright-core';
import type { SynthesisViewModel } from '../../src/core/synthesis/viewModel';
import type { HostMessage, PageMessage } from '../../src/shared/webviewMessages';
import {
  BCG,
  ensureResults,
  launchBrowser,
  startHarness,
  viewModelOf,
  type Harness,
  type PageWindow,
  type ThemeName,
} from './harness';

// The synthesis panel's page, built (dist/webview.js) and run in headless Chromium under the panel's CSP,
// fed the BCG fixture's synthesis with one study renamed to markup.
const HOSTILE = '<img src=x onerror=alert(1)>';
const HOSTILE_STUDY = 'trial-03';
const ANALYSIS = 'rr-reml';

const globals = (page: Page) =>
  page.evaluate(() => {
    const w = globalThis as unknown as PageWindow;
    return { posted: w.__posted, csp: w.__cspViolations, errors: w.__errors, marker: w.__marker };
  });

function hostile(model: SynthesisViewModel): SynthesisViewModel {
  const copy = structuredClone(model);
  for (const a of copy.analyses) for (const s of a.studies) if (s.study === HOSTILE_STUDY) s.label = HOSTILE;
  for (const row of copy.characteristics?.rows ?? [])
    if (row.study === HOSTILE_STUDY) for (const key of Object.keys(row.cells)) row.cells[key] = HOSTILE;
  return copy;
}

async function send(page: Page, message: HostMessage): Promise<void> {
  await page.evaluate((m) => (globalThis as unknown as PageWindow).postMessage(m, '*'), message);
}

/** Waits for the page's `rendered` acknowledgement of a model. */
async function rendered(page: Page, seq: number) {
  await page.waitForFunction(
    (s) => (globalThis as unknown as PageWindow).__posted.some((m) => m.type === 'rendered' && m.seq === s),
    seq,
    { timeout: 10_000 },
  );
  const { posted } = await globals(page);
  return posted.find((m) => m.type === 'rendered' && m.seq === seq) as Extract<
    PageMessage,
    { type: 'rendered' }
  >;
}

async function openPage(page: Page, harness: Harness, theme: ThemeName): Promise<void> {
  await page.goto(harness.url(theme));
  await page.waitForFunction(() =>
    (globalThis as unknown as PageWindow).__posted?.some((m) => m.type === 'ready'),
  );
}

const modelMessage = (seq: number, model: SynthesisViewModel): HostMessage => ({
  type: 'model',
  seq,
  rootUri: 'file:///reviews/bcg',
  model,
  exportFormats: [],
});

describe('synthesis panel page (headless Chromium)', () => {
  let harness: Harness;
  let browser: Awaited<ReturnType<typeof launchBrowser>>;
  let page: Page;
  let model: SynthesisViewModel;
  const dialogs: string[] = [];
  const pageErrors: string[] = [];

  before(async () => {
    model = hostile(await viewModelOf(BCG));
    harness = await startHarness();
    browser = await launchBrowser();
    page = await browser.context.newPage();
    page.on('dialog', (dialog) => {
      dialogs.push(dialog.message());
      void dialog.dismiss();
    });
    page.on('pageerror', (error) => pageErrors.push(error.message));
    await openPage(page, harness, 'dark');
  });
  after(async () => {
    await browser?.close();
    await harness?.close();
  });

  test('draws k squares and one overall diamond per analysis', async () => {
    await send(page, modelMessage(1, model));
    const summary = await rendered(page, 1);
    const analysis = model.analyses.find((a) => a.id === ANALYSIS)!;
    assert.equal(analysis.k, 13);
    const section = page.locator(`section[data-analysis="${ANALYSIS}"]`);
    assert.equal(await section.locator('.fp-square').count(), analysis.k);
    assert.equal(await section.locator('.fp-diamond:not(.fp-subgroup)').count(), 1);
    assert.equal(await section.locator('.fp-diamond.fp-subgroup').count(), analysis.subgroups!.length);
    // The whole page: every analysis' studies, one overall diamond per pooled analysis.
    const k = model.analyses.reduce((sum, a) => sum + a.studies.length, 0);
    assert.equal(summary.squares, k);
    assert.equal(summary.diamonds, model.analyses.filter((a) => a.pooled).length);
    assert.equal(summary.analyses, model.analyses.length);
    assert.equal(summary.characteristics, 13);
    assert.equal(
      await page.locator('section[data-section="characteristics"] tbody tr[data-study]').count(),
      13,
    );
    assert.match((await page.locator('h1').textContent()) ?? '', /BCG vaccine trials/);
  });

  test('record text is text: the markup study name is shown, never parsed, nothing runs', async () => {
    const label = page.locator(
      `section[data-analysis="${ANALYSIS}"] [data-study="${HOSTILE_STUDY}"] .fp-label`,
    );
    assert.equal(await label.textContent(), HOSTILE);
    // In every forest plot, and in every cell of the study's characteristics row.
    assert.ok((await page.getByText(HOSTILE, { exact: true }).count()) >= model.analyses.length);
    const cells = page.locator(
      `section[data-section="characteristics"] tr[data-study="${HOSTILE_STUDY}"] td`,
    );
    // The study's cell shows its label with the study's id beneath it.
    assert.deepEqual(await cells.allTextContents(), [
      `${HOSTILE}${HOSTILE_STUDY}`,
      ...model.characteristics!.columns.slice(1).map(() => HOSTILE),
    ]);
    assert.equal(await cells.first().locator('.sub').textContent(), HOSTILE_STUDY);
    assert.equal(await page.locator('img').count(), 0);
    assert.equal(
      await page.evaluate(
        () => (globalThis as unknown as PageWindow).document.querySelectorAll('[onerror]').length,
      ),
      0,
    );
    assert.deepEqual(dialogs, []);
    const { csp, errors } = await globals(page);
    assert.deepEqual(csp, [], 'no Content Security Policy violation (no inline style, no foreign resource)');
    assert.deepEqual([...errors, ...pageErrors], []);
  });

  test('a new model updates the page in place: no reload, the scroll position kept', async () => {
    await page.evaluate(() => (globalThis as unknown as PageWindow).scrollTo(0, 900));
    await page.waitForFunction(() => (globalThis as unknown as PageWindow).scrollY === 900);
    const changed = structuredClone(model);
    changed.title = 'BCG vaccine trials (updated)';
    const dl = changed.analyses.find((a) => a.id === 'rr-dl')!;
    dl.excluded.push({ study: dl.studies[0]!.study, reason: 'removed for the test' });
    dl.studies = dl.studies.slice(1);
    await send(page, modelMessage(2, changed));
    const summary = await rendered(page, 2);
    assert.equal((await globals(page)).marker, 'page-loaded-once', 'the page was not reloaded');
    assert.equal(await page.evaluate(() => (globalThis as unknown as PageWindow).scrollY), 900);
    assert.equal(summary.scrollY, 900);
    assert.equal(await page.locator('h1').textContent(), 'BCG vaccine trials (updated)');
    assert.equal(await page.locator('section[data-analysis="rr-dl"] .fp-square').count(), dl.studies.length);
    assert.match(
      (await page.locator('section[data-analysis="rr-dl"] .excluded summary').textContent()) ?? '',
      /1 study/,
    );
  });

  test('clicking a study row posts openStudy with the study and the outcome', async () => {
    await page.locator(`section[data-analysis="${ANALYSIS}"] [data-study="trial-07"] .fp-label`).click();
    await page.waitForFunction(() =>
      (globalThis as unknown as PageWindow).__posted.some((m) => m.type === 'openStudy'),
    );
    const opened = (await globals(page)).posted.filter((m) => m.type === 'openStudy');
    assert.deepEqual(opened, [{ type: 'openStudy', study: 'trial-07', outcome: 'tb' }]);
    // A row of the characteristics table opens the record at its top (no outcome).
    await page
      .locator('section[data-section="characteristics"] tr[data-study="trial-05"] td')
      .first()
      .click();
    await page.waitForFunction(
      () => (globalThis as unknown as PageWindow).__posted.filter((m) => m.type === 'openStudy').length === 2,
    );
    assert.deepEqual((await globals(page)).posted.filter((m) => m.type === 'openStudy')[1], {
      type: 'openStudy',
      study: 'trial-05',
    });
    // From the keyboard too.
    await page.locator(`section[data-analysis="${ANALYSIS}"] [data-study="trial-08"]`).focus();
    await page.keyboard.press('Enter');
    await page.waitForFunction(
      () => (globalThis as unknown as PageWindow).__posted.filter((m) => m.type === 'openStudy').length === 3,
    );
    assert.deepEqual((await globals(page)).posted.filter((m) => m.type === 'openStudy')[2], {
      type: 'openStudy',
      study: 'trial-08',
      outcome: 'tb',
    });
  });

  test('collapsed sections and the scroll position survive a reload (the serializer restores the state)', async () => {
    await page.locator('section[data-section="dashboard"] > details > summary').click();
    await page.evaluate(() => (globalThis as unknown as PageWindow).scrollTo(0, 400));
    // The page saves its scroll position shortly after scrolling stops.
    await page.waitForFunction(
      () =>
        JSON.parse((globalThis as unknown as PageWindow).sessionStorage.getItem('vscode-state') ?? '{}')
          .scrollY === 400,
    );
    await page.reload();
    await page.waitForFunction(() =>
      (globalThis as unknown as PageWindow).__posted?.some((m) => m.type === 'ready'),
    );
    await send(page, modelMessage(1, model));
    await rendered(page, 1);
    assert.equal(
      await page.locator('section[data-section="dashboard"] > details').getAttribute('open'),
      null,
    );
    assert.equal(await page.evaluate(() => (globalThis as unknown as PageWindow).scrollY), 400);
    const state = await page.evaluate(() =>
      JSON.parse((globalThis as unknown as PageWindow).sessionStorage.getItem('vscode-state') ?? '{}'),
    );
    assert.equal(state.rootUri, 'file:///reviews/bcg');
    assert.deepEqual(state.collapsed, ['dashboard']);
    await page.locator('section[data-section="dashboard"] > details > summary').click();
  });

  for (const theme of ['dark', 'light', 'high-contrast'] as const) {
    test(`screenshot in the ${theme} theme`, async () => {
      await page.evaluate(() => (globalThis as unknown as PageWindow).sessionStorage.clear());
      await openPage(page, harness, theme);
      await send(page, modelMessage(1, model));
      await rendered(page, 1);
      const background = await page.evaluate(() => {
        const win = globalThis as unknown as PageWindow;
        return win.getComputedStyle(win.document.body).backgroundColor;
      });
      assert.equal(
        background,
        { dark: 'rgb(31, 31, 31)', light: 'rgb(255, 255, 255)', 'high-contrast': 'rgb(0, 0, 0)' }[theme],
      );
      const file = nodePath.join(
        ensureResults(),
        theme === 'dark' ? 'webview-forest.png' : `webview-forest-${theme}.png`,
      );
      await page.screenshot({ path: file, fullPage: true });
      const { csp } = await globals(page);
      assert.deepEqual(csp, []);
    });
  }
});
