// Effect sizes against values metafor prints (escalc), and against exact values derived by hand.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  backTransform,
  backTransformName,
  fisherZ,
  hedgesCorrection,
  meanDifference,
  sdFromCi,
  sdFromSe,
  standardizedMeanDifference,
  studyInterval,
  twoByTwo,
  type EffectResult,
} from '../../src/core/synthesis/stats/effectSize';
import {
  chiSquareCdf,
  chiSquareUpperP,
  normCdf,
  normQuantile,
  normTwoSidedP,
  studentTQuantile,
  studentTTwoSidedP,
} from '../../src/core/synthesis/stats/distributions';

/** A value printed with `decimals` decimals: the true value is within half a unit of the last digit. */
function printed(actual: number, expected: number, decimals: number, what = ''): void {
  const tolerance = 0.5 * 10 ** -decimals + 1e-12;
  assert.ok(
    Math.abs(actual - expected) <= tolerance,
    `${what} ${actual} does not round to ${expected} (${decimals} decimals)`,
  );
}

function close(actual: number, expected: number, tolerance = 1e-6, what = ''): void {
  assert.ok(Math.abs(actual - expected) <= tolerance, `${what} ${actual} ≠ ${expected} (±${tolerance})`);
}

function ok(result: EffectResult): { yi: number; vi: number; notes: string[] } {
  assert.ok(result.ok, result.ok ? '' : result.reason);
  return result;
}

// metafor's dat.bcg (Colditz et al. 1994, JAMA 271:698-702): tpos, tneg, cpos, cneg, and the log risk
// ratios and variances escalc(measure="RR") prints in wviechtb/metafor docs/reference/dat.bcg.html.
const BCG = [
  [4, 119, 11, 128, -0.8893, 0.3256],
  [6, 300, 29, 274, -1.5854, 0.1946],
  [3, 228, 11, 209, -1.3481, 0.4154],
  [62, 13536, 248, 12619, -1.4416, 0.02],
  [33, 5036, 47, 5761, -0.2175, 0.0512],
  [180, 1361, 372, 1079, -0.7861, 0.0069],
  [8, 2537, 10, 619, -1.6209, 0.223],
  [505, 87886, 499, 87892, 0.012, 0.004],
  [29, 7470, 45, 7232, -0.4694, 0.0564],
  [17, 1699, 65, 1600, -1.3713, 0.073],
  [186, 50448, 141, 27197, -0.3394, 0.0124],
  [5, 2493, 3, 2338, 0.4459, 0.5325],
  [27, 16886, 29, 17825, -0.0173, 0.0714],
] as const;

describe('distributions (stdlib wrappers)', () => {
  test('quantiles and tails as R gives them', () => {
    // qnorm(0.975) = 1.959963984540054; t tables: t(0.975; 12) = 2.1788, t(0.975; 24) = 2.0639.
    close(normQuantile(0.975), 1.959963984540054, 1e-12);
    printed(studentTQuantile(0.975, 12), 2.1788, 4);
    printed(studentTQuantile(0.975, 24), 2.0639, 4);
    close(normCdf(0), 0.5, 1e-15);
    close(normTwoSidedP(1.959963984540054), 0.05, 1e-12);
    close(studentTTwoSidedP(studentTQuantile(0.975, 12), 12), 0.05, 1e-12);
    // Chi-square with 2 df: P(X ≥ x) = exp(−x/2) exactly.
    close(chiSquareUpperP(3, 2), Math.exp(-1.5), 1e-14);
    close(chiSquareUpperP(3, 2) + chiSquareCdf(3, 2), 1, 1e-14);
    // A far tail stays exact where 1 − cdf would be 0.
    close(chiSquareUpperP(200, 2) / Math.exp(-100), 1, 1e-10);
    assert.equal(chiSquareUpperP(0, 3), 1);
  });
});

describe('Hedges correction and SMD', () => {
  test('the exact correction factor equals its closed forms', () => {
    // c(m) = Γ(m/2) / (√(m/2) Γ((m−1)/2)); c(4) = Γ(2)/(√2·Γ(3/2)) = √(2/π), c(3) = Γ(3/2)/√(3/2) = √π/2/√1.5.
    close(hedgesCorrection(4), Math.sqrt(2 / Math.PI), 1e-12);
    close(hedgesCorrection(3), Math.sqrt(Math.PI) / 2 / Math.sqrt(1.5), 1e-12);
    // and tends to the usual approximation 1 − 3/(4m − 1) for large m.
    close(hedgesCorrection(500), 1 - 3 / (4 * 500 - 1), 1e-6);
  });

  test('SMD by hand: pooled SD, exact correction, large-sample variance', () => {
    const e = { mean: 12, sd: 4, n: 10 };
    const c = { mean: 10, sd: 6, n: 12 };
    const m = 20;
    const sdp = Math.sqrt((9 * 16 + 11 * 36) / m);
    const g = (hedgesCorrection(m) * 2) / sdp;
    const r = ok(standardizedMeanDifference(e, c));
    close(r.yi, g, 1e-12);
    close(r.vi, 1 / 10 + 1 / 12 + (g * g) / (2 * 22), 1e-12);
  });

  test('MD: heteroscedastic variance, as dat.normand1999 prints it', () => {
    // wviechtb/metafor docs/reference/dat.normand1999.html: escalc(measure="MD") on dat.normand1999.
    const rows = [
      [155, 55, 47, 156, 75, 64, -20, 40.508],
      [31, 27, 7, 32, 29, 4, -2, 2.0806],
      [75, 64, 17, 71, 119, 29, -55, 15.6984],
      [18, 66, 20, 18, 137, 48, -71, 150.2222],
      [8, 14, 8, 13, 18, 11, -4, 17.3077],
      [57, 19, 7, 52, 18, 4, 1, 1.1673],
      [34, 52, 45, 33, 41, 34, 11, 94.5891],
      [110, 21, 16, 183, 31, 27, -10, 6.3109],
      [60, 30, 27, 52, 23, 20, 7, 19.8423],
    ] as const;
    for (const [n1, m1, sd1, n2, m2, sd2, yi, vi] of rows) {
      const r = ok(meanDifference({ mean: m1, sd: sd1, n: n1 }, { mean: m2, sd: sd2, n: n2 }));
      printed(r.yi, yi, 4, 'yi');
      printed(r.vi, vi, 4, 'vi');
    }
  });

  test('not computable: SD ≤ 0, n < 2', () => {
    const good = { mean: 1, sd: 1, n: 10 };
    for (const bad of [
      { mean: 1, sd: 0, n: 10 },
      { mean: 1, sd: -1, n: 10 },
      { mean: 1, sd: 1, n: 1 },
    ]) {
      const md = meanDifference(bad, good);
      const smd = standardizedMeanDifference(good, bad);
      assert.equal(md.ok, false);
      assert.equal(smd.ok, false);
      assert.match(md.ok ? '' : md.reason, /not computable/);
    }
  });
});

describe('2×2 tables', () => {
  test('log risk ratios of dat.bcg as escalc prints them', () => {
    for (const [tp, tn, cp, cn, yi, vi] of BCG) {
      const r = ok(twoByTwo('RR', { events: tp, n: tp + tn }, { events: cp, n: cp + cn }));
      printed(r.yi, yi, 4, 'yi');
      printed(r.vi, vi, 4, 'vi');
      assert.deepEqual(r.notes, []);
    }
  });

  test('a zero cell adds 1/2 to all four cells (escalc add = 1/2, to = "only0"), for OR, RR and RD', () => {
    // dat.nielweise2007 study 1 (Bach 1996): 0/116 vs 3/117 → a = .5, b = 116.5, c = 3.5, d = 114.5.
    const e = { events: 0, n: 116 };
    const c = { events: 3, n: 117 };
    const or = ok(twoByTwo('OR', e, c));
    close(or.yi, Math.log(0.5 / 116.5) - Math.log(3.5 / 114.5), 1e-12);
    close(or.vi, 1 / 0.5 + 1 / 116.5 + 1 / 3.5 + 1 / 114.5, 1e-12);
    assert.match(or.notes[0]!, /0\.5 added/);
    const rr = ok(twoByTwo('RR', e, c));
    close(rr.yi, Math.log(0.5 / 117) - Math.log(3.5 / 118), 1e-12);
    close(rr.vi, 1 / 0.5 - 1 / 117 + 1 / 3.5 - 1 / 118, 1e-12);
    const rd = ok(twoByTwo('RD', e, c));
    close(rd.yi, 0.5 / 117 - 3.5 / 118, 1e-12);
    close(rd.vi, ((0.5 / 117) * (116.5 / 117)) / 117 + ((3.5 / 118) * (114.5 / 118)) / 118, 1e-12);
    // All events (b = 0) is a zero cell too.
    const all = ok(twoByTwo('OR', { events: 10, n: 10 }, { events: 5, n: 10 }));
    close(all.yi, Math.log(10.5 / 0.5) - Math.log(5.5 / 5.5), 1e-12);
    // Both arms without events: still corrected (drop00 = FALSE), an estimate of 0 on the log scale.
    const none = ok(twoByTwo('RR', { events: 0, n: 50 }, { events: 0, n: 50 }));
    close(none.yi, 0, 1e-15);
  });

  test('risk differences of dat.hine1989 as escalc prints them (no zero cells: no correction)', () => {
    // wviechtb/metafor docs/reference/dat.hine1989.html: escalc(measure="RD").
    const rows = [
      [39, 43, 2, 1, 0.028, 0.0018],
      [44, 44, 4, 4, 0, 0.0038],
      [107, 110, 6, 4, 0.0197, 0.0008],
      [103, 100, 7, 5, 0.018, 0.0011],
      [110, 106, 7, 3, 0.0353, 0.0008],
      [154, 146, 11, 4, 0.044, 0.0006],
    ] as const;
    for (const [n1, n2, a, c, yi, vi] of rows) {
      const r = ok(twoByTwo('RD', { events: a, n: n1 }, { events: c, n: n2 }));
      printed(r.yi, yi, 4, 'yi');
      printed(r.vi, vi, 4, 'vi');
    }
  });

  test('impossible tables are not computable', () => {
    assert.equal(twoByTwo('RR', { events: 5, n: 4 }, { events: 1, n: 4 }).ok, false);
    assert.equal(twoByTwo('OR', { events: -1, n: 4 }, { events: 1, n: 4 }).ok, false);
    assert.equal(twoByTwo('RD', { events: 0, n: 0 }, { events: 1, n: 4 }).ok, false);
  });
});

describe("correlations (Fisher's z)", () => {
  test('dat.molloy2014 as escalc(measure="ZCOR") prints it', () => {
    // wviechtb/metafor docs/reference/dat.molloy2014.html (Molloy et al. 2014, Ann Behav Med 47:92-101).
    const rows = [
      [109, 0.187, 0.1892, 0.0094],
      [749, 0.162, 0.1634, 0.0013],
      [55, 0.34, 0.3541, 0.0192],
      [107, 0.32, 0.3316, 0.0096],
      [72, 0.27, 0.2769, 0.0145],
      [65, 0, 0, 0.0161],
      [174, 0.175, 0.1768, 0.0058],
      [326, 0.05, 0.05, 0.0031],
      [58, 0.26, 0.2661, 0.0182],
      [771, 0.01, 0.01, 0.0013],
      [56, -0.09, -0.0902, 0.0189],
      [91, 0.37, 0.3884, 0.0114],
      [116, 0, 0, 0.0088],
      [537, 0.15, 0.1511, 0.0019],
      [158, 0.24, 0.2448, 0.0065],
      [65, 0.04, 0.04, 0.0161],
    ] as const;
    for (const [n, r, yi, vi] of rows) {
      const z = ok(fisherZ(r, n));
      printed(z.yi, yi, 4, 'yi');
      printed(z.vi, vi, 4, 'vi');
    }
  });

  test('|r| = 1 and n < 4 are not computable; tanh undoes atanh', () => {
    assert.equal(fisherZ(1, 50).ok, false);
    assert.equal(fisherZ(0.3, 3).ok, false);
    close(backTransform('COR', ok(fisherZ(0.42, 30)).yi), 0.42, 1e-14);
    close(backTransform('RR', Math.log(0.5)), 0.5, 1e-15);
    assert.equal(backTransform('SMD', -0.3), -0.3);
    assert.equal(backTransformName('OR'), 'exp');
    assert.equal(backTransformName('COR'), 'tanh');
    assert.equal(backTransformName('MD'), undefined);
  });
});

describe('conversions to an SD (Cochrane Handbook 6.5.2.2)', () => {
  test('from an SE: sd = se·√n', () => {
    close(sdFromSe(0.5, 36), 3, 1e-15);
  });

  test('from a 95% CI: normal quantile for n ≥ 60, t with n − 1 df below', () => {
    // Large group: the Handbook's example divisor 3.92 = 2 × 1.96.
    const large = sdFromCi(10, 14, 100);
    assert.equal(large.distribution, 'z');
    close(large.sd, (10 * 4) / (2 * 1.959963984540054), 1e-9);
    // Small group (n = 25): 2 × t(0.975; 24), 2.0639 in t tables.
    const small = sdFromCi(10, 14, 25);
    assert.equal(small.distribution, 't');
    close(small.sd, (5 * 4) / (2 * studentTQuantile(0.975, 24)), 1e-12);
    close(small.sd, (5 * 4) / (2 * 2.0639), 1e-4);
    // Another level: a 90% CI of a large group uses 1.644853626951472.
    close(sdFromCi(0, 1, 400, 0.9).sd, 20 / (2 * 1.644853626951472), 1e-9);
  });

  test("a study's own interval is yi ± 1.96·√vi", () => {
    const [lo, hi] = studyInterval(0.5, 0.04);
    close(lo, 0.5 - 1.959963984540054 * 0.2, 1e-12);
    close(hi, 0.5 + 1.959963984540054 * 0.2, 1e-12);
  });
});
