// The live synthesis panel's page. It receives the view model by postMessage and updates in place: the
// page is never reloaded, each section keeps its element (and its collapsed state), and the scroll position
// stays where the reader left it. Record text reaches the DOM only as text nodes (dom.ts, svgDom.ts).
import { forestPlot } from '../core/synthesis/present/forestPlot';
import {
  countText as count,
  displayDecimals,
  estimateText,
  formatInterval,
  formatNumber,
  formatPercent,
  levelText,
  measureText,
  modelText,
  overallTestText,
  shownPooled,
} from '../core/synthesis/present/format';
import type { AnalysisResult } from '../core/synthesis/analysis';
import type { SynthesisDashboard, SynthesisViewModel } from '../core/synthesis/viewModel';
import { el, type SvgNode } from '../core/synthesis/present/svgTree';
import { pompSection } from '../core/synthesis/present/tables';
import { applyPatch, type HostMessage, type PageMessage, type PageState } from '../shared/webviewMessages';
import { h, replaceChildren, type Child } from './dom';
import { materializeHtml, materializeSvg, patchTree } from './svgDom';
import { CharacteristicsTable } from './virtualTable';

interface VsCodeApi {
  postMessage(message: PageMessage): void;
  getState(): PageState | undefined;
  setState(state: PageState): void;
}
declare function acquireVsCodeApi(): VsCodeApi;

const vscode = acquireVsCodeApi();
let state: PageState = vscode.getState() ?? {};
const saveState = (patch: Partial<PageState>) => {
  state = { ...state, ...patch };
  vscode.setState(state);
};
const post = (message: PageMessage) => vscode.postMessage(message);

/** The model on the page, as the host numbered it; `whole` when it came whole (not as a patch). */
interface Shown {
  seq: number;
  model: SynthesisViewModel;
  exportFormats: string[];
  whole: boolean;
}
let current: Shown | undefined;
/** A whole model was asked for; patches until it comes are of no use. */
let resyncing = false;

// ---------------------------------------------------------------------------------------------------------
// The page's fixed frame: built once; sections are filled (and refilled) by render().

const app = document.getElementById('app') ?? document.body.appendChild(h('main', { id: 'app' }));
const title = h('h1', { class: 'title' }, 'Synthesis');
const meta = h('p', { class: 'meta' });
const actions = h('div', { class: 'actions' });
const status = h('p', { class: 'status', role: 'status', 'aria-live': 'polite' }, 'Computing the synthesis…');
const dashboard = section('dashboard', 'Extraction');
const analyses = h('div', { class: 'analyses' });
const characteristics = section('characteristics', 'Study characteristics');
replaceChildren(
  app,
  h('header', { class: 'page-header' }, h('div', {}, title, meta), actions),
  status,
  dashboard.root,
  analyses,
  characteristics.root,
);

/** A collapsible section (a `details` element whose open state is kept in the page state). */
function section(id: string, heading: string) {
  const headingElement = h('h2', {}, heading);
  const badge = h('span', { class: 'badge' });
  const summary = h('summary', {}, headingElement, badge);
  const body = h('div', { class: 'section-body' });
  const details = h('details', { open: !(state.collapsed ?? []).includes(id) }, summary, body);
  details.addEventListener('toggle', () => {
    const collapsed = new Set(state.collapsed ?? []);
    if (details.open) collapsed.delete(id);
    else collapsed.add(id);
    saveState({ collapsed: [...collapsed] });
  });
  const root = h('section', { class: 'panel-section', 'data-section': id }, details);
  return { root, body, heading: headingElement, badge, details };
}

// ---------------------------------------------------------------------------------------------------------
// Formatting

/** The pooled line: "RR 0.49 [0.34, 0.70]" (emphasised), the test, the prediction interval. */
function pooledLine(a: AnalysisResult): Child[] | undefined {
  if (!a.pooled || a.estimate === null) return undefined;
  const decimals = displayDecimals(a);
  const pi = shownPooled(a, a.measure)?.pi;
  return [
    h('strong', {}, estimateText(a, a.measure, decimals)),
    ` · ${overallTestText(a)}`,
    pi ? ` · prediction interval ${formatInterval(pi, decimals)}` : '',
  ];
}

function settingsText(a: AnalysisResult): string {
  const parts = [
    measureText(a.measure).name,
    modelText(a),
    `${levelText(a.level)} CI (${a.ci_method === 'hksj' ? 'Knapp-Hartung' : 'z'})`,
  ];
  if (a.outcome) parts.push(`outcome ${a.outcome}`);
  parts.push(`k = ${a.k}`);
  return parts.filter(Boolean).join(' · ');
}

// ---------------------------------------------------------------------------------------------------------
// Sections

function card(label: string, value: Child, detail: Child[], tone?: 'good' | 'bad' | 'warn'): HTMLElement {
  return h(
    'div',
    { class: `card${tone ? ` card-${tone}` : ''}` },
    h('div', { class: 'card-label' }, label),
    h('div', { class: 'card-value' }, value),
    h('div', { class: 'card-detail' }, ...detail),
  );
}

/** A bar of complete (and draft) records, drawn as SVG (sizes as attributes: the CSP forbids inline styles). */
function progressBar(complete: number, total: number): Element {
  const width = 120;
  const done = total > 0 ? Math.round((width * complete) / total) : 0;
  return materializeSvg(
    el('svg', { class: 'bar', width, height: 6, viewBox: `0 0 ${width} 6`, 'aria-hidden': 'true' }, [
      el('rect', { class: 'bar-track', x: 0, y: 0, width, height: 6, rx: 3 }),
      done > 0 ? el('rect', { class: 'bar-fill', x: 0, y: 0, width: done, height: 6, rx: 3 }) : undefined,
    ]),
  );
}

function renderDashboard(d: SynthesisDashboard): void {
  const percent = d.records > 0 ? Math.round((100 * d.complete) / d.records) : 0;
  dashboard.badge.textContent = `${d.complete}/${d.records} complete`;
  const reviewers = h(
    'table',
    { class: 'reviewers' },
    h(
      'thead',
      {},
      h(
        'tr',
        {},
        h('th', {}, 'Reviewer'),
        h('th', {}, 'Records'),
        h('th', {}, 'Complete'),
        h('th', {}, 'Draft'),
        h('th', {}),
      ),
    ),
    h(
      'tbody',
      {},
      d.reviewers.map((r) =>
        h(
          'tr',
          {},
          h('td', {}, r.reviewer, r.consensus ? h('span', { class: 'tag' }, 'consensus') : null),
          h('td', { class: 'num' }, r.records),
          h('td', { class: 'num' }, r.complete),
          h('td', { class: 'num' }, r.draft),
          h('td', {}, progressBar(r.complete, r.records)),
        ),
      ),
    ),
  );
  const a = d.agreement;
  replaceChildren(
    dashboard.body,
    h(
      'div',
      { class: 'cards' },
      card('Records', `${d.complete}/${d.records}`, [
        `complete (${percent}%) · ${count(d.studies, 'study', 'studies')}`,
      ]),
      card(
        'Validation errors',
        d.validationErrors,
        [d.validationErrors > 0 ? `in ${count(d.filesWithErrors, 'file')}` : 'every file is valid'],
        d.validationErrors > 0 ? 'bad' : 'good',
      ),
      card(
        'Open disagreements',
        d.openDisagreements,
        [
          d.openDisagreements > 0
            ? `in ${count(d.studiesWithOpenDisagreements, 'study', 'studies')}`
            : 'none to adjudicate',
          d.blindedStudies > 0 ? ` · ${count(d.blindedStudies, 'study', 'studies')} blinded` : '',
        ],
        d.openDisagreements > 0 ? 'warn' : undefined,
      ),
      card('Agreement', formatPercent(a.percent), [
        `κ = ${formatNumber(a.kappa, 2)} · ${count(a.pairs, 'compared field')}`,
      ]),
    ),
    d.reviewers.length > 0 ? reviewers : null,
  );
}

function pompOf(a: AnalysisResult): HTMLElement | null {
  const tree = pompSection(a);
  return tree && materializeHtml(tree);
}

/** What an analysis section shows, kept between models so that only what changed is touched. */
interface AnalysisView {
  section: ReturnType<typeof section>;
  settings: HTMLElement;
  result: HTMLElement;
  plot: HTMLElement;
  excluded: HTMLElement;
  pomp: HTMLElement;
  /** The drawing on the page and the tree it was built from. */
  drawing?: { tree: SvgNode; element: Element };
  /** What was drawn last: the analysis, at which width, and its JSON when it came in a whole model. */
  drawn?: { analysis: AnalysisResult; width: number; json: string | undefined };
}

const analysisViews = new Map<string, AnalysisView>();

function analysisView(a: AnalysisResult): AnalysisView {
  let view = analysisViews.get(a.id);
  if (view) return view;
  const s = section(`analysis:${a.id}`, a.title ?? a.id);
  s.root.classList.add('analysis');
  s.root.setAttribute('data-analysis', a.id);
  view = {
    section: s,
    settings: h('p', { class: 'settings' }),
    result: h('p', { class: 'result' }),
    plot: h('div', { class: 'plot' }),
    excluded: h('div', { class: 'excluded-slot' }),
    pomp: h('div', { class: 'pomp-slot' }),
  };
  s.body.append(view.settings, view.result, view.plot, view.excluded, view.pomp);
  analysisViews.set(a.id, view);
  return view;
}

/**
 * Tall drawings get their height in steps: an edit that adds or removes a study then leaves the drawing's
 * size alone, and resizing a drawing of hundreds of rows makes the browser lay all of its text out again
 * (15–30 ms for 1,000 studies). The rest of the last step stays blank.
 */
const HEIGHT_STEP = 200;
const STEPPED_FROM = 1500;

function stepHeight(tree: SvgNode): SvgNode {
  const height = Number(tree.attrs?.height);
  if (!(height >= STEPPED_FROM)) return tree;
  const stepped = Math.ceil(height / HEIGHT_STEP) * HEIGHT_STEP;
  const viewBox = String(tree.attrs?.viewBox ?? '').split(' ');
  if (viewBox.length === 4) viewBox[3] = String(stepped);
  return { ...tree, attrs: { ...tree.attrs, height: stepped, viewBox: viewBox.join(' ') } };
}

/** Draws the forest plot, patching the one on the page when there is one. */
function drawPlot(view: AnalysisView, a: AnalysisResult, width: number): void {
  try {
    const tree = stepHeight(forestPlot(a, { width }));
    const old = view.drawing;
    const element =
      old && old.element.isConnected ? patchTree(old.element, old.tree, tree, true) : materializeSvg(tree);
    if (!element.isConnected) replaceChildren(view.plot, element);
    view.drawing = { tree, element };
    makeStudiesFocusable(element);
  } catch (error) {
    view.drawing = undefined;
    replaceChildren(
      view.plot,
      h(
        'p',
        { class: 'error' },
        `The forest plot could not be drawn: ${error instanceof Error ? error.message : String(error)}`,
      ),
    );
  }
}

function renderAnalysis(a: AnalysisResult, width: number, whole: boolean): ReturnType<typeof section> {
  const view = analysisView(a);
  const s = view.section;
  const drawn = view.drawn;
  // A patch keeps the object of an unchanged analysis; a whole model is compared by its JSON.
  if (drawn && drawn.analysis === a && drawn.width === width) return s;
  const json = whole ? JSON.stringify(a) : undefined;
  if (drawn && drawn.width === width && json !== undefined && drawn.json === json) {
    view.drawn = { ...drawn, analysis: a };
    return s;
  }
  s.heading.textContent = a.title ?? a.id;
  s.badge.textContent = `k = ${a.k}`;
  if (a.outcome) s.root.setAttribute('data-outcome', a.outcome);
  else s.root.removeAttribute('data-outcome');
  view.settings.textContent = settingsText(a);
  const pooled = pooledLine(a);
  view.result.className = pooled ? 'result' : 'result not-pooled';
  view.result.hidden = !pooled && a.studies.length > 0;
  replaceChildren(
    view.result,
    pooled ?? `${a.runnable ? 'Not pooled' : 'Cannot run'}: ${a.reason ?? 'no study can be included yet.'}`,
  );
  if (a.studies.length > 0 || a.pooled) drawPlot(view, a, width);
  else {
    // Nothing to draw: the old drawing goes (a hidden one would still count as drawn).
    view.drawing = undefined;
    replaceChildren(view.plot);
  }
  view.plot.hidden = !view.plot.firstChild;
  if (!drawn || !sameJson(drawn.analysis.excluded, a.excluded))
    replaceChildren(view.excluded, a.excluded.length > 0 ? excludedList(a) : null);
  if (!drawn || !sameJson(drawn.analysis.descriptive, a.descriptive)) replaceChildren(view.pomp, pompOf(a));
  view.drawn = { analysis: a, width, json };
  return s;
}

/** Whether two parts of models show the same: the same object (a patch left it out), or the same JSON. */
function sameJson(x: unknown, y: unknown): boolean {
  return x === y || JSON.stringify(x) === JSON.stringify(y);
}

/**
 * The excluded studies with their reasons: closed by default, filled when opened (a large review excludes
 * hundreds), and kept open across updates.
 */
function excludedList(a: AnalysisResult): HTMLElement {
  const id = `excluded:${a.id}`;
  const list = h('ul', {});
  const fill = () =>
    replaceChildren(
      list,
      a.excluded.map((x) =>
        h(
          'li',
          { 'data-study': x.study, tabindex: 0, role: 'link' },
          h('span', { class: 'study-id' }, x.study),
          ` — ${x.reason}`,
        ),
      ),
    );
  const open = (state.expanded ?? []).includes(id);
  if (open) fill();
  const details = h(
    'details',
    { class: 'excluded', open },
    h('summary', {}, `Excluded: ${count(a.excluded.length, 'study', 'studies')}`),
    list,
  );
  details.addEventListener('toggle', () => {
    const expanded = new Set(state.expanded ?? []);
    if (details.open) {
      if (!list.firstChild) fill();
      expanded.add(id);
    } else expanded.delete(id);
    saveState({ expanded: [...expanded] });
  });
  return details;
}

const characteristicsTable = new CharacteristicsTable();
replaceChildren(characteristics.body, h('div', { class: 'table-wrap' }, characteristicsTable.element));
// A closed section lays nothing out: draw the rows in view once it is opened.
characteristics.details.addEventListener('toggle', () => characteristicsTable.draw());

function renderCharacteristics(model: SynthesisViewModel): void {
  const table = model.characteristics;
  characteristics.root.hidden = !table;
  if (!table) return;
  characteristics.badge.textContent = count(table.rows.length, 'study', 'studies');
  characteristicsTable.update(table);
}

function renderActions(formats: string[]): void {
  replaceChildren(
    actions,
    formats.map((format) =>
      h(
        'button',
        { type: 'button', class: 'button', 'data-export': format },
        `Export ${format.toUpperCase()}`,
      ),
    ),
  );
}

// ---------------------------------------------------------------------------------------------------------
// Rendering a model

/** The width the forest plots are drawn at: the section's width, within reason. */
function plotWidth(): number {
  const available = analyses.clientWidth || document.documentElement.clientWidth || 800;
  return Math.max(480, Math.min(1200, Math.floor(available - 34)));
}

let drawnWidth = 0;
let drawnDashboard: SynthesisDashboard | undefined;

function render(message: Shown): void {
  // Measured before anything changes: reading layout after removing content could clamp the scroll.
  const scrollY = window.scrollY;
  const width = plotWidth();
  const { model } = message;
  title.textContent = model.title;
  document.title = `Synthesis: ${model.title}`;
  const generated = new Date(model.generatedAt);
  meta.textContent = `${count(model.analyses.length, 'analysis', 'analyses')} · updated ${Number.isNaN(generated.getTime()) ? model.generatedAt : generated.toLocaleTimeString()}`;
  status.hidden = true;
  renderActions(message.exportFormats);
  if (model.dashboard !== drawnDashboard) renderDashboard(model.dashboard);
  drawnDashboard = model.dashboard;

  const seen = new Set<string>();
  const order: HTMLElement[] = [];
  for (const a of model.analyses) {
    seen.add(a.id);
    order.push(renderAnalysis(a, width, message.whole).root);
  }
  for (const [id, view] of analysisViews) {
    if (seen.has(id)) continue;
    view.section.root.remove();
    analysisViews.delete(id);
  }
  // Re-appending an element already in place moves nothing; only new or reordered sections move.
  order.forEach((root, i) => {
    if (analyses.children[i] !== root) analyses.insertBefore(root, analyses.children[i] ?? null);
  });
  if (model.analyses.length === 0)
    analyses.appendChild(
      h('p', { class: 'empty' }, 'review.yaml defines no analyses yet (synthesis: analyses:).'),
    );
  else
    for (const stale of [...analyses.children].filter((c) => !order.includes(c as HTMLElement)))
      stale.remove();
  renderCharacteristics(model);
  drawnWidth = width;

  if (window.scrollY !== scrollY) window.scrollTo(0, scrollY);
  post({
    type: 'rendered',
    seq: message.seq,
    analyses: model.analyses.length,
    squares: document.querySelectorAll('.fp-square').length,
    diamonds: document.querySelectorAll('.fp-diamond:not(.fp-subgroup)').length,
    characteristics: model.characteristics?.rows.length ?? 0,
    characteristicsDrawn: characteristicsTable.drawnRows,
    scrollY: window.scrollY,
  });
}

/** Rows of a forest plot open their study from the keyboard too. */
function makeStudiesFocusable(plot: Element): void {
  for (const row of plot.querySelectorAll('[data-study]')) {
    row.setAttribute('tabindex', '0');
    row.setAttribute('role', 'link');
    const label = row.querySelector('title')?.textContent;
    if (label) row.setAttribute('aria-label', `Open the record: ${label}`);
  }
}

function showStatus(message: Extract<HostMessage, { type: 'status' }>): void {
  status.hidden = false;
  status.className = `status status-${message.kind}`;
  status.textContent = message.message;
  if (message.rootUri) saveState({ rootUri: message.rootUri });
}

// ---------------------------------------------------------------------------------------------------------
// Events

window.addEventListener('message', (event: MessageEvent<HostMessage>) => {
  const message = event.data;
  if (!message || typeof message !== 'object') return;
  if (message.type === 'model' || message.type === 'patch') {
    let model: SynthesisViewModel;
    if (message.type === 'model') model = message.model;
    else {
      // A patch of a model this page does not have (it was reloaded, or a message was lost): ask for it all,
      // once, and wait for it.
      const resync = () => {
        if (!resyncing) post({ type: 'resync' });
        resyncing = true;
      };
      if (!current || current.seq !== message.base) return resync();
      try {
        model = applyPatch(current.model, message.patch);
      } catch {
        return resync();
      }
    }
    if (message.type === 'model') resyncing = false;
    current = {
      seq: message.seq,
      model,
      exportFormats: message.exportFormats,
      whole: message.type === 'model',
    };
    if (state.rootUri !== message.rootUri) saveState({ rootUri: message.rootUri });
    render(current);
    if (restoreScroll !== undefined) {
      window.scrollTo(0, restoreScroll);
      restoreScroll = undefined;
    }
  } else if (message.type === 'status') showStatus(message);
});

function studyTarget(target: EventTarget | null): Element | null {
  return target instanceof Element ? target.closest('[data-study]') : null;
}

function openStudy(element: Element): void {
  const study = element.getAttribute('data-study');
  if (!study) return;
  const outcome = element.closest('[data-outcome]')?.getAttribute('data-outcome') ?? undefined;
  post({ type: 'openStudy', study, ...(outcome ? { outcome } : {}) });
}

document.addEventListener('click', (event) => {
  const target = event.target instanceof Element ? event.target : null;
  const exportButton = target?.closest('[data-export]');
  if (exportButton) {
    post({ type: 'export', format: exportButton.getAttribute('data-export') ?? '' });
    return;
  }
  const row = studyTarget(event.target);
  if (row) openStudy(row);
});

document.addEventListener('keydown', (event) => {
  if (event.key !== 'Enter' && event.key !== ' ') return;
  const row = studyTarget(event.target);
  if (!row || row !== event.target) return;
  event.preventDefault();
  openStudy(row);
});

// The scroll position survives a window reload through the page state (restored with the first model).
let restoreScroll = state.scrollY;
let scrollTimer: ReturnType<typeof setTimeout> | undefined;
window.addEventListener(
  'scroll',
  () => {
    clearTimeout(scrollTimer);
    scrollTimer = setTimeout(() => saveState({ scrollY: Math.round(window.scrollY) }), 150);
  },
  { passive: true },
);

// Plots are drawn at the panel's width: draw them again when it changes noticeably.
let resizeTimer: ReturnType<typeof setTimeout> | undefined;
new ResizeObserver(() => {
  clearTimeout(resizeTimer);
  resizeTimer = setTimeout(() => {
    if (current && Math.abs(plotWidth() - drawnWidth) > 16) render(current);
  }, 120);
}).observe(analyses);

post({ type: 'ready' });
