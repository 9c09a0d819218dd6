// The synthesis' tables as element trees (svgTree): the HTML report serializes them, the panel builds them
// with DOM calls, so both show the same columns with the same text. Record text is only ever text.
// Pure and browser-safe: only types come from analysis.ts (which reads files).
import type { AnalysisResult, SideInput, StudyResult } from '../analysis';
import type { CharacteristicsTableData } from '../characteristics';
import {
  estimateText,
  formatAsGiven,
  formatEstimate,
  formatInterval,
  formatNumber,
  formatPercent,
  formatSmall,
  levelText,
  measureText,
  MISSING,
  overallTestText,
  qTestText,
} from './format';
import { el, textEl, type ElementNode } from './svgTree';

type Content = ElementNode | string | null | undefined | false;

/** A cell: text, or elements (a muted dash when empty). */
function cell(tag: 'td' | 'th', content: Content | Content[], cls?: string, attrs = {}): ElementNode {
  const parts = (Array.isArray(content) ? content : [content]).filter(
    (c): c is ElementNode | string => c !== null && c !== undefined && c !== false && c !== '',
  );
  const node = { tag, attrs: { class: cls, ...attrs } };
  if (parts.length === 0) return { ...node, children: [textEl('span', { class: 'muted' }, MISSING)] };
  // Leading text is the cell's own text (serialized first, as the DOM builds it); later text gets a span.
  const [first, ...rest] = parts;
  const children = (typeof first === 'string' ? rest : parts).map((p) =>
    typeof p === 'string' ? textEl('span', {}, p) : p,
  );
  return {
    ...node,
    ...(typeof first === 'string' ? { text: first } : {}),
    ...(children.length ? { children } : {}),
  };
}

const td = (content: Content | Content[], cls?: string) => cell('td', content, cls);
const sub = (text: string) => textEl('span', { class: 'sub' }, text);

interface Column {
  key?: string;
  label: string;
  /** `num`: right-aligned figures. */
  cls?: string;
}

/** A table with a header row; `cls` names it for styling (`data pomp`). */
function table(columns: readonly Column[], rows: ElementNode[], cls: string): ElementNode {
  return el('table', { class: cls }, [
    el('thead', {}, [
      el(
        'tr',
        {},
        columns.map((c) => cell('th', c.label, c.cls, { scope: 'col', 'data-column': c.key })),
      ),
    ]),
    el('tbody', {}, rows),
  ]);
}

/** A table in a box that scrolls sideways when the page is narrow. */
export const tableWrap = (tableNode: ElementNode): ElementNode =>
  el('div', { class: 'table-wrap' }, [tableNode]);

/** A study's label, with its id beneath when they differ. */
function studyCell(label: string, study: string): ElementNode {
  return label === study ? td(label, 'study') : td([label, sub(study)], 'study');
}

// ---------------------------------------------------------------------------------------------------------
// POMP

const POMP_HEADING = 'Means as percent of the maximum possible score (POMP)';
const POMP_NOTE =
  "Descriptive, not pooled: each arm group's mean as a percentage of its instrument's range, across studies.";

/** Per arm group: k, the mean and range of the studies' POMP, and each study's value; null without any. */
function pompTable(a: Pick<AnalysisResult, 'descriptive'>): ElementNode | null {
  if (!a.descriptive || a.descriptive.groups.length === 0) return null;
  return table(
    [
      { key: 'group', label: 'Arm group' },
      { key: 'k', label: 'k', cls: 'num' },
      { key: 'mean', label: 'Mean', cls: 'num' },
      { key: 'range', label: 'Range', cls: 'num' },
      { key: 'studies', label: 'Studies' },
    ],
    a.descriptive.groups.map((g) =>
      el('tr', {}, [
        td(g.group),
        td(String(g.k), 'num'),
        td(formatNumber(g.mean, 1), 'num'),
        td(`${formatNumber(g.min, 1)}–${formatNumber(g.max, 1)}`, 'num'),
        td(g.studies.map((s) => `${s.study} ${formatNumber(s.pomp, 1)}`).join(', ')),
      ]),
    ),
    'data pomp',
  );
}

/** The POMP block of an analysis: heading, note and table; null without any POMP. */
export function pompSection(a: Pick<AnalysisResult, 'descriptive'>): ElementNode | null {
  const pomp = pompTable(a);
  if (!pomp) return null;
  return el('div', { class: 'pomp' }, [
    textEl('h3', {}, POMP_HEADING),
    textEl('p', { class: 'muted' }, POMP_NOTE),
    tableWrap(pomp),
  ]);
}

// ---------------------------------------------------------------------------------------------------------
// Study characteristics

/** The header row of the characteristics table. */
export function characteristicsHead(columns: CharacteristicsTableData['columns']): ElementNode {
  return el('thead', {}, [
    el(
      'tr',
      {},
      columns.map((c) => cell('th', c.label, undefined, { scope: 'col', 'data-column': c.key })),
    ),
  ]);
}

/** One study's row; each cell is classed by its column, the study's id shown under its label. */
export function characteristicsRow(
  row: CharacteristicsTableData['rows'][number],
  columns: CharacteristicsTableData['columns'],
): ElementNode {
  return el(
    'tr',
    { class: 'characteristics', 'data-study': row.study },
    columns.map((c) => {
      const value = row.cells[c.key];
      const text = value === null || value === undefined ? '' : String(value);
      return c.key === 'study' ? studyCell(text || row.study, row.study) : td(text, c.key);
    }),
  );
}

/** The whole characteristics table. */
export function characteristicsTableNode(data: CharacteristicsTableData): ElementNode {
  return el('table', { class: 'data characteristics' }, [
    characteristicsHead(data.columns),
    el(
      'tbody',
      {},
      data.rows.map((r) => characteristicsRow(r, data.columns)),
    ),
  ]);
}

// ---------------------------------------------------------------------------------------------------------
// An analysis' studies, subgroups and exclusions (the report)

function sideCell(side: SideInput | undefined, dichotomous: boolean): ElementNode {
  if (!side) return td(MISSING);
  const values = dichotomous
    ? `${formatAsGiven(side.events, 0)}/${formatAsGiven(side.n, 0)}`
    : `${formatAsGiven(side.n, 0)} / ${formatAsGiven(side.mean)} (${formatAsGiven(side.sd)})`;
  return td([textEl('span', { class: 'nw' }, values), side.arms.length > 0 && sub(side.arms.join(' + '))]);
}

/** The included studies with their inputs, effect sizes, weights and conversions. */
export function studiesTable(a: AnalysisResult, decimals: number): ElementNode {
  const back = a.studies.some((s) => s.back_transformed);
  const short = measureText(a.measure).short;
  const correlation = a.measure === 'COR';
  const dichotomous = a.measure === 'RR' || a.measure === 'OR' || a.measure === 'RD';
  const level = `${levelText(a.level)} CI`;
  const conversions = a.studies.some((s) => s.conversions.length > 0);
  const columns: Column[] = [
    { label: 'Study' },
    ...(a.subgroups ? [{ label: 'Subgroup' }] : []),
    ...(correlation
      ? [{ label: 'r (from)' }, { label: 'n', cls: 'num' }]
      : [
          { label: dichotomous ? 'Experimental events/n' : 'Experimental n / mean (SD)' },
          { label: dichotomous ? 'Control events/n' : 'Control n / mean (SD)' },
        ]),
    { label: 'yi', cls: 'num' },
    { label: 'vi', cls: 'num' },
    { label: level, cls: 'num' },
    ...(back ? [{ label: `${short} [${level}]`, cls: 'num' }] : []),
    { label: 'Weight', cls: 'num' },
    { label: 'Record' },
    ...(conversions ? [{ label: 'Conversions' }] : []),
  ];
  const rows = a.studies.map((s: StudyResult) => {
    const r = s.inputs.correlation;
    return el('tr', { class: 'study', 'data-study': s.study }, [
      studyCell(s.label, s.study),
      a.subgroups ? td(s.subgroup) : undefined,
      ...(correlation
        ? [
            td(r ? [formatAsGiven(r.r), sub(r.source)] : MISSING),
            td(r ? formatAsGiven(r.n, 0) : MISSING, 'num'),
          ]
        : [sideCell(s.inputs.experimental, dichotomous), sideCell(s.inputs.control, dichotomous)]),
      td(formatNumber(s.yi, 4), 'num'),
      td(formatNumber(s.vi, 4), 'num'),
      td(formatInterval(s.ci, 4), 'num'),
      back &&
        td(
          s.back_transformed
            ? formatEstimate(s.back_transformed.yi, s.back_transformed.ci, decimals)
            : MISSING,
          'num',
        ),
      td(formatPercent(s.weight), 'num'),
      td(s.source),
      conversions &&
        td(
          s.conversions.length > 0
            ? el(
                'ul',
                {},
                s.conversions.map((c) => textEl('li', {}, c)),
              )
            : '',
        ),
    ]);
  });
  return table(columns, rows, 'data studies');
}

/** Each subgroup's pooled figures; null without subgroups. */
export function subgroupsTable(a: AnalysisResult, decimals: number): ElementNode | null {
  if (!a.subgroups || a.subgroups.length === 0) return null;
  return table(
    [
      { label: 'Subgroup' },
      { label: 'k', cls: 'num' },
      { label: `Estimate [${levelText(a.level)} CI]`, cls: 'num' },
      { label: 'τ²', cls: 'num' },
      { label: 'I²', cls: 'num' },
      { label: 'Heterogeneity', cls: 'num' },
      { label: 'Effect', cls: 'num' },
    ],
    a.subgroups.map((s) => {
      const pooled = s.estimate !== null;
      return el('tr', {}, [
        td(s.label),
        td(String(s.k), 'num'),
        td(pooled ? estimateText(s, a.measure, decimals) : 'not pooled', 'num'),
        td(pooled && a.model === 'random' ? formatSmall(s.tau2) : MISSING, 'num'),
        td(pooled ? formatPercent(s.i2) : MISSING, 'num'),
        td(pooled ? qTestText(s.q, s.q_df, s.q_p) : MISSING, 'num'),
        td(pooled ? overallTestText(s) : MISSING, 'num'),
      ]);
    }),
    'data subgroups',
  );
}

/** The excluded studies with the reason of each. */
export function excludedTable(a: Pick<AnalysisResult, 'excluded'>): ElementNode {
  return table(
    [{ label: 'Study' }, { label: 'Reason' }],
    a.excluded.map((e) =>
      el('tr', { class: 'excluded', 'data-study': e.study }, [td(e.study), td(e.reason)]),
    ),
    'data excluded',
  );
}
