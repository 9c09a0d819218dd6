// Generates the synthetic review the benchmark checks: 1,000 studies × 2 reviewers of realistic records
// (citation, 2–4 arms, 3–7 outcomes with results per arm, `# src:` comments, some NR values), valid
// against the example review's extraction schema, plus one ~300-line record. Deterministic: a seeded
// PRNG, and a stamp file so that an unchanged generator does not rewrite 2,000 files on every run.
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import * as nodePath from 'node:path';

/** Bump when the generated output changes; a different stamp regenerates everything. */
const GENERATOR_VERSION = 4;
const SEED = 20_160_504;
const STUDIES = 1000;
const REVIEWERS = ['ek', 'mk'] as const;

const BENCH_DIR = __dirname;
export const GENERATED_DIR = nodePath.join(BENCH_DIR, '.generated');
export const REVIEW_DIR = nodePath.join(GENERATED_DIR, 'review');
export const LARGE_RECORD = nodePath.join(GENERATED_DIR, 'large-2020.study.yaml');
export const EXAMPLE_SCHEMA = nodePath.join(
  BENCH_DIR,
  '..',
  'examples',
  'therapeutic-alliance',
  'schemas',
  'extraction.schema.json',
);
const STAMP = nodePath.join(GENERATED_DIR, 'stamp.json');

/** mulberry32: small, fast and good enough for test data. */
function prng(seed: number) {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const int = (lo: number, hi: number) => lo + Math.floor(next() * (hi - lo + 1));
  const pick = <T>(items: readonly T[]): T => items[Math.floor(next() * items.length)]!;
  const chance = (p: number) => next() < p;
  const sample = <T>(items: readonly T[], k: number): T[] => {
    const copy = [...items];
    for (let i = copy.length - 1; i > 0; i--) {
      const j = Math.floor(next() * (i + 1));
      [copy[i], copy[j]] = [copy[j]!, copy[i]!];
    }
    return copy.slice(0, k);
  };
  return { next, int, pick, chance, sample };
}
type Rng = ReturnType<typeof prng>;

const SURNAMES = [
  'Andersson',
  'Berger',
  'Lindner',
  'Ly',
  'Meyer',
  'Preschl',
  'Stiles-Shields',
  'Wagner',
  'Maercker',
  'Carlbring',
  'Cuijpers',
  'Ebert',
  'Titov',
  'Dear',
  'Richards',
  'Kenwright',
  'Mohr',
  'Klein',
  'Knaevelsrud',
  'Hedman',
  'Ljotsson',
  'Kaldo',
  'Wright',
  'Lorenzo-Luaces',
  'Schuster',
  'Sander',
  'Baumeister',
  'Riper',
  'Karyotaki',
  'Kleiboer',
  'Topooco',
  'Vernmark',
  'Nordgren',
  'Jakob',
  'Zagorscak',
];
const INITIALS = ['A', 'B', 'C', 'D', 'E', 'G', 'H', 'J', 'K', 'L', 'M', 'N', 'P', 'R', 'S', 'T', 'AB', 'JM'];
const JOURNALS = [
  'BMC Psychiatry',
  'Behav Res Ther',
  'J Med Internet Res',
  'J Consult Clin Psychol',
  'Internet Interv',
  'Psychother Psychosom',
  'J Affect Disord',
  'Cogn Behav Ther',
  'Psychol Med',
  'JMIR Ment Health',
];
const COUNTRIES = [
  'Sweden',
  'Germany',
  'Switzerland',
  'Netherlands',
  'USA',
  'Australia',
  'UK',
  'Austria',
  'NR',
];
/** The example schema's eight treatment conditions, with arm ids and labels a reviewer would write. */
const ARM_KINDS = [
  { id: 'f2f', group: 'face-to-face', label: 'Face-to-face CBT' },
  { id: 'email', group: 'email', label: 'CBT via email' },
  { id: 'phone', group: 'telephone', label: 'Telephone-administered CBT' },
  { id: 'online', group: 'internet-program', label: 'Guided internet program' },
  { id: 'app', group: 'face-to-face+app', label: 'Face-to-face CBT plus smartphone app' },
  { id: 'blended', group: 'internet-program+face-to-face', label: 'Blended treatment' },
  { id: 'icbt-tau', group: 'internet-program+tau', label: 'Internet program added to usual care' },
  {
    id: 'supported',
    group: 'internet-program+email-telephone',
    label: 'Internet program with therapist support',
  },
] as const;
/** The example schema's outcome ids (an enum): at most seven outcomes per record. */
const OUTCOME_IDS = [
  'alliance-total',
  'alliance-mid',
  'alliance-task',
  'alliance-bond',
  'alliance-goal',
  'alliance-therapist',
  'alliance-positive',
] as const;
const INSTRUMENTS = [
  { name: 'WAI', min: 1, max: 7 },
  { name: 'WAI-S', min: 12, max: 84 },
  { name: 'WAI-SR', min: 1, max: 5 },
  { name: 'WAI-internet', min: 1, max: 7 },
  { name: 'HAq', min: 1, max: 6 },
] as const;
const TIMEPOINTS = ['weeks 3-4', 'mid-treatment', 'post-treatment', 'week 14', 'session 3', 'week 8', 'NR'];
const FINDINGS = [
  'predicted-outcome',
  'correlated-with-outcome',
  'mixed',
  'no-association',
  'not-examined',
  'NR',
];
const DIFFERENCES = ['differed', 'no-difference', 'not-tested', 'NR'];
const SOURCES = [
  'p. 3, Table 1',
  'p. 5, Table 2',
  'p. 6, Figure 2',
  'p. 4, Methods',
  'p. 7, Results',
  'Supplement S2',
  'p. 2, Abstract',
];

const round = (x: number, digits: number) => Number(x.toFixed(digits));
/** Pads a line to a comment column, as a reviewer aligns `# src:` comments. */
const withSource = (line: string, source: string | undefined) =>
  source === undefined ? line : `${line.padEnd(40)} # src: ${source}`;

interface Arm {
  id: string;
  group: string;
  label: string;
  n: number | 'NR';
}

interface StudyPlan {
  id: string;
  authors: string[];
  year: number;
  journal: string;
  volume: number;
  issue: number;
  pages: string;
  doi: string;
  pmid: string | undefined;
  registration: string | undefined;
  design: string;
  country: string;
  arms: Arm[];
  outcomes: string[];
  /** Per-outcome random draws, shared by both reviewers so that they mostly agree. */
  outcomeSeeds: number[];
}

function planStudy(rng: Rng, index: number): StudyPlan {
  const first = rng.pick(SURNAMES);
  const year = rng.int(1998, 2024);
  const id = `${first.toLowerCase()}-${year}-${String(index).padStart(4, '0')}`;
  const authors = [
    first,
    ...rng.sample(
      SURNAMES.filter((s) => s !== first),
      rng.int(0, 5),
    ),
  ].map((s) => `${s} ${rng.pick(INITIALS)}`);
  const armCount = rng.int(2, 4);
  const kinds = rng.sample(ARM_KINDS, armCount);
  const arms = kinds.map((kind) => ({
    id: kind.id,
    group: kind.group,
    label: `${kind.label}, ${rng.int(6, 18)} ${rng.chance(0.5) ? 'weeks' : 'sessions'}`,
    n: rng.chance(0.12) ? ('NR' as const) : rng.int(12, 160),
  }));
  const outcomeCount = rng.int(3, OUTCOME_IDS.length);
  const outcomes = OUTCOME_IDS.slice(0, outcomeCount);
  return {
    id,
    authors,
    year,
    journal: rng.pick(JOURNALS),
    volume: rng.int(1, 120),
    issue: rng.int(1, 12),
    pages: rng.chance(0.5) ? `${rng.int(100, 900)}-${rng.int(901, 999)}` : `e${rng.int(10000, 29999)}`,
    doi: `10.${rng.int(1000, 99999)}/${rng.pick(['s', 'j.', 'jmir.', 'bmc.'])}${rng.int(100000, 999999)}-${year}`,
    pmid: rng.chance(0.7) ? String(rng.int(10_000_000, 39_999_999)) : undefined,
    registration: rng.chance(0.6) ? `NCT0${rng.int(1_000_000, 5_999_999)}` : undefined,
    design: rng.chance(0.8) ? 'rct' : rng.pick(['rct-secondary-analysis', 'NR']),
    country: rng.pick(COUNTRIES),
    arms,
    outcomes,
    outcomeSeeds: outcomes.map(() => rng.int(1, 2 ** 31 - 1)),
  };
}

/** One reviewer's record of a planned study; the second reviewer disagrees now and then. */
function renderRecord(plan: StudyPlan, reviewer: string, rng: Rng, full = false): string {
  // `full`: every optional field and block-style results with intervals (the ~300-line record).
  const second = reviewer !== REVIEWERS[0];
  const drift = (x: number) => (second && rng.chance(0.04) ? x + 0.1 : x);
  const src = () => (rng.chance(0.7) ? rng.pick(SOURCES) : undefined);
  const lines: string[] = [];
  lines.push(`study: ${plan.id}`, `reviewer: ${reviewer}`);
  lines.push(`status: ${rng.chance(0.9) ? 'complete' : 'draft'}`, 'protocol_version: 1');
  lines.push('citation:');
  lines.push(withSource(`  authors: [${plan.authors.join(', ')}]`, 'title page'));
  lines.push(`  year: ${plan.year}`);
  lines.push(
    `  title: Working alliance in ${plan.arms.map((a) => a.group).join(' versus ')} treatment of depression`,
  );
  lines.push(`  journal: ${plan.journal}`, `  volume: ${plan.volume}`, `  issue: ${plan.issue}`);
  lines.push(`  pages: ${plan.pages}`, `  doi: ${plan.doi}`);
  if (plan.pmid) lines.push(`  pmid: "${plan.pmid}"`);
  if (plan.registration) lines.push(withSource(`  registration: ${plan.registration}`, 'p. 2, Methods'));
  lines.push(withSource(`design: ${plan.design}`, src()));
  lines.push(`country: ${plan.country}`);
  const ns = plan.arms.map((a) => a.n);
  const total = ns.every((n): n is number => typeof n === 'number') ? ns.reduce((s, n) => s + n, 0) : 'NR';
  lines.push(withSource(`total_n: ${total}`, 'p. 3, Figure 1 (CONSORT)'));
  lines.push('arms:');
  for (const arm of plan.arms) {
    lines.push(`  - id: ${arm.id}`, `    label: ${arm.label}`, `    group: ${arm.group}`);
    lines.push(withSource(`    n: ${arm.n}`, src()));
  }
  lines.push('outcomes:');
  plan.outcomes.forEach((id, index) => {
    // The draws that define the data come from the plan, so both reviewers extract the same numbers.
    const data = prng(plan.outcomeSeeds[index]!);
    const instrument = data.pick(INSTRUMENTS);
    const type =
      id === 'alliance-positive' ? 'dichotomous' : !full && data.chance(0.08) ? 'correlation' : 'continuous';
    lines.push(`  - id: ${id}`);
    if (full || data.chance(0.3)) lines.push(`    label: ${instrument.name} total score as reported`);
    lines.push(`    type: ${type}`);
    lines.push(withSource(`    instrument: ${instrument.name}`, src()));
    lines.push(`    rater: ${id === 'alliance-therapist' ? 'therapist' : 'client'}`);
    lines.push(withSource(`    timepoint: ${data.pick(TIMEPOINTS)}`, src()));
    const withScale = type === 'continuous' && (full || data.chance(0.6));
    if (withScale) lines.push(`    scale: { min: ${instrument.min}, max: ${instrument.max} }`);
    if (full || data.chance(0.5)) lines.push(withSource(`    finding: ${data.pick(FINDINGS)}`, src()));
    if (full || data.chance(0.5)) {
      lines.push(`    group_difference: ${data.pick(DIFFERENCES)}`);
      lines.push(`    p_value: ${data.chance(0.2) ? 'NR' : round(data.next(), 3)}`);
    }
    lines.push('    results:');
    if (type === 'correlation') {
      const n = data.int(20, 200);
      lines.push(withSource(`      all: { r: ${round(data.next() * 1.2 - 0.6, 2)}, n: ${n} }`, src()));
      return;
    }
    for (const arm of plan.arms) {
      const nrAll = !full && data.chance(0.1);
      const analysed = typeof arm.n === 'number' ? Math.max(1, arm.n - data.int(0, 6)) : data.int(10, 100);
      const n = data.chance(0.1) ? 'NR' : analysed;
      if (type === 'dichotomous') {
        const events = nrAll ? 'NR' : data.int(0, analysed);
        lines.push(withSource(`      ${arm.id}: { events: ${events}, n: ${n} }`, src()));
        continue;
      }
      const span = instrument.max - instrument.min;
      const mean = nrAll ? 'NR' : drift(round(instrument.min + span * (0.55 + data.next() * 0.35), 2));
      const sd = nrAll ? 'NR' : round(span * (0.08 + data.next() * 0.12), 2);
      if (!full) {
        lines.push(withSource(`      ${arm.id}: { mean: ${mean}, sd: ${sd}, n: ${n} }`, src()));
        continue;
      }
      lines.push(`      ${arm.id}:`);
      lines.push(withSource(`        mean: ${mean}`, src()), `        sd: ${sd}`, `        n: ${n}`);
      if (typeof mean === 'number' && typeof sd === 'number') {
        const half = round(1.96 * (sd / Math.sqrt(analysed)), 2);
        lines.push(
          '        ci:',
          `          lower: ${round(mean - half, 2)}`,
          `          upper: ${round(mean + half, 2)}`,
        );
        lines.push('          level: 0.95');
      }
    }
  });
  if (rng.chance(0.35) || full) {
    lines.push('notes: >-');
    lines.push(
      '  Alliance was rated by the client unless stated otherwise; per-arm n is the number analysed.',
    );
    lines.push(`  Extracted by ${reviewer} from the main report and its supplement.`);
  }
  return `${lines.join('\n')}\n`;
}

const REVIEW_YAML = `# Synthetic review for the benchmark, modelled on examples/therapeutic-alliance.
title: Therapeutic alliance in technology-based interventions for depression (synthetic, 1,000 studies)
registration: PROSPERO CRD42016050413
version: 1
schema: schemas/extraction.schema.json
records: records/{reviewer}/{study}.study.yaml
reviewers: [${REVIEWERS.join(', ')}]
consensus: consensus
blind: true
compare:
  ignore: [notes]
  tolerance: 0
synthesis:
  analyses:
    - id: alliance-tbi-vs-f2f
      title: Client-rated working alliance, technology-based vs face-to-face
      outcome: alliance-total
      measure: SMD
      model: random
      method: REML
      ci: z
      experimental:
        - email
        - telephone
        - internet-program
        - face-to-face+app
        - internet-program+face-to-face
        - internet-program+tau
        - internet-program+email-telephone
      control: [face-to-face]
      subgroup: experimental-group
`;

/** A ~300-line record: four arms, all seven outcomes, block-style results with intervals. */
function largeRecordText(): string {
  const rng = prng(SEED + 1);
  const plan = planStudy(rng, 0);
  plan.id = 'large-2020';
  plan.arms = ARM_KINDS.slice(0, 4).map((kind, i) => ({
    ...kind,
    label: `${kind.label}, 12 weeks`,
    n: 40 + i * 7,
  }));
  plan.outcomes = [...OUTCOME_IDS];
  plan.outcomeSeeds = plan.outcomes.map((_, i) => 1000 + i);
  return renderRecord(plan, 'ek', rng, true);
}

export interface GeneratedReview {
  root: string;
  records: number;
  regenerated: boolean;
}

/** Share of records given one error in the `errors` variant. */
const ERROR_RATE = 0.9;

/**
 * One error a reviewer could make, written into a clean record's text: a misspelt field, a value of the
 * wrong type or outside its vocabulary, a number the record rules refuse. Each is an error of `check`.
 */
const MISTAKES: { pattern: RegExp; replace: string }[] = [
  { pattern: /^ {2}journal:/m, replace: '  jounal:' },
  { pattern: /^total_n: \d+/m, replace: 'total_n: many' },
  { pattern: /^design: rct\b/m, replace: 'design: rtc' },
  { pattern: /^( {2}- id: \S+\n {4}label: .*\n {4}group: )\S+/m, replace: '$1phone-call' },
  { pattern: /sd: (\d)/, replace: 'sd: -$1' },
  { pattern: /^ {2}year: \d+/m, replace: '  year: 20O4' },
];

/** The record with one of the mistakes above (the first that applies from a random start). */
function withMistake(text: string, rng: Rng): string {
  const start = rng.int(0, MISTAKES.length - 1);
  for (let i = 0; i < MISTAKES.length; i++) {
    const mistake = MISTAKES[(start + i) % MISTAKES.length]!;
    if (mistake.pattern.test(text)) return text.replace(mistake.pattern, mistake.replace);
  }
  return text.replace(/^status:/m, 'staus:');
}

/**
 * A variant of the synthetic review in a folder of its own: `studies` studies (× 2 reviewers), and with
 * `errors`, ERROR_RATE of the records carrying one error each. Same seed, so the clean records of a
 * variant are those of the main review.
 */
export function ensureVariant(name: string, options: { studies: number; errors?: boolean }): GeneratedReview {
  ensureGenerated();
  const root = nodePath.join(GENERATED_DIR, name);
  const schemaText = readFileSync(EXAMPLE_SCHEMA, 'utf8');
  const stampFile = `${root}.stamp.json`;
  const stamp = JSON.stringify({
    generator: GENERATOR_VERSION,
    variant: 1,
    seed: SEED,
    ...options,
    schema: createHash('sha256').update(schemaText).digest('hex'),
  });
  const records = options.studies * REVIEWERS.length;
  if (existsSync(stampFile) && readFileSync(stampFile, 'utf8') === stamp)
    return { root, records, regenerated: false };
  rmSync(root, { recursive: true, force: true });
  writeReview(root, schemaText, options.studies, options.errors ? prng(SEED + 2) : undefined);
  writeFileSync(stampFile, stamp);
  return { root, records, regenerated: true };
}

function writeReview(root: string, schemaText: string, studies: number, mistakes?: Rng): void {
  mkdirSync(nodePath.join(root, 'schemas'), { recursive: true });
  writeFileSync(nodePath.join(root, 'review.yaml'), REVIEW_YAML);
  writeFileSync(nodePath.join(root, 'schemas', 'extraction.schema.json'), schemaText);
  for (const reviewer of REVIEWERS) mkdirSync(nodePath.join(root, 'records', reviewer), { recursive: true });
  const rng = prng(SEED);
  for (let i = 0; i < studies; i++) {
    const plan = planStudy(rng, i);
    for (const reviewer of REVIEWERS) {
      const file = nodePath.join(root, 'records', reviewer, `${plan.id}.study.yaml`);
      const text = renderRecord(plan, reviewer, rng);
      writeFileSync(file, mistakes && mistakes.chance(ERROR_RATE) ? withMistake(text, mistakes) : text);
    }
  }
}

/** Writes the review unless a stamp says the same generator already wrote it. */
export function ensureGenerated(): GeneratedReview {
  const schemaText = readFileSync(EXAMPLE_SCHEMA, 'utf8');
  const stamp = JSON.stringify({
    generator: GENERATOR_VERSION,
    seed: SEED,
    studies: STUDIES,
    reviewers: REVIEWERS,
    schema: createHash('sha256').update(schemaText).digest('hex'),
  });
  const records = STUDIES * REVIEWERS.length;
  if (existsSync(STAMP) && readFileSync(STAMP, 'utf8') === stamp && existsSync(LARGE_RECORD)) {
    return { root: REVIEW_DIR, records, regenerated: false };
  }
  rmSync(GENERATED_DIR, { recursive: true, force: true });
  writeReview(REVIEW_DIR, schemaText, STUDIES);
  writeFileSync(LARGE_RECORD, largeRecordText());
  writeFileSync(STAMP, stamp);
  return { root: REVIEW_DIR, records, regenerated: true };
}
