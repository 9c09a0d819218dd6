// The forest plot of one analysis as an SVG element tree (svgTree): the HTML report and the `svg` export
// serialize it, the webview builds it with DOM calls. Layout follows metafor's forest(): study labels on the
// left, the plot in the middle, weight and "estimate [CI]" columns on the right, summary diamonds below the
// studies, the axis and the heterogeneity line at the bottom.
//
// Pure and browser-safe: only types come from analysis.ts (which reads files).
// Styling is by class names (fp-*); every shape also carries currentColor defaults so the drawing reads
// without any CSS. The webview themes the classes with var(--vscode-…), the report with its own <style>.
//
// Axis scales: RR and OR on a log axis labelled on the natural scale; COR on an axis linear in r (Fisher's z
// back-transformed with tanh, so study intervals are drawn as the asymmetric r intervals they are); the other
// measures on a linear axis of yi.
import type { AnalysisResult, PooledFigures, StudyResult, SubgroupResult } from '../analysis';
import {
  displayDecimals,
  formatEstimate,
  formatInterval,
  formatNumber,
  formatP,
  formatPercent,
  heterogeneityText,
  levelText,
  measureText,
  modelText,
  overallTestText,
  qTestText,
  shownPooled,
  shownValue,
  tau2Text,
} from './format';
import { el, SVG_NAMESPACE, textEl, type SvgNode } from './svgTree';

export interface ForestPlotOptions {
  /** Width of the drawing in px (the viewBox width); default 800. */
  width?: number;
  /** `css` (default): transparent, everything in currentColor, for pages that style the fp-* classes.
   *  `print`: a standalone drawing with a white background, black ink and the analysis title on top. */
  theme?: 'css' | 'print';
}

const MINUS = '\u2212';

/** A tick label: as few decimals as the value needs ("0.05", "1", "−0.5"). */
function tickLabel(value: number): string {
  const clean = Number(value.toPrecision(12));
  if (clean === 0) return '0';
  const text = String(clean);
  return text.includes('e') ? formatNumber(clean, 6).replace(/\.?0+$/, '') : text.replace(/^-/, MINUS);
}

// ---------------------------------------------------------------------------------------------------------
// Scales

interface Scale {
  log: boolean;
  /** Analysis scale (yi) to the value shown (RR, OR: exp; COR: tanh). */
  display: (y: number) => number;
  /** A shown value to the axis' position coordinate (log for ratios). */
  position: (shown: number) => number;
  /** The bounds the shown values cannot leave (r in [−1, 1]). */
  limits: [number, number];
}

function scaleOf(measure: string): Scale {
  const display = (y: number) => shownValue(measure, y);
  if (measure === 'RR' || measure === 'OR')
    return { log: true, display, position: Math.log, limits: [-Infinity, Infinity] };
  if (measure === 'COR') return { log: false, display, position: (r) => r, limits: [-1, 1] };
  return { log: false, display, position: (y) => y, limits: [-Infinity, Infinity] };
}

const NICE = [1, 2, 5];

/** Linear ticks with 1-2-5 steps covering [lo, hi]: the densest whose labels do not collide. */
function linearTicks(lo: number, hi: number, plotWidth: number, charWidth: number): number[] {
  const span = hi - lo || Math.max(Math.abs(lo), 1);
  let exponent = Math.floor(Math.log10(span / 12));
  for (let guard = 0; guard < 40; guard++) {
    for (const m of NICE) {
      const step = m * 10 ** exponent;
      const first = Math.floor(lo / step + 1e-9);
      const last = Math.ceil(hi / step - 1e-9);
      const ticks: number[] = [];
      for (let i = first; i <= last; i++) ticks.push(Number((i * step).toPrecision(12)));
      if (ticks.length < 2) ticks.push(Number(((last + 1) * step).toPrecision(12)));
      const widest = Math.max(...ticks.map((t) => tickLabel(t).length)) * charWidth;
      const gap = plotWidth / (ticks.length - 1);
      if (ticks.length <= 9 && gap >= widest + 14) return ticks;
    }
    exponent++;
  }
  return [lo, hi];
}

/** Log ticks on the natural scale: 1-2-5 per decade, else one per decade, else every other decade. */
function logTicks(lo: number, hi: number, plotWidth: number, charWidth: number): number[] {
  // lo, hi are natural logs. A narrow range gets linear steps on the natural scale (0.8, 0.9, 1, 1.1 …).
  if (hi - lo < Math.log(4)) {
    const ticks = linearTicks(Math.exp(lo), Math.exp(hi), plotWidth / 2, charWidth).filter((t) => t > 0);
    if (ticks.length >= 3) return ticks;
  }
  const a = lo / Math.LN10;
  const b = hi / Math.LN10;
  const candidates = (mantissas: number[], decadeStep: number): number[] => {
    const values: number[] = [];
    const start = Math.floor(a) - decadeStep;
    for (
      let e = start - (((start % decadeStep) + decadeStep) % decadeStep);
      e <= Math.ceil(b) + decadeStep;
      e += decadeStep
    )
      for (const m of mantissas) values.push(Number((m * 10 ** e).toPrecision(12)));
    const logs = values.map(Math.log10);
    let first = 0;
    logs.forEach((l, i) => {
      if (l <= a + 1e-9) first = i;
    });
    let last = logs.findIndex((l) => l >= b - 1e-9);
    if (last < 0) last = values.length - 1;
    return values.slice(first, last + 1);
  };
  const options: [number[], number][] = [
    [[1, 2, 5], 1],
    [[1], 1],
    [[1], 2],
    [[1], 3],
  ];
  for (const [mantissas, step] of options) {
    const ticks = candidates(mantissas, step);
    const span = Math.log(ticks[ticks.length - 1]!) - Math.log(ticks[0]!);
    let fits = ticks.length <= 10;
    for (let i = 1; i < ticks.length && fits; i++) {
      const gap = ((Math.log(ticks[i]!) - Math.log(ticks[i - 1]!)) / span) * plotWidth;
      const need = ((tickLabel(ticks[i]!).length + tickLabel(ticks[i - 1]!).length) / 2) * charWidth + 8;
      if (gap < need) fits = false;
    }
    if (fits) return ticks;
  }
  return candidates([1], 4);
}

// ---------------------------------------------------------------------------------------------------------
// Layout

const FONT = 12;
const SMALL = 10.5;
const ROW = 20;
const MARGIN = 12;
/** Average advance of a sans-serif character, and of a digit, in em (DejaVu Sans, wider than Helvetica). */
const CHAR_EM = 0.58;
const DIGIT_EM = 0.64;

/** Estimated advance of one character in em: the drawing cannot measure text, so it errs on the wide side. */
function charEm(c: string): number {
  if (/[0-9]/.test(c)) return DIGIT_EM;
  if (/[ .,:;'!|il]/.test(c)) return 0.32;
  if (/[[\]()\-fjrt²]/.test(c)) return 0.4;
  if (c === MINUS) return 0.84;
  if (/[%mwMW]/.test(c)) return 0.95;
  if (/[A-Z]/.test(c)) return 0.7;
  return CHAR_EM;
}

const textWidth = (text: string, size = FONT) => [...text].reduce((sum, c) => sum + charEm(c), 0) * size;

type Row =
  | { kind: 'study'; study: StudyResult }
  | { kind: 'group'; label: string }
  | { kind: 'subtotal'; subgroup: SubgroupResult; weight: number | null }
  | { kind: 'subtotal-note'; text: string; group: string }
  | { kind: 'overall' }
  | { kind: 'pi' }
  | { kind: 'gap' };

/** The longest prefix that fits with an ellipsis: one pass over the characters, whatever their number. */
function truncate(text: string, width: number, size = FONT): string {
  if (textWidth(text, size) <= width) return text;
  const budget = width / size - charEm('…');
  const chars = [...text];
  let used = 0;
  let kept = 0;
  while (kept < chars.length - 1 && used + charEm(chars[kept]!) <= budget) used += charEm(chars[kept++]!);
  return `${chars.slice(0, Math.max(1, kept)).join('').trimEnd()}…`;
}

function wrap(text: string, width: number, size = FONT): string[] {
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(/\s+/)) {
    if (line && textWidth(`${line} ${word}`, size) > width) {
      lines.push(line);
      line = word;
    } else line = line ? `${line} ${word}` : word;
  }
  if (line) lines.push(line);
  return lines;
}

const baseline = (mid: number, size = FONT) => mid + size * 0.35;

/** What a row other than a study's stands for: its subgroup, or the summary it is. */
function rowKey(row: Row): string {
  if (row.kind === 'group') return `group:${row.label}`;
  if (row.kind === 'subtotal') return `subtotal:${row.subgroup.label}`;
  if (row.kind === 'subtotal-note') return `note:${row.group}`;
  return row.kind;
}

/** The forest plot of one analysis (see the file comment). */
export function forestPlot(analysis: AnalysisResult, options: ForestPlotOptions = {}): SvgNode {
  const width = Math.max(480, Math.round(options.width ?? 800));
  const print = options.theme === 'print';
  const a = analysis;
  const scale = scaleOf(a.measure);
  const pooled = a.pooled && a.estimate !== null && a.ci !== null;
  const weighted = pooled && a.studies.some((s) => s.weight !== null);
  const names = measureText(a.measure);
  const short = names.short;
  const level = levelText(a.level);
  const title = a.title ?? a.id;

  // Rows, top to bottom: subgroups with their studies and subtotals, or the studies; then the summaries.
  const rows: Row[] = [];
  if (a.subgroups && a.subgroups.length > 0) {
    for (const sg of a.subgroups) {
      const members = a.studies.filter((s) => sg.studies.includes(s.study));
      rows.push({ kind: 'group', label: sg.label });
      for (const study of members) rows.push({ kind: 'study', study });
      const weights = members.map((s) => s.weight);
      const weight = weights.every((w) => w !== null) ? weights.reduce((s, w) => s + w, 0) : null;
      if (sg.estimate !== null && sg.ci !== null) {
        rows.push({ kind: 'subtotal', subgroup: sg, weight });
        rows.push({
          kind: 'subtotal-note',
          group: sg.label,
          text: `${a.model === 'random' ? `${tau2Text(sg.tau2)}, ` : ''}I² = ${formatPercent(sg.i2)}, ${formatP(sg.q_p)}`,
        });
      } else if (pooled)
        rows.push({ kind: 'subtotal-note', group: sg.label, text: `k = ${sg.k}: not pooled` });
      rows.push({ kind: 'gap' });
    }
  } else {
    for (const study of a.studies) rows.push({ kind: 'study', study });
    if (a.studies.length > 0) rows.push({ kind: 'gap' });
  }
  if (pooled) {
    rows.push({ kind: 'overall' });
    if (a.pi) rows.push({ kind: 'pi' });
  }

  // Shown values (natural scale) of everything drawn.
  const shown = (y: number) => scale.display(y);
  const studyShown = (s: StudyResult) => ({
    yi: s.back_transformed?.yi ?? shown(s.yi),
    ci: s.back_transformed?.ci ?? [shown(s.ci[0]), shown(s.ci[1])],
  });
  const pooledShown = (f: PooledFigures) => {
    const v = shownPooled(f, a.measure);
    return v && { yi: v.estimate, ci: v.ci, pi: v.pi };
  };
  const overall = pooled ? pooledShown(a) : null;

  // Columns' text.
  const decimals = displayDecimals(a);
  const f = (x: number) => formatNumber(x, decimals);
  const effectParts = (yi: number | null, ci: [number, number]): [string, string, string] => [
    yi === null ? '' : f(yi),
    ` [${f(ci[0])},`,
    ` ${f(ci[1])}]`,
  ];
  const rowEffect = (row: Row): [string, string, string] | null => {
    if (row.kind === 'study') {
      const v = studyShown(row.study);
      return effectParts(v.yi, v.ci);
    }
    if (row.kind === 'subtotal') {
      const v = pooledShown(row.subgroup)!;
      return effectParts(v.yi, v.ci);
    }
    if (row.kind === 'overall') return effectParts(overall!.yi, overall!.ci);
    if (row.kind === 'pi') return effectParts(null, overall!.pi!);
    return null;
  };
  const effects = rows.map(rowEffect);
  const digit = DIGIT_EM * FONT;
  // Bold summary rows are wider; a gap keeps the three right-aligned parts apart whatever the font.
  // Measured once per plot: rows are drawn against these widths.
  const colWidths = ([0, 1, 2] as const).map((i) =>
    effects.reduce(
      (widest, e) => Math.max(widest, e ? textWidth(e[i].trimStart()) * 1.08 + (i > 0 ? 6 : 0) : 0),
      0,
    ),
  );
  const colWidth = (i: 0 | 1 | 2) => colWidths[i]!;
  const effectHeader = `${short} [${level} CI]`;
  const effectWidth = Math.max(colWidth(0) + colWidth(1) + colWidth(2), textWidth(effectHeader));
  const weightText = (w: number | null) => (w === null ? '' : formatPercent(w));
  const weightWidth = weighted ? Math.max(textWidth('Weight'), 6 * digit) + 16 : 0;

  // Labels.
  const summaryLabel = `${a.model === 'random' ? 'Random effects model' : 'Common effect model'} (k = ${a.k})`;
  const labelTexts = [
    'Study',
    ...a.studies.map((s) => s.label),
    ...(a.subgroups ?? []).map((s) => s.label),
    ...(pooled ? [summaryLabel, 'Prediction interval'] : []),
  ];
  const labelWidth = Math.min(
    width * 0.34,
    Math.max(150, Math.max(...labelTexts.map((t) => textWidth(t))) + 16),
  );

  const plotX0 = MARGIN + labelWidth;
  const effectX1 = width - MARGIN;
  const effectX0 = effectX1 - effectWidth;
  const weightX1 = effectX0 - 14;
  const plotX1 = weightX1 - weightWidth - 10;
  const plotWidth = plotX1 - plotX0;

  // The axis range: everything drawn, but a study interval may stretch it by at most the width of the
  // estimates' range on either side (beyond, it is clipped, with an arrow): one imprecise study must not
  // squash the rest.
  const pos = (v: number) => scale.position(v);
  const core: number[] = [pos(scale.display(0))];
  const whiskers: number[] = [];
  for (const s of a.studies) {
    const v = studyShown(s);
    core.push(pos(v.yi));
    (pooled ? whiskers : core).push(pos(v.ci[0]), pos(v.ci[1]));
  }
  for (const fig of [a, ...(a.subgroups ?? [])]) {
    const v = pooledShown(fig);
    if (!v) continue;
    core.push(pos(v.yi), pos(v.ci[0]), pos(v.ci[1]));
    if (v.pi) core.push(pos(v.pi[0]), pos(v.pi[1]));
  }
  const finite = (list: number[]) => list.filter((x) => Number.isFinite(x));
  let lo = Math.min(...finite(core));
  let hi = Math.max(...finite(core));
  const coreWidth = Math.max(hi - lo, scale.log ? Math.log(2) : 1e-9);
  const [loLimit, hiLimit] = [lo - coreWidth, hi + coreWidth];
  for (const w of finite(whiskers)) {
    lo = Math.min(lo, Math.max(w, loLimit));
    hi = Math.max(hi, Math.min(w, hiLimit));
  }
  if (!(hi > lo)) {
    const pad = scale.log ? Math.log(2) : Math.max(Math.abs(lo) * 0.5, 1);
    lo -= pad;
    hi += pad;
  }
  let ticks: number[];
  if (scale.log) ticks = logTicks(lo, hi, plotWidth, digit);
  else {
    const [minimum, maximum] = scale.limits;
    ticks = linearTicks(Math.max(lo, minimum), Math.min(hi, maximum), plotWidth, digit).filter(
      (t) => t >= minimum - 1e-12 && t <= maximum + 1e-12,
    );
  }
  const domain: [number, number] = [pos(ticks[0]!), pos(ticks[ticks.length - 1]!)];
  const x = (shownValue: number) => {
    const p = pos(shownValue);
    return plotX0 + ((p - domain[0]) / (domain[1] - domain[0])) * plotWidth;
  };
  const inside = (px: number) => px >= plotX0 - 0.5 && px <= plotX1 + 0.5;
  const clampX = (px: number) => Math.min(plotX1, Math.max(plotX0, px));
  const r = (v: number) => Math.round(v * 10) / 10;

  // Square sizes: area proportional to weight (side ∝ √weight), the heaviest study 80% of a row.
  const maxSide = ROW * 0.8;
  const maxWeight = Math.max(0, ...a.studies.map((s) => s.weight ?? 0));
  const side = (s: StudyResult) =>
    !weighted || s.weight === null || maxWeight <= 0
      ? ROW * 0.45
      : Math.max(3, maxSide * Math.sqrt(s.weight / maxWeight));

  // ------------------------------------------------------------------ drawing
  const children: SvgNode[] = [];
  let y = MARGIN;
  if (print) {
    children.push(
      el('rect', { class: 'fp-background', x: 0, y: 0, width: '100%', height: '100%', fill: '#fff' }),
    );
    for (const line of wrap(title, width - 2 * MARGIN, 14)) {
      children.push(
        textEl(
          'text',
          { class: 'fp-title', x: MARGIN, y: r(y + 14), 'font-size': 14, 'font-weight': 'bold' },
          line,
        ),
      );
      y += 19;
    }
    y += 6;
  }

  const effectTspans = (parts: [string, string, string], mid: number, extra: SvgNode['attrs'] = {}) => {
    const x2 = effectX1;
    const x1 = x2 - colWidth(2);
    const xs = [x1 - colWidth(1), x1, x2];
    return el(
      'text',
      { class: 'fp-effect', y: r(baseline(mid)), fill: 'currentColor', ...extra },
      parts.map((text, i) =>
        text ? textEl('tspan', { x: r(xs[i]!), 'text-anchor': 'end' }, text) : undefined,
      ),
    );
  };

  const hasRows = rows.length > 0;
  if (hasRows) {
    // Header.
    const mid = y + ROW / 2;
    const header = [
      textEl(
        'text',
        { class: 'fp-header fp-label', x: MARGIN, y: r(baseline(mid)), 'font-weight': 'bold' },
        'Study',
      ),
      weighted
        ? textEl(
            'text',
            {
              class: 'fp-header',
              x: r(weightX1),
              y: r(baseline(mid)),
              'text-anchor': 'end',
              'font-weight': 'bold',
            },
            'Weight',
          )
        : undefined,
      textEl(
        'text',
        {
          class: 'fp-header',
          x: r(effectX1),
          y: r(baseline(mid)),
          'text-anchor': 'end',
          'font-weight': 'bold',
        },
        effectHeader,
      ),
    ];
    children.push(el('g', { class: 'fp-headers', fill: 'currentColor' }, header));
    y += ROW;
    children.push(
      el('line', {
        class: 'fp-rule',
        x1: MARGIN,
        x2: width - MARGIN,
        y1: r(y + 1),
        y2: r(y + 1),
        stroke: 'currentColor',
        'stroke-opacity': 0.5,
        'stroke-width': 1,
      }),
    );
    y += 4;
  }
  const rowsTop = y;
  const body: SvgNode[] = [];
  let overallY: number | undefined;
  for (const [index, row] of rows.entries()) {
    const height = row.kind === 'gap' ? ROW / 2 : row.kind === 'subtotal-note' ? ROW * 0.8 : ROW;
    // Each row is drawn in its own coordinates and moved into place, so that a row that only moves (a study
    // above it left) changes one attribute: the page patches the drawing rather than building it again.
    const top = y;
    const mid = height / 2;
    const drawnBefore = body.length;
    const effect = effects[index];
    if (row.kind === 'study') {
      const s = row.study;
      const v = studyShown(s);
      const xs = [x(v.ci[0]), x(v.ci[1])] as const;
      const x0 = clampX(xs[0]);
      const x1 = clampX(xs[1]);
      const cx = x(v.yi);
      const size = side(s);
      const label = truncate(s.label, labelWidth - 10);
      const tooltip = `${s.label}${s.label === s.study ? '' : ` (${s.study})`}: ${short} ${formatEstimate(v.yi, v.ci, decimals)}${s.weight === null ? '' : `, weight ${formatPercent(s.weight)}`}`;
      const arrow = (tip: number, dir: -1 | 1) =>
        el('polygon', {
          class: 'fp-ci fp-arrow',
          points: `${r(tip)},${r(mid)} ${r(tip - dir * 6)},${r(mid - 3.5)} ${r(tip - dir * 6)},${r(mid + 3.5)}`,
          fill: 'currentColor',
        });
      body.push(
        el('g', { class: 'fp-row fp-study', 'data-study': s.study }, [
          textEl('title', {}, tooltip),
          el('rect', {
            class: 'fp-row-bg',
            x: 0,
            y: 0,
            width,
            height,
            fill: '#000',
            'fill-opacity': 0,
          }),
          textEl('text', { class: 'fp-label', x: MARGIN, y: r(baseline(mid)), fill: 'currentColor' }, label),
          x1 > x0
            ? el('line', {
                class: 'fp-ci',
                x1: r(inside(xs[0]) ? x0 : x0 + 6),
                x2: r(inside(xs[1]) ? x1 : x1 - 6),
                y1: r(mid),
                y2: r(mid),
                stroke: 'currentColor',
                'stroke-width': 1.2,
              })
            : undefined,
          !inside(xs[0]) && xs[1] > plotX0 ? arrow(plotX0, -1) : undefined,
          !inside(xs[1]) && xs[0] < plotX1 ? arrow(plotX1, 1) : undefined,
          inside(cx)
            ? el('rect', {
                class: 'fp-square',
                x: r(cx - size / 2),
                y: r(mid - size / 2),
                width: r(size),
                height: r(size),
                fill: 'currentColor',
                'data-weight': s.weight === null ? undefined : Number(s.weight.toFixed(4)),
              })
            : undefined,
          weighted
            ? textEl(
                'text',
                {
                  class: 'fp-weight',
                  x: r(weightX1),
                  y: r(baseline(mid)),
                  'text-anchor': 'end',
                  fill: 'currentColor',
                },
                weightText(s.weight),
              )
            : undefined,
          effect ? effectTspans(effect, mid) : undefined,
        ]),
      );
    } else if (row.kind === 'group') {
      body.push(
        textEl(
          'text',
          {
            class: 'fp-group fp-label',
            x: MARGIN,
            y: r(baseline(mid)),
            'font-weight': 'bold',
            fill: 'currentColor',
          },
          truncate(row.label, labelWidth - 10),
        ),
      );
    } else if (row.kind === 'subtotal-note') {
      body.push(
        textEl(
          'text',
          {
            class: 'fp-subgroup-het',
            x: MARGIN,
            y: r(baseline(mid - 2, SMALL)),
            'font-size': SMALL,
            'fill-opacity': 0.8,
            fill: 'currentColor',
          },
          row.text,
        ),
      );
    } else if (row.kind === 'subtotal' || row.kind === 'overall') {
      const fig = row.kind === 'subtotal' ? row.subgroup : a;
      const v = pooledShown(fig)!;
      const h = row.kind === 'overall' ? ROW * 0.7 : ROW * 0.6;
      const pts = [
        [clampX(x(v.ci[0])), mid],
        [clampX(x(v.yi)), mid - h / 2],
        [clampX(x(v.ci[1])), mid],
        [clampX(x(v.yi)), mid + h / 2],
      ]
        .map(([px, py]) => `${r(px!)},${r(py!)}`)
        .join(' ');
      const label = row.kind === 'overall' ? summaryLabel : `Subtotal (k = ${row.subgroup.k})`;
      const weight = row.kind === 'overall' ? 100 : row.weight;
      if (row.kind === 'overall') overallY = top + mid;
      body.push(
        el('g', { class: `fp-row fp-summary fp-${row.kind}-row` }, [
          textEl(
            'title',
            {},
            `${row.kind === 'overall' ? summaryLabel : `${row.subgroup.label}, k = ${row.subgroup.k}`}: ${short} ${formatEstimate(v.yi, v.ci, decimals)}; ${heterogeneityText(fig, a.model)}; ${overallTestText(fig)}`,
          ),
          textEl(
            'text',
            {
              class: 'fp-label',
              x: MARGIN,
              y: r(baseline(mid)),
              'font-weight': row.kind === 'overall' ? 'bold' : undefined,
              fill: 'currentColor',
            },
            label,
          ),
          el('polygon', {
            class: `fp-diamond fp-${row.kind === 'overall' ? 'overall' : 'subgroup'}`,
            points: pts,
            fill: 'currentColor',
            'fill-opacity': row.kind === 'overall' ? undefined : 0.55,
            stroke: 'currentColor',
            'stroke-width': 1,
          }),
          weighted && weight !== null
            ? textEl(
                'text',
                {
                  class: 'fp-weight',
                  x: r(weightX1),
                  y: r(baseline(mid)),
                  'text-anchor': 'end',
                  'font-weight': row.kind === 'overall' ? 'bold' : undefined,
                  fill: 'currentColor',
                },
                weightText(weight),
              )
            : undefined,
          effect
            ? effectTspans(effect, mid, row.kind === 'overall' ? { 'font-weight': 'bold' } : {})
            : undefined,
        ]),
      );
    } else if (row.kind === 'pi') {
      const [p0, p1] = overall!.pi!;
      const x0 = clampX(x(p0));
      const x1 = clampX(x(p1));
      body.push(
        el('g', { class: 'fp-row fp-pi-row' }, [
          textEl('title', {}, `${level} prediction interval: ${short} ${formatInterval([p0, p1], decimals)}`),
          textEl(
            'text',
            { class: 'fp-label', x: MARGIN, y: r(baseline(mid)), 'fill-opacity': 0.85, fill: 'currentColor' },
            'Prediction interval',
          ),
          el('g', { class: 'fp-pi', stroke: 'currentColor', 'stroke-width': 1.5 }, [
            el('line', { x1: r(x0), x2: r(x1), y1: r(mid), y2: r(mid) }),
            el('line', { x1: r(x0), x2: r(x0), y1: r(mid - 4), y2: r(mid + 4) }),
            el('line', { x1: r(x1), x2: r(x1), y1: r(mid - 4), y2: r(mid + 4) }),
          ]),
          effect ? effectTspans(effect, mid, { 'fill-opacity': 0.85 }) : undefined,
        ]),
      );
    }
    const drawn = body[drawnBefore];
    if (drawn) {
      drawn.attrs = { ...drawn.attrs, transform: `translate(0 ${r(top)})` };
      // Rows other than studies are matched by what they show when the page patches the drawing.
      if (drawn.attrs['data-study'] === undefined) drawn.attrs['data-key'] = rowKey(row);
    }
    y += height;
  }
  const rowsBottom = y;

  // Null line and axis.
  if (hasRows) {
    const nullX = x(scale.display(0));
    const axisY = rowsBottom + 4;
    if (inside(nullX))
      children.push(
        el('line', {
          class: 'fp-null',
          x1: r(nullX),
          x2: r(nullX),
          y1: r(rowsTop),
          y2: r(axisY),
          stroke: 'currentColor',
          'stroke-opacity': 0.6,
          'stroke-dasharray': '4 3',
          'stroke-width': 1,
        }),
      );
    if (overallY !== undefined && overall)
      children.push(
        el('line', {
          class: 'fp-estimate-line',
          x1: r(x(overall.yi)),
          x2: r(x(overall.yi)),
          y1: r(rowsTop),
          y2: r(overallY),
          stroke: 'currentColor',
          'stroke-opacity': 0.35,
          'stroke-dasharray': '1 3',
          'stroke-width': 1,
        }),
      );
    children.push(...body);
    const axis: SvgNode[] = [
      el('line', {
        class: 'fp-axis-line',
        x1: r(plotX0),
        x2: r(plotX1),
        y1: r(axisY),
        y2: r(axisY),
        stroke: 'currentColor',
      }),
    ];
    for (const t of ticks) {
      const tx = r(x(t));
      axis.push(
        el('line', {
          class: 'fp-tick',
          x1: tx,
          x2: tx,
          y1: r(axisY),
          y2: r(axisY + 5),
          stroke: 'currentColor',
        }),
      );
      axis.push(
        textEl(
          'text',
          {
            class: 'fp-tick-label',
            x: tx,
            y: r(axisY + 7 + FONT),
            'text-anchor': 'middle',
            fill: 'currentColor',
          },
          tickLabel(t),
        ),
      );
    }
    axis.push(
      textEl(
        'text',
        {
          class: 'fp-axis-label',
          x: r((plotX0 + plotX1) / 2),
          y: r(axisY + 12 + 2 * FONT),
          'text-anchor': 'middle',
          fill: 'currentColor',
        },
        names.axis,
      ),
    );
    children.push(el('g', { class: 'fp-axis', 'data-scale': scale.log ? 'log' : 'linear' }, axis));
    y = axisY + 12 + 2 * FONT + 10;
  }

  // Heterogeneity, overall test, subgroup test, or why nothing is pooled.
  const notes: { text: string; cls: string }[] = [];
  if (pooled) {
    notes.push({ text: `${modelText(a)}: ${heterogeneityText(a, a.model)}`, cls: 'fp-het' });
    notes.push({ text: `Test for overall effect: ${overallTestText(a)}`, cls: 'fp-het fp-test' });
    if (a.subgroup_test)
      notes.push({
        text: `Test for subgroup differences: ${qTestText(a.subgroup_test.q, a.subgroup_test.df, a.subgroup_test.p)}`,
        cls: 'fp-het fp-subgroup-test',
      });
  } else {
    const why = a.reason ?? (a.studies.length === 0 ? 'no study can be included.' : 'no pooled estimate.');
    notes.push({ text: `${a.runnable ? 'Not pooled' : 'Cannot run'}: ${why}`, cls: 'fp-note' });
  }
  if (a.excluded.length > 0)
    notes.push({
      text: `${a.excluded.length} ${a.excluded.length === 1 ? 'study' : 'studies'} excluded (not shown).`,
      cls: 'fp-note fp-excluded',
    });
  y += 2;
  for (const note of notes) {
    for (const line of wrap(note.text, width - 2 * MARGIN)) {
      children.push(
        textEl('text', { class: note.cls, x: MARGIN, y: r(y + FONT), fill: 'currentColor' }, line),
      );
      y += FONT + 5;
    }
  }
  const height = Math.ceil(y + MARGIN - 4);

  const summary = pooled
    ? `pooled ${short} ${formatEstimate(overall!.yi, overall!.ci, decimals)}`
    : 'not pooled';
  const studies = `${a.studies.length} ${a.studies.length === 1 ? 'study' : 'studies'}`;
  return el(
    'svg',
    {
      xmlns: SVG_NAMESPACE,
      class: `forest-plot${print ? ' forest-plot-print' : ''}`,
      viewBox: `0 0 ${width} ${height}`,
      width,
      height,
      role: 'img',
      'aria-label': `Forest plot of ${title}: ${studies}, ${summary}`,
      'data-analysis': a.id,
      'font-family': "system-ui, -apple-system, 'Segoe UI', Roboto, 'Helvetica Neue', Arial, sans-serif",
      'font-size': FONT,
      color: print ? '#111' : undefined,
      fill: 'currentColor',
    },
    [textEl('title', {}, `Forest plot: ${title}`), ...children],
  );
}
