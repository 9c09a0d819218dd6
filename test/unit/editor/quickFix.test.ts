// Quick fixes in process, on the diagnostics the checker gives: rename an unknown key, change an enum
// value to the one meant, add missing required fields (each at its place in schema order). Each fix is
// applied and the text compared with the one written by hand.
import { before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Diagnostic } from '../../../src/core/common/diagnostic';
import { insertMissingFields, quickFixes } from '../../../src/core/editor/quickFix';
import { validateRecord } from '../../../src/core/record/validate';
import type { CompiledSchema } from '../../../src/core/schema/schema';
import { parseYaml } from '../../../src/core/yaml/yamlDocument';
import { applyEdits, block } from '../../support/caret';
import { testSchema } from '../../support/editor';

let schema: CompiledSchema;
before(async () => {
  schema = await testSchema();
});

const check = (text: string) =>
  validateRecord(text, schema, { study: 's-2020', reviewer: 'ek' }).diagnostics.filter(
    (d) => d.severity === 'error',
  );

/** The fixes of a text's own diagnostics, each as its title and the text it leaves. */
function fixed(text: string, diagnostics: Diagnostic[] = check(text)) {
  return quickFixes(parseYaml(text), diagnostics, schema).map((fix) => ({
    title: fix.title,
    preferred: fix.preferred,
    code: fix.diagnostic.code,
    text: applyEdits(text, fix.edits),
  }));
}

const HEAD = 'study: s-2020\nreviewer: ek\nstatus: draft\ncitation: { authors: [A], year: 2020 }\n';
const OUTCOMES = 'outcomes:\n  - { id: o, type: continuous, instrument: WAI, results: {} }\n';

describe('quick fixes', () => {
  test('rename an unknown key to the field it resembles', () => {
    const text = `${HEAD}armss:\n  - id: a\n    group: email\narms: []\n${OUTCOMES}`;
    const fixes = fixed(text).filter((f) => f.code === 'unknown-field');
    assert.deepEqual(fixes, [
      {
        title: 'Rename `armss` to `arms`',
        preferred: true,
        code: 'unknown-field',
        text: `${HEAD}arms:\n  - id: a\n    group: email\narms: []\n${OUTCOMES}`,
      },
    ]);
  });

  test('change an enum value to the one it resembles', () => {
    const text = `${HEAD}arms:\n  - id: a\n    group: emial\n${OUTCOMES}`;
    assert.deepEqual(fixed(text), [
      {
        title: 'Change to `email`',
        preferred: true,
        code: 'enum',
        text: `${HEAD}arms:\n  - id: a\n    group: email\n${OUTCOMES}`,
      },
    ]);
  });

  test('add a missing field at its place in schema order, after the fields before it', () => {
    const text = block(`
      study: s-2020
      reviewer: ek
      status: draft
      citation: { authors: [A], year: 2020 }
      arms:
        - id: a
          n: 20 # src: p. 2
        - id: b
          group: email
    `).concat(OUTCOMES);
    const [fix, ...others] = fixed(text);
    assert.equal(others.length, 0);
    assert.equal(fix!.title, 'Add missing field `group`');
    assert.equal(
      fix!.text,
      block(`
        study: s-2020
        reviewer: ek
        status: draft
        citation: { authors: [A], year: 2020 }
        arms:
          - id: a
            group:
            n: 20 # src: p. 2
          - id: b
            group: email
      `).concat(OUTCOMES),
    );
    assert.deepEqual(check(fix!.text), [], 'a draft with an empty value has no error left');
  });

  test('add several missing fields of an outcome at once, in the order of the schema', () => {
    const text = `${HEAD}arms:\n  - id: a\n    group: email\noutcomes:\n  - id: o\n    results: {}\n`;
    const fixes = fixed(text);
    assert.deepEqual(
      fixes.map((f) => f.title),
      ['Add missing fields `type`, `instrument`'],
    );
    assert.equal(
      fixes[0]!.text,
      `${HEAD}arms:\n  - id: a\n    group: email\noutcomes:\n  - id: o\n` +
        '    type:\n' +
        '    instrument:\n' +
        '    results: {}\n',
    );
  });

  test('an empty record gets every required field, nested ones indented, and checks without errors', () => {
    const [fix] = fixed('');
    assert.equal(
      fix!.title,
      'Add missing fields `study`, `reviewer`, `status`, `citation`, `arms`, `outcomes`',
    );
    assert.equal(
      fix!.text,
      [
        'study:',
        'reviewer:',
        'status:',
        'citation:',
        '  authors:',
        '  year:',
        'arms:',
        '  - id:',
        '    label:',
        '    group:',
        '    n:',
        'outcomes:',
        '  - id:',
        '    type:',
        '    instrument:',
        '    scale:',
        '    results:',
        '',
      ].join('\n'),
    );
    assert.deepEqual(
      check(fix!.text.replace('status:\n', 'status: draft\n')).map((d) => d.code),
      [],
    );
  });

  test('fields missing at the top of a record without a final line break go on a line of their own', () => {
    const text = 'study: s-2020\nreviewer: ek\nstatus: draft';
    const fix = fixed(text).find((f) => f.code === 'required')!;
    assert.match(
      fix.text,
      /^study: s-2020\nreviewer: ek\nstatus: draft\ncitation:\n {2}authors:\n {2}year:\narms:\n/,
    );
  });

  test('a field is added after the whole of the value before it, not inside it', () => {
    const arms = 'arms:\n  - id: a\n    group: email\n    # more arms to come\n  - id: b\n    group: email\n';
    const text = `${HEAD}${arms}notes: x\n`;
    const fix = fixed(text).find((f) => f.title === 'Add missing field `outcomes`')!;
    assert.ok(fix.text.startsWith(`${HEAD}${arms}outcomes:\n  - id:\n`), fix.text);
    assert.ok(fix.text.endsWith('    results:\nnotes: x\n'), fix.text);
  });

  test('a text of comments only gets the fields below them', () => {
    const [fix] = fixed('# s-2020, extracted from the preprint');
    assert.match(fix!.text, /^# s-2020, extracted from the preprint\nstudy:\nreviewer:\n/);
  });

  test('a flow mapping gets the missing keys inside its braces', () => {
    const text =
      'study: s-2020\nreviewer: ek\nstatus: draft\ncitation: { authors: [A] }\narms: []\noutcomes: []\n';
    const fix = fixed(text).find((f) => f.code === 'required')!;
    assert.equal(fix.title, 'Add missing field `year`');
    // The spacing around the new key is the subject of a later fix; what it reads as is compared here.
    const citation = parseYaml(fix.text).value as { citation: unknown };
    assert.deepEqual(citation.citation, { authors: ['A'], year: null });
    assert.equal(fix.text.split('\n')[3]!.startsWith('citation: { authors: [A]'), true);
  });

  test('an empty mapping value gets the fields on the lines below its key', () => {
    const text = 'study: s-2020\ncitation:\narms: []\n';
    const edits = insertMissingFields(parseYaml(text), ['citation'], ['authors', 'year'], schema);
    assert.equal(applyEdits(text, edits), 'study: s-2020\ncitation:\n  authors:\n  year:\narms: []\n');
  });

  test('a record with CRLF line breaks gets CRLF in the lines added', () => {
    const text =
      'study: s-2020\r\nreviewer: ek\r\nstatus: draft\r\ncitation:\r\n  year: 2020\r\narms: []\r\noutcomes: []\r\n';
    const fix = fixed(text).find((f) => f.code === 'required')!;
    assert.equal(
      fix.text,
      'study: s-2020\r\nreviewer: ek\r\nstatus: draft\r\ncitation:\r\n  authors:\r\n  year: 2020\r\narms: []\r\noutcomes: []\r\n',
    );
  });

  test('no fix for a diagnostic without a suggestion or of another kind', () => {
    const text = `${HEAD}arms:\n  - id: a\n    group: zzzzzzzz\n    colour: red\n${OUTCOMES}`;
    const diagnostics = check(text);
    assert.deepEqual(diagnostics.map((d) => d.code).sort(), ['enum', 'unknown-field']);
    assert.deepEqual(fixed(text, diagnostics), []);
    const range = { start: { line: 0, character: 0 }, end: { line: 0, character: 5 } };
    assert.deepEqual(
      fixed(text, [
        { severity: 'error', code: 'study-mismatch', message: 'x', range, data: { replacement: 'y' } },
      ]),
      [],
    );
  });
});
