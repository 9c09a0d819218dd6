// A review's extraction progress as a studies × reviewers matrix: one row per study that has any record,
// one column per reviewer of review.yaml (in its order), then the consensus. Built from what the workspace
// already holds (each record's status, filled fields and errors; each study's comparison), and it holds
// statuses and counts only, never a value: a blinded review shows nothing its blinding hides.
import type { StudyState } from '../dual/studyPairs';

export interface MatrixColumn {
  reviewer: string;
  /**
   * `reviewer`: one of review.yaml's reviewers; `consensus`: the adjudicated records; `unlisted`: a records
   * folder review.yaml does not name (shown, so that a stray record is seen, but nobody owes one).
   */
  role: 'reviewer' | 'consensus' | 'unlisted';
}

/**
 * A record that exists, with its required fields filled, its NR values and its errors. Every record not
 * marked `complete` is a draft (as the synthesis dashboard counts); a cell with no record is `missing`.
 */
export interface MatrixRecordCell {
  state: 'complete' | 'draft';
  /** The record file, relative to the review folder. */
  path: string;
  filled: number;
  required: number;
  notReported: number;
  errors: number;
}

export type MatrixCell = { state: 'missing' } | MatrixRecordCell;

export interface MatrixRow {
  study: string;
  /** One per column, in the columns' order. */
  cells: MatrixCell[];
  /** The reviewers' comparison: `single` until two reviewers have a record; `blinded` while blinding hides it. */
  comparison: StudyState;
  /** Disagreements between the two reviewers that no consensus record settles yet (0 unless `compared`). */
  openDisagreements: number;
  /** Its consensus record is complete. */
  adjudicated: boolean;
  /** Reviewers of review.yaml without a record of the study. */
  missing: number;
  /** Records of review.yaml's reviewers not marked complete. */
  drafts: number;
}

export interface MatrixSummary {
  studies: number;
  /** Every record of the matrix, the consensus records included. */
  records: number;
  complete: number;
  drafts: number;
  /** Records review.yaml's reviewers still owe (cells of their columns with no record). */
  missing: number;
  openDisagreements: number;
  studiesWithOpenDisagreements: number;
  blindedStudies: number;
  adjudicatedStudies: number;
  /** Error diagnostics in the matrix's records. */
  errors: number;
}

export interface ProgressMatrix {
  columns: MatrixColumn[];
  /** Most work left first (see `compareRows`). */
  rows: MatrixRow[];
  summary: MatrixSummary;
}

/** The workspace's progress of one record file, as the status bar and the matrix count it. */
export interface RecordProgressSummary {
  path: string;
  study?: string;
  reviewer?: string;
  status?: string;
  filled: number;
  required: number;
  notReported: number;
  errors: number;
}

/** A study's comparison as the workspace last made it. */
interface MatrixStudyInput {
  study: string;
  state: StudyState;
  openDisagreements: number;
}

export interface ProgressMatrixInputs {
  reviewers: readonly string[];
  consensus: string;
  records: readonly RecordProgressSummary[];
  studies: readonly MatrixStudyInput[];
}

const byText = (x: string, y: string) => (x < y ? -1 : x > y ? 1 : 0);

/**
 * Most work left first: reviewer records missing, then drafts, then open disagreements, then studies not
 * adjudicated; ties by study id, so that the order is the same on every machine.
 */
function compareRows(x: MatrixRow, y: MatrixRow): number {
  return (
    y.missing - x.missing ||
    y.drafts - x.drafts ||
    y.openDisagreements - x.openDisagreements ||
    Number(x.adjudicated) - Number(y.adjudicated) ||
    byText(x.study, y.study)
  );
}

export function progressMatrix(inputs: ProgressMatrixInputs): ProgressMatrix {
  const { reviewers, consensus } = inputs;
  const unlisted = [
    ...new Set(
      inputs.records
        .map((r) => r.reviewer)
        .filter((r): r is string => r !== undefined && r !== consensus && !reviewers.includes(r)),
    ),
  ].sort(byText);
  const columns: MatrixColumn[] = [
    ...reviewers.map((reviewer): MatrixColumn => ({ reviewer, role: 'reviewer' })),
    // review.yaml naming its consensus as a reviewer is an error of its own: the column is not doubled.
    ...(reviewers.includes(consensus) ? [] : [{ reviewer: consensus, role: 'consensus' as const }]),
    ...unlisted.map((reviewer): MatrixColumn => ({ reviewer, role: 'unlisted' })),
  ];
  const columnOf = new Map(columns.map((c, i) => [c.reviewer, i]));

  const cellsByStudy = new Map<string, MatrixCell[]>();
  for (const record of inputs.records) {
    if (record.study === undefined || record.reviewer === undefined) continue;
    let cells = cellsByStudy.get(record.study);
    if (!cells) {
      cells = columns.map((): MatrixCell => ({ state: 'missing' }));
      cellsByStudy.set(record.study, cells);
    }
    cells[columnOf.get(record.reviewer)!] = {
      state: record.status === 'complete' ? 'complete' : 'draft',
      path: record.path,
      filled: record.filled,
      required: record.required,
      notReported: record.notReported,
      errors: record.errors,
    };
  }

  const comparisons = new Map(inputs.studies.map((s) => [s.study, s]));
  const consensusColumn = columns.findIndex((c) => c.role === 'consensus');
  const rows = [...cellsByStudy].map(([study, cells]): MatrixRow => {
    const owed = cells.filter((_, i) => columns[i]!.role === 'reviewer');
    const comparison = comparisons.get(study);
    return {
      study,
      cells,
      comparison: comparison?.state ?? 'single',
      openDisagreements: comparison?.state === 'compared' ? comparison.openDisagreements : 0,
      adjudicated: cells[consensusColumn]?.state === 'complete',
      missing: owed.filter((c) => c.state === 'missing').length,
      drafts: owed.filter((c) => c.state === 'draft').length,
    };
  });
  rows.sort(compareRows);

  const records = rows.flatMap((row) =>
    row.cells.filter((c): c is MatrixRecordCell => c.state !== 'missing'),
  );
  return {
    columns,
    rows,
    summary: {
      studies: rows.length,
      records: records.length,
      complete: records.filter((c) => c.state === 'complete').length,
      drafts: records.filter((c) => c.state === 'draft').length,
      missing: rows.reduce((sum, row) => sum + row.missing, 0),
      openDisagreements: rows.reduce((sum, row) => sum + row.openDisagreements, 0),
      studiesWithOpenDisagreements: rows.filter((row) => row.openDisagreements > 0).length,
      blindedStudies: rows.filter((row) => row.comparison === 'blinded').length,
      adjudicatedStudies: rows.filter((row) => row.adjudicated).length,
      errors: records.reduce((sum, c) => sum + c.errors, 0),
    },
  };
}
