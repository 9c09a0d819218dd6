import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { checkReview } from '../../src/core/workspace/check';
import { block } from './caret';
import { memoryReview, record, reviewYaml, scalar } from './records';

describe('record and review builders', () => {
  test('a record reads as a reviewer writes one', () => {
    const text = record('preschl-2011', 'ek')
      .status('complete')
      .set('country', 'NR')
      .arm('online', 'email', 25, { label: 'Online CBT via email, 8 weeks' })
      .arm('f2f', 'face-to-face', 28)
      .continuous('alliance', { online: [5.9, 0.8], f2f: ['NR', 'NR'] }, { instrument: 'WAI' })
      .yaml();
    assert.equal(
      text,
      block(`
        study: preschl-2011
        reviewer: ek
        status: complete
        citation:
          authors: [Author A]
          year: 2011
        country: NR
        arms:
          - id: online
            label: Online CBT via email, 8 weeks
            group: email
            n: 25
          - id: f2f
            group: face-to-face
            n: 28
        outcomes:
          - id: alliance
            type: continuous
            instrument: WAI
            results:
              online: { mean: 5.9, sd: 0.8, n: 25 }
              f2f: { mean: NR, sd: NR, n: 28 }
      `),
    );
  });

  test('strings that YAML would read as something else are quoted', () => {
    assert.deepEqual(
      ['2011', 'true', 'null', 'a: b', '- x', 'x # y', '', 'Smith J', '10.1186/1471'].map((s) => scalar(s)),
      ['"2011"', '"true"', '"null"', '"a: b"', '"- x"', '"x # y"', '""', 'Smith J', '10.1186/1471'],
    );
    assert.equal(scalar('a, b'), 'a, b');
    assert.equal(scalar('a, b', true), '"a, b"');
  });

  test('review.yaml with its defaults', () => {
    assert.equal(
      reviewYaml({ blind: true }),
      block(`
        title: Test review
        version: 1
        schema: schemas/extraction.schema.json
        records: records/{reviewer}/{study}.study.yaml
        reviewers: [ek, mk]
        consensus: consensus
        blind: true
      `),
    );
  });

  test('a built review opens and checks clean with its schema', async () => {
    const clean = record('smith-2011', 'ek')
      .arm('a', 'email', 20)
      .arm('b', 'face-to-face', 20)
      .continuous('alliance', { a: [5, 1], b: [4, 1] }, { instrument: 'WAI' });
    const { fs, root, review } = await memoryReview({}, [clean]);
    assert.equal(review.usesReviewSchema, true);
    const report = await checkReview(root, fs);
    assert.deepEqual(
      report.files.map((f) => [f.path, f.diagnostics.map((d) => d.code)]),
      [
        ['review.yaml', []],
        ['records/ek/smith-2011.study.yaml', []],
        ['schemas/extraction.schema.json', []],
      ],
    );
  });
});
