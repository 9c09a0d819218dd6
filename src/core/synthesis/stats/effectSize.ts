// Effect sizes and their sampling variances as metafor's escalc() computes them by default (vtype "LS",
// add = 1/2, to = "only0", drop00 = FALSE), plus the conversions a reviewer needs when a report gives an
// SE or a CI instead of an SD. Reference: wviechtb/metafor R/escalc.r.
import { logGamma, normQuantile, studentTQuantile } from './distributions';

export type Measure = 'MD' | 'SMD' | 'RR' | 'OR' | 'RD' | 'COR';
export const MEASURES: readonly Measure[] = ['MD', 'SMD', 'RR', 'OR', 'RD', 'COR'];

/** Which kind of outcome a measure is computed from. */
export const MEASURE_OUTCOME_TYPE: Record<Measure, 'continuous' | 'dichotomous' | 'correlation'> = {
  MD: 'continuous',
  SMD: 'continuous',
  RR: 'dichotomous',
  OR: 'dichotomous',
  RD: 'dichotomous',
  COR: 'correlation',
};

export interface MeanSdN {
  mean: number;
  sd: number;
  n: number;
}

export interface EventsN {
  events: number;
  n: number;
}

/** A study's effect size and sampling variance, or why it cannot be computed. */
export type EffectResult =
  { ok: true; yi: number; vi: number; notes: string[] } | { ok: false; reason: string };

const finite = (...values: number[]) => values.every((v) => Number.isFinite(v));

/**
 * Hedges' exact small-sample correction c(m) = Γ(m/2) / (√(m/2) Γ((m−1)/2)), m = n1 + n2 − 2, on the log
 * scale as metafor's .cmicalc() computes it (no approximation 1 − 3/(4m − 1)).
 */
export function hedgesCorrection(m: number): number {
  return Math.exp(logGamma(m / 2) - Math.log(Math.sqrt(m / 2)) - logGamma((m - 1) / 2));
}

function checkGroups(e: MeanSdN, c: MeanSdN): string | undefined {
  if (!finite(e.mean, e.sd, e.n, c.mean, c.sd, c.n)) return 'a mean, SD or n is not a number';
  if (e.sd <= 0 || c.sd <= 0) return 'an SD is not greater than 0';
  if (e.n < 2 || c.n < 2) return 'an arm has n < 2';
  return undefined;
}

/** Mean difference; vi = sd1²/n1 + sd2²/n2 (escalc's default, no equal-variance assumption). */
export function meanDifference(e: MeanSdN, c: MeanSdN): EffectResult {
  const problem = checkGroups(e, c);
  if (problem) return { ok: false, reason: `not computable: ${problem}` };
  return { ok: true, yi: e.mean - c.mean, vi: (e.sd * e.sd) / e.n + (c.sd * c.sd) / c.n, notes: [] };
}

/**
 * Standardized mean difference as Hedges' g: the pooled-SD difference times the exact correction factor,
 * with metafor's large-sample variance vi = 1/n1 + 1/n2 + g²/(2(n1 + n2)).
 */
export function standardizedMeanDifference(e: MeanSdN, c: MeanSdN): EffectResult {
  const problem = checkGroups(e, c);
  if (problem) return { ok: false, reason: `not computable: ${problem}` };
  const m = e.n + c.n - 2;
  if (m < 2) return { ok: false, reason: 'not computable: n1 + n2 − 2 < 2' };
  const sdPooled = Math.sqrt(((e.n - 1) * e.sd * e.sd + (c.n - 1) * c.sd * c.sd) / m);
  const g = (hedgesCorrection(m) * (e.mean - c.mean)) / sdPooled;
  return { ok: true, yi: g, vi: 1 / e.n + 1 / c.n + (g * g) / (2 * (e.n + c.n)), notes: [] };
}

function checkTable(e: EventsN, c: EventsN): string | undefined {
  if (!finite(e.events, e.n, c.events, c.n)) return 'events or n is not a number';
  if (e.n < 1 || c.n < 1) return 'an arm has n < 1';
  if (e.events < 0 || c.events < 0) return 'negative events';
  if (e.events > e.n || c.events > c.n) return 'more events than participants';
  return undefined;
}

/**
 * Log risk ratio, log odds ratio or risk difference from a 2×2 table. As escalc does by default, 1/2 is
 * added to every cell of a table with a zero cell (also for RD, and also when both arms have no events).
 */
export function twoByTwo(measure: 'RR' | 'OR' | 'RD', e: EventsN, c: EventsN): EffectResult {
  const problem = checkTable(e, c);
  if (problem) return { ok: false, reason: `not computable: ${problem}` };
  let a = e.events;
  let b = e.n - e.events;
  let cc = c.events;
  let d = c.n - c.events;
  const notes: string[] = [];
  if (a === 0 || b === 0 || cc === 0 || d === 0) {
    a += 0.5;
    b += 0.5;
    cc += 0.5;
    d += 0.5;
    notes.push('0.5 added to each cell of the 2×2 table (a zero cell)');
  }
  const n1 = a + b;
  const n2 = cc + d;
  const p1 = a / n1;
  const p2 = cc / n2;
  if (measure === 'RR') {
    return { ok: true, yi: Math.log(p1) - Math.log(p2), vi: 1 / a - 1 / n1 + 1 / cc - 1 / n2, notes };
  }
  if (measure === 'OR') {
    return {
      ok: true,
      yi: Math.log(p1 / (1 - p1)) - Math.log(p2 / (1 - p2)),
      vi: 1 / a + 1 / b + 1 / cc + 1 / d,
      notes,
    };
  }
  return { ok: true, yi: p1 - p2, vi: (p1 * (1 - p1)) / n1 + (p2 * (1 - p2)) / n2, notes };
}

/** A correlation through Fisher's r-to-z transformation (escalc's "ZCOR"): yi = atanh(r), vi = 1/(n − 3). */
export function fisherZ(r: number, n: number): EffectResult {
  if (!finite(r, n)) return { ok: false, reason: 'not computable: r or n is not a number' };
  if (r <= -1 || r >= 1) return { ok: false, reason: 'not computable: |r| must be less than 1' };
  if (n < 4) return { ok: false, reason: 'not computable: n < 4 (the variance 1/(n − 3) needs n ≥ 4)' };
  return { ok: true, yi: Math.atanh(r), vi: 1 / (n - 3), notes: [] };
}

/** The function that turns a pooled value back into the measure's natural scale (for display). */
export function backTransformName(measure: Measure): 'exp' | 'tanh' | undefined {
  return measure === 'RR' || measure === 'OR' ? 'exp' : measure === 'COR' ? 'tanh' : undefined;
}

export function backTransform(measure: Measure, value: number): number {
  const name = backTransformName(measure);
  return name === 'exp' ? Math.exp(value) : name === 'tanh' ? Math.tanh(value) : value;
}

/** A study's own confidence interval, yi ± z·√vi (as metafor's summary.escalc; for forest plots). */
export function studyInterval(yi: number, vi: number, level = 0.95): [number, number] {
  const z = normQuantile(1 - (1 - level) / 2);
  const half = z * Math.sqrt(vi);
  return [yi - half, yi + half];
}

/** SD of a group from the standard error of its mean: SD = SE·√n (Cochrane Handbook 6.5.2.2). */
export function sdFromSe(se: number, n: number): number {
  return se * Math.sqrt(n);
}

/** Below this n, a CI of a mean is taken to be t-based (Cochrane Handbook 6.5.2.2). */
const CI_T_BELOW_N = 60;

/**
 * SD of a group from a confidence interval of its mean (Cochrane Handbook 6.5.2.2):
 * SD = √n·(upper − lower)/(2·q), with q the normal quantile for n ≥ 60 and the t quantile with n − 1 degrees
 * of freedom for smaller groups, whose intervals were most likely computed from t.
 */
export function sdFromCi(
  lower: number,
  upper: number,
  n: number,
  level = 0.95,
): { sd: number; distribution: 'z' | 't' } {
  const p = 1 - (1 - level) / 2;
  const small = n < CI_T_BELOW_N;
  const q = small ? studentTQuantile(p, n - 1) : normQuantile(p);
  return { sd: (Math.sqrt(n) * (upper - lower)) / (2 * q), distribution: small ? 't' : 'z' };
}
