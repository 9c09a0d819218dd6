import * as nodePath from 'node:path';
import { consensusDiagnostics } from '../core/dual/adjudicate';
import { checkOpenedReview, checkRecord } from '../core/workspace/check';
import { listRecords } from '../core/review/review';
import type { Diagnostic } from '../core/common/diagnostic';
import type { ReviewFileSystem } from '../core/review/fileSystem';
import { matchRecordPath, type FoundRecord } from '../core/review/recordTemplate';
import {
  fileProblemDiagnostic,
  openReview,
  readTextFile,
  REVIEW_FILE,
  toPosix,
  type Review,
} from '../core/review/review';
import {
  compareStudy,
  diskReader,
  disagreementDiagnostics,
  groupByStudy,
  type StudyComparison,
} from '../core/dual/studyPairs';
import { pathToUri } from './overlayFileSystem';

export type Publish = (uri: string, diagnostics: Diagnostic[], root: string) => void;

/** What kind of file of a review a path is. */
export type FileRole =
  { role: 'review' } | { role: 'schema' } | { role: 'record'; record: FoundRecord } | { role: 'other' };

/**
 * One review folder as the server keeps it: the opened protocol, the last validation of each file and the
 * disagreements of each study, published together per file.
 */
export class ReviewSession {
  private review: Review | undefined;
  private loading: Promise<Review> | undefined;
  /** Validation diagnostics by relative path. */
  private readonly validation = new Map<string, Diagnostic[]>();
  /** Disagreement (and unresolved-adjudication) diagnostics by relative path. */
  private readonly comparison = new Map<string, Diagnostic[]>();
  /** The last comparison of each study. */
  private readonly studies = new Map<string, StudyComparison>();
  /**
   * The review's record files as last listed: listed again only when files are created or deleted (or
   * the protocol changes), never per keystroke, so an edit costs the same in a review of any size.
   */
  private listing: FoundRecord[] | undefined;
  /** URIs with diagnostics published by this session, so that stale ones can be cleared. */
  private readonly published = new Set<string>();

  constructor(
    readonly root: string,
    private readonly fs: ReviewFileSystem,
    private readonly publish: Publish,
    private readonly trusted: () => boolean,
  ) {}

  /**
   * The opened review (protocol and compiled schema), loading it on first use. A load that fails is not
   * kept: the next call loads again, so that fixing the file is enough to recover. A load overtaken by a
   * reload is not kept either.
   */
  async current(): Promise<Review> {
    if (this.review) return this.review;
    if (!this.loading) {
      const loading: Promise<Review> = openReview(this.root, this.fs, {
        compileReviewSchema: this.trusted(),
      }).then(
        (review) => {
          if (this.loading === loading) {
            this.review = review;
            this.loading = undefined;
          }
          return review;
        },
        (error: unknown) => {
          if (this.loading === loading) this.loading = undefined;
          throw error;
        },
      );
      this.loading = loading;
    }
    return this.loading;
  }

  /** Forgets the protocol and schema (review.yaml or the schema changed) and checks everything again. */
  async reload(): Promise<void> {
    this.review = undefined;
    this.loading = undefined;
    this.listing = undefined;
    await this.checkAll();
  }

  relative(path: string): string {
    return toPosix(nodePath.relative(this.root, path));
  }

  contains(path: string): boolean {
    const rel = nodePath.relative(this.root, path);
    return rel !== '' && !rel.startsWith('..') && !nodePath.isAbsolute(rel);
  }

  async roleOf(path: string): Promise<FileRole> {
    if (!this.contains(path)) return { role: 'other' };
    const review = await this.current();
    const rel = this.relative(path);
    if (rel === REVIEW_FILE) return { role: 'review' };
    if (rel === review.schemaPath) return { role: 'schema' };
    const record = review.template ? matchRecordPath(review.template, rel) : undefined;
    return record ? { role: 'record', record } : { role: 'other' };
  }

  /** Checks every file and compares every study; publishes the results and clears what no longer applies. */
  async checkAll(): Promise<{ files: number; errors: number; warnings: number }> {
    const review = await this.current();
    const report = await checkOpenedReview(review, this.fs);
    this.validation.clear();
    for (const file of report.files) this.validation.set(file.path, file.diagnostics);
    this.comparison.clear();
    this.studies.clear();
    const { records } = await listRecords(review, this.fs);
    this.listing = records;
    for (const [study, group] of groupByStudy(review, records)) {
      if (group.reviewers.length > 0)
        this.storeComparison(await compareStudy(review, study, group, diskReader(review, this.fs)));
    }
    const current = new Set<string>();
    for (const path of new Set([...this.validation.keys(), ...this.comparison.keys()])) {
      current.add(pathToUri(nodePath.join(this.root, path)));
      this.send(path);
    }
    for (const uri of [...this.published]) {
      if (!current.has(uri)) {
        this.published.delete(uri);
        this.publish(uri, [], this.root);
      }
    }
    return report.summary;
  }

  /** Checks one record (its open buffer, or the file on disk), re-compares its study and publishes both. */
  async checkRecordFile(path: string, record: FoundRecord): Promise<Diagnostic[]> {
    const review = await this.current();
    const read = await readTextFile(this.fs, path);
    const rel = this.relative(path);
    let diagnostics: Diagnostic[];
    if ('text' in read) diagnostics = checkRecord(review, record, read.text);
    else if (read.problem === 'missing') diagnostics = [];
    else diagnostics = [fileProblemDiagnostic(read.problem, read.detail)];
    if ('problem' in read && read.problem === 'missing') this.validation.delete(rel);
    else this.validation.set(rel, diagnostics);
    const touched = new Set([rel]);
    if (record.study) for (const file of await this.refreshStudy(record.study)) touched.add(file);
    for (const file of touched) this.send(file);
    return diagnostics;
  }

  /** Compares one study again; returns the files whose comparison diagnostics changed. */
  private async refreshStudy(study: string): Promise<string[]> {
    const review = await this.current();
    const records = await this.records();
    const group = groupByStudy(
      review,
      records.filter((r) => r.study === study),
    ).get(study);
    const previous = this.studies.get(study);
    const before = new Set(previous ? this.filesOf(previous) : []);
    for (const file of before) this.comparison.delete(file);
    this.studies.delete(study);
    if (group && group.reviewers.length > 0)
      this.storeComparison(await compareStudy(review, study, group, diskReader(review, this.fs)));
    const now = this.studies.get(study);
    return [...new Set([...before, ...(now ? this.filesOf(now) : [])])];
  }

  private filesOf(study: StudyComparison): string[] {
    return [
      ...study.records.map((r) => r.record.path),
      ...(study.consensus ? [study.consensus.record.path] : []),
    ];
  }

  private storeComparison(study: StudyComparison): void {
    // The compared pairs feed agreement statistics, which the session does not show: not kept.
    this.studies.set(study.study, { ...study, pairs: [] });
    for (const [path, diagnostics] of disagreementDiagnostics(study)) this.comparison.set(path, diagnostics);
    if (study.consensus) this.comparison.set(study.consensus.record.path, consensusDiagnostics(study));
  }

  /** The last comparison of a study (refreshed on every change of its records). */
  async study(study: string): Promise<StudyComparison | undefined> {
    if (this.studies.size === 0) await this.checkAll();
    return this.studies.get(study);
  }

  /**
   * Errors of a file at its last validation (of its open buffer, or of the disk); `undefined` if it has
   * not been validated. Counts for the status bar and dashboards, without validating again.
   */
  errorCount(relativePath: string): number | undefined {
    return this.validation.get(relativePath)?.filter((d) => d.severity === 'error').length;
  }

  allStudies(): StudyComparison[] {
    return [...this.studies.values()];
  }

  /**
   * A file of this review was changed (on disk or in an editor) or closed; `created` or deleted on disk
   * with `listingChanged`, which lists the records again.
   */
  async fileChanged(
    path: string,
    { listingChanged = false }: { listingChanged?: boolean } = {},
  ): Promise<void> {
    if (listingChanged) this.listing = undefined;
    const role = await this.roleOf(path);
    if (role.role === 'review' || role.role === 'schema') await this.reload();
    else if (role.role === 'record') await this.checkRecordFile(path, role.record);
  }

  async records(): Promise<FoundRecord[]> {
    if (!this.listing) this.listing = (await listRecords(await this.current(), this.fs)).records;
    return this.listing;
  }

  clearAll(): void {
    for (const uri of [...this.published]) this.publish(uri, [], this.root);
    this.published.clear();
  }

  private send(relativePath: string): void {
    const uri = pathToUri(nodePath.join(this.root, relativePath));
    const diagnostics = [
      ...(this.validation.get(relativePath) ?? []),
      ...(this.comparison.get(relativePath) ?? []),
    ];
    if (diagnostics.length > 0) this.published.add(uri);
    else this.published.delete(uri);
    this.publish(uri, diagnostics, this.root);
  }
}
