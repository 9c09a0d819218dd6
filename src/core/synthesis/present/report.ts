// The synthesis as a standalone HTML report (`study-extract synthesize --format html`, the panel's export):
// one document with its own styles (light, dark, print), no scripts and no external resources, readable in
// any browser and printable. Every piece of record or protocol text is escaped; drawings come from
// forestPlot() serialized by svgTree. Pure and deterministic: the caller passes the date.
import { escapeXml, serializeMarkup } from './svgTree';
import type { AnalysisResult, SynthesisReport } from '../analysis';
import { characteristicsTable, type StudyCharacteristics } from '../characteristics';
import { forestPlot } from './forestPlot';
import {
  displayDecimals,
  estimateText,
  formatEstimate,
  formatInterval,
  formatNumber,
  heterogeneityText,
  levelText,
  measureText,
  modelText,
  overallTestText,
  qTestText,
} from './format';
import {
  characteristicsTableNode,
  excludedTable,
  pompSection,
  studiesTable,
  subgroupsTable,
  tableWrap,
} from './tables';

export interface SynthesisHtmlInput {
  /** The review's title (review.yaml `title`). */
  title: string;
  /** When the report was made, as the caller wants it shown (an ISO date). */
  generated: string;
  report: SynthesisReport;
  characteristics?: StudyCharacteristics[];
}

const esc = (text: string | number | null | undefined): string =>
  text === null || text === undefined ? '' : escapeXml(String(text));

function pooledSection(a: AnalysisResult, decimals: number): string {
  if (!a.pooled || a.estimate === null) {
    const why = a.reason ?? 'no pooled estimate.';
    return `<p class="note">${esc(a.runnable ? 'Not pooled' : 'Cannot run')}: ${esc(why)}</p>`;
  }
  const scaleName = measureText(a.measure).pooledAs;
  const lines = [
    `<li><strong>${esc(modelText(a))}, k = ${esc(a.k)}:</strong> ${esc(estimateText(a, a.measure, decimals))}${
      scaleName
        ? ` <span class="muted">(${esc(scaleName)} ${esc(formatEstimate(a.estimate, a.ci, 4))}, SE ${esc(formatNumber(a.se, 4))})</span>`
        : ` <span class="muted">(SE ${esc(formatNumber(a.se, 4))})</span>`
    }</li>`,
    `<li>Test for overall effect: ${esc(overallTestText(a))}</li>`,
  ];
  if (a.pi) {
    const pi = a.back_transformed?.pi ?? a.pi;
    lines.push(
      `<li>${esc(`${levelText(a.level)} prediction interval: ${formatInterval(pi, decimals)}`)}</li>`,
    );
  }
  const extra = a.model === 'random' && a.tau2_se !== null ? ` (SE of τ² ${formatNumber(a.tau2_se, 4)})` : '';
  lines.push(
    `<li>Heterogeneity: ${esc(heterogeneityText(a, a.model))}${a.h2 !== null ? `, H² = ${esc(formatNumber(a.h2, 2))}` : ''}${esc(extra)}</li>`,
  );
  return `<ul class="pooled">${lines.join('')}</ul>`;
}

function subgroupSection(a: AnalysisResult, decimals: number): string {
  const subgroups = subgroupsTable(a, decimals);
  if (!subgroups) return '';
  const test = a.subgroup_test
    ? `<p>Test for subgroup differences: ${esc(qTestText(a.subgroup_test.q, a.subgroup_test.df, a.subgroup_test.p))} <span class="muted">(${esc(a.subgroup_test.method)})</span></p>`
    : '';
  return `<h3>Subgroups</h3>\n${serializeMarkup(tableWrap(subgroups))}\n${test}`;
}

function settings(a: AnalysisResult): string {
  const items: [string, string][] = [];
  if (a.outcome) items.push(['Outcome', a.outcome]);
  items.push(['Measure', measureText(a.measure).name]);
  items.push(['Model', a.model === 'random' ? 'Random effects' : 'Common effect']);
  if (a.model === 'random') items.push(['τ² estimator', a.method]);
  items.push([
    'Confidence intervals',
    `${levelText(a.level)}, ${a.ci_method === 'hksj' ? 'Knapp-Hartung (t distribution)' : 'normal (z)'}`,
  ]);
  items.push(['Studies', `${a.studies.length} included, ${a.excluded.length} excluded`]);
  return `<dl class="settings">${items.map(([k, v]) => `<div><dt>${esc(k)}</dt><dd>${esc(v)}</dd></div>`).join('')}</dl>`;
}

function analysisSection(a: AnalysisResult, index: number): string {
  const anchor = `analysis-${index + 1}`;
  const heading = a.title ?? a.id;
  if (!a.measure) {
    return `<section class="analysis" id="${anchor}">
<h2>${esc(heading)} <span class="id">${esc(a.id)}</span></h2>
<p class="note">Cannot run: ${esc(a.reason ?? 'the configuration is broken.')}</p>
</section>`;
  }
  const decimals = displayDecimals(a);
  const parts = [
    `<section class="analysis" id="${anchor}">`,
    `<h2>${esc(heading)}${a.title ? ` <span class="id">${esc(a.id)}</span>` : ''}</h2>`,
    settings(a),
  ];
  if (a.studies.length > 0) {
    parts.push(
      `<figure class="forest">${serializeMarkup(forestPlot(a, { width: 900 }))}<figcaption>Forest plot: squares sized by weight with ${esc(levelText(a.level))} confidence intervals${a.pooled ? ', the pooled estimate as a diamond' : ''}${a.pi ? ' and the prediction interval below it' : ''}.</figcaption></figure>`,
    );
  }
  parts.push('<h3>Pooled result</h3>', pooledSection(a, decimals));
  parts.push(subgroupSection(a, decimals));
  if (a.studies.length > 0)
    parts.push(
      `<h3>Included studies (${a.studies.length})</h3>`,
      serializeMarkup(tableWrap(studiesTable(a, decimals))),
    );
  if (a.excluded.length > 0)
    parts.push(
      `<h3>Excluded studies (${a.excluded.length})</h3>`,
      serializeMarkup(tableWrap(excludedTable(a))),
    );
  const pomp = pompSection(a);
  parts.push(pomp ? serializeMarkup(pomp) : '', '</section>');
  return parts.filter((p) => p !== '').join('\n');
}

function characteristicsSection(rows: StudyCharacteristics[]): string {
  return `<section id="characteristics">
<h2>Study characteristics</h2>
${serializeMarkup(tableWrap(characteristicsTableNode(characteristicsTable(rows))))}
</section>`;
}

const STYLE = `
:root {
  color-scheme: light dark;
  --fg: #1b1b1f; --bg: #ffffff; --muted: #5d5d66; --rule: #d7d7de; --head: #f3f4f7; --accent: #0b57a4;
  --square: #1f4e79; --diamond: #1b1b1f; --note-bg: #fff7e0; --note-fg: #5b4300;
}
@media (prefers-color-scheme: dark) {
  :root {
    --fg: #e4e4e8; --bg: #18181b; --muted: #a3a3ad; --rule: #3b3b42; --head: #23232a; --accent: #7ab8ff;
    --square: #8cc4ff; --diamond: #e4e4e8; --note-bg: #3a300f; --note-fg: #f3dc9b;
  }
}
* { box-sizing: border-box; }
html { background: var(--bg); }
body {
  margin: 0 auto; max-width: 1120px; padding: 2rem 1.5rem 4rem; color: var(--fg); background: var(--bg);
  font: 15px/1.5 system-ui, -apple-system, 'Segoe UI', Roboto, 'Helvetica Neue', Arial, sans-serif;
}
h1 { font-size: 1.7rem; line-height: 1.25; margin: 0 0 .25rem; }
h2 { font-size: 1.3rem; margin: 2.5rem 0 .5rem; padding-top: .5rem; border-top: 2px solid var(--rule); }
h3 { font-size: 1.05rem; margin: 1.5rem 0 .4rem; }
a { color: var(--accent); }
.meta, .muted, figcaption { color: var(--muted); }
.id { font: .8em ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; color: var(--muted); font-weight: normal; }
nav ol { margin: .5rem 0 0; padding-left: 1.4rem; }
dl.settings { display: flex; flex-wrap: wrap; gap: .25rem 1.75rem; margin: .5rem 0 1rem; }
dl.settings div { display: flex; gap: .4rem; }
dl.settings dt { color: var(--muted); }
dl.settings dd { margin: 0; }
figure.forest { margin: 1rem 0; overflow-x: auto; }
figure.forest svg { display: block; max-width: 100%; height: auto; color: var(--fg); }
.fp-square { fill: var(--square); }
.fp-diamond.fp-overall { fill: var(--diamond); }
figcaption { font-size: .85rem; margin-top: .25rem; }
.table-wrap { overflow-x: auto; margin: .25rem 0 1rem; }
table { border-collapse: collapse; font-size: .85rem; font-variant-numeric: tabular-nums; }
th, td { padding: .3rem .55rem; border-bottom: 1px solid var(--rule); text-align: left; vertical-align: top; }
thead th { background: var(--head); border-bottom: 2px solid var(--rule); font-weight: 600; }
td.num, th.num { text-align: right; white-space: nowrap; }
td.study, .nw { white-space: nowrap; }
td ul { margin: 0; padding-left: 1rem; }
.sub { display: block; font-size: .8em; color: var(--muted); }
ul.pooled { padding-left: 1.2rem; margin: .25rem 0; }
.note { background: var(--note-bg); color: var(--note-fg); padding: .5rem .75rem; border-radius: 4px; }
footer { margin-top: 3rem; font-size: .8rem; color: var(--muted); }
@media print {
  :root {
    --fg: #000; --bg: #fff; --muted: #444; --rule: #bbb; --head: #eee; --accent: #000; --square: #000;
    --diamond: #000; --note-bg: #fff; --note-fg: #000;
  }
  body { max-width: none; padding: 0; font-size: 10pt; }
  nav { display: none; }
  section.analysis { break-before: page; }
  figure, tr, dl { break-inside: avoid; }
  .table-wrap, figure.forest { overflow: visible; }
  a { color: inherit; text-decoration: none; }
  .note { border: 1px solid #999; }
}
`;

/** The whole report: a standalone HTML5 document without scripts. */
export function synthesisHtmlReport(input: SynthesisHtmlInput): string {
  const { report } = input;
  const analyses = report.analyses;
  const toc = [
    ...analyses.map(
      (a, i) =>
        `<li><a href="#analysis-${i + 1}">${esc(a.title ?? a.id)}</a>${a.pooled ? ` <span class="muted">${esc(`k = ${a.k}, ${estimateText(a, a.measure, displayDecimals(a))}`)}</span>` : ''}</li>`,
    ),
    ...(input.characteristics ? ['<li><a href="#characteristics">Study characteristics</a></li>'] : []),
  ];
  const body = [
    `<header>
<h1>${esc(input.title)}</h1>
<p class="meta">Synthesis report · generated ${esc(input.generated)} · ${esc(analyses.length)} ${analyses.length === 1 ? 'analysis' : 'analyses'}</p>
</header>`,
    toc.length > 0 ? `<nav aria-label="Contents"><ol>${toc.join('')}</ol></nav>` : '',
    '<main>',
    analyses.length === 0 ? '<p class="note">review.yaml defines no analyses (synthesis.analyses).</p>' : '',
    ...analyses.map(analysisSection),
    input.characteristics ? characteristicsSection(input.characteristics) : '',
    '</main>',
    `<footer>Made by Study Extraction. Effect sizes and pooling follow metafor (escalc, rma.uni). For each study its consensus record speaks; else its two complete reviewer records when they agree on every value an analysis reads; else the study is excluded, with the reason.</footer>`,
  ];
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="color-scheme" content="light dark">
<meta name="generator" content="Study Extraction">
<title>${esc(`${input.title} — synthesis report`)}</title>
<style>${STYLE}</style>
</head>
<body>
${body.filter((b) => b !== '').join('\n')}
</body>
</html>
`;
}
