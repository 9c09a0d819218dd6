// No extraction schema can disable or freeze the tool (src/core/schema/schema.ts): a `$schema` other than 2020-12,
// a schema too large, too deep or expanding too far, a huge `enum`, a backtracking or unsupported `pattern`
// each get a diagnostic at their place, and records are checked against the base schema, in the compiled
// (trusted) and the navigated (untrusted) mode alike. Hostile inputs must finish in a few seconds.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import * as nodePath from 'node:path';
import type { Diagnostic } from '../../src/core/common/diagnostic';
import {
  baseRecordValidator,
  compileExtractionSchema,
  readUncompiledExtractionSchema,
  SCHEMA_LIMITS,
  type ExtractionSchemaResult,
} from '../../src/core/schema/schema';
import { isKnownProperty } from '../../src/core/schema/schemaNavigator';
import { validateYaml } from '../../src/core/record/validate';
import { parseYaml } from '../../src/core/yaml/yamlDocument';

const REPO = nodePath.resolve(__dirname, '..', '..');
const EXAMPLE_SCHEMA = readFileSync(
  nodePath.join(REPO, 'examples', 'therapeutic-alliance', 'schemas', 'extraction.schema.json'),
  'utf8',
);
const BASE_REF = 'https://study-extraction.dev/schemas/study-record.schema.json';
const BASE_ONLY = 'Records are checked against the base schema only.';
/** Generous: the machine is shared. Each input below took from a minute to forever before. */
const FAST_MS = 5000;

type Mode = 'compiled' | 'navigated';
const MODES: [Mode, (text: string) => ExtractionSchemaResult][] = [
  ['compiled', compileExtractionSchema],
  ['navigated', readUncompiledExtractionSchema],
];

/** A review schema over the base, with `extra` merged into it. */
function reviewSchema(extra: Record<string, unknown>): string {
  return JSON.stringify(
    { $id: 'https://example.org/review.schema.json', allOf: [{ $ref: BASE_REF }], ...extra },
    null,
    2,
  );
}

/** The single-line range of the first `needle` in `text` (from `from` on). */
function rangeOf(text: string, needle: string, from = 0): Diagnostic['range'] {
  const index = text.indexOf(needle, from);
  assert.ok(index >= 0, `${needle} is in the text`);
  const line = text.slice(0, index).split('\n').length - 1;
  const character = index - (text.lastIndexOf('\n', index - 1) + 1);
  return { start: { line, character }, end: { line, character: character + needle.length } };
}

function timed<T>(run: () => T): T {
  const started = Date.now();
  const result = run();
  const elapsed = Date.now() - started;
  assert.ok(elapsed < FAST_MS, `took ${elapsed} ms`);
  return result;
}

/** The one diagnostic of a schema that fell back to the base. */
function onlyDiagnostic(result: ExtractionSchemaResult): Diagnostic {
  assert.equal(result.usesReviewSchema, false);
  assert.equal(result.schema, baseRecordValidator());
  assert.equal(result.diagnostics.length, 1, JSON.stringify(result.diagnostics, null, 1));
  assert.equal(result.diagnostics[0]!.severity, 'error');
  return result.diagnostics[0]!;
}

/** The base still applies: a record with a wrong `status` is reported. */
function assertChecksAgainstBase(result: ExtractionSchemaResult): void {
  const record = 'study: s\nreviewer: ek\nstatus: done\ncitation: { authors: [A], year: 2000 }\n';
  const diagnostics = validateYaml(parseYaml(record), result.schema, {});
  assert.ok(
    diagnostics.some((d) => d.code === 'enum' && /status/.test(d.message)),
    JSON.stringify(diagnostics),
  );
}

describe('$schema: only JSON Schema 2020-12', () => {
  for (const [mode, read] of MODES) {
    test(`${mode}: draft-07 → schema-draft-unsupported at the value, records checked against the base`, () => {
      const text = EXAMPLE_SCHEMA.replace(
        'https://json-schema.org/draft/2020-12/schema',
        'http://json-schema.org/draft-07/schema#',
      );
      const result = read(text);
      const d = onlyDiagnostic(result);
      assert.equal(d.code, 'schema-draft-unsupported');
      assert.equal(
        d.message,
        `The extraction schema uses draft-07; only JSON Schema 2020-12 is supported. ${BASE_ONLY}`,
      );
      assert.deepEqual(d.range, rangeOf(text, '"http://json-schema.org/draft-07/schema#"'));
      assertChecksAgainstBase(result);
    });
  }

  test('2020-12 with or without a trailing # is accepted', () => {
    for (const dialect of [
      'https://json-schema.org/draft/2020-12/schema',
      'https://json-schema.org/draft/2020-12/schema#',
    ]) {
      const result = compileExtractionSchema(reviewSchema({ $schema: dialect }));
      assert.deepEqual(result.diagnostics, [], dialect);
      assert.equal(result.usesReviewSchema, true);
    }
  });

  test('every other value is named in the message, never an internal error', () => {
    const cases: [unknown, string][] = [
      ['https://json-schema.org/draft/2019-09/schema', 'uses draft 2019-09'],
      ['http://json-schema.org/draft-04/schema#', 'uses draft-04'],
      ['http://json-schema.org/schema#', 'uses `http://json-schema.org/schema#`'],
      ['', 'uses ``'],
      [42, 'has a `$schema` that is not a string'],
      [null, 'has a `$schema` that is not a string'],
      [{ $ref: '#' }, 'has a `$schema` that is not a string'],
    ];
    for (const [value, says] of cases) {
      const d = onlyDiagnostic(compileExtractionSchema(reviewSchema({ $schema: value })));
      assert.equal(d.code, 'schema-draft-unsupported', JSON.stringify(value));
      assert.equal(
        d.message,
        `The extraction schema ${says}; only JSON Schema 2020-12 is supported. ${BASE_ONLY}`,
      );
    }
  });

  test('a subschema that declares another draft is reported where it does', () => {
    const text = reviewSchema({
      properties: { rater: { $schema: 'http://json-schema.org/draft-06/schema#', type: 'string' } },
    });
    const d = onlyDiagnostic(compileExtractionSchema(text));
    assert.match(d.message, /^The extraction schema at `\/properties\/rater` uses draft-06;/);
    assert.deepEqual(d.range, rangeOf(text, '"http://json-schema.org/draft-06/schema#"'));
  });
});

describe('an exception of the compiler becomes a diagnostic', () => {
  test('an extension keyword ajv refuses to declare → schema-invalid, not a crash', () => {
    const text = reviewSchema({ 'x-é': true });
    const d = onlyDiagnostic(compileExtractionSchema(text));
    assert.equal(d.code, 'schema-invalid');
    assert.match(d.message, /^The extraction schema cannot be compiled: .*x-é.*\. Records are checked/);
  });
});

describe('size and depth', () => {
  for (const [mode, read] of MODES) {
    test(`${mode}: a 1.5 MB schema → schema-too-large at the start, not compiled`, () => {
      const properties = Object.fromEntries(
        Array.from({ length: 30_000 }, (_, i) => [`f${i}`, { type: 'string', description: 'x'.repeat(20) }]),
      );
      const text = reviewSchema({ properties });
      assert.ok(text.length > 1.5 * 1024 * 1024);
      const d = onlyDiagnostic(timed(() => read(text)));
      assert.equal(d.code, 'schema-too-large');
      assert.match(d.message, /too large to use \(\d+ KB; the limit is 1024 KB\)/);
      assert.deepEqual(d.range.start, { line: 0, character: 0 });
    });

    test(`${mode}: nested 20,000 deep → schema-too-deep at the first bracket too deep, no stack overflow`, () => {
      const depth = 20_000;
      const text = `{"allOf": [{"$ref": "${BASE_REF}"}],\n "properties": {"x": ${'{"properties": {"x": '.repeat(depth)}{}${'}}'.repeat(depth)}}}`;
      const result = timed(() => read(text));
      const d = onlyDiagnostic(result);
      assert.equal(d.code, 'schema-too-deep');
      assert.match(d.message, /more than 64 levels deep/);
      // The root and its `properties` are two levels; each `{"properties": {"x": ` two more: level 65 is
      // the 32nd of them.
      const at = ' "properties": {"x": '.length + '{"properties": {"x": '.length * 31;
      assert.deepEqual(d.range, { start: { line: 1, character: at }, end: { line: 1, character: at + 1 } });
      assertChecksAgainstBase(result);
    });

    test(`${mode}: an unmatched quote does not hide 100,000 brackets from the depth check`, () => {
      const d = onlyDiagnostic(timed(() => read(`{"a": "\n${'['.repeat(100_000)}`)));
      assert.equal(d.code, 'schema-too-deep');
    });

    test(`${mode}: a chain of 200 \`$ref\`s → schema-too-deep at the definition where the limit is crossed`, () => {
      const $defs = Object.fromEntries(
        Array.from({ length: 200 }, (_, i) => [
          `d${i}`,
          i === 199 ? { type: 'object' } : { $ref: `#/$defs/d${i + 1}` },
        ]),
      );
      const text = reviewSchema({ allOf: [{ $ref: BASE_REF }, { $ref: '#/$defs/d0' }], $defs });
      const d = onlyDiagnostic(timed(() => read(text)));
      assert.equal(d.code, 'schema-too-deep');
      // The root, `allOf/1` and d0 … d61 are 64 levels: d62 is the 65th.
      assert.match(
        d.message,
        /^Subschemas nest more than 64 levels deep at `\/\$defs\/d62` when `\$ref`s are followed\./,
      );
      assert.deepEqual(d.range.start, rangeOf(text, '{', text.indexOf('"d62"')).start);
    });
  }

  test('64 levels of JSON nesting are accepted, 65 are not', () => {
    // The root (1), `allOf` (2), 30 levels of `{"properties": {"x": ` (3 to 62), the innermost object
    // (63) and its `enum` (64); a nested array in the enum is level 65.
    const text = (innermost: string) =>
      `{"$id": "https://example.org/deep", "allOf": [{"$ref": "${BASE_REF}"}, ${'{"properties": {"x": '.repeat(30)}${innermost}${'}}'.repeat(30)}]}`;
    assert.deepEqual(compileExtractionSchema(text('{"enum": [1]}')).diagnostics, []);
    assert.equal(compileExtractionSchema(text('{"enum": [[1]]}')).diagnostics[0]?.code, 'schema-too-deep');
  });
});

describe('enum size', () => {
  for (const [mode, read] of MODES) {
    test(`${mode}: an enum of 20,000 values → schema-too-large at the enum`, () => {
      const text = reviewSchema({
        properties: { country: { enum: Array.from({ length: 20_000 }, (_, i) => `c${i}`) } },
      });
      const d = onlyDiagnostic(timed(() => read(text)));
      assert.equal(d.code, 'schema-too-large');
      assert.equal(d.message, `This \`enum\` lists 20,000 values; at most 2,000 are supported. ${BASE_ONLY}`);
      assert.deepEqual(d.range.start, rangeOf(text, '[', text.indexOf('"enum"')).start);
    });
  }

  test(`an enum of ${SCHEMA_LIMITS.maxEnumValues} values is accepted`, () => {
    const text = reviewSchema({
      properties: {
        country: { enum: Array.from({ length: SCHEMA_LIMITS.maxEnumValues }, (_, i) => `c${i}`) },
      },
    });
    assert.deepEqual(compileExtractionSchema(text).diagnostics, []);
  });
});

describe('expansion through $ref (fan-out)', () => {
  /** `levels` definitions, each referring to the next one twice. */
  function fanOut(level: (next: string, i: number) => Record<string, unknown>, levels = 30): string {
    const $defs: Record<string, unknown> = { [`l${levels}`]: { type: 'object' } };
    for (let i = 0; i < levels; i++) $defs[`l${i}`] = level(`#/$defs/l${i + 1}`, i);
    return reviewSchema({ allOf: [{ $ref: BASE_REF }, { $ref: '#/$defs/l0' }], $defs });
  }
  const variants: [string, string][] = [
    ['anyOf branches', fanOut((next) => ({ anyOf: [{ $ref: next }, { $ref: next }] }))],
    ['oneOf branches', fanOut((next) => ({ oneOf: [{ $ref: next }, { $ref: next }] }))],
    ['allOf branches', fanOut((next) => ({ allOf: [{ $ref: next }, { $ref: next }] }))],
    [
      // Three levels each (branch, property, reference): 20 of them stay within the depth limit.
      'anyOf branches that descend into a property',
      fanOut(
        (next) => ({ anyOf: [{ properties: { x: { $ref: next } } }, { properties: { x: { $ref: next } } }] }),
        20,
      ),
    ],
    [
      '`$anchor` references',
      fanOut((_next, i) => ({
        $anchor: `a${i}`,
        anyOf: [
          { $ref: i === 29 ? '#/$defs/l30' : `#a${i + 1}` },
          { $ref: i === 29 ? '#/$defs/l30' : `#a${i + 1}` },
        ],
      })),
    ],
  ];
  for (const [mode, read] of MODES) {
    for (const [name, text] of variants) {
      test(`${mode}: levels of ${name} → schema-too-complex at the level that crosses the limit`, () => {
        const result = timed(() => read(text));
        const d = onlyDiagnostic(result);
        assert.equal(d.code, 'schema-too-complex');
        const level = /^The subschema at `\/\$defs\/l(\d+)` expands to more than 20,000 subschemas/.exec(
          d.message,
        );
        assert.ok(level, d.message);
        // The count doubles with every level: it crosses the limit about 15 levels above the last.
        assert.ok(Number(level[1]) >= 1 && Number(level[1]) <= 17, d.message);
        assert.deepEqual(d.range.start, rangeOf(text, '{', text.indexOf(`"l${level[1]}"`)).start);
        assertChecksAgainstBase(result);
      });
    }
  }

  test('a recursive schema (a tree of items) and the example review are within every limit', () => {
    const tree = reviewSchema({
      properties: { tree: { $ref: '#/$defs/node' } },
      $defs: {
        node: {
          type: 'object',
          properties: {
            label: { type: 'string' },
            children: { type: 'array', items: { $ref: '#/$defs/node' } },
          },
        },
      },
    });
    for (const text of [tree, EXAMPLE_SCHEMA]) {
      const result = compileExtractionSchema(text);
      assert.deepEqual(result.diagnostics, []);
      assert.equal(result.usesReviewSchema, true);
      assert.deepEqual(readUncompiledExtractionSchema(text).diagnostics, []);
    }
  });
});

describe('patterns', () => {
  test('`^(a+)+$` against 30 characters and a mismatch: checked in milliseconds (it took a minute)', () => {
    const result = compileExtractionSchema(
      reviewSchema({ properties: { notes: { type: 'string', pattern: '^(a+)+$' } } }),
    );
    assert.deepEqual(result.diagnostics, []);
    const record = `study: s\nreviewer: ek\nstatus: draft\ncitation: { authors: [A], year: 2000 }\nnotes: ${'a'.repeat(30)}!\n`;
    const diagnostics = timed(() => validateYaml(parseYaml(record), result.schema, {}));
    assert.deepEqual(
      diagnostics.map((d) => d.code),
      ['pattern'],
    );
  });

  test('lookahead in `pattern` → schema-pattern-unsupported at the pattern', () => {
    const text = reviewSchema({ properties: { country: { type: 'string', pattern: '^(?!NR$).+' } } });
    const d = onlyDiagnostic(compileExtractionSchema(text));
    assert.equal(d.code, 'schema-pattern-unsupported');
    assert.equal(
      d.message,
      `The \`pattern\` at \`/properties/country/pattern\` cannot be matched in linear time: lookahead and lookbehind (\`(?=\`, \`(?!\`, \`(?<=\`, \`(?<!\`) are not supported. ${BASE_ONLY}`,
    );
    assert.deepEqual(d.range, rangeOf(text, '"^(?!NR$).+"'));
  });

  test('a backreference in a `patternProperties` key → schema-pattern-unsupported at the key', () => {
    const text = reviewSchema({
      properties: { extra: { patternProperties: { '^(x)\\1$': { type: 'string' } } } },
    });
    const d = onlyDiagnostic(compileExtractionSchema(text));
    assert.equal(d.code, 'schema-pattern-unsupported');
    assert.match(
      d.message,
      /`patternProperties` key at `\/properties\/extra\/patternProperties\/\^\(x\)\\1\$`.*backreferences/,
    );
    assert.deepEqual(d.range, rangeOf(text, '"^(x)\\\\1$"'));
  });

  test('a pattern that is not a regular expression → schema-invalid at the pattern, not a crash', () => {
    const text = reviewSchema({ properties: { country: { type: 'string', pattern: '(unclosed' } } });
    const d = onlyDiagnostic(compileExtractionSchema(text));
    assert.equal(d.code, 'schema-invalid');
    assert.match(
      d.message,
      /^Invalid `pattern` at `\/properties\/country\/pattern`: not a regular expression \(Unterminated group\)\./,
    );
    assert.deepEqual(d.range, rangeOf(text, '"(unclosed"'));
  });

  test('navigated: a backtracking `patternProperties` key decides unknown fields in milliseconds', () => {
    const result = readUncompiledExtractionSchema(
      reviewSchema({
        properties: { extra: { properties: {}, patternProperties: { '^(a+)+$': { type: 'string' } } } },
      }),
    );
    assert.deepEqual(result.diagnostics, []);
    const contexts = result.schema.schemasAt({ extra: {} }, ['extra']);
    timed(() => {
      assert.equal(isKnownProperty(contexts, `${'a'.repeat(40)}!`), false);
      assert.equal(isKnownProperty(contexts, 'aaaa'), true);
    });
  });
});
