import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { keyText, locate, parseYaml, YamlLocator, YAML_LIMITS } from '../../src/core/yaml/yamlDocument';
import type { Range } from '../../src/core/common/diagnostic';

const r = (sl: number, sc: number, el: number, ec: number): Range => ({
  start: { line: sl, character: sc },
  end: { line: el, character: ec },
});

const RECORD = [
  'study: smith-2011', // 0
  'citation:', // 1
  '  authors: [Smith J, Jones K]', // 2
  '  year: 2011', // 3
  'arms:', // 4
  '  - id: online', // 5
  '    n: 25', // 6
  '  - { id: f2f, n: 28 }', // 7
  'outcomes:', // 8
  '  - id: o1', // 9
  '    results:', // 10
  '      online: { mean: 5.9, sd: NR }', // 11
  '',
].join('\n');

describe('parseYaml', () => {
  test('a valid document is usable and has no diagnostics', () => {
    const file = parseYaml(RECORD);
    assert.equal(file.usable, true);
    assert.deepEqual(file.diagnostics, []);
    assert.deepEqual((file.value as { arms: unknown[] }).arms[1], { id: 'f2f', n: 28 });
  });

  test('an empty text is usable with an undefined value', () => {
    const file = parseYaml('');
    assert.equal(file.usable, true);
    assert.equal(file.value ?? undefined, undefined);
    assert.deepEqual(file.diagnostics, []);
  });

  test('a duplicate key is reported on the second occurrence, over the key', () => {
    const file = parseYaml('study: a\nstatus: draft\nstatus: complete\n');
    assert.equal(file.diagnostics.length, 1);
    const [d] = file.diagnostics;
    assert.equal(d!.code, 'duplicate-key');
    assert.deepEqual(d!.range, r(2, 0, 2, 6));
    assert.match(d!.message, /`status`/);
  });

  test('a syntax error is reported where it is, on one line', () => {
    const file = parseYaml('study: a\ncitation:\n  authors: [A]\n   year: 2011\n');
    const syntax = file.diagnostics.filter((d) => d.code === 'yaml-syntax');
    assert.equal(syntax.length, 1);
    assert.equal(syntax[0]!.range.start.line, 3);
    assert.equal(syntax[0]!.range.start.line, syntax[0]!.range.end.line);
    assert.match(syntax[0]!.message, /^YAML syntax error: /);
    assert.ok(!syntax[0]!.message.includes('\n'));
  });

  test('an alias bomb stops at the alias limit instead of expanding', () => {
    const lines = ['a: &a [x, x, x, x, x, x, x, x, x, x]'];
    const names = 'abcdefghij';
    for (let i = 1; i < names.length; i++) {
      const previous = names[i - 1]!;
      lines.push(`${names[i]}: &${names[i]} [${Array(10).fill(`*${previous}`).join(', ')}]`);
    }
    const started = Date.now();
    const file = parseYaml(lines.join('\n'));
    assert.ok(Date.now() - started < 5000, 'returns promptly');
    assert.equal(file.usable, false);
    assert.deepEqual(
      file.diagnostics.map((d) => d.code),
      ['alias-limit'],
    );
  });

  test('a few aliases below the limit are fine', () => {
    const file = parseYaml('a: &x 1\nb: *x\nc: *x\n');
    assert.equal(file.usable, true);
    assert.deepEqual(file.value, { a: 1, b: 1, c: 1 });
    assert.ok(YAML_LIMITS.maxAliasCount >= 2);
  });

  test('an alias inside the node it refers to is an alias-limit error on the alias, not endless data', () => {
    const cases: [string, Range][] = [
      ['a: &a [*a]\n', r(0, 7, 0, 9)],
      ['a: &a { b: *a }\n', r(0, 11, 0, 13)],
      ['a: &a\n  b: *a\n', r(1, 5, 1, 7)],
      ['- &x [1, [2, *x]]\n', r(0, 13, 0, 15)],
      ['&top\na: [*top]\n', r(1, 4, 1, 8)],
      // Through another anchor: `*a` lies inside `&b`, which lies inside `&a`.
      ['a: &a\n  b: &b [*a]\n  c: *b\n', r(1, 9, 1, 11)],
    ];
    for (const [text, range] of cases) {
      const file = parseYaml(text);
      assert.equal(file.usable, false, text);
      assert.equal(file.value, undefined, text);
      assert.deepEqual(
        file.diagnostics.map((d) => [d.code, d.range]),
        [['alias-limit', range]],
        text,
      );
      assert.match(file.diagnostics[0]!.message, /expand without end/);
    }
  });

  test('aliases to nodes before them, even shared and nested, are not cycles', () => {
    const file = parseYaml('a: &a [1]\nb: &b [*a, *a]\nc: { x: *b, y: *a }\n');
    assert.equal(file.usable, true);
    assert.deepEqual(file.diagnostics, []);
    assert.deepEqual(file.value, { a: [1], b: [[1], [1]], c: { x: [[1], [1]], y: [1] } });
  });

  test('an alias follows the latest anchor of its name before it, which may be the node around it', () => {
    const later = parseYaml('a: &x [1]\nb: &x [2]\nc: *x\n');
    assert.deepEqual(later.value, { a: [1], b: [2], c: [2] });
    // `&x` on `b` comes before `*x`, so the alias is `b` itself, not `a`.
    const around = parseYaml('a: &x [1]\nb: &x [*x]\n');
    assert.deepEqual(
      around.diagnostics.map((d) => [d.code, d.range]),
      [['alias-limit', r(1, 7, 1, 9)]],
    );
  });

  test('keys are the text written; a list or a mapping as a key is an error in plain words', () => {
    const file = parseYaml('1.0: a\nnull: b\n~: c\ntrue: d\n');
    assert.deepEqual(file.value, { '1.0': 'a', null: 'b', '~': 'c', true: 'd' });
    assert.deepEqual(file.diagnostics, []);
    const collection = parseYaml('study: a\n[x, y]: b\n');
    assert.deepEqual(
      collection.diagnostics.map((d) => [d.code, d.range.start.line]),
      [['yaml-syntax', 1]],
    );
    assert.match(collection.diagnostics[0]!.message, /A key must be a name, not a list or a mapping/);
    assert.doesNotMatch(collection.diagnostics[0]!.message, /stringKeys/);
  });

  test('keys equal as text are duplicates, however they are quoted', () => {
    const file = parseYaml('n: 1\n"n": 2\n');
    assert.deepEqual(
      file.diagnostics.map((d) => [d.code, d.range]),
      [['duplicate-key', r(1, 0, 1, 3)]],
    );
  });

  test('an alias to an anchor that does not exist is an error about that alias, not the alias limit', () => {
    const file = parseYaml('study: a\nreviewer: *nope\n');
    assert.equal(file.usable, false);
    assert.equal(file.diagnostics.length, 1, JSON.stringify(file.diagnostics));
    const [d] = file.diagnostics;
    assert.notEqual(d!.code, 'alias-limit');
    assert.doesNotMatch(d!.message, /too many alias/i);
    assert.match(d!.message, /nope/);
  });

  test('nesting just past the limit is too-deep', () => {
    const depth = YAML_LIMITS.maxDepth + 1;
    const file = parseYaml(`a: ${'['.repeat(depth)}${']'.repeat(depth)}`);
    assert.equal(file.usable, false);
    assert.deepEqual(
      file.diagnostics.map((d) => d.code),
      ['too-deep'],
    );
  });

  test('very deep nesting is too-deep, without leaking a stack overflow as a syntax error', () => {
    for (const text of [
      `a: ${'['.repeat(1000)}${']'.repeat(1000)}`,
      Array.from({ length: 1000 }, (_, i) => `${' '.repeat(i)}k:`).join('\n'),
    ]) {
      const file = parseYaml(text);
      assert.equal(file.usable, false);
      assert.ok(file.diagnostics.some((d) => d.code === 'too-deep'));
      const leaked = file.diagnostics.filter((d) => /call stack/i.test(d.message));
      assert.deepEqual(leaked, [], 'no "Maximum call stack size exceeded" diagnostics');
    }
  });

  test('a too large text and a text with NUL bytes are not parsed', () => {
    const big = parseYaml(`a: ${'x'.repeat(YAML_LIMITS.maxLength)}`);
    assert.equal(big.usable, false);
    assert.deepEqual(
      big.diagnostics.map((d) => d.code),
      ['file-too-large'],
    );
    const binary = parseYaml('a: 1\0');
    assert.equal(binary.usable, false);
    assert.deepEqual(
      binary.diagnostics.map((d) => d.code),
      ['not-text'],
    );
  });
});

describe('locate', () => {
  const file = parseYaml(RECORD);
  test('follows keys and indexes as far as they exist', () => {
    assert.equal(locate(file.doc, ['arms', 0, 'n']).matched, 3);
    assert.equal(locate(file.doc, ['arms', '1', 'id']).matched, 3);
    assert.equal(locate(file.doc, ['arms', 5, 'n']).matched, 1);
    assert.equal(locate(file.doc, ['nothing']).matched, 0);
    assert.equal(locate(file.doc, []).matched, 0);
  });
  test('keyText reads scalar keys', () => {
    const pair = locate(file.doc, ['citation', 'year']).pair;
    assert.equal(keyText(pair?.key), 'year');
    assert.equal(keyText(undefined), undefined);
  });
});

describe('YamlLocator', () => {
  const locator = new YamlLocator(parseYaml(RECORD));

  test('valueRange is the scalar value', () => {
    assert.deepEqual(locator.valueRange(['study']), r(0, 7, 0, 17));
    assert.deepEqual(locator.valueRange(['arms', 0, 'n']), r(6, 7, 6, 9));
    assert.deepEqual(locator.valueRange(['arms', 1, 'n']), r(7, 18, 7, 20));
    assert.deepEqual(locator.valueRange(['outcomes', 0, 'results', 'online', 'sd']), r(11, 31, 11, 33));
  });

  test('valueRange of a flow collection covers it; of a block collection, its key', () => {
    assert.deepEqual(locator.valueRange(['citation', 'authors']), r(2, 11, 2, 29));
    assert.deepEqual(locator.valueRange(['citation']), r(1, 0, 1, 8));
    assert.deepEqual(locator.valueRange(['arms']), r(4, 0, 4, 4));
  });

  test('keyRange is the key', () => {
    assert.deepEqual(locator.keyRange(['citation', 'year']), r(3, 2, 3, 6));
    assert.deepEqual(locator.keyRange(['outcomes', 0, 'results', 'online']), r(11, 6, 11, 12));
    assert.deepEqual(locator.keyRange(['outcomes', 0, 'results', 'online', 'mean']), r(11, 16, 11, 20));
  });

  test('containerRange: the key of a mapping, the first line of a sequence item, the first key of the document', () => {
    assert.deepEqual(locator.containerRange(['citation']), r(1, 0, 1, 8));
    assert.deepEqual(locator.containerRange(['arms', 0]), r(5, 4, 5, 14));
    assert.equal(locator.containerRange(['arms', 1]).start.line, 7);
    assert.deepEqual(locator.containerRange([]), r(0, 0, 0, 5));
    assert.deepEqual(locator.documentStartRange(), r(0, 0, 0, 5));
  });

  test('an absent node walks up to the nearest one that exists', () => {
    // A missing key inside `citation`: its parent's key.
    assert.deepEqual(locator.valueRange(['citation', 'journal']), r(1, 0, 1, 8));
    // A missing key inside an arm: the arm's first line.
    assert.deepEqual(locator.valueRange(['arms', 0, 'label']), r(5, 4, 5, 14));
    // Nothing of the path exists: the start of the document.
    assert.deepEqual(locator.valueRange(['country', 'name']), r(0, 0, 0, 5));
  });

  test('every range stays on one line', () => {
    for (const path of [['citation'], ['arms'], ['arms', 0], ['outcomes', 0], ['outcomes', 0, 'results']]) {
      for (const range of [locator.valueRange(path), locator.keyRange(path), locator.containerRange(path)])
        assert.equal(range.start.line, range.end.line, JSON.stringify(path));
    }
  });

  test('CRLF text gives the same positions', () => {
    const crlf = new YamlLocator(parseYaml(RECORD.replace(/\n/g, '\r\n')));
    assert.deepEqual(crlf.valueRange(['arms', 0, 'n']), r(6, 7, 6, 9));
    assert.deepEqual(crlf.keyRange(['citation', 'year']), r(3, 2, 3, 6));
    assert.deepEqual(crlf.valueRange(['citation']), r(1, 0, 1, 8));
  });

  test('an empty document reports at 0:0', () => {
    const empty = new YamlLocator(parseYaml(''));
    assert.deepEqual(empty.documentStartRange(), r(0, 0, 0, 0));
    assert.deepEqual(empty.valueRange(['study']), r(0, 0, 0, 0));
  });
});
