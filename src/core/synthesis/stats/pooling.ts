// Inverse-variance pooling as metafor's rma.uni() does it for an intercept-only model (wviechtb/metafor
// R/rma.uni.r, R/predict.rma.r): common effect ("EE"/"FE"), random effects with the DerSimonian-Laird or the
// REML estimator of tau² (Fisher scoring with metafor's start value, step halving and convergence rule),
// z or Knapp-Hartung (test = "knha") inference, Q, I², H², and the prediction interval of predict().
import {
  chiSquareUpperP,
  normQuantile,
  normTwoSidedP,
  studentTQuantile,
  studentTTwoSidedP,
} from './distributions';

export type Model = 'common' | 'random';
export type Tau2Method = 'DL' | 'REML';
/** `hksj`: Knapp-Hartung (Hartung-Knapp-Sidik-Jonkman) adjustment with t on k − 1 df. */
export type CiMethod = 'z' | 'hksj';

export interface PoolInput {
  yi: number;
  vi: number;
}

export interface PoolOptions {
  model: Model;
  /** Ignored for the common-effect model. */
  method: Tau2Method;
  ci: CiMethod;
  /** Confidence level, default 0.95. */
  level?: number;
}

/** metafor's rma.uni control defaults for the Fisher scoring algorithm. */
const REML_CONTROL = { threshold: 1e-5, maxiter: 100, ll0Tolerance: Math.pow(2 ** -52, 0.25) };

export interface PooledResult {
  pooled: true;
  k: number;
  estimate: number;
  se: number;
  ci: [number, number];
  /** z, or t under Knapp-Hartung; null when the SE is 0 (Knapp-Hartung with identical estimates). */
  statistic: number | null;
  p: number | null;
  test: 'z' | 't';
  /** Degrees of freedom of the t distribution (Knapp-Hartung), else null. */
  df: number | null;
  tau2: number;
  /** metafor's se.tau2 (null for the common-effect model). */
  tau2Se: number | null;
  /** Percent. */
  i2: number;
  h2: number;
  q: number;
  qDf: number;
  qP: number;
  /** Prediction interval of a new study's true effect (random effects only; metafor gives none for EE/FE). */
  pi: [number, number] | null;
  /** Each study's weight in percent, in input order. */
  weights: number[];
  /** REML only: Fisher scoring iterations. */
  iterations?: number;
}

interface NotPooledResult {
  pooled: false;
  k: number;
  reason: string;
}

export type PoolResult = PooledResult | NotPooledResult;

const sum = (values: readonly number[]) => values.reduce((s, v) => s + v, 0);

/** Inverse-variance weighted mean and the sums an intercept-only model needs. */
function weighted(y: readonly number[], w: readonly number[]) {
  const sw = sum(w);
  const mu = sum(y.map((yi, i) => w[i]! * yi)) / sw;
  const sw2 = sum(w.map((x) => x * x));
  const sw3 = sum(w.map((x) => x * x * x));
  // P = W − w wᵀ/Σw: tr(P) and Σ P_ij² (= tr(PP), P symmetric) in closed form.
  const trP = sw - sw2 / sw;
  const sumP2 = sw2 - (2 * sw3) / sw + (sw2 * sw2) / (sw * sw);
  const rss = sum(y.map((yi, i) => w[i]! * (yi - mu) ** 2));
  return { sw, mu, trP, sumP2, rss };
}

/** REML log-likelihood of an intercept-only model at tau² (constants that cancel are kept as metafor has them). */
function remlLogLik(y: readonly number[], v: readonly number[], tau2: number): number {
  const k = y.length;
  const w = v.map((vi) => 1 / (vi + tau2));
  const { sw, rss } = weighted(y, w);
  return (
    -0.5 * (k - 1) * Math.log(2 * Math.PI) -
    0.5 * sum(v.map((vi) => Math.log(vi + tau2))) -
    0.5 * Math.log(sw) -
    0.5 * rss
  );
}

/**
 * REML estimate of tau² by Fisher scoring, exactly as rma.uni: start at the Hedges (HE) estimate truncated at
 * 0, step (Y'PPY − tr P)/tr(PP), halve a step that would go below 0, stop when a step changes tau² by at most
 * 1e-5 (fail after 100 iterations), then fall back to 0 when the likelihood at 0 is higher (ll0check).
 */
export function remlTau2(
  y: readonly number[],
  v: readonly number[],
): { tau2: number; iterations: number; converged: boolean } {
  const k = y.length;
  const ybar = sum(y) / k;
  const rssOls = sum(y.map((yi) => (yi - ybar) ** 2));
  const trPV = (1 - 1 / k) * sum(v);
  let tau2 = Math.max(0, (rssOls - trPV) / (k - 1));
  let change = REML_CONTROL.threshold + 1;
  let iterations = 0;
  let converged = true;
  while (change > REML_CONTROL.threshold) {
    iterations++;
    const old = tau2;
    const w = v.map((vi) => 1 / (vi + tau2));
    const { mu, trP, sumP2 } = weighted(y, w);
    const ypy2 = sum(y.map((yi, i) => (w[i]! * (yi - mu)) ** 2));
    let adj = (ypy2 - trP) / sumP2;
    if (!Number.isFinite(adj)) adj = 0;
    // Step halving keeps tau² ≥ 0; a negative step from 0 halves away to nothing, as in metafor.
    for (let halvings = 0; tau2 + adj < 0; halvings++) adj = halvings > 1100 ? 0 : adj / 2;
    tau2 += adj;
    change = Math.abs(old - tau2);
    if (iterations > REML_CONTROL.maxiter) {
      converged = false;
      break;
    }
  }
  if (converged && tau2 > REML_CONTROL.threshold) {
    const ll0 = remlLogLik(y, v, 0);
    const ll = remlLogLik(y, v, tau2);
    if (ll0 - ll > REML_CONTROL.ll0Tolerance) tau2 = 0;
  }
  return { tau2: Math.max(0, tau2), iterations, converged };
}

/** DerSimonian-Laird estimate of tau² (method of moments with inverse-variance weights), truncated at 0. */
export function dlTau2(y: readonly number[], v: readonly number[]): number {
  const w = v.map((vi) => 1 / vi);
  const { trP, rss } = weighted(y, w);
  return Math.max(0, (rss - (y.length - 1)) / trP);
}

/**
 * Pools k studies. k = 0 and k = 1 are not pooled: a reason says why. A study with a non-positive or
 * non-finite variance makes the whole pooling refuse (the caller excludes such studies first).
 */
export function pool(studies: readonly PoolInput[], options: PoolOptions): PoolResult {
  const k = studies.length;
  if (k === 0) return { pooled: false, k, reason: 'No study can be included, so there is nothing to pool.' };
  if (k === 1)
    return {
      pooled: false,
      k,
      reason: 'Only one study can be included: its own effect is shown, nothing is pooled.',
    };
  const y = studies.map((s) => s.yi);
  const v = studies.map((s) => s.vi);
  if (!y.every(Number.isFinite) || !v.every((vi) => Number.isFinite(vi) && vi > 0))
    return {
      pooled: false,
      k,
      reason: 'A study has an effect size or variance that is not a positive number.',
    };
  const level = options.level ?? 0.95;
  const df = k - 1;

  // Heterogeneity: always with the fixed (1/vi) weights, whatever the model (as rma.uni).
  const wFixed = v.map((vi) => 1 / vi);
  const fixed = weighted(y, wFixed);
  const q = Math.max(0, fixed.rss);
  const qP = chiSquareUpperP(q, df);
  const typicalVariance = df / fixed.trP; // s² = (k−1)Σw / ((Σw)² − Σw²)

  let tau2 = 0;
  let tau2Se: number | null = null;
  let iterations: number | undefined;
  if (options.model === 'random') {
    if (options.method === 'DL') {
      tau2 = dlTau2(y, v);
      tau2Se = Math.sqrt(
        (1 / fixed.trP ** 2) * (2 * df + 4 * tau2 * fixed.trP + 2 * tau2 * tau2 * fixed.sumP2),
      );
    } else {
      const reml = remlTau2(y, v);
      if (!reml.converged)
        return {
          pooled: false,
          k,
          reason: `The REML estimate of tau² did not converge within ${REML_CONTROL.maxiter} Fisher scoring iterations.`,
        };
      tau2 = reml.tau2;
      iterations = reml.iterations;
      const w = v.map((vi) => 1 / (vi + tau2));
      tau2Se = Math.sqrt(2 / weighted(y, w).sumP2);
    }
  }

  const w = v.map((vi) => 1 / (vi + tau2));
  const fit = weighted(y, w);
  const estimate = fit.mu;
  let variance = 1 / fit.sw;
  const hksj = options.ci === 'hksj';
  if (hksj) {
    // Knapp-Hartung: scale by Σw(y − μ)²/(k − 1), not truncated at 1 (metafor's test = "knha"; 0 when all
    // estimates are equal, as metafor sets it).
    const s2w = fit.rss <= Number.EPSILON ? 0 : fit.rss / df;
    variance *= s2w;
  }
  const se = Math.sqrt(variance);
  const crit = hksj ? studentTQuantile(1 - (1 - level) / 2, df) : normQuantile(1 - (1 - level) / 2);
  const statistic = se > 0 ? estimate / se : null;
  const p = statistic === null ? null : hksj ? studentTTwoSidedP(statistic, df) : normTwoSidedP(statistic);

  const i2 =
    options.model === 'common'
      ? Math.max(0, (100 * (q - df)) / q) || 0
      : (100 * tau2) / (typicalVariance + tau2);
  const h2 = options.model === 'common' ? q / df : tau2 / typicalVariance + 1;
  const piHalf = crit * Math.sqrt(variance + tau2);
  const swTotal = sum(w);
  return {
    pooled: true,
    k,
    estimate,
    se,
    ci: [estimate - crit * se, estimate + crit * se],
    statistic,
    p,
    test: hksj ? 't' : 'z',
    df: hksj ? df : null,
    tau2,
    tau2Se,
    i2,
    h2,
    q,
    qDf: df,
    qP,
    pi: options.model === 'random' ? [estimate - piHalf, estimate + piHalf] : null,
    weights: w.map((wi) => (100 * wi) / swTotal),
    ...(iterations !== undefined ? { iterations } : {}),
  };
}

/** The test for subgroup differences: a common-effect Q across subgroup estimates. */
export interface SubgroupDifferenceTest {
  q: number;
  df: number;
  p: number;
}

/**
 * Q_between = Σ w_j (θ_j − θ̄)², w_j = 1/SE_j², on G − 1 df: the subgroup estimates, each from its own model
 * (its own tau²), compared with a common-effect (fixed) model, as metafor's rma(estimates, sei, mods =
 * ~ group, method = "FE") and meta's subgroup test with separate tau² do.
 */
export function subgroupDifferences(
  subgroups: readonly { estimate: number; se: number }[],
): SubgroupDifferenceTest | undefined {
  const usable = subgroups.filter((s) => Number.isFinite(s.estimate) && Number.isFinite(s.se) && s.se > 0);
  if (usable.length < 2) return undefined;
  const w = usable.map((s) => 1 / (s.se * s.se));
  const { rss } = weighted(
    usable.map((s) => s.estimate),
    w,
  );
  const df = usable.length - 1;
  return { q: rss, df, p: chiSquareUpperP(rss, df) };
}
