// Several arms of a study on one side of a comparison become one group, so that a study contributes one
// effect size and no participant is counted twice (Cochrane Handbook, Table 6.5.a).
import type { EventsN, MeanSdN } from './effectSize';

/**
 * Two groups combined (Cochrane Handbook Table 6.5.a): N = N1 + N2, M = (N1·M1 + N2·M2)/N,
 * SD = √(((N1−1)SD1² + (N2−1)SD2² + N1·N2/(N1+N2)·(M1² + M2² − 2·M1·M2)) / (N − 1)).
 */
export function combineTwo(a: MeanSdN, b: MeanSdN): MeanSdN {
  const n = a.n + b.n;
  const mean = (a.n * a.mean + b.n * b.mean) / n;
  const sd = Math.sqrt(
    ((a.n - 1) * a.sd * a.sd +
      (b.n - 1) * b.sd * b.sd +
      ((a.n * b.n) / (a.n + b.n)) * (a.mean * a.mean + b.mean * b.mean - 2 * a.mean * b.mean)) /
      (n - 1),
  );
  return { n, mean, sd };
}

/** More than two groups: the Handbook's formula applied to the first two, then to that and the third, … */
export function combineContinuous(groups: readonly MeanSdN[]): MeanSdN {
  if (groups.length === 0) throw new Error('combineContinuous needs at least one group');
  return groups.slice(1).reduce(combineTwo, groups[0]!);
}

/** Dichotomous groups combine by summing events and participants. */
export function combineDichotomous(groups: readonly EventsN[]): EventsN {
  if (groups.length === 0) throw new Error('combineDichotomous needs at least one group');
  return groups.reduce((sum, g) => ({ events: sum.events + g.events, n: sum.n + g.n }), { events: 0, n: 0 });
}
