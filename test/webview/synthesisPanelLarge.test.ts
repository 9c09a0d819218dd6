import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Page } from 'playwright-core';
import type { SynthesisViewModel } from '../../src/core/synthesis/viewModel';
import { ModelPoster, type HostMessage, type PageMessage } from '../../src/shared/webviewMessages';
import { BCG, launchBrowser, startHarness, viewModelOf, type Harness, type PageWindow } from './harness';

// The page with a long review (headless Chromium, the built page): the characteristics table draws only the
// rows near the viewport with an exact scroll height, scrolling and the keyboard reach every row, and a
// forest plot patched in place after an edit is the drawing a fresh page makes of the same model.
// (No named functions inside the page callbacks: they are sent to the page as source text.)
const ROWS = 1000;

/** What the callbacks use of the page's DOM (the tests are type-checked without the DOM library). */
interface El {
  getAttribute(name: string): string | null;
  getBoundingClientRect(): { top: number; bottom: number; height: number };
  querySelector(selectors: string): El | null;
  querySelectorAll(selectors: string): Iterable<El>;
  scrollIntoView(options?: { block: string }): void;
  textContent: string | null;
  outerHTML: string;
  marked?: boolean;
}
interface Doc {
  querySelector(selectors: string): El | null;
  activeElement: El | null;
  documentElement: { scrollHeight: number };
}

/** The BCG model with its characteristics table repeated to ROWS studies. */
function long(model: SynthesisViewModel): SynthesisViewModel {
  const copy = structuredClone(model);
  const rows = copy.characteristics!.rows;
  copy.characteristics!.rows = Array.from({ length: ROWS }, (_, i) => {
    const row = rows[i % rows.length]!;
    const study = `study-${String(i).padStart(4, '0')}`;
    return { study, cells: { ...row.cells, study: `Study ${i}` } };
  });
  return copy;
}

interface Rendered {
  seq: number;
  squares: number;
  characteristics: number;
  characteristicsDrawn: number;
}

async function send(page: Page, seq: number, model: SynthesisViewModel): Promise<Rendered> {
  const message: HostMessage = {
    type: 'model',
    seq,
    rootUri: 'file:///reviews/long',
    model,
    exportFormats: [],
  };
  await page.evaluate((m) => (globalThis as unknown as PageWindow).postMessage(m, '*'), message);
  await page.waitForFunction(
    (s) => (globalThis as unknown as PageWindow).__posted.some((m) => m.type === 'rendered' && m.seq === s),
    seq,
  );
  const posted = await page.evaluate(() => (globalThis as unknown as PageWindow).__posted);
  return posted.find((m) => m.type === 'rendered' && m.seq === seq) as Extract<
    PageMessage,
    { type: 'rendered' }
  >;
}

/** Waits for the page to draw the rows of the current scroll position (it does so in an animation frame). */
const frame = (page: Page) =>
  page.evaluate(
    () =>
      new Promise<void>((resolve) =>
        (globalThis as unknown as PageWindow).requestAnimationFrame(() =>
          (globalThis as unknown as PageWindow).setTimeout(resolve, 0),
        ),
      ),
  );

const TABLE = 'section[data-section="characteristics"] table.characteristics';

/** Scrolls the table's top to the top of the viewport and waits for the rows there to be drawn. */
async function scrollToTable(page: Page): Promise<void> {
  await page.evaluate((selector) => {
    const doc = (globalThis as unknown as { document: Doc }).document;
    doc.querySelector(selector)!.scrollIntoView({ block: 'start' });
  }, TABLE);
  await frame(page);
}

/** What the page shows of the table: rows in the DOM, heights, the first row drawn, the focused row. */
const tableState = (page: Page) =>
  page.evaluate((selector) => {
    const doc = (globalThis as unknown as { document: Doc }).document;
    const win = globalThis as unknown as { scrollY: number; innerHeight: number };
    const table = doc.querySelector(selector)!;
    const rows = [...table.querySelectorAll('tbody tr[data-study]')] as El[];
    const body = table.querySelector('tbody')!.getBoundingClientRect();
    const focused = doc.activeElement as El | null;
    const box = focused?.getBoundingClientRect();
    return {
      drawn: rows.length,
      rowHeights: [...new Set(rows.map((r) => Math.round(r.getBoundingClientRect().height)))],
      bodyHeight: body.height,
      bodyTop: body.top + win.scrollY,
      viewport: win.innerHeight,
      studies: rows.map((r) => r.getAttribute('data-study')!),
      rowIndexes: rows.map((r) => Number(r.getAttribute('aria-rowindex'))),
      tabbable: rows
        .filter((r) => r.getAttribute('tabindex') === '0')
        .map((r) => r.getAttribute('data-study')),
      focused: focused?.getAttribute('data-study') ?? null,
      // Within a pixel: rows start at fractional offsets.
      focusedInView: box ? box.top >= -1 && box.bottom <= win.innerHeight + 1 : false,
      rowCount: table.getAttribute('aria-rowcount'),
    };
  }, TABLE);

describe('synthesis panel page with a long review (headless Chromium)', () => {
  let harness: Harness;
  let browser: Awaited<ReturnType<typeof launchBrowser>>;
  let page: Page;
  let bcg: SynthesisViewModel;
  let model: SynthesisViewModel;
  const errors: string[] = [];

  before(async () => {
    bcg = await viewModelOf(BCG);
    model = long(bcg);
    harness = await startHarness();
    browser = await launchBrowser();
    page = await browser.context.newPage();
    page.on('pageerror', (error) => errors.push(error.message));
    await page.goto(harness.url('dark'));
    await page.waitForFunction(() =>
      (globalThis as unknown as PageWindow).__posted?.some((m) => m.type === 'ready'),
    );
  });
  after(async () => {
    await browser?.close();
    await harness?.close();
  });

  test('only the rows near the viewport are in the DOM; the scroll height is that of every row', async () => {
    const summary = await send(page, 1, model);
    assert.equal(summary.characteristics, ROWS);
    await scrollToTable(page);
    const state = await tableState(page);
    assert.ok(state.drawn > 5 && state.drawn < 80, `${state.drawn} rows drawn`);
    assert.equal(state.rowHeights.length, 1, `one row height: ${state.rowHeights.join(', ')}`);
    assert.ok(Math.abs(state.bodyHeight - ROWS * state.rowHeights[0]!) <= 2, `${state.bodyHeight}`);
    assert.equal(state.rowCount, String(ROWS + 1));
    assert.equal(state.studies[0], 'study-0000');
    assert.deepEqual(state.tabbable, ['study-0000'], 'one row in the tab order');
  });

  test('scrolling to the middle and to the end draws the rows there', async () => {
    let state = await tableState(page);
    const height = state.rowHeights[0]!;
    await page.evaluate(({ top, y }) => (globalThis as unknown as PageWindow).scrollTo(0, top + y), {
      top: state.bodyTop,
      y: 500 * height,
    });
    await frame(page);
    state = await tableState(page);
    assert.ok(state.studies.includes('study-0500'), state.studies.join(' '));
    assert.ok(!state.studies.includes('study-0000') || state.tabbable[0] === 'study-0000');
    // aria-rowindex counts the header row: row i of the data is i + 2.
    const at = state.studies.indexOf('study-0500');
    assert.equal(state.rowIndexes[at], 502);
    await page.evaluate(() => {
      const win = globalThis as unknown as PageWindow & { document: Doc };
      win.scrollTo(0, win.document.documentElement.scrollHeight);
    });
    await frame(page);
    state = await tableState(page);
    assert.equal(state.studies.at(-1), 'study-0999');
    assert.ok(state.drawn < 80);
  });

  test('the keyboard moves between rows and reaches rows that were not drawn', async () => {
    await scrollToTable(page);
    await page.locator(`${TABLE} tr[data-study="study-0000"]`).focus();
    await page.keyboard.press('ArrowDown');
    let state = await tableState(page);
    assert.equal(state.focused, 'study-0001');
    assert.deepEqual(state.tabbable, ['study-0001']);
    await page.keyboard.press('End');
    await frame(page);
    state = await tableState(page);
    assert.equal(state.focused, 'study-0999');
    assert.ok(state.focusedInView, 'the focused row is scrolled into view');
    await page.keyboard.press('ArrowUp');
    await page.keyboard.press('PageUp');
    await frame(page);
    state = await tableState(page);
    assert.ok(state.focused !== null && state.focused < 'study-0998', `${state.focused}`);
    assert.ok(state.focusedInView);
    await page.keyboard.press('Home');
    await frame(page);
    state = await tableState(page);
    assert.equal(state.focused, 'study-0000');
    assert.ok(state.focusedInView);
    // Enter opens the focused row's record.
    await page.keyboard.press('ArrowDown');
    await page.keyboard.press('Enter');
    const opened = await page.evaluate(() =>
      (globalThis as unknown as PageWindow).__posted.filter((m) => m.type === 'openStudy'),
    );
    assert.deepEqual(opened.at(-1), { type: 'openStudy', study: 'study-0001' });
  });

  test('the focused row stays in the DOM when it scrolls far out of view', async () => {
    await page.evaluate(() => {
      const win = globalThis as unknown as PageWindow & { document: Doc };
      win.scrollTo(0, win.document.documentElement.scrollHeight);
    });
    await frame(page);
    const state = await tableState(page);
    assert.equal(state.focused, 'study-0001');
    assert.ok(state.studies.includes('study-0001') && state.studies.includes('study-0999'));
  });

  test('a new model changes the rows it changes, in place', async () => {
    await scrollToTable(page);
    await page.evaluate((selector) => {
      const doc = (globalThis as unknown as { document: Doc }).document;
      const row = doc.querySelector(`${selector} tr[data-study="study-0003"]`) as El;
      row.marked = true;
    }, TABLE);
    const changed = structuredClone(model);
    changed.characteristics!.rows[2]!.cells.record = 'provisional (ek): changed for the test';
    await send(page, 2, changed);
    const texts = await page.evaluate((selector) => {
      const doc = (globalThis as unknown as { document: Doc }).document;
      return {
        changed: doc.querySelector(`${selector} tr[data-study="study-0002"] td.record`)!.textContent,
        kept: doc.querySelector(`${selector} tr[data-study="study-0003"]`)!.marked === true,
      };
    }, TABLE);
    assert.equal(texts.changed, 'provisional (ek): changed for the test');
    assert.ok(texts.kept, 'an unchanged row keeps its element');
  });

  test('a forest plot patched after edits is the drawing a fresh page makes', async () => {
    const analysis = 'rr-reml';
    // Edits: a study leaves (its subgroup shrinks), another's label changes, then the first comes back.
    const removed = structuredClone(bcg);
    const a = removed.analyses.find((x) => x.id === analysis)!;
    const [gone] = a.studies.splice(4, 1);
    a.excluded.push({ study: gone!.study, reason: 'removed for the test' });
    a.studies[0]!.label = 'Renamed 1948';
    const svgOf = (p: Page) =>
      p.locator(`section[data-analysis="${analysis}"] svg.forest-plot`).evaluate((e) => e.outerHTML);
    const fresh = await browser.context.newPage();
    await fresh.goto(harness.url('dark'));
    await fresh.waitForFunction(() =>
      (globalThis as unknown as PageWindow).__posted?.some((m) => m.type === 'ready'),
    );
    for (const [seq, next] of [
      [3, bcg],
      [4, removed],
    ] as const) {
      await send(page, seq, next);
      await send(fresh, seq, next);
      assert.equal(await svgOf(page), await svgOf(fresh), `after model ${seq}`);
      await fresh.reload();
      await fresh.waitForFunction(() =>
        (globalThis as unknown as PageWindow).__posted?.some((m) => m.type === 'ready'),
      );
    }
    await send(page, 5, bcg);
    await send(fresh, 5, bcg);
    assert.equal(await svgOf(page), await svgOf(fresh), 'the study back');
    await fresh.close();
    assert.deepEqual(errors, []);
    const { csp } = await page.evaluate(() => ({
      csp: (globalThis as unknown as PageWindow).__cspViolations,
    }));
    assert.deepEqual(csp, []);
  });

  test('patches: the page applies one to the model it has, and asks for the whole model otherwise', async () => {
    const poster = new ModelPoster();
    const post = async (message: HostMessage | undefined) => {
      assert.ok(message);
      await page.evaluate((m) => (globalThis as unknown as PageWindow).postMessage(m, '*'), message);
    };
    const rendered = (seq: number) =>
      page.waitForFunction(
        (s) =>
          (globalThis as unknown as PageWindow).__posted.some((m) => m.type === 'rendered' && m.seq === s),
        seq,
      );
    await post(poster.message(20, bcg, 'file:///reviews/long', []));
    await rendered(20);
    const edited = structuredClone(bcg);
    const a = edited.analyses.find((x) => x.id === 'rr-dl')!;
    a.studies = a.studies.slice(1);
    edited.characteristics!.rows[0]!.cells.journal = 'Changed Journal';
    const patch = poster.message(21, edited, 'file:///reviews/long', []);
    assert.equal(patch?.type, 'patch');
    await post(patch);
    await rendered(21);
    assert.equal(await page.locator('section[data-analysis="rr-dl"] .fp-square').count(), a.studies.length);
    assert.equal(
      await page
        .locator(`${TABLE} tr[data-study="${bcg.characteristics!.rows[0]!.study}"] td.journal`)
        .textContent(),
      'Changed Journal',
    );
    // A patch of a model the page does not have: it draws nothing and asks for the whole model, once.
    const stray: HostMessage = { ...patch!, seq: 23, base: 22 } as HostMessage;
    await post(stray);
    await post({ ...stray, seq: 24, base: 23 } as HostMessage);
    await page.waitForFunction(() =>
      (globalThis as unknown as PageWindow).__posted.some((m) => m.type === 'resync'),
    );
    const posted = await page.evaluate(() => (globalThis as unknown as PageWindow).__posted);
    assert.equal(posted.filter((m) => m.type === 'resync').length, 1);
    assert.ok(!posted.some((m) => m.type === 'rendered' && (m.seq === 23 || m.seq === 24)));
    poster.reset();
    await post(poster.message(25, edited, 'file:///reviews/long', []));
    await rendered(25);
    assert.deepEqual(errors, []);
  });

  test('an analysis whose studies all leave draws no plot, and draws one again when they come back', async () => {
    const empty = structuredClone(bcg);
    const a = empty.analyses.find((x) => x.id === 'rr-dl')!;
    a.excluded = a.studies.map((x) => ({ study: x.study, reason: 'removed for the test' }));
    a.studies = [];
    Object.assign(a, { k: 0, pooled: false, estimate: null, ci: null, reason: 'no study can be included.' });
    const squares = (seq: number) =>
      page
        .locator(`section[data-analysis="rr-dl"] .fp-square`)
        .count()
        .then((n) => [seq, n]);
    await send(page, 29, bcg);
    assert.ok(((await squares(29))[1] ?? 0) > 0, 'drawn first');
    const none = await send(page, 30, empty);
    assert.deepEqual(await squares(30), [30, 0]);
    assert.equal(await page.locator('section[data-analysis="rr-dl"] svg.forest-plot').count(), 0);
    const all = bcg.analyses.reduce((n, x) => n + (x.id === 'rr-dl' ? 0 : x.studies.length), 0);
    assert.equal(none.squares, all, 'the page counts no square of the emptied analysis');
    await send(page, 31, bcg);
    assert.deepEqual(await squares(31), [31, bcg.analyses.find((x) => x.id === 'rr-dl')!.studies.length]);
  });
});
