// Extraction progress in process: required fields filled and missing (in the record, each citation, arm,
// outcome), `NR` counted as a finding, and the missing fields in the order Next Missing Field visits them.
import { before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { recordProgress, type MissingField } from '../../../src/core/editor/progress';
import { analysedFields, readAnalyses } from '../../../src/core/synthesis/analysisConfig';
import type { CompiledSchema } from '../../../src/core/schema/schema';
import { parseYaml } from '../../../src/core/yaml/yamlDocument';
import { applyEdits, block, mark } from '../../support/caret';
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
  test('counts the required fields of the record, its citation, each arm and each outcome, and every field written', () => {
    const progress = recordProgress(parseYaml(RECORD), schema);
    // Required: 6 of the record (study, reviewer, status, citation; arms, outcomes of the review), 2 of
    // the citation, 2 of each arm, 4 of the outcome (id, type, results; instrument of the review); and
    // written, all filled: the first arm's n, the second's label, the result of arm a and its 3 values.
    assert.equal(progress.required, 16 + 6);
    assert.equal(progress.filled, 12 + 6);
    assert.equal(progress.notReported, 2);
    assert.deepEqual(paths(progress.missing), [
      ['citation.year', 'missing'],
      ['arms.1.id', 'missing'],
      ['arms.1.group', 'missing'],
      ['outcomes.0.instrument', 'missing'],
    ]);
  });

  /** The text once a missing field's edit is applied, with the cursor marked. */
  const written = (text: string, field: MissingField) => {
    const edited = field.edit ? applyEdits(text, [field.edit]) : text;
    return mark(edited, [field.range]);
  };

  test('a missing field is written at its place in schema order, the cursor where its value goes', () => {
    const { missing } = recordProgress(parseYaml(RECORD), schema);
    const [year, armId, armGroup, instrument] = missing;
    assert.match(written(RECORD, year!), /^citation:\n {2}authors: \[A\]\n {2}year: ⟦⟧\narms:/m);
    // Before the first key of a list item, which moves down a line.
    assert.match(written(RECORD, armId!), /^ {2}- id: ⟦⟧\n {4}label: B\noutcomes:/m);
    assert.match(written(RECORD, armGroup!), /^ {2}- label: B\n {4}group: ⟦⟧\noutcomes:/m);
    assert.match(written(RECORD, instrument!), /^ {4}type: continuous\n {4}instrument: ⟦⟧\n {4}results:/m);
    for (const field of missing) {
      const after = parseYaml(applyEdits(RECORD, [field.edit!]));
      assert.deepEqual(after.diagnostics, [], field.path.join('.'));
    }
  });

  test('fields missing at the top go after the last one before them; missing at one place, in schema order', () => {
    const text = 'study: s-2020\nreviewer: ek\nstatus: draft\n';
    const { missing } = recordProgress(parseYaml(text), schema);
    assert.deepEqual(paths(missing), [
      ['citation', 'missing'],
      ['arms', 'missing'],
      ['outcomes', 'missing'],
    ]);
    assert.equal(
      written(text, missing[0]!),
      'study: s-2020\nreviewer: ek\nstatus: draft\ncitation:\n  authors: ⟦⟧\n  year:\n',
    );
    assert.equal(
      written(
        'study: s-2020\nstatus: draft # to do\n',
        recordProgress(parseYaml('study: s-2020\nstatus: draft # to do\n'), schema).missing[0]!,
      ),
      'study: s-2020\nreviewer: ⟦⟧\nstatus: draft # to do\n',
    );
  });

  test('a flow mapping gets the missing key inside its braces', () => {
    const text = 'study: s-2020\nreviewer: ek\nstatus: draft\ncitation: { authors: [A] }\n';
    const year = recordProgress(parseYaml(text), schema).missing.find(
      (m) => m.path.join('.') === 'citation.year',
    )!;
    assert.equal(
      written(text, year),
      'study: s-2020\nreviewer: ek\nstatus: draft\ncitation: { authors: [A], year: ⟦⟧ }\n',
    );
  });

  describe("the fields the review's analyses read", () => {
    const analysed = analysedFields(
      readAnalyses([
        { id: 'smd', outcome: 'o', measure: 'SMD', experimental: ['email'], control: ['face-to-face'] },
      ]),
    );
    const text = block(`
      study: s-2020
      reviewer: ek
      status: draft
      citation: { authors: [A], year: 2020 }
      arms:
        - id: online
          group: email
        - id: f2f
          group: face-to-face
          n: 28
        - id: wait
          group: telephone
      outcomes:
        - id: o
          type: continuous
          instrument: WAI
          results:
        - id: other
          type: continuous
          instrument: WAI
          results: {}
    `);

    test("arm n and the compared arms' results, asked for arm by arm under an empty `results:`", () => {
      const progress = recordProgress(parseYaml(text), schema, analysed);
      assert.deepEqual(paths(progress.missing), [
        ['arms.0.n', 'missing'],
        ['arms.2.n', 'missing'],
        ...['online', 'f2f'].flatMap((arm) =>
          ['mean', 'sd', 'n'].map((field) => [`outcomes.0.results.${arm}.${field}`, 'missing']),
        ),
      ]);
      // Required: 6 of the record, 2 of the citation, 2 of each arm, 4 of each outcome, all filled but the
      // first outcome's empty results, which is asked for arm by arm instead; read: 3 arm n (f2f's
      // filled), mean, sd and n of 2 arms.
      assert.equal(progress.required, 21 + 3 + 6);
      assert.equal(progress.filled, 21 + 1);
      const online = progress.missing[2]!;
      assert.match(
        written(text, online),
        /^ {4}results:\n {6}online:\n {8}mean: ⟦⟧\n {8}sd:\n {8}n:\n {2}- id: other$/m,
      );
      const after = parseYaml(applyEdits(text, [online.edit!]));
      assert.deepEqual(after.diagnostics, []);
      assert.deepEqual((after.value as { outcomes: { results: unknown }[] }).outcomes[0]!.results, {
        online: { mean: null, sd: null, n: null },
      });
      // Each of its fields has its own cursor, written by the same edit.
      assert.match(written(text, progress.missing[3]!), /^ {8}mean:\n {8}sd: ⟦⟧\n {8}n:$/m);
    });

    test('filling a result written by Next Missing Field leaves one field fewer, never more', () => {
      const before = recordProgress(parseYaml(text), schema, analysed);
      const mean = before.missing[2]!;
      const edited = applyEdits(text, [mean.edit!]);
      const at = parseYaml(edited).lines.offsetAt(mean.range.start);
      const typed = `${edited.slice(0, at)}5.9${edited.slice(at)}`;
      const after = recordProgress(parseYaml(typed), schema, analysed);
      assert.equal(after.missing.length, before.missing.length - 1);
      assert.equal(after.required - after.filled, before.required - before.filled - 1);
      assert.deepEqual(paths(after.missing)[2], ['outcomes.0.results.online.sd', 'empty']);
    });

    test('a result lacks only what it does not give: an SE stands in for the SD', () => {
      const filled = text.replace(
        '    results:\n  - id: other',
        '    results:\n      online: { mean: 5.1, se: 0.2 }\n      f2f:\n        mean: 5.3\n        sd:\n        n: 28\n  - id: other',
      );
      const progress = recordProgress(parseYaml(filled), schema, analysed);
      assert.deepEqual(paths(progress.missing).slice(2), [
        ['outcomes.0.results.online.n', 'missing'],
        ['outcomes.0.results.f2f.sd', 'empty'],
      ]);
      assert.match(written(filled, progress.missing[2]!), /online: \{ mean: 5\.1, se: 0\.2, n: ⟦⟧ \}/);
    });

    test('without analyses nothing beyond the required fields is asked for', () => {
      assert.deepEqual(paths(recordProgress(parseYaml(text), schema).missing), [
        ['outcomes.0.results', 'empty'],
      ]);
    });
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
    /** Applies the field's edit, then types `typed` over the range, as the command and the reviewer do. */
    const typeInto = (text: string, field: MissingField, typed: string): string => {
      const edited = field.edit ? applyEdits(text, [field.edit]) : text;
      const lines = parseYaml(edited).lines;
      const from = lines.offsetAt(field.range.start);
      const to = lines.offsetAt(field.range.end);
      return edited.slice(0, from) + typed + edited.slice(to);
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
      // 14 required, and the result of arm a with its r and n.
      { filled: 17, required: 17, missing: [] },
    );
  });

  test('an empty text lacks every required field of the record; an unusable one counts nothing', () => {
    const empty = recordProgress(parseYaml(''), schema);
    assert.equal(empty.required, 6);
    assert.deepEqual(
      empty.missing.map((m) => m.path.join('.')),
      ['study', 'reviewer', 'status', 'citation', 'arms', 'outcomes'],
    );
    assert.equal(written('', empty.missing[0]!), 'study: ⟦⟧\n');
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
