// The forest plot as an element tree: one square per study sized by weight, diamonds, the prediction
// interval, a log axis for ratios, the heterogeneity line, and record text kept as text.
import { before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import * as path from 'node:path';
import { nodeFileSystem } from '../../src/node/fileSystem';
import { openReview } from '../../src/core/review/review';
import { serializeMarkup, type SvgNode } from '../../src/core/synthesis/present/svgTree';
import { synthesizeReview, type AnalysisResult } from '../../src/core/synthesis/analysis';
import { forestPlot } from '../../src/core/synthesis/present/forestPlot';
import { displayDecimals } from '../../src/core/synthesis/present/format';

const FIXTURES = path.resolve(__dirname, '..', 'fixtures', 'synthesis');
const EXAMPLE = path.resolve(__dirname, '..', '..', 'examples', 'therapeutic-alliance');

async function analyses(dir: string): Promise<Map<string, AnalysisResult>> {
  const review = await openReview(dir, nodeFileSystem);
  const report = await synthesizeReview(review, nodeFileSystem);
  return new Map(report.analyses.map((a) => [a.id, a]));
}

function walk(node: SvgNode, visit: (n: SvgNode) => void): void {
  visit(node);
  for (const child of node.children ?? []) walk(child, visit);
}

function classes(node: SvgNode): string[] {
  return String(node.attrs?.class ?? '')
    .split(/\s+/)
    .filter(Boolean);
}

function byClass(root: SvgNode, cls: string): SvgNode[] {
  const out: SvgNode[] = [];
  walk(root, (n) => {
    if (classes(n).includes(cls)) out.push(n);
  });
  return out;
}

/** All text of a node, as a DOM's textContent would read it. */
function textOf(node: SvgNode): string {
  return (node.text ?? '') + (node.children ?? []).map(textOf).join('');
}

const texts = (root: SvgNode, cls: string) => byClass(root, cls).map(textOf);
const num = (v: unknown) => Number(v);

let bcg: Map<string, AnalysisResult>;
let dual: Map<string, AnalysisResult>;
let correlation: Map<string, AnalysisResult>;
let example: Map<string, AnalysisResult>;
let cannotRun: Map<string, AnalysisResult>;

before(async () => {
  bcg = await analyses(path.join(FIXTURES, 'bcg'));
  dual = await analyses(path.join(FIXTURES, 'dual'));
  correlation = await analyses(path.join(FIXTURES, 'correlation'));
  example = await analyses(EXAMPLE);
  cannotRun = await analyses(path.join(FIXTURES, 'cannot-run'));
});

describe('forestPlot on the BCG trials', () => {
  test('an <svg> with viewBox, role, aria-label and a <title>', () => {
    const svg = forestPlot(bcg.get('rr-reml')!);
    assert.equal(svg.tag, 'svg');
    assert.equal(svg.attrs!.role, 'img');
    assert.match(String(svg.attrs!.viewBox), /^0 0 800 \d+$/);
    assert.match(
      String(svg.attrs!['aria-label']),
      /^Forest plot of Tuberculosis.*13 studies, pooled RR 0\.49 \[0\.34, 0\.70\]$/,
    );
    assert.equal(svg.children![0]!.tag, 'title');
    assert.match(svg.children![0]!.text!, /^Forest plot: Tuberculosis, BCG vs no vaccine/);
    assert.equal(forestPlot(bcg.get('rr-reml')!, { width: 1000 }).attrs!.width, 1000);
  });

  test('k squares, one overall diamond; one row per study with its id in data-study', () => {
    const a = bcg.get('rr-dl')!;
    const svg = forestPlot(a);
    assert.equal(byClass(svg, 'fp-square').length, 13);
    assert.equal(byClass(svg, 'fp-overall').length, 1);
    assert.equal(byClass(svg, 'fp-diamond').length, 1);
    assert.equal(byClass(svg, 'fp-subgroup').length, 0);
    const rows = byClass(svg, 'fp-study');
    assert.deepEqual(
      rows.map((r) => r.attrs!['data-study']),
      a.studies.map((s) => s.study),
    );
    for (const row of rows) {
      assert.equal(byClass(row, 'fp-square').length, 1);
      assert.equal(byClass(row, 'fp-label').length, 1);
      assert.ok(byClass(row, 'fp-ci').length >= 1);
    }
  });

  test('the effect and weight columns, on the natural scale with two decimals', () => {
    const svg = forestPlot(bcg.get('rr-reml')!);
    const aronson = byClass(svg, 'fp-study').find((r) => r.attrs!['data-study'] === 'trial-01')!;
    assert.equal(texts(aronson, 'fp-label')[0], 'Aronson 1948');
    assert.equal(texts(aronson, 'fp-effect')[0], '0.41 [0.13, 1.26]');
    assert.equal(texts(aronson, 'fp-weight')[0], '5.1%');
    const overall = byClass(svg, 'fp-overall-row')[0]!;
    assert.equal(texts(overall, 'fp-effect')[0], '0.49 [0.34, 0.70]');
    assert.equal(texts(svg, 'fp-header').at(-1), 'RR [95% CI]');
  });

  test('square sides grow as the square root of the weight (areas ∝ weight), ordered like the weights', () => {
    const a = bcg.get('rr-reml')!;
    const squares = byClass(forestPlot(a), 'fp-square');
    const sides = squares.map((s) => num(s.attrs!.width));
    const weights = a.studies.map((s) => s.weight!);
    for (const [i, s] of sides.entries()) assert.equal(num(squares[i]!.attrs!.height), s);
    // Rows are drawn by subgroup, so match squares to studies through data-weight.
    const drawn = squares.map((s) => num(s.attrs!['data-weight']));
    assert.deepEqual([...drawn].sort(), [...weights].map((w) => Number(w.toFixed(4))).sort());
    for (let i = 0; i < sides.length; i++)
      for (let j = 0; j < sides.length; j++)
        if (drawn[i]! < drawn[j]!) assert.ok(sides[i]! <= sides[j]!, `square ${i} larger than ${j}`);
    const ratio = sides.map((s, i) => (s * s) / drawn[i]!);
    for (const r of ratio) assert.ok(Math.abs(r / ratio[0]! - 1) < 0.03, `area/weight ${r} vs ${ratio[0]}`);
  });

  test('ratio measures on a log axis: ticks include 1 and sit at positions linear in log(value)', () => {
    for (const id of ['rr-reml', 'rr-dl', 'or-common']) {
      const svg = forestPlot(bcg.get(id)!);
      const axis = byClass(svg, 'fp-axis')[0]!;
      assert.equal(axis.attrs!['data-scale'], 'log');
      const labels = byClass(axis, 'fp-tick-label');
      const values = labels.map((l) => Number(l.text!.replace('\u2212', '-')));
      const xs = labels.map((l) => num(l.attrs!.x));
      assert.ok(values.includes(1), `${id}: ticks ${values.join(' ')}`);
      assert.ok(values.length >= 4, `${id}: ticks ${values.join(' ')}`);
      for (const v of values)
        assert.ok(
          [1, 2, 5].includes(Number((v / 10 ** Math.floor(Math.log10(v) + 1e-9)).toPrecision(6))),
          `${v} is not 1-2-5`,
        );
      const one = xs[values.indexOf(1)]!;
      const perLog = (xs.at(-1)! - xs[0]!) / (Math.log(values.at(-1)!) - Math.log(values[0]!));
      for (const [i, v] of values.entries())
        assert.ok(Math.abs(xs[i]! - (one + perLog * Math.log(v))) < 0.3, `${id}: tick ${v} at ${xs[i]}`);
      // Reciprocal ticks (0.5 and 2, 0.1 and 10) are equally far from 1.
      for (const v of values) {
        const j = values.findIndex((w) => Math.abs(w * v - 1) < 1e-9);
        if (j >= 0) assert.ok(Math.abs(one - xs[values.indexOf(v)]! - (xs[j]! - one)) < 0.3);
      }
      // The null line is at 1.
      assert.equal(num(byClass(svg, 'fp-null')[0]!.attrs!.x1), one);
    }
  });

  test('risk differences on a linear axis with 1-2-5 steps; decimals enough to read the intervals', () => {
    const a = bcg.get('rd-dl')!;
    const svg = forestPlot(a);
    const axis = byClass(svg, 'fp-axis')[0]!;
    assert.equal(axis.attrs!['data-scale'], 'linear');
    const labels = byClass(axis, 'fp-tick-label');
    const values = labels.map((l) => Number(l.text!.replace('\u2212', '-')));
    const xs = labels.map((l) => num(l.attrs!.x));
    assert.ok(values.includes(0));
    const step = values[1]! - values[0]!;
    for (let i = 1; i < values.length; i++) {
      assert.ok(Math.abs(values[i]! - values[i - 1]! - step) < 1e-9);
      assert.ok(Math.abs(xs[i]! - xs[i - 1]! - (xs[1]! - xs[0]!)) < 0.3);
    }
    const mantissa = Number((step / 10 ** Math.floor(Math.log10(step) + 1e-9)).toPrecision(6));
    assert.ok([1, 2, 5].includes(mantissa), `step ${step}`);
    assert.equal(displayDecimals(a), 4);
    const overall = byClass(svg, 'fp-overall-row')[0]!;
    assert.equal(texts(overall, 'fp-effect')[0], '\u22120.0071 [\u22120.0101, \u22120.0040]');
  });

  test('the heterogeneity line, the overall test and the prediction interval', () => {
    const svg = forestPlot(bcg.get('rr-reml')!);
    const het = texts(svg, 'fp-het');
    assert.ok(
      het.includes('Random effects (REML): τ² = 0.31, I² = 92.2%, Q(12) = 152.23, P < 0.001'),
      het.join('\n'),
    );
    assert.ok(het.includes('Test for overall effect: z = \u22123.97, P < 0.001'), het.join('\n'));
    assert.ok(het.some((h) => /^Test for subgroup differences: Q\(2\) = 1\.86, P = 0\.39$/.test(h)));
    const pi = byClass(svg, 'fp-pi');
    assert.equal(pi.length, 1);
    const row = byClass(svg, 'fp-pi-row')[0]!;
    assert.equal(texts(row, 'fp-effect')[0]!.trim(), '[0.15, 1.55]');
    // Under the common-effect model: no τ², no prediction interval.
    const fe = forestPlot(bcg.get('or-common')!);
    assert.ok(texts(fe, 'fp-het').some((h) => h.startsWith('Common effect: I² = ')));
    assert.equal(byClass(fe, 'fp-pi').length, 0);
    // Knapp-Hartung: a t test with its degrees of freedom.
    const kh = forestPlot(dual.get('alliance-md-hksj')!);
    assert.ok(texts(kh, 'fp-het').some((h) => /^Test for overall effect: t\(3\) = /.test(h)));
    assert.ok(texts(kh, 'fp-het').some((h) => h.startsWith('Random effects (DL, Knapp-Hartung): ')));
  });

  test('subgroups: a header, the studies and a subtotal diamond each; a one-study subgroup has none', () => {
    const svg = forestPlot(bcg.get('rr-reml')!);
    assert.deepEqual(texts(svg, 'fp-group'), ['bcg-random', 'bcg-alternate', 'bcg-systematic']);
    assert.equal(byClass(svg, 'fp-subgroup').length, 3);
    assert.equal(byClass(svg, 'fp-overall').length, 1);
    assert.deepEqual(
      byClass(svg, 'fp-subtotal-row').map((g) => texts(g, 'fp-weight')[0]),
      ['50.5%', '19.0%', '30.5%'],
    );
    const smd = forestPlot(dual.get('alliance-smd')!);
    assert.equal(byClass(smd, 'fp-subgroup').length, 1);
    assert.deepEqual(texts(smd, 'fp-group'), ['email', 'email, telephone', 'telephone']);
    assert.equal(texts(smd, 'fp-subgroup-het').filter((t) => t === 'k = 1: not pooled').length, 2);
  });

  test('theme: css is transparent and currentColor; print adds a white background and the title', () => {
    const css = forestPlot(bcg.get('rr-reml')!);
    assert.equal(byClass(css, 'fp-background').length, 0);
    assert.equal(byClass(css, 'fp-title').length, 0);
    walk(css, (n) => {
      for (const key of ['fill', 'stroke']) {
        const v = n.attrs?.[key];
        if (v !== undefined && v !== 'currentColor' && v !== 'none')
          assert.equal(n.attrs!['fill-opacity'], 0, `${n.tag}.${classes(n).join('.')} ${key}=${v}`);
      }
    });
    const print = forestPlot(bcg.get('rr-reml')!, { theme: 'print' });
    assert.equal(byClass(print, 'fp-background')[0]!.attrs!.fill, '#fff');
    assert.equal(texts(print, 'fp-title')[0], 'Tuberculosis, BCG vs no vaccine (log risk ratio, REML)');
    assert.equal(serializeMarkup(forestPlot(bcg.get('rr-reml')!)), serializeMarkup(css), 'deterministic');
  });
});

describe('forestPlot, other cases', () => {
  test('a hostile study label stays text: no <img> element in the markup', () => {
    const a = structuredClone(bcg.get('rr-dl')!);
    a.studies[0]!.label = '<img src=x onerror=alert(1)>';
    a.title = '</title><script>alert(2)</script>';
    const svg = forestPlot(a);
    assert.equal(texts(byClass(svg, 'fp-study')[0]!, 'fp-label')[0], '<img src=x onerror=alert(1)>');
    const markup = serializeMarkup(svg);
    assert.doesNotMatch(markup, /<img/i);
    assert.doesNotMatch(markup, /<script/i);
    assert.match(markup, /&lt;img src=x onerror=alert\(1\)&gt;/);
  });

  test('one study (k = 1): a fixed-size square, no diamond and no weights, and a note why', () => {
    const a = example.get('alliance-tbi-vs-f2f')!;
    assert.equal(a.k, 1);
    const svg = forestPlot(a);
    assert.equal(byClass(svg, 'fp-square').length, 1);
    assert.equal(byClass(svg, 'fp-diamond').length, 0);
    assert.equal(byClass(svg, 'fp-weight').length, 0);
    assert.equal(byClass(svg, 'fp-het').length, 0);
    const notes = texts(svg, 'fp-note');
    assert.ok(
      notes.some((n) => n.startsWith('Not pooled: Only one study can be included')),
      notes.join('\n'),
    );
    assert.ok(notes.includes('6 studies excluded (not shown).'));
    assert.equal(texts(svg, 'fp-effect')[0], '\u22120.21 [\u22120.62, 0.20]');
  });

  test('an analysis that cannot run: only the note', () => {
    const svg = forestPlot(cannotRun.get('both-sides')!);
    assert.equal(byClass(svg, 'fp-axis').length, 0);
    assert.match(texts(svg, 'fp-note')[0]!, /^Cannot run: The group "email"/);
    const none = forestPlot(cannotRun.get('no-such-outcome')!);
    assert.equal(byClass(none, 'fp-square').length, 0);
    assert.ok(texts(none, 'fp-note').length >= 1);
  });

  test('correlations: an axis in r within [−1, 1], values as r', () => {
    const a = correlation.get('alliance-outcome')!;
    const svg = forestPlot(a);
    const values = texts(svg, 'fp-tick-label').map((t) => Number(t.replace('\u2212', '-')));
    assert.ok(
      values.every((v) => v >= -1 && v <= 1),
      values.join(' '),
    );
    assert.ok(values.includes(0));
    assert.equal(texts(svg, 'fp-axis-label')[0], 'Correlation (r)');
    const row = byClass(svg, 'fp-study').find((r) => r.attrs!['data-study'] === 'abbott-2014')!;
    assert.equal(texts(row, 'fp-effect')[0], '0.25 [0.07, 0.41]');
    assert.equal(texts(svg, 'fp-header').at(-1), 'r [95% CI]');
  });

  test('an interval far beyond the others is clipped at the axis with an arrow', () => {
    const a = structuredClone(bcg.get('rr-dl')!);
    const s = a.studies[11]!;
    s.ci = [s.yi - 8, s.yi + 8];
    s.back_transformed = { yi: Math.exp(s.yi), ci: [Math.exp(s.ci[0]), Math.exp(s.ci[1])] };
    const svg = forestPlot(a);
    const row = byClass(svg, 'fp-study')[11]!;
    assert.equal(byClass(row, 'fp-arrow').length, 2);
    const axis = byClass(svg, 'fp-axis-line')[0]!;
    const line = byClass(row, 'fp-ci').find((n) => n.tag === 'line')!;
    assert.ok(num(line.attrs!.x1) >= num(axis.attrs!.x1) && num(line.attrs!.x2) <= num(axis.attrs!.x2));
    // The other studies keep a readable axis: not more than 4 decades.
    const values = texts(svg, 'fp-tick-label').map((t) => Number(t));
    assert.ok(values.at(-1)! / values[0]! <= 1e4, values.join(' '));
    assert.equal(byClass(forestPlot(bcg.get('rr-dl')!), 'fp-arrow').length, 0);
  });
});
