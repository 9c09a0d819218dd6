// The typed record model: what a study record says (citation, arms, outcomes, results, adjudication),
// read from its parsed value without trusting its shape. Every reader of record data goes through it, so
// that "NR", "not extracted yet" and "not what the field takes" are told apart the same way everywhere
// (DESIGN.md §1 and §5). Pure: it reads values, never text or positions.
import { isPlainObject } from '../common/values';

type Obj = Readonly<Record<string, unknown>>;

/** The value a reviewer writes when the source does not report a field (DESIGN.md, missing values). */
export const NOT_REPORTED = 'NR';

/** The other missing-value codes: reported ambiguously, not applicable, requested from the authors. */
const MISSING_CODES = ['unclear', 'NA', 'pending'] as const;
type MissingCode = (typeof MISSING_CODES)[number];

/**
 * One field as extracted: a usable value; `NR` (a finding: the source does not report it); another
 * missing-value code; absent (no key, or an empty value: not extracted yet); or something the field does
 * not take (text where a number belongs, say).
 */
export type Reading<T> =
  | { kind: 'value'; value: T }
  | { kind: 'NR' }
  | { kind: 'missing'; code: MissingCode }
  | { kind: 'absent' }
  | { kind: 'wrong-type'; value: unknown };

export const ABSENT: Reading<never> = Object.freeze({ kind: 'absent' });
const NR: Reading<never> = Object.freeze({ kind: 'NR' });

const isFiniteNumber = (value: unknown): value is number =>
  typeof value === 'number' && Number.isFinite(value);

const isMissingCode = (value: string): value is MissingCode =>
  (MISSING_CODES as readonly string[]).includes(value);

/** Reads one field, accepting what `accept` takes as its value. */
export function read<T>(value: unknown, accept: (value: unknown) => value is T): Reading<T> {
  if (value === undefined || value === null || (typeof value === 'string' && value.trim() === ''))
    return ABSENT;
  if (value === NOT_REPORTED) return NR;
  if (typeof value === 'string' && isMissingCode(value)) return { kind: 'missing', code: value };
  return accept(value) ? { kind: 'value', value } : { kind: 'wrong-type', value };
}

/** A number field (finite numbers only: `.inf` and `.nan` are not data). */
export const readNumber = (value: unknown): Reading<number> => read(value, isFiniteNumber);

/** The value of a reading, when it has one. */
export function valueOf<T>(reading: Reading<T>): T | undefined {
  return reading.kind === 'value' ? reading.value : undefined;
}

/** A reading as the record spells it (`25`, `NR`, `pending`); undefined when nothing is written. */
export function writtenText(reading: Reading<unknown>): string | undefined {
  switch (reading.kind) {
    case 'absent':
      return undefined;
    case 'NR':
      return NOT_REPORTED;
    case 'missing':
      return reading.code;
    default:
      return typeof reading.value === 'object' ? JSON.stringify(reading.value) : String(reading.value);
  }
}

/** A text field as written, or null when it is absent, empty or not text. */
export function readText(value: unknown): string | null {
  return typeof value === 'string' && value.trim() !== '' ? value : null;
}

const mappings = (value: unknown): [Obj, number][] =>
  Array.isArray(value)
    ? value.flatMap((item, index): [Obj, number][] => (isPlainObject(item) ? [[item, index]] : []))
    : [];

// ---------------------------------------------------------------------------------------------------------
// Citation

export interface Citation {
  /** The authors as printed, entries that are not names left out. */
  authors: string[];
  /** The first author as printed ("Preschl B"); null unless the first entry of `authors` is a name. */
  firstAuthor: string | null;
  /** More than one author. */
  etAl: boolean;
  year: number | null;
  journal: string | null;
  title: string | null;
  doi: string | null;
}

export function readCitation(record: unknown): Citation {
  const citation = isPlainObject(record) && isPlainObject(record.citation) ? record.citation : {};
  const listed = Array.isArray(citation.authors) ? citation.authors : [];
  const authors = listed.map(readText).filter((a): a is string => a !== null);
  return {
    authors,
    firstAuthor: readText(listed[0]),
    etAl: authors.length > 1,
    year: valueOf(readNumber(citation.year)) ?? null,
    journal: readText(citation.journal),
    title: readText(citation.title),
    doi: readText(citation.doi),
  };
}

/** "Preschl 2011": the first author's surname and the year; the study id when either is unknown. */
export function citationLabel(citation: Pick<Citation, 'firstAuthor' | 'year'>, study: string): string {
  const surname = citation.firstAuthor?.trim().split(/\s+/)[0];
  return surname && citation.year !== null ? `${surname} ${citation.year}` : study;
}

/** "Preschl B et al. (2011)"; the year alone without a first author. */
export function citationText(citation: Pick<Citation, 'firstAuthor' | 'etAl' | 'year'>): string {
  const year = citation.year === null ? '' : String(citation.year);
  if (!citation.firstAuthor) return year;
  return `${citation.firstAuthor}${citation.etAl ? ' et al.' : ''}${year ? ` (${year})` : ''}`;
}

// ---------------------------------------------------------------------------------------------------------
// Arms

export interface Arm {
  /** Position in the record's `arms` (arms are named by id, but diagnostics need the place). */
  index: number;
  /** Null when the arm has no text id. */
  id: string | null;
  label: string | null;
  group: string | null;
  /** Randomized n. */
  n: Reading<number>;
  /** The arm as written, for comparing values exactly as each reviewer extracted them. */
  value: Obj;
}

/** One item of `arms`; undefined unless it is a mapping. */
export function readArm(item: unknown, index: number): Arm | undefined {
  if (!isPlainObject(item)) return undefined;
  return {
    index,
    id: readText(item.id),
    label: readText(item.label),
    group: readText(item.group),
    n: readNumber(item.n),
    value: item,
  };
}

// ---------------------------------------------------------------------------------------------------------
// Outcomes and results

interface Scale {
  min: number;
  max: number;
  /** Default true. */
  higherIsBetter: boolean;
  /** Number of items and the step of each item's score (for GRIM/GRIMMER), when given. */
  items: number | null;
  step: number | null;
}

interface Interval {
  lower: Reading<number>;
  upper: Reading<number>;
  /** The confidence level as written (0.95 when not given is the caller's default). */
  level: Reading<number>;
}

/** The result of one arm (or of the whole sample, keyed `all`) for one outcome. */
export interface ArmResult {
  /** The arm id it is keyed by, or `all`. */
  key: string;
  mean: Reading<number>;
  sd: Reading<number>;
  se: Reading<number>;
  /** Analysed n. */
  n: Reading<number>;
  events: Reading<number>;
  percent: Reading<number>;
  r: Reading<number>;
  /** A confidence interval of the mean, when `ci` is a mapping. */
  ci: Interval | null;
  value: Obj;
}

export interface Outcome {
  index: number;
  id: string | null;
  label: string | null;
  /** `continuous`, `dichotomous`, `correlation` (as written; null when not text). */
  type: string | null;
  instrument: string | null;
  timepoint: string | null;
  /** Null unless `min` and `max` are numbers. */
  scale: Scale | null;
  /** Two-sided p of the between-group difference. */
  pValue: Reading<number>;
  /** `results` as written, keyed by arm id or `all` ({} when it is not a mapping). */
  results: Obj;
  /** The result under `key` when it is a mapping. */
  result(key: string): ArmResult | undefined;
  value: Obj;
}

function readResult(key: string, value: Obj): ArmResult {
  const ci = isPlainObject(value.ci) ? value.ci : undefined;
  return {
    key,
    mean: readNumber(value.mean),
    sd: readNumber(value.sd),
    se: readNumber(value.se),
    n: readNumber(value.n),
    events: readNumber(value.events),
    percent: readNumber(value.percent),
    r: readNumber(value.r),
    ci: ci ? { lower: readNumber(ci.lower), upper: readNumber(ci.upper), level: readNumber(ci.level) } : null,
    value,
  };
}

function readScale(value: unknown): Scale | null {
  if (!isPlainObject(value)) return null;
  const min = valueOf(readNumber(value.min));
  const max = valueOf(readNumber(value.max));
  if (min === undefined || max === undefined) return null;
  return {
    min,
    max,
    higherIsBetter: value.higher_is_better !== false,
    items: valueOf(readNumber(value.items)) ?? null,
    step: valueOf(readNumber(value.step)) ?? null,
  };
}

/** One item of `outcomes`; undefined unless it is a mapping. */
export function readOutcome(item: unknown, index: number): Outcome | undefined {
  if (!isPlainObject(item)) return undefined;
  const results: Obj = isPlainObject(item.results) ? item.results : {};
  return {
    index,
    id: readText(item.id),
    label: readText(item.label),
    type: readText(item.type),
    instrument: readText(item.instrument),
    timepoint: readText(item.timepoint),
    scale: readScale(item.scale),
    pValue: readNumber(item.p_value),
    results,
    result(key) {
      const result = Object.hasOwn(results, key) ? results[key] : undefined;
      return isPlainObject(result) ? readResult(key, result) : undefined;
    },
    value: item,
  };
}

// ---------------------------------------------------------------------------------------------------------
// Adjudication (consensus records)

interface AdjudicationEntry {
  index: number;
  /** The id path settled (`arms[f2f].n`). */
  field: string | null;
  /** A reviewer id, or `other`. */
  chosen: string | null;
  value: unknown;
  rationale: string | null;
  adjudicator: string | null;
}

// ---------------------------------------------------------------------------------------------------------
// The record

export interface RecordModel {
  study: string | null;
  reviewer: string | null;
  status: string | null;
  citation: Citation;
  /** Every mapping in `arms`, in order. */
  arms: Arm[];
  /** Every mapping in `outcomes`, in order. */
  outcomes: Outcome[];
  /** Total randomized (the arms' n must add up to it). */
  totalN: Reading<number>;
  adjudication: AdjudicationEntry[];
  /** The first arm with this id. */
  arm(id: string): Arm | undefined;
  /** The first outcome with this id. */
  outcome(id: string): Outcome | undefined;
}

/** Reads a record's parsed value (anything: a record that is not a mapping reads as an empty one). */
export function readRecord(value: unknown): RecordModel {
  const record: Obj = isPlainObject(value) ? value : {};
  const arms = mappings(record.arms).map(([item, index]) => readArm(item, index)!);
  const outcomes = mappings(record.outcomes).map(([item, index]) => readOutcome(item, index)!);
  return {
    study: readText(record.study),
    reviewer: readText(record.reviewer),
    status: readText(record.status),
    citation: readCitation(record),
    arms,
    outcomes,
    totalN: readNumber(record.total_n),
    adjudication: mappings(record.adjudication).map(([entry, index]) => ({
      index,
      field: readText(entry.field),
      chosen: readText(entry.chosen),
      value: entry.value,
      rationale: readText(entry.rationale),
      adjudicator: readText(entry.adjudicator),
    })),
    arm: (id) => arms.find((a) => a.id === id),
    outcome: (id) => outcomes.find((o) => o.id === id),
  };
}
