// A hostile or unsupported extraction schema, and a hostile `compare.ignore` pattern, against the built CLI.
// `check` must finish with exit 1 and the diagnostic on the schema file (never exit 2 with an internal
// error, a stack overflow or a hang), and still check the records against the base schema.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as nodePath from 'node:path';
import { CLI, ensureBuilt, type JsonDiagnostic, type JsonReport } from './support/cli';

/** Generous: the machine is shared; each of these took from a minute to forever, or crashed. */
const TIMEOUT_MS = 20_000;
const SCHEMA_PATH = 'schemas/extraction.schema.json';
const BASE_REF = 'https://study-extraction.dev/schemas/study-record.schema.json';

const reviewYaml = (ignore = '[notes]') => `title: Hostile schema
version: 1
schema: ${SCHEMA_PATH}
records: records/{reviewer}/{study}.study.yaml
reviewers: [ek, mk]
compare:
  ignore: ${ignore}
`;

/** Valid against the base schema; `status: done` in the second study breaks the base on purpose. */
function record(study: string, reviewer: string, extra = ''): string {
  return `study: ${study}
reviewer: ${reviewer}
status: ${study === 'broken-2020' ? 'done' : 'complete'}
citation: { authors: [Doe J], year: 2020 }
notes: ${'a'.repeat(30)}!
arms:
  - { id: a, group: email, n: 10 }
${extra}`;
}

const tempDirs: string[] = [];

function makeReview(schema: string, ignore?: string, extra = ''): string {
  const root = mkdtempSync(nodePath.join(os.tmpdir(), 'study-extract-hostile-schema-'));
  tempDirs.push(root);
  for (const reviewer of ['ek', 'mk']) {
    mkdirSync(nodePath.join(root, 'records', reviewer), { recursive: true });
    for (const study of ['good-2019', 'broken-2020'])
      writeFileSync(
        nodePath.join(root, 'records', reviewer, `${study}.study.yaml`),
        record(study, reviewer, extra),
      );
  }
  mkdirSync(nodePath.join(root, 'schemas'));
  writeFileSync(nodePath.join(root, 'review.yaml'), reviewYaml(ignore));
  writeFileSync(nodePath.join(root, SCHEMA_PATH), schema);
  return root;
}

function run(args: string[]) {
  const result = spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8', timeout: TIMEOUT_MS });
  assert.equal(result.error, undefined, `the CLI did not finish: ${result.error?.message}`);
  assert.equal(result.signal, null, `the CLI was killed by ${result.signal}`);
  assert.doesNotMatch(result.stderr, /internal error|Maximum call stack/i);
  return result;
}

/** `check --format json`: exit 1, the schema's diagnostics, and the base schema still applied to records. */
function checkSchema(root: string): JsonDiagnostic[] {
  const result = run(['check', root, '--format', 'json']);
  assert.equal(result.status, 1, `exit status (1 = errors found); stderr: ${result.stderr}`);
  const report = JSON.parse(result.stdout) as JsonReport;
  const of = (path: string) => report.files.find((f) => f.path === path)?.diagnostics ?? [];
  for (const reviewer of ['ek', 'mk']) {
    assert.deepEqual(of(`records/${reviewer}/good-2019.study.yaml`), []);
    assert.ok(
      of(`records/${reviewer}/broken-2020.study.yaml`).some((d) => d.code === 'enum'),
      'the base schema still checks the records',
    );
  }
  return of(SCHEMA_PATH);
}

function reviewSchema(extra: Record<string, unknown>): string {
  return JSON.stringify(
    {
      $schema: 'https://json-schema.org/draft/2020-12/schema',
      $id: 'https://example.org/hostile.schema.json',
      allOf: [{ $ref: BASE_REF }],
      ...extra,
    },
    null,
    2,
  );
}

before(() => ensureBuilt());

after(() => {
  for (const dir of tempDirs) rmSync(dir, { recursive: true, force: true });
});

describe('check on a hostile or unsupported extraction schema', () => {
  test('`$schema` draft-07 → exit 1, schema-draft-unsupported at the `$schema` value', () => {
    const schema = reviewSchema({}).replace(
      'https://json-schema.org/draft/2020-12/schema',
      'http://json-schema.org/draft-07/schema#',
    );
    const diagnostics = checkSchema(makeReview(schema));
    assert.deepEqual(
      diagnostics.map((d) => [d.code, d.severity, d.range.start]),
      [['schema-draft-unsupported', 'error', { line: 1, character: 13 }]],
    );
    assert.match(diagnostics[0]!.message, /uses draft-07; only JSON Schema 2020-12 is supported/);
  });

  const cases: [string, () => string, string][] = [
    [
      'nested 20,000 deep',
      () =>
        `{"allOf": [{"$ref": "${BASE_REF}"}], "properties": {"x": ${'{"properties": {"x": '.repeat(20_000)}{}${'}}'.repeat(20_000)}}}`,
      'schema-too-deep',
    ],
    [
      'of 1.5 MB',
      () =>
        reviewSchema({
          properties: Object.fromEntries(
            Array.from({ length: 30_000 }, (_, i) => [
              `f${i}`,
              { type: 'string', description: 'x'.repeat(20) },
            ]),
          ),
        }),
      'schema-too-large',
    ],
    [
      'with an enum of 20,000 values',
      () =>
        reviewSchema({ properties: { notes: { enum: Array.from({ length: 20_000 }, (_, i) => `v${i}`) } } }),
      'schema-too-large',
    ],
    [
      'with 30 levels of anyOf that refer to the next level twice',
      () => {
        const $defs: Record<string, unknown> = { l30: { type: 'object' } };
        for (let i = 0; i < 30; i++)
          $defs[`l${i}`] = { anyOf: [{ $ref: `#/$defs/l${i + 1}` }, { $ref: `#/$defs/l${i + 1}` }] };
        return reviewSchema({ allOf: [{ $ref: BASE_REF }, { $ref: '#/$defs/l0' }], $defs });
      },
      'schema-too-complex',
    ],
    [
      'with a lookahead pattern',
      () => reviewSchema({ properties: { notes: { type: 'string', pattern: '^(?!x)' } } }),
      'schema-pattern-unsupported',
    ],
  ];
  for (const [name, schema, code] of cases) {
    test(`a schema ${name} → exit 1, ${code} on the schema file`, () => {
      const diagnostics = checkSchema(makeReview(schema()));
      assert.deepEqual(
        diagnostics.map((d) => d.code),
        [code],
      );
    });
  }

  test('a backtracking pattern `^(a+)+$` is applied to 30 characters and a mismatch in no time', () => {
    const root = makeReview(reviewSchema({ properties: { notes: { type: 'string', pattern: '^(a+)+$' } } }));
    const result = run(['check', root, '--format', 'json']);
    assert.equal(result.status, 1);
    const report = JSON.parse(result.stdout) as JsonReport;
    const good = report.files.find((f) => f.path === 'records/ek/good-2019.study.yaml')!;
    assert.deepEqual(
      good.diagnostics.map((d) => [d.code, d.range.start.line]),
      [['pattern', 4]],
    );
  });
});

describe('compare with a hostile compare.ignore pattern', () => {
  test('`********************!` against a long field name finishes (it took minutes)', () => {
    const root = makeReview(
      reviewSchema({}),
      '["********************!"]',
      `extraction_comment_about_the_primary_outcome_measure: x\n`,
    );
    const result = run(['compare', root, '--format', 'json']);
    assert.equal(result.status, 0, result.stderr);
    const compared = JSON.parse(result.stdout) as { studies: { study: string; state: string }[] };
    assert.deepEqual(compared.studies.map((s) => [s.study, s.state]).sort(), [
      ['broken-2020', 'compared'],
      ['good-2019', 'compared'],
    ]);
  });
});
