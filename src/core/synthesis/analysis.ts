// Runs the analyses of review.yaml over the extracted records: decides which record speaks for each study
// (DESIGN §4), turns its arms into one effect size per study, pools them and splits them into subgroups.
// Every study is either included or listed as excluded with the reason.
import { fastYamlValue, parseYaml } from '../yaml/yamlDocument';
import type { Diagnostic } from '../common/diagnostic';
import type { ReviewFileSystem } from '../review/fileSystem';
import type { Review } from '../review/review';
import { listRecords } from '../review/review';
import { valuesAgree } from '../dual/compare';
import { isPlainObject } from '../common/values';
import { WHOLE_SAMPLE } from '../record/rules';
import {
  ABSENT,
  citationLabel,
  read,
  readCitation,
  readRecord,
  valueOf,
  type Arm,
  type ArmResult,
  type Reading,
  type RecordModel,
} from '../record/model';
import { diskReader, groupByStudy, type RecordReader } from '../dual/studyPairs';
import { speaker } from '../dual/speaker';
import { readAnalyses, type AnalysisConfig, type ParsedAnalysis } from './analysisConfig';
import { combineContinuous, combineDichotomous } from './stats/combineGroups';
import {
  backTransform,
  backTransformName,
  fisherZ,
  meanDifference,
  MEASURE_OUTCOME_TYPE,
  sdFromCi,
  sdFromSe,
  standardizedMeanDifference,
  studyInterval,
  twoByTwo,
  type EffectResult,
  type EventsN,
  type Measure,
  type MeanSdN,
} from './stats/effectSize';
import { pool, subgroupDifferences, type PooledResult, type PoolResult } from './stats/pooling';
import { pomp, summarizePomp, type PompGroupSummary, type PompValue } from './stats/pomp';
import { recordProblemText, usableRecords } from './characteristics';

type Obj = Record<string, unknown>;

/** One study's records as the synthesis reads them. */
export interface StudyRecords {
  study: string;
  /** The adjudicated record; `value` undefined when its YAML cannot be used. */
  consensus?: StudyRecord;
  /** The reviewers' records, in protocol order. */
  reviewers: StudyRecord[];
}

export interface StudyRecord {
  reviewer: string;
  path: string;
  value: Obj | undefined;
  status: string | undefined;
  /**
   * Why the record cannot be used, said after its path: "does not parse (YAML syntax error at line 12)".
   * Such a record is unreadable to the synthesis, whatever `value` holds.
   */
  problem?: string;
}

/** Codes of the problems that leave a record without data (it is too large, not text, …). */
const UNREADABLE_CODES = new Set([
  'file-too-large',
  'not-text',
  'too-deep',
  'alias-limit',
  'too-many-entries',
]);

/**
 * A record as the synthesis reads it, from its data and the diagnostics of reading (or checking) its text:
 * a record with a YAML syntax error does not parse, and the data a partial parse left is not used.
 */
export function studyRecordOf(
  found: { path: string; reviewer?: string },
  data: unknown,
  diagnostics: readonly Diagnostic[],
): StudyRecord {
  const problem = readingProblem(diagnostics);
  const value = problem === undefined && isPlainObject(data) ? data : undefined;
  return {
    reviewer: found.reviewer ?? '',
    path: found.path,
    value,
    status: value && typeof value.status === 'string' ? value.status : undefined,
    ...(problem !== undefined ? { problem } : {}),
  };
}

function readingProblem(diagnostics: readonly Diagnostic[]): string | undefined {
  const errors = diagnostics.filter((d) => d.severity === 'error');
  const syntax = errors
    .filter((d) => d.code === 'yaml-syntax')
    .sort(
      (a, b) => a.range.start.line - b.range.start.line || a.range.start.character - b.range.start.character,
    )[0];
  // Core counts lines from 0; what a reader is shown counts from 1.
  if (syntax) return `does not parse (YAML syntax error at line ${syntax.range.start.line + 1})`;
  const unreadable = errors.find((d) => UNREADABLE_CODES.has(String(d.code)));
  return unreadable ? `cannot be read (${unreadable.message.replace(/\.$/, '')})` : undefined;
}

/** Arm-level input of one side of a comparison, after conversions and combination. */
export interface SideInput {
  arms: string[];
  groups: string[];
  n: number;
  mean?: number;
  sd?: number;
  events?: number;
}

/** Arm-level inputs of a study, for reports and CSV. */
interface StudyInputs {
  experimental?: SideInput;
  control?: SideInput;
  /** Correlation measures: where r came from (`all` or an arm id), r and n. */
  correlation?: { source: string; r: number; n: number };
}

/** An included study: the contract fields (study, yi, vi, weight) and what a report or forest plot needs. */
export interface StudyResult {
  study: string;
  yi: number;
  vi: number;
  /** Percent of the total weight; null when nothing is pooled (k = 1). */
  weight: number | null;
  /** "Ly 2015": first author's surname and year, or the study id. */
  label: string;
  /** The study's own interval yi ± z·√vi. */
  ci: [number, number];
  /** Subgroup label (the experimental arms' groups), when the analysis has subgroups. */
  subgroup: string | null;
  /** Which record spoke: the consensus record, or the two reviewers' records that agree. */
  source: 'consensus' | 'agreed';
  inputs: StudyInputs;
  /** Conversions and corrections applied (e.g. "sd of arm online from its SE"). */
  conversions: string[];
  /** yi and its interval on the measure's natural scale (RR, OR: exp; COR: tanh). */
  back_transformed: { yi: number; ci: [number, number] } | null;
}

interface ExcludedStudy {
  study: string;
  reason: string;
}

/** Pooled figures in the shape of DESIGN §3 (and the extra fields shared with subgroups). */
export interface PooledFigures {
  k: number;
  estimate: number | null;
  se: number | null;
  ci: [number, number] | null;
  /** The test statistic: z, or t under Knapp-Hartung (see `test`). */
  z: number | null;
  p: number | null;
  tau2: number | null;
  /** Percent. */
  i2: number | null;
  h2: number | null;
  q: number | null;
  q_df: number | null;
  q_p: number | null;
  pi: [number, number] | null;
  /** Beyond the contract: */
  test: 'z' | 't' | null;
  df: number | null;
  tau2_se: number | null;
  /** Estimate, CI and PI on the natural scale of RR, OR (exp) and COR (tanh). */
  back_transformed: {
    transform: 'exp' | 'tanh';
    estimate: number;
    ci: [number, number];
    pi: [number, number] | null;
  } | null;
  /** Why nothing is pooled (k = 0 or 1, or a failure), else null. */
  reason: string | null;
}

export interface SubgroupResult extends PooledFigures {
  label: string;
  /** Ids of the subgroup's studies. */
  studies: string[];
}

export interface AnalysisResult extends PooledFigures {
  id: string;
  measure: Measure | string;
  /** `random` or `common`. */
  model: string;
  /** DL or REML for random effects; FE (metafor's name) for the common-effect model. */
  method: string;
  studies: StudyResult[];
  excluded: ExcludedStudy[];
  title: string | null;
  outcome: string | null;
  /** The configured interval method: z or hksj. */
  ci_method: string;
  level: number;
  /** Whether a pooled estimate exists. */
  pooled: boolean;
  /** False when the analysis cannot run at all (k = 0, or a broken configuration). */
  runnable: boolean;
  subgroups: SubgroupResult[] | null;
  subgroup_test: { q: number; df: number; p: number; method: string } | null;
  /** Continuous outcomes with a scale: POMP per arm group across studies (descriptive, not pooled). */
  descriptive: { measure: 'POMP'; groups: PompGroupSummary[] } | null;
}

export interface SynthesisReport {
  analyses: AnalysisResult[];
}

const SUBGROUP_TEST_METHOD =
  'Q test across subgroup estimates with a common-effect (fixed) model; each subgroup has its own tau²';

const LEVEL = 0.95;

/** Reads every study's records: reviewers' (protocol order) and consensus. */
export async function loadStudies(
  review: Review,
  fs: ReviewFileSystem,
  read: RecordReader = diskReader(review, fs),
): Promise<StudyRecords[]> {
  const { records } = await listRecords(review, fs);
  const studies: StudyRecords[] = [];
  const load = async (found: { path: string; reviewer?: string }): Promise<StudyRecord | undefined> => {
    const text = await read(found);
    if (text === undefined) return undefined;
    // The fast reader reads clean records; the others are parsed with positions, to place a syntax error.
    const fast = fastYamlValue(text);
    if (fast) return studyRecordOf(found, fast.value, []);
    const file = parseYaml(text);
    return studyRecordOf(found, file.usable ? file.value : undefined, file.diagnostics);
  };
  for (const [study, group] of groupByStudy(review, records)) {
    const reviewers = (await Promise.all(group.reviewers.map(load))).filter((r): r is StudyRecord => !!r);
    const consensus = group.consensus ? await load(group.consensus) : undefined;
    if (reviewers.length === 0 && !consensus) continue;
    studies.push({ study, reviewers, ...(consensus ? { consensus } : {}) });
  }
  return studies;
}

/** Opens nothing itself: runs the review's analyses over its records read through `fs`. */
export async function synthesizeReview(
  review: Review,
  fs: ReviewFileSystem,
  options: { read?: RecordReader } = {},
): Promise<SynthesisReport> {
  const studies = await loadStudies(review, fs, options.read);
  return runAnalyses(review, studies);
}

/** Runs every analysis of the review over already loaded studies (pure). */
export function runAnalyses(
  review: Pick<Review, 'config'>,
  studies: readonly StudyRecords[],
): SynthesisReport {
  const tolerance = review.config.compare.tolerance;
  return {
    analyses: readAnalyses(review.config.synthesis.analyses).map((parsed) =>
      runAnalysis(parsed, studies, { tolerance }),
    ),
  };
}

// ---------------------------------------------------------------------------------------------------------
// Which record speaks

function show(value: unknown): string {
  if (value === undefined || value === null) return '(not extracted)';
  if (typeof value === 'string') return value;
  return JSON.stringify(value);
}

/**
 * The values an analysis reads from a record, as id paths: the arms in its groups (their group and n), the
 * outcome's type and scale, and the outcome's results for those arms (and for the whole sample, for COR).
 * Values as written, so that a disagreement shows what each reviewer extracted.
 */
function readValues(record: RecordModel, analysis: AnalysisConfig, armIds: readonly string[]) {
  const values = new Map<string, unknown>();
  for (const id of armIds) {
    const arm = record.arm(id);
    values.set(`arms[${id}]`, arm === undefined ? undefined : 'present');
    values.set(`arms[${id}].group`, arm?.value.group);
    values.set(`arms[${id}].n`, arm?.value.n);
  }
  const base = `outcomes[${analysis.outcome}]`;
  const outcome = record.outcome(analysis.outcome);
  values.set(base, outcome === undefined ? undefined : 'present');
  values.set(`${base}.type`, outcome?.value.type);
  values.set(`${base}.scale`, outcome?.value.scale);
  const results = outcome?.results ?? {};
  // The whole sample's result is read only for a correlation.
  for (const id of analysis.measure === 'COR' ? [...armIds, WHOLE_SAMPLE] : armIds) {
    const result = results[id];
    if (!isPlainObject(result)) {
      values.set(`${base}.results.${id}`, result);
      continue;
    }
    for (const [key, value] of Object.entries(result)) values.set(`${base}.results.${id}.${key}`, value);
  }
  return values;
}

/** Arm ids of either record whose group is on either side of the analysis. */
function relevantArmIds(records: readonly RecordModel[], analysis: AnalysisConfig): string[] {
  const groups = new Set([...analysis.experimental, ...analysis.control]);
  const ids = new Set<string>();
  for (const record of records) {
    for (const arm of record.arms) {
      if (arm.id !== null && arm.group !== null && groups.has(arm.group)) ids.add(arm.id);
    }
  }
  return [...ids];
}

/** The disagreements between two records on what the analysis reads. */
function readDisagreements(
  a: Obj | undefined,
  b: Obj | undefined,
  analysis: AnalysisConfig,
  tolerance: number,
): { path: string; a: unknown; b: unknown }[] {
  const records = [readRecord(a), readRecord(b)] as const;
  const ids = relevantArmIds(records, analysis);
  const va = readValues(records[0], analysis, ids);
  const vb = readValues(records[1], analysis, ids);
  const out: { path: string; a: unknown; b: unknown }[] = [];
  for (const path of new Set([...va.keys(), ...vb.keys()])) {
    const x = va.get(path);
    const y = vb.get(path);
    if (!valuesAgree(x, y, tolerance)) out.push({ path, a: x, b: y });
  }
  // An arm or outcome present in one record only is one disagreement, not one per field below it.
  const whole = out.filter((d) => /^(arms|outcomes)\[[^\]]*\]$/.test(d.path)).map((d) => d.path);
  return out.filter((d) => !whole.some((w) => d.path !== w && d.path.startsWith(`${w}.`)));
}

type Spoken = { record: Obj; source: 'consensus' | 'agreed' } | { reason: string };

const names = (records: readonly { reviewer: string }[]) => records.map((r) => r.reviewer).join(' and ');

/** The record that speaks for the study in this analysis, or why none does. */
function speakingRecord(study: StudyRecords, analysis: AnalysisConfig, tolerance: number): Spoken {
  // Blinding hides nothing here: a study whose records are not both complete is excluded either way.
  const classified = speaker(usableRecords(study), {
    blind: false,
    compare: (a, b) => ({ disagreements: readDisagreements(a.value, b.value, analysis, tolerance) }),
  });
  if (classified.speaks) return { record: classified.speaks.record.value, source: classified.speaks.source };
  if (classified.consensus.state === 'unreadable')
    return {
      reason:
        recordProblemText(classified.consensus.record, true) ??
        `its consensus record (${classified.consensus.record.path}) cannot be read as a YAML mapping`,
    };
  const reviewers = classified.reviewers;
  // A record that exists but does not parse is the reason, before what its partner lacks.
  const broken = (reviewers.records as readonly StudyRecord[])
    .map((r) => recordProblemText(r))
    .filter((t): t is string => t !== undefined);
  if (broken.length > 0) return { reason: broken.join('; ') };
  switch (reviewers.kind) {
    case 'none':
      return { reason: 'no record' };
    case 'agreed':
      // Spoken above; kept for the type's sake.
      return { record: reviewers.records[0].value, source: 'agreed' };
    case 'disagreed': {
      const [a, b] = reviewers.records;
      const disagreements = reviewers.comparison.disagreements;
      // When both records leave the study out for the same reason (no control arm, say), that is the reason.
      const fromA = extract(a.value, analysis);
      const fromB = extract(b.value, analysis);
      if ('reason' in fromA && 'reason' in fromB && fromA.reason === fromB.reason)
        return { reason: fromA.reason };
      const shown = disagreements
        .slice(0, 3)
        .map((d) => `${d.path} (${a.reviewer}: ${show(d.a)}, ${b.reviewer}: ${show(d.b)})`);
      const more = disagreements.length > 3 ? ` and ${disagreements.length - 3} more` : '';
      return {
        reason: `unresolved disagreement${disagreements.length === 1 ? '' : 's'} on ${shown.join('; ')}${more}; adjudicate the study`,
      };
    }
    default: {
      if (reviewers.kind === 'single' || reviewers.records.length < 2)
        return {
          reason: `only ${reviewers.records[0].reviewer} has extracted it (a second record or a consensus record is needed)`,
        };
      if (reviewers.unreadable.length > 0)
        return { reason: `the record of ${names(reviewers.unreadable)} cannot be read as a YAML mapping` };
      const drafts = reviewers.waiting;
      return {
        reason: `${names(drafts)} ${drafts.length === 1 ? 'has' : 'have'} not completed the record yet (both records must be complete, or the study adjudicated)`,
      };
    }
  }
}

// ---------------------------------------------------------------------------------------------------------
// From a record to one effect size

interface ArmData {
  id: string;
  group: string;
  /** The arm's result for the outcome, when it is a mapping. */
  result: ArmResult | undefined;
  /** The arm's randomized n. */
  armN: Reading<number>;
}

/** Why a value cannot be used: NR, or not extracted. */
function missing(what: string, value: Reading<unknown>): string {
  return value.kind === 'NR' ? `${what} is NR (not reported)` : `${what} is not extracted`;
}

/** n of an arm's result, or the arm's randomized n when the result has none (recorded as a conversion). */
function armN(arm: ArmData, conversions: string[], problems: string[]): number | undefined {
  const n = arm.result?.n ?? ABSENT;
  if (n.kind === 'value') return n.value;
  if (arm.armN.kind === 'value') {
    conversions.push(
      `n of arm ${arm.id}: the arm's randomized n (the result's n is ${n.kind === 'NR' ? 'NR' : 'not extracted'})`,
    );
    return arm.armN.value;
  }
  problems.push(missing(`n of arm ${arm.id}`, n.kind === 'absent' ? arm.armN : n));
  return undefined;
}

function continuousArm(arm: ArmData, conversions: string[], problems: string[]): MeanSdN | undefined {
  const r = arm.result;
  const before = problems.length;
  const mean = valueOf(r?.mean ?? ABSENT);
  if (mean === undefined) problems.push(missing(`mean of arm ${arm.id}`, r?.mean ?? ABSENT));
  const n = armN(arm, conversions, problems);
  const se = valueOf(r?.se ?? ABSENT);
  const ci = r?.ci ?? null;
  const lower = ci ? valueOf(ci.lower) : undefined;
  const upper = ci ? valueOf(ci.upper) : undefined;
  let sd = valueOf(r?.sd ?? ABSENT);
  if (sd !== undefined) {
    // As extracted.
  } else if (se !== undefined && n !== undefined) {
    sd = sdFromSe(se, n);
    conversions.push(`sd of arm ${arm.id} from its SE (sd = se·√n)`);
  } else if (ci && lower !== undefined && upper !== undefined && n !== undefined) {
    const level = valueOf(ci.level) ?? 0.95;
    const converted = sdFromCi(lower, upper, n, level);
    sd = converted.sd;
    conversions.push(
      `sd of arm ${arm.id} from its ${Math.round(level * 100)}% CI (${converted.distribution === 't' ? `t with ${n - 1} df, n < 60` : 'normal'})`,
    );
  } else if (n !== undefined || (se === undefined && !ci)) {
    // Without an n, an SE or a CI may still give the SD once n is known: only the n is reported then.
    problems.push(missing(`sd of arm ${arm.id}`, r?.sd ?? ABSENT));
  }
  if (problems.length > before || mean === undefined || n === undefined || sd === undefined) return undefined;
  return { mean, sd, n };
}

function dichotomousArm(arm: ArmData, conversions: string[], problems: string[]): EventsN | undefined {
  const r = arm.result;
  const before = problems.length;
  const n = armN(arm, conversions, problems);
  const percent = valueOf(r?.percent ?? ABSENT);
  let events = valueOf(r?.events ?? ABSENT);
  if (events !== undefined) {
    // As extracted.
  } else if (percent !== undefined && n !== undefined) {
    events = Math.round((percent * n) / 100);
    conversions.push(
      `events of arm ${arm.id} from its percentage (${percent}% of ${n}, rounded to ${events})`,
    );
  } else if (n !== undefined || percent === undefined)
    problems.push(missing(`events of arm ${arm.id}`, r?.events ?? ABSENT));
  if (problems.length > before || n === undefined || events === undefined) return undefined;
  return { events, n };
}

interface Extracted {
  yi: number;
  vi: number;
  inputs: StudyInputs;
  conversions: string[];
  subgroup: string;
}

function unique<T>(values: readonly T[]): T[] {
  return [...new Set(values)];
}

type GroupedArm = Arm & { id: string; group: string };

/** The study's effect size from its speaking record, or the reasons it cannot be computed. */
function extract(value: Obj, analysis: AnalysisConfig): Extracted | { reason: string } {
  const record = readRecord(value);
  const expGroups = new Set(analysis.experimental);
  const ctlGroups = new Set(analysis.control);
  const arms = record.arms.filter((a): a is GroupedArm => a.id !== null && a.group !== null);
  const seen = new Set<string>();
  for (const arm of arms) {
    if (seen.has(arm.id))
      return {
        reason: `arm id ${arm.id} is used twice in the record, so its arms cannot be told apart`,
      };
    seen.add(arm.id);
  }
  const both = arms.filter((a) => expGroups.has(a.group) && ctlGroups.has(a.group));
  if (both.length > 0)
    return {
      reason: `arm ${both[0]!.id} (group ${both[0]!.group}) would be on both sides of the comparison`,
    };
  const outcome = record.outcome(analysis.outcome);
  const groupsText = (groups: readonly string[]) => groups.join(', ');
  const expArms = arms.filter((a) => expGroups.has(a.group));
  const ctlArms = arms.filter((a) => ctlGroups.has(a.group));
  const wanted = MEASURE_OUTCOME_TYPE[analysis.measure];

  if (analysis.measure !== 'COR') {
    const sides: string[] = [];
    if (expArms.length === 0)
      sides.push(`no arm in the experimental groups (${groupsText(analysis.experimental)})`);
    if (ctlArms.length === 0) sides.push(`no arm in the control groups (${groupsText(analysis.control)})`);
    if (sides.length > 0) return { reason: sides.join('; ') };
  } else if (expArms.length + ctlArms.length === 0) {
    return {
      reason: `no arm in the analysis' groups (${groupsText([...analysis.experimental, ...analysis.control])})`,
    };
  }
  if (!outcome) return { reason: `no outcome ${analysis.outcome} in the record` };
  if (outcome.type !== wanted)
    return {
      reason: `outcome ${analysis.outcome} is ${outcome.type ?? 'of no type'}, but ${analysis.measure} needs a ${wanted} outcome`,
    };
  const data = (arm: GroupedArm): ArmData => ({
    id: arm.id,
    group: arm.group,
    result: outcome.result(arm.id),
    armN: arm.n,
  });
  const conversions: string[] = [];
  const problems: string[] = [];
  const subgroup = unique(analysis.experimental.filter((g) => expArms.some((a) => a.group === g))).join(', ');

  if (analysis.measure === 'COR') {
    const fromAll = outcome.result(WHOLE_SAMPLE);
    const relevant = [...expArms, ...ctlArms].map(data).filter((a) => a.result !== undefined);
    let source: string;
    let result: ArmResult;
    let nFallback: Reading<number>;
    // A whole-sample r that is written at all (even empty or NR) is the study's r.
    if (fromAll && fromAll.value.r !== undefined) {
      source = WHOLE_SAMPLE;
      result = fromAll;
      nFallback = ABSENT;
    } else if (relevant.length === 1) {
      source = relevant[0]!.id;
      result = relevant[0]!.result!;
      nFallback = relevant[0]!.armN;
    } else if (relevant.length === 0) {
      return {
        reason: `no correlation for the whole sample (${WHOLE_SAMPLE}) or an arm of the analysis' groups`,
      };
    } else {
      return {
        reason: `several arms report a correlation (${relevant.map((a) => a.id).join(', ')}) and none for the whole sample, so no single r speaks for the study`,
      };
    }
    const r = valueOf(result.r);
    if (r === undefined) problems.push(missing(`r (${source})`, result.r));
    let n = valueOf(result.n);
    if (n === undefined && nFallback.kind === 'value') {
      n = nFallback.value;
      conversions.push(`n of the correlation: the randomized n of arm ${source}`);
    } else if (n === undefined) problems.push(missing(`n of the correlation (${source})`, result.n));
    if (problems.length > 0 || r === undefined || n === undefined) return { reason: problems.join('; ') };
    const effect = fisherZ(r, n);
    if (!effect.ok) return { reason: effect.reason };
    return {
      yi: effect.yi,
      vi: effect.vi,
      inputs: { correlation: { source, r, n } },
      conversions: [...conversions, ...effect.notes],
      subgroup: subgroup || unique([...expArms, ...ctlArms].map((a) => a.group)).join(', '),
    };
  }

  const expData = expArms.map(data);
  const ctlData = ctlArms.map(data);
  for (const arm of [...expData, ...ctlData]) {
    if (!arm.result)
      problems.push(missing(`the result of arm ${arm.id}`, read(outcome.results[arm.id], isPlainObject)));
  }
  if (problems.length > 0) return { reason: problems.join('; ') };

  const side = (list: ArmData[]) => ({
    arms: list.map((a) => a.id),
    groups: unique(list.map((a) => a.group)),
  });
  let effect: EffectResult;
  let inputs: StudyInputs;
  if (wanted === 'continuous') {
    const exp = expData.map((a) => continuousArm(a, conversions, problems));
    const ctl = ctlData.map((a) => continuousArm(a, conversions, problems));
    if (problems.length > 0) return { reason: problems.join('; ') };
    const e = combineContinuous(exp as MeanSdN[]);
    const c = combineContinuous(ctl as MeanSdN[]);
    for (const [name, list] of [
      ['experimental', expData],
      ['control', ctlData],
    ] as const) {
      if (list.length > 1)
        conversions.push(
          `${name} arms ${list.map((a) => a.id).join(' + ')} combined (Cochrane Handbook Table 6.5.a)`,
        );
    }
    effect = analysis.measure === 'MD' ? meanDifference(e, c) : standardizedMeanDifference(e, c);
    inputs = { experimental: { ...side(expData), ...e }, control: { ...side(ctlData), ...c } };
  } else {
    const exp = expData.map((a) => dichotomousArm(a, conversions, problems));
    const ctl = ctlData.map((a) => dichotomousArm(a, conversions, problems));
    if (problems.length > 0) return { reason: problems.join('; ') };
    const e = combineDichotomous(exp as EventsN[]);
    const c = combineDichotomous(ctl as EventsN[]);
    for (const [name, list] of [
      ['experimental', expData],
      ['control', ctlData],
    ] as const) {
      if (list.length > 1)
        conversions.push(`${name} arms ${list.map((a) => a.id).join(' + ')} combined (events and n summed)`);
    }
    effect = twoByTwo(analysis.measure as 'RR' | 'OR' | 'RD', e, c);
    inputs = { experimental: { ...side(expData), ...e }, control: { ...side(ctlData), ...c } };
  }
  if (!effect.ok) return { reason: effect.reason };
  return { yi: effect.yi, vi: effect.vi, inputs, conversions: [...conversions, ...effect.notes], subgroup };
}

/** POMP values of a study's arms in the analysis' groups (one per group; several arms averaged, n-weighted). */
function pompValues(study: string, value: Obj, analysis: AnalysisConfig): PompValue[] {
  const record = readRecord(value);
  const outcome = record.outcome(analysis.outcome);
  const scale = outcome?.scale;
  if (!outcome || outcome.type !== 'continuous' || !scale) return [];
  const groups = [...analysis.experimental, ...analysis.control];
  const out: PompValue[] = [];
  for (const group of unique(groups)) {
    const values: { pomp: number; n: number | undefined }[] = [];
    for (const arm of record.arms) {
      if (arm.group !== group || arm.id === null) continue;
      const result = outcome.result(arm.id);
      const mean = result && valueOf(result.mean);
      if (!result || mean === undefined) continue;
      const value = pomp(mean, scale);
      if (value !== undefined) values.push({ pomp: value, n: valueOf(result.n) ?? valueOf(arm.n) });
    }
    if (values.length === 0) continue;
    const weighted = values.every((v) => v.n !== undefined);
    const total = weighted ? values.reduce((s, v) => s + v.n!, 0) : values.length;
    const mean = values.reduce((s, v) => s + v.pomp * (weighted ? v.n! : 1), 0) / total;
    out.push({ study, group, pomp: mean });
  }
  return out;
}

// ---------------------------------------------------------------------------------------------------------
// Results

const EMPTY_FIGURES = {
  estimate: null,
  se: null,
  ci: null,
  z: null,
  p: null,
  tau2: null,
  i2: null,
  h2: null,
  q: null,
  q_df: null,
  q_p: null,
  pi: null,
  test: null,
  df: null,
  tau2_se: null,
  back_transformed: null,
} as const;

function figures(result: PoolResult, measure: Measure): PooledFigures {
  if (!result.pooled) return { k: result.k, ...EMPTY_FIGURES, reason: result.reason };
  const r: PooledResult = result;
  const transform = backTransformName(measure);
  const back = (x: number) => backTransform(measure, x);
  return {
    k: r.k,
    estimate: r.estimate,
    se: r.se,
    ci: r.ci,
    z: r.statistic,
    p: r.p,
    tau2: r.tau2,
    i2: r.i2,
    h2: r.h2,
    q: r.q,
    q_df: r.qDf,
    q_p: r.qP,
    pi: r.pi,
    test: r.test,
    df: r.df,
    tau2_se: r.tau2Se,
    back_transformed: transform
      ? {
          transform,
          estimate: back(r.estimate),
          ci: [back(r.ci[0]), back(r.ci[1])],
          pi: r.pi ? [back(r.pi[0]), back(r.pi[1])] : null,
        }
      : null,
    reason: null,
  };
}

function brokenAnalysis(parsed: ParsedAnalysis): AnalysisResult {
  return {
    id: parsed.id,
    measure: '',
    model: '',
    method: '',
    k: 0,
    ...EMPTY_FIGURES,
    reason: parsed.problems.join(' '),
    studies: [],
    excluded: [],
    title: null,
    outcome: null,
    ci_method: '',
    level: LEVEL,
    pooled: false,
    runnable: false,
    subgroups: null,
    subgroup_test: null,
    descriptive: null,
  };
}

/** Runs one analysis over the studies (pure): which record speaks, effect sizes, pooling, subgroups. */
type Contribution = { pomp: PompValue[] } & ({ reason: string } | { included: StudyResult });

/**
 * What one study brings to an analysis, kept per study records object: the live panel re-runs every
 * analysis after each edit, and only the edited study's records are new objects.
 */
const contributions = new WeakMap<StudyRecords, Map<string, Contribution>>();

function studyContribution(
  study: StudyRecords,
  analysis: AnalysisConfig,
  tolerance: number,
  key: string,
): Contribution {
  let byAnalysis = contributions.get(study);
  const cached = byAnalysis?.get(key);
  if (cached) return cached;
  const contribution = computeContribution(study, analysis, tolerance);
  if (!byAnalysis) contributions.set(study, (byAnalysis = new Map()));
  byAnalysis.set(key, contribution);
  return contribution;
}

function computeContribution(study: StudyRecords, analysis: AnalysisConfig, tolerance: number): Contribution {
  const speaker = speakingRecord(study, analysis, tolerance);
  if ('reason' in speaker) return { pomp: [], reason: speaker.reason };
  const pomp = pompValues(study.study, speaker.record, analysis);
  const extracted = extract(speaker.record, analysis);
  if ('reason' in extracted) return { pomp, reason: extracted.reason };
  const ci = studyInterval(extracted.yi, extracted.vi, LEVEL);
  const transform = backTransformName(analysis.measure);
  return {
    pomp,
    included: {
      study: study.study,
      yi: extracted.yi,
      vi: extracted.vi,
      weight: null,
      label: citationLabel(readCitation(speaker.record), study.study),
      ci,
      subgroup: analysis.subgroup ? extracted.subgroup : null,
      source: speaker.source,
      inputs: extracted.inputs,
      conversions: extracted.conversions,
      back_transformed: transform
        ? {
            yi: backTransform(analysis.measure, extracted.yi),
            ci: [backTransform(analysis.measure, ci[0]), backTransform(analysis.measure, ci[1])],
          }
        : null,
    },
  };
}

function runAnalysis(
  parsed: ParsedAnalysis,
  studies: readonly StudyRecords[],
  options: { tolerance: number },
): AnalysisResult {
  const analysis = parsed.config;
  if (!analysis) return brokenAnalysis(parsed);
  const included: StudyResult[] = [];
  const excluded: ExcludedStudy[] = [];
  const pompInput: PompValue[] = [];
  const key = `${options.tolerance}:${JSON.stringify(analysis)}`;
  for (const study of studies) {
    const contribution = studyContribution(study, analysis, options.tolerance, key);
    pompInput.push(...contribution.pomp);
    if ('reason' in contribution) excluded.push({ study: study.study, reason: contribution.reason });
    // A copy: pooling sets the weight of this run's studies.
    else included.push({ ...contribution.included });
  }

  const options2 = { model: analysis.model, method: analysis.method, ci: analysis.ci, level: LEVEL };
  const overall = pool(included, options2);
  if (overall.pooled) overall.weights.forEach((w, i) => (included[i]!.weight = w));

  let subgroups: SubgroupResult[] | null = null;
  let subgroupTest: AnalysisResult['subgroup_test'] = null;
  if (analysis.subgroup) {
    const labels = unique(included.map((s) => s.subgroup!)).sort((x, y) => {
      const rank = (label: string) => analysis.experimental.indexOf(label.split(', ')[0]!);
      return rank(x) - rank(y) || (x < y ? -1 : x > y ? 1 : 0);
    });
    subgroups = labels.map((label) => {
      const members = included.filter((s) => s.subgroup === label);
      return {
        label,
        studies: members.map((s) => s.study),
        ...figures(pool(members, options2), analysis.measure),
      };
    });
    // A one-study subgroup enters the test with its own effect and SE (its tau² is 0).
    const test = subgroupDifferences(
      subgroups.map((s) => {
        if (s.estimate !== null && s.se !== null) return { estimate: s.estimate, se: s.se };
        const only = s.k === 1 ? included.find((x) => x.study === s.studies[0]) : undefined;
        return only ? { estimate: only.yi, se: Math.sqrt(only.vi) } : { estimate: NaN, se: NaN };
      }),
    );
    subgroupTest = test ? { ...test, method: SUBGROUP_TEST_METHOD } : null;
  }

  const pompGroups = summarizePomp(pompInput);
  return {
    id: analysis.id,
    measure: analysis.measure,
    model: analysis.model,
    method: analysis.model === 'common' ? 'FE' : analysis.method,
    ...figures(overall, analysis.measure),
    studies: included,
    excluded,
    title: analysis.title ?? null,
    outcome: analysis.outcome,
    ci_method: analysis.ci,
    level: LEVEL,
    pooled: overall.pooled,
    runnable: included.length > 0 && (overall.pooled || included.length === 1),
    subgroups,
    subgroup_test: subgroupTest,
    descriptive: pompGroups.length > 0 ? { measure: 'POMP', groups: pompGroups } : null,
  };
}
