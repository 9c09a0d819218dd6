// The typed record model (record/model.ts): NR-aware reads, the citation, arms, outcomes and results, read
// from parsed YAML as a reviewer writes it.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  citationLabel,
  citationText,
  readCitation,
  readNumber,
  readRecord,
  readText,
  valueOf,
  writtenText,
} from '../../src/core/record/model';
import { yamlValue } from '../../src/core/yaml/yamlDocument';

const PRESCHL = `study: preschl-2011
reviewer: ek
status: complete
total_n: 53
citation: { authors: [Preschl B, Maercker A, Wagner B], year: 2011, journal: BMC Psychiatry,
            doi: 10.1186/1471-244X-11-189 }
arms:
  - { id: online, label: Online CBT via email, group: email, n: 25 }
  - { id: f2f, label: Face-to-face CBT, group: face-to-face, n: NR }
  - just a string
  - { label: no id, group: waitlist }
outcomes:
  - id: alliance-mid
    type: continuous
    instrument: WAI
    timepoint: mid-treatment
    scale: { min: 1, max: 7, items: 12 }
    p_value: 0.04
    results:
      online: { mean: 5.9, sd: 0.8, n: 25, ci: { lower: 5.6, upper: 6.2 } }
      f2f: { mean: NR, sd: pending, n: }
      all: NR
  - { id: drop, type: dichotomous, scale: { min: 1 }, results: [] }
adjudication:
  - field: arms[f2f].n
    chosen: ek
    value: NR
    rationale: Table 1
    adjudicator: S Liebherz
  - not an entry
`;

describe('reading one value', () => {
  test('a number, NR, another missing-value code, absent, or not a number', () => {
    assert.deepEqual(readNumber(25), { kind: 'value', value: 25 });
    assert.deepEqual(readNumber(0), { kind: 'value', value: 0 });
    assert.deepEqual(readNumber('NR'), { kind: 'NR' });
    assert.deepEqual(readNumber('unclear'), { kind: 'missing', code: 'unclear' });
    assert.deepEqual(readNumber('NA'), { kind: 'missing', code: 'NA' });
    assert.deepEqual(readNumber('pending'), { kind: 'missing', code: 'pending' });
    assert.deepEqual(readNumber(undefined), { kind: 'absent' });
    assert.deepEqual(readNumber(null), { kind: 'absent' });
    assert.deepEqual(readNumber('  '), { kind: 'absent' });
    assert.deepEqual(readNumber('25'), { kind: 'wrong-type', value: '25' });
    assert.deepEqual(readNumber('nr'), { kind: 'wrong-type', value: 'nr' });
    assert.deepEqual(readNumber(Infinity), { kind: 'wrong-type', value: Infinity });
    assert.deepEqual(readNumber([1]), { kind: 'wrong-type', value: [1] });
  });

  test('the value of a reading, and how the record spells it', () => {
    assert.equal(valueOf(readNumber(3)), 3);
    assert.equal(valueOf(readNumber('NR')), undefined);
    assert.equal(writtenText(readNumber(28)), '28');
    assert.equal(writtenText(readNumber('NR')), 'NR');
    assert.equal(writtenText(readNumber('pending')), 'pending');
    assert.equal(writtenText(readNumber(null)), undefined);
    assert.equal(writtenText(readNumber('twenty')), 'twenty');
    assert.equal(writtenText(readNumber({ a: 1 })), '{"a":1}');
  });

  test('text as written, or null', () => {
    assert.equal(readText(' WAI '), ' WAI ');
    assert.equal(readText('NR'), 'NR');
    assert.equal(readText(''), null);
    assert.equal(readText(7), null);
  });
});

describe('the citation', () => {
  test('first author, et al., year, journal; the label and the text of the characteristics table', () => {
    const citation = readCitation(yamlValue(PRESCHL));
    assert.deepEqual(citation, {
      authors: ['Preschl B', 'Maercker A', 'Wagner B'],
      firstAuthor: 'Preschl B',
      etAl: true,
      year: 2011,
      journal: 'BMC Psychiatry',
      title: null,
      doi: '10.1186/1471-244X-11-189',
    });
    assert.equal(citationLabel(citation, 'preschl-2011'), 'Preschl 2011');
    assert.equal(citationText(citation), 'Preschl B et al. (2011)');
  });

  test('one author; no year; no first author: the label falls back to the study id', () => {
    const one = readCitation({ citation: { authors: ['  Ly KH '], year: 2015 } });
    assert.equal(one.etAl, false);
    assert.equal(citationLabel(one, 'ly-2015'), 'Ly 2015');
    assert.equal(citationText(one), '  Ly KH  (2015)');
    const noYear = readCitation({ citation: { authors: ['Ly KH'], year: 'NR' } });
    assert.equal(noYear.year, null);
    assert.equal(citationLabel(noYear, 'ly-2015'), 'ly-2015');
    assert.equal(citationText(noYear), 'Ly KH');
    // An empty first entry: the first author is not extracted yet, whoever comes second.
    const emptyFirst = readCitation({ citation: { authors: ['', 'Smith J', 'Doe A'], year: 2011 } });
    assert.equal(emptyFirst.firstAuthor, null);
    assert.deepEqual(emptyFirst.authors, ['Smith J', 'Doe A']);
    assert.equal(citationLabel(emptyFirst, 's'), 's');
    assert.equal(citationText(emptyFirst), '2011');
    assert.deepEqual(readCitation('not a record'), {
      authors: [],
      firstAuthor: null,
      etAl: false,
      year: null,
      journal: null,
      title: null,
      doi: null,
    });
  });
});

describe('arms, outcomes and results', () => {
  const record = readRecord(yamlValue(PRESCHL));

  test('the bookkeeping and the total n', () => {
    assert.equal(record.study, 'preschl-2011');
    assert.equal(record.reviewer, 'ek');
    assert.equal(record.status, 'complete');
    assert.deepEqual(record.totalN, { kind: 'value', value: 53 });
  });

  test('every mapping in arms, with its position; an arm without an id has id null', () => {
    assert.deepEqual(
      record.arms.map((a) => [a.index, a.id, a.label, a.group, a.n]),
      [
        [0, 'online', 'Online CBT via email', 'email', { kind: 'value', value: 25 }],
        [1, 'f2f', 'Face-to-face CBT', 'face-to-face', { kind: 'NR' }],
        [3, null, 'no id', 'waitlist', { kind: 'absent' }],
      ],
    );
    assert.equal(record.arm('f2f')?.index, 1);
    assert.equal(record.arm('nowhere'), undefined);
    assert.deepEqual(record.arm('online')?.value, {
      id: 'online',
      label: 'Online CBT via email',
      group: 'email',
      n: 25,
    });
  });

  test('outcomes: id, type, instrument, time point, scale, p value', () => {
    const [mid, drop] = record.outcomes;
    assert.deepEqual(
      [mid!.index, mid!.id, mid!.type, mid!.instrument, mid!.timepoint, mid!.label, mid!.pValue],
      [0, 'alliance-mid', 'continuous', 'WAI', 'mid-treatment', null, { kind: 'value', value: 0.04 }],
    );
    assert.deepEqual(mid!.scale, { min: 1, max: 7, higherIsBetter: true, items: 12, step: null });
    assert.equal(drop!.scale, null, 'no max');
    assert.deepEqual(drop!.results, {}, 'results that are not a mapping read as none');
    assert.equal(record.outcome('drop')?.type, 'dichotomous');
    assert.equal(record.outcome('nowhere'), undefined);
  });

  test('results per arm: NR, pending and an empty n told apart; a result that is not a mapping is none', () => {
    const outcome = record.outcome('alliance-mid')!;
    const online = outcome.result('online')!;
    assert.deepEqual(
      [online.mean, online.sd, online.n, online.se],
      [
        { kind: 'value', value: 5.9 },
        { kind: 'value', value: 0.8 },
        { kind: 'value', value: 25 },
        { kind: 'absent' },
      ],
    );
    assert.deepEqual(online.ci, {
      lower: { kind: 'value', value: 5.6 },
      upper: { kind: 'value', value: 6.2 },
      level: { kind: 'absent' },
    });
    const f2f = outcome.result('f2f')!;
    assert.deepEqual(
      [f2f.mean, f2f.sd, f2f.n, f2f.ci],
      [{ kind: 'NR' }, { kind: 'missing', code: 'pending' }, { kind: 'absent' }, null],
    );
    assert.equal(outcome.result('all'), undefined);
    assert.equal(outcome.results.all, 'NR');
    assert.equal(outcome.result('toString'), undefined, 'only keys the record has');
  });

  test('adjudication entries of a consensus record', () => {
    assert.deepEqual(record.adjudication, [
      {
        index: 0,
        field: 'arms[f2f].n',
        chosen: 'ek',
        value: 'NR',
        rationale: 'Table 1',
        adjudicator: 'S Liebherz',
      },
    ]);
  });

  test('a record that is not a mapping reads as an empty one', () => {
    const empty = readRecord(['a', 'list']);
    assert.deepEqual(
      [empty.study, empty.arms, empty.outcomes, empty.adjudication, empty.totalN],
      [null, [], [], [], { kind: 'absent' }],
    );
  });
});
