// The analyses of review.yaml (`synthesis.analyses`): read with their defaults, and checked beyond what the
// JSON Schema can say (a group on both sides, a duplicated id, an outcome id that no record uses, ...).
import type { Diagnostic } from '../common/diagnostic';
import { isPlainObject } from '../common/values';
import type { PathSegment, YamlFile, YamlLocator } from '../yaml/yamlDocument';
import type { AnalysedFields, AnalysedOutcome } from '../record/analysedFields';
import { MEASURE_OUTCOME_TYPE, MEASURES, type Measure } from './stats/effectSize';
import type { CiMethod, Model, Tau2Method } from './stats/pooling';

export interface AnalysisConfig {
  id: string;
  title?: string;
  /** The outcome id in the records. */
  outcome: string;
  measure: Measure;
  model: Model;
  method: Tau2Method;
  ci: CiMethod;
  experimental: string[];
  control: string[];
  subgroup?: 'experimental-group';
}

/** One entry of `synthesis.analyses`: usable, or why it cannot run. */
export interface ParsedAnalysis {
  /** Position in `synthesis.analyses`. */
  index: number;
  /** The analysis' id, or `analysis-<n>` when it has none. */
  id: string;
  config?: AnalysisConfig;
  /** Why the analysis cannot run (empty when `config` is set). */
  problems: string[];
}

const isString = (v: unknown): v is string => typeof v === 'string' && v.trim() !== '';
const strings = (v: unknown): string[] | undefined =>
  Array.isArray(v) && v.length > 0 && v.every(isString) ? v : undefined;

/** Reads `synthesis.analyses` (as ReviewConfig has it) into configs with defaults, or problems. */
export function readAnalyses(raw: readonly unknown[]): ParsedAnalysis[] {
  return raw.map((item, index) => {
    const fallbackId = `analysis-${index + 1}`;
    if (!isPlainObject(item)) return { index, id: fallbackId, problems: ['The analysis is not a mapping.'] };
    const problems: string[] = [];
    const id = isString(item.id) ? item.id : fallbackId;
    if (!isString(item.id)) problems.push('The analysis has no `id`.');
    if (!isString(item.outcome)) problems.push('The analysis has no `outcome`.');
    const measure = MEASURES.find((m) => m === item.measure);
    if (!measure)
      problems.push(`Unknown \`measure\` ${JSON.stringify(item.measure ?? null)} (${MEASURES.join(', ')}).`);
    const model = item.model === undefined ? 'random' : item.model;
    if (model !== 'common' && model !== 'random') problems.push('`model` must be common or random.');
    const method = item.method === undefined ? 'REML' : item.method;
    if (method !== 'DL' && method !== 'REML') problems.push('`method` must be DL or REML.');
    const ci = item.ci === undefined ? 'z' : item.ci;
    if (ci !== 'z' && ci !== 'hksj') problems.push('`ci` must be z or hksj.');
    const experimental = strings(item.experimental);
    const control = strings(item.control);
    if (!experimental) problems.push('`experimental` must list at least one arm group.');
    if (!control) problems.push('`control` must list at least one arm group.');
    if (item.subgroup !== undefined && item.subgroup !== 'experimental-group')
      problems.push('`subgroup` can only be experimental-group.');
    const both = (experimental ?? []).filter((g) => (control ?? []).includes(g));
    for (const group of new Set(both))
      problems.push(`The group "${group}" is listed as both experimental and control.`);
    if (problems.length > 0) return { index, id, problems };
    return {
      index,
      id,
      problems,
      config: {
        id,
        ...(isString(item.title) ? { title: item.title } : {}),
        outcome: item.outcome as string,
        measure: measure!,
        model: model as Model,
        method: method as Tau2Method,
        ci: ci as CiMethod,
        experimental: [...new Set(experimental)],
        control: [...new Set(control)],
        ...(item.subgroup === 'experimental-group' ? { subgroup: 'experimental-group' as const } : {}),
      },
    };
  });
}

const RESULT_FIELDS = {
  continuous: ['mean', 'sd', 'n'],
  dichotomous: ['events', 'n'],
  correlation: ['r', 'n'],
} as const;

/** What the runnable analyses read of a record: arm n, and per outcome the result fields of the arms compared. */
export function analysedFields(analyses: readonly ParsedAnalysis[]): AnalysedFields {
  const outcomes = new Map<string, AnalysedOutcome>();
  for (const { config } of analyses) {
    if (!config) continue;
    const type = MEASURE_OUTCOME_TYPE[config.measure];
    const known = outcomes.get(config.outcome);
    outcomes.set(config.outcome, {
      comparisons: [
        ...(known?.comparisons ?? []),
        { experimental: new Set(config.experimental), control: new Set(config.control) },
      ],
      wholeSample: (known?.wholeSample ?? false) || type === 'correlation',
      fields: [...new Set([...(known?.fields ?? []), ...RESULT_FIELDS[type]])],
    });
  }
  return { armN: outcomes.size > 0, outcomes };
}

/** What the records use: outcome ids with their types, and arm groups. */
export interface SynthesisUsage {
  outcomes: Map<string, Set<string>>;
  groups: Set<string>;
}

/** Collects the outcome ids (and types) and arm groups used by records (parsed record values). */
export function synthesisUsageFromRecords(records: readonly unknown[]): SynthesisUsage {
  const outcomes = new Map<string, Set<string>>();
  const groups = new Set<string>();
  for (const record of records) {
    if (!isPlainObject(record)) continue;
    for (const arm of Array.isArray(record.arms) ? record.arms : []) {
      if (isPlainObject(arm) && isString(arm.group)) groups.add(arm.group);
    }
    for (const outcome of Array.isArray(record.outcomes) ? record.outcomes : []) {
      if (!isPlainObject(outcome) || !isString(outcome.id)) continue;
      const types = outcomes.get(outcome.id) ?? new Set<string>();
      if (isString(outcome.type)) types.add(outcome.type);
      outcomes.set(outcome.id, types);
    }
  }
  return { outcomes, groups };
}

export interface AnalysisConfigOptions {
  /** What the review's records use; without it, the checks against records are skipped. */
  usage?: SynthesisUsage;
}

/**
 * Checks `synthesis.analyses` of a parsed review.yaml beyond its JSON Schema, with stable codes and ranges
 * in review.yaml. Values of the wrong type are left to the schema's diagnostics.
 *
 * Codes: analysis-duplicate-id (error), analysis-group-both-sides (error), analysis-duplicate-group
 * (warning), analysis-hksj-common (warning), analysis-method-ignored (information), and, given `usage`:
 * analysis-unknown-outcome (warning), analysis-outcome-type (warning), analysis-unknown-group (warning).
 */
export function validateAnalysesConfig(
  file: YamlFile,
  locator: YamlLocator,
  options: AnalysisConfigOptions = {},
): Diagnostic[] {
  const out: Diagnostic[] = [];
  const root = file.usable && isPlainObject(file.value) ? file.value : {};
  const synthesis = isPlainObject(root.synthesis) ? root.synthesis : {};
  const analyses = Array.isArray(synthesis.analyses) ? synthesis.analyses : [];
  const at = (severity: Diagnostic['severity'], code: string, message: string, path: PathSegment[]) =>
    out.push({ severity, code, message, range: locator.valueRange(path), data: { path } });
  const base = (i: number): PathSegment[] => ['synthesis', 'analyses', i];
  const firstIndex = new Map<string, number>();

  analyses.forEach((analysis, i) => {
    if (!isPlainObject(analysis)) return;
    if (isString(analysis.id)) {
      const first = firstIndex.get(analysis.id);
      if (first !== undefined) {
        at(
          'error',
          'analysis-duplicate-id',
          `Analysis id \`${analysis.id}\` is already used by analysis ${first + 1}; analysis ids must be unique.`,
          [...base(i), 'id'],
        );
      } else firstIndex.set(analysis.id, i);
    }

    const lists: Record<'experimental' | 'control', string[]> = { experimental: [], control: [] };
    for (const side of ['experimental', 'control'] as const) {
      const list = analysis[side];
      if (!Array.isArray(list)) continue;
      const seen = new Set<string>();
      list.forEach((group, j) => {
        if (!isString(group)) return;
        if (seen.has(group)) {
          at('warning', 'analysis-duplicate-group', `The group "${group}" is listed twice in \`${side}\`.`, [
            ...base(i),
            side,
            j,
          ]);
        }
        seen.add(group);
        lists[side].push(group);
      });
    }
    if (Array.isArray(analysis.control)) {
      const reported = new Set<string>();
      analysis.control.forEach((group, j) => {
        if (!isString(group) || !lists.experimental.includes(group) || reported.has(group)) return;
        reported.add(group);
        at(
          'error',
          'analysis-group-both-sides',
          `The group "${group}" is listed as both experimental and control: an arm cannot be compared with itself, so this analysis cannot run.`,
          [...base(i), 'control', j],
        );
      });
    }

    const model = analysis.model ?? 'random';
    if (model === 'common' && analysis.ci === 'hksj') {
      at(
        'warning',
        'analysis-hksj-common',
        'The Knapp-Hartung adjustment (`ci: hksj`) is meant for random-effects models; with `model: common` it rescales the common-effect SE all the same.',
        [...base(i), 'ci'],
      );
    }
    if (model === 'common' && analysis.method !== undefined) {
      at(
        'information',
        'analysis-method-ignored',
        '`method` (the tau² estimator) is not used by a common-effect model.',
        [...base(i), 'method'],
      );
    }

    const usage = options.usage;
    if (!usage) return;
    if (isString(analysis.outcome)) {
      const types = usage.outcomes.get(analysis.outcome);
      if (!types) {
        const known = [...usage.outcomes.keys()].sort();
        at(
          'warning',
          'analysis-unknown-outcome',
          `No record has an outcome \`${analysis.outcome}\`, so this analysis finds no study${known.length > 0 ? ` (outcome ids in the records: ${known.join(', ')})` : ''}.`,
          [...base(i), 'outcome'],
        );
      } else {
        const measure = MEASURES.find((m) => m === analysis.measure);
        const wanted = measure ? MEASURE_OUTCOME_TYPE[measure] : undefined;
        const other = [...types].filter((t) => t !== wanted);
        if (wanted && other.length > 0) {
          at(
            'warning',
            'analysis-outcome-type',
            `\`${measure}\` needs a ${wanted} outcome, but records give \`${analysis.outcome}\` as ${other.join(' and ')}; those studies are excluded.`,
            [...base(i), 'measure'],
          );
        }
      }
    }
    for (const side of ['experimental', 'control'] as const) {
      const list = analysis[side];
      if (!Array.isArray(list)) continue;
      list.forEach((group, j) => {
        if (isString(group) && !usage.groups.has(group)) {
          at('warning', 'analysis-unknown-group', `No record has an arm in the group "${group}".`, [
            ...base(i),
            side,
            j,
          ]);
        }
      });
    }
  });
  return out;
}
