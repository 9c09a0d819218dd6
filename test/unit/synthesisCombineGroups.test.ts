// Combining arms (Cochrane Handbook Table 6.5.a) and the POMP rescaling, checked by hand and against raw data.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  combineContinuous,
  combineDichotomous,
  combineTwo,
} from '../../src/core/synthesis/stats/combineGroups';
import { pomp, summarizePomp } from '../../src/core/synthesis/stats/pomp';

function close(actual: number, expected: number, tolerance = 1e-12, what = ''): void {
  assert.ok(Math.abs(actual - expected) <= tolerance, `${what} ${actual} ≠ ${expected} (±${tolerance})`);
}

function describeSample(values: number[]) {
  const n = values.length;
  const mean = values.reduce((s, x) => s + x, 0) / n;
  const sd = Math.sqrt(values.reduce((s, x) => s + (x - mean) ** 2, 0) / (n - 1));
  return { n, mean, sd };
}

describe('combining groups (Cochrane Handbook Table 6.5.a)', () => {
  test('two groups, by hand', () => {
    // N = 30, M = (10·5 + 20·8)/30 = 7,
    // SD² = (9·4 + 19·9 + (10·20/30)·(25 + 64 − 80)) / 29 = (36 + 171 + 60) / 29 = 267/29.
    const c = combineTwo({ n: 10, mean: 5, sd: 2 }, { n: 20, mean: 8, sd: 3 });
    assert.equal(c.n, 30);
    close(c.mean, 7);
    close(c.sd, Math.sqrt(267 / 29));
  });

  test('equals the mean and SD of the pooled participants (two and three groups)', () => {
    const a = [3.1, 4.7, 5.2, 6.8, 2.9, 5.5];
    const b = [7.4, 8.1, 6.6, 9.0, 7.7];
    const c = [1.2, 2.5, 3.3, 2.2];
    const two = combineContinuous([describeSample(a), describeSample(b)]);
    const direct2 = describeSample([...a, ...b]);
    close(two.mean, direct2.mean);
    close(two.sd, direct2.sd);
    const three = combineContinuous([describeSample(a), describeSample(b), describeSample(c)]);
    const direct3 = describeSample([...a, ...b, ...c]);
    assert.equal(three.n, 15);
    close(three.mean, direct3.mean);
    close(three.sd, direct3.sd);
    // One group is itself.
    assert.deepEqual(combineContinuous([{ n: 4, mean: 1, sd: 2 }]), { n: 4, mean: 1, sd: 2 });
  });

  test('dichotomous groups: events and n are summed', () => {
    assert.deepEqual(
      combineDichotomous([
        { events: 3, n: 20 },
        { events: 5, n: 22 },
        { events: 0, n: 9 },
      ]),
      { events: 8, n: 51 },
    );
    assert.throws(() => combineDichotomous([]));
    assert.throws(() => combineContinuous([]));
  });
});

describe('POMP (percent of maximum possible)', () => {
  test('rescales a mean to 0–100, reversed when lower is better', () => {
    close(pomp(5.5, { min: 1, max: 7 })!, 75);
    close(pomp(65.7, { min: 12, max: 84 })!, (100 * 53.7) / 72);
    close(pomp(5.5, { min: 1, max: 7, higherIsBetter: false })!, 25);
    assert.equal(pomp(3, { min: 5, max: 5 }), undefined);
    assert.equal(pomp(3, { min: 7, max: 1 }), undefined);
  });

  test('summarizes per group: k, mean, min and max across studies', () => {
    const summary = summarizePomp([
      { study: 'a', group: 'face-to-face', pomp: 60 },
      { study: 'b', group: 'face-to-face', pomp: 80 },
      { study: 'a', group: 'email', pomp: 70 },
    ]);
    assert.deepEqual(
      summary.map((g) => [g.group, g.k, g.mean, g.min, g.max]),
      [
        ['email', 1, 70, 70, 70],
        ['face-to-face', 2, 70, 60, 80],
      ],
    );
  });
});
