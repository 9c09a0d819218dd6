// Completion in process: keys (required first), values (enums, NR, booleans), arm ids in results and the
// arm and outcome snippets, at caret-marked places of records.
import { before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { CompiledSchema } from '../../../src/core/schema/schema';
import { reviewFileSchemaValidator } from '../../../src/core/schema/schema';
import { snippetToPlainText } from '../../../src/core/editor/completion';
import { parseYaml } from '../../../src/core/yaml/yamlDocument';
import { applyEdits, block, mark } from '../../support/caret';
import { extractionSchema, memoryReview } from '../../support/records';
import { completeAt, entry, exampleReviewOpened, shownOrder, testSchema } from '../../support/editor';

const NOT_REPORTED_HELP =
  'Not reported in the source: the report was read and does not give this value. Leave a value empty instead while it is still to be extracted.';

let schema: CompiledSchema;
before(async () => {
  schema = await testSchema();
});

const labels = (source: string) => completeAt(source, schema).entries.map((e) => e.label);

describe('completion of keys', () => {
  test('in an arm: the fields it lacks, required first, with title, type and description', () => {
    const completions = completeAt(
      block(`
        study: s-2020
        arms:
          - id: a
            ‸
      `),
      schema,
    );
    assert.deepEqual(shownOrder(completions.entries), ['group', 'label', 'n']);
    const group = entry(completions, 'group');
    assert.equal(group.kind, 'property');
    assert.equal(
      group.detail,
      'required · Treatment condition · one of: face-to-face, email, internet-program',
    );
    assert.equal(group.documentation, 'Which condition of the review this arm belongs to.');
    assert.equal(group.insertText, 'group: ${1|face-to-face,email,internet-program|}');
    assert.equal(group.snippet, true);
    const label = entry(completions, 'label');
    assert.equal(label.detail, 'optional · Label · text');
    assert.equal(label.documentation, 'The arm as the report names it (e.g. `Online CBT via email`).');
    assert.equal(label.insertText, 'label: $1');
    assert.equal(entry(completions, 'n').detail, 'optional · Randomized n · a whole number ≥ 1 or NR');
    assert.equal(mark(completions.text, [completions.range!]), 'study: s-2020\narms:\n  - id: a\n    ⟦⟧\n');
  });

  test('at the top of an empty record: every field, the required ones of base and review first', () => {
    const completions = completeAt('‸', schema);
    assert.deepEqual(shownOrder(completions.entries), [
      'study',
      'reviewer',
      'status',
      'citation',
      'arms',
      'outcomes',
      'protocol_version',
      'country',
      'design',
      'total_n',
      'notes',
      'adjudication',
    ]);
    assert.equal(entry(completions, 'status').insertText, 'status: ${1|draft,complete|}');
    assert.equal(entry(completions, 'design').insertText, 'design: ${1|rct,cluster-rct,NR|}');
    assert.equal(entry(completions, 'citation').insertText, 'citation:\n  $0');
    assert.equal(entry(completions, 'arms').insertText, 'arms:\n  - $0');
    assert.equal(entry(completions, 'arms').detail, 'required · Arms · a list');
    assert.equal(entry(completions, 'total_n').detail, 'optional · Total n · a whole number ≥ 1 or NR');
  });

  test('fields already in the mapping are not offered again', () => {
    assert.deepEqual(
      labels(
        block(`
          study: s-2020
          reviewer: ek
          status: draft
          citation: { authors: [A], year: 2020 }
          arms: []
          outcomes: []
          notes: x
          country: NR
          design: rct
          total_n: 20
          ‸
        `),
      ),
      ['protocol_version', 'adjudication'],
    );
  });

  test('a half-typed key is replaced as a whole word, also the part after the caret', () => {
    const typed = completeAt('arms:\n  - id: a\n    gro‸\n', schema);
    assert.ok(typed.entries.some((e) => e.label === 'group'));
    assert.equal(mark(typed.text, [typed.range!]), 'arms:\n  - id: a\n    ⟦gro⟧\n');
    const inside = completeAt('arms:\n  - id: a\n    gr‸ou\n', schema);
    assert.equal(mark(inside.text, [inside.range!]), 'arms:\n  - id: a\n    ⟦grou⟧\n');
  });

  test('in a flow mapping: the missing keys on one line, objects as `{ }`', () => {
    const citation = completeAt('study: s-2020\ncitation: { authors: [A], ‸ }\n', schema);
    assert.deepEqual(shownOrder(citation.entries), [
      'year',
      'title',
      'journal',
      'volume',
      'issue',
      'pages',
      'doi',
      'pmid',
      'registration',
    ]);
    assert.equal(entry(citation, 'year').detail, 'required · Year · a whole number from 1900 to 2100');
    const result = completeAt(
      block(`
        outcomes:
          - id: o
            type: continuous
            results:
              a: { mean: 1, s‸ }
      `),
      schema,
    );
    assert.deepEqual(
      result.entries.map((e) => [e.label, e.insertText]),
      [
        ['sd', 'sd: ${1|NR|}'],
        ['se', 'se: ${1|NR|}'],
        ['ci', 'ci: { $1 }'],
        ['n', 'n: ${1|NR|}'],
      ],
    );
    assert.match(mark(result.text, [result.range!]), /a: \{ mean: 1, ⟦s⟧ \}/);
  });

  test('the fields of a result follow the outcome type', () => {
    const at = (type: string) =>
      labels(
        block(`
          outcomes:
            - id: o
              type: ${type}
              results:
                a:
                  ‸
        `),
      );
    assert.deepEqual(at('continuous'), ['mean', 'sd', 'se', 'ci', 'n']);
    assert.deepEqual(at('dichotomous'), ['events', 'percent', 'n']);
    assert.deepEqual(at('correlation'), ['r', 'n']);
  });

  test('the review file: the fields of the bundled review schema that are not there yet', () => {
    const completions = completeAt(
      block(`
        title: T
        schema: schemas/extraction.schema.json
        records: records/{reviewer}/{study}.study.yaml
        reviewers: [ek, mk]
        version: 1
        consensus: consensus
        blind: true
        compare: { ignore: [notes] }
        synthesis: { analyses: [] }
        reg‸
      `),
      reviewFileSchemaValidator(),
    );
    assert.deepEqual(
      completions.entries.map((e) => e.label),
      ['registration'],
    );
    assert.equal(entry(completions, 'registration').detail, 'optional · Registration · text');
  });
});

describe('completion of values', () => {
  test('enum values in the order of the schema, with their descriptions', () => {
    const completions = completeAt('arms:\n  - id: a\n    group: ‸\n', schema);
    assert.deepEqual(
      completions.entries.map((e) => [e.label, e.kind, e.insertText, e.snippet, e.documentation]),
      [
        ['face-to-face', 'value', 'face-to-face', false, 'Therapy in person.'],
        ['email', 'value', 'email', false, 'Therapy by email.'],
        ['internet-program', 'value', 'internet-program', false, 'A self-help program online.'],
      ],
    );
    assert.equal(mark(completions.text, [completions.range!]), 'arms:\n  - id: a\n    group: ⟦⟧\n');
  });

  test('a half-typed value is replaced as a whole word', () => {
    const completions = completeAt('arms:\n  - id: a\n    group: em‸ai\n', schema);
    assert.equal(mark(completions.text, [completions.range!]), 'arms:\n  - id: a\n    group: ⟦emai⟧\n');
  });

  test('the status of a record, and the type of an outcome', () => {
    assert.deepEqual(
      completeAt('status: ‸', schema).entries.map((e) => [e.label, e.documentation]),
      [
        ['draft', 'Still being extracted; hidden from the other reviewer in a blinded review.'],
        ['complete', "Finished; compared with the other reviewer's record."],
      ],
    );
    assert.deepEqual(labels('outcomes:\n  - id: o\n    type: ‸\n'), [
      'continuous',
      'dichotomous',
      'correlation',
    ]);
  });

  test('`NR` where the schema allows it, after the other values', () => {
    const design = completeAt('design: ‸', schema);
    assert.deepEqual(shownOrder(design.entries), ['rct', 'cluster-rct', 'NR']);
    // Whatever the vocabulary says of it, NR says what it means and how it differs from an empty value.
    assert.equal(entry(design, 'NR').detail, 'not reported in the source');
    assert.match(
      entry(design, 'NR').documentation!,
      /^Not reported in the source: .* empty .* still to be extracted\.$/,
    );
    assert.deepEqual(
      completeAt('total_n: ‸', schema).entries.map((e) => [e.label, e.documentation]),
      [['NR', NOT_REPORTED_HELP]],
    );
  });

  test('`NR` is shown last even where the vocabulary lists it first', async () => {
    const schema = extractionSchema();
    schema.allOf[1]!.properties!.design.enum = ['NR', 'rct', 'cluster-rct'];
    const { review } = await memoryReview({ schema });
    assert.deepEqual(shownOrder(completeAt('design: ‸', review.schema).entries), [
      'rct',
      'cluster-rct',
      'NR',
    ]);
  });

  test('`NR` at the SD of a result, in block and in flow style', () => {
    const blockStyle = block(`
      outcomes:
        - id: o
          type: continuous
          results:
            a:
              mean: 5.9
              sd: ‸
              n: 25
    `);
    assert.deepEqual(labels(blockStyle), ['NR']);
    const flowStyle = block(`
      outcomes:
        - id: o
          type: continuous
          results:
            a: { mean: 5.9, sd: ‸, n: 25 }
    `);
    const completions = completeAt(flowStyle, schema);
    assert.deepEqual(
      completions.entries.map((e) => [e.label, e.documentation]),
      [['NR', NOT_REPORTED_HELP]],
    );
    assert.match(mark(completions.text, [completions.range!]), /a: \{ mean: 5\.9, sd: ⟦⟧, n: 25 \}/);
    assert.deepEqual(
      labels('outcomes:\n  - id: o\n    type: dichotomous\n    results:\n      a: { events: ‸ }\n'),
      ['NR'],
    );
  });

  test('true and false for a boolean', () => {
    assert.deepEqual(labels('outcomes:\n  - id: o\n    scale: { min: 1, max: 7, higher_is_better: ‸ }\n'), [
      'true',
      'false',
    ]);
    assert.deepEqual(labels('title: T\nblind: ‸\n'), [], 'a record has no `blind`');
  });

  test('a free-text value has nothing to offer', () => {
    assert.deepEqual(labels('country: ‸'), []);
    assert.deepEqual(labels('arms:\n  - id: a\n    label: ‸\n'), []);
  });

  test('nothing inside a comment', () => {
    assert.equal(completeAt('arms:\n  - id: a\n    group: email # ‸\n', schema).range, undefined);
    assert.equal(completeAt('total_n: 53 # src: Table‸ 1\n', schema).range, undefined);
    assert.equal(completeAt('# ‸\nstudy: s-2020\n', schema).range, undefined);
  });
});

describe('completion of arm ids in results', () => {
  /** A record with two arms and one outcome whose `results:` holds `results` (lines at 6 spaces). */
  const record = (results: string[], type = 'continuous') =>
    block(`
      arms:
        - id: online
          label: Online CBT
          group: email
        - id: f2f
          group: face-to-face
      outcomes:
        - id: o
          type: ${type}
          results:
    `) + results.map((line) => `      ${line}\n`).join('');

  test('the arms without a result yet, then `all`, each with its result fields as tab stops', () => {
    const completions = completeAt(record(['‸']), schema);
    assert.deepEqual(
      completions.entries.map((e) => [e.label, e.kind, e.detail, e.insertText]),
      [
        ['online', 'reference', 'arm: Online CBT', 'online: { mean: ${1}, sd: ${2}, n: ${3} }'],
        ['f2f', 'reference', 'arm', 'f2f: { mean: ${1}, sd: ${2}, n: ${3} }'],
        ['all', 'reference', 'the whole sample', 'all: { mean: ${1}, sd: ${2}, n: ${3} }'],
      ],
    );
    assert.deepEqual(shownOrder(completions.entries), ['online', 'f2f', 'all']);
    assert.equal(entry(completions, 'all').documentation, 'Results of the whole sample (all arms together).');
  });

  test('an arm that has its result is not offered again', () => {
    assert.deepEqual(labels(record(['online: { mean: 1, sd: 1, n: 1 }', '‸'])), ['f2f', 'all']);
    assert.deepEqual(labels(record(['online: { mean: 1, sd: 1, n: 1 }', 'all: { mean: 1 }', '‸'])), ['f2f']);
  });

  test('dichotomous and correlation results get their own fields', () => {
    assert.equal(
      entry(completeAt(record(['‸'], 'dichotomous'), schema), 'f2f').insertText,
      'f2f: { events: ${1}, n: ${2} }',
    );
    assert.equal(
      entry(completeAt(record(['‸'], 'correlation'), schema), 'f2f').insertText,
      'f2f: { r: ${1}, n: ${2} }',
    );
  });

  test('an arm id that a snippet could misread is escaped', () => {
    const completions = completeAt(
      'arms:\n  - id: a$1\n    group: email\noutcomes:\n  - id: o\n    type: correlation\n    results:\n      ‸\n',
      schema,
    );
    assert.equal(entry(completions, 'a$1').insertText, 'a\\$1: { r: ${1}, n: ${2} }');
  });

  test('an arm id is offered once in `results`, even when two arms share it', () => {
    const labels = completeAt(
      'arms:\n  - id: a\n    group: email\n  - id: a\n    group: email\noutcomes:\n  - id: o\n    type: correlation\n    results:\n      ‸\n',
      schema,
    ).entries.map((e) => e.label);
    assert.deepEqual(labels, ['a', 'all']);
  });
});

describe('the arm and outcome snippets', () => {
  // Only the text of each line is compared: the indentation of the continuation lines is the subject of
  // a later fix (the client indents a multi-line completion again).
  const lines = (text: string) => text.split('\n').map((l) => l.trim());

  test('"New arm" on a new, empty item of `arms`', () => {
    const completions = completeAt(
      block(`
        arms:
          - id: a
            group: email
          - ‸
      `),
      schema,
    );
    const snippet = entry(completions, 'New arm');
    assert.equal(snippet.kind, 'snippet');
    assert.equal(snippet.sortText, '0000');
    assert.deepEqual(lines(snippet.insertText), [
      'id: ${1:arm-id}',
      'label: ${2:label as reported}',
      'group: ${3|face-to-face,email,internet-program|}',
      'n: ${4:NR}',
    ]);
    assert.equal(
      mark(completions.text, [completions.range!]),
      'arms:\n  - id: a\n    group: email\n  - ⟦⟧\n',
    );
  });

  test('"New outcome": the outcome with a result line for each arm of the record', () => {
    const snippet = entry(
      completeAt(
        block(`
          arms:
            - id: online
              group: email
            - id: f2f
              group: face-to-face
          outcomes:
            - ‸
        `),
        schema,
      ),
      'New outcome',
    );
    assert.deepEqual(lines(snippet.insertText), [
      'id: ${1:outcome-id}',
      'type: ${2|continuous,dichotomous,correlation|}',
      'results:',
      'online: { mean: ${3:NR}, sd: ${4:NR}, n: ${5:NR} }',
      'f2f: { mean: ${6:NR}, sd: ${7:NR}, n: ${8:NR} }',
    ]);
  });

  test('an outcome id from the vocabulary of the review is a choice', async () => {
    const example = await exampleReviewOpened();
    const snippet = entry(
      completeAt('arms:\n  - id: a\n    group: email\noutcomes:\n  - ‸\n', example.schema),
      'New outcome',
    );
    assert.equal(
      lines(snippet.insertText)[0],
      'id: ${1|alliance-total,alliance-mid,alliance-task,alliance-bond,alliance-goal,alliance-therapist,alliance-positive|}',
    );
    assert.equal(lines(snippet.insertText)[3], 'a: { mean: ${3:NR}, sd: ${4:NR}, n: ${5:NR} }');
  });

  test('no snippet on an item that has fields, nor outside `arms` and `outcomes`', () => {
    assert.deepEqual(labels('arms:\n  - id: a\n    ‸\n'), ['label', 'group', 'n']);
    assert.ok(!labels('arms:\n  - group: email\n  - id: b\n    ‸\n').includes('New arm'));
    assert.deepEqual(labels('citation:\n  authors:\n    - ‸\n'), []);
    assert.ok(!labels('adjudication:\n  - ‸\n').some((l) => l.startsWith('New')));
  });
});

describe('completing a key that is already written', () => {
  // The completion context says whether the key being completed already has a value (then only the
  // name is replaced) and takes in a bare trailing colon (then `key: value` is inserted whole).
  const applied = (source: string, label: string) => {
    const completions = completeAt(source, schema);
    return applyEdits(completions.text, [
      { range: completions.range!, newText: snippetToPlainText(entry(completions, label).insertText) },
    ]);
  };

  test('completing a key that already has a value keeps one `key: value`', () => {
    const text = applied('arms:\n  - id: a\n    gro‸up: email\n', 'group');
    const file = parseYaml(text);
    assert.deepEqual(file.diagnostics, [], text);
    assert.deepEqual((file.value as { arms: object[] }).arms[0], { id: 'a', group: 'email' });
    // In a flow mapping, before a comment, and with the value indented below the key.
    assert.equal(
      applied('study: s\ncitation: { authors: [A], ye‸ar: 2020 }\n', 'year'),
      'study: s\ncitation: { authors: [A], year: 2020 }\n',
    );
    assert.equal(applied('sta‸tus: draft # src: x\n', 'status'), 'status: draft # src: x\n');
    assert.equal(applied('study: s\nar‸ms:\n  - id: a\n', 'arms'), 'study: s\narms:\n  - id: a\n');
    assert.equal(applied('study: s\nar‸ms:\n- id: a\n', 'arms'), 'study: s\narms:\n- id: a\n');
    // An arm id in `results` keeps its result.
    const result = block(`
      arms:
        - { id: online, group: email }
      outcomes:
        - id: o
          type: continuous
          results:
            onl‸ine: { mean: 5.9 }
    `);
    assert.match(applied(result, 'online'), /\n {6}online: \{ mean: 5\.9 \}\n$/);
  });

  test('a key with nothing after its colon is replaced through the colon, with its value to choose', () => {
    const completions = completeAt('arms:\n  - id: a\n    gro‸:   # src: p. 2\n', schema);
    assert.equal(
      mark(completions.text, [completions.range!]),
      'arms:\n  - id: a\n    ⟦gro:⟧   # src: p. 2\n',
    );
    assert.equal(entry(completions, 'group').insertText, 'group: ${1|face-to-face,email,internet-program|}');
  });
});
