import type { AnalysisResult, PooledFigures, StudyResult, SynthesisReport } from '../analysis';
import { csvText } from './csv';
import { serializeMarkup } from './svgTree';
import { forestPlot } from './forestPlot';
import {
  formatInterval,
  formatNumber,
  formatPercent,
  levelText,
  measureText,
  overallTestText,
  qTestText,
} from './format';

// ---------------------------------------------------------------------------------------------------------
// JSON: DESIGN §3's fields first, in its order, then the extras under keys the contract does not use.

function studyJson(s: StudyResult) {
  return {
    study: s.study,
    yi: s.yi,
    vi: s.vi,
    weight: s.weight,
    label: s.label,
    ci: s.ci,
    subgroup: s.subgroup,
    source: s.source,
    inputs: s.inputs,
    conversions: s.conversions,
    back_transformed: s.back_transformed,
  };
}

function figuresJson(f: PooledFigures) {
  return {
    k: f.k,
    estimate: f.estimate,
    se: f.se,
    ci: f.ci,
    z: f.z,
    p: f.p,
    tau2: f.tau2,
    i2: f.i2,
    h2: f.h2,
    q: f.q,
    q_df: f.q_df,
    q_p: f.q_p,
    pi: f.pi,
  };
}

function figuresExtras(f: PooledFigures) {
  return {
    test: f.test,
    df: f.df,
    tau2_se: f.tau2_se,
    back_transformed: f.back_transformed,
    reason: f.reason,
  };
}

function analysisJson(a: AnalysisResult) {
  return {
    id: a.id,
    measure: a.measure,
    model: a.model,
    method: a.method,
    ...figuresJson(a),
    studies: a.studies.map(studyJson),
    excluded: a.excluded.map(({ study, reason }) => ({ study, reason })),
    title: a.title,
    outcome: a.outcome,
    ci_method: a.ci_method,
    level: a.level,
    ...figuresExtras(a),
    pooled: a.pooled,
    runnable: a.runnable,
    subgroups:
      a.subgroups?.map((s) => ({
        label: s.label,
        studies: s.studies,
        ...figuresJson(s),
        ...figuresExtras(s),
      })) ?? null,
    subgroup_test: a.subgroup_test,
    descriptive: a.descriptive,
  };
}

/** The JSON of DESIGN §3 (non-finite numbers become null). */
export function formatSynthesizeJson(report: SynthesisReport): string {
  return `${JSON.stringify({ analyses: report.analyses.map(analysisJson) }, null, 2)}\n`;
}

// ---------------------------------------------------------------------------------------------------------
// Text: a readable table per analysis.

// The text is read in terminals and pasted into R: numbers keep the ASCII minus, estimates four decimals.
const num = (value: number | null | undefined, digits = 3) => formatNumber(value, digits, '-');
const interval = (ci: [number, number] | null | undefined, digits = 3) =>
  ci ? formatInterval(ci, digits, '-') : '';
const MODEL_TEXT: Record<string, string> = { random: 'random effects', common: 'common effect' };

function pooledLines(f: PooledFigures, measure: string, model: string, indent: string): string[] {
  if (f.estimate === null) return [`${indent}Not pooled: ${f.reason ?? 'no estimate.'}`];
  const lines: string[] = [];
  lines.push(
    `${indent}Estimate ${num(f.estimate, 4)} ${interval(f.ci, 4)}, SE ${num(f.se, 4)}, ${overallTestText(f, '-')}`,
  );
  if (f.back_transformed) {
    const b = f.back_transformed;
    lines.push(
      `${indent}${measureText(measure).short} ${num(b.estimate, 3)} ${interval(b.ci)}${b.pi ? `, prediction interval ${interval(b.pi)}` : ''}`,
    );
  }
  if (model === 'random') {
    lines.push(
      `${indent}tau² = ${num(f.tau2, 4)} (SE ${num(f.tau2_se, 4)}), I² = ${formatPercent(f.i2)}, H² = ${num(f.h2, 2)}; prediction interval ${interval(f.pi, 4)}`,
    );
  } else {
    lines.push(`${indent}I² = ${formatPercent(f.i2)}, H² = ${num(f.h2, 2)}`);
  }
  lines.push(`${indent}Heterogeneity: ${qTestText(f.q, f.q_df, f.q_p, 4, '-')}`);
  return lines;
}

function studyTable(a: AnalysisResult, indent: string): string[] {
  const studies = a.studies;
  const back = studies.some((s) => s.back_transformed);
  const rows = studies.map((s) => [
    `${s.label}${s.label === s.study ? '' : ` (${s.study})`}`,
    num(s.yi),
    interval(s.ci),
    ...(back && s.back_transformed
      ? [`${num(s.back_transformed.yi)} ${interval(s.back_transformed.ci)}`]
      : []),
    formatPercent(s.weight),
  ]);
  const header = [
    'study',
    'yi',
    `${levelText(a.level)} CI`,
    ...(back ? [measureText(a.measure).short] : []),
    'weight',
  ];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[]) =>
    `${indent}${cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ')}`.trimEnd();
  const out = [line(header), ...rows.map(line)];
  for (const s of studies) {
    if (s.conversions.length > 0) out.push(`${indent}  ${s.study}: ${s.conversions.join('; ')}`);
  }
  return out;
}

function analysisText(a: AnalysisResult): string[] {
  const lines = [`${a.id}${a.title ? `: ${a.title}` : ''}`];
  if (!a.measure) {
    lines.push(`  Cannot run: ${a.reason ?? 'the configuration is broken.'}`);
    return lines;
  }
  const ci = a.ci_method === 'hksj' ? 'Knapp-Hartung (t)' : 'z';
  const model = a.model === 'random' ? `random effects (${a.method})` : (MODEL_TEXT[a.model] ?? a.model);
  lines.push(
    `  ${measureText(a.measure).scale}, ${model}, ${levelText(a.level)} CI by ${ci}; outcome ${a.outcome}`,
  );
  if (a.studies.length > 0) lines.push(...studyTable(a, '  '));
  lines.push(`  Pooled (k = ${a.k}):`);
  lines.push(...pooledLines(a, a.measure, a.model, '    '));
  if (a.subgroups) {
    for (const s of a.subgroups) {
      lines.push(`  Subgroup ${s.label} (k = ${s.k}: ${s.studies.join(', ')}):`);
      lines.push(...pooledLines(s, a.measure, a.model, '    '));
    }
    if (a.subgroup_test) {
      lines.push(
        `  Test for subgroup differences: ${qTestText(a.subgroup_test.q, a.subgroup_test.df, a.subgroup_test.p, 4, '-')} (${a.subgroup_test.method})`,
      );
    }
  }
  if (a.excluded.length > 0) {
    lines.push(`  Excluded (${a.excluded.length}):`);
    for (const e of a.excluded) lines.push(`    ${e.study}: ${e.reason}`);
  }
  if (a.descriptive) {
    lines.push('  Means as percent of the maximum possible score (POMP), not pooled:');
    const width = Math.max(5, ...a.descriptive.groups.map((g) => g.group.length));
    lines.push(
      `    ${'group'.padEnd(width)}  ${'k'.padStart(2)}  ${'mean'.padStart(5)}  ${'range'.padStart(11)}`,
    );
    for (const g of a.descriptive.groups) {
      lines.push(
        `    ${g.group.padEnd(width)}  ${String(g.k).padStart(2)}  ${num(g.mean, 1).padStart(5)}  ${`${num(g.min, 1)}–${num(g.max, 1)}`.padStart(11)}`,
      );
    }
  }
  return lines;
}

export function formatSynthesizeText(report: SynthesisReport): string {
  if (report.analyses.length === 0) return 'review.yaml defines no analyses (synthesis.analyses).\n';
  return `${report.analyses.map((a) => analysisText(a).join('\n')).join('\n\n')}\n`;
}

// ---------------------------------------------------------------------------------------------------------
// CSV, long format: one row per study per analysis (included or excluded), with the arm-level inputs.

const SYNTHESIZE_CSV_COLUMNS = [
  'analysis',
  'measure',
  'study',
  'label',
  'status',
  'reason',
  'source',
  'subgroup',
  'yi',
  'vi',
  'ci_lower',
  'ci_upper',
  'weight',
  'experimental_arms',
  'experimental_n',
  'experimental_mean',
  'experimental_sd',
  'experimental_events',
  'control_arms',
  'control_n',
  'control_mean',
  'control_sd',
  'control_events',
  'r_source',
  'r',
  'r_n',
  'conversions',
] as const;

export function formatSynthesizeCsv(report: SynthesisReport): string {
  const rows: unknown[][] = [[...SYNTHESIZE_CSV_COLUMNS]];
  for (const a of report.analyses) {
    for (const s of a.studies) {
      const e = s.inputs.experimental;
      const c = s.inputs.control;
      const r = s.inputs.correlation;
      rows.push([
        a.id,
        a.measure,
        s.study,
        s.label,
        'included',
        '',
        s.source,
        s.subgroup,
        s.yi,
        s.vi,
        s.ci[0],
        s.ci[1],
        s.weight,
        e?.arms.join(' + '),
        e?.n,
        e?.mean,
        e?.sd,
        e?.events,
        c?.arms.join(' + '),
        c?.n,
        c?.mean,
        c?.sd,
        c?.events,
        r?.source,
        r?.r,
        r?.n,
        s.conversions.join('; '),
      ]);
    }
    for (const x of a.excluded) {
      const row: unknown[] = SYNTHESIZE_CSV_COLUMNS.map(() => '');
      row[0] = a.id;
      row[1] = a.measure;
      row[2] = x.study;
      row[4] = 'excluded';
      row[5] = x.reason;
      rows.push(row);
    }
  }
  return csvText(rows);
}

// ---------------------------------------------------------------------------------------------------------
// SVG: the forest plot of one analysis as a standalone file (white background, the title on top).

export function formatSynthesizeSvg(analysis: AnalysisResult): string {
  return `<?xml version="1.0" encoding="UTF-8"?>\n${serializeMarkup(forestPlot(analysis, { theme: 'print' }))}\n`;
}
