// One review folder's state, held once and updated incrementally: the protocol, the record listing, each
// record's text, data and validation, each study's comparison, and what the synthesis reads. The language
// server maps its queries to LSP; the CLI runs the same functions in batch (check.ts). Nothing here is
// re-listed or re-read per keystroke: a changed file re-checks that file and its study only.
import * as nodePath from 'node:path';
import type { Diagnostic, Range } from '../common/diagnostic';
import { isPlainObject } from '../common/values';
import { consensusDiagnostics, unresolvedDisagreements } from '../dual/adjudicate';
import { addTallies, overallAgreement, tallyAgreement, type AgreementTally } from '../dual/compare';
import {
  compareLoaded,
  disagreementDiagnostics,
  groupByStudy,
  loadedRecord,
  type LoadedRecord,
  type StudyComparison,
} from '../dual/studyPairs';
import { recordProgress } from '../editor/progress';
import { analysedFields, readAnalyses } from '../synthesis/analysisConfig';
import { resolveIdPath } from '../record/idPath';
import type { ReviewFileSystem } from '../review/fileSystem';
import { matchRecordPath, skippedPathDiagnostic, type FoundRecord } from '../review/recordTemplate';
import {
  fileProblemDiagnostic,
  listRecords,
  openReview,
  readTextFile,
  REVIEW_FILE,
  toPosix,
  type Review,
} from '../review/review';
import {
  runAnalyses,
  studyRecordOf,
  type StudyRecord,
  type StudyRecords,
  type SynthesisReport,
} from '../synthesis/analysis';
import {
  characteristicsTable,
  CHARACTERISTICS_COLUMNS,
  studyCharacteristics,
  type CharacteristicsTableData,
} from '../synthesis/characteristics';
import {
  buildSynthesisViewModel,
  type DashboardRecord,
  type DashboardStudy,
  type SynthesisViewModel,
} from '../synthesis/viewModel';
import { parseYaml, valueOnlyFile, YamlLocator } from '../yaml/yamlDocument';
import { checkRecordWithValue, mergeUsage, reviewUsageDiagnostics, usageOf, type RecordUsage } from './check';
import { progressMatrix, type ProgressMatrix, type RecordProgressSummary } from './progressMatrix';

export interface WorkspaceOptions {
  /** Whether the review's own schema may be compiled (an untrusted folder gets the bundled one). */
  trusted: () => boolean;
  /** Absolute paths of the files open in an editor: checked first at start-up, read fresh by queries. */
  openPaths?: () => Iterable<string>;
  /** Called with the review-relative paths whose diagnostics may have changed. */
  diagnosticsChanged?: (paths: string[]) => void;
  /** Lets the caller's other work through while a long pass runs (the server's requests). */
  pause?: () => Promise<void>;
}

/** What kind of file of a review a path is. */
export type FileRole =
  { role: 'review' } | { role: 'schema' } | { role: 'record'; record: FoundRecord } | { role: 'other' };

/** A record file as last read and checked. */
interface RecordState {
  record: FoundRecord;
  /** `undefined` when the file cannot be read as text. */
  text: string | undefined;
  /** The record's data; `undefined` when it is not a YAML mapping. */
  value: Record<string, unknown> | undefined;
  status: string | undefined;
  validation: Diagnostic[];
  errors: number;
  usage: RecordUsage | undefined;
  /** Required fields filled, computed when first asked for. */
  progress?: { filled: number; required: number; notReported: number };
}

/** A study as the synthesis reads it, rebuilt only when one of its records changes. */
interface SynthesisStudy {
  records: StudyRecords | undefined;
  characteristics: CharacteristicsTableData['rows'][number] | undefined;
  dashboard: DashboardStudy;
}

export interface CheckSummary {
  files: number;
  errors: number;
  warnings: number;
}

export interface ReviewProgressSummary {
  title: string;
  records: RecordProgressSummary[];
  totals: {
    records: number;
    complete: number;
    filled: number;
    required: number;
    notReported: number;
    errors: number;
  };
  /** The studies × reviewers matrix, when asked for. */
  matrix?: ProgressMatrix;
}

/** Where a study's record (the consensus first) starts, or one of its outcomes. */
export interface StudyLocation {
  path: string;
  reviewer: string;
  range: Range;
}

/** A long pass lets other work through at least this often (ms): an edit waits one slice at most. */
const SLICE_MS = 8;

export class ReviewWorkspace {
  private review: Review | undefined;
  private loading: Promise<Review> | undefined;
  /**
   * The record files as last listed: listed again only when files are created or deleted (or the protocol
   * changes), never per keystroke, so an edit costs the same in a review of any size.
   */
  private listing: FoundRecord[] | undefined;
  private readonly recordStates = new Map<string, RecordState>();
  /** Diagnostics of files that are not records: review.yaml, the schema, paths the template skips. */
  private readonly fileDiagnostics = new Map<string, Diagnostic[]>();
  /** Disagreement and unresolved-adjudication diagnostics by path. */
  private readonly comparison = new Map<string, Diagnostic[]>();
  private readonly studies = new Map<string, StudyComparison>();
  /** Studies compared whose disagreements are not placed in their records yet (start-up's second pass). */
  private readonly unplaced = new Set<string>();
  private readonly synthesisStudies = new Map<string, SynthesisStudy>();
  /** Each study's agreement counts, when both records are complete. */
  private readonly tallies = new Map<string, AgreementTally>();
  /** Bumped by every full pass; a pass overtaken by a newer one stops. */
  private generation = 0;
  private indexing: Promise<CheckSummary> | undefined;
  private indexed = false;
  private sliceStart = Date.now();

  constructor(
    readonly root: string,
    private readonly fs: ReviewFileSystem,
    private readonly options: WorkspaceOptions,
  ) {}

  // -------------------------------------------------------------------------------------------------
  // The protocol

  /**
   * The opened review (protocol and compiled schema), loading it on first use. A load that fails is not
   * kept: the next call loads again, so that fixing the file is enough to recover. A load overtaken by a
   * reload is not kept either.
   */
  async current(): Promise<Review> {
    if (this.review) return this.review;
    if (!this.loading) {
      const loading: Promise<Review> = openReview(this.root, this.fs, {
        compileReviewSchema: this.options.trusted(),
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
  async reload(): Promise<CheckSummary> {
    this.review = undefined;
    this.loading = undefined;
    this.listing = undefined;
    return this.checkAll();
  }

  relative(path: string): string {
    return toPosix(nodePath.relative(this.root, path));
  }

  absolute(relativePath: string): string {
    return nodePath.join(this.root, ...relativePath.split('/'));
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

  async records(): Promise<FoundRecord[]> {
    if (!this.listing) this.listing = (await listRecords(await this.current(), this.fs)).records;
    return this.listing;
  }

  // -------------------------------------------------------------------------------------------------
  // Checking

  /**
   * Checks every file and compares every study. Studies with an open file go first, and diagnostics are
   * reported study by study, so the file in front of the reviewer is answered before the review is indexed.
   */
  checkAll(): Promise<CheckSummary> {
    const generation = ++this.generation;
    const run = this.runCheckAll(generation);
    this.indexing = run;
    return run;
  }

  private async runCheckAll(generation: number): Promise<CheckSummary> {
    const review = await this.current();
    const { records, skipped } = await listRecords(review, this.fs);
    if (generation !== this.generation) return this.indexing!;
    const before = this.reportedPaths();
    this.listing = records;
    this.recordStates.clear();
    this.comparison.clear();
    this.studies.clear();
    this.unplaced.clear();
    this.synthesisStudies.clear();
    this.tallies.clear();
    this.fileDiagnostics.clear();
    for (const [path, diagnostics] of review.fileDiagnostics)
      this.fileDiagnostics.set(path, [...diagnostics]);
    if (!this.fileDiagnostics.has(REVIEW_FILE)) this.fileDiagnostics.set(REVIEW_FILE, []);
    if (review.usesReviewSchema && !this.fileDiagnostics.has(review.schemaPath))
      this.fileDiagnostics.set(review.schemaPath, []);
    for (const skip of skipped) this.fileDiagnostics.set(skip.path, [skippedPathDiagnostic(skip)]);
    this.changed([...this.fileDiagnostics.keys()]);

    const groups = groupByStudy(review, records);
    const open = new Set([...(this.options.openPaths?.() ?? [])].map((p) => this.relative(p)));
    const studyOf = new Map<string, string>();
    for (const [study, group] of groups)
      for (const r of [...group.reviewers, ...(group.consensus ? [group.consensus] : [])])
        studyOf.set(r.path, study);
    const firstStudies = new Set([...open].map((p) => studyOf.get(p)).filter((s): s is string => !!s));
    const order = [
      ...[...groups.keys()].filter((s) => firstStudies.has(s)),
      ...[...groups.keys()].filter((s) => !firstStudies.has(s)),
    ];
    for (const study of order) {
      const group = groups.get(study)!;
      await this.pace();
      if (generation !== this.generation) return this.indexing!;
      const found = [...group.reviewers, ...(group.consensus ? [group.consensus] : [])];
      // A study's files are read together: the disk answers while the previous one is validated.
      await Promise.all(found.map((record) => this.readRecord(review, record)));
      const paths = found.map((record) => record.path);
      if (group.reviewers.length > 0) paths.push(...this.compare(review, study, !firstStudies.has(study)));
      this.changed(paths);
    }
    for (const record of records) {
      if (studyOf.has(record.path)) continue;
      await this.pace();
      if (generation !== this.generation) return this.indexing!;
      await this.readRecord(review, record);
      this.changed([record.path]);
    }
    this.updateUsageChecks(review);
    this.changed([REVIEW_FILE]);
    // Every file has its validation; now the disagreements of the studies that have some.
    for (const study of [...this.unplaced]) {
      await this.pace();
      if (generation !== this.generation) return this.indexing!;
      const comparison = this.studies.get(study);
      if (!comparison) continue;
      this.place(comparison);
      this.changed(filesOf(comparison));
    }
    this.indexed = true;
    const now = new Set(this.reportedPaths());
    // Files reported by the previous pass and gone now get their (empty) diagnostics once more.
    this.changed([...before].filter((p) => !now.has(p)));
    return this.summary();
  }

  /** Reads and validates one record into its state; `false` when the file is gone. */
  private async readRecord(review: Review, record: FoundRecord): Promise<boolean> {
    const read = await readTextFile(this.fs, this.absolute(record.path));
    if ('problem' in read && read.problem === 'missing') {
      this.recordStates.delete(record.path);
      return false;
    }
    if (!('text' in read)) {
      this.recordStates.set(record.path, {
        record,
        text: undefined,
        value: undefined,
        status: undefined,
        validation: [fileProblemDiagnostic(read.problem, read.detail)],
        errors: 1,
        usage: undefined,
      });
      return true;
    }
    const { diagnostics, value: data } = checkRecordWithValue(review, record, read.text);
    const value = isPlainObject(data) ? data : undefined;
    this.recordStates.set(record.path, {
      record,
      text: read.text,
      value,
      status: value && typeof value.status === 'string' ? value.status : undefined,
      validation: diagnostics,
      errors: diagnostics.filter((d) => d.severity === 'error').length,
      usage: usageOf(data),
    });
    return true;
  }

  /**
   * Compares one study from the records' states; returns the paths whose comparison changed. Placing
   * disagreements parses both records with positions: with `deferPlacing`, that waits for the second pass.
   */
  private compare(review: Review, study: string, deferPlacing = false): string[] {
    const previous = this.studies.get(study);
    const touched = new Set(previous ? filesOf(previous) : []);
    for (const path of touched) this.comparison.delete(path);
    this.studies.delete(study);
    this.unplaced.delete(study);
    this.synthesisStudies.delete(study);
    this.tallies.delete(study);
    const group = groupByStudy(
      review,
      (this.listing ?? []).filter((r) => r.study === study && this.recordStates.has(r.path)),
    ).get(study);
    if (group && group.reviewers.length > 0) {
      const loaded = group.reviewers.map((r) => this.loaded(r)).filter((r): r is LoadedRecord => !!r);
      const consensus = group.consensus ? this.loaded(group.consensus) : undefined;
      const comparison = compareLoaded(review, study, loaded, consensus);
      // The compared pairs are kept as the counts the overall agreement adds up, not one by one.
      const kept = { ...comparison, pairs: [] };
      this.studies.set(study, kept);
      if (comparison.pairs.length > 0) this.tallies.set(study, tallyAgreement(comparison.pairs));
      if (deferPlacing && comparison.disagreements.length > 0) this.unplaced.add(study);
      else this.place(kept);
      for (const path of filesOf(comparison)) touched.add(path);
    }
    return [...touched];
  }

  private place(comparison: StudyComparison): void {
    this.unplaced.delete(comparison.study);
    for (const [path, diagnostics] of disagreementDiagnostics(comparison))
      this.comparison.set(path, diagnostics);
    if (comparison.consensus)
      this.comparison.set(comparison.consensus.record.path, consensusDiagnostics(comparison));
  }

  private loaded(record: FoundRecord): LoadedRecord | undefined {
    const state = this.recordStates.get(record.path);
    return state?.text === undefined ? undefined : loadedRecord(record, state.text, state.value);
  }

  /**
   * A file of this review was changed (on disk or in an editor) or closed; created or deleted on disk with
   * `listingChanged`, which lists the records again.
   */
  async fileChanged(
    path: string,
    { listingChanged = false }: { listingChanged?: boolean } = {},
  ): Promise<void> {
    if (listingChanged) this.listing = undefined;
    const role = await this.roleOf(path);
    if (role.role === 'review' || role.role === 'schema') await this.reload();
    else if (role.role === 'record') await this.checkRecordFile(path, role.record);
    else if (listingChanged) await this.folderChanged(path);
  }

  /** A folder created or removed as a whole (one event for it, none for its files): its records again. */
  private async folderChanged(path: string): Promise<void> {
    const prefix = `${this.relative(path)}/`;
    const listed = await this.records();
    const below = new Map<string, FoundRecord>();
    for (const state of this.recordStates.values())
      if (state.record.path.startsWith(prefix)) below.set(state.record.path, state.record);
    for (const record of listed) if (record.path.startsWith(prefix)) below.set(record.path, record);
    for (const record of below.values()) await this.checkRecordFile(this.absolute(record.path), record);
  }

  /** Checks one record (its open buffer, or the file on disk) and re-compares its study. */
  async checkRecordFile(path: string, record: FoundRecord): Promise<Diagnostic[]> {
    const review = await this.current();
    const rel = this.relative(path);
    const listing = await this.records();
    const usageBefore = JSON.stringify(this.recordStates.get(rel)?.usage);
    const exists = await this.readRecord(review, record);
    if (exists && !listing.some((r) => r.path === rel)) this.listing = [...listing, record];
    const touched = new Set([rel]);
    if (record.study) for (const file of this.compare(review, record.study)) touched.add(file);
    // Typing a value leaves the record's outcome ids and groups as they were: review.yaml stands.
    if (this.indexed && JSON.stringify(this.recordStates.get(rel)?.usage) !== usageBefore) {
      const before = this.fileDiagnostics.get(REVIEW_FILE);
      this.updateUsageChecks(review);
      if (this.fileDiagnostics.get(REVIEW_FILE) !== before) touched.add(REVIEW_FILE);
    }
    this.changed([...touched]);
    return this.recordStates.get(rel)?.validation ?? [];
  }

  /** review.yaml's checks of the analyses against what the records use (outcome ids, types, groups). */
  private updateUsageChecks(review: Review): void {
    const base = review.fileDiagnostics.get(REVIEW_FILE) ?? [];
    const usage = reviewUsageDiagnostics(
      review,
      mergeUsage([...this.recordStates.values()].map((s) => s.usage)),
      this.recordStates.size,
    );
    const current = this.fileDiagnostics.get(REVIEW_FILE) ?? [];
    const next = [...base, ...usage];
    if (sameDiagnostics(current, next)) return;
    this.fileDiagnostics.set(REVIEW_FILE, next);
  }

  // -------------------------------------------------------------------------------------------------
  // Queries

  /** Everything reported on a file: validation, then comparison, sorted and capped as `check` prints it. */
  diagnostics(relativePath: string): Diagnostic[] {
    const own =
      this.recordStates.get(relativePath)?.validation ?? this.fileDiagnostics.get(relativePath) ?? [];
    const compared = this.comparison.get(relativePath) ?? [];
    return compared.length === 0 ? own : [...own, ...compared];
  }

  /** Paths that have diagnostics to report (possibly none, for a clean file). */
  reportedPaths(): string[] {
    return [
      ...new Set([...this.fileDiagnostics.keys(), ...this.recordStates.keys(), ...this.comparison.keys()]),
    ];
  }

  /** Errors of a file at its last check; `undefined` if it has not been checked. */
  errorCount(relativePath: string): number | undefined {
    return this.recordStates.get(relativePath)?.errors;
  }

  /**
   * The last comparison of a study (refreshed on every change of its records), without its compared pairs
   * (the workspace keeps their counts only): run `compareStudy` for per-field agreement.
   */
  async study(study: string): Promise<StudyComparison | undefined> {
    await this.whenIndexed();
    return this.studies.get(study);
  }

  async allStudies(): Promise<StudyComparison[]> {
    await this.whenIndexed();
    return [...this.studies.values()];
  }

  /** Waits for the first full pass (starting it if nobody has). */
  async whenIndexed(): Promise<void> {
    if (this.indexed) return;
    await (this.indexing ?? this.checkAll());
  }

  /**
   * Fields to extract filled per record (required, and read by the analyses), from the last check (open files as they are now); with `matrix`,
   * also the studies × reviewers matrix of the whole review (progressMatrix.ts).
   */
  async progress(relativePath?: string, options: { matrix?: boolean } = {}): Promise<ReviewProgressSummary> {
    await this.whenIndexed();
    await this.refreshOpenFiles();
    const review = await this.current();
    // What the analyses read counts as a field to extract, as Next Missing Field asks for it.
    const analysed = analysedFields(readAnalyses(review.config.synthesis.analyses));
    const records: RecordProgressSummary[] = [];
    const matrixRecords: RecordProgressSummary[] = [];
    for (const record of await this.records()) {
      const listed = relativePath === undefined || record.path === relativePath;
      if (!listed && !options.matrix) continue;
      const state = this.recordStates.get(record.path);
      if (!state) continue;
      // Totals need no positions: the data was read fast and errors come from the last check.
      if (state.text !== undefined)
        state.progress ??= recordProgress(valueOnlyFile(state.text, state.value), review.schema, analysed);
      const summary: RecordProgressSummary = {
        path: record.path,
        study: record.study,
        reviewer: record.reviewer,
        status: state.status,
        filled: state.progress?.filled ?? 0,
        required: state.progress?.required ?? 0,
        notReported: state.progress?.notReported ?? 0,
        errors: state.errors,
      };
      // A file that cannot be read has no fields to count, but it is a study's record all the same.
      if (options.matrix) matrixRecords.push(summary);
      if (listed && state.text !== undefined) records.push(summary);
    }
    const sum = (f: (r: RecordProgressSummary) => number) => records.reduce((s, r) => s + f(r), 0);
    const matrix = options.matrix
      ? progressMatrix({
          reviewers: review.config.reviewers,
          consensus: review.config.consensus,
          records: matrixRecords,
          studies: [...this.studies.values()].map((comparison) => ({
            study: comparison.study,
            state: comparison.state,
            openDisagreements:
              comparison.state === 'compared' ? unresolvedDisagreements(comparison).length : 0,
          })),
        })
      : undefined;
    return {
      title: review.config.title,
      records,
      totals: {
        records: records.length,
        complete: records.filter((r) => r.status === 'complete').length,
        filled: sum((r) => r.filled),
        required: sum((r) => r.required),
        notReported: sum((r) => r.notReported),
        errors: sum((r) => r.errors),
      },
      ...(matrix ? { matrix } : {}),
    };
  }

  /** Each study's records as the synthesis reads them (reviewers in protocol order, then the consensus). */
  async studyRecords(): Promise<StudyRecords[]> {
    await this.whenIndexed();
    await this.refreshOpenFiles();
    const review = await this.current();
    const studies: StudyRecords[] = [];
    for (const study of groupByStudy(review, await this.existingRecords()).keys()) {
      const records = this.synthesisStudy(review, study).records;
      if (records) studies.push(records);
    }
    return studies;
  }

  /** The analyses of review.yaml over the records as they are now. */
  async synthesisReport(): Promise<SynthesisReport> {
    const studies = await this.studyRecords();
    return runAnalyses(await this.current(), studies);
  }

  /** What the live synthesis panel shows; `generatedAt` is the caller's clock (core reads none). */
  async synthesisModel(generatedAt: string): Promise<SynthesisViewModel> {
    await this.whenIndexed();
    await this.refreshOpenFiles();
    const review = await this.current();
    const existing = await this.existingRecords();
    const dashboardRecords: DashboardRecord[] = existing.map((record) => {
      const state = this.recordStates.get(record.path)!;
      return { reviewer: record.reviewer, status: state.status, errors: state.errors };
    });
    const studies: StudyRecords[] = [];
    const dashboardStudies: DashboardStudy[] = [];
    const characteristics: CharacteristicsTableData['rows'] = [];
    for (const study of groupByStudy(review, existing).keys()) {
      const entry = this.synthesisStudy(review, study);
      if (entry.records) studies.push(entry.records);
      if (entry.characteristics) characteristics.push(entry.characteristics);
      dashboardStudies.push(entry.dashboard);
    }
    const protocolErrors = [...review.fileDiagnostics].map(([path, diagnostics]) => ({
      path,
      errors: diagnostics.filter((d) => d.severity === 'error').length,
    }));
    return buildSynthesisViewModel({
      title: review.config.title,
      generatedAt,
      reviewers: review.config.reviewers,
      consensus: review.config.consensus,
      analyses: runAnalyses(review, studies).analyses,
      characteristics: { columns: CHARACTERISTICS_COLUMNS, rows: characteristics },
      records: dashboardRecords,
      studies: dashboardStudies,
      agreement: overallAgreement(addTallies(this.tallies.values())),
      protocolErrors,
    });
  }

  /** Where a study's record starts (its consensus record first), or one of its outcomes. */
  async studyLocation(study: string, outcome?: string): Promise<StudyLocation | undefined> {
    const review = await this.current();
    const group = groupByStudy(review, await this.records()).get(study);
    if (!group) return undefined;
    for (const record of [...(group.consensus ? [group.consensus] : []), ...group.reviewers]) {
      const read = await readTextFile(this.fs, this.absolute(record.path));
      if (!('text' in read)) continue;
      const file = parseYaml(read.text);
      const locator = new YamlLocator(file);
      let range = locator.documentStartRange();
      if (outcome !== undefined && file.usable) {
        const found = resolveIdPath(file.value, `outcomes[${outcome}]`);
        if (found.matched === found.steps.length) range = locator.containerRange(found.path);
      }
      return { path: record.path, reviewer: record.reviewer ?? '', range };
    }
    return undefined;
  }

  /** The summary `check` prints, over every file as last checked. */
  summary(): CheckSummary {
    let errors = 0;
    let warnings = 0;
    const paths = this.reportedPaths();
    for (const path of paths) {
      for (const d of this.diagnostics(path)) {
        if (d.severity === 'error') errors++;
        else if (d.severity === 'warning') warnings++;
      }
    }
    return { files: paths.length, errors, warnings };
  }

  // -------------------------------------------------------------------------------------------------

  /** The listed records whose files exist, in listing order. */
  private async existingRecords(): Promise<FoundRecord[]> {
    return (await this.records()).filter((r) => this.recordStates.has(r.path));
  }

  private synthesisStudy(review: Review, study: string): SynthesisStudy {
    const cached = this.synthesisStudies.get(study);
    if (cached) return cached;
    const group = groupByStudy(
      review,
      (this.listing ?? []).filter((r) => r.study === study && this.recordStates.has(r.path)),
    ).get(study);
    const toStudyRecord = (record: FoundRecord): StudyRecord | undefined => {
      const state = this.recordStates.get(record.path);
      if (!state || state.text === undefined) return undefined;
      // A record with a YAML syntax error does not parse: the synthesis says so rather than read its partial data.
      return studyRecordOf(record, state.value, state.validation);
    };
    const reviewers = (group?.reviewers ?? []).map(toStudyRecord).filter((r): r is StudyRecord => !!r);
    const consensus = group?.consensus ? toStudyRecord(group.consensus) : undefined;
    const records =
      reviewers.length > 0 || consensus
        ? { study, reviewers, ...(consensus ? { consensus } : {}) }
        : undefined;
    const comparison = this.studies.get(study);
    const entry: SynthesisStudy = {
      records,
      characteristics: records
        ? characteristicsTable(studyCharacteristics([records], review.config)).rows[0]
        : undefined,
      dashboard: {
        study,
        state: comparison?.state,
        openDisagreements: comparison?.state === 'compared' ? unresolvedDisagreements(comparison).length : 0,
      },
    };
    this.synthesisStudies.set(study, entry);
    return entry;
  }

  /** Open files whose buffer is ahead of their last check (the editor's debounce) are checked now. */
  private async refreshOpenFiles(): Promise<void> {
    for (const path of this.options.openPaths?.() ?? []) {
      if (!this.contains(path)) continue;
      const rel = this.relative(path);
      const state = this.recordStates.get(rel);
      if (!state) continue;
      const read = await readTextFile(this.fs, path);
      if ('text' in read && read.text !== state.text) await this.checkRecordFile(path, state.record);
    }
  }

  private changed(paths: string[]): void {
    if (paths.length > 0) this.options.diagnosticsChanged?.(paths);
  }

  private async pace(): Promise<void> {
    if (!this.options.pause || Date.now() - this.sliceStart < SLICE_MS) return;
    await this.options.pause();
    this.sliceStart = Date.now();
  }
}

function filesOf(study: StudyComparison): string[] {
  return [
    ...study.records.map((r) => r.record.path),
    ...(study.consensus ? [study.consensus.record.path] : []),
  ];
}

function sameDiagnostics(a: Diagnostic[], b: Diagnostic[]): boolean {
  return a.length === b.length && a.every((d, i) => JSON.stringify(d) === JSON.stringify(b[i]));
}
