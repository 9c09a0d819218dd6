// Snippet text as plain text, for editors without snippet support: what would be inserted if the user
// typed nothing into the snippet.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { parse } from 'yaml';
import { snippetEscape, snippetToPlainText } from '../../src/core/editor/completion';

describe('snippetToPlainText', () => {
  test('a placeholder gives its default text', () => {
    assert.equal(snippetToPlainText('id: ${1:arm-id}'), 'id: arm-id');
    assert.equal(snippetToPlainText('label: ${2:label as reported}'), 'label: label as reported');
  });

  test('a tab stop gives nothing, in every spelling', () => {
    assert.equal(snippetToPlainText('n: $1'), 'n: ');
    assert.equal(snippetToPlainText('arms:\n  - $0'), 'arms:\n  - ');
    assert.equal(snippetToPlainText('f2f: { mean: ${1}, sd: ${2}, n: ${13} }'), 'f2f: { mean: , sd: , n:  }');
  });

  test('a choice gives its first option, with its escapes undone', () => {
    assert.equal(snippetToPlainText('group: ${3|face-to-face,email,telephone|}'), 'group: face-to-face');
    assert.equal(snippetToPlainText('x: ${1|a\\,b\\|c,d|}'), 'x: a,b|c');
  });

  test('placeholders nest', () => {
    assert.equal(snippetToPlainText('${1:outer ${2:inner} and $3end}'), 'outer inner and end');
  });

  test('escapes of `$`, `}` and `\\` are undone; other backslashes stay', () => {
    assert.equal(snippetToPlainText('cost: \\$5 \\} \\\\ \\n'), 'cost: $5 } \\ \\n');
    assert.equal(snippetToPlainText('${1:a \\} b}'), 'a } b');
  });

  test('a variable gives its default, or else its name', () => {
    assert.equal(snippetToPlainText('${TM_FILENAME:record}'), 'record');
    assert.equal(snippetToPlainText('$TM_FILENAME ${CURRENT_YEAR}'), 'TM_FILENAME CURRENT_YEAR');
  });

  test('an unbalanced `}` outside a placeholder is text', () => {
    assert.equal(snippetToPlainText('name: { $1 }'), 'name: {  }');
  });

  test('malformed snippet syntax is kept as it stands', () => {
    assert.equal(snippetToPlainText('a $ b'), 'a $ b');
    assert.equal(snippetToPlainText('ends with $'), 'ends with $');
    assert.equal(snippetToPlainText('${1:never closed'), '${1:never closed');
    assert.equal(snippetToPlainText('${1|never,closed'), '${1|never,closed');
    assert.equal(snippetToPlainText('${} ${-1}'), '${} ${-1}');
  });

  test('escaped text comes back unchanged', () => {
    fc.assert(fc.property(fc.string(), (text) => snippetToPlainText(snippetEscape(text)) === text));
    assert.equal(snippetToPlainText(snippetEscape('$schema: ${x}')), '$schema: ${x}');
  });

  test('the arm snippet the editor offers becomes a YAML arm', () => {
    const snippet =
      'id: ${1:arm-id}\n    label: ${2:label as reported}\n    group: ${3|face-to-face,email|}\n    n: ${4:NR}';
    const plain = snippetToPlainText(snippet);
    assert.deepEqual(parse(`arms:\n  - ${plain}\n`), {
      arms: [{ id: 'arm-id', label: 'label as reported', group: 'face-to-face', n: 'NR' }],
    });
  });
});
