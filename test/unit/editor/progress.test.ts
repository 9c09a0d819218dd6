// Extraction progress in process: required fields filled and missing (in the record, each citation, arm,
// outcome), `NR` counted as a finding, and the missing fields in the order Next Missing Field visits them.
import { before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { recordProgress, type MissingField } from '../../../src/core/editor/progress';
import type { CompiledSchema } from '../../../src/core/schema/schema';
import { parseYaml } from '../../../src/core/yaml/yamlDocument';
import { block, mark } from '../../support/caret';
import { testSchema } from '../../support/editor';

let schema: CompiledSchema;
before(async () => {
  schema = await testSchema();
});

const RECORD = block(`
  study: s-2020
  reviewer: ek
  status: draft
  citation:
    authors: [A]
  arms:
    - id: a
      group: email
      n: NR
    - label: B
  outcomes:
    - id: o
      type: continuous
      results:
        a: { mean: NR, sd: 1, n: 20 }
`);

const paths = (missing: MissingField[]) => missing.map((m) => [m.path.join('.'), m.kind]);

describe('recordProgress', () => {
  test('counts the required fields of the record, its citation, each arm and each outcome', () => {
    const progress = recordProgress(parseYaml(RECORD), schema);
    // Required: 6 of the record (study, reviewer, status, citation; arms, outcomes of the review), 2 of
    // the citation, 2 of each arm, 4 of the outcome (id, type, results; instrument of the review).
    assert.equal(progress.required, 16);
    assert.equal(progress.filled, 12);
    assert.equal(progress.notReported, 2);
    assert.deepEqual(paths(progress.missing), [
      ['citation.year', 'missing'],
      ['arms.1.id', 'missing'],
      ['arms.1.group', 'missing'],
      ['outcomes.0.instrument', 'missing'],
    ]);
  });

  test('a missing field is found at the key or the first line of the object that lacks it', () => {
    const { missing } = recordProgress(parseYaml(RECORD), schema);
    assert.equal(
      mark(
        RECORD,
        missing.map((m) => m.range),
      ),
      block(`
        study: s-2020
        reviewer: ek
        status: draft
        ⟦citation⟧:
          authors: [A]
        arms:
          - id: a
            group: email
            n: NR
          - ⟦⟦label: B⟧⟧
        outcomes:
          - ⟦id: o⟧
            type: continuous
            results:
              a: { mean: NR, sd: 1, n: 20 }
      `),
    );
  });

  test('a field missing at the top is found at the first key', () => {
    const { missing } = recordProgress(parseYaml('study: s-2020\nreviewer: ek\nstatus: draft\n'), schema);
    assert.deepEqual(paths(missing), [
      ['citation', 'missing'],
      ['arms', 'missing'],
      ['outcomes', 'missing'],
    ]);
    assert.equal(
      mark(
        'study: s-2020\nreviewer: ek\nstatus: draft\n',
        missing.map((m) => m.range),
      ),
      '⟦⟦⟦study⟧⟧⟧: s-2020\nreviewer: ek\nstatus: draft\n',
    );
  });

  test('an empty value or an empty list is still to be filled; `NR` is a finding', () => {
    const text = block(`
      study: s-2020
      reviewer: ek
      status:
      citation:
        authors: []
        year: 2020
      arms:
        - id: a
          group: NR
      outcomes: []
    `);
    const progress = recordProgress(parseYaml(text), schema);
    assert.deepEqual(paths(progress.missing), [
      ['status', 'empty'],
      ['citation.authors', 'empty'],
      ['outcomes', 'empty'],
    ]);
    // 6 of the record, 2 of the citation, 2 of the arm.
    assert.equal(progress.required, 10);
    assert.equal(progress.filled, 7);
    assert.equal(progress.notReported, 1);
  });

  describe('an empty value is typed where it goes, and the record still parses', () => {
    const head = 'study: s-2020\nreviewer: ek\n';
    /** Applies the inserted blank, then types `typed` over the range, as the command and the reviewer do. */
    const typeInto = (text: string, field: MissingField, typed: string): string => {
      const lines = parseYaml(text).lines;
      const inserted = field.insert
        ? `${text.slice(0, lines.offsetAt(field.insert))} ${text.slice(lines.offsetAt(field.insert))}`
        : text;
      // The range is on the key's line, after the blank: the line starts where it did.
      const lineStart = lines.offsetAt({ line: field.range.start.line, character: 0 });
      const from = lineStart + field.range.start.character;
      const to = lineStart + field.range.end.character;
      return inserted.slice(0, from) + typed + inserted.slice(to);
    };
    const cases: [string, string, string][] = [
      ['status:', 'draft', 'status: draft'],
      ['status: ', 'draft', 'status: draft'],
      ['status:   ', 'draft', 'status: draft  '],
      ['status: # to check', 'draft', 'status: draft # to check'],
      ['status:  # to check', 'draft', 'status: draft # to check'],
      ['status: null', 'draft', 'status: draft'],
      ['status: ~  # placeholder', 'draft', 'status: draft  # placeholder'],
      ['status: ""', 'draft', 'status: draft'],
      ["status: ''", 'draft', 'status: draft'],
      ['status:\r', 'draft', 'status: draft\r'],
    ];
    for (const [line, typed, expected] of cases) {
      test(JSON.stringify(line), () => {
        const text = `${head}${line}\n`;
        const field = recordProgress(parseYaml(text), schema).missing.find(
          (m) => m.path.join('.') === 'status',
        );
        assert.ok(field, 'status is not reported empty');
        assert.equal(field.kind, 'empty');
        const typedText = typeInto(text, field, typed);
        assert.equal(typedText, `${head}${expected}\n`);
        const after = parseYaml(typedText);
        assert.deepEqual(after.diagnostics, []);
        assert.equal((after.value as { status: unknown }).status, 'draft');
      });
    }
    test('an empty list is typed into', () => {
      const text = `${head}citation:\n  authors: []\n  year: 2020\n`;
      const field = recordProgress(parseYaml(text), schema).missing.find(
        (m) => m.path.join('.') === 'citation.authors',
      )!;
      const typedText = typeInto(text, field, 'Smith J');
      assert.match(typedText, /^ {2}authors: \[Smith J\]$/m);
    });
    test("a list item's first key", () => {
      const text = `${head}arms:\n  - id:\n    group: email\n`;
      const field = recordProgress(parseYaml(text), schema).missing.find(
        (m) => m.path.join('.') === 'arms.0.id',
      )!;
      const typedText = typeInto(text, field, 'online');
      assert.match(typedText, /^ {2}- id: online$/m);
      assert.deepEqual((parseYaml(typedText).value as { arms: unknown[] }).arms[0], {
        id: 'online',
        group: 'email',
      });
    });
  });

  test('a complete record has nothing missing', () => {
    const text = block(`
      study: s-2020
      reviewer: ek
      status: complete
      citation: { authors: [A], year: 2020 }
      arms:
        - { id: a, group: email }
      outcomes:
        - { id: o, type: correlation, instrument: WAI, results: { a: { r: 0.3, n: 20 } } }
    `);
    const progress = recordProgress(parseYaml(text), schema);
    assert.deepEqual(
      { filled: progress.filled, required: progress.required, missing: progress.missing },
      { filled: 14, required: 14, missing: [] },
    );
  });

  test('an empty text lacks every required field of the record; an unusable one counts nothing', () => {
    const empty = recordProgress(parseYaml(''), schema);
    assert.equal(empty.required, 6);
    assert.deepEqual(
      empty.missing.map((m) => m.path.join('.')),
      ['study', 'reviewer', 'status', 'citation', 'arms', 'outcomes'],
    );
    const tooDeep = parseYaml(`a: ${'['.repeat(100)}${']'.repeat(100)}\n`);
    assert.equal(tooDeep.usable, false);
    assert.deepEqual(recordProgress(tooDeep, schema), {
      filled: 0,
      required: 0,
      notReported: 0,
      missing: [],
    });
  });

  test('items that are not mappings are passed over', () => {
    const progress = recordProgress(
      parseYaml('study: s\nreviewer: ek\nstatus: draft\ncitation: x\narms: [a, 1]\noutcomes: [[]]\n'),
      schema,
    );
    assert.equal(progress.required, 6);
    assert.deepEqual(progress.missing, []);
  });
});
