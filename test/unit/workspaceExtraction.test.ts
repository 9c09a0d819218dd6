// What the workspace reports of records as a reviewer leaves them: a record with a YAML syntax error is
// excluded from the synthesis panel's model because it does not parse, and the fields the analyses read
// (arm n, the compared arms' results) count among a record's fields to extract.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { ReviewWorkspace } from '../../src/core/workspace/reviewWorkspace';
import { MemoryFileSystem } from '../support/memoryFileSystem';
import { record, reviewFiles, type StudyRecord } from '../support/records';

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

function extracted(study: string, reviewer: string): StudyRecord {
  return record(study, reviewer)
    .status('complete')
    .arm('online', 'email', 25)
    .arm('f2f', 'face-to-face', 28)
    .continuous('alliance', { online: [5.9, 0.8], f2f: [5.5, 0.9] }, { instrument: 'WAI' });
}

function workspaceOf(records: StudyRecord[], edit: (files: Record<string, string>) => void = () => {}) {
  const files = reviewFiles({ extra: ANALYSIS }, records);
  edit(files);
  const fs = new MemoryFileSystem();
  for (const [path, text] of Object.entries(files)) fs.writeFile(`/review/${path}`, text);
  return new ReviewWorkspace('/review', fs, { trusted: () => true });
}

describe('the review workspace and records as reviewers leave them', () => {
  test('a record with a syntax error is excluded from the panel because it does not parse, with its line', async () => {
    const broken = 'records/mk/beta-2012.study.yaml';
    const workspace = workspaceOf(
      ['alpha-2010', 'beta-2012'].flatMap((study) => [extracted(study, 'ek'), extracted(study, 'mk')]),
      (files) => {
        files[broken] = files[broken]!.replace('    n: 25\n', '    n: 25: 3\n');
      },
    );
    const model = await workspace.synthesisModel('2026-12-02T00:00:00Z');
    const analysis = model.analyses[0]!;
    assert.deepEqual(
      analysis.studies.map((s) => s.study),
      ['alpha-2010'],
    );
    const excluded = analysis.excluded.find((e) => e.study === 'beta-2012');
    assert.ok(excluded, JSON.stringify(analysis.excluded));
    assert.match(
      excluded.reason,
      /records\/mk\/beta-2012\.study\.yaml does not parse \(YAML syntax error at line 10\)/,
    );
    assert.doesNotMatch(excluded.reason, /not extracted/);
  });

  test("arm n and the compared arms' results count among the fields to extract", async () => {
    const withoutN = record('gamma-2014', 'ek')
      .arm('online', 'email')
      .arm('f2f', 'face-to-face', 28)
      .continuous('alliance', { online: [5.9, 0.8], f2f: [5.5, 0.9] }, { instrument: 'WAI' });
    const workspace = workspaceOf([withoutN]);
    const withAnalyses = (await workspace.progress()).records[0]!;
    const plain = workspaceOf([withoutN], (files) => {
      files['review.yaml'] = files['review.yaml']!.replace(/synthesis:[\s\S]*$/, '');
    });
    const withoutAnalyses = (await plain.progress()).records[0]!;
    // Read by the analysis beyond the schema's required fields: 2 arm n (online's is missing), and the
    // mean, sd and n of both arms' results (all given).
    assert.equal(withAnalyses.required - withoutAnalyses.required, 8);
    assert.equal(withoutAnalyses.required - withoutAnalyses.filled, 0);
    assert.equal(withAnalyses.required - withAnalyses.filled, 1);
  });
});
