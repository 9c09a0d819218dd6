// The example review examples/bcg-vaccine (the 13 BCG trials of metafor's dat.bcg; Colditz et al. 1994,
// JAMA 271:698-702) run through the built CLI, against golden values that metafor computed:
// test/fixtures/bcg-vaccine/golden.R wrote golden.json (versions in VERSIONS beside it).
import { before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { ensureBuilt, REPO, runCli, type JsonReport } from './support/cli';

const EXAMPLE = path.join(REPO, 'examples', 'bcg-vaccine');
const GOLDEN_DIR = path.join(REPO, 'test', 'fixtures', 'bcg-vaccine');

type Pair = [number, number];
interface Figures {
  k: number;
  estimate: number | null;
  se: number | null;
  ci: Pair | null;
  z: number | null;
  p: number | null;
  tau2: number | null;
  tau2_se: number | null;
  i2: number | null;
  h2: number | null;
  q: number | null;
  q_df: number | null;
  q_p: number | null;
  pi: Pair | null;
}
interface GoldenStudy {
  study: string;
  yi: number;
  vi: number;
  weight: number;
}
interface GoldenAnalysis extends Figures {
  call: string;
  studies: GoldenStudy[];
  subgroups?: Record<string, Figures & { studies: string[] }>;
  subgroup_test?: { q: number; df: number; p: number };
}
interface CliAnalysis extends Figures {
  id: string;
  measure: string;
  model: string;
  method: string;
  ci_method: string;
  studies: (GoldenStudy & { source: string })[];
  excluded: { study: string; reason: string }[];
  subgroups: (Figures & { label: string; studies: string[] })[] | null;
  subgroup_test: { q: number; df: number; p: number } | null;
}

const golden = JSON.parse(readFileSync(path.join(GOLDEN_DIR, 'golden.json'), 'utf8')) as Record<
  string,
  GoldenAnalysis
>;

/** Equal to 1e-6 relative, with an absolute floor of 1e-10 for values near 0 (tail p-values). */
function near(actual: number | null | undefined, expected: number, what: string): void {
  assert.equal(typeof actual, 'number', `${what} is ${String(actual)}, expected ${expected}`);
  const tolerance = 1e-6 * Math.abs(expected) + 1e-10;
  assert.ok(
    Math.abs((actual as number) - expected) <= tolerance,
    `${what}: ${actual} differs from metafor's ${expected} by more than ${tolerance}`,
  );
}

function nearPair(actual: Pair | null, expected: Pair | null, what: string): void {
  if (expected === null) {
    assert.equal(actual, null, `${what} should be null`);
    return;
  }
  assert.ok(actual, `${what} is null`);
  near(actual[0], expected[0], `${what}[0]`);
  near(actual[1], expected[1], `${what}[1]`);
}

const SCALARS = ['estimate', 'se', 'z', 'p', 'tau2', 'tau2_se', 'i2', 'h2', 'q', 'q_p'] as const;

function assertFigures(actual: Figures, expected: Figures, what: string): void {
  assert.equal(actual.k, expected.k, `${what}: k`);
  assert.equal(actual.q_df, expected.q_df, `${what}: q_df`);
  for (const key of SCALARS) {
    const value = expected[key];
    if (value === null) assert.equal(actual[key], null, `${what}: ${key} should be null`);
    else near(actual[key], value, `${what}: ${key}`);
  }
  nearPair(actual.ci, expected.ci, `${what}: ci`);
  nearPair(actual.pi, expected.pi, `${what}: pi`);
}

/** A value printed with `decimals` decimals: the true value lies within half a unit of the last digit. */
function printed(actual: number | null | undefined, expected: number, decimals: number, what: string): void {
  assert.equal(typeof actual, 'number', `${what} is ${String(actual)}`);
  const tolerance = 0.5 * 10 ** -decimals + 1e-12;
  assert.ok(
    Math.abs((actual as number) - expected) <= tolerance,
    `${what}: ${actual} does not round to ${expected}`,
  );
}

let analyses: CliAnalysis[] = [];

function analysis(id: string): CliAnalysis {
  const found = analyses.find((a) => a.id === id);
  assert.ok(found, `no analysis ${id} in the output`);
  return found;
}

before(() => {
  ensureBuilt();
  const result = runCli(['synthesize', EXAMPLE, '--format', 'json']);
  assert.equal(result.status, 0, result.stderr);
  assert.equal(result.stderr, '');
  analyses = (JSON.parse(result.stdout) as { analyses: CliAnalysis[] }).analyses;
});

describe('examples/bcg-vaccine', () => {
  test('check is clean: every file checked, no errors, no warnings, no information', () => {
    const result = runCli(['check', EXAMPLE, '--format', 'json']);
    assert.equal(result.status, 0, result.stdout);
    const report = JSON.parse(result.stdout) as JsonReport;
    assert.deepEqual(report.summary, { files: 21, errors: 0, warnings: 0 });
    const noisy = report.files.filter((f) => f.diagnostics.length > 0);
    assert.deepEqual(noisy, []);
  });

  test('every analysis of review.yaml has golden values, and each pools all 13 trials', () => {
    assert.deepEqual(
      analyses.map((a) => a.id),
      Object.keys(golden),
    );
    for (const a of analyses) {
      assert.equal(a.k, 13, a.id);
      assert.deepEqual(a.excluded, [], a.id);
      assert.notEqual(a.estimate, null, `${a.id} is pooled`);
    }
  });

  test('the three dually extracted trials are read from their consensus records', () => {
    const rr = analysis('tb-rr');
    for (const study of ['aronson-1948', 'stein-1953', 'comstock-1974']) {
      assert.equal(rr.studies.find((s) => s.study === study)?.source, 'consensus', study);
    }
  });

  for (const [id, expected] of Object.entries(golden)) {
    test(`${id} agrees with metafor: ${expected.call}`, () => {
      const a = analysis(id);
      assertFigures(a, expected, id);
      assert.equal(a.studies.length, expected.studies.length);
      for (const g of expected.studies) {
        const s = a.studies.find((x) => x.study === g.study);
        assert.ok(s, `${id}: no study ${g.study}`);
        near(s.yi, g.yi, `${id} ${g.study} yi`);
        near(s.vi, g.vi, `${id} ${g.study} vi`);
        near(s.weight, g.weight, `${id} ${g.study} weight`);
      }
      if (!expected.subgroups) {
        assert.equal(a.subgroups, null, `${id} has no subgroups`);
        return;
      }
      const subgroups = new Map((a.subgroups ?? []).map((s) => [s.label, s]));
      assert.deepEqual([...subgroups.keys()], Object.keys(expected.subgroups));
      for (const [label, g] of Object.entries(expected.subgroups)) {
        const s = subgroups.get(label)!;
        assertFigures(s, g, `${id} subgroup ${label}`);
        assert.deepEqual([...s.studies].sort(), [...g.studies].sort(), `${id} subgroup ${label} studies`);
      }
      assert.ok(a.subgroup_test && expected.subgroup_test);
      near(a.subgroup_test.q, expected.subgroup_test.q, `${id} subgroup test q`);
      assert.equal(a.subgroup_test.df, expected.subgroup_test.df);
      near(a.subgroup_test.p, expected.subgroup_test.p, `${id} subgroup test p`);
    });
  }

  test("metafor's documented output for dat.bcg, to its printed precision (second anchor)", () => {
    // wviechtb/metafor, rma.uni help page (docs/reference/rma.uni.html), example
    // rma(yi, vi, data = escalc("RR", ai = tpos, bi = tneg, ci = cpos, di = cneg, data = dat.bcg)):
    // tau^2 0.3132 (SE = 0.1664), I^2 92.22%, H^2 12.86, Q(df = 12) = 152.2330,
    // estimate -0.7145, se 0.1798, zval -3.9744, ci.lb -1.0669, ci.ub -0.3622.
    const rr = analysis('tb-rr');
    printed(rr.estimate, -0.7145, 4, 'estimate');
    printed(rr.se, 0.1798, 4, 'se');
    printed(rr.z, -3.9744, 4, 'z');
    printed(rr.ci![0], -1.0669, 4, 'ci.lb');
    printed(rr.ci![1], -0.3622, 4, 'ci.ub');
    printed(rr.tau2, 0.3132, 4, 'tau2');
    printed(rr.tau2_se, 0.1664, 4, 'se(tau2)');
    printed(rr.i2, 92.22, 2, 'I2');
    printed(rr.h2, 12.86, 2, 'H2');
    printed(rr.q, 152.233, 4, 'Q');
    // wviechtb/metafor tests/testthat/test_misc_metan_vs_rma.uni_with_dat.bcg.r (against Stata's metan):
    // OR, DL: beta -0.7474, ci -1.1242 to -0.3706, zval -3.8873, tau2 0.3663, I2 92.6455;
    // OR, EE: beta -0.4361, ci -0.5190 to -0.3533, zval -10.3190, QE 163.1649.
    const dl = analysis('tb-or-dl');
    printed(dl.estimate, -0.7474, 4, 'OR DL estimate');
    printed(dl.ci![0], -1.1242, 4, 'OR DL ci.lb');
    printed(dl.ci![1], -0.3706, 4, 'OR DL ci.ub');
    printed(dl.z, -3.8873, 4, 'OR DL z');
    printed(dl.tau2, 0.3663, 4, 'OR DL tau2');
    printed(dl.i2, 92.6455, 4, 'OR DL I2');
    const common = analysis('tb-or-common');
    assert.equal(common.method, 'FE');
    printed(common.estimate, -0.4361, 4, 'OR EE estimate');
    printed(common.ci![0], -0.519, 4, 'OR EE ci.lb');
    printed(common.ci![1], -0.3533, 4, 'OR EE ci.ub');
    printed(common.z, -10.319, 4, 'OR EE z');
    printed(common.q, 163.1649, 4, 'OR EE Q');
    assert.equal(common.pi, null);
  });
});
