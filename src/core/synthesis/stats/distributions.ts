// Distribution functions for the synthesis, from the stdlib.js packages (ports of Boost/Cephes algorithms,
// accurate to double precision in the tails). A thin wrapper: the rest of the synthesis asks for exactly
// what metafor's rma.uni asks R for (qnorm, pnorm, qt, pt, pchisq with lower.tail = FALSE, lgamma).
import chisquareCdf from '@stdlib/stats-base-dists-chisquare-cdf';
import normalCdf from '@stdlib/stats-base-dists-normal-cdf';
import normalQuantile from '@stdlib/stats-base-dists-normal-quantile';
import tCdf from '@stdlib/stats-base-dists-t-cdf';
import tQuantile from '@stdlib/stats-base-dists-t-quantile';
import gammainc from '@stdlib/math-base-special-gammainc';
import gammaln from '@stdlib/math-base-special-gammaln';

/** Standard normal distribution function Φ(x). */
export function normCdf(x: number): number {
  return normalCdf(x, 0, 1);
}

/** Standard normal quantile Φ⁻¹(p). */
export function normQuantile(p: number): number {
  return normalQuantile(p, 0, 1);
}

/** Two-sided p-value of a z statistic: 2·Φ(−|z|) (no cancellation for large |z|). */
export function normTwoSidedP(z: number): number {
  return 2 * normalCdf(-Math.abs(z), 0, 1);
}

/** Student t quantile with `df` degrees of freedom. */
export function studentTQuantile(p: number, df: number): number {
  return tQuantile(p, df);
}

/** Two-sided p-value of a t statistic: 2·T(−|t|; df). */
export function studentTTwoSidedP(t: number, df: number): number {
  return 2 * tCdf(-Math.abs(t), df);
}

/** Chi-square distribution function (lower tail). */
export function chiSquareCdf(x: number, df: number): number {
  return chisquareCdf(x, df);
}

/**
 * Upper tail P(X ≥ x) of a chi-square with `df` degrees of freedom, as the regularized upper incomplete
 * gamma function Q(df/2, x/2): exact for tiny p-values, where 1 − cdf would round to 0.
 */
export function chiSquareUpperP(x: number, df: number): number {
  if (x <= 0) return 1;
  return gammainc(x / 2, df / 2, true, true);
}

/** log Γ(x). */
export function logGamma(x: number): number {
  return gammaln(x);
}
