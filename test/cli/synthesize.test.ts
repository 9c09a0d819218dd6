// `study-extract synthesize` run through the built CLI on the reviews in test/fixtures/synthesis.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { ensureBuilt, REPO, runCli } from './support/cli';

const FIXTURES = path.join(REPO, 'test', 'fixtures', 'synthesis');
const BCG = path.join(FIXTURES, 'bcg');
const DUAL = path.join(FIXTURES, 'dual');
const CANNOT_RUN = path.join(FIXTURES, 'cannot-run');
const NO_ANALYSES = path.join(FIXTURES, 'no-analyses');
const EXAMPLE = path.join(REPO, 'examples', 'therapeutic-alliance');

/** DESIGN.md §3, in its order. */
const CONTRACT = [
  'id',
  'measure',
  'model',
  'method',
  'k',
  'estimate',
  'se',
  'ci',
  'z',
  'p',
  'tau2',
  'i2',
  'h2',
  'q',
  'q_df',
  'q_p',
  'pi',
  'studies',
  'excluded',
];

interface JsonStudy {
  study: string;
  yi: number;
  vi: number;
  weight: number | null;
  subgroup: string | null;
  source: string;
  conversions: string[];
  inputs: { experimental?: { arms: string[]; n: number; sd?: number }; control?: { n: number } };
}
interface JsonFigures {
  k: number;
  estimate: number | null;
  se: number | null;
  ci: [number, number] | null;
  z: number | null;
  p: number | null;
  tau2: number | null;
  i2: number | null;
  h2: number | null;
  q: number | null;
  q_df: number | null;
  q_p: number | null;
  pi: [number, number] | null;
  test: string | null;
  df: number | null;
  tau2_se: number | null;
  back_transformed: { estimate: number; ci: [number, number]; pi: [number, number] | null } | null;
  reason: string | null;
}
interface JsonAnalysis extends JsonFigures {
  id: string;
  measure: string;
  model: string;
  method: string;
  studies: JsonStudy[];
  excluded: { study: string; reason: string }[];
  runnable: boolean;
  subgroups: (JsonFigures & { label: string; studies: string[] })[] | null;
  subgroup_test: { q: number; df: number; p: number } | null;
}

function printed(actual: number | null | undefined, expected: number, decimals: number, what = ''): void {
  assert.ok(typeof actual === 'number', `${what} is ${actual}`);
  assert.ok(
    Math.abs(actual - expected) <= 0.5 * 10 ** -decimals + 1e-12,
    `${what} ${actual} does not round to ${expected}`,
  );
}

const jsonRuns = new Map<string, { status: number | null; stdout: string; stderr: string }>();

/** `synthesize DIR --format json`, run once per review and parsed. */
function json(dir: string): {
  status: number | null;
  analyses: JsonAnalysis[];
  stderr: string;
  stdout: string;
} {
  const result = jsonRuns.get(dir) ?? runCli(['synthesize', dir, '--format', 'json']);
  jsonRuns.set(dir, result);
  const document = JSON.parse(result.stdout) as { analyses: JsonAnalysis[] };
  assert.deepEqual(Object.keys(document), ['analyses']);
  return { status: result.status, analyses: document.analyses, stderr: result.stderr, stdout: result.stdout };
}

function analysis(list: JsonAnalysis[], id: string): JsonAnalysis {
  const found = list.find((a) => a.id === id);
  assert.ok(found, `no analysis ${id}`);
  return found;
}

before(() => ensureBuilt());

describe('synthesize --format json on the BCG trials (metafor dat.bcg, published results)', () => {
  const run = () => json(BCG);

  test('exit 0; the DESIGN §3 fields first, in order; every study carries study, yi, vi, weight', () => {
    const { status, analyses, stderr } = run();
    assert.equal(status, 0);
    assert.equal(stderr, '');
    assert.deepEqual(
      analyses.map((a) => a.id),
      ['rr-reml', 'rr-dl', 'or-common', 'rd-dl'],
    );
    for (const a of analyses) {
      assert.deepEqual(Object.keys(a).slice(0, CONTRACT.length), CONTRACT);
      assert.equal(a.k, 13);
      assert.equal(a.excluded.length, 0);
      for (const s of a.studies)
        assert.deepEqual(Object.keys(s).slice(0, 4), ['study', 'yi', 'vi', 'weight']);
      const total = a.studies.reduce((sum, s) => sum + s.weight!, 0);
      assert.ok(Math.abs(total - 100) < 1e-9, 'weights in percent');
    }
  });

  test('REML, overall and per allocation subgroup (wviechtb/metafor docs/reference/rma.uni.html, dat.bcg.html)', () => {
    const a = analysis(run().analyses, 'rr-reml');
    assert.equal(a.method, 'REML');
    printed(a.estimate, -0.7145, 4, 'estimate');
    printed(a.se, 0.1798, 4, 'se');
    printed(a.z, -3.9744, 4, 'z');
    printed(a.ci![0], -1.0669, 4);
    printed(a.ci![1], -0.3622, 4);
    printed(a.tau2, 0.3132, 4, 'tau2');
    printed(a.tau2_se, 0.1664, 4, 'se(tau2)');
    printed(a.i2, 92.22, 2, 'I2 in percent');
    printed(a.h2, 12.86, 2);
    printed(a.q, 152.233, 4);
    assert.equal(a.q_df, 12);
    printed(a.back_transformed!.estimate, 0.4894, 4, 'RR');
    printed(a.back_transformed!.ci[0], 0.3441, 4);
    printed(a.back_transformed!.ci[1], 0.6962, 4);
    printed(a.back_transformed!.pi![0], 0.1546, 4, 'PI');
    printed(a.back_transformed!.pi![1], 1.549, 4);
    const sub = Object.fromEntries(a.subgroups!.map((s) => [s.label, s]));
    assert.deepEqual(Object.keys(sub), ['bcg-random', 'bcg-alternate', 'bcg-systematic']);
    printed(sub['bcg-random']!.estimate, -0.971, 4);
    printed(sub['bcg-random']!.tau2, 0.3925, 4);
    printed(sub['bcg-random']!.q, 110.2133, 4);
    printed(sub['bcg-alternate']!.estimate, -0.5408, 4);
    printed(sub['bcg-alternate']!.se, 0.2816, 4);
    printed(sub['bcg-alternate']!.i2, 82.02, 2);
    printed(sub['bcg-systematic']!.estimate, -0.4242, 4);
    printed(sub['bcg-systematic']!.tau2_se, 0.4199, 4);
    assert.equal(a.subgroup_test!.df, 2);
  });

  test('DL log RR, FE log OR, DL RD (tests/testthat/test_misc_metan_vs_rma.uni_with_dat.bcg.r)', () => {
    const { analyses } = run();
    const dl = analysis(analyses, 'rr-dl');
    printed(dl.estimate, -0.7141, 4);
    printed(dl.tau2, 0.3088, 4);
    printed(dl.i2, 92.1173, 4);
    const or = analysis(analyses, 'or-common');
    assert.equal(or.model, 'common');
    assert.equal(or.method, 'FE');
    printed(or.estimate, -0.4361, 4);
    printed(or.z, -10.319, 4);
    printed(or.q, 163.1649, 4);
    assert.equal(or.pi, null);
    printed(or.back_transformed!.estimate, 0.6465, 4);
    const rd = analysis(analyses, 'rd-dl');
    printed(rd.estimate, -0.0071, 4);
    printed(rd.ci![0], -0.0101, 4);
    printed(rd.ci![1], -0.004, 4);
    printed(rd.z, -4.5128, 4);
    printed(rd.i2, 95.6596, 4);
    assert.equal(rd.back_transformed, null);
  });
});

describe('synthesize --format csv and --out', () => {
  let dir: string;
  before(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'synthesize-'));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  test('one row per study per analysis, with the arm-level inputs', () => {
    const result = runCli(['synthesize', BCG, '--format', 'csv']);
    assert.equal(result.status, 0);
    const rows = result.stdout
      .trimEnd()
      .split('\r\n')
      .map((r) => r.split(','));
    const header = rows[0]!;
    assert.deepEqual(header.slice(0, 13), [
      'analysis',
      'measure',
      'study',
      'label',
      'status',
      'reason',
      'source',
      'subgroup',
      'yi',
      'vi',
      'ci_lower',
      'ci_upper',
      'weight',
    ]);
    assert.equal(rows.length, 1 + 4 * 13);
    const col = (name: string) => header.indexOf(name);
    const first = rows[1]!;
    assert.equal(first[col('analysis')], 'rr-reml');
    assert.equal(first[col('study')], 'trial-01');
    assert.equal(first[col('status')], 'included');
    assert.equal(first[col('experimental_events')], '4');
    assert.equal(first[col('experimental_n')], '123');
    assert.equal(first[col('control_events')], '11');
    assert.equal(first[col('control_n')], '139');
    printed(Number(first[col('yi')]), -0.8893, 4);
    printed(Number(first[col('vi')]), 0.3256, 4);
  });

  test('excluded studies are rows too, with the reason; conversions are listed', () => {
    const result = runCli(['synthesize', DUAL, '--format', 'csv']);
    assert.equal(result.status, 0);
    assert.match(result.stdout, /alliance-smd,SMD,evans-2018,,excluded,only ek has extracted it/);
    assert.match(result.stdout, /green-2020,.*sd of arm phone from its SE/);
    assert.match(result.stdout, /fox-2019,.*mail \+ phone/);
  });

  test('--out writes the document to a file and says so on stderr', () => {
    const file = path.join(dir, 'bcg.json');
    const result = runCli(['synthesize', BCG, '--format', 'json', '--out', file]);
    assert.equal(result.status, 0);
    assert.equal(result.stdout, '');
    assert.equal(result.stderr, `wrote ${file}\n`);
    assert.equal(readFileSync(file, 'utf8'), json(BCG).stdout);
    const relative = runCli(['synthesize', '--out', 'out.txt'], BCG);
    assert.equal(relative.status, 0);
    const written = path.join(BCG, 'out.txt');
    try {
      assert.match(readFileSync(written, 'utf8'), /^rr-reml: /);
    } finally {
      rmSync(written, { force: true });
    }
  });
});

describe('which record speaks, in a review with two reviewers', () => {
  test('agreed and consensus records speak; the others are excluded with their reasons', () => {
    const { status, analyses } = json(DUAL);
    assert.equal(status, 0);
    const a = analysis(analyses, 'alliance-smd');
    assert.deepEqual(
      a.studies.map((s) => [s.study, s.source]),
      [
        ['adams-2010', 'agreed'],
        ['baker-2012', 'consensus'],
        ['fox-2019', 'agreed'],
        ['green-2020', 'agreed'],
        ['irwin-2022', 'agreed'],
      ],
    );
    const reasons = Object.fromEntries(a.excluded.map((e) => [e.study, e.reason]));
    assert.match(
      reasons['clark-2014']!,
      /disagreement on outcomes\[alliance\]\.results\.f2f\.mean \(ek: 5\.8, mk: 5\.5\)/,
    );
    assert.match(reasons['davis-2016']!, /mk has not completed the record/);
    assert.match(reasons['evans-2018']!, /only ek/);
    assert.match(reasons['hill-2021']!, /mean of arm mail is NR/);
    const fox = a.studies.find((s) => s.study === 'fox-2019')!;
    assert.deepEqual(fox.inputs.experimental!.arms, ['mail', 'phone']);
    assert.equal(fox.inputs.experimental!.n, 60);
    assert.equal(fox.inputs.control!.n, 30);
    assert.equal(fox.subgroup, 'email, telephone');
    const green = a.studies.find((s) => s.study === 'green-2020')!;
    assert.ok(Math.abs(green.inputs.experimental!.sd! - 0.16 * Math.sqrt(40)) < 1e-12);
    assert.deepEqual(
      a.subgroups!.map((s) => [s.label, s.k]),
      [
        ['email', 3],
        ['email, telephone', 1],
        ['telephone', 1],
      ],
    );
    assert.equal(a.subgroup_test!.df, 2);
  });

  test('Knapp-Hartung: a t statistic with k − 1 df in `z`, and `test` says so', () => {
    const a = analysis(json(DUAL).analyses, 'alliance-md-hksj');
    assert.equal(a.k, 4);
    assert.equal(a.method, 'DL');
    assert.equal(a.test, 't');
    assert.equal(a.df, 3);
    assert.match(
      a.excluded.find((e) => e.study === 'green-2020')!.reason,
      /no arm in the experimental groups \(email\)/,
    );
  });

  test('the text format: a table per analysis, pooled figures, subgroups, exclusions and POMP', () => {
    const result = runCli(['synthesize', DUAL]);
    assert.equal(result.status, 0);
    assert.equal(result.stderr, '');
    const out = result.stdout;
    assert.match(out, /^alliance-smd: Working alliance, remote vs face-to-face\n/);
    assert.match(
      out,
      /standardized mean difference \(Hedges' g\), random effects \(REML\), 95% CI by z; outcome alliance/,
    );
    assert.match(out, /\n {2}Adams 2010 \(adams-2010\) +0\.\d{3} +\[-?\d\.\d{3}, -?\d\.\d{3}\] +\d+\.\d%\n/);
    assert.match(out, /Pooled \(k = 5\):\n {4}Estimate /);
    assert.match(out, /Subgroup email \(k = 3: adams-2010, baker-2012, irwin-2022\):/);
    assert.match(out, /Test for subgroup differences: Q\(2\) = /);
    assert.match(out, /Excluded \(4\):\n {4}clark-2014: /);
    assert.match(out, /percent of the maximum possible score \(POMP\)/);
    assert.match(out, /t\(3\) = /);
  });
});

describe('exit status', () => {
  test('1 when an analysis cannot run (no study, or a broken configuration); the others still run', () => {
    const { status, analyses, stderr } = json(CANNOT_RUN);
    assert.equal(status, 1);
    assert.deepEqual(
      analyses.map((a) => [a.id, a.k, a.runnable]),
      [
        ['no-such-outcome', 0, false],
        ['both-sides', 0, false],
        ['fine', 2, true],
      ],
    );
    assert.equal(analyses[0]!.estimate, null);
    assert.match(analyses[0]!.excluded[0]!.reason, /no outcome depression-post in the record/);
    assert.match(analyses[1]!.reason!, /"email" is listed as both experimental and control/);
    assert.match(stderr, /analysis no-such-outcome cannot run: No study can be included/);
    assert.match(stderr, /analysis both-sides cannot run: The group "email"/);
    const text = runCli(['synthesize', CANNOT_RUN]);
    assert.equal(text.status, 1);
    assert.match(text.stdout, /both-sides\n {2}Cannot run: The group "email"/);
  });

  test('0 for one study (shown, not pooled): the example review', () => {
    const { status, analyses } = json(EXAMPLE);
    assert.equal(status, 0);
    const a = analyses[0]!;
    assert.equal(a.k, 1);
    assert.equal(a.estimate, null);
    assert.equal(a.studies[0]!.study, 'ly-2015');
    assert.equal(a.studies[0]!.weight, null);
    assert.match(a.reason!, /Only one study/);
    assert.equal(a.excluded.length, 6);
  });

  test('0 without analyses', () => {
    const text = runCli(['synthesize', NO_ANALYSES]);
    assert.equal(text.status, 0);
    assert.equal(text.stdout, 'review.yaml defines no analyses (synthesis.analyses).\n');
    assert.deepEqual(json(NO_ANALYSES).analyses, []);
  });

  test('2 for bad arguments or no review; --help', () => {
    const badFormat = runCli(['synthesize', BCG, '--format', 'pdf']);
    assert.equal(badFormat.status, 2);
    assert.match(badFormat.stderr, /unknown format "pdf" \(expected text, json, csv, html or svg\)/);
    const noValue = runCli(['synthesize', BCG, '--out']);
    assert.equal(noValue.status, 2);
    const dir = mkdtempSync(path.join(tmpdir(), 'no-review-'));
    try {
      const none = runCli(['synthesize', dir]);
      assert.equal(none.status, 2);
      assert.match(none.stderr, /no review\.yaml found/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
    const help = runCli(['synthesize', '--help']);
    assert.equal(help.status, 0);
    assert.match(
      help.stdout,
      /^Usage: study-extract synthesize \[review-dir\] \[--format text\|json\|csv\|html\|svg\] \[--analysis ID\] \[--out FILE\]/,
    );
    assert.match(runCli(['--help']).stdout, /synthesize {3}run the analyses of review\.yaml/);
  });
});
