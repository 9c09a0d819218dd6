// The live synthesis panel's requests. The view model is rebuilt from the records as they are now (open
// buffers over the disk) on every request; what a request can reuse is cached per review: each record's
// parsed value and error count, keyed by buffer version or file mtime, and each study's comparison, keyed
// by its records. An edit therefore costs one parse, one validation and one comparison, then core's
// analyses over values already in memory.
import * as nodeFs from 'node:fs';
import * as nodePath from 'node:path';
import { RequestType, type Connection } from 'vscode-languageserver/node';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import { unresolvedDisagreements } from '../core/dual/adjudicate';
import { checkRecord } from '../core/workspace/check';
import { listRecords } from '../core/review/review';
import type { ReviewFileSystem } from '../core/review/fileSystem';
import { agreementStatistics, type AgreementFigures, type ComparedPair } from '../core/dual/compare';
import { resolveIdPath } from '../core/record/idPath';
import type { FoundRecord } from '../core/review/recordTemplate';
import { readTextFile, type Review } from '../core/review/review';
import { isPlainObject } from '../core/common/values';
import { compareStudy, groupByStudy } from '../core/dual/studyPairs';
import { loadStudies, runAnalyses, type StudyRecord, type StudyRecords } from '../core/synthesis/analysis';
import {
  characteristicsTable,
  CHARACTERISTICS_COLUMNS,
  studyCharacteristics,
  type CharacteristicsTableData,
} from '../core/synthesis/characteristics';
import {
  buildSynthesisViewModel,
  type DashboardRecord,
  type DashboardStudy,
} from '../core/synthesis/viewModel';
import { parseYaml, yamlValue, YamlLocator } from '../core/yaml/yamlDocument';
import {
  formatSynthesizeCsv,
  formatSynthesizeJson,
  formatSynthesizeSvg,
} from '../core/synthesis/present/exportFormats';
import { synthesisHtmlReport } from '../core/synthesis/present/report';
import {
  SynthesisMethods,
  type StudyLocationParams,
  type StudyLocationResult,
  type SynthesisParams,
  type SynthesisResult,
  EXPORT_SYNTHESIS_METHOD,
  type ExportSynthesisParams,
  type ExportFormat,
  type ExportSynthesisResult,
} from '../shared/protocol';
import { onCustomRequest } from './customRequest';
import { uriToPath } from './overlayFileSystem';
import type { ReviewSession } from './reviewSession';

export interface SynthesisContext {
  connection: Connection;
  sessions: () => ReviewSession[];
  /** Finds the reviews of the workspace when none is known yet. */
  discover: () => Promise<void>;
  /** The server's file system: open buffers over the disk. */
  fs: ReviewFileSystem;
  /** The open buffer of a path, if any. */
  openDocument: (path: string) => TextDocument | undefined;
  clientUriOf: (path: string) => string;
}

type Obj = Record<string, unknown>;

/** A record file as last read. */
interface FileEntry {
  /** `b:<uri>:<version>` for an open buffer, `d:<mtime>:<size>:<inode>` for the file on disk. */
  key: string;
  /** `undefined` when the file cannot be read as text (then it counts one error). */
  text: string | undefined;
  value: Obj | undefined;
  status: string | undefined;
  /** Errors found here under the review `errorsOf`, for a file the session has not validated yet. */
  errors: number | undefined;
  errorsOf: Review | undefined;
}

/** A study as the synthesis reads it and the dashboard counts it, for one set of its record entries. */
interface StudyEntry {
  /** The record entries it was built from (reviewers in protocol order, then the consensus). */
  files: FileEntry[];
  /** What the analyses read; `undefined` when no record of the study can be read. */
  records: StudyRecords | undefined;
  /** The study's row of the characteristics table. */
  characteristics: CharacteristicsTableData['rows'][number] | undefined;
  dashboard: DashboardStudy;
  /** Compared field pairs (both records complete), for the agreement statistics. */
  pairs: ComparedPair[];
}

async function studyEntry(
  review: Review,
  study: string,
  group: { reviewers: FoundRecord[]; consensus?: FoundRecord },
  files: FileEntry[],
  read: (record: FoundRecord) => Promise<string | undefined>,
): Promise<StudyEntry> {
  const toStudyRecord = (record: FoundRecord, entry: FileEntry): StudyRecord | undefined =>
    entry.text === undefined
      ? undefined
      : { reviewer: record.reviewer ?? '', path: record.path, value: entry.value, status: entry.status };
  const reviewers = group.reviewers
    .map((r, i) => toStudyRecord(r, files[i]!))
    .filter((r): r is StudyRecord => !!r);
  const consensus = group.consensus ? toStudyRecord(group.consensus, files[files.length - 1]!) : undefined;
  const records =
    reviewers.length > 0 || consensus ? { study, reviewers, ...(consensus ? { consensus } : {}) } : undefined;
  const characteristics = records
    ? characteristicsTable(studyCharacteristics([records], review.config)).rows[0]
    : undefined;
  if (group.reviewers.length === 0)
    return {
      files,
      records,
      characteristics,
      dashboard: { study, state: undefined, openDisagreements: 0 },
      pairs: [],
    };
  const comparison = await compareStudy(review, study, group, read);
  return {
    files,
    records,
    characteristics,
    dashboard: {
      study,
      state: comparison.state,
      openDisagreements: comparison.state === 'compared' ? unresolvedDisagreements(comparison).length : 0,
    },
    pairs: comparison.pairs,
  };
}

/** The cache of one review. Everything keyed by the Review object is dropped when the review reloads. */
class ReviewCache {
  records: FoundRecord[] | undefined;
  readonly files = new Map<string, FileEntry>();
  readonly studies = new Map<string, StudyEntry>();
  review: Review | undefined;
  /** The overall agreement, recomputed only when some study's compared pairs change. */
  agreement: AgreementFigures | undefined;
  /** Requests run one after the other: each builds on the cache the previous one left. */
  queue: Promise<unknown> = Promise.resolve();
}

function diskKey(path: string): string | undefined {
  const stat = nodeFs.statSync(path, { throwIfNoEntry: false });
  return stat ? `d:${stat.mtimeMs}:${stat.size}:${stat.ino}` : undefined;
}

const caches = new Map<string, ReviewCache>();

/**
 * Lets the server's other messages through now and then while a request parses, validates or compares
 * many records (the first request on a large review): the editor's features must not stall behind it.
 */
function pacer(): () => Promise<void> {
  let work = 0;
  return () => (++work % 16 === 0 ? new Promise((resolve) => setImmediate(resolve)) : Promise.resolve());
}

function cacheOf(root: string): ReviewCache {
  let cache = caches.get(root);
  if (!cache) {
    cache = new ReviewCache();
    caches.set(root, cache);
  }
  return cache;
}

/** Brings a record's entry up to date; `undefined` when the file is gone. */
async function refreshFile(
  context: SynthesisContext,
  session: ReviewSession,
  cache: ReviewCache,
  record: FoundRecord,
  lookAtDisk: boolean,
  pace: () => Promise<void>,
): Promise<FileEntry | undefined> {
  const full = nodePath.join(session.root, record.path);
  const previous = cache.files.get(record.path);
  const open = context.openDocument(full);
  let key: string | undefined;
  if (open) key = `b:${open.uri}:${open.version}`;
  // A disk entry is trusted until a rescan; one read from a buffer that has since closed is not.
  else if (!lookAtDisk && previous && previous.key.startsWith('d:')) return previous;
  else key = diskKey(full);
  if (key === undefined) {
    cache.files.delete(record.path);
    return undefined;
  }
  if (previous && previous.key === key) return previous;
  let text: string | undefined;
  if (open) text = open.getText();
  else {
    const read = await readTextFile(context.fs, full);
    if ('problem' in read && read.problem === 'missing') {
      cache.files.delete(record.path);
      return undefined;
    }
    text = 'text' in read ? read.text : undefined;
  }
  await pace();
  const data = text === undefined ? undefined : yamlValue(text);
  const value = isPlainObject(data) ? data : undefined;
  const entry: FileEntry = {
    key,
    text,
    value,
    status: value && typeof value.status === 'string' ? value.status : undefined,
    errors: undefined,
    errorsOf: undefined,
  };
  cache.files.set(record.path, entry);
  return entry;
}

async function buildModel(
  context: SynthesisContext,
  session: ReviewSession,
  cache: ReviewCache,
  rescan: boolean,
): Promise<SynthesisResult> {
  const review = await session.current();
  if (cache.review !== review) {
    // review.yaml or the schema changed: errors and comparisons depend on them; parsed values do not.
    cache.review = review;
    cache.studies.clear();
    cache.agreement = undefined;
    rescan = true;
  }
  if (rescan || !cache.records) {
    cache.records = (await listRecords(review, context.fs)).records;
  }
  const pace = pacer();
  const records: FoundRecord[] = [];
  const entries = new Map<string, FileEntry>();
  for (const record of cache.records) {
    const entry = await refreshFile(context, session, cache, record, rescan, pace);
    if (!entry) continue;
    records.push(record);
    entries.set(record.path, entry);
  }
  if (rescan) for (const path of cache.files.keys()) if (!entries.has(path)) cache.files.delete(path);

  const dashboardRecords: DashboardRecord[] = [];
  for (const record of records) {
    const entry = entries.get(record.path)!;
    // The session validates every record anyway: its count is used for files on disk, and a record is
    // validated here only while the session has not reached it yet (the first moments after start-up).
    // An open buffer may be ahead of its debounced validation: it is validated here (its entry is per version).
    const open = context.openDocument(nodePath.join(session.root, record.path));
    let errors = open ? undefined : session.errorCount(record.path);
    if (errors === undefined) {
      if (entry.errorsOf !== review || entry.errors === undefined) {
        await pace();
        entry.errors =
          entry.text === undefined
            ? 1
            : checkRecord(review, record, entry.text).filter((d) => d.severity === 'error').length;
        entry.errorsOf = review;
      }
      errors = entry.errors;
    }
    dashboardRecords.push({ reviewer: record.reviewer, status: entry.status, errors });
  }

  const groups = groupByStudy(review, records);
  const studies: StudyRecords[] = [];
  const dashboardStudies: DashboardStudy[] = [];
  const characteristics: CharacteristicsTableData['rows'] = [];
  // Most edits touch a draft, whose study has no compared pairs before or after: the agreement stands.
  let pairsChanged = cache.agreement === undefined;
  const read = async (record: FoundRecord) => entries.get(record.path)?.text;
  for (const [study, group] of groups) {
    const found = [...group.reviewers, ...(group.consensus ? [group.consensus] : [])];
    const files = found.map((r) => entries.get(r.path)!);
    let entry = cache.studies.get(study);
    if (!entry || entry.files.length !== files.length || entry.files.some((f, i) => f !== files[i])) {
      const previous = entry;
      await pace();
      entry = await studyEntry(review, study, group, files, read);
      if (entry.pairs.length > 0 || (previous?.pairs.length ?? 0) > 0) pairsChanged = true;
      cache.studies.set(study, entry);
    }
    if (entry.records) studies.push(entry.records);
    if (entry.characteristics) characteristics.push(entry.characteristics);
    dashboardStudies.push(entry.dashboard);
  }
  for (const [study, entry] of cache.studies) {
    if (groups.has(study)) continue;
    if (entry.pairs.length > 0) pairsChanged = true;
    cache.studies.delete(study);
  }
  if (pairsChanged || !cache.agreement)
    cache.agreement = agreementStatistics([...cache.studies.values()].flatMap((e) => e.pairs)).overall;

  const protocolErrors = [...review.fileDiagnostics].map(([path, diagnostics]) => ({
    path,
    errors: diagnostics.filter((d) => d.severity === 'error').length,
  }));
  const model = buildSynthesisViewModel({
    title: review.config.title,
    generatedAt: new Date().toISOString(),
    reviewers: review.config.reviewers,
    consensus: review.config.consensus,
    analyses: runAnalyses(review, studies).analyses,
    characteristics: { columns: CHARACTERISTICS_COLUMNS, rows: characteristics },
    records: dashboardRecords,
    studies: dashboardStudies,
    agreement: cache.agreement,
    protocolErrors,
  });
  return { rootUri: context.clientUriOf(session.root), model };
}

async function sessionFor(context: SynthesisContext, rootUri?: string): Promise<ReviewSession | undefined> {
  if (context.sessions().length === 0) await context.discover();
  const sessions = context.sessions();
  if (!rootUri) return [...sessions].sort((a, b) => (a.root < b.root ? -1 : 1))[0];
  const root = uriToPath(rootUri);
  return sessions.find((s) => s.root === root);
}

const EXPORT_FORMATS: readonly string[] = ['html', 'csv', 'json', 'svg'] satisfies ExportFormat[];

export function registerSynthesis(context: SynthesisContext): void {
  const { connection } = context;

  // Exports of the synthesis as it stands, unsaved edits included: the same formats as the CLI.
  onCustomRequest(
    connection,
    new RequestType<ExportSynthesisParams, ExportSynthesisResult, void>(EXPORT_SYNTHESIS_METHOD),
    { rootUri: 'string?', format: 'string', analysis: 'string?' },
    async ({ rootUri, format, analysis }) => {
      if (!EXPORT_FORMATS.includes(format))
        return { error: `Unknown export format "${format}" (expected ${EXPORT_FORMATS.join(', ')}).` };
      const session = await sessionFor(context, rootUri);
      if (!session) return { error: 'No review.yaml found.' };
      const review = await session.current();
      const studies = await loadStudies(review, context.fs);
      const report = runAnalyses(review, studies);
      let text: string;
      if (format === 'svg') {
        const drawn =
          report.analyses.find((a) => a.id === analysis) ?? report.analyses.find((a) => a.runnable);
        if (!drawn) return { error: 'review.yaml defines no analysis to draw.' };
        text = formatSynthesizeSvg(drawn);
        return { text, fileName: `forest-${drawn.id}.svg`, rootUri: context.clientUriOf(session.root) };
      }
      if (format === 'html') {
        text = synthesisHtmlReport({
          title: review.config.title,
          generated: new Date().toISOString().slice(0, 10),
          report,
          characteristics: studyCharacteristics(studies, review.config),
        });
      } else text = format === 'csv' ? formatSynthesizeCsv(report) : formatSynthesizeJson(report);
      return { text, fileName: `synthesis.${format}`, rootUri: context.clientUriOf(session.root) };
    },
  );

  onCustomRequest(
    connection,
    new RequestType<SynthesisParams, SynthesisResult, void>(SynthesisMethods.synthesis),
    { rootUri: 'string?', rescan: 'boolean?' },
    async ({ rootUri, rescan }) => {
      const session = await sessionFor(context, rootUri);
      if (!session) return { error: rootUri ? 'No review is open at that folder.' : 'No review.yaml found.' };
      const cache = cacheOf(session.root);
      const run = cache.queue.then(() => buildModel(context, session, cache, rescan === true));
      cache.queue = run.catch(() => undefined);
      return run;
    },
  );

  onCustomRequest(
    connection,
    new RequestType<StudyLocationParams, StudyLocationResult, void>(SynthesisMethods.studyLocation),
    { rootUri: 'string', study: 'string', outcome: 'string?' },
    async ({ rootUri, study, outcome }) => {
      const session = await sessionFor(context, rootUri);
      if (!session) return null;
      const review = await session.current();
      const group = groupByStudy(review, await session.records()).get(study);
      if (!group) return null;
      for (const record of [...(group.consensus ? [group.consensus] : []), ...group.reviewers]) {
        const full = nodePath.join(session.root, record.path);
        const open = context.openDocument(full);
        let text = open?.getText();
        if (text === undefined) {
          const read = await readTextFile(context.fs, full);
          if (!('text' in read)) continue;
          text = read.text;
        }
        const file = parseYaml(text);
        const locator = new YamlLocator(file);
        let range = locator.documentStartRange();
        if (outcome !== undefined && file.usable) {
          const found = resolveIdPath(file.value, `outcomes[${outcome}]`);
          if (found.matched === found.steps.length) range = locator.containerRange(found.path);
        }
        return { uri: context.clientUriOf(full), reviewer: record.reviewer ?? '', range };
      }
      return null;
    },
  );
}
