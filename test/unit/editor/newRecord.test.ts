// newRecord refusing a records template that the review refuses, with the review's own reason (the
// record it made would not be read, or would be the other reviewer's too). Its path and text are tested
// with the scaffold (scaffold.test.ts).
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { newRecord } from '../../../src/core/review/newRecord';
import { memoryReview } from '../../support/records';

async function madeWith(records: string) {
  const { review } = await memoryReview({ records });
  return newRecord(review, 'new-2021', 'mk');
}

describe('newRecord and the records template', () => {
  test('a template with {study} that cannot lay out records says why, not that it has no {study}', async () => {
    const made = await madeWith('records/{reviewer}-{study}.study.yaml');
    assert.deepEqual(made, {
      error:
        'In the records template, `{reviewer}` and `{study}` must fill a whole folder name or the file name before `.study.yaml` (found `{reviewer}-{study}.study.yaml`). Fix the records template of review.yaml first.',
    });
  });

  test('each refusal in the words of the check of review.yaml', async () => {
    const reasons: [string, RegExp][] = [
      ['records/{reviewer}/{study}.yaml', /^The records template must name `\.study\.yaml` files/],
      [
        'records/{who}/{study}.study.yaml',
        /^Unknown placeholder \{who\}: only \{reviewer\} and \{study\} are known\./,
      ],
      ['../x/{reviewer}/{study}.study.yaml', /^The records template must stay inside the review folder/],
      [
        'records/{study}.study.yaml',
        /has no \{reviewer\}: the two reviewers' records of a study could not be told apart/,
      ],
      [
        'records/{reviewer}/data.yaml',
        /^The records template of review\.yaml has no \{study\}; fix it first\.$/,
      ],
    ];
    for (const [records, reason] of reasons) {
      const made = await madeWith(records);
      assert.ok('error' in made, records);
      assert.match(made.error, reason, records);
      assert.doesNotMatch(made.error, /\n|No record is checked/, records);
    }
  });

  test('a template the review accepts makes the record where it lays it out', async () => {
    const made = await madeWith('extraction/{study}/{reviewer}.study.yaml');
    assert.equal('path' in made ? made.path : made.error, 'extraction/new-2021/mk.study.yaml');
  });
});
