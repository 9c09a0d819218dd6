// A new record in process: the scaffold of every required field (with what is known filled in), and
// newRecord, which names its file by the review's template and refuses ids that cannot name files.
import { before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { fieldLines, scaffoldRecord } from '../../../src/core/editor/scaffold';
import { newRecord, reviewerIdProblem, studyIdProblem } from '../../../src/core/review/newRecord';
import { validateRecord } from '../../../src/core/record/validate';
import type { Review } from '../../../src/core/review/review';
import { block } from '../../support/caret';
import { exampleReviewOpened } from '../../support/editor';
import { memoryReview } from '../../support/records';

let review: Review;
before(async () => {
  review = (await memoryReview()).review;
});

/** The scaffold of the test review, written out by hand: schema order, no comments. */
const SCAFFOLD = block(`
  study: new-2021
  reviewer: mk
  status: draft
  protocol_version: 1
  citation:
    authors:
    year:
  design:
  arms:
    - id:
      label:
      group:
      n:
  outcomes:
    - id:
      type:
      instrument:
      scale:
      results:
`);

describe('scaffoldRecord', () => {
  test('required and form fields in schema order; study, reviewer, status and protocol version filled in', () => {
    assert.equal(scaffoldRecord(review.schema, 'new-2021', 'mk', 1), SCAFFOLD);
  });

  test('without a protocol version, no `protocol_version` line', () => {
    assert.equal(
      scaffoldRecord(review.schema, 'new-2021', 'mk'),
      SCAFFOLD.replace('protocol_version: 1\n', ''),
    );
  });

  test('a scaffold is a draft with nothing wrong, only fields not extracted yet', () => {
    const { diagnostics } = validateRecord(
      scaffoldRecord(review.schema, 'new-2021', 'mk', 1),
      review.schema,
      {
        study: 'new-2021',
        reviewer: 'mk',
        protocolVersion: 1,
      },
    );
    assert.deepEqual(
      diagnostics.map((d) => [d.severity, d.code, d.message]),
      [
        ['information', 'not-extracted', '`authors` is not extracted yet.'],
        ['information', 'not-extracted', '`year` is not extracted yet.'],
        ['information', 'not-extracted', '`design` is not extracted yet.'],
        ['information', 'not-extracted', '`id` is not extracted yet.'],
        ['information', 'not-extracted', '`label` is not extracted yet.'],
        ['information', 'not-extracted', '`group` is not extracted yet.'],
        ['information', 'not-extracted', '`n` is not extracted yet.'],
        ['information', 'not-extracted', '`id` is not extracted yet.'],
        ['information', 'not-extracted', '`type` is not extracted yet.'],
        ['information', 'not-extracted', '`instrument` is not extracted yet.'],
        ['information', 'not-extracted', '`scale` is not extracted yet.'],
        ['information', 'not-extracted', '`results` is not extracted yet.'],
      ],
    );
  });

  test("the example review: the fields it adds take their place in the bundled schema's order", async () => {
    const example = await exampleReviewOpened();
    const text = scaffoldRecord(example.schema, 'x-2020', 'ek', example.config.version);
    assert.deepEqual(text.split('\n'), [
      'study: x-2020',
      'reviewer: ek',
      'status: draft',
      'protocol_version: 1',
      'citation:',
      '  authors:',
      '  year:',
      'design:',
      'arms:',
      '  - id:',
      '    label:',
      '    group:',
      '    n:',
      'outcomes:',
      '  - id:',
      '    type:',
      '    instrument:',
      '    rater:',
      '    timepoint:',
      '    scale:',
      '    results:',
      '',
    ]);
  });
});

describe('fieldLines', () => {
  test('the fields asked for at an indentation, known values written in', () => {
    assert.deepEqual(fieldLines(review.schema, {}, ['citation'], ['year', 'authors'], 2, { year: '2020' }), [
      '  year: 2020',
      '  authors:',
    ]);
  });

  test('a required object is laid out with its fields; an optional one is left empty', () => {
    assert.deepEqual(fieldLines(review.schema, {}, [], ['citation', 'notes'], 0), [
      'citation:',
      '  authors:',
      '  year:',
      'notes:',
    ]);
    assert.deepEqual(fieldLines(review.schema, { outcomes: [{}] }, ['outcomes', 0], ['scale'], 4), [
      '    scale:',
    ]);
  });

  test('a field the schema does not describe gets an empty value', () => {
    assert.deepEqual(fieldLines(review.schema, {}, [], ['colour'], 0), ['colour:']);
  });
});

describe('newRecord', () => {
  test('the path by the records template and the scaffold as its text', () => {
    assert.deepEqual(newRecord(review, 'new-2021', 'mk'), {
      path: 'records/mk/new-2021.study.yaml',
      text: SCAFFOLD,
    });
  });

  test('another template lays the record out its own way', async () => {
    const { review: flat } = await memoryReview({
      records: 'extraction/{study}/{reviewer}.study.yaml',
      version: null,
    });
    assert.deepEqual(newRecord(flat, 'new-2021', 'mk'), {
      path: 'extraction/new-2021/mk.study.yaml',
      text: SCAFFOLD.replace('protocol_version: 1\n', ''),
    });
  });

  test('ids that cannot name a file or folder are refused with the rule', () => {
    const study = 'A study id uses lower-case letters, digits, `.`, `_` and `-` (e.g. `preschl-2011`).';
    const reviewer = 'A reviewer id uses letters, digits, `.`, `_` and `-`.';
    for (const bad of ['New-2021', '-x', '../x', 'a/b', 'a b', '', '.hidden'])
      assert.deepEqual(newRecord(review, bad, 'mk'), { error: study }, bad);
    for (const bad of ['m k', '../mk', 'mk/x', '', '.mk', '-mk'])
      assert.deepEqual(newRecord(review, 'new-2021', bad), { error: reviewer }, bad);
    assert.equal(studyIdProblem('a.b_c-1'), undefined);
    assert.equal(reviewerIdProblem('MK.2_x-y'), undefined);
  });

  test('a records template without {study} makes no record', async () => {
    const { review: broken } = await memoryReview({ records: 'records/{reviewer}/data.yaml' });
    assert.deepEqual(newRecord(broken, 'new-2021', 'mk'), {
      error: 'The records template of review.yaml has no {study}; fix it first.',
    });
  });
});
