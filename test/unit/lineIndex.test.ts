import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { LineIndex } from '../../src/core/yaml/lineIndex';

describe('LineIndex', () => {
  test('positions with LF line breaks', () => {
    const lines = new LineIndex('ab\ncd\n');
    assert.equal(lines.lineCount, 3);
    assert.deepEqual(lines.positionAt(0), { line: 0, character: 0 });
    assert.deepEqual(lines.positionAt(2), { line: 0, character: 2 });
    assert.deepEqual(lines.positionAt(3), { line: 1, character: 0 });
    assert.deepEqual(lines.positionAt(4), { line: 1, character: 1 });
    assert.deepEqual(lines.positionAt(6), { line: 2, character: 0 });
  });

  test('CRLF counts as one line break; a lone CR is a line break too', () => {
    const crlf = new LineIndex('ab\r\ncd\r\nef');
    assert.equal(crlf.lineCount, 3);
    assert.deepEqual(crlf.positionAt(4), { line: 1, character: 0 });
    assert.deepEqual(crlf.positionAt(8), { line: 2, character: 0 });
    assert.deepEqual(crlf.positionAt(9), { line: 2, character: 1 });
    const cr = new LineIndex('a\rb');
    assert.equal(cr.lineCount, 2);
    assert.deepEqual(cr.positionAt(2), { line: 1, character: 0 });
  });

  test('lineEnd excludes the line break, CRLF included', () => {
    const lines = new LineIndex('ab\r\ncd\r\n');
    assert.equal(lines.lineEnd(0), 2);
    assert.equal(lines.lineEnd(1), 6);
    assert.equal(lines.lineEnd(2), 8);
  });

  test('offsetAt inverts positionAt and clamps to the line', () => {
    const text = 'study: x\r\nreviewer: ek\r\n';
    const lines = new LineIndex(text);
    for (let offset = 0; offset <= text.length; offset++) {
      if (text[offset - 1] === '\r' && text[offset] === '\n') continue; // inside a CRLF
      assert.equal(lines.offsetAt(lines.positionAt(offset)), offset, `offset ${offset}`);
    }
    assert.equal(lines.offsetAt({ line: 0, character: 99 }), 8);
    assert.equal(lines.offsetAt({ line: 99, character: 0 }), text.length);
  });

  test('positionAt clamps offsets outside the text', () => {
    const lines = new LineIndex('ab\ncd');
    assert.deepEqual(lines.positionAt(-5), { line: 0, character: 0 });
    assert.deepEqual(lines.positionAt(100), { line: 1, character: 2 });
  });

  test('counts UTF-16 code units, as LSP does', () => {
    const lines = new LineIndex('a: 😀x\nb');
    // The emoji is two code units (offsets 3 and 4); `x` is at 5.
    assert.deepEqual(lines.positionAt(5), { line: 0, character: 5 });
    assert.deepEqual(lines.positionAt(6), { line: 0, character: 6 });
    assert.deepEqual(lines.positionAt(7), { line: 1, character: 0 });
  });

  test('singleLineRange never runs past the line it starts on', () => {
    const text = 'arms:\r\n  - id: a\r\n    n: 1\r\n';
    const lines = new LineIndex(text);
    for (let start = 0; start < text.length; start++) {
      const range = lines.singleLineRange(start, text.length);
      assert.equal(range.start.line, range.end.line, `start ${start}`);
      assert.ok(range.end.character >= range.start.character);
    }
    assert.deepEqual(lines.singleLineRange(0, text.length), {
      start: { line: 0, character: 0 },
      end: { line: 0, character: 5 },
    });
    assert.deepEqual(lines.singleLineRange(9, 11), {
      start: { line: 1, character: 2 },
      end: { line: 1, character: 4 },
    });
  });

  test('singleLineRange of an empty or reversed span is empty at its start', () => {
    const lines = new LineIndex('abc\ndef');
    assert.deepEqual(lines.singleLineRange(5, 5), {
      start: { line: 1, character: 1 },
      end: { line: 1, character: 1 },
    });
    assert.deepEqual(lines.singleLineRange(5, 2), {
      start: { line: 1, character: 1 },
      end: { line: 1, character: 1 },
    });
  });

  test('firstLineRange covers the first line, or is empty at 0:0', () => {
    assert.deepEqual(new LineIndex('study: x\r\nmore').firstLineRange(), {
      start: { line: 0, character: 0 },
      end: { line: 0, character: 8 },
    });
    assert.deepEqual(new LineIndex('').firstLineRange(), {
      start: { line: 0, character: 0 },
      end: { line: 0, character: 0 },
    });
  });
});
