import * as nodePath from 'node:path';
import { consensusDiagnostics } from '../dual/adjudicate';
import { capDiagnostics, sortDiagnostics, type Diagnostic } from '../common/diagnostic';
import type { ReviewFileSystem } from '../review/fileSystem';
import { skippedPathDiagnostic, type FoundRecord } from '../review/recordTemplate';
import {
  fileProblemDiagnostic,
  listRecords,
  openReview,
  readTextFile,
  REVIEW_FILE,
  type OpenReviewOptions,
  type Review,
} from '../review/review';
import {
  synthesisUsageFromRecords,
  validateAnalysesConfig,
  type SynthesisUsage,
} from '../synthesis/analysisConfig';
import { compareStudy, diskReader, groupByStudy } from '../dual/studyPairs';
import { validateRecord } from '../record/validate';
import { YamlLocator } from '../yaml/yamlDocument';

export interface FileReport {
  /** Relative to the review folder, with `/` separators. */
  path: string;
  diagnostics: Diagnostic[];
  /** A record's outcome ids (with types) and arm groups, for checking the analyses of review.yaml. */
  usage?: RecordUsage;
}

/** What the analyses of review.yaml may refer to in one record (small, so threads can pass it on). */
export interface RecordUsage {
  outcomes: [string, string | undefined][];
  groups: string[];
}

export function usageOf(value: unknown): RecordUsage {
  const summary = synthesisUsageFromRecords([value]);
  const outcomes: [string, string | undefined][] = [];
  for (const [id, types] of summary.outcomes) {
    if (types.size === 0) outcomes.push([id, undefined]);
    for (const type of types) outcomes.push([id, type]);
  }
  return { outcomes, groups: [...summary.groups] };
}

export function mergeUsage(usages: Iterable<RecordUsage | undefined>): SynthesisUsage {
  const outcomes = new Map<string, Set<string>>();
  const groups = new Set<string>();
  for (const usage of usages) {
    for (const [id, type] of usage?.outcomes ?? []) {
      const types = outcomes.get(id) ?? new Set<string>();
      if (type !== undefined) types.add(type);
      outcomes.set(id, types);
    }
    for (const group of usage?.groups ?? []) groups.add(group);
  }
  return { outcomes, groups };
}

/** Checks of the analyses against what the records use (the other analysis checks run on review.yaml alone). */
const USAGE_CODES = new Set(['analysis-unknown-outcome', 'analysis-outcome-type', 'analysis-unknown-group']);

/** review.yaml's analyses checked against what `recordCount` records use (none checked without records). */
export function reviewUsageDiagnostics(
  review: Review,
  usage: SynthesisUsage,
  recordCount: number,
): Diagnostic[] {
  if (!review.reviewFile || review.config.synthesis.analyses.length === 0 || recordCount === 0) return [];
  return validateAnalysesConfig(review.reviewFile, new YamlLocator(review.reviewFile), { usage }).filter(
    (d) => USAGE_CODES.has(d.code),
  );
}

export interface CheckReport {
  files: FileReport[];
  summary: { files: number; errors: number; warnings: number };
}

/**
 * Checks one record's text in the context of its review (its path gives the expected study and reviewer),
 * also giving the record's data.
 */
export function checkRecordWithValue(
  review: Review,
  record: FoundRecord,
  text: string,
): { diagnostics: Diagnostic[]; value: unknown } {
  return validateRecord(text, review.schema, {
    study: record.study,
    reviewer: record.reviewer,
    protocolVersion: review.config.version,
    knownReviewers:
      review.config.reviewers.length > 0 ? [...review.config.reviewers, review.config.consensus] : undefined,
  });
}

/**
 * Validates review.yaml, the extraction schema and every record of the review in `root`, and reports the
 * disagreements that each consensus record has not settled yet.
 */
export async function checkReview(
  root: string,
  fs: ReviewFileSystem,
  options: OpenReviewOptions & { checkRecords?: RecordChecker } = {},
): Promise<CheckReport> {
  return checkOpenedReview(await openReview(root, fs, options), fs, options.checkRecords, {
    unresolvedDisagreements: true,
  });
}

/** Checks record files of an opened review, reading them through `fs`. */
export async function checkRecordFiles(
  review: Review,
  records: FoundRecord[],
  fs: ReviewFileSystem,
): Promise<FileReport[]> {
  return mapLimited(records, 32, async (record) => {
    const read = await readTextFile(fs, nodePath.join(review.root, record.path));
    if (!('text' in read))
      return { path: record.path, diagnostics: [fileProblemDiagnostic(read.problem, read.detail)] };
    const { diagnostics, value } = checkRecordWithValue(review, record, read.text);
    return { path: record.path, diagnostics, usage: usageOf(value) };
  });
}

/** Checks the records' share of the work; the CLI may hand it to worker threads. */
export type RecordChecker = (review: Review, records: FoundRecord[]) => Promise<FileReport[]>;

/**
 * The disagreements each consensus record has not settled yet (its open placeholders), as warnings at
 * the field, by the consensus record's path.
 */
async function unresolvedAdjudication(
  review: Review,
  records: FoundRecord[],
  fs: ReviewFileSystem,
): Promise<Map<string, Diagnostic[]>> {
  const found = new Map<string, Diagnostic[]>();
  const read = diskReader(review, fs);
  for (const [study, group] of groupByStudy(review, records)) {
    if (!group.consensus || group.reviewers.length < 2) continue;
    const comparison = await compareStudy(review, study, group, read);
    const diagnostics = consensusDiagnostics(comparison);
    if (diagnostics.length > 0) found.set(group.consensus.path, diagnostics);
  }
  return found;
}

/**
 * Checks an opened review: its protocol and schema problems, and every record read through `fs`. With
 * `unresolvedDisagreements`, also the open placeholders of consensus records (the language server
 * publishes those with its comparisons instead).
 */
export async function checkOpenedReview(
  review: Review,
  fs: ReviewFileSystem,
  checkRecords: RecordChecker = (r, records) => checkRecordFiles(r, records, fs),
  options: { unresolvedDisagreements?: boolean } = {},
): Promise<CheckReport> {
  const reports = new Map<string, Diagnostic[]>();
  for (const [path, diagnostics] of review.fileDiagnostics) reports.set(path, [...diagnostics]);
  if (!reports.has(REVIEW_FILE)) reports.set(REVIEW_FILE, []);
  if (review.usesReviewSchema && !reports.has(review.schemaPath)) reports.set(review.schemaPath, []);

  const { records, skipped } = await listRecords(review, fs);
  for (const skip of skipped) reports.set(skip.path, [skippedPathDiagnostic(skip)]);

  const results = await checkRecords(review, records);
  for (const { path, diagnostics } of results) reports.set(path, diagnostics);
  reports
    .get(REVIEW_FILE)!
    .push(...reviewUsageDiagnostics(review, mergeUsage(results.map((r) => r.usage)), results.length));
  if (options.unresolvedDisagreements) {
    for (const [path, diagnostics] of await unresolvedAdjudication(review, records, fs))
      reports.set(path, [...(reports.get(path) ?? []), ...diagnostics]);
  }

  const files = [...reports.entries()]
    .map(([path, diagnostics]) => ({ path, diagnostics: capDiagnostics(sortDiagnostics(diagnostics)) }))
    .sort((a, b) =>
      a.path === REVIEW_FILE
        ? -1
        : b.path === REVIEW_FILE
          ? 1
          : a.path < b.path
            ? -1
            : a.path > b.path
              ? 1
              : 0,
    );
  let errors = 0;
  let warnings = 0;
  for (const file of files) {
    for (const d of file.diagnostics) {
      if (d.severity === 'error') errors++;
      else if (d.severity === 'warning') warnings++;
    }
  }
  return { files, summary: { files: files.length, errors, warnings } };
}

/** Like `Promise.all(items.map(fn))` with at most `limit` running at once (open files are limited). */
async function mapLimited<T, R>(
  items: readonly T[],
  limit: number,
  fn: (item: T) => Promise<R>,
): Promise<R[]> {
  const results: R[] = new Array(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const index = next++;
      results[index] = await fn(items[index]!);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}
