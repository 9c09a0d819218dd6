// studyExtraction/progress with `matrix: true` over the built server (stdio) on the example review: the
// studies × reviewers matrix of Show Extraction Progress, with the URI of each record, following unsaved
// edits; and without `matrix`, the reply the status bar asks for stays as it was.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { LspClient } from './lspClient';
import type { ProgressResult } from '../../src/shared/protocol';

type Matrix = NonNullable<ProgressResult['reviews'][number]['matrix']>;

describe('studyExtraction/progress: the matrix', () => {
  let client: LspClient;

  before(async () => {
    client = await LspClient.start();
  });

  after(async () => {
    await client?.stop();
  });

  async function matrix(): Promise<Matrix> {
    const result = await client.request<ProgressResult>('studyExtraction/progress', { matrix: true });
    assert.equal(result.reviews.length, 1);
    const found = result.reviews[0]!.matrix;
    assert.ok(found, 'no matrix in the reply');
    return found;
  }

  test('one row per study, most work left first; reviewers then the consensus; a URI per record', async () => {
    const m = await matrix();
    assert.deepEqual(
      m.columns.map((c) => `${c.reviewer}:${c.role}`),
      ['ek:reviewer', 'mk:reviewer', 'consensus:consensus'],
    );
    assert.deepEqual(
      m.rows.map((r) => [r.study, r.drafts, r.openDisagreements, r.comparison]),
      [
        // mk's record is a draft, and the review is blinded: its disagreements are not counted.
        ['meyer-2015', 1, 0, 'blinded'],
        ['preschl-2011', 0, 4, 'compared'],
        ['andersson-2012', 0, 1, 'compared'],
        ['ly-2015', 0, 1, 'compared'],
        ['stiles-shields-2014', 0, 1, 'compared'],
        ['berger-2018', 0, 0, 'compared'],
        ['lindner-2014', 0, 0, 'compared'],
      ],
    );
    const meyer = m.rows[0]!;
    assert.deepEqual(
      meyer.cells.map((c) => c.state),
      ['complete', 'draft', 'missing'],
    );
    const draft = meyer.cells[1]!;
    assert.ok(draft.state !== 'missing');
    assert.equal(draft.path, 'records/mk/meyer-2015.study.yaml');
    assert.equal(m.uris[draft.path], client.uri('records/mk/meyer-2015.study.yaml'));
    assert.equal(Object.keys(m.uris).length, 14);
    assert.deepEqual(m.summary, {
      studies: 7,
      records: 14,
      complete: 13,
      drafts: 1,
      missing: 0,
      openDisagreements: 7,
      studiesWithOpenDisagreements: 4,
      blindedStudies: 1,
      adjudicatedStudies: 0,
      errors: 0,
    });
  });

  test('follows an unsaved edit: mk completes the record, and the study is compared', async () => {
    const uri = await client.open('records/mk/meyer-2015.study.yaml');
    const text = client.text(uri);
    assert.match(text, /^status: draft$/m);
    await client.change(uri, text.replace(/^status: draft$/m, 'status: complete'));
    const m = await matrix();
    const meyer = m.rows.find((r) => r.study === 'meyer-2015')!;
    assert.equal(meyer.drafts, 0);
    assert.equal(meyer.comparison, 'compared');
    assert.equal(m.summary.drafts, 0);
    assert.equal(m.summary.blindedStudies, 0);
    await client.change(uri, text);
    await client.close(uri);
  });

  test('without `matrix` the reply has none (the status bar asks every few edits)', async () => {
    const result = await client.request<ProgressResult>('studyExtraction/progress', {});
    assert.equal(result.reviews[0]!.matrix, undefined);
    assert.equal(result.reviews[0]!.records.length, 14);
  });

  test('a `matrix` that is not true or false is refused with InvalidParams', async () => {
    await assert.rejects(
      client.request('studyExtraction/progress', { matrix: 'yes' }),
      (error: { code?: number; message?: string }) =>
        error.code === -32602 && /matrix/.test(error.message ?? ''),
    );
  });
});
