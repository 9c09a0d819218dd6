// A record that exists but does not parse (a YAML syntax error) is said so wherever the synthesis shows
// the study: the excluded study's reason with the line of the first error (the CLI's text and JSON, the
// HTML report, the panel's analyses) and the study's row of the characteristics table. None of the data
// a partial parse leaves is read, so no value of it shows as "not extracted".
import { before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  loadStudies,
  runAnalyses,
  studyRecordOf,
  synthesizeReview,
  type SynthesisReport,
} from '../../src/core/synthesis/analysis';
import { characteristicsTable, studyCharacteristics } from '../../src/core/synthesis/characteristics';
import { formatSynthesizeJson, formatSynthesizeText } from '../../src/core/synthesis/present/exportFormats';
import { synthesisHtmlReport } from '../../src/core/synthesis/present/report';
import { validateRecord } from '../../src/core/record/validate';
import { ReviewWorkspace } from '../../src/core/workspace/reviewWorkspace';
import { memoryReview, record, type MemoryReview, type StudyRecord } from '../support/records';

const ANALYSIS = {
  synthesis: {
    analyses: [
      {
        id: 'alliance',
        outcome: 'alliance',
        measure: 'MD',
        experimental: ['email'],
        control: ['face-to-face'],
      },
    ],
  },
};

/** A complete record of `study` by `reviewer`, the same values from either reviewer. */
function complete(study: string, reviewer: string): StudyRecord {
  return record(study, reviewer)
    .status('complete')
    .arm('online', 'email', 25)
    .arm('f2f', 'face-to-face', 28)
    .continuous('alliance', { online: [5.9, 0.8], f2f: [5.6, 0.9] }, { instrument: 'WAI' });
}

/** The record's text with the group of its second arm written as `face-to-face: email`, and that line (1-based). */
function brokenText(r: StudyRecord): { text: string; line: number } {
  const lines = r.yaml().split('\n');
  const index = lines.indexOf('    group: face-to-face');
  assert.ok(index > 0, r.yaml());
  lines[index] = '    group: face-to-face: email';
  return { text: lines.join('\n'), line: index + 1 };
}

let review: MemoryReview;
let report: SynthesisReport;
let reviewerLine: number;
let consensusLine: number;

before(async () => {
  const records = [
    complete('kept-2010', 'ek'),
    complete('kept-2010', 'mk'),
    complete('broken-2011', 'ek'),
    complete('broken-2011', 'mk'),
    complete('adjudicated-2012', 'ek'),
    complete('adjudicated-2012', 'mk'),
    complete('adjudicated-2012', 'consensus'),
  ];
  review = await memoryReview({ extra: ANALYSIS }, records);
  const reviewer = brokenText(records[3]!);
  review.fs.writeFile(review.path(records[3]!.path), reviewer.text);
  reviewerLine = reviewer.line;
  const consensus = brokenText(records[6]!);
  review.fs.writeFile(review.path(records[6]!.path), consensus.text);
  consensusLine = consensus.line;
  report = await synthesizeReview(review.review, review.fs);
});

describe('a record with a YAML syntax error in the synthesis', () => {
  test('the study is excluded: the record does not parse, with the line of its first syntax error', () => {
    const [analysis] = report.analyses;
    assert.deepEqual(
      analysis!.studies.map((s) => s.study),
      ['kept-2010'],
    );
    assert.deepEqual(analysis!.excluded, [
      {
        study: 'adjudicated-2012',
        reason: `the consensus record records/consensus/adjudicated-2012.study.yaml does not parse (YAML syntax error at line ${consensusLine})`,
      },
      {
        study: 'broken-2011',
        reason: `the record records/mk/broken-2011.study.yaml does not parse (YAML syntax error at line ${reviewerLine})`,
      },
    ]);
    assert.equal(reviewerLine, 12);
  });

  test('the text and JSON of `synthesize` and the HTML report say so; nothing reads "not extracted"', async () => {
    const text = formatSynthesizeText(report);
    assert.ok(
      text.includes(
        `    broken-2011: the record records/mk/broken-2011.study.yaml does not parse (YAML syntax error at line ${reviewerLine})\n`,
      ),
      text,
    );
    const json = JSON.parse(formatSynthesizeJson(report)) as {
      analyses: { excluded: { reason: string }[] }[];
    };
    assert.match(json.analyses[0]!.excluded[1]!.reason, /does not parse \(YAML syntax error at line 12\)$/);

    const studies = await loadStudies(review.review, review.fs);
    const html = synthesisHtmlReport({
      title: 'T',
      generated: '2024-05-01',
      report,
      characteristics: studyCharacteristics(studies, review.review.config),
    });
    assert.ok(
      html.includes('records/mk/broken-2011.study.yaml does not parse (YAML syntax error at line 12)'),
    );
    for (const output of [text, html]) assert.doesNotMatch(output, /not extracted/);
  });

  test('the characteristics row says the record does not parse and shows nothing of it', async () => {
    const studies = await loadStudies(review.review, review.fs);
    const rows = studyCharacteristics(studies, review.review.config);
    const broken = rows.find((r) => r.study === 'broken-2011')!;
    assert.deepEqual(
      [broken.source, broken.record, broken.note],
      [
        'provisional',
        'ek',
        `the record records/mk/broken-2011.study.yaml does not parse (YAML syntax error at line ${reviewerLine})`,
      ],
    );
    const cells = characteristicsTable(rows).rows.find((r) => r.study === 'adjudicated-2012')!.cells;
    assert.equal(
      cells.record,
      `agreed (ek + mk): the consensus record records/consensus/adjudicated-2012.study.yaml does not parse (YAML syntax error at line ${consensusLine})`,
    );
    // Blinded, the row is hidden; the broken record is not said to be a draft.
    const hidden = studyCharacteristics(studies, { ...review.review.config, blind: true });
    assert.equal(
      hidden.find((r) => r.study === 'broken-2011')!.note,
      `blinded review: the record records/mk/broken-2011.study.yaml does not parse (YAML syntax error at line ${reviewerLine})`,
    );
    // The only record of a study, broken: no readable record, and why.
    const alone = await memoryReview({ extra: ANALYSIS }, [complete('alone-2013', 'ek')]);
    const only = brokenText(complete('alone-2013', 'ek'));
    alone.fs.writeFile(alone.path('records/ek/alone-2013.study.yaml'), only.text);
    const [row] = studyCharacteristics(await loadStudies(alone.review, alone.fs), alone.review.config);
    assert.deepEqual(
      [row!.source, row!.note],
      [
        'none',
        `the record records/ek/alone-2013.study.yaml does not parse (YAML syntax error at line ${only.line}); no readable record`,
      ],
    );
    const [blinded] = studyCharacteristics(await loadStudies(alone.review, alone.fs), {
      ...alone.review.config,
      blind: true,
    });
    assert.match(
      blinded!.note!,
      /^blinded review: only one reviewer has extracted it; the record records\/ek\/alone-2013\.study\.yaml does not parse/,
    );
  });

  test('from the data and diagnostics of a check (as the review workspace keeps them), the same reason', () => {
    const { text, line } = brokenText(complete('broken-2011', 'mk'));
    const checked = validateRecord(text, review.review.schema);
    // The partial parse leaves data behind, a complete record without the broken arm's group.
    assert.equal((checked.value as { status: string }).status, 'complete');
    const found = { path: 'records/mk/broken-2011.study.yaml', reviewer: 'mk' };
    const mk = studyRecordOf(found, checked.value, checked.diagnostics);
    assert.deepEqual(mk, {
      reviewer: 'mk',
      path: found.path,
      value: undefined,
      status: undefined,
      problem: `does not parse (YAML syntax error at line ${line})`,
    });
    const clean = complete('broken-2011', 'ek');
    const ek = studyRecordOf(
      { path: clean.path, reviewer: 'ek' },
      clean.value(),
      validateRecord(clean.yaml(), review.review.schema).diagnostics,
    );
    assert.equal(ek.problem, undefined);
    // A record that still carries the partial data is not read either.
    const [analysis] = runAnalyses(review.review, [
      {
        study: 'broken-2011',
        reviewers: [ek, { ...mk, value: checked.value as Record<string, unknown>, status: 'complete' }],
      },
    ]).analyses;
    assert.match(
      analysis!.excluded[0]!.reason,
      /^the record records\/mk\/broken-2011\.study\.yaml does not parse/,
    );
  });

  test('the synthesis panel, fed by the review workspace, says the same', async () => {
    const workspace = new ReviewWorkspace(review.root, review.fs, { trusted: () => true });
    const model = await workspace.synthesisModel('2026-12-02T00:00:00Z');
    const excluded = model.analyses[0]!.excluded.find((e) => e.study === 'broken-2011');
    assert.ok(excluded, JSON.stringify(model.analyses[0]!.excluded));
    assert.match(
      excluded.reason,
      new RegExp(`broken-2011\\.study\\.yaml does not parse \\(YAML syntax error at line ${reviewerLine}\\)`),
    );
    assert.doesNotMatch(excluded.reason, /not extracted/);
  });
});
