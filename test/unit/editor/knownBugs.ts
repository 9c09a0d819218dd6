// Bugs found while testing the editor features in process, each as a test that fails until it is fixed.
// Not part of the suite (the name does not end in .test.ts): run it with
//   node --import tsx --test --test-reporter=spec test/unit/editor/knownBugs.ts
// and move a test into its feature's file once it passes.
import { before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { snippetToPlainText } from '../../../src/core/editor/completion';
import { newRecord } from '../../../src/core/review/newRecord';
import type { CompiledSchema } from '../../../src/core/schema/schema';
import { parseYaml } from '../../../src/core/yaml/yamlDocument';
import { applyEdits } from '../../support/caret';
import { completeAt, entry, testSchema } from '../../support/editor';
import { memoryReview } from '../../support/records';

let schema: CompiledSchema;
before(async () => {
  schema = await testSchema();
});

describe('known bugs', () => {
  test('completing a key that already has a value keeps one `key: value`', () => {
    // src/core/editor/completion.ts (propertySnippet): the insert text brings `: ` and a value, but only
    // the word is replaced: `group: face-to-face: email`.
    const completions = completeAt('arms:\n  - id: a\n    gro‸up: email\n', schema);
    const group = entry(completions, 'group');
    const text = applyEdits(completions.text, [
      { range: completions.range!, newText: snippetToPlainText(group.insertText) },
    ]);
    const file = parseYaml(text);
    assert.deepEqual(file.diagnostics, [], text);
    assert.deepEqual(Object.keys((file.value as { arms: object[] }).arms[0]!), ['id', 'group']);
  });

  test('newRecord says what is wrong with a template that has {study} but cannot lay out records', async () => {
    // src/core/review/newRecord.ts:33: any template the review refuses is said to have no {study}.
    const { review } = await memoryReview({ records: 'records/{reviewer}-{study}.study.yaml' });
    const made = newRecord(review, 'new-2021', 'mk');
    assert.ok('error' in made);
    assert.doesNotMatch(made.error, /has no \{study\}/);
  });
});
