// The progress matrix as people read it: the words of each cell, the summary line, the HTML table the
// editor's panel shows (an element tree, serialized with escaping) and the text table the command line
// prints. One wording for both, so a cell reads the same in the panel and in a terminal.
import { countText, MISSING } from '../synthesis/present/format';
import { el, textEl, type ElementNode } from '../synthesis/present/svgTree';
import type { MatrixCell, MatrixColumn, MatrixRow, MatrixSummary, ProgressMatrix } from './progressMatrix';

/** "complete", "draft", "missing"; a folder review.yaml does not name owes no record: a dash. */
function cellStateText(cell: MatrixCell, column: MatrixColumn): string {
  return cell.state === 'missing' && column.role === 'unlisted' ? MISSING : cell.state;
}

/** "28/30 filled · 2 NR · 1 error"; empty for a missing record. */
function cellDetailText(cell: MatrixCell): string {
  if (cell.state === 'missing') return '';
  const parts: string[] = [];
  // A file that cannot be read has no fields to count, only its error.
  if (cell.required > 0) parts.push(`${cell.filled}/${cell.required} filled`);
  if (cell.notReported > 0) parts.push(`${cell.notReported} NR`);
  if (cell.errors > 0) parts.push(countText(cell.errors, 'error'));
  return parts.join(' · ');
}

/** The number of open disagreements; "blinded" while blinding hides them; a dash before two records exist. */
function openDisagreementsText(row: MatrixRow): string {
  if (row.comparison === 'blinded') return 'blinded';
  if (row.comparison === 'single') return MISSING;
  return String(row.openDisagreements);
}

/** What a study still needs, in the order the rows are sorted by. */
export function leftToDoText(row: MatrixRow, columns: readonly MatrixColumn[]): string {
  const parts: string[] = [];
  if (row.missing > 0) parts.push(`${countText(row.missing, 'record')} to extract`);
  if (row.drafts > 0) parts.push(`${countText(row.drafts, 'draft')} to complete`);
  if (row.openDisagreements > 0) parts.push(`${countText(row.openDisagreements, 'disagreement')} to settle`);
  const consensus = row.cells[columns.findIndex((c) => c.role === 'consensus')];
  if (consensus?.state === 'draft') parts.push('consensus to complete');
  if (parts.length > 0) return parts.join(', ');
  return row.adjudicated ? 'adjudicated' : 'nothing left';
}

/** "14 records: 12 complete, 2 drafts; 3 studies with open disagreements", then what else is left. */
export function progressSummaryText(summary: MatrixSummary): string {
  const parts = [
    `${countText(summary.records, 'record')}: ${summary.complete} complete, ${countText(summary.drafts, 'draft')}`,
    `${countText(summary.studiesWithOpenDisagreements, 'study', 'studies')} with open disagreements`,
  ];
  if (summary.missing > 0) parts.push(`${countText(summary.missing, 'record')} to extract`);
  if (summary.blindedStudies > 0)
    parts.push(`${countText(summary.blindedStudies, 'study', 'studies')} blinded`);
  if (summary.adjudicatedStudies > 0)
    parts.push(
      `${summary.adjudicatedStudies} of ${countText(summary.studies, 'study', 'studies')} adjudicated`,
    );
  if (summary.errors > 0) parts.push(countText(summary.errors, 'error'));
  return parts.join('; ');
}

const MARKS: Record<MatrixCell['state'], string> = { complete: '✓', draft: '◐', missing: '○' };

function headerCell(column: MatrixColumn): ElementNode {
  return textEl('th', { scope: 'col', class: `reviewer ${column.role}` }, column.reviewer);
}

/** A record's cell is a button that opens it (the page sends its `data-path`); a missing one is text. */
function recordCell(cell: MatrixCell, column: MatrixColumn, study: string): ElementNode {
  const state = cellStateText(cell, column);
  const content = [
    el('span', { class: 'label' }, [
      textEl('span', { class: 'mark', 'aria-hidden': 'true' }, MARKS[cell.state]),
      textEl('span', { class: 'state' }, state),
    ]),
  ];
  if (cell.state === 'missing')
    return el('td', { class: `cell missing ${column.role}` }, [el('span', { class: 'record' }, content)]);
  const detail = cellDetailText(cell);
  if (detail) content.push(textEl('span', { class: 'detail' }, detail));
  const label = `${column.reviewer}'s record of ${study}: ${state}${detail ? `, ${detail}` : ''}. Opens ${cell.path}`;
  return el('td', { class: `cell ${cell.state} ${column.role}${cell.errors > 0 ? ' has-errors' : ''}` }, [
    el('button', { type: 'button', class: 'record', 'data-path': cell.path, title: label }, content),
  ]);
}

/** The matrix as an HTML table: one row per study, most work left first. */
export function progressMatrixTable(matrix: ProgressMatrix): ElementNode {
  const head = el('tr', {}, [
    textEl('th', { scope: 'col', class: 'study' }, 'Study'),
    ...matrix.columns.map(headerCell),
    textEl('th', { scope: 'col', class: 'num' }, 'Open disagreements'),
    textEl('th', { scope: 'col', class: 'left' }, 'Left to do'),
  ]);
  const rows = matrix.rows.map((row) =>
    el('tr', { 'data-study': row.study }, [
      textEl('th', { scope: 'row', class: 'study' }, row.study),
      ...row.cells.map((cell, i) => recordCell(cell, matrix.columns[i]!, row.study)),
      textEl(
        'td',
        { class: `num disagreements ${row.comparison}${row.openDisagreements > 0 ? ' open' : ''}` },
        openDisagreementsText(row),
      ),
      textEl('td', { class: 'left' }, leftToDoText(row, matrix.columns)),
    ]),
  );
  return el('div', { class: 'table-wrap' }, [
    el('table', { class: 'progress' }, [el('thead', {}, [head]), el('tbody', {}, rows)]),
  ]);
}

/** A review's part of the progress panel: its title, the summary line, then the table. */
export function progressMatrixSection(
  title: string,
  matrix: ProgressMatrix,
  attrs: ElementNode['attrs'] = {},
): ElementNode {
  return el('section', { class: 'review', ...attrs }, [
    textEl('h2', {}, title),
    textEl('p', { class: 'summary' }, progressSummaryText(matrix.summary)),
    matrix.rows.length > 0
      ? progressMatrixTable(matrix)
      : textEl('p', { class: 'empty' }, 'No study records yet: New Study Record creates the first.'),
  ]);
}

/** The matrix as a text table with the summary line beneath, for a terminal. */
export function progressMatrixText(matrix: ProgressMatrix): string {
  const cellText = (cell: MatrixCell, column: MatrixColumn) =>
    [cellStateText(cell, column), cellDetailText(cell)].filter((t) => t !== '').join(' ');
  const table = [
    ['study', ...matrix.columns.map((c) => c.reviewer), 'open disagreements', 'left to do'],
    ...matrix.rows.map((row) => [
      row.study,
      ...row.cells.map((cell, i) => cellText(cell, matrix.columns[i]!)),
      openDisagreementsText(row),
      leftToDoText(row, matrix.columns),
    ]),
  ];
  const widths = table[0]!.map((_, i) => Math.max(...table.map((line) => [...line[i]!].length)));
  const lines = table.map((line) =>
    line
      .map((text, i) => (i === line.length - 1 ? text : text + ' '.repeat(widths[i]! - [...text].length)))
      .join('  ')
      .trimEnd(),
  );
  return `${lines.join('\n')}\n\n${progressSummaryText(matrix.summary)}\n`;
}
