// Which record speaks for a study (dual/speaker.ts): every branch of the classification, and the answers
// the synthesis and the characteristics table derive from it.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { speaker, type SpeakerRecord } from '../../src/core/dual/speaker';
import { readReviewConfig } from '../../src/core/review/review';
import { parseYaml } from '../../src/core/yaml/yamlDocument';
import { runAnalyses, type StudyRecord, type StudyRecords } from '../../src/core/synthesis/analysis';
import { studyCharacteristics } from '../../src/core/synthesis/characteristics';

interface Rec extends SpeakerRecord {
  reviewer: string;
  value: { n: number } | undefined;
  status: string | undefined;
}

const complete = (reviewer: string, n = 1): Rec => ({ reviewer, value: { n }, status: 'complete' });
const draft = (reviewer: string): Rec => ({ reviewer, value: { n: 1 }, status: 'draft' });
const broken = (reviewer: string): Rec => ({ reviewer, value: undefined, status: undefined });

/** Compares the `n` of two records, counting the calls. */
function comparing() {
  const calls: [string, string][] = [];
  return {
    calls,
    compare: (a: Rec & { value: { n: number } }, b: Rec & { value: { n: number } }) => {
      calls.push([a.reviewer, b.reviewer]);
      return { disagreements: a.value.n === b.value.n ? [] : [`n: ${a.value.n} vs ${b.value.n}`] };
    },
  };
}

function classify(reviewers: Rec[], consensus?: Rec, blind = false) {
  const c = comparing();
  return { ...speaker({ reviewers, consensus }, { blind, compare: c.compare }), calls: c.calls };
}

describe('the consensus record', () => {
  test('a readable consensus record speaks, and the reviewers are still classified', () => {
    const consensus = complete('consensus');
    const s = classify([complete('ek', 1), complete('mk', 2)], consensus);
    assert.deepEqual(s.consensus, { state: 'readable', record: consensus });
    assert.equal(s.speaks?.source, 'consensus');
    assert.equal(s.speaks?.record, consensus);
    assert.equal(s.reviewers.kind, 'disagreed');
  });

  test('an unreadable consensus record leaves nothing speaking, even when the reviewers agree', () => {
    const consensus = broken('consensus');
    const s = classify([complete('ek'), complete('mk')], consensus);
    assert.deepEqual(s.consensus, { state: 'unreadable', record: consensus });
    assert.equal(s.reviewers.kind, 'agreed');
    assert.equal(s.speaks, undefined);
  });

  test('a consensus record, even a draft, speaks', () => {
    const consensus = draft('consensus');
    const s = classify([draft('ek')], consensus);
    assert.equal(s.speaks?.record, consensus);
    assert.equal(s.reviewers.kind, 'single');
  });
});

describe('the reviewers’ records', () => {
  test('two complete records that agree: the first speaks', () => {
    const ek = complete('ek');
    const mk = complete('mk');
    const s = classify([ek, mk]);
    assert.equal(s.reviewers.kind, 'agreed');
    assert.deepEqual(s.speaks, { record: ek, source: 'agreed' });
    assert.deepEqual(s.calls, [['ek', 'mk']]);
    assert.deepEqual(s.readable, [ek, mk]);
  });

  test('two complete records that disagree: nothing speaks; the comparison is kept', () => {
    const s = classify([complete('ek', 1), complete('mk', 2)]);
    assert.equal(s.speaks, undefined);
    assert.ok(s.reviewers.kind === 'disagreed');
    assert.deepEqual(s.reviewers.comparison.disagreements, ['n: 1 vs 2']);
  });

  test('waiting for a reviewer: a draft, or a record that cannot be read; nothing is compared', () => {
    const ek = complete('ek');
    const mk = draft('mk');
    const s = classify([ek, mk]);
    assert.deepEqual(s.reviewers, { kind: 'waiting', records: [ek, mk], waiting: [mk], unreadable: [] });
    assert.equal(s.speaks, undefined);
    assert.deepEqual(s.calls, []);

    const bad = broken('ek');
    const both = classify([bad, mk]);
    assert.deepEqual(both.reviewers, {
      kind: 'waiting',
      records: [bad, mk],
      waiting: [bad, mk],
      unreadable: [bad],
    });
    assert.deepEqual(both.readable, [mk]);
  });

  test('a record marked complete that cannot be read is not complete', () => {
    const odd: Rec = { reviewer: 'mk', value: undefined, status: 'complete' };
    const s = classify([complete('ek'), odd]);
    assert.ok(s.reviewers.kind === 'waiting');
    assert.deepEqual(s.reviewers.waiting, [odd]);
    assert.deepEqual(s.reviewers.unreadable, [odd]);
  });

  test('blinded: in a blinded review, until both records are complete (one record included)', () => {
    const ek = complete('ek');
    const mk = draft('mk');
    const s = classify([ek, mk], undefined, true);
    assert.deepEqual(s.reviewers, { kind: 'blinded', records: [ek, mk], waiting: [mk], unreadable: [] });
    assert.deepEqual(s.calls, []);
    const one = classify([ek], undefined, true);
    assert.deepEqual(one.reviewers, { kind: 'blinded', records: [ek], waiting: [], unreadable: [] });
    // Once both are complete, blinding is over.
    assert.equal(classify([ek, complete('mk')], undefined, true).reviewers.kind, 'agreed');
  });

  test('one reviewer only, in a review that is not blinded', () => {
    const ek = draft('ek');
    const s = classify([ek]);
    assert.deepEqual(s.reviewers, { kind: 'single', records: [ek] });
    assert.equal(s.speaks, undefined);
    assert.deepEqual(s.readable, [ek]);
  });

  test('no reviewer record; nothing readable', () => {
    const none = classify([], broken('consensus'), true);
    assert.deepEqual(none.reviewers, { kind: 'none', records: [] });
    assert.equal(none.speaks, undefined);
    assert.deepEqual(none.readable, []);
    const unreadable = classify([broken('ek')]);
    assert.equal(unreadable.reviewers.kind, 'single');
    assert.deepEqual(unreadable.readable, []);
  });

  test("only the study's pair (the first two reviewers) is considered", () => {
    const s = classify([draft('ek'), complete('mk'), complete('jb')]);
    assert.ok(s.reviewers.kind === 'waiting');
    assert.deepEqual(
      s.reviewers.records.map((r) => r.reviewer),
      ['ek', 'mk'],
    );
    assert.deepEqual(s.calls, []);
  });
});

// The callers' answers for cases where their copies of the rule used to differ.
describe('what the synthesis and the characteristics table derive', () => {
  type Obj = Record<string, unknown>;
  const config = (extra = '') =>
    readReviewConfig(
      parseYaml(`title: T
schema: schemas/extraction.schema.json
records: records/{reviewer}/{study}.study.yaml
reviewers: [ek, mk, jb]
${extra}
synthesis:
  analyses:
    - { id: a, outcome: alliance, measure: MD, experimental: [email], control: [face-to-face] }
`),
    );
  const value = (n: number): Obj => ({
    citation: { authors: ['Preschl B'], year: 2011 },
    arms: [
      { id: 'online', group: 'email', n },
      { id: 'f2f', group: 'face-to-face', n: 20 },
    ],
    outcomes: [
      {
        id: 'alliance',
        type: 'continuous',
        results: { online: { mean: 5, sd: 1, n }, f2f: { mean: 4, sd: 1, n: 20 } },
      },
    ],
  });
  /** `null`: a record that cannot be read. */
  const rec = (reviewer: string, status: string, v: Obj | null = value(20)): StudyRecord => ({
    reviewer,
    path: `records/${reviewer}/s.study.yaml`,
    value: v ?? undefined,
    status: v ? status : undefined,
  });
  const unreadableConsensus = rec('consensus', 'complete', null);

  test('an unreadable consensus record over agreeing reviewers: excluded; the table notes it without a dangling separator', () => {
    const study: StudyRecords = {
      study: 's',
      reviewers: [rec('ek', 'complete'), rec('mk', 'complete')],
      consensus: unreadableConsensus,
    };
    const [analysis] = runAnalyses({ config: config() }, [study]).analyses;
    assert.deepEqual(analysis!.excluded, [
      {
        study: 's',
        reason: 'its consensus record (records/consensus/s.study.yaml) cannot be read as a YAML mapping',
      },
    ]);
    const [row] = studyCharacteristics([study], config());
    assert.deepEqual(
      [row!.source, row!.record, row!.note],
      [
        'agreed',
        'ek + mk',
        'its consensus record (records/consensus/s.study.yaml) cannot be read as a YAML mapping',
      ],
    );
  });

  test('a blinded review with only an unreadable consensus record: nothing readable, not "one reviewer"', () => {
    const study: StudyRecords = { study: 's', reviewers: [], consensus: unreadableConsensus };
    const [row] = studyCharacteristics([study], config('blind: true'));
    assert.deepEqual(
      [row!.source, row!.record, row!.note],
      [
        'none',
        null,
        'its consensus record (records/consensus/s.study.yaml) cannot be read as a YAML mapping; no readable record',
      ],
    );
  });

  test('with three reviewers, the table speaks of the same pair as the synthesis', () => {
    const study: StudyRecords = {
      study: 's',
      reviewers: [rec('ek', 'draft'), rec('mk', 'complete'), rec('jb', 'complete')],
    };
    const [analysis] = runAnalyses({ config: config() }, [study]).analyses;
    assert.equal(
      analysis!.excluded[0]!.reason,
      'ek has not completed the record yet (both records must be complete, or the study adjudicated)',
    );
    const [row] = studyCharacteristics([study], config());
    assert.deepEqual(
      [row!.source, row!.record, row!.note],
      ['provisional', 'ek', 'ek has not completed the record'],
    );
    const [hidden] = studyCharacteristics([study], config('blind: true'));
    assert.deepEqual(
      [hidden!.source, hidden!.note],
      ['hidden', 'blinded review: ek has not completed the record'],
    );
  });

  test('waiting on an unreadable record: the synthesis names it, the table shows the other as provisional', () => {
    const study: StudyRecords = {
      study: 's',
      reviewers: [rec('ek', 'complete', null), rec('mk', 'complete')],
    };
    const [analysis] = runAnalyses({ config: config() }, [study]).analyses;
    assert.equal(analysis!.excluded[0]!.reason, 'the record of ek cannot be read as a YAML mapping');
    const [row] = studyCharacteristics([study], config());
    assert.deepEqual(
      [row!.source, row!.record, row!.note],
      ['provisional', 'mk', 'the other record cannot be read'],
    );
  });

  test('disagreeing complete records: excluded naming the field; the table shows the first as provisional', () => {
    const study: StudyRecords = {
      study: 's',
      reviewers: [rec('ek', 'complete'), rec('mk', 'complete', value(21))],
    };
    const [analysis] = runAnalyses({ config: config() }, [study]).analyses;
    assert.equal(
      analysis!.excluded[0]!.reason,
      'unresolved disagreements on arms[online].n (ek: 20, mk: 21); outcomes[alliance].results.online.n (ek: 20, mk: 21); adjudicate the study',
    );
    const [row] = studyCharacteristics([study], config());
    assert.deepEqual(
      [row!.source, row!.record, row!.note],
      ['provisional', 'ek', 'ek and mk differ on arms[online].n; not adjudicated'],
    );
  });

  test('a single reviewer: the synthesis asks for a second record; a blinded table hides it', () => {
    const study: StudyRecords = { study: 's', reviewers: [rec('ek', 'complete')] };
    const [analysis] = runAnalyses({ config: config('blind: true') }, [study]).analyses;
    assert.equal(
      analysis!.excluded[0]!.reason,
      'only ek has extracted it (a second record or a consensus record is needed)',
    );
    const [row] = studyCharacteristics([study], config('blind: true'));
    assert.deepEqual(
      [row!.source, row!.arms.length, row!.note],
      ['hidden', 0, 'blinded review: only one reviewer has extracted it'],
    );
  });
});
