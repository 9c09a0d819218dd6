import * as nodePath from 'node:path';
import {
  agreementStatistics,
  compareRecords,
  type AgreementFigures,
  type ComparedPair,
  type Disagreement,
} from './compare';
import type { Diagnostic } from '../common/diagnostic';
import type { ReviewFileSystem } from '../review/fileSystem';
import type { FoundRecord } from '../review/recordTemplate';
import { readTextFile, type Review } from '../review/review';
import { isPlainObject } from '../common/values';
import { parseYaml, yamlValue, YamlLocator, type PathSegment, type YamlFile } from '../yaml/yamlDocument';
import { listRecords } from '../review/review';

/** One reviewer's record of a study, read; its data at once, its positions when first asked for. */
export interface LoadedRecord {
  record: FoundRecord;
  reviewer: string;
  /** The record's data (an empty mapping when it cannot be read as one). */
  value: Record<string, unknown>;
  text: string;
  /** The text parsed with positions (for diagnostics and edits); parsed on each access, so keep the result. */
  readonly file: YamlFile;
  status: string | undefined;
}

export type StudyState = 'compared' | 'blinded' | 'single';

export interface StudyComparison {
  study: string;
  reviewers: string[];
  state: StudyState;
  /** Empty unless `compared`. */
  disagreements: Disagreement[];
  /** The compared field instances, when both records are complete (they feed the agreement statistics). */
  pairs: ComparedPair[];
  records: LoadedRecord[];
  consensus: LoadedRecord | undefined;
}

export interface ReviewComparison {
  studies: StudyComparison[];
  agreement: { overall: AgreementFigures; fields: (AgreementFigures & { field: string })[] };
}

/** Reads a study's records; `undefined` text means the file cannot be read (it is then left out). */
export type RecordReader = (record: FoundRecord) => Promise<string | undefined>;

export function diskReader(review: Review, fs: ReviewFileSystem): RecordReader {
  return async (record) => {
    const read = await readTextFile(fs, nodePath.join(review.root, record.path));
    return 'text' in read ? read.text : undefined;
  };
}

/** Groups record files by study, keeping the review's reviewers (in protocol order) and its consensus. */
export function groupByStudy(
  review: Review,
  records: FoundRecord[],
): Map<string, { reviewers: FoundRecord[]; consensus?: FoundRecord }> {
  const groups = new Map<string, { reviewers: FoundRecord[]; consensus?: FoundRecord }>();
  for (const record of records) {
    if (!record.study || !record.reviewer) continue;
    const group = groups.get(record.study) ?? { reviewers: [] };
    if (record.reviewer === review.config.consensus) group.consensus = record;
    else if (review.config.reviewers.includes(record.reviewer)) group.reviewers.push(record);
    groups.set(record.study, group);
  }
  for (const group of groups.values()) {
    group.reviewers.sort(
      (x, y) => review.config.reviewers.indexOf(x.reviewer!) - review.config.reviewers.indexOf(y.reviewer!),
    );
  }
  return new Map([...groups.entries()].sort(([x], [y]) => (x < y ? -1 : x > y ? 1 : 0)));
}

async function load(record: FoundRecord, read: RecordReader): Promise<LoadedRecord | undefined> {
  const text = await read(record);
  return text === undefined ? undefined : loadedRecord(record, text, yamlValue(text));
}

/** A record whose text has been read (and its data, by whoever read it). */
export function loadedRecord(record: FoundRecord, text: string, data: unknown): LoadedRecord {
  const value = isPlainObject(data) ? data : {};
  return {
    record,
    reviewer: record.reviewer!,
    value,
    text,
    // Parsed on each use and not kept: a review's worth of syntax trees would dominate the server's memory.
    get file() {
      return parseYaml(text);
    },
    status: typeof value.status === 'string' ? value.status : undefined,
  };
}

/** Compares the two reviewers' records of one study, honouring blinding. */
export async function compareStudy(
  review: Review,
  study: string,
  group: { reviewers: FoundRecord[]; consensus?: FoundRecord },
  read: RecordReader,
): Promise<StudyComparison> {
  const loaded = (await Promise.all(group.reviewers.map((r) => load(r, read)))).filter(
    (r): r is LoadedRecord => !!r,
  );
  const consensus = group.consensus ? await load(group.consensus, read) : undefined;
  return compareLoaded(review, study, loaded, consensus);
}

/** `compareStudy` over records already read (the reviewers' in protocol order). */
export function compareLoaded(
  review: Pick<Review, 'config' | 'schema'>,
  study: string,
  loaded: LoadedRecord[],
  consensus: LoadedRecord | undefined,
): StudyComparison {
  const [a, b] = loaded;
  if (!a || !b) {
    return {
      study,
      reviewers: loaded.map((r) => r.reviewer),
      state: 'single',
      disagreements: [],
      pairs: [],
      records: loaded,
      consensus,
    };
  }
  const bothComplete = a.status === 'complete' && b.status === 'complete';
  const comparison = compareRecords(a.value, b.value, review.config.compare, review.schema);
  const blinded = review.config.blind && !bothComplete;
  return {
    study,
    reviewers: [a.reviewer, b.reviewer],
    state: blinded ? 'blinded' : 'compared',
    disagreements: blinded ? [] : comparison.disagreements,
    pairs: bothComplete ? comparison.pairs : [],
    records: [a, b],
    consensus,
  };
}

/** Compares every study of the review (or one) and computes the agreement statistics. */
export async function compareReview(
  review: Review,
  fs: ReviewFileSystem,
  options: { study?: string; read?: RecordReader } = {},
): Promise<ReviewComparison> {
  const { records } = await listRecords(review, fs);
  const read = options.read ?? diskReader(review, fs);
  const studies: StudyComparison[] = [];
  for (const [study, group] of groupByStudy(review, records)) {
    if (options.study !== undefined && study !== options.study) continue;
    if (group.reviewers.length === 0) continue;
    studies.push(await compareStudy(review, study, group, read));
  }
  return { studies, agreement: agreementStatistics(studies.flatMap((s) => s.pairs)) };
}

/** A compared value as a reviewer reads it. */
export function describeCompared(value: unknown): string {
  if (value === null || value === undefined) return '(not extracted)';
  if (typeof value === 'string') return value;
  if (Array.isArray(value)) return value.map(describeCompared).join(', ');
  if (isPlainObject(value))
    return typeof value.id === 'string' ? `present (${value.id})` : JSON.stringify(value);
  return String(value);
}

/** Disagreements as Information diagnostics on the value in both records, each pointing at the other. */
export function disagreementDiagnostics(study: StudyComparison): Map<string, Diagnostic[]> {
  const result = new Map<string, Diagnostic[]>();
  const [a, b] = study.records;
  if (!a || !b || study.state !== 'compared') return result;
  if (study.disagreements.length === 0) {
    // Nothing to place: the records are not parsed with positions (most studies, at start-up).
    result.set(a.record.path, []);
    result.set(b.record.path, []);
    return result;
  }
  const locA = new YamlLocator(a.file);
  const locB = new YamlLocator(b.file);
  const rangeIn = (loc: YamlLocator, docPath: PathSegment[] | undefined, anchor: PathSegment[]) =>
    docPath
      ? typeof docPath[docPath.length - 1] === 'number'
        ? loc.containerRange(docPath)
        : loc.valueRange(docPath)
      : loc.containerRange(anchor);
  const listA: Diagnostic[] = [];
  const listB: Diagnostic[] = [];
  for (const d of study.disagreements) {
    const rangeA = rangeIn(locA, d.docPathA, d.anchorA);
    const rangeB = rangeIn(locB, d.docPathB, d.anchorB);
    const message = (other: string, otherValue: unknown, own: unknown) =>
      `Disagreement on \`${d.path}\`: ${other} has ${describeCompared(otherValue)} (this record: ${describeCompared(own)}).`;
    listA.push({
      severity: 'information',
      code: 'disagreement',
      message: message(b.reviewer, d.b, d.a),
      range: rangeA,
      data: { path: d.docPathA ?? d.anchorA },
      related: [{ path: b.record.path, range: rangeB, message: `${b.reviewer}: ${describeCompared(d.b)}` }],
    });
    listB.push({
      severity: 'information',
      code: 'disagreement',
      message: message(a.reviewer, d.a, d.b),
      range: rangeB,
      data: { path: d.docPathB ?? d.anchorB },
      related: [{ path: a.record.path, range: rangeA, message: `${a.reviewer}: ${describeCompared(d.a)}` }],
    });
  }
  result.set(a.record.path, listA);
  result.set(b.record.path, listB);
  return result;
}
