import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  describeSchema,
  describeValue,
  fieldLabel,
  instancePathSegments,
  unknownFieldDiagnostic,
} from '../../src/core/schema/schemaMessages';
import { BASE_SCHEMA_ID, baseRecordValidator } from '../../src/core/schema/schema';
import { parseYaml, YamlLocator } from '../../src/core/yaml/yamlDocument';

describe('describeSchema', () => {
  test('numbers with bounds', () => {
    assert.equal(describeSchema({ type: 'integer', minimum: 1 }), 'a whole number ≥ 1');
    assert.equal(describeSchema({ type: 'integer', maximum: 10 }), 'a whole number ≤ 10');
    assert.equal(describeSchema({ type: 'number', minimum: 0, maximum: 100 }), 'a number from 0 to 100');
    assert.equal(
      describeSchema({ type: 'number', exclusiveMinimum: 0, exclusiveMaximum: 1 }),
      'a number > 0 and < 1',
    );
    assert.equal(describeSchema({ type: 'number' }), 'a number');
  });

  test('types by name', () => {
    assert.equal(describeSchema({ type: 'string' }), 'text');
    assert.equal(describeSchema({ type: 'boolean' }), 'true or false');
    assert.equal(describeSchema({ type: 'array' }), 'a list');
    assert.equal(describeSchema({ type: 'object' }), 'a mapping of fields');
    assert.equal(describeSchema({ type: ['string', 'integer'] }), 'text or a whole number');
    assert.equal(describeSchema({ type: 'string', minLength: 1 }), 'non-empty text');
    assert.equal(describeSchema({}), 'a value');
    assert.equal(describeSchema(true), 'anything');
    assert.equal(describeSchema(false), 'nothing');
  });

  test('a union with a length bound still names every type it accepts', () => {
    const phrase = describeSchema({ type: ['string', 'integer'], minLength: 1 });
    assert.match(phrase, /whole number/);
    assert.match(phrase, /text/);
  });

  test('enums, consts and alternatives', () => {
    assert.equal(describeSchema({ enum: ['draft', 'complete'] }), 'one of: draft, complete');
    assert.equal(describeSchema({ const: 'NR' }), 'NR');
    assert.equal(describeSchema({ const: 3 }), '3');
    assert.equal(
      describeSchema({ anyOf: [{ type: 'integer', minimum: 1 }, { const: 'NR' }] }),
      'a whole number ≥ 1 or NR',
    );
    assert.equal(
      describeSchema({ oneOf: [{ type: 'string' }, { type: 'number' }, { const: 'NR' }] }),
      'text, a number or NR',
    );
    assert.equal(describeSchema({ anyOf: [{ type: 'string' }, { type: 'string' }] }), 'text');
  });

  test('a long enum is cut with a count', () => {
    const values = Array.from({ length: 15 }, (_, i) => `v${i}`);
    const phrase = describeSchema({ enum: values });
    assert.match(phrase, /^one of: v0, v1, /);
    assert.match(phrase, /\(15 in all\)$/);
    assert.doesNotMatch(phrase, /v14/);
  });

  test('follows a $ref through the navigator', () => {
    const { navigator } = baseRecordValidator();
    assert.equal(
      describeSchema({ $ref: '#/$defs/count' }, navigator, BASE_SCHEMA_ID),
      'a whole number ≥ 1 or NR',
    );
    assert.equal(
      describeSchema({ $ref: '#/$defs/reportedNumber', title: 'Mean' }, navigator, BASE_SCHEMA_ID),
      'a number or NR',
    );
  });
});

describe('fieldLabel and instancePathSegments', () => {
  const record = {
    arms: [{ id: 'online', n: 1 }, { n: 2 }],
    citation: { authors: ['A', 'B', 'C'] },
    results: { '0': { n: 1 } },
  };

  test('names a field as a reviewer reads it', () => {
    assert.equal(fieldLabel([], record), 'the record');
    assert.equal(fieldLabel(['arms', 0, 'n'], record), 'n');
    assert.equal(fieldLabel(['arms', 0], record), 'arms[online]');
    assert.equal(fieldLabel(['arms', 1], record), 'arms[1]');
    assert.equal(fieldLabel(['citation', 'authors', 2], record), 'authors[2]');
  });

  test('indexes are numbers only where the data is a list', () => {
    assert.deepEqual(instancePathSegments('/arms/1/n', record), ['arms', 1, 'n']);
    assert.deepEqual(instancePathSegments('/results/0/n', record), ['results', '0', 'n']);
    assert.deepEqual(instancePathSegments('', record), []);
    assert.deepEqual(instancePathSegments('/a~1b/c~0d~0e', { 'a/b': {} }), ['a/b', 'c~d~e']);
  });

  test('describeValue', () => {
    assert.equal(describeValue(null), 'nothing');
    assert.equal(describeValue('abc'), '"abc"');
    assert.equal(describeValue('x'.repeat(50)), JSON.stringify(`${'x'.repeat(40)}…`));
    assert.equal(describeValue([1]), 'a list');
    assert.equal(describeValue({}), 'a mapping');
    assert.equal(describeValue(25.5), '25.5');
  });
});

describe('unknownFieldDiagnostic', () => {
  const locator = new YamlLocator(parseYaml('study: a\narmss:\n  - id: x\n'));
  test('names the key, suggests the closest field and lands on the key', () => {
    const d = unknownFieldDiagnostic('armss', ['study', 'arms', 'outcomes'], ['armss'], locator);
    assert.equal(d.code, 'unknown-field');
    assert.equal(d.severity, 'error');
    assert.equal(d.message, 'Unknown field `armss` — did you mean `arms`?');
    assert.deepEqual(d.range, { start: { line: 1, character: 0 }, end: { line: 1, character: 5 } });
    assert.equal(d.data?.replacement, 'arms');
  });
  test('without a close match, lists the known fields', () => {
    const d = unknownFieldDiagnostic('armss', ['study', 'notes'], ['armss'], locator);
    assert.equal(d.message, 'Unknown field `armss` (known fields here: study, notes)');
    assert.equal(d.data?.replacement, undefined);
  });
});
