import * as nodePath from 'node:path';
import { capDiagnostics, sortDiagnostics, type Diagnostic } from './diagnostic';
import type { ReviewFileSystem } from './fileSystem';
import { findRecordFiles, type FoundRecord } from './recordTemplate';
import {
  fileProblemDiagnostic,
  isInside,
  openReview,
  readTextFile,
  REVIEW_FILE,
  type OpenReviewOptions,
  type Review,
} from './review';
import { validateRecordText } from './validate';

export interface FileReport {
  /** Relative to the review folder, with `/` separators. */
  path: string;
  diagnostics: Diagnostic[];
}

export interface CheckReport {
  files: FileReport[];
  summary: { files: number; errors: number; warnings: number };
}

/** Checks one record's text in the context of its review (its path gives the expected study and reviewer). */
export function checkRecord(review: Review, record: FoundRecord, text: string): Diagnostic[] {
  const diagnostics = validateRecordText(text, review.schema, {
    study: record.study,
    reviewer: record.reviewer,
    protocolVersion: review.config.version,
    knownReviewers:
      review.config.reviewers.length > 0 ? [...review.config.reviewers, review.config.consensus] : undefined,
  });
  return diagnostics;
}

/** Lists the review's record files as the template lays them out. */
export async function listRecords(review: Review, fs: ReviewFileSystem) {
  if (!review.template) return { records: [], skipped: [] };
  return findRecordFiles(review.root, review.template, fs, nodePath.join, isInside);
}

/** Validates review.yaml, the extraction schema and every record of the review in `root`. */
export async function checkReview(
  root: string,
  fs: ReviewFileSystem,
  options: OpenReviewOptions & { checkRecords?: RecordChecker } = {},
): Promise<CheckReport> {
  return checkOpenedReview(await openReview(root, fs, options), fs, options.checkRecords);
}

/** Checks an opened review: its protocol and schema problems, and every record read through `fs`. */
/** Checks record files of an opened review, reading them through `fs`. */
export async function checkRecordFiles(
  review: Review,
  records: FoundRecord[],
  fs: ReviewFileSystem,
): Promise<FileReport[]> {
  return mapLimited(records, 32, async (record) => {
    const read = await readTextFile(fs, nodePath.join(review.root, record.path));
    const diagnostics =
      'text' in read
        ? checkRecord(review, record, read.text)
        : [fileProblemDiagnostic(read.problem, read.detail)];
    return { path: record.path, diagnostics };
  });
}

/** Checks the records' share of the work; the CLI may hand it to worker threads. */
export type RecordChecker = (review: Review, records: FoundRecord[]) => Promise<FileReport[]>;

export async function checkOpenedReview(
  review: Review,
  fs: ReviewFileSystem,
  checkRecords: RecordChecker = (r, records) => checkRecordFiles(r, records, fs),
): Promise<CheckReport> {
  const reports = new Map<string, Diagnostic[]>();
  for (const [path, diagnostics] of review.fileDiagnostics) reports.set(path, [...diagnostics]);
  if (!reports.has(REVIEW_FILE)) reports.set(REVIEW_FILE, []);
  if (review.usesReviewSchema && !reports.has(review.schemaPath)) reports.set(review.schemaPath, []);

  const { records, skipped } = await listRecords(review, fs);
  for (const skip of skipped) {
    reports.set(skip.path, [
      {
        severity: 'error',
        code: skip.reason,
        message:
          skip.reason === 'outside-review'
            ? `This path leads outside the review folder (to ${skip.detail}); it is not read.`
            : 'This path matches the records template but is not a file.',
        range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } },
      },
    ]);
  }

  const results = await checkRecords(review, records);
  for (const { path, diagnostics } of results) reports.set(path, diagnostics);

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
