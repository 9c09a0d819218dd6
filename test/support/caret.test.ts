import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { applyEdits, block, caret, mark, marked, offsetAt, positionAt } from './caret';

describe('caret and range markers', () => {
  test('a caret gives the text without it and its 0-based line and character', () => {
    assert.deepEqual(caret('a: 1\nb: ‸x\n'), {
      text: 'a: 1\nb: x\n',
      position: { line: 1, character: 3 },
      offset: 8,
    });
    assert.deepEqual(caret('‸').position, { line: 0, character: 0 });
    assert.throws(() => caret('a: 1'), /no caret/);
    assert.throws(() => caret('‸a‸'), /more than one caret/);
  });

  test('ranges, empty and nested, in the order they open', () => {
    const read = marked('⟦a: ⟦1⟧⟧\n⟦⟧b: 2');
    assert.equal(read.text, 'a: 1\nb: 2');
    assert.deepEqual(read.ranges, [
      { start: { line: 0, character: 0 }, end: { line: 0, character: 4 } },
      { start: { line: 0, character: 3 }, end: { line: 0, character: 4 } },
      { start: { line: 1, character: 0 }, end: { line: 1, character: 0 } },
    ]);
    assert.throws(() => marked('⟦a'), /without/);
    assert.throws(() => marked('a⟧'), /without/);
  });

  test('mark writes the markers back where they were read', () => {
    for (const source of ['⟦a: ⟦1⟧⟧\n⟦⟧b: 2', 'x: ⟦y⟧‸\n', '⟦⟧⟦z⟧', 'p: ⟦q\nr⟧: s']) {
      const read = marked(source);
      assert.equal(mark(read.text, read.ranges, read.caret), source);
    }
  });

  test('positions count UTF-16 characters and every line break of LSP', () => {
    assert.deepEqual(positionAt('a\r\nb\rc\nd', 7), { line: 3, character: 0 });
    assert.equal(offsetAt('a\r\nb\rc\nd', { line: 2, character: 1 }), 6);
    assert.deepEqual(caret('é😀‸').position, { line: 0, character: 3 });
    assert.throws(() => offsetAt('ab\ncd', { line: 0, character: 3 }), /past the end of its line/);
    assert.throws(() => offsetAt('ab', { line: 1, character: 0 }), /past the end of the text/);
  });

  test('edits apply from the end, and overlapping ones are refused', () => {
    const edit = (l: number, a: number, b: number, newText: string) => ({
      range: { start: { line: l, character: a }, end: { line: l, character: b } },
      newText,
    });
    assert.equal(
      applyEdits('a: 1\nb: 2\n', [edit(0, 3, 4, 'one'), edit(1, 0, 1, 'bee')]),
      'a: one\nbee: 2\n',
    );
    assert.throws(() => applyEdits('abcdef', [edit(0, 0, 3, 'x'), edit(0, 2, 4, 'y')]), /overlapping/);
  });

  test('block removes the indentation a test writes its text with', () => {
    const text = block(`
      a:
        b: 1

      c: 2
    `);
    assert.equal(text, 'a:\n  b: 1\n\nc: 2\n');
  });
});
