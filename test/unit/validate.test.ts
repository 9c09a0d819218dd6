import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  baseRecordValidator,
  compileExtractionSchema,
  usePrecompiledSchema,
} from '../../src/core/schema/schema';
import { validateRecordText, validateYaml } from '../../src/core/record/validate';
import { parseYaml } from '../../src/core/yaml/yamlDocument';
import { readdirSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import type { Diagnostic, Range } from '../../src/core/common/diagnostic';

const r = (sl: number, sc: number, el: number, ec: number): Range => ({
  start: { line: sl, character: sc },
  end: { line: el, character: ec },
});

const VALID = `study: smith-2011
reviewer: ek
status: draft
citation:
  authors: [Smith J]
  year: 2011
arms:
  - id: online
    group: email
    n: 25
  - id: f2f
    group: face-to-face
    n: NR
outcomes:
  - id: alliance
    type: continuous
    results:
      online: { mean: 5.9, sd: 0.8, n: 25 }
      f2f: { mean: NR, sd: NR, n: NR }
  - id: response
    type: dichotomous
    results:
      online: { events: NR, n: 25 }
      all: { events: 3, percent: NR, n: NR }
`;

const check = (text: string): Diagnostic[] => validateRecordText(text, baseRecordValidator());
const codes = (diagnostics: Diagnostic[]) => diagnostics.map((d) => d.code);

describe('validateRecordText against the base schema', () => {
  test('a valid record with NR for n, mean, sd and events has no diagnostics', () => {
    assert.deepEqual(check(VALID), []);
  });

  test('an empty text reports its missing required fields at the start', () => {
    for (const text of ['', '\n', '# nothing yet\n']) {
      const diagnostics = check(text);
      assert.deepEqual(codes(diagnostics), ['required'], JSON.stringify(text));
      assert.deepEqual(diagnostics[0]!.data?.missing, ['study', 'reviewer', 'status', 'citation']);
      assert.equal(diagnostics[0]!.range.start.line, 0);
      assert.equal(diagnostics[0]!.range.start.character, 0);
    }
  });

  test('a missing top-level field is reported at the first key', () => {
    const diagnostics = check(VALID.replace('status: draft\n', ''));
    assert.deepEqual(codes(diagnostics), ['required']);
    assert.equal(diagnostics[0]!.message, 'Missing required field `status` in the record.');
    assert.deepEqual(diagnostics[0]!.range, r(0, 0, 0, 5));
  });

  test('a missing field of an arm is reported at the arm’s first key', () => {
    const diagnostics = check(VALID.replace('    group: face-to-face\n', ''));
    assert.deepEqual(codes(diagnostics), ['required']);
    assert.match(diagnostics[0]!.message, /`group` in `arms\[f2f\]`/);
    assert.equal(diagnostics[0]!.range.start.line, 10);
    assert.equal(diagnostics[0]!.range.start.character, 4);
    assert.equal(diagnostics[0]!.range.end.line, 10);
  });

  test('missing fields of citation are one diagnostic on the `citation` key', () => {
    const diagnostics = check(VALID.replace('  authors: [Smith J]\n  year: 2011\n', '  journal: Trials\n'));
    assert.deepEqual(codes(diagnostics), ['required']);
    assert.equal(diagnostics[0]!.message, 'Missing required fields `authors`, `year` in `citation`.');
    assert.deepEqual(diagnostics[0]!.range, r(3, 0, 3, 8));
  });

  test('an unknown field is reported on its key, with a suggestion, at any level', () => {
    const diagnostics = check(
      VALID.replace('arms:', 'armss:')
        .replace('  year: 2011', '  yaer: 2011')
        .replace('{ mean: 5.9, sd: 0.8', '{ mean: 5.9, sdd: 0.8'),
    );
    const unknown = diagnostics.filter((d) => d.code === 'unknown-field');
    assert.deepEqual(
      unknown.map((d) => [d.message, d.range]),
      [
        ['Unknown field `yaer` — did you mean `year`?', r(5, 2, 5, 6)],
        ['Unknown field `armss` — did you mean `arms`?', r(6, 0, 6, 5)],
        ['Unknown field `sdd` — did you mean `sd`?', r(17, 27, 17, 30)],
      ],
    );
    // `yaer` leaves `year` missing.
    assert.deepEqual(codes(diagnostics).sort(), [
      'required',
      'unknown-field',
      'unknown-field',
      'unknown-field',
    ]);
  });

  test('a field of another outcome type is unknown in a dichotomous result', () => {
    const diagnostics = check(VALID.replace('online: { events: NR, n: 25 }', 'online: { mean: 3, n: 25 }'));
    assert.deepEqual(codes(diagnostics), ['unknown-field']);
    assert.match(diagnostics[0]!.message, /^Unknown field `mean`/);
    assert.equal(diagnostics[0]!.range.start.line, 22);
  });

  test('a wrong type is reported on the value, in words', () => {
    const diagnostics = check(VALID.replace('    n: 25\n', '    n: 25.5\n'));
    assert.deepEqual(codes(diagnostics), ['type']);
    assert.match(diagnostics[0]!.message, /^`n` must be a whole number ≥ 1 or NR, got 25\.5\.$/);
    assert.deepEqual(diagnostics[0]!.range, r(9, 7, 9, 11));
  });

  test('zero where a count ≥ 1 is expected is one diagnostic, not one per alternative', () => {
    const diagnostics = check(VALID.replace('sd: 0.8, n: 25 }', 'sd: 0.8, n: 0 }'));
    assert.deepEqual(codes(diagnostics), ['type']);
    assert.match(diagnostics[0]!.message, /`n` must be a whole number ≥ 1 or NR, got 0/);
    assert.deepEqual(diagnostics[0]!.range, r(17, 39, 17, 40));
  });

  test('in a complete record, an empty value is an error that says what to enter', () => {
    const diagnostics = check(
      VALID.replace('status: draft', 'status: complete').replace('    n: 25\n', '    n:\n'),
    );
    assert.deepEqual(codes(diagnostics), ['type']);
    assert.match(diagnostics[0]!.message, /`n` is empty: enter a whole number ≥ 1 or NR/);
    // Nothing to underline after `n:`: the squiggle must still be visible (the key, or the spot after it).
    const { start, end } = diagnostics[0]!.range;
    assert.equal(start.line, 9);
    assert.equal(end.line, 9);
    assert.ok(start.character >= 4 && start.character <= 6, `starts at ${start.character}`);
    assert.ok(end.character > start.character, `empty range at 9:${start.character}`);
  });

  test('in a draft, an empty value is only noted as not extracted yet', () => {
    const diagnostics = check(VALID.replace('    n: 25\n', '    n:\n'));
    assert.deepEqual(
      diagnostics.map((d) => [d.severity, d.code]),
      [['information', 'not-extracted']],
    );
  });

  test('an enum value off by a typo gets a suggestion, on the value', () => {
    const diagnostics = check(VALID.replace('type: continuous', 'type: continous'));
    assert.deepEqual(codes(diagnostics), ['enum']);
    assert.equal(
      diagnostics[0]!.message,
      '`type` must be one of: continuous, dichotomous, correlation; got "continous". Did you mean `continuous`?',
    );
    assert.deepEqual(diagnostics[0]!.range, r(15, 10, 15, 19));
    assert.equal(diagnostics[0]!.data?.replacement, 'continuous');
  });

  test('a minimum is checked on the value', () => {
    const diagnostics = check(VALID.replace('year: 2011', 'year: 1800'));
    assert.deepEqual(codes(diagnostics), ['range']);
    assert.match(diagnostics[0]!.message, /`year` must be a whole number from 1900 to 2100, got 1800/);
    assert.deepEqual(diagnostics[0]!.range, r(5, 8, 5, 12));
  });

  test('a pattern is checked on the value', () => {
    const diagnostics = check(VALID.replace('study: smith-2011', 'study: Smith 2011'));
    assert.deepEqual(codes(diagnostics), ['pattern']);
    assert.deepEqual(diagnostics[0]!.range, r(0, 7, 0, 17));
  });

  test('a list or a scalar instead of a mapping is not-a-mapping', () => {
    assert.deepEqual(codes(check('- study: a\n')), ['not-a-mapping']);
    const scalar = check('hello\n');
    assert.deepEqual(codes(scalar), ['not-a-mapping']);
    assert.match(scalar[0]!.message, /not a single value/);
  });

  test('rules run with the expectations from the record’s location', () => {
    const diagnostics = validateRecordText(VALID, baseRecordValidator(), {
      study: 'other-2012',
      reviewer: 'mk',
    });
    assert.deepEqual(codes(diagnostics), ['study-mismatch', 'reviewer-mismatch']);
  });

  test('diagnostics are sorted by position', () => {
    const diagnostics = check(VALID.replace('status: draft', 'status: drat').replace('arms:', 'armz:'));
    const starts = diagnostics.map((d) => d.range.start.line * 1000 + d.range.start.character);
    assert.deepEqual(
      starts,
      [...starts].sort((a, b) => a - b),
    );
  });
});

describe('validateRecordText against a review schema', () => {
  const schemaText = JSON.stringify({
    $id: 'https://example.org/review.schema.json',
    allOf: [
      { $ref: 'https://study-extraction.dev/schemas/study-record.schema.json' },
      {
        required: ['country'],
        properties: {
          country: { type: 'string' },
          'dose/day': { anyOf: [{ type: 'number', minimum: 0 }, { const: 'NR' }] },
          arms: { items: { properties: { group: { enum: ['email', 'face-to-face'] } } } },
        },
      },
    ],
  });
  const compiled = compileExtractionSchema(schemaText);

  test('compiles without diagnostics', () => {
    assert.deepEqual(compiled.diagnostics, []);
    assert.equal(compiled.usesReviewSchema, true);
  });

  const withCountry = VALID.replace('status: draft\n', 'status: draft\ncountry: Sweden\n');

  test('the review’s fields are known and the base’s fields still are', () => {
    assert.deepEqual(validateRecordText(withCountry, compiled.schema), []);
  });

  test('the review’s required fields and vocabularies apply', () => {
    const diagnostics = validateRecordText(VALID.replace('group: email', 'group: emial'), compiled.schema);
    assert.deepEqual(codes(diagnostics), ['required', 'enum']);
    assert.match(diagnostics[0]!.message, /`country`/);
    assert.match(
      diagnostics[1]!.message,
      /^`group` must be one of: email, face-to-face; got "emial"\. Did you mean `email`\?$/,
    );
  });

  test('a failed anyOf is one diagnostic on the value, also for a key with `/`', () => {
    const diagnostics = validateRecordText(`${withCountry}dose/day: -1\n`, compiled.schema);
    assert.deepEqual(codes(diagnostics), ['type']);
    assert.equal(diagnostics[0]!.message, '`dose/day` must be a number ≥ 0 or NR, got -1.');
    assert.deepEqual(diagnostics[0]!.range, r(25, 10, 25, 12));
  });
});

describe('validateRecordText reads clean records without positions, and loses nothing by it', () => {
  // Each text once through the shortcut (fast reader, then the positioned parse only for a record with a
  // problem) and once through the positioned parse alone: the diagnostics must be the same.
  const expectations = {
    study: 'smith-2011',
    reviewer: 'ek',
    protocolVersion: 1,
    knownReviewers: ['ek', 'mk'],
  };
  const variants: [string, string][] = [
    ['clean', VALID],
    ['misspelt top-level field', VALID.replace('status:', 'staus:')],
    ['misspelt nested field', VALID.replace('    group: email', '    gruop: email')],
    ['wrong type', VALID.replace('year: 2011', 'year: soon')],
    ['not extracted in a draft', VALID.replace('year: 2011', 'year:')],
    [
      'empty in a complete record',
      VALID.replace('status: draft', 'status: complete').replace('year: 2011', 'year:'),
    ],
    ['rule: sd not positive', VALID.replace('sd: 0.8', 'sd: -0.8')],
    ['rule: unknown arm', VALID.replace('      online: { events', '      onlin: { events')],
    ['rule: study mismatch', VALID.replace('study: smith-2011', 'study: jones-2011')],
    ['unknown reviewer', VALID.replace('reviewer: ek', 'reviewer: zz')],
    ['protocol version', VALID.replace('status: draft', 'status: draft\nprotocol_version: 2')],
    ['a list', '- a\n- b\n'],
    ['empty', ''],
  ];
  for (const [what, text] of variants)
    test(what, () => {
      const schema = baseRecordValidator();
      const full = validateYaml(parseYaml(text), schema, { recordRules: expectations });
      assert.deepEqual(validateRecordText(text, schema, expectations), full);
      if (what !== 'clean') assert.ok(full.length > 0, 'the variant has a diagnostic');
    });
});

describe('a validator loaded from the code another thread compiled', () => {
  test('reports exactly what the compiled one reports', () => {
    const example = path.join(__dirname, '..', '..', 'examples', 'therapeutic-alliance');
    const text = readFileSync(path.join(example, 'schemas', 'extraction.schema.json'), 'utf8');
    const compiled = compileExtractionSchema(text);
    assert.equal(compiled.usesReviewSchema, true);
    const code = compiled.schema.validatorCode();
    assert.ok(code !== undefined && code.length > 0);
    // Another text of the same schema, so that it is loaded from the code rather than found compiled.
    usePrecompiledSchema(`${text}\n`, code);
    const loaded = compileExtractionSchema(`${text}\n`);
    assert.equal(loaded.usesReviewSchema, true);
    assert.deepEqual(loaded.diagnostics, []);
    assert.equal(loaded.schema.validatorCode(), undefined, 'loaded from code, not compiled');
    const records: [string, string][] = [];
    for (const reviewer of ['ek', 'mk'])
      for (const name of readdirSync(path.join(example, 'records', reviewer))) {
        const record = readFileSync(path.join(example, 'records', reviewer, name), 'utf8');
        records.push([name, record]);
        records.push([
          `${name}, broken`,
          record.replace(/^( +)n: \d+/m, '$1n: -3').replace('status:', 'staus:'),
        ]);
        records.push([`${name}, wrong type`, record.replace(/year: \d+/, 'year: "soon"')]);
      }
    let problems = 0;
    for (const [what, record] of records) {
      const expected = validateRecordText(record, compiled.schema, {
        study: what.split('.')[0],
        reviewer: 'ek',
      });
      problems += expected.length;
      assert.deepEqual(
        validateRecordText(record, loaded.schema, { study: what.split('.')[0], reviewer: 'ek' }),
        expected,
        what,
      );
    }
    assert.ok(problems > records.length, 'the variants have problems to report');
  });
});
