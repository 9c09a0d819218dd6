// `compare.ignore` patterns (src/core/dual/compare.ts): what `*` and `[*]` match, and that a hostile pattern
// from review.yaml is matched in linear time (it used to become a backtracking RegExp that ran for minutes).
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { compareRecords, type RecordComparison } from '../../src/core/dual/compare';

const paths = (comparison: RecordComparison) => comparison.disagreements.map((d) => d.path);
const compare = (a: unknown, b: unknown, ignore: string[]) =>
  paths(compareRecords(a, b, { ignore, tolerance: 0 }));

const A = {
  citation: { year: 2011, journal: 'A', extra: { note: 'x' } },
  arms: [
    { id: 'online', label: 'Online', n: 25 },
    { id: 'f2f', label: 'Face to face', n: 28 },
  ],
  outcomes: [{ id: 'alliance', label: 'WAI', results: { online: { mean: 5.9 } } }],
};
const B = {
  citation: { year: 2012, journal: 'B', extra: { note: 'y' } },
  arms: [
    { id: 'online', label: 'Online therapy', n: 24 },
    { id: 'f2f', label: 'Face-to-face', n: 28 },
  ],
  outcomes: [{ id: 'alliance', label: 'WAI total', results: { online: { mean: 6.1 } } }],
};

describe('compare.ignore patterns', () => {
  test('with nothing ignored, every difference is listed', () => {
    assert.deepEqual(compare(A, B, []), [
      'citation.year',
      'citation.journal',
      'citation.extra.note',
      'arms[online].label',
      'arms[online].n',
      'arms[f2f].label',
      'outcomes[alliance].label',
      'outcomes[alliance].results.online.mean',
    ]);
  });

  test('a bare `*` stands for one key: not for a dot, not for an id', () => {
    // `citation.*` covers `citation.extra` and so everything under it.
    assert.deepEqual(compare(A, B, ['citation.*']), [
      'arms[online].label',
      'arms[online].n',
      'arms[f2f].label',
      'outcomes[alliance].label',
      'outcomes[alliance].results.online.mean',
    ]);
    // `*.note` would need `*` to cross the dot of `citation.extra`; `*.*.note` does not.
    assert.deepEqual(compare(A, B, ['*.note']), compare(A, B, []));
    assert.deepEqual(
      compare(A, B, ['*.*.note']),
      compare(A, B, []).filter((p) => p !== 'citation.extra.note'),
    );
    // `arm*.n` would need `*` to cross `[online]`; `arm*` is the key `arms` itself, and all below it.
    assert.deepEqual(compare(A, B, ['arm*.n']), compare(A, B, []));
    assert.deepEqual(
      compare(A, B, ['arm*']),
      compare(A, B, []).filter((p) => !p.startsWith('arms')),
    );
  });

  test('`[*]` stands for any id, and a `*` inside a key for part of it', () => {
    assert.deepEqual(compare(A, B, ['arms[*].label', 'outcomes[*].results.*.mean']), [
      'citation.year',
      'citation.journal',
      'citation.extra.note',
      'arms[online].n',
      'outcomes[alliance].label',
    ]);
    assert.deepEqual(compare(A, B, ['*s[*].lab*', 'citation.*.no*e']), [
      'citation.year',
      'citation.journal',
      'arms[online].n',
      'outcomes[alliance].results.online.mean',
    ]);
  });

  test('runs of `*` mean the same as one, and everything else is literal', () => {
    assert.deepEqual(compare(A, B, ['citation.***']), compare(A, B, ['citation.*']));
    assert.deepEqual(
      compare(A, B, ['citation.yea?', 'citation.(year)', 'arms[online].n+']),
      compare(A, B, []),
    );
    assert.deepEqual(compare(A, B, ['arms[online].n']), [
      'citation.year',
      'citation.journal',
      'citation.extra.note',
      'arms[online].label',
      'arms[f2f].label',
      'outcomes[alliance].label',
      'outcomes[alliance].results.online.mean',
    ]);
  });

  test('a pattern of 24 stars and a character that never matches finishes at once (it took minutes)', () => {
    const longKey = 'a'.repeat(60);
    const a = { [longKey]: 1, notes: { [longKey]: 'x' } };
    const b = { [longKey]: 2, notes: { [longKey]: 'y' } };
    const started = Date.now();
    const hostile = [
      '********************!',
      `${'*'.repeat(24)}!`,
      `${'*x'.repeat(30)}!`,
      '*.*.*.*.*.*.*.*.*!',
    ];
    assert.deepEqual(compare(a, b, hostile), [longKey, `notes.${longKey}`]);
    assert.ok(Date.now() - started < 5000, `took ${Date.now() - started} ms`);
  });

  test('a hostile pattern that does match is matched as fast', () => {
    const longKey = 'a'.repeat(5000);
    const started = Date.now();
    assert.deepEqual(compare({ [longKey]: 1, n: 1 }, { [longKey]: 2, n: 2 }, [`${'*'.repeat(50)}a`]), ['n']);
    assert.ok(Date.now() - started < 5000, `took ${Date.now() - started} ms`);
  });
});
