import type { Diagnostic, Severity } from '../common/diagnostic';
import { isPlainObject } from '../common/values';
import type { PathSegment, YamlLocator } from '../yaml/yamlDocument';

/** What the record's location and the protocol say the record must contain. */
export interface RecordExpectations {
  /** From the file name. */
  study?: string;
  /** From the folder. */
  reviewer?: string;
  /** review.yaml `version`. */
  protocolVersion?: number;
  /** The review's reviewers and its consensus folder name, when the protocol lists them. */
  knownReviewers?: string[];
}

/** The id an arm's results use for the whole sample. */
export const WHOLE_SAMPLE = 'all';

const isNumber = (value: unknown): value is number => typeof value === 'number' && Number.isFinite(value);

/**
 * Rules that JSON Schema cannot express: agreement with the file's path, unique ids, references between
 * results and arms, and plausibility of the numbers. Each has a stable code.
 */
export function checkRecordRules(
  record: Record<string, unknown>,
  expect: RecordExpectations,
  locator: YamlLocator,
): Diagnostic[] {
  const out: Diagnostic[] = [];
  const at = (
    severity: Severity,
    code: string,
    message: string,
    path: PathSegment[],
    onKey = false,
  ): void => {
    out.push({
      severity,
      code,
      message,
      range: onKey ? locator.keyRange(path) : locator.valueRange(path),
      data: { path },
    });
  };

  if (expect.study !== undefined && typeof record.study === 'string' && record.study !== expect.study) {
    at(
      'error',
      'study-mismatch',
      `\`study\` is "${record.study}" but the file is named for "${expect.study}"; they must match.`,
      ['study'],
    );
  }
  if (
    expect.reviewer !== undefined &&
    typeof record.reviewer === 'string' &&
    record.reviewer !== expect.reviewer
  ) {
    at(
      'error',
      'reviewer-mismatch',
      `\`reviewer\` is "${record.reviewer}" but the record is in the folder of "${expect.reviewer}"; they must match.`,
      ['reviewer'],
    );
  }
  if (
    expect.reviewer !== undefined &&
    expect.knownReviewers &&
    !expect.knownReviewers.includes(expect.reviewer)
  ) {
    out.push({
      severity: 'warning',
      code: 'unknown-reviewer',
      message: `"${expect.reviewer}" is not one of the review's reviewers nor its consensus folder (${expect.knownReviewers.join(', ')}).`,
      range:
        typeof record.reviewer === 'string' ? locator.valueRange(['reviewer']) : locator.documentStartRange(),
      data: { path: ['reviewer'] },
    });
  }
  if (
    expect.protocolVersion !== undefined &&
    isNumber(record.protocol_version) &&
    record.protocol_version !== expect.protocolVersion
  ) {
    at(
      'warning',
      'protocol-version',
      `This record was extracted under protocol version ${record.protocol_version}; review.yaml is at version ${expect.protocolVersion}. Check the fields that changed, then update \`protocol_version\`.`,
      ['protocol_version'],
    );
  }

  const arms = Array.isArray(record.arms) ? record.arms : undefined;
  const armN = new Map<string, unknown>();
  if (arms) {
    arms.forEach((arm, index) => {
      if (!isPlainObject(arm) || typeof arm.id !== 'string') return;
      if (arm.id === WHOLE_SAMPLE) {
        at(
          'error',
          'reserved-arm-id',
          `Arm id \`${WHOLE_SAMPLE}\` is reserved for results of the whole sample; choose another id.`,
          ['arms', index, 'id'],
        );
      } else if (armN.has(arm.id)) {
        at(
          'error',
          'duplicate-arm-id',
          `Arm id \`${arm.id}\` is used twice; arm ids must be unique in a record.`,
          ['arms', index, 'id'],
        );
      } else armN.set(arm.id, arm.n);
    });
  }

  const outcomes = Array.isArray(record.outcomes) ? record.outcomes : [];
  const outcomeIds = new Set<string>();
  outcomes.forEach((outcome, index) => {
    if (!isPlainObject(outcome)) return;
    const base: PathSegment[] = ['outcomes', index];
    if (typeof outcome.id === 'string') {
      if (outcomeIds.has(outcome.id)) {
        at(
          'error',
          'duplicate-outcome-id',
          `Outcome id \`${outcome.id}\` is used twice; outcome ids must be unique in a record.`,
          [...base, 'id'],
        );
      }
      outcomeIds.add(outcome.id);
    }

    const scale = isPlainObject(outcome.scale) ? outcome.scale : undefined;
    const scaleValid = scale && isNumber(scale.min) && isNumber(scale.max) && scale.min < scale.max;
    if (scale && isNumber(scale.min) && isNumber(scale.max) && !scaleValid) {
      at(
        'error',
        'scale-invalid',
        `The scale's \`min\` (${scale.min}) must be less than its \`max\` (${scale.max}).`,
        [...base, 'scale', 'min'],
      );
    }

    if (!isPlainObject(outcome.results)) return;
    for (const [armId, result] of Object.entries(outcome.results)) {
      const resultPath: PathSegment[] = [...base, 'results', armId];
      if (arms && armId !== WHOLE_SAMPLE && !armN.has(armId)) {
        const known = [...armN.keys()];
        at(
          'error',
          'unknown-arm',
          `\`${armId}\` is not an arm of this record; results are keyed by arm id (${known.length > 0 ? known.join(', ') : 'no arms declared'}) or \`${WHOLE_SAMPLE}\`.`,
          resultPath,
          true,
        );
      }
      if (!isPlainObject(result)) continue;
      const n = result.n;
      const declaredN = armN.get(armId);
      if (isNumber(n) && isNumber(declaredN) && n > declaredN) {
        at(
          'error',
          'n-exceeds-arm',
          `\`n\` (${n}) is larger than the arm's randomized \`n\` (${declaredN}).`,
          [...resultPath, 'n'],
        );
      }
      if (isNumber(result.events) && isNumber(n) && result.events > n) {
        at('error', 'events-exceed-n', `\`events\` (${result.events}) cannot be larger than \`n\` (${n}).`, [
          ...resultPath,
          'events',
        ]);
      }
      for (const spread of ['sd', 'se'] as const) {
        const v = result[spread];
        if (isNumber(v) && v <= 0) {
          at(
            'error',
            `${spread}-not-positive`,
            `\`${spread}\` must be greater than 0, got ${v}. Write NR if the source does not report it.`,
            [...resultPath, spread],
          );
        }
      }
      if (
        isPlainObject(result.ci) &&
        isNumber(result.ci.lower) &&
        isNumber(result.ci.upper) &&
        result.ci.lower > result.ci.upper
      ) {
        at(
          'error',
          'ci-invalid',
          `The interval's \`lower\` (${result.ci.lower}) is above its \`upper\` (${result.ci.upper}).`,
          [...resultPath, 'ci', 'lower'],
        );
      }
      if (
        scaleValid &&
        isNumber(result.mean) &&
        (result.mean < (scale.min as number) || result.mean > (scale.max as number))
      ) {
        at(
          'error',
          'mean-outside-scale',
          `\`mean\` (${result.mean}) lies outside the scale ${scale.min}–${scale.max}.`,
          [...resultPath, 'mean'],
        );
      }
    }
  });
  return out;
}
