import type { MatrixCell, ProgressMatrix } from '../core/workspace/progressMatrix';
import { jsonDocument } from './checkFormats';

function cellJson(cell: MatrixCell) {
  if (cell.state === 'missing') return { state: cell.state };
  const { state, path, filled, required, notReported, errors } = cell;
  return { state, path, filled, required, not_reported: notReported, errors };
}

/** `progress --format json`: the matrix with each study's records keyed by reviewer, most work left first. */
export function formatProgressJson(title: string, matrix: ProgressMatrix): string {
  const { summary } = matrix;
  return jsonDocument({
    title,
    columns: matrix.columns,
    studies: matrix.rows.map((row) => ({
      study: row.study,
      records: Object.fromEntries(row.cells.map((cell, i) => [matrix.columns[i]!.reviewer, cellJson(cell)])),
      comparison: row.comparison,
      open_disagreements: row.openDisagreements,
      adjudicated: row.adjudicated,
      missing: row.missing,
      drafts: row.drafts,
    })),
    summary: {
      studies: summary.studies,
      records: summary.records,
      complete: summary.complete,
      drafts: summary.drafts,
      missing: summary.missing,
      open_disagreements: summary.openDisagreements,
      studies_with_open_disagreements: summary.studiesWithOpenDisagreements,
      blinded_studies: summary.blindedStudies,
      adjudicated_studies: summary.adjudicatedStudies,
      errors: summary.errors,
    },
  });
}
