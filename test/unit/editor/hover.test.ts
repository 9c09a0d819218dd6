// Hover in process: the field's title, description, allowed values or expected type, the `# src:`
// provenance of its line, and the arm behind a key of `results`; the range is marked where it is expected.
import { before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { hover, provenanceOnLine } from '../../../src/core/editor/hover';
import { reviewFileSchemaValidator, type CompiledSchema } from '../../../src/core/schema/schema';
import { parseYaml } from '../../../src/core/yaml/yamlDocument';
import { block, caret, mark } from '../../support/caret';
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
  test("on a key: the title with the key, the description and the allowed values of the review's vocabulary", () => {
    const info = hoverAt('gr‸oup: email');
    assert.deepEqual(info, {
      contents: [
        '**Treatment condition** `group`',
        'Which condition of the review this arm belongs to.',
        'Allowed values:\n- `face-to-face`: Therapy in person.\n- `email`: Therapy by email.\n- `internet-program`: A self-help program online.',
      ].join('\n\n'),
      line: '    ⟦group⟧: email',
    });
  });

  test('on a value: the same field, the value marked', () => {
    const info = hoverAt('group: em‸ail');
    assert.equal(info?.line, '    group: ⟦email⟧');
    assert.match(info!.contents, /^\*\*Treatment condition\*\* `group`/);
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
      '**Mean** `mean`\n\nMean score, or `NR`.\n\nExpected: a number or NR.',
    );
    assert.equal(hoverAt('mean: 5.‸9, sd')?.line, '      online: { mean: ⟦5.9⟧, sd: 0.8, n: 25 }');
  });

  test('the provenance written after the value, on the key and on the value', () => {
    const key = hoverAt('to‸tal_n');
    assert.equal(
      key?.contents,
      '**Total n** `total_n`\n\nParticipants randomized.\n\nExpected: a whole number ≥ 1 or NR.\n\nSource: p. 3, Table 1',
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
