// Descriptive synthesis across instruments with different scales: each mean as a percent of the maximum
// possible score (POMP; Cohen, Cohen, Aiken & West 1999), so that an item mean on 1–7 and a sum on 12–84
// can be read side by side. Nothing is pooled: per arm group, the spread across studies.

export interface Scale {
  min: number;
  max: number;
  /** Default true; when false the POMP is reversed so that higher always means better. */
  higherIsBetter?: boolean;
}

/** 100·(mean − min)/(max − min), or 100 minus that when lower scores are better; undefined for a bad scale. */
export function pomp(mean: number, scale: Scale): number | undefined {
  if (!Number.isFinite(mean) || !Number.isFinite(scale.min) || !Number.isFinite(scale.max)) return undefined;
  if (!(scale.min < scale.max)) return undefined;
  const value = (100 * (mean - scale.min)) / (scale.max - scale.min);
  return scale.higherIsBetter === false ? 100 - value : value;
}

/** One study's POMP for one arm group. */
export interface PompValue {
  study: string;
  group: string;
  pomp: number;
}

export interface PompGroupSummary {
  group: string;
  /** Number of studies. */
  k: number;
  mean: number;
  min: number;
  max: number;
  studies: { study: string; pomp: number }[];
}

/** Per arm group: how many studies, and the mean, lowest and highest POMP across them (groups sorted by name). */
export function summarizePomp(values: readonly PompValue[]): PompGroupSummary[] {
  const byGroup = new Map<string, { study: string; pomp: number }[]>();
  for (const v of values) {
    const list = byGroup.get(v.group) ?? [];
    list.push({ study: v.study, pomp: v.pomp });
    byGroup.set(v.group, list);
  }
  return [...byGroup.entries()]
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([group, studies]) => {
      const values = studies.map((s) => s.pomp);
      return {
        group,
        k: studies.length,
        mean: values.reduce((s, v) => s + v, 0) / values.length,
        min: Math.min(...values),
        max: Math.max(...values),
        studies,
      };
    });
}
