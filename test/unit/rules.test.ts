import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { checkRecordRules, type RecordExpectations } from '../../src/core/record/rules';
import { parseYaml, YamlLocator } from '../../src/core/yaml/yamlDocument';
import type { Diagnostic } from '../../src/core/common/diagnostic';

function rules(text: string, expect: RecordExpectations = {}): Diagnostic[] {
  const file = parseYaml(text);
  assert.deepEqual(file.diagnostics, [], 'the test record parses');
  return checkRecordRules(file.value as Record<string, unknown>, expect, new YamlLocator(file));
}

/** [code, 0-based line, 0-based character] of each diagnostic. */
const where = (diagnostics: Diagnostic[]) =>
  diagnostics.map((d) => [d.code, d.range.start.line, d.range.start.character]);

const RECORD = `study: smith-2011
reviewer: ek
status: complete
protocol_version: 1
citation: { authors: [Smith J], year: 2011 }
arms:
  - { id: online, group: email, n: 25 }
  - { id: f2f, group: face-to-face, n: 28 }
outcomes:
  - id: alliance
    type: continuous
    scale: { min: 1, max: 7 }
    results:
      online: { mean: 5.9, sd: 0.8, n: 25 }
      f2f: { mean: NR, sd: NR, n: NR }
      all: { mean: 5.5, sd: 1, n: 53 }
  - id: dropout
    type: dichotomous
    results:
      online: { events: 3, n: 25 }
      f2f: { events: 0, n: 28 }
`;

describe('checkRecordRules', () => {
  test('a consistent record passes (NR values and the whole sample `all` included)', () => {
    assert.deepEqual(rules(RECORD, { study: 'smith-2011', reviewer: 'ek', protocolVersion: 1 }), []);
  });

  test('study-mismatch and reviewer-mismatch, on the values', () => {
    const diagnostics = rules(RECORD, { study: 'smith-2012', reviewer: 'mk' });
    assert.deepEqual(where(diagnostics), [
      ['study-mismatch', 0, 7],
      ['reviewer-mismatch', 1, 10],
    ]);
    assert.ok(diagnostics.every((d) => d.severity === 'error'));
    assert.match(diagnostics[0]!.message, /"smith-2011".*"smith-2012"/);
  });

  test('protocol-version is a warning on the value', () => {
    const diagnostics = rules(RECORD, { protocolVersion: 2 });
    assert.deepEqual(where(diagnostics), [['protocol-version', 3, 18]]);
    assert.equal(diagnostics[0]!.severity, 'warning');
  });

  test('without expectations, path rules do not run', () => {
    assert.deepEqual(rules(RECORD.replace('study: smith-2011', 'study: other')), []);
  });

  test('reserved-arm-id and duplicate-arm-id, on the offending id', () => {
    const text = `arms:
  - { id: online, group: email, n: 25 }
  - { id: all, group: email }
  - { id: online, group: face-to-face, n: 28 }
outcomes:
  - id: o
    type: continuous
    results:
      online: { mean: 1, n: 20 }
      all: { mean: 1, n: 40 }
`;
    const diagnostics = rules(text);
    assert.deepEqual(where(diagnostics), [
      ['reserved-arm-id', 2, 10],
      ['duplicate-arm-id', 3, 10],
    ]);
    assert.deepEqual(diagnostics[1]!.range.end, { line: 3, character: 16 });
  });

  test('duplicate-outcome-id on the second id', () => {
    const text = RECORD.replace('  - id: dropout', '  - id: alliance');
    assert.deepEqual(where(rules(text)), [['duplicate-outcome-id', 16, 8]]);
  });

  test('unknown-arm on the results key', () => {
    const text = RECORD.replace('      f2f: { mean: NR', '      fsf: { mean: NR');
    const diagnostics = rules(text);
    assert.deepEqual(where(diagnostics), [['unknown-arm', 14, 6]]);
    assert.deepEqual(diagnostics[0]!.range.end, { line: 14, character: 9 });
    assert.match(diagnostics[0]!.message, /online, f2f/);
  });

  test('results of a record without arms are not checked against arms', () => {
    const text = RECORD.replace(/arms:\n(?: {2}- .*\n)+/, '');
    assert.deepEqual(rules(text), []);
  });

  test('n-exceeds-arm, events-exceed-n, sd-not-positive, se-not-positive on the values', () => {
    const text = RECORD.replace('sd: 0.8, n: 25 }', 'sd: 0, n: 30 }')
      .replace('all: { mean: 5.5, sd: 1, n: 53 }', 'all: { mean: 5.5, se: -0.1, n: 53 }')
      .replace('online: { events: 3, n: 25 }', 'online: { events: 26, n: 25 }');
    const diagnostics = rules(text);
    assert.deepEqual(where(diagnostics).sort(), [
      ['events-exceed-n', 19, 24],
      ['n-exceeds-arm', 13, 37],
      ['sd-not-positive', 13, 31],
      ['se-not-positive', 15, 28],
    ]);
    assert.ok(diagnostics.every((d) => d.severity === 'error'));
  });

  test('n equal to the arm’s n and events equal to n are fine', () => {
    assert.deepEqual(
      rules(RECORD.replace('online: { events: 3, n: 25 }', 'online: { events: 25, n: 25 }')),
      [],
    );
  });

  test('scale-invalid on min; then means are not checked against the scale', () => {
    const text = RECORD.replace('{ min: 1, max: 7 }', '{ min: 7, max: 7 }');
    const diagnostics = rules(text);
    assert.deepEqual(where(diagnostics), [['scale-invalid', 11, 18]]);
  });

  test('mean-outside-scale on the mean; the scale’s ends are inside', () => {
    assert.deepEqual(where(rules(RECORD.replace('mean: 5.9', 'mean: 0.5'))), [
      ['mean-outside-scale', 13, 22],
    ]);
    assert.deepEqual(rules(RECORD.replace('mean: 5.9', 'mean: 7').replace('mean: 5.5', 'mean: 1')), []);
  });

  test('ci-invalid on the lower limit', () => {
    const text = RECORD.replace(
      'all: { mean: 5.5, sd: 1, n: 53 }',
      'all: { mean: 5.5, ci: { lower: 6, upper: 5 }, n: 53 }',
    );
    assert.deepEqual(where(rules(text)), [['ci-invalid', 15, 37]]);
  });

  test('every diagnostic carries the document path of what it is about', () => {
    const diagnostics = rules(RECORD.replace('sd: 0.8', 'sd: -1'));
    assert.deepEqual(diagnostics[0]!.data?.path, ['outcomes', 0, 'results', 'online', 'sd']);
  });
});
