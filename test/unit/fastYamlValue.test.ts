import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import * as nodePath from 'node:path';
import { describe, test } from 'node:test';
import { baseRecordValidator } from '../../src/core/schema/schema';
import { validateRecord } from '../../src/core/record/validate';
import { fastYamlValue, parseYaml, yamlValue } from '../../src/core/yaml/yamlDocument';

// The fast reader (js-yaml) stands in for the positioned parser (yaml) on clean records. Wherever it
// accepts a text, both must read the same data; otherwise a record could pass `check` and fail in the
// editor. Every YAML file of the examples and fixtures is compared; every spelling the two YAML libraries
// read differently has its reading written out; texts js-yaml reads more laxly must fall back to the
// positioned parser. The generated cases are in yamlReaders.property.test.ts.
const REPO = nodePath.resolve(__dirname, '..', '..');

function yamlFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const full = nodePath.join(dir, name);
    if (statSync(full).isDirectory()) return yamlFiles(full);
    return /\.ya?ml$/.test(name) ? [full] : [];
  });
}

describe('fastYamlValue reads what parseYaml reads', () => {
  const files = [
    ...yamlFiles(nodePath.join(REPO, 'examples')),
    ...yamlFiles(nodePath.join(REPO, 'test', 'fixtures')),
  ];

  test(`every YAML file of the examples and fixtures (${files.length})`, () => {
    let fast = 0;
    for (const file of files) {
      const text = readFileSync(file, 'utf8');
      const read = fastYamlValue(text);
      if (!read) continue;
      fast++;
      const full = parseYaml(text);
      assert.ok(full.usable, `${file}: the fast reader accepted a text the positioned parser cannot use`);
      assert.deepEqual(read.value, full.value, file);
    }
    assert.ok(fast > files.length / 2, `only ${fast} of ${files.length} files took the fast path`);
  });

  /**
   * Every spelling the two YAML libraries were found to read differently, with the reading written out by
   * hand: YAML 1.2 core schema as the `yaml` package reads it, keys as written, and a numeral too large for
   * a number kept as its text (with a warning). `fast` says whether the fast reader must answer.
   */
  interface Reading {
    text: string;
    value: unknown;
    fast: boolean;
    codes?: string[];
  }
  const v = (value: unknown) => ({ v: value });
  const readings: Reading[] = [
    // Numbers
    { text: 'v: .5\n', value: v(0.5), fast: true },
    { text: 'v: -.5\n', value: v(-0.5), fast: true },
    { text: 'v: +.5\n', value: v(0.5), fast: true },
    { text: 'v: -.5e3\n', value: v(-500), fast: true },
    { text: 'v: +12\n', value: v(12), fast: true },
    { text: 'v: 0o17\n', value: v(15), fast: true },
    { text: 'v: 0x1F\n', value: v(31), fast: true },
    { text: 'v: 017\n', value: v(17), fast: true },
    { text: 'v: 08\n', value: v(8), fast: true },
    { text: 'v: -0\n', value: v(-0), fast: true },
    { text: 'v: 0.1000000000000000055511151231257827\n', value: v(0.1), fast: true },
    { text: 'v: 12345678901234567890\n', value: v(12345678901234567000), fast: true },
    { text: 'v: .inf\n', value: v(Infinity), fast: true },
    { text: 'v: .Inf\n', value: v(Infinity), fast: true },
    { text: 'v: .INF\n', value: v(Infinity), fast: true },
    { text: 'v: -.inf\n', value: v(-Infinity), fast: true },
    { text: 'v: .nan\n', value: v(NaN), fast: true },
    { text: 'v: 1e400\n', value: v('1e400'), fast: false, codes: ['yaml-warning'] },
    { text: 'v: -1e400\n', value: v('-1e400'), fast: false, codes: ['yaml-warning'] },
    { text: 'v: [1.8e308]\n', value: v(['1.8e308']), fast: false, codes: ['yaml-warning'] },
    // Not numbers in YAML 1.2
    { text: 'v: 1_000\n', value: v('1_000'), fast: true },
    { text: 'v: 0b101\n', value: v('0b101'), fast: true },
    { text: 'v: -0x1F\n', value: v('-0x1F'), fast: true },
    { text: 'v: 12:30\n', value: v('12:30'), fast: true },
    { text: 'v: 2011-05-01\n', value: v('2011-05-01'), fast: true },
    { text: 'v: 2011-05-01T10:00:00Z\n', value: v('2011-05-01T10:00:00Z'), fast: true },
    // Booleans and nulls
    { text: 'v: True\n', value: v(true), fast: true },
    { text: 'v: TRUE\n', value: v(true), fast: true },
    { text: 'v: [y, n, yes, no, on, off]\n', value: v(['y', 'n', 'yes', 'no', 'on', 'off']), fast: true },
    { text: 'v: [~, null, Null, NULL, ]\n', value: v([null, null, null, null]), fast: true },
    { text: 'v:\n', value: v(null), fast: true },
    // Strings
    { text: 'v: "\\x41"\n', value: v('A'), fast: true },
    { text: 'v: "\\u00e9"\n', value: v('é'), fast: true },
    { text: "v: 'it''s'\n", value: v("it's"), fast: true },
    { text: 'v: "-.5"\n', value: v('-.5'), fast: true },
    { text: 'v: NR # src: p. 5\n', value: v('NR'), fast: true },
    { text: 'v: |\n  a\n  b\n', value: v('a\nb\n'), fast: true },
    { text: 'v: >-\n  a\n  b\n', value: v('a b'), fast: true },
    // Keys: the text written
    { text: '1: x\n', value: { 1: 'x' }, fast: true },
    { text: '1.0: x\n', value: { '1.0': 'x' }, fast: true },
    { text: '0x1F: x\n', value: { '0x1F': 'x' }, fast: true },
    { text: 'true: y\n', value: { true: 'y' }, fast: true },
    { text: '~: z\n', value: { '~': 'z' }, fast: true },
    { text: 'null: z\n', value: { null: 'z' }, fast: false },
    { text: '{: z}\n', value: { '': 'z' }, fast: false },
    { text: '<<: { y: 2 }\n', value: { '<<': { y: 2 } }, fast: true },
    { text: '? complex\n: v\n', value: { complex: 'v' }, fast: true },
    { text: '[a]: b\n', value: { '[ a ]': 'b' }, fast: false, codes: ['yaml-syntax'] },
    { text: 'v: [[a]: b]\n', value: v([{ '[ a ]': 'b' }]), fast: false, codes: ['yaml-syntax'] },
    {
      text: '{ { a: 1 }, b: c }\n',
      value: { '{ a: 1 }': null, b: 'c' },
      fast: false,
      codes: ['yaml-syntax'],
    },
    { text: 'n: 1\nn: 2\n', value: { n: 2 }, fast: false, codes: ['duplicate-key'] },
    { text: '1: a\n"1": b\n', value: { 1: 'b' }, fast: false, codes: ['duplicate-key'] },
    // Whitespace, markers, streams
    { text: 'a:\tb\n', value: { a: 'b' }, fast: true },
    { text: 'a:\n\tb: 1\n', value: { a: null, b: 1 }, fast: false, codes: ['yaml-syntax'] },
    { text: '\ufeffa: 1\n', value: { a: 1 }, fast: true },
    { text: 'a: 1\r\nb: |\r\n  x\r\n', value: { a: 1, b: 'x\n' }, fast: true },
    { text: '---\na: 1\n...\n', value: { a: 1 }, fast: true },
    { text: 'a: 1\n---\nb: 2\n', value: { a: 1 }, fast: false, codes: ['yaml-syntax'] },
    { text: '', value: null, fast: true },
    // A declared YAML 1.1 document is read as YAML 1.1.
    { text: '%YAML 1.1\n---\na: yes\n', value: { a: true }, fast: false },
  ];
  for (const { text, value, fast, codes = [] } of readings) {
    test(`${JSON.stringify(text)}: ${fast ? 'both readers read' : 'the positioned parser reads'} it as written out`, () => {
      const full = parseYaml(text);
      assert.deepStrictEqual(full.value, value);
      assert.deepEqual(
        full.diagnostics.map((d) => d.code),
        codes,
      );
      const read = fastYamlValue(text);
      if (fast) assert.deepStrictEqual(read, { value });
      else assert.equal(read, undefined, 'left to the positioned parser');
    });
  }

  test('a numeral too large for a number is warned about where it is, and read as its text', () => {
    const file = parseYaml('study: a\nmean: 1e400\n');
    assert.equal(file.usable, true);
    const [warning] = file.diagnostics;
    assert.equal(warning!.severity, 'warning');
    assert.match(warning!.message, /`1e400`.*read as text/);
    assert.deepEqual(warning!.range, { start: { line: 1, character: 6 }, end: { line: 1, character: 11 } });
  });

  // Texts where js-yaml is laxer than YAML or reads it otherwise: the fast reader must leave each one.
  const lax: [string, string][] = [
    ['an empty item, then a `-` to its left', '-\n  - \n- x\n'],
    ['an empty compact item, then a `-` to its left', '- - \n- x\n'],
    ['a comment glued to a bracket', '{ }# a: v }\n'],
    ['a comment glued to an opening bracket', '[#a,\nb]\n'],
    ['a tab as indentation', '\te\n'],
    ['a tab alone on a line after a key', 'true:\n\t'],
    ['a block scalar with explicit indentation at the top level', '|2\n  Table\n'],
    ['a top-level block scalar less indented than its header', '  >\n #c'],
    ['`---` glued to text', '---x\n'],
    ['content on the `---` line', '--- a: 1\n'],
    ['a byte order mark before a top-level sequence', '\ufeff - a\n'],
    ['a byte order mark after the start', '\n\ufeffa: 1\n'],
    ['a continuation line of a quoted scalar not indented enough', "a: 'x\ny'\n"],
    ['an escaped line break followed by an empty line', '"x\\\n\n  y"\n'],
    ['a kept block scalar ending with spaces', 'a: |+\n  x\n\n '],
    ['a block scalar starting with a more indented blank line', 'a: |\n    \n   x\n'],
    ['a carriage return alone', 'a: 1\rb: 2\n'],
    ['an indented `---` after a directive', '%YAML 1.2\n ---\nx\n'],
    ['a list as a key inside a flow sequence', '[[a]: b]\n'],
    ['an alias that contains itself', 'a: &a [*a]\n'],
  ];
  for (const [what, text] of lax) {
    test(`${what}: left to the positioned parser`, () => {
      assert.equal(fastYamlValue(text), undefined);
    });
  }

  test('plain records: booleans, nulls, numbers, dates and NR read the same', () => {
    const text = [
      'study: a-2020',
      'flag: true',
      'other: False',
      'empty:',
      'tilde: ~',
      'n: 25',
      'mean: 5.30',
      'exp: 1e3',
      'neg: -0.5',
      'date: 2026-11-26',
      'version: 012',
      'sd: NR',
      'yes: yes',
      'list: [NR, 3, "x"]',
      'text: "a # not a comment"',
      'folded: >-',
      '  two',
      '  lines',
    ].join('\n');
    const read = fastYamlValue(text);
    assert.ok(read, 'a plain record takes the fast path');
    assert.deepEqual(read.value, parseYaml(text).value);
  });
});

describe('check, compare and synthesis read a record alike', () => {
  const record = (mean: string) =>
    [
      'study: smith-2011',
      'reviewer: ek',
      'status: complete',
      'citation: { authors: [Smith J], year: 2011 }',
      'arms:',
      '  - { id: online, group: email, n: 25 }',
      'outcomes:',
      '  - id: alliance',
      '    type: continuous',
      '    results:',
      `      online: { mean: ${mean}, sd: 0.8, n: 25 }`,
      '',
    ].join('\n');
  const mean = (data: unknown) =>
    (data as { outcomes: { results: { online: { mean: unknown } } }[] }).outcomes[0]!.results.online.mean;

  test('`-.5` is the number -0.5 for check (validateRecord) and for compare and synthesis (yamlValue)', () => {
    const checked = validateRecord(record('-.5'), baseRecordValidator());
    assert.deepEqual(checked.diagnostics, []);
    assert.equal(mean(checked.value), -0.5);
    assert.equal(mean(yamlValue(record('-.5'))), -0.5);
    assert.deepStrictEqual(yamlValue(record('-.5')), yamlValue(record('-0.5')));
    assert.deepStrictEqual(yamlValue(record('+.5')), yamlValue(record('0.5')));
  });

  test('`1e400` is reported by check, and is its text (never infinity) everywhere', () => {
    const checked = validateRecord(record('1e400'), baseRecordValidator());
    assert.ok(
      checked.diagnostics.some((d) => d.code === 'yaml-warning' && d.range.start.line === 10),
      JSON.stringify(checked.diagnostics),
    );
    assert.equal(mean(checked.value), '1e400');
    assert.equal(mean(yamlValue(record('1e400'))), '1e400');
    assert.notDeepEqual(yamlValue(record('1e400')), yamlValue(record('1e401')));
  });

  test('an alias inside the node it refers to is an alias-limit error, and no data, on every path', () => {
    const text = `${record('0.5')}notes: &loop [*loop]\n`;
    const checked = validateRecord(text, baseRecordValidator());
    assert.deepEqual(
      checked.diagnostics.map((d) => d.code),
      ['alias-limit'],
    );
    assert.equal(checked.value, undefined);
    assert.equal(yamlValue(text), undefined);
  });
});
