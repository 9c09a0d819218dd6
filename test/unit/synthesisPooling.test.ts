// Pooling against outputs that metafor's documentation and test suite publish (wviechtb/metafor), to the
// printed precision, and against small examples worked out by hand, to 1e-6 or better.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  fisherZ,
  standardizedMeanDifference,
  twoByTwo,
  type EffectResult,
} from '../../src/core/synthesis/stats/effectSize';
import {
  dlTau2,
  pool,
  remlTau2,
  subgroupDifferences,
  type PooledResult,
  type PoolInput,
  type PoolOptions,
  type PoolResult,
} from '../../src/core/synthesis/stats/pooling';
import { normQuantile, studentTQuantile } from '../../src/core/synthesis/stats/distributions';

/** A value printed with `decimals` decimals: the true value is within half a unit of the last digit. */
function printed(actual: number | null | undefined, expected: number, decimals: number, what = ''): void {
  assert.ok(typeof actual === 'number', `${what} is ${actual}`);
  const tolerance = 0.5 * 10 ** -decimals + 1e-12;
  assert.ok(
    Math.abs(actual - expected) <= tolerance,
    `${what} ${actual} does not round to ${expected} (${decimals} decimals)`,
  );
}

function close(actual: number | null | undefined, expected: number, tolerance = 1e-6, what = ''): void {
  assert.ok(typeof actual === 'number', `${what} is ${actual}`);
  assert.ok(Math.abs(actual - expected) <= tolerance, `${what} ${actual} ≠ ${expected} (±${tolerance})`);
}

function pooled(result: PoolResult): PooledResult {
  assert.ok(result.pooled, result.pooled ? '' : result.reason);
  return result;
}

function es(result: EffectResult): PoolInput {
  assert.ok(result.ok);
  return { yi: result.yi, vi: result.vi };
}

const REML: PoolOptions = { model: 'random', method: 'REML', ci: 'z' };
const DL: PoolOptions = { model: 'random', method: 'DL', ci: 'z' };
const COMMON: PoolOptions = { model: 'common', method: 'REML', ci: 'z' };

// metafor's dat.bcg (Colditz et al. 1994): tpos, tneg, cpos, cneg, allocation.
const BCG: [number, number, number, number, string][] = [
  [4, 119, 11, 128, 'random'],
  [6, 300, 29, 274, 'random'],
  [3, 228, 11, 209, 'random'],
  [62, 13536, 248, 12619, 'random'],
  [33, 5036, 47, 5761, 'alternate'],
  [180, 1361, 372, 1079, 'alternate'],
  [8, 2537, 10, 619, 'random'],
  [505, 87886, 499, 87892, 'random'],
  [29, 7470, 45, 7232, 'random'],
  [17, 1699, 65, 1600, 'systematic'],
  [186, 50448, 141, 27197, 'systematic'],
  [5, 2493, 3, 2338, 'systematic'],
  [27, 16886, 29, 17825, 'systematic'],
];
const bcg = (measure: 'RR' | 'OR' | 'RD', rows = BCG) =>
  rows.map(([a, b, c, d]) => es(twoByTwo(measure, { events: a, n: a + b }, { events: c, n: c + d })));

describe('BCG vaccine trials (dat.bcg), log risk ratios', () => {
  test('REML random effects: rma(yi, vi) as printed in wviechtb/metafor docs/reference/dat.bcg.html', () => {
    // tau^2 0.3132 (SE = 0.1664), I^2 92.22%, H^2 12.86, Q(df = 12) = 152.2330;
    // estimate -0.7145, se 0.1798, zval -3.9744, ci -1.0669 -0.3622; predict(transf=exp): 0.4894 [0.3441,
    // 0.6962], prediction interval 0.1546 1.5490.
    const r = pooled(pool(bcg('RR'), REML));
    printed(r.tau2, 0.3132, 4, 'tau2');
    printed(r.tau2Se, 0.1664, 4, 'se(tau2)');
    printed(r.i2, 92.22, 2, 'I2');
    printed(r.h2, 12.86, 2, 'H2');
    printed(r.q, 152.233, 4, 'Q');
    assert.equal(r.qDf, 12);
    assert.ok(r.qP < 1e-4);
    printed(r.estimate, -0.7145, 4, 'estimate');
    printed(r.se, 0.1798, 4, 'se');
    printed(r.statistic, -3.9744, 4, 'z');
    assert.ok(r.p! < 1e-4);
    printed(r.ci[0], -1.0669, 4, 'ci.lb');
    printed(r.ci[1], -0.3622, 4, 'ci.ub');
    printed(Math.exp(r.estimate), 0.4894, 4, 'exp(estimate)');
    printed(Math.exp(r.ci[0]), 0.3441, 4, 'exp(ci.lb)');
    printed(Math.exp(r.ci[1]), 0.6962, 4, 'exp(ci.ub)');
    printed(Math.exp(r.pi![0]), 0.1546, 4, 'exp(pi.lb)');
    printed(Math.exp(r.pi![1]), 1.549, 4, 'exp(pi.ub)');
    assert.equal(r.test, 'z');
    assert.equal(r.df, null);
    close(
      r.weights.reduce((s, w) => s + w, 0),
      100,
      1e-9,
      'weights sum',
    );
  });

  test('DL random effects: metan (Stata) vs rma.uni, wviechtb/metafor tests/testthat/test_misc_metan_vs_rma.uni_with_dat.bcg.r', () => {
    // estimate -0.7141, ci -1.0644 -0.3638, zval -3.9952, tau2 0.3088, I2 92.1173; exp: 0.4896 [0.3449, 0.6950].
    const r = pooled(pool(bcg('RR'), DL));
    printed(r.estimate, -0.7141, 4, 'estimate');
    printed(r.ci[0], -1.0644, 4, 'ci.lb');
    printed(r.ci[1], -0.3638, 4, 'ci.ub');
    printed(r.statistic, -3.9952, 4, 'z');
    printed(r.tau2, 0.3088, 4, 'tau2');
    printed(r.i2, 92.1173, 4, 'I2');
    printed(Math.exp(r.estimate), 0.4896, 4, 'exp');
    printed(Math.exp(r.ci[0]), 0.3449, 4);
    printed(Math.exp(r.ci[1]), 0.695, 4);
  });

  test('common effect: rma(method="FE") as printed in wviechtb/metafor docs/reference/rma.uni.html', () => {
    // I^2 92.12%, H^2 12.69, Q(12) = 152.2330; estimate -0.4303, se 0.0405, zval -10.6247, ci -0.5097 -0.3509.
    const r = pooled(pool(bcg('RR'), COMMON));
    printed(r.estimate, -0.4303, 4);
    printed(r.se, 0.0405, 4);
    printed(r.statistic, -10.6247, 4);
    printed(r.ci[0], -0.5097, 4);
    printed(r.ci[1], -0.3509, 4);
    printed(r.i2, 92.12, 2);
    printed(r.h2, 12.69, 2);
    printed(r.q, 152.233, 4);
    assert.equal(r.tau2, 0);
    assert.equal(r.tau2Se, null);
    assert.equal(r.pi, null, 'metafor gives no prediction interval for an EE/FE model');
  });

  test('log odds ratios and risk differences (metan vs rma.uni, same test file)', () => {
    // OR, FE: -0.4361 [-0.5190, -0.3533], z -10.3190, Q 163.1649; exp 0.6465 [0.5951, 0.7024].
    const orFe = pooled(pool(bcg('OR'), COMMON));
    printed(orFe.estimate, -0.4361, 4);
    printed(orFe.ci[0], -0.519, 4);
    printed(orFe.ci[1], -0.3533, 4);
    printed(orFe.statistic, -10.319, 4);
    printed(orFe.q, 163.1649, 4);
    printed(Math.exp(orFe.estimate), 0.6465, 4);
    // OR, DL: -0.7474 [-1.1242, -0.3706], z -3.8873, tau2 0.3663, I2 92.6455; exp 0.4736 [0.3249, 0.6903].
    const orDl = pooled(pool(bcg('OR'), DL));
    printed(orDl.estimate, -0.7474, 4);
    printed(orDl.ci[0], -1.1242, 4);
    printed(orDl.ci[1], -0.3706, 4);
    printed(orDl.statistic, -3.8873, 4);
    printed(orDl.tau2, 0.3663, 4);
    printed(orDl.i2, 92.6455, 4);
    printed(Math.exp(orDl.ci[1]), 0.6903, 4);
    // RD, FE: -0.0009 [-0.0014, -0.0005], z -4.0448, Q 276.4737.
    const rdFe = pooled(pool(bcg('RD'), COMMON));
    printed(rdFe.estimate, -0.0009, 4);
    printed(rdFe.ci[0], -0.0014, 4);
    printed(rdFe.ci[1], -0.0005, 4);
    printed(rdFe.statistic, -4.0448, 4);
    printed(rdFe.q, 276.4737, 4);
    // RD, DL: -0.0071 [-0.0101, -0.0040], z -4.5128, tau2 0.0000, I2 95.6596.
    const rdDl = pooled(pool(bcg('RD'), DL));
    printed(rdDl.estimate, -0.0071, 4);
    printed(rdDl.ci[0], -0.0101, 4);
    printed(rdDl.ci[1], -0.004, 4);
    printed(rdDl.statistic, -4.5128, 4);
    printed(rdDl.tau2, 0, 4);
    printed(rdDl.i2, 95.6596, 4);
  });

  test('subgroups by allocation, each with its own tau² (docs/reference/rma.uni.html, res.a, res.r, res.s)', () => {
    const expected = {
      // est, se, z, p, ci.lb, ci.ub, tau2, se.tau2, I2, H2, Q, df, Qp
      alternate: [
        -0.5408, 0.2816, -1.9204, 0.0548, -1.0927, 0.0111, 0.1326, 0.2286, 82.02, 5.56, 5.5625, 1, 0.0183,
      ],
      random: [
        -0.971,
        0.276,
        -3.5186,
        0.0004,
        -1.5118,
        -0.4301,
        0.3925,
        0.3029,
        89.93,
        9.93,
        110.2133,
        6,
        NaN,
      ],
      systematic: [
        -0.4242, 0.3597, -1.1792, 0.2383, -1.1293, 0.2809, 0.4003, 0.4199, 86.42, 7.36, 16.5919, 3, 0.0009,
      ],
    } as const;
    const fits: { estimate: number; se: number }[] = [];
    for (const [alloc, e] of Object.entries(expected)) {
      const r = pooled(
        pool(
          bcg(
            'RR',
            BCG.filter((row) => row[4] === alloc),
          ),
          REML,
        ),
      );
      const [est, se, z, p, lb, ub, tau2, seTau2, i2, h2, q, df, qp] = e;
      printed(r.estimate, est, 4, `${alloc} estimate`);
      printed(r.se, se, 4, `${alloc} se`);
      printed(r.statistic, z, 4, `${alloc} z`);
      printed(r.p, p, 4, `${alloc} p`);
      printed(r.ci[0], lb, 4, `${alloc} ci.lb`);
      printed(r.ci[1], ub, 4, `${alloc} ci.ub`);
      printed(r.tau2, tau2, 4, `${alloc} tau2`);
      printed(r.tau2Se, seTau2, 4, `${alloc} se.tau2`);
      printed(r.i2, i2, 2, `${alloc} I2`);
      printed(r.h2, h2, 2, `${alloc} H2`);
      printed(r.q, q, 4, `${alloc} Q`);
      assert.equal(r.qDf, df);
      if (!Number.isNaN(qp)) printed(r.qP, qp, 4, `${alloc} Qp`);
      fits.push({ estimate: r.estimate, se: r.se });
    }
    // The test for subgroup differences, recomputed by hand from the printed subgroup estimates and SEs:
    // Q = Σ w(θ − θ̄)², w = 1/SE², df = 2. (Rounding the inputs to 4 decimals moves Q by less than 0.01.)
    const published = Object.values(expected).map(([estimate, se]) => ({ estimate, se }));
    const w = published.map((s) => 1 / s.se ** 2);
    const mean = published.reduce((s, x, i) => s + w[i]! * x.estimate, 0) / w.reduce((s, x) => s + x, 0);
    const qByHand = published.reduce((s, x, i) => s + w[i]! * (x.estimate - mean) ** 2, 0);
    const test = subgroupDifferences(fits)!;
    assert.equal(test.df, 2);
    close(test.q, qByHand, 0.01, 'Q between');
    close(test.p, Math.exp(-test.q / 2), 1e-12, 'p of a chi-square with 2 df');
  });
});

describe('other published examples', () => {
  test('mean differences and SMDs of dat.normand1999 (docs/reference/dat.normand1999.html)', () => {
    const rows = [
      [155, 55, 47, 156, 75, 64],
      [31, 27, 7, 32, 29, 4],
      [75, 64, 17, 71, 119, 29],
      [18, 66, 20, 18, 137, 48],
      [8, 14, 8, 13, 18, 11],
      [57, 19, 7, 52, 18, 4],
      [34, 52, 45, 33, 41, 34],
      [110, 21, 16, 183, 31, 27],
      [60, 30, 27, 52, 23, 20],
    ];
    const md = rows.map(([n1, m1, sd1, n2, m2, sd2]) => ({
      yi: m1! - m2!,
      vi: sd1! ** 2 / n1! + sd2! ** 2 / n2!,
    }));
    // MD: tau^2 684.6462 (SE = 359.7541), I^2 98.97%, H^2 97.21, Q(8) = 238.9158; -15.1060, se 8.9466,
    // z -1.6885, p 0.0913, ci -32.6409 2.4289.
    const r = pooled(pool(md, REML));
    printed(r.tau2, 684.6462, 4);
    printed(r.tau2Se, 359.7541, 4);
    printed(r.i2, 98.97, 2);
    printed(r.h2, 97.21, 2);
    printed(r.q, 238.9158, 4);
    printed(r.estimate, -15.106, 4);
    printed(r.se, 8.9466, 4);
    printed(r.statistic, -1.6885, 4);
    printed(r.p, 0.0913, 4);
    printed(r.ci[0], -32.6409, 4);
    printed(r.ci[1], 2.4289, 4);
  });

  test('standardized mean differences of dat.normand1999 via the SMD effect size', () => {
    const rows = [
      [155, 55, 47, 156, 75, 64],
      [31, 27, 7, 32, 29, 4],
      [75, 64, 17, 71, 119, 29],
      [18, 66, 20, 18, 137, 48],
      [8, 14, 8, 13, 18, 11],
      [57, 19, 7, 52, 18, 4],
      [34, 52, 45, 33, 41, 34],
      [110, 21, 16, 183, 31, 27],
      [60, 30, 27, 52, 23, 20],
    ];
    const smd = rows.map(([n1, m1, sd1, n2, m2, sd2]) =>
      es(standardizedMeanDifference({ mean: m1!, sd: sd1!, n: n1! }, { mean: m2!, sd: sd2!, n: n2! })),
    );
    // tau^2 0.7908 (SE = 0.4281), I^2 95.49%, H^2 22.20, Q(8) = 123.7293; -0.5371, se 0.3087, z -1.7401,
    // p 0.0818, ci -1.1421 0.0679.
    const r = pooled(pool(smd, REML));
    printed(r.tau2, 0.7908, 4);
    printed(r.tau2Se, 0.4281, 4);
    printed(r.i2, 95.49, 2);
    printed(r.h2, 22.2, 2);
    printed(r.q, 123.7293, 4);
    printed(r.estimate, -0.5371, 4);
    printed(r.se, 0.3087, 4);
    printed(r.statistic, -1.7401, 4);
    printed(r.p, 0.0818, 4);
    printed(r.ci[0], -1.1421, 4);
    printed(r.ci[1], 0.0679, 4);
  });

  test("correlations of dat.molloy2014 through Fisher's z (docs/reference/dat.molloy2014.html)", () => {
    const rows = [
      [109, 0.187],
      [749, 0.162],
      [55, 0.34],
      [107, 0.32],
      [72, 0.27],
      [65, 0],
      [174, 0.175],
      [326, 0.05],
      [58, 0.26],
      [771, 0.01],
      [56, -0.09],
      [91, 0.37],
      [116, 0],
      [537, 0.15],
      [158, 0.24],
      [65, 0.04],
    ];
    // tau^2 0.0081 (SE = 0.0055), I^2 61.73%, H^2 2.61, Q(15) = 38.1595, p 0.0009; 0.1499, se 0.0316,
    // z 4.7501, ci 0.0881 0.2118; predict(transf=transf.ztor, digits=3): 0.149 [0.088, 0.209], PI -0.037 0.325.
    const r = pooled(
      pool(
        rows.map(([n, ri]) => es(fisherZ(ri!, n!))),
        REML,
      ),
    );
    printed(r.tau2, 0.0081, 4);
    printed(r.tau2Se, 0.0055, 4);
    printed(r.i2, 61.73, 2);
    printed(r.h2, 2.61, 2);
    printed(r.q, 38.1595, 4);
    printed(r.qP, 0.0009, 4);
    printed(r.estimate, 0.1499, 4);
    printed(r.se, 0.0316, 4);
    printed(r.statistic, 4.7501, 4);
    printed(r.ci[0], 0.0881, 4);
    printed(r.ci[1], 0.2118, 4);
    printed(Math.tanh(r.estimate), 0.149, 3);
    printed(Math.tanh(r.ci[0]), 0.088, 3);
    printed(Math.tanh(r.ci[1]), 0.209, 3);
    printed(Math.tanh(r.pi![0]), -0.037, 3);
    printed(Math.tanh(r.pi![1]), 0.325, 3);
  });

  test('log odds ratios with zero cells, dat.nielweise2007 (docs/reference/dat.nielweise2007.html)', () => {
    // rma(measure="OR", ai, n1i, ci, n2i, drop00=TRUE): the double-zero study 15 is left out (k = 17), the
    // other tables with a zero cell get 1/2 added. tau^2 0.036 (SE = 0.299), I^2 3.46%, H^2 1.04,
    // Q(16) = 15.812, p 0.466; -0.980, se 0.243, z -4.027, ci -1.458 -0.503; exp: 0.38 [0.23, 0.60],
    // prediction interval 0.21 0.69.
    const rows = [
      [0, 116, 3, 117],
      [1, 44, 3, 35],
      [2, 208, 9, 195],
      [0, 130, 7, 136],
      [5, 151, 6, 157],
      [1, 98, 4, 139],
      [1, 174, 3, 177],
      [1, 74, 2, 39],
      [1, 97, 19, 103],
      [1, 113, 2, 122],
      [0, 66, 7, 64],
      [0, 70, 1, 58],
      [3, 188, 5, 175],
      [6, 187, 11, 180],
      [0, 252, 1, 262],
      [1, 345, 3, 362],
      [4, 64, 1, 69],
    ];
    const r = pooled(
      pool(
        rows.map(([a, n1, c, n2]) => es(twoByTwo('OR', { events: a!, n: n1! }, { events: c!, n: n2! }))),
        REML,
      ),
    );
    assert.equal(r.k, 17);
    printed(r.tau2, 0.036, 3);
    printed(r.tau2Se, 0.299, 3);
    printed(r.i2, 3.46, 2);
    printed(r.h2, 1.04, 2);
    printed(r.q, 15.812, 3);
    printed(r.qP, 0.466, 3);
    printed(r.estimate, -0.98, 3);
    printed(r.se, 0.243, 3);
    printed(r.statistic, -4.027, 3);
    printed(r.ci[0], -1.458, 3);
    printed(r.ci[1], -0.503, 3);
    printed(Math.exp(r.estimate), 0.38, 2);
    printed(Math.exp(r.ci[0]), 0.23, 2);
    printed(Math.exp(r.ci[1]), 0.6, 2);
    printed(Math.exp(r.pi![0]), 0.21, 2);
    printed(Math.exp(r.pi![1]), 0.69, 2);
  });

  test('tau² truncated at 0: risk differences of dat.hine1989 (docs/reference/dat.hine1989.html)', () => {
    // tau^2 0 (SE = 0.0006), I^2 0.00%, H^2 1.00, Q(5) = 0.8597, p 0.9731; 0.0294, se 0.0131, z 2.2531,
    // p 0.0243, ci 0.0038 0.0551.
    const rows = [
      [39, 43, 2, 1],
      [44, 44, 4, 4],
      [107, 110, 6, 4],
      [103, 100, 7, 5],
      [110, 106, 7, 3],
      [154, 146, 11, 4],
    ];
    const studies = rows.map(([n1, n2, a, c]) =>
      es(twoByTwo('RD', { events: a!, n: n1! }, { events: c!, n: n2! })),
    );
    for (const options of [REML, DL]) {
      const r = pooled(pool(studies, options));
      assert.equal(r.tau2, 0, `${options.method}: tau² is truncated at exactly 0`);
      printed(r.i2, 0, 2);
      printed(r.h2, 1, 2);
      printed(r.q, 0.8597, 4);
      printed(r.qP, 0.9731, 4);
      printed(r.estimate, 0.0294, 4);
      printed(r.se, 0.0131, 4);
      printed(r.statistic, 2.2531, 4);
      printed(r.p, 0.0243, 4);
      printed(r.ci[0], 0.0038, 4);
      printed(r.ci[1], 0.0551, 4);
    }
    printed(pooled(pool(studies, REML)).tau2Se, 0.0006, 4);
    // With tau² = 0, random effects equals the common effect exactly.
    const common = pooled(pool(studies, COMMON));
    close(pooled(pool(studies, REML)).estimate, common.estimate, 1e-15);
  });
});

describe('Knapp-Hartung (test = "knha"), dat.raudenbush1985', () => {
  // Teacher expectancy studies; yi and vi as stored in metafor (docs/reference/dat.raudenbush1985.html).
  const y = [
    0.03, 0.12, -0.14, 1.18, 0.26, -0.06, -0.02, -0.32, 0.27, 0.8, 0.54, 0.18, -0.02, 0.23, -0.18, -0.06, 0.3,
    0.07, -0.07,
  ];
  const v = [
    0.0156, 0.0216, 0.0279, 0.1391, 0.1362, 0.0106, 0.0106, 0.0484, 0.0269, 0.063, 0.0912, 0.0497, 0.0835,
    0.0841, 0.0253, 0.0279, 0.0193, 0.0088, 0.0303,
  ];
  const studies = y.map((yi, i) => ({ yi, vi: v[i]! }));

  test('REML with z, as printed: tau^2 0.0188 (SE 0.0155), 0.0837 [-0.0175, 0.1849], PI -0.2036 0.3711', () => {
    const r = pooled(pool(studies, REML));
    printed(r.tau2, 0.0188, 4);
    printed(r.tau2Se, 0.0155, 4);
    printed(r.i2, 41.86, 2);
    printed(r.h2, 1.72, 2);
    printed(r.q, 35.8295, 4);
    printed(r.qP, 0.0074, 4);
    printed(r.estimate, 0.0837, 4);
    printed(r.se, 0.0516, 4);
    printed(r.statistic, 1.6208, 4);
    printed(r.p, 0.1051, 4);
    printed(r.ci[0], -0.0175, 4);
    printed(r.ci[1], 0.1849, 4);
    // tests/testthat/test_analysis_example_raudenbush2009.r: predict(res.RE) pi.lb -0.2036, pi.ub 0.3711.
    printed(r.pi![0], -0.2036, 4);
    printed(r.pi![1], 0.3711, 4);
  });

  test('Table 16.3 of Raudenbush (2009), as tests/testthat/test_analysis_example_raudenbush2009.r checks it', () => {
    // tau2, mu, se, z (t for knha), ci.lb, ci.ub, rounded to 3 decimals.
    const table = [
      ['FE', 'z', [0, 0.06, 0.036, 1.655, -0.011, 0.132]],
      ['REML', 'z', [0.019, 0.084, 0.052, 1.621, -0.018, 0.185]],
      ['DL', 'z', [0.026, 0.089, 0.056, 1.601, -0.02, 0.199]],
      ['FE', 'hksj', [0, 0.06, 0.051, 1.173, -0.048, 0.168]],
      ['REML', 'hksj', [0.019, 0.084, 0.062, 1.359, -0.046, 0.213]],
      ['DL', 'hksj', [0.026, 0.089, 0.064, 1.405, -0.044, 0.223]],
    ] as const;
    for (const [method, ci, [tau2, mu, se, stat, lb, ub]] of table) {
      const options: PoolOptions =
        method === 'FE' ? { model: 'common', method: 'REML', ci } : { model: 'random', method, ci };
      const r = pooled(pool(studies, options));
      const what = `${method}/${ci}`;
      printed(r.tau2, tau2, 3, `${what} tau2`);
      printed(r.estimate, mu, 3, `${what} mu`);
      printed(r.se, se, 3, `${what} se`);
      printed(r.statistic, stat, 3, `${what} statistic`);
      printed(r.ci[0], lb, 3, `${what} ci.lb`);
      printed(r.ci[1], ub, 3, `${what} ci.ub`);
      assert.equal(r.test, ci === 'hksj' ? 't' : 'z');
      assert.equal(r.df, ci === 'hksj' ? 18 : null);
    }
  });

  test('the Knapp-Hartung factor is not truncated at 1, and the PI uses t with k − 1 df', () => {
    const plain = pooled(pool(studies, REML));
    const knha = pooled(pool(studies, { ...REML, ci: 'hksj' }));
    const w = v.map((vi) => 1 / (vi + plain.tau2));
    const mu = y.reduce((s, yi, i) => s + w[i]! * yi, 0) / w.reduce((s, x) => s + x, 0);
    const s2w = y.reduce((s, yi, i) => s + w[i]! * (yi - mu) ** 2, 0) / (y.length - 1);
    close(knha.se, plain.se * Math.sqrt(s2w), 1e-12);
    const t = studentTQuantile(0.975, 18);
    close(knha.pi![1], knha.estimate + t * Math.sqrt(knha.se ** 2 + knha.tau2), 1e-12);
    // A homogeneous set has a factor below 1: the interval gets narrower, as metafor's does by default.
    const homogeneous = [
      { yi: 0.1, vi: 0.04 },
      { yi: 0.11, vi: 0.04 },
      { yi: 0.09, vi: 0.05 },
    ];
    const z = pooled(pool(homogeneous, REML));
    const k = pooled(pool(homogeneous, { ...REML, ci: 'hksj' }));
    assert.ok(k.se < z.se, 'not truncated at 1');
  });
});

describe('small cases worked by hand', () => {
  test('two studies, common effect: every figure exact', () => {
    // y = (0, 1), v = (1, 0.25): w = (1, 4), μ = 4/5, Var = 1/5, Q = 1·0.64 + 4·0.04 = 0.8.
    const r = pooled(
      pool(
        [
          { yi: 0, vi: 1 },
          { yi: 1, vi: 0.25 },
        ],
        COMMON,
      ),
    );
    close(r.estimate, 0.8, 1e-15);
    close(r.se, Math.sqrt(0.2), 1e-15);
    close(r.q, 0.8, 1e-14);
    close(r.qP, 2 * (1 - (0.5 + 0.5 * erfApprox(Math.sqrt(0.8) / Math.SQRT2))), 1e-6);
    close(r.h2, 0.8, 1e-14);
    assert.equal(r.i2, 0);
    const z = normQuantile(0.975);
    close(r.ci[0], 0.8 - z * Math.sqrt(0.2), 1e-14);
    assert.deepEqual(
      r.weights.map((w) => Math.round(w * 1e9) / 1e9),
      [20, 80],
    );
  });

  test('DerSimonian-Laird by hand', () => {
    // y = (0, 1, 3), v = (1, 1, 1): w = 1, μ = 4/3, Q = 16/9 + 1/9 + 25/9 = 42/9, tr P = 3 − 3/3 = 2,
    // tau² = (42/9 − 2)/2 = 4/3; then w* = 3/7, μ = 4/3, SE = √(7/9); s² = 2/2 = 1, I² = 100·(4/3)/(7/3).
    const studies = [
      { yi: 0, vi: 1 },
      { yi: 1, vi: 1 },
      { yi: 3, vi: 1 },
    ];
    close(
      dlTau2(
        studies.map((s) => s.yi),
        studies.map((s) => s.vi),
      ),
      4 / 3,
      1e-14,
    );
    const r = pooled(pool(studies, DL));
    close(r.tau2, 4 / 3, 1e-14);
    close(r.estimate, 4 / 3, 1e-14);
    close(r.se, Math.sqrt(7 / 9), 1e-14);
    close(r.q, 42 / 9, 1e-13);
    close(r.i2, (100 * 4) / 7, 1e-12);
    close(r.h2, 7 / 3, 1e-13);
    // se(tau²) = √(1/trP² (2(k−1) + 4τ² trP + 2τ⁴ ΣP²)) with ΣP² = Σw² − 2Σw³/Σw + (Σw²)²/(Σw)² = 3 − 2 + 1 = 2.
    close(r.tau2Se, Math.sqrt((1 / 4) * (4 + 4 * (4 / 3) * 2 + 2 * (16 / 9) * 2)), 1e-13);
  });

  test('REML with equal variances is the sample variance minus v (the REML solution in closed form)', () => {
    // With equal vi = v, REML's tau² = Σ(y − ȳ)²/(k − 1) − v whenever that is positive.
    const y = [0.2, 0.9, -0.4, 1.3, 0.5];
    const v = 0.05;
    const mean = y.reduce((s, x) => s + x, 0) / y.length;
    const s2 = y.reduce((s, x) => s + (x - mean) ** 2, 0) / (y.length - 1);
    const reml = remlTau2(
      y,
      y.map(() => v),
    );
    assert.ok(reml.converged);
    close(reml.tau2, s2 - v, 1e-6);
    // and REML's SE: √(2/ΣP²) with P = W − wwᵀ/Σw, w = 1/(v + τ²): ΣP² = (k − 1)w².
    const r = pooled(
      pool(
        y.map((yi) => ({ yi, vi: v })),
        REML,
      ),
    );
    close(r.tau2Se, Math.sqrt(2 / ((y.length - 1) / (v + r.tau2) ** 2)), 1e-9);
  });

  test('identical studies: tau² = 0, Q = 0, I² = 0; Knapp-Hartung gives a zero SE and no statistic', () => {
    const studies = [
      { yi: 0.3, vi: 0.1 },
      { yi: 0.3, vi: 0.2 },
      { yi: 0.3, vi: 0.3 },
    ];
    for (const options of [REML, DL]) {
      const r = pooled(pool(studies, options));
      assert.equal(r.tau2, 0);
      close(r.estimate, 0.3, 1e-15);
      close(r.q, 0, 1e-20);
      assert.equal(r.i2, 0);
      assert.equal(r.h2, 1);
    }
    const common = pooled(pool(studies, COMMON));
    assert.equal(common.i2, 0);
    // metafor sets the Knapp-Hartung factor to 0 when all estimates are equal.
    const knha = pooled(pool(studies, { ...REML, ci: 'hksj' }));
    assert.equal(knha.se, 0);
    assert.equal(knha.statistic, null);
    assert.equal(knha.p, null);
    close(knha.ci[0], 0.3, 1e-15);
    close(knha.ci[1], 0.3, 1e-15);
  });

  test('k = 0 and k = 1 are not pooled, with a reason', () => {
    const none = pool([], REML);
    assert.equal(none.pooled, false);
    assert.equal(none.k, 0);
    assert.match(none.pooled ? '' : none.reason, /nothing to pool/);
    const one = pool([{ yi: 0.4, vi: 0.1 }], REML);
    assert.equal(one.pooled, false);
    assert.equal(one.k, 1);
    assert.match(one.pooled ? '' : one.reason, /Only one study/);
    const bad = pool(
      [
        { yi: 0.4, vi: 0 },
        { yi: 0.1, vi: 0.1 },
      ],
      REML,
    );
    assert.equal(bad.pooled, false);
  });

  test('subgroup differences need two subgroups with a positive SE', () => {
    assert.equal(subgroupDifferences([{ estimate: 1, se: 0.1 }]), undefined);
    const t = subgroupDifferences([
      { estimate: 0, se: 1 },
      { estimate: 2, se: 1 },
    ])!;
    // w = 1, 1; mean 1; Q = 1 + 1 = 2, df 1.
    close(t.q, 2, 1e-15);
    assert.equal(t.df, 1);
    close(t.p, 0.157299207050285, 1e-9); // P(χ²₁ ≥ 2) = 2·(1 − Φ(√2))
  });
});

/** erf by its Taylor series (independent of the library), for a chi-square tail with 1 df. */
function erfApprox(x: number): number {
  let sum = 0;
  let term = x;
  for (let n = 0; n < 60; n++) {
    sum += term / (2 * n + 1);
    term *= (-x * x) / (n + 1);
  }
  return (2 / Math.sqrt(Math.PI)) * sum;
}
