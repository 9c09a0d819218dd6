import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { after, before, describe, test } from 'node:test';
import type { SynthesisViewModel } from '../../src/core/synthesis/viewModel';
import { SynthesisMethods, type StudyLocationResult, type SynthesisResult } from '../../src/shared/protocol';
import { LspClient } from '../server/lspClient';

// The panel's data over the real protocol (the built server over stdio, on a copy of the example review):
// the view model, unsaved edits reflected in the next answer, and where a study's outcome is.
const LY_EK = 'records/ek/ly-2015.study.yaml';
const LY_MK = 'records/mk/ly-2015.study.yaml';

function modelOf(result: SynthesisResult): SynthesisViewModel {
  if ('error' in result) throw new Error(result.error);
  return result.model;
}

describe('studyExtraction/synthesis', () => {
  let client: LspClient;
  before(async () => {
    client = await LspClient.start({ comparison: true });
  });
  after(async () => client.stop());

  test('the view model of the example: analyses, studies and the dashboard', async () => {
    const result = await client.request<SynthesisResult>(SynthesisMethods.synthesis, {
      rootUri: client.uri(''),
      rescan: true,
    });
    assert.ok(!('error' in result), JSON.stringify(result));
    assert.equal(result.rootUri, client.uri(''));
    const model = result.model;
    assert.equal(model.title, 'Therapeutic alliance in technology-based interventions for depression');
    assert.ok(!Number.isNaN(Date.parse(model.generatedAt)));
    assert.deepEqual(
      model.analyses.map((a) => a.id),
      ['alliance-tbi-vs-f2f'],
    );
    const analysis = model.analyses[0]!;
    assert.ok(
      analysis.studies.some((s) => s.study === 'ly-2015'),
      'ly-2015 is pooled',
    );
    assert.equal(analysis.studies.length + analysis.excluded.length, 7);
    const d = model.dashboard;
    assert.equal(d.records, 14);
    assert.equal(d.studies, 7);
    assert.deepEqual(
      d.reviewers.filter((r) => !r.consensus).map((r) => [r.reviewer, r.records]),
      [
        ['ek', 7],
        ['mk', 7],
      ],
    );
    assert.equal(d.complete + d.draft, 14);
    assert.ok(d.openDisagreements >= 1, 'the example disagrees on andersson-2012 on purpose');
    assert.ok(d.blindedStudies >= 1, 'meyer-2015 is blinded (a draft)');
    assert.ok(d.agreement.pairs > 0);
    // Without a rescan the answer is the same (nothing changed).
    const again = modelOf(await client.request(SynthesisMethods.synthesis, { rootUri: client.uri('') }));
    assert.deepEqual({ ...again, generatedAt: '' }, { ...model, generatedAt: '' });
  });

  test('an unsaved edit of a mean is in the next answer, and undone when the buffer closes', async () => {
    const params = { rootUri: client.uri('') };
    const before = modelOf(await client.request(SynthesisMethods.synthesis, params));
    const yi = (m: SynthesisViewModel) => m.analyses[0]!.studies.find((s) => s.study === 'ly-2015')?.yi;
    const ek = readFileSync(client.path(LY_EK), 'utf8');
    const mk = readFileSync(client.path(LY_MK), 'utf8');
    // Both reviewers' records speak for ly-2015 (no consensus): edit the same mean in both.
    const ekUri = await client.open(LY_EK);
    const mkUri = await client.open(LY_MK);
    await client.change(ekUri, ek.replace('mean: 63.5', 'mean: 40.5'));
    await client.change(mkUri, mk.replace('mean: 63.5', 'mean: 40.5'));
    const edited = modelOf(await client.request(SynthesisMethods.synthesis, params));
    assert.ok(yi(before) !== undefined && yi(edited) !== undefined);
    assert.ok(yi(edited)! < yi(before)! - 1, `yi ${yi(before)} → ${yi(edited)}`);
    // One record only: the two reviewers now disagree on a value the analysis reads, so it is excluded.
    await client.change(mkUri, mk);
    const disagreeing = modelOf(await client.request(SynthesisMethods.synthesis, params));
    assert.equal(yi(disagreeing), undefined);
    assert.match(
      disagreeing.analyses[0]!.excluded.find((x) => x.study === 'ly-2015')?.reason ?? '',
      /disagreement/,
    );
    await client.close(ekUri);
    await client.close(mkUri);
    const closed = modelOf(await client.request(SynthesisMethods.synthesis, params));
    assert.equal(yi(closed), yi(before));
  });

  test('a record broken in its buffer counts as a validation error', async () => {
    const params = { rootUri: client.uri('') };
    const before = modelOf(await client.request(SynthesisMethods.synthesis, params));
    const text = readFileSync(client.path(LY_EK), 'utf8');
    const uri = await client.open(LY_EK);
    await client.change(uri, text.replace('status:', 'statuss:'));
    const broken = modelOf(await client.request(SynthesisMethods.synthesis, params));
    assert.ok(
      broken.dashboard.validationErrors > before.dashboard.validationErrors,
      `${before.dashboard.validationErrors} → ${broken.dashboard.validationErrors}`,
    );
    await client.close(uri);
  });

  test('studyLocation: the outcome in the first reviewer record (no consensus yet)', async () => {
    const location = await client.request<StudyLocationResult>(SynthesisMethods.studyLocation, {
      rootUri: client.uri(''),
      study: 'ly-2015',
      outcome: 'alliance-total',
    });
    assert.ok(location);
    assert.equal(location.uri, client.uri(LY_EK));
    assert.equal(location.reviewer, 'ek');
    const line = readFileSync(client.path(LY_EK), 'utf8').split('\n')[location.range.start.line]!;
    assert.match(line, /- id: alliance-total/);
    const unknown = await client.request<StudyLocationResult>(SynthesisMethods.studyLocation, {
      rootUri: client.uri(''),
      study: 'no-such-study',
    });
    assert.equal(unknown, null);
  });
});
