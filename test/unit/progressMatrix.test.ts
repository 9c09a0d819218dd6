// The studies × reviewers progress matrix over an in-memory review, as the workspace builds it: one row per
// study, reviewers in protocol order then the consensus, cells by status with their counts, open
// disagreements and adjudication per study, the rows sorted by what is left to do; and its words, table and
// text as the panel and the command line show them.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { ReviewWorkspace } from '../../src/core/workspace/reviewWorkspace';
import type { MatrixRecordCell, ProgressMatrix } from '../../src/core/workspace/progressMatrix';
import {
  leftToDoText,
  progressMatrixTable,
  progressMatrixText,
  progressSummaryText,
} from '../../src/core/workspace/progressMatrixPresent';
import { serializeMarkup } from '../../src/core/synthesis/present/svgTree';
import { MemoryFileSystem } from '../support/memoryFileSystem';
import { record, reviewFiles, type ReviewOptions, type StudyRecord } from '../support/records';

const DISAGREED = 'outcomes[alliance].results.f2f.mean';

/** A complete record of a two-arm trial; `f2fMean` is the value the reviewers may disagree on. */
function extracted(study: string, reviewer: string, f2fMean = 5.5): StudyRecord {
  return record(study, reviewer)
    .status('complete')
    .arm('online', 'email', 25)
    .arm('f2f', 'face-to-face', 28)
    .continuous('alliance', { online: [5.9, 0.8], f2f: [f2fMean, 0.9] }, { instrument: 'WAI' });
}

async function matrixOf(options: ReviewOptions, records: StudyRecord[]): Promise<ProgressMatrix> {
  const fs = new MemoryFileSystem();
  for (const [path, text] of Object.entries(reviewFiles(options, records)))
    fs.writeFile(`/review/${path}`, text);
  const workspace = new ReviewWorkspace('/review', fs, { trusted: () => true });
  const { matrix } = await workspace.progress(undefined, { matrix: true });
  assert.ok(matrix, 'progress({ matrix: true }) returned no matrix');
  return matrix;
}

const settled = (study: string) =>
  extracted(study, 'consensus')
    .set('adjudication', [
      {
        field: DISAGREED,
        chosen: 'ek',
        value: 5.5,
        rationale: 'Table 2',
        adjudicator: 'rc',
        date: '2026-01-05',
      },
    ])
    .status('complete');

const RECORDS = [
  // Both complete and agreeing, no consensus: nothing left, not adjudicated.
  extracted('omega-2016', 'ek'),
  extracted('omega-2016', 'mk'),
  extracted('alpha-2010', 'ek'),
  extracted('alpha-2010', 'mk'),
  // A record in a folder review.yaml does not name.
  extracted('alpha-2010', 'zz'),
  // One open disagreement.
  extracted('beta-2011', 'ek'),
  extracted('beta-2011', 'mk', 5.2),
  // The same disagreement, settled in a complete consensus record.
  extracted('delta-2013', 'ek'),
  extracted('delta-2013', 'mk', 5.2),
  settled('delta-2013'),
  // One reviewer's draft, the other reviewer's record missing.
  record('gamma-2012', 'ek'),
  // One draft beside a complete record.
  extracted('zeta-2015', 'ek'),
  extracted('zeta-2015', 'mk').status('draft'),
];

describe('progress matrix', () => {
  test('columns: the reviewers in protocol order, the consensus, then folders review.yaml does not name', async () => {
    const matrix = await matrixOf({ reviewers: ['mk', 'ek'] }, RECORDS);
    assert.deepEqual(matrix.columns, [
      { reviewer: 'mk', role: 'reviewer' },
      { reviewer: 'ek', role: 'reviewer' },
      { reviewer: 'consensus', role: 'consensus' },
      { reviewer: 'zz', role: 'unlisted' },
    ]);
  });

  test('rows: most work left first (missing, drafts, open disagreements, not adjudicated), ties by study id', async () => {
    const matrix = await matrixOf({}, RECORDS);
    const rows = matrix.rows.map((r) => ({
      study: r.study,
      missing: r.missing,
      drafts: r.drafts,
      open: r.openDisagreements,
      comparison: r.comparison,
      adjudicated: r.adjudicated,
    }));
    assert.deepEqual(rows, [
      { study: 'gamma-2012', missing: 1, drafts: 1, open: 0, comparison: 'single', adjudicated: false },
      { study: 'zeta-2015', missing: 0, drafts: 1, open: 0, comparison: 'compared', adjudicated: false },
      { study: 'beta-2011', missing: 0, drafts: 0, open: 1, comparison: 'compared', adjudicated: false },
      { study: 'alpha-2010', missing: 0, drafts: 0, open: 0, comparison: 'compared', adjudicated: false },
      { study: 'omega-2016', missing: 0, drafts: 0, open: 0, comparison: 'compared', adjudicated: false },
      { study: 'delta-2013', missing: 0, drafts: 0, open: 0, comparison: 'compared', adjudicated: true },
    ]);
  });

  test('cells: the state of each record, its path and counts; missing where there is no record', async () => {
    const matrix = await matrixOf({}, RECORDS);
    const row = (study: string) => matrix.rows.find((r) => r.study === study)!;
    assert.deepEqual(
      row('gamma-2012').cells.map((c) => c.state),
      ['draft', 'missing', 'missing', 'missing'],
    );
    const draft = row('gamma-2012').cells[0] as MatrixRecordCell;
    assert.equal(draft.path, 'records/ek/gamma-2012.study.yaml');
    assert.ok(draft.filled < draft.required, `${draft.filled}/${draft.required}: arms and outcomes are left`);
    const complete = row('beta-2011').cells[1] as MatrixRecordCell;
    assert.equal(complete.state, 'complete');
    assert.equal(complete.path, 'records/mk/beta-2011.study.yaml');
    assert.equal(complete.filled, complete.required);
    assert.equal(complete.errors, 0);
    assert.deepEqual(
      row('delta-2013').cells.map((c) => c.state),
      ['complete', 'complete', 'complete', 'missing'],
    );
    assert.equal(row('alpha-2010').cells[3]!.state, 'complete', 'the unlisted folder’s record is shown');
  });

  test('NR values and errors are counted per record', async () => {
    const nr = extracted('nr-2017', 'ek').set('country', 'NR');
    const broken = extracted('nr-2017', 'mk').arm('f2f', 'no-such-group', 3);
    const matrix = await matrixOf({}, [nr, broken]);
    const [ek, mk] = matrix.rows[0]!.cells as MatrixRecordCell[];
    assert.ok(ek!.notReported >= 1, `${ek!.notReported} NR`);
    assert.equal(ek!.errors, 0);
    assert.ok(mk!.errors >= 1, `${mk!.errors} errors`);
    assert.equal(matrix.summary.errors, ek!.errors + mk!.errors);
  });

  test('summary: records by status, studies with open disagreements, what else is left', async () => {
    const matrix = await matrixOf({}, RECORDS);
    assert.deepEqual(matrix.summary, {
      studies: 6,
      records: 13,
      complete: 11,
      drafts: 2,
      missing: 1,
      openDisagreements: 1,
      studiesWithOpenDisagreements: 1,
      blindedStudies: 0,
      adjudicatedStudies: 1,
      errors: matrix.summary.errors,
    });
    assert.equal(
      progressSummaryText(matrix.summary).replace(/; \d+ errors?$/, ''),
      '13 records: 11 complete, 2 drafts; 1 study with open disagreements; 1 record to extract; 1 of 6 studies adjudicated',
    );
  });

  test('a blinded study shows statuses and counts, never a value, and no disagreement count', async () => {
    const matrix = await matrixOf({ blind: true }, [
      extracted('secret-2019', 'ek').set('country', 'Narnia'),
      extracted('secret-2019', 'mk', 4.4).set('country', 'Utopia').status('draft'),
    ]);
    const [row] = matrix.rows;
    assert.equal(row!.comparison, 'blinded');
    assert.equal(row!.openDisagreements, 0);
    assert.equal(matrix.summary.blindedStudies, 1);
    const shown =
      JSON.stringify(matrix) + progressMatrixText(matrix) + serializeMarkup(progressMatrixTable(matrix));
    for (const value of ['Narnia', 'Utopia', '4.4', '5.5'])
      assert.ok(!shown.includes(value), `the matrix shows ${value}`);
    assert.match(
      progressMatrixText(matrix),
      /secret-2019 +complete .* +draft .* +missing +blinded +1 draft to complete/,
    );
  });

  test('left to do, in words', async () => {
    const matrix = await matrixOf({}, [
      ...RECORDS,
      extracted('eta-2018', 'ek'),
      extracted('eta-2018', 'mk', 5.2),
      settled('eta-2018').status('draft'),
    ]);
    const left = Object.fromEntries(matrix.rows.map((r) => [r.study, leftToDoText(r, matrix.columns)]));
    assert.deepEqual(left, {
      'gamma-2012': '1 record to extract, 1 draft to complete',
      'zeta-2015': '1 draft to complete',
      'beta-2011': '1 disagreement to settle',
      'eta-2018': 'consensus to complete',
      'alpha-2010': 'nothing left',
      'omega-2016': 'nothing left',
      'delta-2013': 'adjudicated',
    });
  });

  test('the HTML table: a button per record that names its file, text for missing ones, rows in order', async () => {
    const matrix = await matrixOf({}, RECORDS);
    const html = serializeMarkup(progressMatrixTable(matrix));
    const paths = [...html.matchAll(/data-path="([^"]+)"/g)].map((m) => m[1]);
    assert.equal(paths.length, 13);
    assert.ok(paths.includes('records/consensus/delta-2013.study.yaml'));
    const studies = [...html.matchAll(/<tr data-study="([^"]+)"/g)].map((m) => m[1]);
    assert.deepEqual(
      studies,
      matrix.rows.map((r) => r.study),
    );
    assert.match(html, /<th scope="col" class="reviewer consensus">consensus<\/th>/);
    assert.doesNotMatch(html, /<script|style=|on[a-z]+=/i);
  });

  test('the text table: a header in column order and one line per study, then the summary', async () => {
    const matrix = await matrixOf({}, RECORDS);
    const lines = progressMatrixText(matrix).split('\n');
    assert.match(lines[0]!, /^study +ek +mk +consensus +zz +open disagreements +left to do$/);
    assert.match(
      lines[1]!,
      /^gamma-2012 +draft \d+\/\d+ filled · 1 error +missing +missing +– +– +1 record to extract/,
    );
    assert.match(lines[3]!, /^beta-2011 +complete \d+\/\d+ filled .* +1 +1 disagreement to settle$/);
    assert.equal(lines.at(-2), progressSummaryText(matrix.summary));
  });
});
