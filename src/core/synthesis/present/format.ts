/**
 * The one way a synthesis writes its numbers, for every presentation of it: the forest plot, the HTML
 * report, the text export and the live panel. The conventions are those of the Cochrane Handbook and
 * RevMan, which reviewers read every day:
 *
 * - numbers to fixed decimals with a true minus sign (U+2212), never "−0.00"; "–" for a missing number;
 * - intervals as "[lower, upper]", with the decimals of their estimate;
 * - P values with a capital P to two significant figures ("P = 0.39", "P = 0.043", "P = 0.0017"),
 *   "P < 0.001" below 0.001 and "P > 0.99" when two figures would round it to 1;
 * - percentages (I², weights, agreement) to one decimal;
 * - variances such as τ² to two decimals, or two significant figures when small;
 * - the estimates on their shown scale (RR and OR exponentiated, r from Fisher's z) to two decimals, or
 *   more when the studies' intervals are narrower than 0.1 (risk differences);
 * - one name per measure and use (column header, axis title, settings, text export).
 *
 * The text export is read in terminals and pasted into R: it passes the ASCII hyphen-minus as `minus`.
 * Pure and browser-safe: only types come from analysis.ts (which reads files).
 */
import type { AnalysisResult, PooledFigures } from '../analysis';

const MINUS = '\u2212';
/** What a missing number prints as. */
export const MISSING = '–';

const missing = (value: number | null | undefined): value is null | undefined =>
  value === null || value === undefined || !Number.isFinite(value);

/** Fixed decimals with a true minus sign (or `minus`); never a negative zero; "–" for a missing number. */
export function formatNumber(value: number | null | undefined, decimals: number, minus = MINUS): string {
  if (missing(value)) return MISSING;
  const fixed = value.toFixed(decimals);
  if (/^-0(\.0*)?$/.test(fixed)) return fixed.slice(1);
  return minus === '-' ? fixed : fixed.replace(/^-/, minus);
}

/** "[0.34, 0.70]"; "–" when there is no interval. */
export function formatInterval(
  ci: readonly [number, number] | null | undefined,
  decimals: number,
  minus = MINUS,
): string {
  return ci ? `[${formatNumber(ci[0], decimals, minus)}, ${formatNumber(ci[1], decimals, minus)}]` : MISSING;
}

/** "0.49 [0.34, 0.70]". */
export function formatEstimate(
  estimate: number | null | undefined,
  ci: readonly [number, number] | null | undefined,
  decimals: number,
  minus = MINUS,
): string {
  return `${formatNumber(estimate, decimals, minus)} ${formatInterval(ci, decimals, minus)}`;
}

/** "92.2%" (one decimal unless told); "–" for a missing number. */
export function formatPercent(value: number | null | undefined, decimals = 1): string {
  return missing(value) ? MISSING : `${formatNumber(value, decimals)}%`;
}

/** "P = 0.39", "P = 0.043", "P = 0.0017", "P < 0.001", "P > 0.99"; "P = –" when there is none. */
export function formatP(p: number | null | undefined): string {
  if (missing(p)) return `P = ${MISSING}`;
  if (p < 0.001) return 'P < 0.001';
  // Two significant figures, decimals counted after rounding (0.0996 is "0.10", not "0.100").
  const rounded = Number(p.toPrecision(2));
  if (rounded > 0.99) return 'P > 0.99';
  return `P = ${rounded.toFixed(Math.max(2, 1 - Math.floor(Math.log10(rounded))))}`;
}

/** A variance such as τ²: two decimals, or two significant digits when small. */
export function formatSmall(value: number | null | undefined): string {
  if (missing(value)) return MISSING;
  if (value === 0) return '0';
  if (Math.abs(value) >= 0.01) return formatNumber(value, 2);
  if (Math.abs(value) < 0.0001) return value > 0 ? '< 0.0001' : formatNumber(value, 4);
  return formatNumber(Number(value.toPrecision(2)), -Math.floor(Math.log10(Math.abs(value))) + 1);
}

/** A number as the record gave it, to at most `digits` decimals ("5.9", "1.012", "25"). */
export function formatAsGiven(value: number | null | undefined, digits = 3): string {
  if (missing(value)) return MISSING;
  const rounded = Number(value.toFixed(digits));
  const text = String(rounded);
  return formatNumber(rounded, text.includes('.') ? text.length - text.indexOf('.') - 1 : 0);
}

/** "95%" from 0.95. */
export function levelText(level: number | null | undefined): string {
  return `${Math.round((level || 0.95) * 100)}%`;
}

/** "3 studies", "1 study". */
export function countText(n: number, one: string, many = `${one}s`): string {
  return `${n} ${n === 1 ? one : many}`;
}

// ---------------------------------------------------------------------------------------------------------
// Measures

export interface MeasureText {
  /** Column headers and estimates: "RR", "r". */
  short: string;
  /** The settings of an analysis: "Risk ratio (RR), pooled as log RR". */
  name: string;
  /** The forest plot's axis title: "Risk ratio (log scale)". */
  axis: string;
  /** What the pooled estimates are on, in words (the text export): "log risk ratio". */
  scale: string;
  /** The scale of pooling when it is not the shown one: "log RR", "Fisher's z". */
  pooledAs: string | null;
}

const MEASURES: Record<string, MeasureText> = {
  MD: {
    short: 'MD',
    name: 'Mean difference (MD)',
    axis: 'Mean difference',
    scale: 'mean difference',
    pooledAs: null,
  },
  SMD: {
    short: 'SMD',
    name: "Standardized mean difference (SMD, Hedges' g)",
    axis: "Standardized mean difference (Hedges' g)",
    scale: "standardized mean difference (Hedges' g)",
    pooledAs: null,
  },
  RR: {
    short: 'RR',
    name: 'Risk ratio (RR), pooled as log RR',
    axis: 'Risk ratio (log scale)',
    scale: 'log risk ratio',
    pooledAs: 'log RR',
  },
  OR: {
    short: 'OR',
    name: 'Odds ratio (OR), pooled as log OR',
    axis: 'Odds ratio (log scale)',
    scale: 'log odds ratio',
    pooledAs: 'log OR',
  },
  RD: {
    short: 'RD',
    name: 'Risk difference (RD)',
    axis: 'Risk difference',
    scale: 'risk difference',
    pooledAs: null,
  },
  COR: {
    short: 'r',
    name: "Correlation (r), pooled as Fisher's z",
    axis: 'Correlation (r)',
    scale: "correlation (Fisher's z)",
    pooledAs: "Fisher's z",
  },
};

/** The names of a measure; an unknown one (a broken configuration) is named by itself. */
export function measureText(measure: string): MeasureText {
  const known = Object.prototype.hasOwnProperty.call(MEASURES, measure) ? MEASURES[measure] : undefined;
  if (known) return known;
  const name = measure || 'Estimate';
  return { short: name, name, axis: name, scale: name, pooledAs: null };
}

/** The analysis' estimates on their shown scale: RR and OR exponentiated, COR as r (tanh). */
export function shownValue(measure: string, y: number): number {
  if (measure === 'RR' || measure === 'OR') return Math.exp(y);
  if (measure === 'COR') return Math.tanh(y);
  return y;
}

/**
 * Decimals of estimates on the shown scale: 2, or more when the studies' intervals are narrower than 0.1
 * (risk differences), so that an interval never reads "[−0.01, −0.00]".
 */
export function displayDecimals(analysis: Pick<AnalysisResult, 'measure' | 'studies'>): number {
  const widths = analysis.studies
    .map((s) => {
      const ci = s.back_transformed?.ci ?? [
        shownValue(analysis.measure, s.ci[0]),
        shownValue(analysis.measure, s.ci[1]),
      ];
      return ci[1] - ci[0];
    })
    .filter((w) => Number.isFinite(w) && w > 0)
    .sort((x, y) => x - y);
  const median = widths[Math.floor(widths.length / 2)];
  let d = 2;
  while (median !== undefined && median * 10 ** d < 10 && d < 4) d++;
  return d;
}

// ---------------------------------------------------------------------------------------------------------
// Pooled figures

/** A pooled estimate on its shown scale, with its interval and prediction interval. */
export function shownPooled(
  f: PooledFigures,
  measure: string,
): { estimate: number; ci: [number, number]; pi: [number, number] | null } | null {
  if (f.estimate === null || f.ci === null) return null;
  const shown = (y: number) => shownValue(measure, y);
  const b = f.back_transformed;
  return {
    estimate: b?.estimate ?? shown(f.estimate),
    ci: b?.ci ?? [shown(f.ci[0]), shown(f.ci[1])],
    pi: b?.pi ?? (f.pi ? [shown(f.pi[0]), shown(f.pi[1])] : null),
  };
}

/** "RR 0.49 [0.34, 0.70]" on the shown scale; "–" when nothing is pooled. */
export function estimateText(f: PooledFigures, measure: string, decimals: number): string {
  const shown = shownPooled(f, measure);
  if (!shown) return MISSING;
  return `${measureText(measure).short} ${formatEstimate(shown.estimate, shown.ci, decimals)}`;
}

/** "Random effects (REML)", "Random effects (DL, Knapp-Hartung)", "Common effect". */
export function modelText(a: Pick<AnalysisResult, 'model' | 'method' | 'ci_method'>): string {
  if (a.model !== 'random') return 'Common effect';
  return `Random effects (${a.method}${a.ci_method === 'hksj' ? ', Knapp-Hartung' : ''})`;
}

/** "τ² = 0.31", "τ² < 0.0001". */
export function tau2Text(tau2: number | null | undefined): string {
  const text = formatSmall(tau2);
  return /^[<>]/.test(text) ? `τ² ${text}` : `τ² = ${text}`;
}

/** "Q(12) = 152.23, P < 0.001". */
export function qTestText(
  q: number | null | undefined,
  df: number | null | undefined,
  p: number | null | undefined,
  decimals = 2,
  minus = MINUS,
): string {
  return `Q(${df ?? MISSING}) = ${formatNumber(q, decimals, minus)}, ${formatP(p)}`;
}

/** "τ² = 0.31, I² = 92.2%, Q(12) = 152.23, P < 0.001" (no τ² for the common-effect model). */
export function heterogeneityText(f: PooledFigures, model: string): string {
  const parts: string[] = [];
  if (model === 'random') parts.push(tau2Text(f.tau2));
  parts.push(`I² = ${formatPercent(f.i2)}`);
  parts.push(qTestText(f.q, f.q_df, f.q_p));
  return parts.join(', ');
}

/** "z = −3.97, P < 0.001", or "t(12) = …" under Knapp-Hartung. */
export function overallTestText(f: PooledFigures, minus = MINUS): string {
  const stat = f.test === 't' ? `t(${f.df ?? MISSING})` : 'z';
  return `${stat} = ${formatNumber(f.z, 2, minus)}, ${formatP(f.p)}`;
}
