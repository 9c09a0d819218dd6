// A record's progress as the workspace reports it (status bar, matrix): the fields the analyses read (arm
// n, the compared arms' results) count among its fields to extract.
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

function workspaceOf(records: StudyRecord[], edit: (files: Record<string, string>) => void = () => {}) {
  const files = reviewFiles({ extra: ANALYSIS }, records);
  edit(files);
  const fs = new MemoryFileSystem();
  for (const [path, text] of Object.entries(files)) fs.writeFile(`/review/${path}`, text);
  return new ReviewWorkspace('/review', fs, { trusted: () => true });
}

describe('progress of a record in the review workspace', () => {
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
    // Every field written counts either way; the analysis adds what it reads and the record lacks: the
    // n of arm online.
    assert.equal(withAnalyses.required - withoutAnalyses.required, 1);
    assert.equal(withoutAnalyses.required - withoutAnalyses.filled, 0);
    assert.equal(withAnalyses.required - withAnalyses.filled, 1);
  });
});
