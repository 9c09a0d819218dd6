// The one formatter of the synthesis' presentations (Cochrane / RevMan conventions): the same figures read
// the same in the forest plot, the HTML report, the text export and the panel.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  estimateText,
  formatAsGiven,
  formatInterval,
  formatNumber,
  formatP,
  formatPercent,
  formatSmall,
  heterogeneityText,
  measureText,
  overallTestText,
  qTestText,
} from '../../src/core/synthesis/present/format';
import type { PooledFigures } from '../../src/core/synthesis/analysis';

const MINUS = '\u2212';

function figures(patch: Partial<PooledFigures>): PooledFigures {
  return {
    k: 13,
    estimate: -0.7145,
    se: 0.1798,
    ci: [-1.0669, -0.3622],
    z: -3.9744,
    p: 0.0000705,
    test: 'z',
    df: null,
    tau2: 0.3132,
    tau2_se: 0.1664,
    i2: 92.22,
    h2: 12.86,
    q: 152.233,
    q_df: 12,
    q_p: 1e-25,
    pi: [-1.8573, 0.4282],
    back_transformed: null,
    reason: null,
    ...patch,
  };
}

describe('numbers', () => {
  test('fixed decimals, a true minus sign, no negative zero, a dash for what is missing', () => {
    assert.equal(formatNumber(0.4891, 2), '0.49');
    assert.equal(formatNumber(-1.234, 2), `${MINUS}1.23`);
    assert.equal(formatNumber(-0.001, 2), '0.00');
    assert.equal(formatNumber(-0.004, 2), '0.00');
    assert.equal(formatNumber(null, 2), '–');
    assert.equal(formatNumber(undefined, 2), '–');
    assert.equal(formatNumber(Number.NaN, 2), '–');
    assert.equal(formatNumber(Number.POSITIVE_INFINITY, 2), '–');
    // The text export passes the ASCII minus.
    assert.equal(formatNumber(-1.234, 3, '-'), '-1.234');
    assert.equal(formatNumber(-0.0001, 3, '-'), '0.000');
  });

  test('intervals and estimates', () => {
    assert.equal(formatInterval([0.3422, 0.6961], 2), '[0.34, 0.70]');
    assert.equal(formatInterval([-1.0669, -0.3622], 2), `[${MINUS}1.07, ${MINUS}0.36]`);
    assert.equal(formatInterval(null, 2), '–');
    assert.equal(formatInterval([-1.0669, 0.5], 3, '-'), '[-1.067, 0.500]');
  });

  test('percentages to one decimal', () => {
    assert.equal(formatPercent(92.2164), '92.2%');
    assert.equal(formatPercent(5.05, 0), '5%');
    assert.equal(formatPercent(null), '–');
  });

  test('variances: two decimals, two significant figures when small', () => {
    assert.equal(formatSmall(0.3132), '0.31');
    assert.equal(formatSmall(0.0041), '0.0041');
    assert.equal(formatSmall(0.00412), '0.0041');
    assert.equal(formatSmall(0.00004), '< 0.0001');
    assert.equal(formatSmall(0), '0');
    assert.equal(formatSmall(null), '–');
  });

  test('numbers as the record gave them', () => {
    assert.equal(formatAsGiven(5.9), '5.9');
    assert.equal(formatAsGiven(1.0123), '1.012');
    assert.equal(formatAsGiven(25, 0), '25');
    assert.equal(formatAsGiven(-2.5), `${MINUS}2.5`);
    assert.equal(formatAsGiven(undefined), '–');
  });
});

describe('P values', () => {
  test('a capital P, two significant figures, P < 0.001 below', () => {
    assert.equal(formatP(0.39431), 'P = 0.39');
    assert.equal(formatP(0.394), 'P = 0.39');
    assert.equal(formatP(0.05), 'P = 0.050');
    assert.equal(formatP(0.0433), 'P = 0.043');
    assert.equal(formatP(0.0996), 'P = 0.10');
    assert.equal(formatP(0.01), 'P = 0.010');
    assert.equal(formatP(0.00172), 'P = 0.0017');
    assert.equal(formatP(0.001), 'P = 0.0010');
    assert.equal(formatP(0.000999), 'P < 0.001');
    assert.equal(formatP(0.0004), 'P < 0.001');
    assert.equal(formatP(1e-25), 'P < 0.001');
    assert.equal(formatP(0), 'P < 0.001');
  });

  test('P > 0.99 above, a dash when there is none', () => {
    assert.equal(formatP(0.99), 'P = 0.99');
    assert.equal(formatP(0.993), 'P = 0.99');
    assert.equal(formatP(0.996), 'P > 0.99');
    assert.equal(formatP(1), 'P > 0.99');
    assert.equal(formatP(null), 'P = –');
    assert.equal(formatP(Number.NaN), 'P = –');
  });
});

describe('pooled figures', () => {
  test('heterogeneity, the overall test and a Q test', () => {
    const f = figures({});
    assert.equal(heterogeneityText(f, 'random'), 'τ² = 0.31, I² = 92.2%, Q(12) = 152.23, P < 0.001');
    assert.equal(heterogeneityText(f, 'common'), 'I² = 92.2%, Q(12) = 152.23, P < 0.001');
    assert.equal(overallTestText(f), `z = ${MINUS}3.97, P < 0.001`);
    assert.equal(
      overallTestText(figures({ test: 't', df: 3, z: -2.51, p: 0.0868 })),
      `t(3) = ${MINUS}2.51, P = 0.087`,
    );
    assert.equal(overallTestText(figures({ z: -2.51, p: 0.0868 }), '-'), 'z = -2.51, P = 0.087');
    assert.equal(qTestText(1.8565, 2, 0.39431), 'Q(2) = 1.86, P = 0.39');
    assert.equal(qTestText(1.8565, 2, 0.39431, 4, '-'), 'Q(2) = 1.8565, P = 0.39');
  });

  test('the estimate on its shown scale: exponentiated for ratios, as given otherwise', () => {
    // exp(−0.7145) = 0.4894, exp(−1.0669) = 0.3441, exp(−0.3622) = 0.6961.
    assert.equal(estimateText(figures({}), 'RR', 2), 'RR 0.49 [0.34, 0.70]');
    assert.equal(estimateText(figures({}), 'MD', 2), `MD ${MINUS}0.71 [${MINUS}1.07, ${MINUS}0.36]`);
    assert.equal(estimateText(figures({ estimate: null, ci: null }), 'RR', 2), '–');
  });

  test('measure names: header, settings, axis, text export; an unknown measure is named by itself', () => {
    assert.deepEqual(measureText('RR'), {
      short: 'RR',
      name: 'Risk ratio (RR), pooled as log RR',
      axis: 'Risk ratio (log scale)',
      scale: 'log risk ratio',
      pooledAs: 'log RR',
    });
    assert.equal(measureText('COR').short, 'r');
    assert.equal(measureText('SMD').name, "Standardized mean difference (SMD, Hedges' g)");
    assert.equal(measureText('XYZ').short, 'XYZ');
    assert.equal(measureText('').short, 'Estimate');
    assert.equal(measureText('toString').short, 'toString');
  });
});
