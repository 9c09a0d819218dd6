// What a review's analyses read of each record beyond its required fields: progress and Next Missing Field
// ask for these too, so that a record complete by its schema is also complete for the synthesis.

export interface AnalysedOutcome {
  /**
   * The arm groups each analysis of the outcome compares: results are read for a record's arms in them,
   * when the record has arms on both sides (else the study cannot enter that analysis).
   */
  comparisons: readonly { experimental: ReadonlySet<string>; control: ReadonlySet<string> }[];
  /** Whether the results are read for the whole sample (`all`), as a correlation is. */
  wholeSample: boolean;
  /** Result fields read (`mean`, `sd`, `n`; `events`, `n`; `r`, `n`). */
  fields: readonly string[];
}

export interface AnalysedFields {
  /** Arm `n`, the randomized n that a result without its own n falls back to. */
  armN: boolean;
  /** By outcome id. */
  outcomes: ReadonlyMap<string, AnalysedOutcome>;
}

export const NO_ANALYSED_FIELDS: AnalysedFields = { armN: false, outcomes: new Map() };

/** Result fields that stand in for one another: an SD can be had from an SE or a CI. */
export const RESULT_ALTERNATIVES: Readonly<Record<string, readonly string[]>> = { sd: ['se', 'ci'] };
