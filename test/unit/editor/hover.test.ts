// Hover in process: the field's title, description, allowed values (the current one marked) or expected
// type, the `# src:` provenance of its line, and the arm behind a key of `results`; the range is marked
// where it is expected.
import { readFileSync } from 'node:fs';
import { before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { hover, provenanceOnLine } from '../../../src/core/editor/hover';
import { reviewFileSchemaValidator, type CompiledSchema } from '../../../src/core/schema/schema';
import { parseYaml } from '../../../src/core/yaml/yamlDocument';
import { block, caret, mark } from '../../support/caret';
import { EXAMPLE, exampleReviewOpened, testSchema } from '../../support/editor';

let schema: CompiledSchema;
before(async () => {
  schema = await testSchema();
});

const RECORD = block(`
  study: s-2020
  reviewer: ek
  status: draft
  citation:
    authors: [Smith J]
    year: 2020
  total_n: 53   # src: p. 3, Table 1
  design: rct
  arms:
    - id: online
      label: Online CBT
      group: email
      n: 25 # src: Table 1
  outcomes:
    - id: o
      type: continuous
      instrument: WAI
      results:
        online: { mean: 5.9, sd: 0.8, n: 25 }
        all: { mean: 5.9 }
        gone: { mean: 1 }
`);

/** Hover with the caret put into RECORD at `at`, a piece of it with `‸` inside (the first match). */
function hoverAt(at: string, text = RECORD, on: CompiledSchema = schema) {
  const plain = at.replace('‸', '');
  const index = text.indexOf(plain);
  if (index < 0) throw new Error(`${plain} is not in the text`);
  const { text: clean, offset } = caret(text.slice(0, index) + at + text.slice(index + plain.length));
  const info = hover(parseYaml(clean), offset, on);
  if (!info) return undefined;
  // The marked line alone: the range never leaves it.
  const line = mark(clean, [info.range])
    .split('\n')
    .find((l) => l.includes('⟦'));
  return { contents: info.contents, line };
}

describe('hover', () => {
  const GROUP_HOVER = [
    '**Treatment condition** `group`',
    'Which condition of the review this arm belongs to.',
    'Allowed values:\n- `face-to-face` — Therapy in person.\n- **`email`** (current) — Therapy by email.\n- `internet-program` — A self-help program online.',
  ].join('\n\n');

  test("on a key: the title with the key, the description and the allowed values of the review's vocabulary, the current one marked", () => {
    assert.deepEqual(hoverAt('gr‸oup: email'), { contents: GROUP_HOVER, line: '    ⟦group⟧: email' });
  });

  test('on a value: the same field, the value marked', () => {
    assert.deepEqual(hoverAt('group: em‸ail'), { contents: GROUP_HOVER, line: '    group: ⟦email⟧' });
  });

  test('a value that is not allowed is said so, above the values that are; an empty value marks none', () => {
    const typo = RECORD.replace('group: email', 'group: emial');
    assert.equal(
      hoverAt('group: em‸ial', typo)?.contents,
      [
        '**Treatment condition** `group`',
        'Which condition of the review this arm belongs to.',
        '`emial` is not one of the allowed values.',
        'Allowed values:\n- `face-to-face` — Therapy in person.\n- `email` — Therapy by email.\n- `internet-program` — A self-help program online.',
      ].join('\n\n'),
    );
    const empty = hoverAt('gr‸oup:', RECORD.replace('group: email', 'group:'))!.contents;
    assert.doesNotMatch(empty, /current|not one of/);
    assert.match(empty, /\n- `email` — Therapy by email\.\n/);
    const long = hoverAt('gr‸oup', RECORD.replace('group: email', `group: ${'x'.repeat(80)}`))!.contents;
    assert.ok(long.includes(`\n\n\`${'x'.repeat(59)}…\` is not one of the allowed values.\n\n`), long);
    const number = hoverAt('sta‸tus', RECORD.replace('status: draft', 'status: 3'))!.contents;
    assert.match(number, /\n\n`3` is not one of the allowed values\.\n\nAllowed values:\n- `draft` — /);
  });

  test('`NR` among the allowed values says it is not reported in the source, and is marked when it is the value', () => {
    assert.equal(
      hoverAt('design: r‸ct')?.contents,
      '**Study design** `design`\n\nHow the trial allocated participants.\n\nAllowed values:\n- **`rct`** (current) — Individually randomized.\n- `cluster-rct` — Clusters randomized.\n- `NR` — Not reported in the source.',
    );
    const notReported = RECORD.replace('design: rct', 'design: NR');
    assert.match(
      hoverAt('design: N‸R', notReported)!.contents,
      /\n- `cluster-rct` — Clusters randomized\.\n- \*\*`NR`\*\* \(current\) — Not reported in the source\.$/,
    );
  });

  test('beside a number, `NR` says what it means, marked when it is the value; a number is never "not allowed"', () => {
    const text = RECORD.replace('total_n: 53', 'total_n: NR');
    assert.equal(
      hoverAt('total_n: N‸R', text)?.contents,
      '**Total n** `total_n`\n\nParticipants randomized.\n\nExpected: a whole number ≥ 1 or NR.\n\n**`NR`** (current) — Not reported in the source.\n\nSource: p. 3, Table 1',
    );
    assert.doesNotMatch(hoverAt('total_n: 5‸3')!.contents, /current|not one of/);
    assert.doesNotMatch(
      hoverAt('total_n: -‸3', RECORD.replace('total_n: 53', 'total_n: -3'))!.contents,
      /not one of/,
    );
  });

  test("the example review: every one of many values on a line of its own, the record's value marked", async () => {
    const example = await exampleReviewOpened();
    const record = readFileSync(`${EXAMPLE}/records/ek/preschl-2011.study.yaml`, 'utf8');
    const group = hoverAt('group: em‸ail', record, example.schema)!.contents;
    const values = group.slice(group.indexOf('Allowed values:\n')).split('\n').slice(1);
    assert.equal(values.length, 8);
    assert.ok(values.every((line) => line.startsWith('- `') || line.startsWith('- **`')));
    assert.deepEqual(
      values.filter((line) => line.includes('(current)')),
      [
        '- **`email`** (current) — Stand-alone: psychotherapy delivered by email (therapist writes to the patient).',
      ],
    );
    const rater = hoverAt('rater: cl‸ient', record, example.schema)!.contents;
    assert.match(
      rater,
      /\n- \*\*`client`\*\* \(current\) — Rated by the client \(patient\)\.\n- `therapist` — Rated by the therapist\.$/,
    );
    const design = hoverAt('design: r‸ct', record, example.schema)!.contents;
    assert.match(design, /\n- \*\*`rct`\*\* \(current\) — Randomized controlled trial;/);
    assert.match(design, /\n- `NR` — Not reported in the source\.$/);
  });

  test('a field without a vocabulary says what it expects', () => {
    assert.equal(
      hoverAt('‸study:')?.contents,
      "**Study id** `study`\n\nThe study's id: the record's file name without `.study.yaml`, usually first author and year (e.g. `preschl-2011`). The same id names the study in every reviewer's folder.\n\nExpected: text.",
    );
    assert.equal(
      hoverAt('ye‸ar')?.contents,
      '**Year** `year`\n\nYear of publication of the main report.\n\nExpected: a whole number from 1900 to 2100.',
    );
    assert.equal(
      hoverAt('mean: 5.‸9, sd')?.contents,
      '**Mean** `mean`\n\nMean score, or `NR`.\n\nExpected: a number or NR.\n\n`NR` — Not reported in the source.',
    );
    assert.equal(hoverAt('mean: 5.‸9, sd')?.line, '      online: { mean: ⟦5.9⟧, sd: 0.8, n: 25 }');
  });

  test('the provenance written after the value, on the key and on the value', () => {
    const key = hoverAt('to‸tal_n');
    assert.equal(
      key?.contents,
      '**Total n** `total_n`\n\nParticipants randomized.\n\nExpected: a whole number ≥ 1 or NR.\n\n`NR` — Not reported in the source.\n\nSource: p. 3, Table 1',
    );
    assert.equal(key?.line, '⟦total_n⟧: 53   # src: p. 3, Table 1');
    assert.equal(hoverAt('total_n: 5‸3')?.line, 'total_n: ⟦53⟧   # src: p. 3, Table 1');
    const armN = hoverAt('‸n: 25 #');
    assert.match(armN!.contents, /^\*\*Randomized n\*\* `n`\n\n/);
    assert.match(armN!.contents, /\n\nSource: Table 1$/);
    assert.doesNotMatch(hoverAt('gr‸oup: email')!.contents, /Source:/);
  });

  test('on a key of `results`: the arm it refers to, `all`, or only the id of an arm that does not exist', () => {
    assert.deepEqual(hoverAt('on‸line: { mean'), {
      contents: '**Results of arm `online`**\n\nOnline CBT · group: email · n: 25',
      line: '      ⟦online⟧: { mean: 5.9, sd: 0.8, n: 25 }',
    });
    assert.equal(
      hoverAt('a‸ll: {')?.contents,
      '**Results of arm `all`**\n\nThe whole sample (all arms together).',
    );
    assert.equal(hoverAt('go‸ne: {')?.contents, '**Results of arm `gone`**');
  });

  test('an item of a list is named by its index', () => {
    assert.deepEqual(hoverAt('[Smi‸th J]'), {
      contents: '**authors[0]** `authors[0]`\n\nExpected: non-empty text.',
      line: '  authors: [⟦Smith J⟧]',
    });
  });

  test('nothing outside the fields, nor on an unknown field', () => {
    assert.equal(hover(parseYaml('study: s\n\n\n'), 10, schema), undefined);
    assert.equal(hoverAt('arm‸ss: 1', 'study: s\narmss: 1\n'), undefined);
  });

  test('a syntax error elsewhere in the text does not stop hover on what parses', () => {
    const text = 'study: s-2020\nstatus: draft\narms: [\n';
    assert.equal(parseYaml(text).diagnostics[0]?.code, 'yaml-syntax');
    assert.equal(hoverAt('sta‸tus', text)?.line, '⟦status⟧: draft');
  });

  test('review.yaml: the fields of the bundled review schema', () => {
    const info = hoverAt('bl‸ind', 'title: T\nblind: true\n', reviewFileSchemaValidator());
    assert.deepEqual(info, {
      contents:
        "**Blinded comparison** `blind`\n\nHide a study's disagreements until both reviewers have marked their records `complete` (default false).\n\nExpected: true or false.",
      line: '⟦blind⟧: true',
    });
  });
});

describe('provenanceOnLine', () => {
  test('the text after `# src:`, trimmed', () => {
    assert.equal(provenanceOnLine('n: 25   # src:  p. 4, Table 2  '), 'p. 4, Table 2');
    assert.equal(provenanceOnLine('n: 25 #src:Table 2'), 'Table 2');
    assert.equal(provenanceOnLine('n: 25 # note: Table 2'), undefined);
    assert.equal(provenanceOnLine('n: 25'), undefined);
  });
});
