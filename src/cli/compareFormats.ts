import { csvText } from '../core/synthesis/present/csv';
import type { ReviewComparison } from '../core/dual/studyPairs';
import { describeCompared } from '../core/dual/studyPairs';
import { jsonDocument, textLine } from './checkFormats';

/** The JSON of DESIGN §3: studies with their disagreements, and the agreement statistics. */
export function formatCompareJson(comparison: ReviewComparison): string {
  const document = {
    studies: comparison.studies.map((s) => ({
      study: s.study,
      reviewers: s.reviewers,
      state: s.state,
      disagreements: s.disagreements.map((d) => ({ path: d.path, a: d.a ?? null, b: d.b ?? null })),
    })),
    agreement: {
      overall: comparison.agreement.overall,
      fields: comparison.agreement.fields.map(({ field, pairs, agreed, percent, kappa }) => ({
        field,
        pairs,
        agreed,
        percent,
        kappa,
      })),
    },
  };
  return jsonDocument(document);
}

function formatPercent(value: number | null): string {
  return value === null ? '–' : `${value.toFixed(1)}%`;
}

function formatKappa(value: number | null): string {
  return value === null ? '–' : value.toFixed(3);
}

export function formatCompareText(comparison: ReviewComparison): string {
  const lines: string[] = [];
  let blinded = 0;
  for (const study of comparison.studies) {
    if (study.state === 'single') {
      lines.push(`${study.study}: only ${study.reviewers[0] ?? 'one reviewer'} has extracted it`);
    } else if (study.state === 'blinded') {
      blinded++;
    } else if (study.disagreements.length === 0) {
      lines.push(`${study.study} (${study.reviewers.join(' vs ')}): no disagreements`);
    } else {
      const count = study.disagreements.length;
      lines.push(
        `${study.study} (${study.reviewers.join(' vs ')}): ${count} disagreement${count === 1 ? '' : 's'}`,
      );
      for (const d of study.disagreements) {
        lines.push(
          `  ${d.path}: ${study.reviewers[0]} ${describeCompared(d.a)} · ${study.reviewers[1]} ${describeCompared(d.b)}`,
        );
      }
    }
  }
  if (blinded > 0) {
    lines.push(
      `${blinded} stud${blinded === 1 ? 'y is' : 'ies are'} blinded: disagreements are shown once both records are complete.`,
    );
  }
  const { overall, fields } = comparison.agreement;
  lines.push('');
  if (overall.pairs === 0) {
    lines.push('Agreement: no study has two complete records yet.');
  } else {
    lines.push('Agreement (studies with both records complete):');
    // Escaped before padding, so that the columns line up.
    const rows = [...fields, { field: 'overall', ...overall }].map((f) => ({
      ...f,
      field: textLine(f.field),
    }));
    const width = Math.max(7, ...rows.map((f) => f.field.length));
    lines.push(
      `  ${'field'.padEnd(width)}  ${'pairs'.padStart(5)}  ${'agreed'.padStart(6)}  ${'percent'.padStart(7)}  ${'kappa'.padStart(6)}`,
    );
    for (const f of rows) {
      lines.push(
        `  ${f.field.padEnd(width)}  ${String(f.pairs).padStart(5)}  ${String(f.agreed).padStart(6)}  ${formatPercent(f.percent).padStart(7)}  ${formatKappa(f.kappa).padStart(6)}`,
      );
    }
    lines.push("  kappa: Cohen's kappa, for fields with a fixed set of values; – where it is undefined.");
  }
  // Study ids, reviewer names, keys and values come from the records: each stays on its line.
  return `${lines.map(textLine).join('\n')}\n`;
}

/** One row per disagreement (and one per blinded or single-reviewer study), for spreadsheets. */
export function formatCompareCsv(comparison: ReviewComparison): string {
  const rows: unknown[][] = [['study', 'state', 'path', 'reviewer_a', 'value_a', 'reviewer_b', 'value_b']];
  for (const study of comparison.studies) {
    const [ra, rb] = study.reviewers;
    if (study.state !== 'compared' || study.disagreements.length === 0) {
      rows.push([study.study, study.state, '', ra, '', rb, '']);
      continue;
    }
    for (const d of study.disagreements) rows.push([study.study, study.state, d.path, ra, d.a, rb, d.b]);
  }
  return csvText(rows);
}
