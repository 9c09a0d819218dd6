import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { closestMatch, editDistance } from '../../src/core/schema/suggest';

describe('editDistance', () => {
  test('counts insertions, deletions, substitutions and adjacent transpositions, ignoring case', () => {
    assert.equal(editDistance('arms', 'arms'), 0);
    assert.equal(editDistance('armss', 'arms'), 1);
    assert.equal(editDistance('arm', 'arms'), 1);
    assert.equal(editDistance('mena', 'mean'), 1);
    assert.equal(editDistance('emial', 'email'), 1);
    assert.equal(editDistance('Arms', 'arms'), 0);
    assert.equal(editDistance('', 'abc'), 3);
    assert.equal(editDistance('kitten', 'sitting'), 3);
  });
});

describe('closestMatch', () => {
  const topLevel = [
    'study',
    'reviewer',
    'status',
    'protocol_version',
    'citation',
    'arms',
    'outcomes',
    'notes',
  ];

  test('suggests the field a typo most likely meant', () => {
    assert.equal(closestMatch('armss', topLevel), 'arms');
    assert.equal(closestMatch('reviwer', topLevel), 'reviewer');
    assert.equal(closestMatch('outcome', topLevel), 'outcomes');
    assert.equal(closestMatch('notez', topLevel), 'notes');
    assert.equal(closestMatch('stauts', topLevel), 'status');
  });

  test('prefers a case-only difference', () => {
    assert.equal(closestMatch('Arms', ['arm', 'arms']), 'arms');
    assert.equal(closestMatch('STATUS', topLevel), 'status');
  });

  test('a prefix of three or more letters counts as a match', () => {
    assert.equal(closestMatch('proto', topLevel), 'protocol_version');
  });

  test('suggests nothing for unrelated words, an exact match, or no candidates', () => {
    assert.equal(closestMatch('country', topLevel), undefined);
    assert.equal(closestMatch('arms', ['arms']), undefined);
    assert.equal(closestMatch('arms', []), undefined);
    assert.equal(closestMatch('x'.repeat(500), ['x']), undefined);
  });

  test('suggests enum values', () => {
    assert.equal(closestMatch('compete', ['draft', 'complete']), 'complete');
    assert.equal(closestMatch('face to face', ['face-to-face', 'email']), 'face-to-face');
  });
});
