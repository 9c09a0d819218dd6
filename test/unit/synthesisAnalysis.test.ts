// The analysis runner: which record speaks for a study (DESIGN §4), how its arms become one effect size,
// and how every left-out study is listed with its reason.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readReviewConfig } from '../../src/core/review/review';
import { parseYaml } from '../../src/core/yaml/yamlDocument';
import {
  runAnalyses,
  type AnalysisResult,
  type StudyRecord,
  type StudyRecords,
} from '../../src/core/synthesis/analysis';
import { combineTwo } from '../../src/core/synthesis/stats/combineGroups';
import {
  fisherZ,
  meanDifference,
  standardizedMeanDifference,
  twoByTwo,
} from '../../src/core/synthesis/stats/effectSize';
import { pool } from '../../src/core/synthesis/stats/pooling';

type Obj = Record<string, unknown>;

function close(actual: number | null | undefined, expected: number, tolerance = 1e-12, what = ''): void {
  assert.ok(typeof actual === 'number', `${what} is ${actual}`);
  assert.ok(Math.abs(actual - expected) <= tolerance, `${what} ${actual} ≠ ${expected}`);
}

function review(analyses: string, extra = '') {
  const text = `title: T
schema: schemas/extraction.schema.json
records: records/{reviewer}/{study}.study.yaml
reviewers: [ek, mk]
${extra}
synthesis:
  analyses:
${analyses}`;
  return { config: readReviewConfig(parseYaml(text)) };
}

const SMD = `    - id: a
      outcome: alliance
      measure: SMD
      experimental: [email, telephone]
      control: [face-to-face]
`;

interface RecordOptions {
  study: string;
  reviewer?: string;
  status?: string;
  arms: [string, string, unknown?][];
  results: Record<string, Obj>;
  outcome?: string;
  type?: string;
  scale?: Obj;
  year?: number;
}

function value(o: RecordOptions): Obj {
  return {
    study: o.study,
    reviewer: o.reviewer ?? 'ek',
    status: o.status ?? 'complete',
    citation: { authors: ['Smith J'], year: o.year ?? 2011 },
    arms: o.arms.map(([id, group, n]) => ({ id, group, ...(n === undefined ? {} : { n }) })),
    outcomes: [
      {
        id: o.outcome ?? 'alliance',
        type: o.type ?? 'continuous',
        ...(o.scale ? { scale: o.scale } : {}),
        results: o.results,
      },
    ],
  };
}

function rec(reviewer: string, v: Obj, status = 'complete'): StudyRecord {
  return {
    reviewer,
    path: `records/${reviewer}/${String(v.study)}.study.yaml`,
    value: { ...v, status },
    status,
  };
}

/** A study extracted identically by both reviewers. */
function agreed(o: RecordOptions): StudyRecords {
  const v = value(o);
  return { study: o.study, reviewers: [rec('ek', v), rec('mk', { ...v, reviewer: 'mk' })] };
}

const TWO_ARMS: Pick<RecordOptions, 'arms' | 'results'> = {
  arms: [
    ['online', 'email', 25],
    ['f2f', 'face-to-face', 28],
  ],
  results: { online: { mean: 5.9, sd: 0.8, n: 25 }, f2f: { mean: 5.6, sd: 0.9, n: 28 } },
};

function only(result: ReturnType<typeof runAnalyses>): AnalysisResult {
  assert.equal(result.analyses.length, 1);
  return result.analyses[0]!;
}

function reasonOf(a: AnalysisResult, study: string): string {
  const found = a.excluded.find((e) => e.study === study);
  assert.ok(found, `${study} is not excluded; included: ${a.studies.map((s) => s.study).join(', ')}`);
  return found.reason;
}

describe('which record speaks for a study', () => {
  test('two complete records that agree on what the analysis reads; differences elsewhere do not matter', () => {
    const v = value({ study: 's1', ...TWO_ARMS });
    const other = structuredClone(v) as Obj;
    (other.arms as Obj[])[0]!.label = 'Another label';
    (other.citation as Obj).journal = 'BMJ';
    (other.arms as Obj[]).push({ id: 'waitlist', group: 'waitlist', n: 3 });
    const a = only(runAnalyses(review(SMD), [{ study: 's1', reviewers: [rec('ek', v), rec('mk', other)] }]));
    assert.equal(a.studies.length, 1);
    assert.equal(a.studies[0]!.source, 'agreed');
    const expected = standardizedMeanDifference({ mean: 5.9, sd: 0.8, n: 25 }, { mean: 5.6, sd: 0.9, n: 28 });
    assert.ok(expected.ok);
    close(a.studies[0]!.yi, expected.yi);
    close(a.studies[0]!.vi, expected.vi);
  });

  test('a disagreement on a value the analysis reads excludes the study, naming the field and both values', () => {
    const v = value({ study: 's1', ...TWO_ARMS });
    const other = structuredClone(v) as Obj;
    ((other.outcomes as Obj[])[0]!.results as Obj).f2f = { mean: 5.6, sd: 0.9, n: 25 };
    const a = only(runAnalyses(review(SMD), [{ study: 's1', reviewers: [rec('ek', v), rec('mk', other)] }]));
    assert.equal(a.studies.length, 0);
    const reason = reasonOf(a, 's1');
    assert.match(
      reason,
      /unresolved disagreement on outcomes\[alliance\]\.results\.f2f\.n \(ek: 28, mk: 25\)/,
    );
    assert.match(reason, /adjudicate/);
  });

  test("the review's numeric tolerance applies", () => {
    const v = value({ study: 's1', ...TWO_ARMS });
    const other = structuredClone(v) as Obj;
    ((other.outcomes as Obj[])[0]!.results as Obj).online = { mean: 5.91, sd: 0.8, n: 25 };
    const strict = only(
      runAnalyses(review(SMD), [{ study: 's1', reviewers: [rec('ek', v), rec('mk', other)] }]),
    );
    assert.equal(strict.studies.length, 0);
    const tolerant = only(
      runAnalyses(review(SMD, 'compare: { tolerance: 0.05 }'), [
        { study: 's1', reviewers: [rec('ek', v), rec('mk', other)] },
      ]),
    );
    assert.equal(tolerant.studies.length, 1);
  });

  test('an arm present in one record only, or a different group, is a disagreement', () => {
    const v = value({ study: 's1', ...TWO_ARMS });
    const regrouped = structuredClone(v) as Obj;
    (regrouped.arms as Obj[])[0]!.group = 'telephone';
    const a = only(
      runAnalyses(review(SMD), [{ study: 's1', reviewers: [rec('ek', v), rec('mk', regrouped)] }]),
    );
    assert.match(reasonOf(a, 's1'), /arms\[online\]\.group \(ek: email, mk: telephone\)/);
    const missingArm = structuredClone(v) as Obj;
    (missingArm.arms as Obj[]).splice(0, 1);
    const b = only(
      runAnalyses(review(SMD), [{ study: 's1', reviewers: [rec('ek', v), rec('mk', missingArm)] }]),
    );
    assert.match(reasonOf(b, 's1'), /arms\[online\] \(ek: present, mk: \(not extracted\)\)/);
  });

  test('the whole-sample result is read (and compared) only by a correlation analysis', () => {
    const v = value({ study: 's1', ...TWO_ARMS });
    ((v.outcomes as Obj[])[0]!.results as Obj).all = { mean: 5.7, sd: 0.9, n: 53 };
    const other = structuredClone(v) as Obj;
    ((other.outcomes as Obj[])[0]!.results as Obj).all = { mean: 5.75, sd: 0.9, n: 53 };
    const a = only(runAnalyses(review(SMD), [{ study: 's1', reviewers: [rec('ek', v), rec('mk', other)] }]));
    assert.equal(a.studies.length, 1);
    const cor = `    - id: c
      outcome: alliance
      measure: COR
      experimental: [email]
      control: [face-to-face]
`;
    const r = value({
      study: 's1',
      type: 'correlation',
      arms: TWO_ARMS.arms,
      results: { all: { r: 0.3, n: 53 } },
    });
    const r2 = value({
      study: 's1',
      type: 'correlation',
      arms: TWO_ARMS.arms,
      results: { all: { r: 0.33, n: 53 } },
    });
    const b = only(runAnalyses(review(cor), [{ study: 's1', reviewers: [rec('ek', r), rec('mk', r2)] }]));
    assert.match(reasonOf(b, 's1'), /outcomes\[alliance\]\.results\.all\.r \(ek: 0\.3, mk: 0\.33\)/);
  });

  test('a consensus record speaks even when the reviewers disagree', () => {
    const v = value({ study: 's1', ...TWO_ARMS });
    const other = structuredClone(v) as Obj;
    (other.arms as Obj[])[1]!.n = 99;
    const consensus = rec('consensus', v, 'complete');
    const a = only(
      runAnalyses(review(SMD), [{ study: 's1', reviewers: [rec('ek', v), rec('mk', other)], consensus }]),
    );
    assert.equal(a.studies[0]!.source, 'consensus');
  });

  test('a draft record, a single reviewer, an unreadable record: excluded with the reason', () => {
    const v = value({ study: 's1', ...TWO_ARMS });
    const studies: StudyRecords[] = [
      { study: 'draft', reviewers: [rec('ek', v), rec('mk', v, 'draft')] },
      { study: 'single', reviewers: [rec('ek', v)] },
      {
        study: 'broken',
        reviewers: [rec('ek', v), { reviewer: 'mk', path: 'x', value: undefined, status: undefined }],
      },
    ];
    const a = only(runAnalyses(review(SMD), studies));
    assert.equal(a.k, 0);
    assert.match(reasonOf(a, 'draft'), /mk has not completed the record yet/);
    assert.match(reasonOf(a, 'single'), /only ek has extracted it/);
    assert.match(reasonOf(a, 'broken'), /record of mk cannot be read/);
  });
});

describe('from arms to one effect size', () => {
  test('exclusion reasons: NR, not extracted, a missing side, no outcome, the wrong type, not computable', () => {
    const studies = [
      agreed({
        study: 'nr-mean',
        arms: TWO_ARMS.arms,
        results: { online: { mean: 'NR', sd: 0.8, n: 25 }, f2f: { mean: 5.6, sd: 0.9, n: 28 } },
      }),
      agreed({ study: 'no-result', arms: TWO_ARMS.arms, results: { online: { mean: 5.9, sd: 0.8, n: 25 } } }),
      agreed({
        study: 'no-control',
        arms: [['online', 'email', 25]],
        results: { online: { mean: 5.9, sd: 0.8, n: 25 } },
      }),
      agreed({ study: 'no-outcome', ...TWO_ARMS, outcome: 'other' }),
      agreed({ study: 'wrong-type', ...TWO_ARMS, type: 'dichotomous' }),
      agreed({
        study: 'sd-zero',
        arms: TWO_ARMS.arms,
        results: { online: { mean: 5.9, sd: 0, n: 25 }, f2f: { mean: 5.6, sd: 0.9, n: 28 } },
      }),
      agreed({
        study: 'n-one',
        arms: [
          ['online', 'email', 1],
          ['f2f', 'face-to-face', 28],
        ],
        results: { online: { mean: 5.9, sd: 0.8, n: 1 }, f2f: { mean: 5.6, sd: 0.9, n: 28 } },
      }),
      agreed({
        study: 'nr-n',
        arms: [
          ['online', 'email', 'NR'],
          ['f2f', 'face-to-face', 'NR'],
        ],
        results: { online: { mean: 5.9, sd: 0.8, n: 'NR' }, f2f: { mean: 5.6, sd: 0.9, n: 'NR' } },
      }),
    ];
    const a = only(runAnalyses(review(SMD), studies));
    assert.equal(a.k, 0);
    assert.equal(a.runnable, false);
    assert.match(a.reason!, /nothing to pool/);
    assert.equal(reasonOf(a, 'nr-mean'), 'mean of arm online is NR (not reported)');
    assert.equal(reasonOf(a, 'no-result'), 'the result of arm f2f is not extracted');
    assert.equal(reasonOf(a, 'no-control'), 'no arm in the control groups (face-to-face)');
    assert.equal(reasonOf(a, 'no-outcome'), 'no outcome alliance in the record');
    assert.match(reasonOf(a, 'wrong-type'), /is dichotomous, but SMD needs a continuous outcome/);
    assert.match(reasonOf(a, 'sd-zero'), /not computable: an SD is not greater than 0/);
    assert.match(reasonOf(a, 'n-one'), /not computable: an arm has n < 2/);
    assert.equal(
      reasonOf(a, 'nr-n'),
      'n of arm online is NR (not reported); n of arm f2f is NR (not reported)',
    );
  });

  test('several experimental arms are combined first (Handbook formula), the shared control counted once', () => {
    const study = agreed({
      study: 'three-arm',
      arms: [
        ['mail', 'email', 20],
        ['phone', 'telephone', 30],
        ['f2f', 'face-to-face', 25],
      ],
      results: {
        mail: { mean: 5, sd: 1, n: 20 },
        phone: { mean: 6, sd: 1.5, n: 30 },
        f2f: { mean: 5.5, sd: 1.2, n: 25 },
      },
    });
    const a = only(runAnalyses(review(SMD), [study]));
    const s = a.studies[0]!;
    const e = combineTwo({ mean: 5, sd: 1, n: 20 }, { mean: 6, sd: 1.5, n: 30 });
    // By hand: N = 50, M = (100 + 180)/50 = 5.6, SD² = (19 + 29·2.25 + 12·(25 + 36 − 60))/49.
    close(e.mean, 5.6);
    close(e.sd, Math.sqrt((19 + 29 * 2.25 + 12) / 49));
    const expected = standardizedMeanDifference(e, { mean: 5.5, sd: 1.2, n: 25 });
    assert.ok(expected.ok);
    close(s.yi, expected.yi);
    close(s.vi, expected.vi);
    assert.deepEqual(s.inputs.experimental?.arms, ['mail', 'phone']);
    assert.equal(s.inputs.experimental?.n, 50);
    assert.equal(s.inputs.control?.n, 25);
    assert.match(
      s.conversions.join('\n'),
      /experimental arms mail \+ phone combined \(Cochrane Handbook Table 6\.5\.a\)/,
    );
  });

  test('an arm group on both sides is a configuration error; the analysis cannot run', () => {
    const a = only(
      runAnalyses(
        review(`    - id: bad
      outcome: alliance
      measure: MD
      experimental: [email]
      control: [email, face-to-face]
`),
        [agreed({ study: 's1', ...TWO_ARMS })],
      ),
    );
    assert.equal(a.runnable, false);
    assert.equal(a.k, 0);
    assert.match(a.reason!, /"email" is listed as both experimental and control/);
  });

  test('conversions: SD from an SE or a CI, n from the arm, events from a percentage', () => {
    const md = `    - id: md
      outcome: alliance
      measure: MD
      experimental: [email]
      control: [face-to-face]
`;
    const a = only(
      runAnalyses(review(md), [
        agreed({
          study: 'se',
          arms: [
            ['online', 'email', 25],
            ['f2f', 'face-to-face', 36],
          ],
          results: {
            online: { mean: 5.9, se: 0.2 },
            f2f: { mean: 5.6, ci: { lower: 5.2, upper: 6.0 }, n: 36 },
          },
        }),
      ]),
    );
    const s = a.studies[0]!;
    const sdE = 0.2 * Math.sqrt(25);
    assert.ok(s.inputs.control?.sd !== undefined);
    const expected = meanDifference(
      { mean: 5.9, sd: sdE, n: 25 },
      { mean: 5.6, sd: s.inputs.control.sd, n: 36 },
    );
    assert.ok(expected.ok);
    close(s.vi, expected.vi);
    const notes = s.conversions.join('\n');
    assert.match(notes, /n of arm online: the arm's randomized n/);
    assert.match(notes, /sd of arm online from its SE/);
    assert.match(notes, /sd of arm f2f from its 95% CI \(t with 35 df, n < 60\)/);

    const rr = `    - id: rr
      outcome: alliance
      measure: RR
      experimental: [email]
      control: [face-to-face]
`;
    const b = only(
      runAnalyses(review(rr), [
        agreed({
          study: 'pct',
          type: 'dichotomous',
          arms: [
            ['online', 'email', 40],
            ['f2f', 'face-to-face', 40],
          ],
          results: { online: { percent: 25, n: 40 }, f2f: { events: 20, n: 40 } },
        }),
      ]),
    );
    const expectedRr = twoByTwo('RR', { events: 10, n: 40 }, { events: 20, n: 40 });
    assert.ok(expectedRr.ok);
    close(b.studies[0]!.yi, expectedRr.yi);
    assert.match(
      b.studies[0]!.conversions.join(),
      /events of arm online from its percentage \(25% of 40, rounded to 10\)/,
    );
    assert.ok(b.studies[0]!.back_transformed);
    close(b.studies[0]!.back_transformed.yi, 0.5);
  });

  test('a correlation comes from the whole sample (`all`), pooled through z and shown as r', () => {
    const cor = `    - id: cor
      outcome: alliance-outcome
      measure: COR
      experimental: [email]
      control: [face-to-face]
`;
    const mk = (study: string, r: number, n: number) =>
      agreed({
        study,
        outcome: 'alliance-outcome',
        type: 'correlation',
        arms: TWO_ARMS.arms,
        results: { all: { r, n } },
      });
    const a = only(runAnalyses(review(cor), [mk('c1', 0.3, 50), mk('c2', 0.1, 80), mk('c3', 0.45, 40)]));
    assert.equal(a.k, 3);
    assert.deepEqual(a.studies[0]!.inputs.correlation, { source: 'all', r: 0.3, n: 50 });
    const expected = pool(
      [
        [0.3, 50],
        [0.1, 80],
        [0.45, 40],
      ].map(([r, n]) => {
        const z = fisherZ(r!, n!);
        assert.ok(z.ok);
        return z;
      }),
      { model: 'random', method: 'REML', ci: 'z' },
    );
    assert.ok(expected.pooled);
    close(a.estimate, expected.estimate);
    assert.equal(a.back_transformed?.transform, 'tanh');
    close(a.back_transformed!.estimate, Math.tanh(expected.estimate));
  });
});

describe('results', () => {
  const studies = [
    agreed({ study: 'e1', ...TWO_ARMS }),
    agreed({
      study: 'e2',
      arms: [
        ['online', 'email', 40],
        ['f2f', 'face-to-face', 40],
      ],
      results: { online: { mean: 6.1, sd: 0.7, n: 40 }, f2f: { mean: 5.5, sd: 0.8, n: 40 } },
    }),
    agreed({
      study: 't1',
      arms: [
        ['tel', 'telephone', 30],
        ['f2f', 'face-to-face', 30],
      ],
      results: { tel: { mean: 5.0, sd: 1.0, n: 30 }, f2f: { mean: 5.2, sd: 1.1, n: 30 } },
    }),
    agreed({
      study: 'both',
      arms: [
        ['tel', 'telephone', 20],
        ['mail', 'email', 20],
        ['f2f', 'face-to-face', 20],
      ],
      results: {
        tel: { mean: 5.0, sd: 1.0, n: 20 },
        mail: { mean: 5.4, sd: 0.9, n: 20 },
        f2f: { mean: 5.1, sd: 1.0, n: 20 },
      },
    }),
  ];
  const withSubgroups = `    - id: sub
      outcome: alliance
      measure: SMD
      experimental: [email, telephone]
      control: [face-to-face]
      subgroup: experimental-group
`;

  test('the DESIGN §3 fields, with the weights in percent', () => {
    const a = only(runAnalyses(review(withSubgroups), studies));
    for (const key of [
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
    ])
      assert.ok(key in a, `missing ${key}`);
    assert.equal(a.k, 4);
    assert.equal(a.model, 'random');
    assert.equal(a.method, 'REML');
    assert.equal(a.pooled, true);
    assert.equal(a.runnable, true);
    close(
      a.studies.reduce((s, x) => s + x.weight!, 0),
      100,
      1e-9,
    );
    for (const s of a.studies) for (const key of ['study', 'yi', 'vi', 'weight']) assert.ok(key in s);
    const direct = pool(a.studies, { model: 'random', method: 'REML', ci: 'z' });
    assert.ok(direct.pooled);
    close(a.estimate, direct.estimate);
    close(a.tau2, direct.tau2);
  });

  test('subgroups by the experimental arm group; a study with arms in two groups is a subgroup of its own', () => {
    const a = only(runAnalyses(review(withSubgroups), studies));
    assert.deepEqual(
      a.subgroups!.map((s) => [s.label, s.studies]),
      [
        ['email', ['e1', 'e2']],
        ['email, telephone', ['both']],
        ['telephone', ['t1']],
      ],
    );
    const email = a.subgroups![0]!;
    const direct = pool(
      a.studies.filter((s) => s.subgroup === 'email'),
      { model: 'random', method: 'REML', ci: 'z' },
    );
    assert.ok(direct.pooled);
    close(email.estimate, direct.estimate);
    assert.equal(a.subgroups![1]!.estimate, null, 'one study: not pooled');
    // The test uses every subgroup: the pooled one and the two single studies (their yi and √vi).
    assert.equal(a.subgroup_test!.df, 2);
    const inputs = [
      { estimate: email.estimate!, se: email.se! },
      ...['both', 't1'].map((id) => {
        const s = a.studies.find((x) => x.study === id)!;
        return { estimate: s.yi, se: Math.sqrt(s.vi) };
      }),
    ];
    const w = inputs.map((x) => 1 / x.se ** 2);
    const mean = inputs.reduce((s, x, i) => s + w[i]! * x.estimate, 0) / w.reduce((s, x) => s + x, 0);
    close(
      a.subgroup_test!.q,
      inputs.reduce((s, x, i) => s + w[i]! * (x.estimate - mean) ** 2, 0),
      1e-10,
    );
  });

  test('one study: shown, not pooled, and still runnable; common effect is reported as FE', () => {
    const one = only(runAnalyses(review(SMD), [studies[0]!]));
    assert.equal(one.k, 1);
    assert.equal(one.estimate, null);
    assert.equal(one.pooled, false);
    assert.equal(one.runnable, true);
    assert.equal(one.studies[0]!.weight, null);
    assert.match(one.reason!, /Only one study/);
    const common = only(
      runAnalyses(
        review(`    - id: c
      outcome: alliance
      measure: MD
      model: common
      experimental: [email]
      control: [face-to-face]
`),
        studies,
      ),
    );
    assert.equal(common.method, 'FE');
    assert.equal(common.pi, null);
    assert.equal(common.tau2, 0);
  });

  test('POMP: means of every study with a speaking record and a scale, per arm group', () => {
    const scaled = [
      agreed({ study: 'p1', ...TWO_ARMS, scale: { min: 1, max: 7 } }),
      agreed({
        study: 'p2',
        arms: [
          ['online', 'email', 'NR'],
          ['f2f', 'face-to-face', 'NR'],
        ],
        results: { online: { mean: 60, sd: 8, n: 'NR' }, f2f: { mean: 48, sd: 8, n: 'NR' } },
        scale: { min: 12, max: 84 },
      }),
      agreed({
        study: 'p3',
        ...TWO_ARMS,
        scale: { min: 1, max: 7, higher_is_better: false },
      }),
    ];
    const a = only(runAnalyses(review(SMD), scaled));
    assert.equal(a.k, 2, 'p2 cannot be pooled (n NR) but is described');
    const groups = Object.fromEntries(a.descriptive!.groups.map((g) => [g.group, g]));
    assert.equal(groups['email']!.k, 3);
    close(groups['email']!.max, (100 * 4.9) / 6);
    close(groups['email']!.min, 100 - (100 * 4.9) / 6);
    close(groups['face-to-face']!.studies.find((s) => s.study === 'p2')!.pomp, (100 * 36) / 72);
  });
});
