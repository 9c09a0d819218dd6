// Bugs found while testing the editor features in process, each as a test that fails until it is fixed.
// Not part of the suite (the name does not end in .test.ts): run it with
//   node --import tsx --test --test-reporter=spec test/unit/editor/knownBugs.ts
// and move a test into its feature's file once it passes.
import { before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { snippetToPlainText } from '../../../src/core/editor/completion';
import type { CompiledSchema } from '../../../src/core/schema/schema';
import { parseYaml } from '../../../src/core/yaml/yamlDocument';
import { applyEdits, block, mark } from '../../support/caret';
import { completeAt, entry, testSchema } from '../../support/editor';

let schema: CompiledSchema;
before(async () => {
  schema = await testSchema();
});

describe('known bugs', () => {
  // src/core/editor/completion.ts (propertySnippet) inserts `key: ` and a value, but only the word is
  // replaced: `group: face-to-face: email`. Completion cannot tell on its own: the completion context of
  // src/core/yaml/cursor.ts says nothing of what follows the word, so it must say whether the key already
  // has a value (keep it, insert the name alone) and replace a bare trailing colon.
  const applied = (source: string, label: string) => {
    const completions = completeAt(source, schema);
    return applyEdits(completions.text, [
      { range: completions.range!, newText: snippetToPlainText(entry(completions, label).insertText) },
    ]);
  };

  test('completing a key that already has a value keeps one `key: value`', () => {
    const text = applied('arms:\n  - id: a\n    gro‸up: email\n', 'group');
    const file = parseYaml(text);
    assert.deepEqual(file.diagnostics, [], text);
    assert.deepEqual((file.value as { arms: object[] }).arms[0], { id: 'a', group: 'email' });
    // In a flow mapping, before a comment, and with the value indented below the key.
    assert.equal(
      applied('study: s\ncitation: { authors: [A], ye‸ar: 2020 }\n', 'year'),
      'study: s\ncitation: { authors: [A], year: 2020 }\n',
    );
    assert.equal(applied('sta‸tus: draft # src: x\n', 'status'), 'status: draft # src: x\n');
    assert.equal(applied('study: s\nar‸ms:\n  - id: a\n', 'arms'), 'study: s\narms:\n  - id: a\n');
    assert.equal(applied('study: s\nar‸ms:\n- id: a\n', 'arms'), 'study: s\narms:\n- id: a\n');
    // An arm id in `results` keeps its result.
    const result = block(`
      arms:
        - { id: online, group: email }
      outcomes:
        - id: o
          type: continuous
          results:
            onl‸ine: { mean: 5.9 }
    `);
    assert.match(applied(result, 'online'), /\n {6}online: \{ mean: 5\.9 \}\n$/);
  });

  test('a key with nothing after its colon is replaced through the colon, with its value to choose', () => {
    const completions = completeAt('arms:\n  - id: a\n    gro‸:   # src: p. 2\n', schema);
    assert.equal(
      mark(completions.text, [completions.range!]),
      'arms:\n  - id: a\n    ⟦gro:⟧   # src: p. 2\n',
    );
    assert.equal(entry(completions, 'group').insertText, 'group: ${1|face-to-face,email,internet-program|}');
  });
});
