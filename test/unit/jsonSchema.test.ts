import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { parsePointer, resolvePointer, unescapePointerSegment } from '../../src/core/jsonSchema';

describe('unescapePointerSegment', () => {
  test('replaces every ~1 and every ~0, not only the first', () => {
    assert.equal(unescapePointerSegment('a~1b~1c~0d'), 'a/b/c~d');
    assert.equal(unescapePointerSegment('~0~0~1~1'), '~~//');
  });

  test('decodes ~1 before ~0, so that ~01 is a literal ~1', () => {
    assert.equal(unescapePointerSegment('~01'), '~1');
    assert.equal(unescapePointerSegment('x~01y~01'), 'x~1y~1');
  });

  test('leaves segments without escapes alone', () => {
    assert.equal(unescapePointerSegment('arms'), 'arms');
    assert.equal(unescapePointerSegment(''), '');
    assert.equal(unescapePointerSegment('~'), '~');
  });
});

describe('parsePointer', () => {
  test('splits an instance path into decoded segments', () => {
    assert.deepEqual(parsePointer(''), []);
    assert.deepEqual(parsePointer('/arms/0/n'), ['arms', '0', 'n']);
    assert.deepEqual(parsePointer('/a~1b/c~0d'), ['a/b', 'c~d']);
    assert.deepEqual(parsePointer('/'), ['']);
  });

  test('percent-decodes only pointers taken from a URI fragment', () => {
    assert.deepEqual(parsePointer('/$defs/a%20b', true), ['$defs', 'a b']);
    assert.deepEqual(parsePointer('/a%20b'), ['a%20b']);
    assert.deepEqual(parsePointer('/bad%zz', true), ['bad%zz']);
    // Percent-decoding comes first: %7E01 is ~01, which is the literal ~1.
    assert.deepEqual(parsePointer('/x%7E01', true), ['x~1']);
  });
});

describe('resolvePointer', () => {
  const schema = { $defs: { 'a/b': { type: 'integer' }, list: [{ const: 1 }, { const: 2 }] } };
  test('follows keys and array indexes', () => {
    assert.deepEqual(resolvePointer(schema, '/$defs/a~1b'), { type: 'integer' });
    assert.deepEqual(resolvePointer(schema, '/$defs/list/1'), { const: 2 });
    assert.equal(resolvePointer(schema, ''), schema);
  });
  test('is undefined where the path does not exist', () => {
    assert.equal(resolvePointer(schema, '/$defs/missing'), undefined);
    assert.equal(resolvePointer(schema, '/$defs/a~1b/type/deeper'), undefined);
  });
});
