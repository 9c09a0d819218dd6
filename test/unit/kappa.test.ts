// Cohen's kappa (src/core/dual/compare.ts cohensKappa) checked against published worked examples, and the shape
// of the agreement statistics (agreementStatistics) that `compare` reports (PRISMA 2020 item 9).
//
// Every reference value below was looked up, not derived from the implementation: each comment says where
// the table and the value are printed. Candidates that could not be verified are left out on purpose:
// - Sim J, Wright CC (2005), Phys Ther 85:257–268: only the abstract was reachable, not its example tables.
// - McHugh ML (2012), Biochem Med 22:276–282: only the introduction was reachable, not its worked example.
// - Cohen J (1960), Educ Psychol Meas 20:37–46: Table 1 gives p_o = .29 and p_c = .35 (diagonal .25/.02/.02,
//   chance diagonal .20/.09/.06), but its off-diagonal cells could not be read, so the table is not encoded.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { agreementStatistics, cohensKappa, type ComparedPair } from '../../src/core/dual/compare';

/**
 * Paired ratings from a contingency table: rows are the first rater's categories, columns the second's,
 * each cell the number of items rated (row, column).
 */
function ratingsFrom(table: number[][], categories?: string[]): [string, string][] {
  const name = (i: number) => categories?.[i] ?? `category-${i + 1}`;
  const ratings: [string, string][] = [];
  table.forEach((row, i) =>
    row.forEach((count, j) => {
      for (let k = 0; k < count; k++) ratings.push([name(i), name(j)]);
    }),
  );
  return ratings;
}

/** Asserts a kappa to the number of decimals the source prints. */
function assertKappa(actual: number | null, expected: number, decimals: number): void {
  assert.notEqual(actual, null);
  assert.ok(
    Math.abs(actual! - expected) <= 0.5 * 10 ** -decimals,
    `kappa ${actual} differs from the published ${expected} (to ${decimals} decimals)`,
  );
}

describe('cohensKappa against published worked examples', () => {
  test('50 grant proposals read by two readers (Yes/No 20, 5 / 10, 15): kappa = 0.4', () => {
    // The "50 proposals" example of the Wikipedia article "Cohen's kappa" (section Examples), reproduced in
    // tutorialspoint.com/statistics/cohen_kappa_coefficient.htm (table A-Yes: 20, 5; A-No: 10, 15;
    // p_o = (20 + 15) / 50 = 0.70; A says Yes 50 %, B 60 %) and worked to the end at
    // calculatorlib.com/cohens-kappa-calculator: p_e = 0.30 + 0.20 = 0.50, kappa = 0.4.
    const ratings = ratingsFrom(
      [
        [20, 5],
        [10, 15],
      ],
      ['Yes', 'No'],
    );
    assert.equal(ratings.length, 50);
    assertKappa(cohensKappa(ratings), 0.4, 10);
  });

  test('the same 60 % agreement with different marginals gives different kappas (0.1304 and 0.2593)', () => {
    // Wikipedia "Cohen's kappa", "Same percentages but different numbers": 100 items, A and B agree on 60
    // in both cases; B says Yes 70 times in the first case and 30 in the second (reversed). The chance
    // agreement is 0.54 in the first case and 0.46 in the second (both verified in a copy of the article's
    // text; with 60 agreements these margins fix both tables' cells). The first table (45, 15 / 25, 15) is
    // also the example call of the R function HerpesZosterModel::kappa(tp = 45, fp = 15, fn = 25, tn = 15).
    // The kappas themselves were not visible in the copies found; from the verified p_o and p_e they are
    // (0.60 - 0.54) / 0.46 = 0.1304 and (0.60 - 0.46) / 0.54 = 0.2593 (4 decimals, as the article is quoted).
    const first = ratingsFrom([
      [45, 15],
      [25, 15],
    ]);
    const second = ratingsFrom([
      [25, 35],
      [5, 35],
    ]);
    assertKappa(cohensKappa(first), 0.1304, 4);
    assertKappa(cohensKappa(second), 0.2593, 4);
  });

  test('the kappa paradox of Feinstein & Cicchetti (1990): p_o = 0.85 twice, kappa 0.70 and 0.32', () => {
    // Feinstein AR, Cicchetti DV. High agreement but low kappa: I. The problems of two paradoxes.
    // J Clin Epidemiol 1990;43:543–549; tables as reprinted in Gerstman BB, Epidemiology Kept Simple
    // (3rd ed.), Table 10.6 / Illustrative Example 10.2: A = (40, 9 / 6, 45), p_obs 0.85, p_exp 0.50,
    // kappa 0.70; B = (80, 10 / 5, 5), p_obs 0.85, p_exp 0.78, kappa 0.32.
    assertKappa(
      cohensKappa(
        ratingsFrom([
          [40, 9],
          [6, 45],
        ]),
      ),
      0.7,
      2,
    );
    assertKappa(
      cohensKappa(
        ratingsFrom([
          [80, 10],
          [5, 5],
        ]),
      ),
      0.32,
      2,
    );
  });

  test('X-ray readings, 19 790 pairs: kappa = 0.524', () => {
    // Gerstman BB, Epidemiology Kept Simple (3rd ed.), Illustrative Example 10.1 (Table 10.3): a = 1467,
    // d = 16232, N = 19790, rater margins f1 = 2249, f2 = 17541, g1 = 2776, g2 = 17014 (so b = 782,
    // c = 1309); p_obs = 0.8943, p_exp = 0.7780, kappa = 0.524.
    const ratings = ratingsFrom([
      [1467, 782],
      [1309, 16232],
    ]);
    assert.equal(ratings.length, 19790);
    assertKappa(cohensKappa(ratings), 0.524, 3);
  });

  test('two raters, 50 scans, tumour yes/no (22, 5 / 7, 16): kappa = 0.5138', () => {
    // Biostatistics For Dummies (Wiley), chapter 13 "Taking a Closer Look at Fourfold Tables", Figure 13-6
    // and the formula kappa = 2(ad - bc) / (r1 c2 + r2 c1) = 2(22·16 - 5·7) / (27·21 + 23·29) = 0.5138.
    assertKappa(
      cohensKappa(
        ratingsFrom([
          [22, 5],
          [7, 16],
        ]),
      ),
      0.5138,
      4,
    );
  });

  test('three categories, one unused by the first rater (0, 4, 1 / 0, 8, 0 / 0, 1, 5): kappa = 0.4842', () => {
    // SAS PROC FREQ "Simple Kappa Coefficient" printout (Kappa 0.4842, ASE 0.1380) reproduced as the
    // reference of statsmodels' test suite, statsmodels/stats/tests/test_inter_rater.py (table10,
    // class UnweightedCohens). The first column is empty: a category only the first rater used.
    assertKappa(
      cohensKappa(
        ratingsFrom([
          [0, 4, 1],
          [0, 8, 0],
          [0, 1, 5],
        ]),
      ),
      0.4842,
      4,
    );
  });

  test('R irr::kappa2 on the anxiety data (raters 2 and 3, 20 subjects): kappa = -0.006289308', () => {
    // The `anxiety` data set of the R package irr (Gamer, Lemon, Fellows, Singh), ratings 1–6 of 20
    // subjects; kappa2(anxiety[, 2:3]) prints Kappa = -0.006289308 (unweighted), as recorded in
    // statsmodels/stats/tests/test_inter_rater.py (test_cohens_kappa_irr, ck_w1). Agreement slightly
    // below chance: a negative kappa.
    const rater2 = [3, 6, 4, 6, 2, 4, 2, 4, 3, 3, 2, 3, 3, 3, 2, 2, 1, 3, 3, 4];
    const rater3 = [2, 1, 4, 4, 3, 2, 1, 6, 1, 1, 1, 2, 3, 3, 1, 1, 3, 3, 2, 2];
    const ratings = rater2.map((x, i): [string, string] => [String(x), String(rater3[i])]);
    assertKappa(cohensKappa(ratings), -0.006289308, 9);
  });

  test('random guessing with equal 60/40 marginals (36, 24 / 24, 16): kappa = 0', () => {
    // McGinn T, et al. Tips for learners of evidence-based medicine: 3. Measures of observer variability
    // (kappa statistic). CMAJ 2004;171(11):1369–1373, Fig. 3: two clinicians guessing Murphy's sign present
    // in 60 of 100 patients agree only by chance (cells 36, 24, 24, 16), so kappa is 0.
    assertKappa(
      cohensKappa(
        ratingsFrom([
          [36, 24],
          [24, 16],
        ]),
      ),
      0,
      12,
    );
  });
});

describe('cohensKappa: properties and undefined cases', () => {
  test('perfect agreement over several categories is 1', () => {
    assert.equal(
      cohensKappa([
        ['a', 'a'],
        ['b', 'b'],
        ['c', 'c'],
      ]),
      1,
    );
  });

  test('symmetric in the two raters and independent of category names and item order', () => {
    const ratings = ratingsFrom([
      [20, 5],
      [10, 15],
    ]);
    const swapped = ratings.map(([x, y]): [string, string] => [y, x]);
    const renamed = ratings.map(([x, y]): [string, string] => [`${x}!`, `${y}!`]).reverse();
    assertKappa(cohensKappa(swapped), 0.4, 10);
    assertKappa(cohensKappa(renamed), 0.4, 10);
  });

  test('all ratings in one category: kappa is undefined (null), not 1 and not NaN', () => {
    assert.equal(
      cohensKappa([
        ['rct', 'rct'],
        ['rct', 'rct'],
        ['rct', 'rct'],
      ]),
      null,
    );
    assert.equal(cohensKappa([['yes', 'yes']]), null);
  });

  test('no ratings: null', () => {
    assert.equal(cohensKappa([]), null);
  });

  test('complete disagreement with both raters constant: 0 (chance agreement is 0)', () => {
    assert.equal(
      cohensKappa([
        ['a', 'b'],
        ['a', 'b'],
      ]),
      0,
    );
  });
});

/** A compared pair as compareRecords makes it. */
function pair(field: string, a: unknown, b: unknown, categorical: boolean, agreed = a === b): ComparedPair {
  return { field, path: field.replace(/\*/g, 'x'), agreed, a, b, categorical };
}

describe('agreementStatistics: per field and overall', () => {
  const FIELD_KEYS = ['agreed', 'field', 'kappa', 'pairs', 'percent'];
  const OVERALL_KEYS = ['agreed', 'kappa', 'pairs', 'percent'];

  // A categorical field with the 50-proposals table (kappa 0.4), a categorical field with one value only
  // (kappa undefined), and a numeric field (kappa not applicable).
  const pairs: ComparedPair[] = [
    ...ratingsFrom(
      [
        [20, 5],
        [10, 15],
      ],
      ['email', 'face-to-face'],
    ).map(([a, b]) => pair('arms[*].group', a, b, true)),
    ...Array.from({ length: 10 }, () => pair('design', 'rct', 'rct', true)),
    pair('arms[*].n', 25, 25, false),
    pair('arms[*].n', 28, 25, false),
    pair('arms[*].n', 'NR', 'NR', false),
    pair('arms[*].n', 30, null, false),
  ];
  const stats = agreementStatistics(pairs);

  test('the shape: overall and fields, with exactly the contract keys', () => {
    assert.deepEqual(Object.keys(stats).sort(), ['fields', 'overall']);
    assert.deepEqual(Object.keys(stats.overall).sort(), OVERALL_KEYS);
    for (const f of stats.fields) assert.deepEqual(Object.keys(f).sort(), FIELD_KEYS, f.field);
  });

  test('one entry per field (id path with *), sorted by field', () => {
    assert.deepEqual(
      stats.fields.map((f) => f.field),
      ['arms[*].group', 'arms[*].n', 'design'],
    );
  });

  test('a categorical field: pairs, agreed, percent agreement and its kappa', () => {
    const { kappa, ...rest } = stats.fields[0]!;
    assert.deepEqual(rest, { field: 'arms[*].group', pairs: 50, agreed: 35, percent: 70 });
    assertKappa(kappa, 0.4, 10);
  });

  test('a categorical field with a single value throughout: 100 % agreement, kappa null', () => {
    assert.deepEqual(stats.fields[2], { field: 'design', pairs: 10, agreed: 10, percent: 100, kappa: null });
  });

  test('a numeric field: percent agreement, kappa null (not categorical)', () => {
    assert.deepEqual(stats.fields[1], { field: 'arms[*].n', pairs: 4, agreed: 2, percent: 50, kappa: null });
  });

  test('overall: every pair counted; percent agreement over all of them', () => {
    assert.equal(stats.overall.pairs, 64);
    assert.equal(stats.overall.agreed, 47);
    assert.ok(Math.abs(stats.overall.percent! - (100 * 47) / 64) < 1e-12);
  });

  test('overall kappa pools the categorical fields, each value a category of its own field', () => {
    // 60 categorical pairs: the group table plus 10 × design=rct. p_o = 45/60 = 0.75;
    // p_e = (25·30 + 25·20 + 10·10) / 60² = 0.375; kappa = (0.75 − 0.375) / 0.625 = 0.6.
    assert.ok(Math.abs(stats.overall.kappa! - 0.6) < 1e-12, String(stats.overall.kappa));
  });

  test('no pairs at all: zero counts, percent and kappa null', () => {
    assert.deepEqual(agreementStatistics([]), {
      overall: { pairs: 0, agreed: 0, percent: null, kappa: null },
      fields: [],
    });
  });

  test('no categorical field: overall kappa null', () => {
    const numeric = agreementStatistics([pair('total_n', 53, 53, false), pair('total_n', 93, 90, false)]);
    assert.deepEqual(numeric.overall, { pairs: 2, agreed: 1, percent: 50, kappa: null });
  });

  test('a field mixing categorical and non-categorical pairs has no kappa', () => {
    const mixed = agreementStatistics([pair('x', 'a', 'a', true), pair('x', 'b', 'a', false)]);
    assert.equal(mixed.fields[0]!.kappa, null);
  });

  test('text categories are compared after trimming and NFC, as the agreement itself is', () => {
    const trimmed = agreementStatistics([
      pair('g', 'caf\u00e9', 'cafe\u0301 ', true, true),
      pair('g', 'tea', 'tea', true),
      pair('g', 'tea', 'caf\u00e9', true),
    ]);
    // As categories: (café, café), (tea, tea), (tea, café): p_o = 2/3, p_e = (1·2 + 2·1)/9 = 4/9.
    assert.ok(Math.abs(trimmed.fields[0]!.kappa! - (2 / 3 - 4 / 9) / (1 - 4 / 9)) < 1e-12);
  });
});
