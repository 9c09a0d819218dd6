import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  backtracksLinearly,
  compileSchemaPattern,
  isPatternProblem,
  jsonNestingOverflow,
  parsePointer,
  pointerOf,
  resolvePointer,
  subschemaEntries,
  unescapePointerSegment,
} from '../../src/core/schema/jsonSchema';
import { baseSchema, createAjv, reviewFileSchema } from '../../src/core/schema/schema';

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

describe('compileSchemaPattern: schema patterns on a linear-time engine', () => {
  const compiled = (pattern: string) => {
    const result = compileSchemaPattern(pattern);
    assert.ok(!isPatternProblem(result), `${pattern}: ${JSON.stringify(result)}`);
    return result;
  };
  const problem = (pattern: string) => {
    const result = compileSchemaPattern(pattern);
    assert.ok(isPatternProblem(result), `${pattern} should not compile`);
    return result;
  };

  test('matches as ECMAScript does: unanchored unless anchored, \\d, \\S, classes, named groups', () => {
    assert.equal(compiled('b').test('abc'), true);
    assert.equal(compiled('^b').test('abc'), false);
    assert.equal(compiled('^10\\.\\d{4,9}/\\S+$').test('10.1186/1471-244X-11-189'), true);
    assert.equal(compiled('^10\\.\\d{4,9}/\\S+$').test('10.1186/ x'), false);
    assert.equal(compiled('^(?<year>\\d{4})-\\d{2}$').test('2011-05'), true);
    assert.equal(compiled('^[a-z0-9][a-z0-9._-]*$').test('preschl-2011'), true);
    assert.equal(compiled('c$').test('abc\n'), false);
  });

  test('spells ECMAScript escapes the RE2 way: \\u, \\u{…}, surrogate pairs, \\cX, [\\b]', () => {
    assert.equal(compiled('^\\u00e9$').test('é'), true);
    assert.equal(compiled('^\\u{1F600}$').test('😀'), true);
    assert.equal(compiled('^\\uD83D\\uDE00$').test('😀'), true);
    assert.equal(compiled('^\\cJ$').test('\n'), true);
    assert.equal(compiled('^[\\b]$').test('\b'), true);
  });

  test('keeps the ECMAScript meaning where RE2 reads the same text differently', () => {
    // `.` excludes every line terminator; `\s` is Unicode white space; `[` is literal inside a class.
    assert.equal(compiled('^.$').test('\r'), false);
    assert.equal(compiled('^.$').test('\u2028'), false);
    assert.equal(compiled('^.$').test('😀'), true);
    assert.equal(compiled('^\\s$').test('\u00a0'), true);
    assert.equal(compiled('^\\S$').test('\u3000'), false);
    assert.equal(compiled('^[^\\s]$').test('\u2003'), false);
    assert.equal(compiled('^[[:alpha:]x$').test(':x'), true);
    assert.equal(compiled('^[[:alpha:]x$').test('bx'), false);
    assert.equal(compiled('^[^]$').test('\n'), true);
    assert.equal(compiled('[]').test('anything'), false);
  });

  test('a pattern that backtracks for minutes in JavaScript runs in linear time', () => {
    const started = Date.now();
    for (const pattern of ['^(a+)+$', '^(a|a)*$', '^(\\w+\\s?)*$', '(x+x+)+y'])
      assert.equal(compiled(pattern).test(`${'a'.repeat(30_000)}!`), false, pattern);
    assert.ok(Date.now() - started < 5000, `took ${Date.now() - started} ms`);
  });

  test('lookaround and backreferences are unsupported, with the reason', () => {
    for (const pattern of ['^(?=a)', '(?!x)y', '(?<=a)b', '(?<!a)b'])
      assert.deepEqual(problem(pattern).kind, 'unsupported', pattern);
    assert.match(problem('(?=a)').message, /lookahead and lookbehind/);
    assert.match(problem('(a)\\1').message, /backreferences/);
    assert.match(problem('(?<x>a)\\k<x>').message, /backreferences/);
    assert.equal(problem('a{1001}').kind, 'unsupported');
  });

  test('a pattern that is not an ECMAScript regular expression is invalid, with the reason', () => {
    assert.deepEqual(problem('(unclosed'), { kind: 'invalid', message: 'Unterminated group' });
    assert.equal(problem('[z-a]').kind, 'invalid');
  });

  test('ajv validates `pattern` and `patternProperties` through the engine', () => {
    const ajv = createAjv();
    const validate = ajv.compile({
      type: 'object',
      properties: { a: { type: 'string', pattern: '^(a+)+$' }, b: { type: 'string', pattern: '^b+$' } },
      patternProperties: { '^x(y+)+$': { type: 'number' } },
    });
    const started = Date.now();
    assert.equal(validate({ a: `${'a'.repeat(30)}!` }), false);
    assert.equal(validate({ a: 'aaa', b: 'bbb' }), true);
    // Two patterns must not share one compiled engine object (ajv keys them by `toString()`).
    assert.equal(validate({ a: 'aaa', b: 'aaa' }), false);
    assert.equal(validate({ [`x${'y'.repeat(30)}!`]: 'text' }), true);
    assert.equal(validate({ xyy: 'text' }), false);
    assert.ok(Date.now() - started < 5000, `took ${Date.now() - started} ms`);
    assert.throws(() => ajv.compile({ pattern: '(?=a)' }), /lookahead/);
  });
});

describe('backtracksLinearly: which patterns may run on the native engine', () => {
  test('anchored patterns with one trailing unbounded repetition and few choices do', () => {
    for (const pattern of [
      '^[a-z0-9][a-z0-9._-]*$',
      '^10\\.\\d{4,9}/\\S+$',
      '^\\d+$',
      '^\\d{4}-\\d{2}-\\d{2}$',
      '^(low|some-concerns|high)$',
      '^NCT\\d{8}$',
      '^(?:ab?c)x*$',
      '^\\p{L}+$',
    ])
      assert.equal(backtracksLinearly(pattern), true, pattern);
  });

  test('unanchored, nested, repeated groups, two unbounded repetitions, lookaround or many choices do not', () => {
    for (const pattern of [
      'abc',
      'a|^b',
      '^a|b',
      '^(a+)+$',
      '^(a|b)*$',
      '^\\d+\\.\\d+$',
      '^a*b',
      '^(?=a)a',
      '^(a)\\1',
      '^a?a?a?a?a?a?a?$',
      '^[ab]{1,100}$',
      `^${'a'.repeat(300)}$`,
    ])
      assert.equal(backtracksLinearly(pattern), false, pattern);
  });

  test('a pattern run natively answers as the linear-time engine does', () => {
    const texts = ['', 'abc', 'a.b-c', '10.1234/x', '10.123/x', '2026-12-02', 'Ä', 'x y', '\u2003'];
    for (const pattern of [
      '^[a-z0-9][a-z0-9._-]*$',
      '^10\\.\\d{4,9}/\\S+$',
      '^\\d{4}-\\d{2}-\\d{2}$',
      '^\\S+$',
    ]) {
      const compiled = compileSchemaPattern(pattern);
      assert.ok(compiled instanceof RegExp, pattern);
      const reference = compileSchemaPattern(`(?:${pattern})`);
      assert.ok(!(reference instanceof RegExp) && !isPatternProblem(reference), pattern);
      for (const text of texts)
        assert.equal(compiled.test(text), reference.test(text), `${pattern} on ${text}`);
    }
  });
});

describe('the bundled schemas', () => {
  // They are compiled without checking them against the meta-schema at run time: this is that check.
  test('are valid JSON Schema 2020-12', () => {
    for (const schema of [baseSchema, reviewFileSchema]) {
      const ajv = createAjv();
      assert.equal(ajv.validateSchema(schema), true, JSON.stringify(ajv.errors));
    }
  });
});

describe('jsonNestingOverflow', () => {
  test('finds the first bracket nested too deep, without recursing', () => {
    assert.equal(jsonNestingOverflow('[[[]]]', 3), undefined);
    assert.equal(jsonNestingOverflow('[[[[]]]]', 3), 3);
    assert.equal(jsonNestingOverflow('{"a": [{"b": {}}]}', 3), 13);
    assert.equal(jsonNestingOverflow('['.repeat(1_000_000), 64), 64);
  });

  test('skips brackets in strings, but not after a quote left open at the end of a line', () => {
    assert.equal(jsonNestingOverflow('["[[[[[[", "\\"[[[["]', 2), undefined);
    assert.equal(jsonNestingOverflow('"\n[[[[', 3), 5);
    assert.equal(jsonNestingOverflow('"\\\n[[[[', 3), 6);
  });
});

describe('subschemaEntries and pointerOf', () => {
  const schema = {
    properties: { a: { type: 'string' }, 'x/y': true },
    items: { type: 'number' },
    anyOf: [{ const: 1 }, false, { const: 2 }],
    $defs: { d: { type: 'null' } },
    enum: [{ type: 'object' }],
  };
  test('lists the subschemas with their paths; definitions only when asked; data never', () => {
    assert.deepEqual(
      subschemaEntries(schema, { definitions: false }).map((e) => e.path),
      [['items'], ['anyOf', 0], ['anyOf', 2], ['properties', 'a']],
    );
    assert.deepEqual(
      subschemaEntries(schema, { definitions: true }).map((e) => e.path),
      [['items'], ['anyOf', 0], ['anyOf', 2], ['properties', 'a'], ['$defs', 'd']],
    );
  });
  test('pointerOf escapes ~ and /', () => {
    assert.equal(pointerOf([]), '/');
    assert.equal(pointerOf(['properties', 'x/y', 'anyOf', 0, 'a~b']), '/properties/x~1y/anyOf/0/a~0b');
  });
});
