// Which record speaks for a study (DESIGN §4), written once: the synthesis, the characteristics table and
// the comparison of a study pair each derive their own answer (the record used, the reason, the state)
// from this one classification of the study's records.
//
// The classification is pure and generic over the caller's record type: a record is readable when its
// `value` is defined, complete when it is readable and its `status` is `complete`. The caller says what
// "agreeing" means (the values an analysis reads, the values a table shows, every field) through
// `compare`, which is called only for two complete records.

/** What the classification needs of a record; callers pass their own richer type. */
export interface SpeakerRecord {
  reviewer: string;
  /** The record's data; `undefined` when it cannot be read (not YAML, not a mapping). */
  value: unknown;
  status: string | undefined;
}

/** A record whose data could be read. */
type Readable<R extends SpeakerRecord> = R & { value: NonNullable<R['value']> };

/** A study's records: the reviewers' in protocol order, and the consensus record if there is one. */
export interface SpeakerInput<R extends SpeakerRecord> {
  reviewers: readonly R[];
  consensus?: R | undefined;
}

/** What a comparison must say: the differences it found (none means the records agree). */
export interface SpeakerComparison {
  readonly disagreements: readonly unknown[];
}

export interface SpeakerOptions<R extends SpeakerRecord, C extends SpeakerComparison> {
  /** A blinded review hides both records until both are complete (review.yaml `blind`). */
  blind: boolean;
  /** Compares two complete records on what the caller cares about. */
  compare: (a: Readable<R>, b: Readable<R>) => C;
}

type ConsensusState<R extends SpeakerRecord> =
  { state: 'absent' } | { state: 'readable'; record: Readable<R> } | { state: 'unreadable'; record: R };

/**
 * The reviewers' records, by precedence: none; one (in a review that is not blinded); in a blinded review
 * while the two are not both complete (`blinded`, also with one record); two, not both complete
 * (`waiting`); two complete records that agree or disagree. Only the study's pair (the first two
 * reviewers in protocol order) is considered.
 */
type ReviewersState<R extends SpeakerRecord, C extends SpeakerComparison> =
  | { kind: 'none'; records: [] }
  | { kind: 'single'; records: [R] }
  | {
      kind: 'blinded';
      records: [R] | [R, R];
      /** The records that are not complete yet (unreadable ones included), in protocol order. */
      waiting: R[];
      /** The records that cannot be read. */
      unreadable: R[];
    }
  | { kind: 'waiting'; records: [R, R]; waiting: R[]; unreadable: R[] }
  | { kind: 'agreed' | 'disagreed'; records: [Readable<R>, Readable<R>]; comparison: C };

export interface Speaker<R extends SpeakerRecord, C extends SpeakerComparison> {
  /**
   * The record that speaks (DESIGN §4): the consensus record when there is one and it can be read; else,
   * without a consensus record, the first of two complete records that agree. Undefined otherwise: an
   * unreadable consensus record leaves the study without a speaking record, whatever the reviewers say.
   */
  speaks: { record: Readable<R>; source: 'consensus' | 'agreed' } | undefined;
  consensus: ConsensusState<R>;
  reviewers: ReviewersState<R, C>;
  /** The pair's records that can be read, in protocol order (empty, without a readable consensus: nothing readable). */
  readable: Readable<R>[];
}

const isReadable = <R extends SpeakerRecord>(record: R): record is Readable<R> => record.value !== undefined;
const isComplete = (record: SpeakerRecord) => isReadable(record) && record.status === 'complete';

function reviewersState<R extends SpeakerRecord, C extends SpeakerComparison>(
  reviewers: readonly R[],
  options: SpeakerOptions<R, C>,
): ReviewersState<R, C> {
  const [a, b] = reviewers;
  if (!a) return { kind: 'none', records: [] };
  const waitingOf = (records: R[]) => ({
    waiting: records.filter((r) => !isComplete(r)),
    unreadable: records.filter((r) => !isReadable(r)),
  });
  if (!b)
    return options.blind
      ? { kind: 'blinded', records: [a], ...waitingOf([a]) }
      : { kind: 'single', records: [a] };
  if (!isComplete(a) || !isComplete(b))
    return { kind: options.blind ? 'blinded' : 'waiting', records: [a, b], ...waitingOf([a, b]) };
  const pair: [Readable<R>, Readable<R>] = [a as Readable<R>, b as Readable<R>];
  const comparison = options.compare(...pair);
  return { kind: comparison.disagreements.length === 0 ? 'agreed' : 'disagreed', records: pair, comparison };
}

/** Classifies a study's records and says which one speaks for it (pure). */
export function speaker<R extends SpeakerRecord, C extends SpeakerComparison>(
  study: SpeakerInput<R>,
  options: SpeakerOptions<R, C>,
): Speaker<R, C> {
  const consensus: ConsensusState<R> = !study.consensus
    ? { state: 'absent' }
    : isReadable(study.consensus)
      ? { state: 'readable', record: study.consensus }
      : { state: 'unreadable', record: study.consensus };
  const reviewers = reviewersState(study.reviewers, options);
  const speaks =
    consensus.state === 'readable'
      ? { record: consensus.record, source: 'consensus' as const }
      : consensus.state === 'absent' && reviewers.kind === 'agreed'
        ? { record: reviewers.records[0], source: 'agreed' as const }
        : undefined;
  const readable = (reviewers.records as R[]).filter(isReadable);
  return { speaks, consensus, reviewers, readable };
}
