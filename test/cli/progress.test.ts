// `study-extract progress` run through the built CLI (dist/cli.js): the studies × reviewers matrix of the
// example review as text and as JSON, most work left first; a consensus record made by `adjudicate` shows
// in its column; statuses and counts only, never an extracted value; bad arguments exit 2.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { ensureBuilt, REPO, runCli } from './support/cli';

const EXAMPLE = path.join(REPO, 'examples', 'therapeutic-alliance');

interface JsonCell {
  state: 'complete' | 'draft' | 'missing';
  path?: string;
  filled?: number;
  required?: number;
  not_reported?: number;
  errors?: number;
}
interface JsonProgress {
  title: string;
  columns: { reviewer: string; role: string }[];
  studies: {
    study: string;
    records: Record<string, JsonCell>;
    comparison: string;
    open_disagreements: number;
    adjudicated: boolean;
    missing: number;
    drafts: number;
  }[];
  summary: Record<string, number>;
}

function progressJson(folder: string): JsonProgress {
  const result = runCli(['progress', folder, '--format', 'json']);
  assert.equal(result.status, 0, result.stderr);
  assert.equal(result.stderr, '');
  return JSON.parse(result.stdout) as JsonProgress;
}

describe('study-extract progress', () => {
  let work: string;

  before(() => {
    ensureBuilt();
    work = mkdtempSync(path.join(tmpdir(), 'study-progress-'));
  });

  after(() => rmSync(work, { recursive: true, force: true }));

  test('text: a header, one line per study with the most work left first, then the summary', () => {
    const result = runCli(['progress', EXAMPLE]);
    assert.equal(result.status, 0, result.stderr);
    const lines = result.stdout.trimEnd().split('\n');
    assert.match(lines[0]!, /^study +ek +mk +consensus +open disagreements +left to do$/);
    assert.deepEqual(
      lines.slice(1, 8).map((line) => line.split(/\s+/)[0]),
      [
        'meyer-2015',
        'preschl-2011',
        'andersson-2012',
        'ly-2015',
        'stiles-shields-2014',
        'berger-2018',
        'lindner-2014',
      ],
    );
    assert.match(
      lines[1]!,
      /^meyer-2015 +complete \d+\/\d+ filled · \d+ NR +draft .* +missing +blinded +1 draft to complete$/,
    );
    assert.match(lines[2]!, / 4 +4 disagreements to settle$/);
    assert.equal(lines[8], '');
    assert.equal(
      lines[9],
      '14 records: 13 complete, 1 draft; 4 studies with open disagreements; 1 study blinded',
    );
  });

  test('json: columns in protocol order, each study’s records by reviewer, the summary', () => {
    const progress = progressJson(EXAMPLE);
    assert.equal(progress.title, 'Therapeutic alliance in technology-based interventions for depression');
    assert.deepEqual(progress.columns, [
      { reviewer: 'ek', role: 'reviewer' },
      { reviewer: 'mk', role: 'reviewer' },
      { reviewer: 'consensus', role: 'consensus' },
    ]);
    const [meyer] = progress.studies;
    assert.equal(meyer!.study, 'meyer-2015');
    assert.deepEqual(Object.keys(meyer!.records), ['ek', 'mk', 'consensus']);
    assert.equal(meyer!.records.mk!.state, 'draft');
    assert.equal(meyer!.records.mk!.path, 'records/mk/meyer-2015.study.yaml');
    assert.deepEqual(Object.keys(meyer!.records.mk!), [
      'state',
      'path',
      'filled',
      'required',
      'not_reported',
      'errors',
    ]);
    assert.deepEqual(meyer!.records.consensus, { state: 'missing' });
    assert.equal(meyer!.comparison, 'blinded');
    assert.deepEqual(progress.summary, {
      studies: 7,
      records: 14,
      complete: 13,
      drafts: 1,
      missing: 0,
      open_disagreements: 7,
      studies_with_open_disagreements: 4,
      blinded_studies: 1,
      adjudicated_studies: 0,
      errors: 0,
    });
    // andersson-2012's reviewers disagree on a mean (5.58 against 5.85): the matrix counts, never shows it.
    const text = JSON.stringify(progress) + runCli(['progress', EXAMPLE]).stdout;
    assert.ok(!/5\.58|5\.85/.test(text), 'an extracted value is shown');
  });

  test('a consensus record made by adjudicate is in its column, a draft with its disagreements to settle', () => {
    const review = path.join(work, 'adjudicated');
    cpSync(EXAMPLE, review, { recursive: true });
    const made = runCli(['adjudicate', 'preschl-2011', review]);
    assert.equal(made.status, 0, made.stderr);
    const preschl = progressJson(review).studies.find((s) => s.study === 'preschl-2011')!;
    assert.equal(preschl.records.consensus!.state, 'draft');
    assert.equal(preschl.records.consensus!.path, 'records/consensus/preschl-2011.study.yaml');
    assert.equal(preschl.open_disagreements, 4);
    assert.equal(preschl.adjudicated, false);
    const line = runCli(['progress', review])
      .stdout.split('\n')
      .find((l) => l.startsWith('preschl-2011'));
    assert.match(line!, /4 disagreements to settle, consensus to complete$/);
  });

  test('bad arguments exit 2 and say what is expected', () => {
    const format = runCli(['progress', EXAMPLE, '--format', 'csv']);
    assert.equal(format.status, 2);
    assert.match(format.stderr, /unknown format "csv" \(expected text or json\)/);
    const nowhere = runCli(['progress', path.join(work, 'no-such-folder')]);
    assert.equal(nowhere.status, 2);
    assert.match(nowhere.stderr, /no such folder/);
    const help = runCli(['help', 'progress']);
    assert.equal(help.status, 0);
    assert.match(help.stdout, /^Usage: study-extract progress \[review-dir\] \[--format text\|json\]/);
  });
});
