import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import * as nodePath from 'node:path';
import { describe, test } from 'node:test';
import { fastYamlValue, parseYaml } from '../../src/core/yamlDocument';

// The fast reader (js-yaml) stands in for the positioned parser (yaml) on clean records. Wherever it
// accepts a text, both must read the same data; otherwise a record could pass `check` and fail in the
// editor. Every YAML file of the examples and fixtures is compared, plus spellings where the two YAML
// libraries are known to differ (those must fall back to the positioned parser).
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

  const spellings: [string, string][] = [
    ['underscored number', 'n: 1_000\n'],
    ['octal', 'n: 0o17\n'],
    ['hexadecimal', 'n: 0x1A\n'],
    ['infinity', 'sd: .inf\n'],
    ['not a number', 'sd: .nan\n'],
    ['anchor and alias', 'a: &x 1\nb: *x\n'],
    ['merge key', 'a: { x: 1 }\nb:\n  <<: { y: 2 }\n'],
    ['tag', 'n: !!str 25\n'],
    ['directive', '%YAML 1.2\n---\nn: 1\n'],
    ['two documents', 'n: 1\n---\nn: 2\n'],
    ['duplicate key', 'n: 1\nn: 2\n'],
  ];
  for (const [what, text] of spellings) {
    test(`${what}: left to the positioned parser, or read the same`, () => {
      const read = fastYamlValue(text);
      if (read) assert.deepEqual(read.value, parseYaml(text).value);
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
