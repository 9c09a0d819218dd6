import * as nodePath from 'node:path';
import { checkOpenedReview, checkRecord, listRecords } from '../core/check';
import type { Diagnostic } from '../core/diagnostic';
import { matchRecordPath, type FoundRecord } from '../core/recordTemplate';
import {
  openReview,
  readTextFile,
  fileProblemDiagnostic,
  REVIEW_FILE,
  toPosix,
  type Review,
} from '../core/review';
import type { ReviewFileSystem } from '../core/fileSystem';
import { pathToUri } from './overlayFileSystem';

export type Publish = (uri: string, diagnostics: Diagnostic[]) => void;

/** What kind of file of a review a path is. */
export type FileRole =
  { role: 'review' } | { role: 'schema' } | { role: 'record'; record: FoundRecord } | { role: 'other' };

/** One review folder as the server keeps it: the opened protocol and the diagnostics it has published. */
export class ReviewSession {
  private review: Review | undefined;
  private loading: Promise<Review> | undefined;
  /** URIs with diagnostics published by this session, so that stale ones can be cleared. */
  private readonly published = new Set<string>();

  constructor(
    readonly root: string,
    private readonly fs: ReviewFileSystem,
    private readonly publish: Publish,
    private readonly trusted: () => boolean,
  ) {}

  /** The opened review (protocol and compiled schema), loading it on first use. */
  async current(): Promise<Review> {
    if (this.review) return this.review;
    if (!this.loading) {
      this.loading = openReview(this.root, this.fs, { compileReviewSchema: this.trusted() }).then(
        (review) => {
          this.review = review;
          this.loading = undefined;
          return review;
        },
      );
    }
    return this.loading;
  }

  /** Forgets the protocol and schema (review.yaml or the schema changed) and checks everything again. */
  async reload(): Promise<void> {
    this.review = undefined;
    this.loading = undefined;
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

  /** Checks every file of the review and publishes the results; clears files that no longer have any. */
  async checkAll(): Promise<{ files: number; errors: number; warnings: number }> {
    const report = await checkOpenedReview(await this.current(), this.fs);
    const seen = new Set<string>();
    for (const file of report.files) {
      const uri = pathToUri(nodePath.join(this.root, file.path));
      seen.add(uri);
      this.send(uri, file.diagnostics);
    }
    for (const uri of [...this.published]) if (!seen.has(uri)) this.send(uri, []);
    return report.summary;
  }

  /** Checks one record (its open buffer, or the file on disk) and publishes the result. */
  async checkRecordFile(path: string, record: FoundRecord): Promise<Diagnostic[]> {
    const review = await this.current();
    const read = await readTextFile(this.fs, path);
    if (!('text' in read)) {
      const diagnostics =
        read.problem === 'missing' ? [] : [fileProblemDiagnostic(read.problem, read.detail)];
      this.send(pathToUri(path), diagnostics);
      return diagnostics;
    }
    const diagnostics = checkRecord(review, record, read.text);
    this.send(pathToUri(path), diagnostics);
    return diagnostics;
  }

  /** A file of this review was created, changed (on disk or in an editor), closed or deleted. */
  async fileChanged(path: string): Promise<void> {
    const role = await this.roleOf(path);
    if (role.role === 'review' || role.role === 'schema') await this.reload();
    else if (role.role === 'record') await this.checkRecordFile(path, role.record);
  }

  async records(): Promise<FoundRecord[]> {
    const review = await this.current();
    return (await listRecords(review, this.fs)).records;
  }

  clearAll(): void {
    for (const uri of [...this.published]) this.send(uri, []);
  }

  private send(uri: string, diagnostics: Diagnostic[]): void {
    if (diagnostics.length > 0) this.published.add(uri);
    else this.published.delete(uri);
    this.publish(uri, diagnostics);
  }
}
