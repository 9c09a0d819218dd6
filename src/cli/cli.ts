import { lstatSync, readdirSync, readFileSync, statSync } from 'node:fs';
import * as nodePath from 'node:path';
import { consensusRecordText, unresolvedDisagreements } from '../core/dual/adjudicate';
import { checkReview } from '../core/workspace/check';
import { listRecords } from '../core/review/review';
import { consensusTarget, writableConsensusFile } from '../core/dual/consensusTarget';
import { isCheckWorker, parallelRecordChecker, runCheckWorker } from './parallelCheck';
import { cachedRecordChecker } from './cachedCheck';
import { CACHE_FOLDER, contentHash } from '../node/checkCache';
import { FileSystemError } from '../core/review/fileSystem';
import { nodeFileSystem } from '../node/fileSystem';
import {
  DEFAULT_REVIEWERS,
  ENTRIES_BESIDE_A_NEW_REVIEW,
  newReviewFiles,
  newReviewProblem,
} from '../core/review/initReview';
import { newRecord } from '../core/review/newRecord';
import { findReviewRoot, openReview, resolveInsideReview, type Review } from '../core/review/review';
import { compareReview } from '../core/dual/studyPairs';
import { closestMatch } from '../core/schema/suggest';
import { createFile, createFiles, FileWriteError, replaceFile } from '../node/atomicWrite';
import { loadStudies, runAnalyses } from '../core/synthesis/analysis';
import { studyCharacteristics } from '../core/synthesis/characteristics';
import { synthesisHtmlReport } from '../core/synthesis/present/report';
import { formatCompareCsv, formatCompareJson, formatCompareText } from './compareFormats';
import { formatProgressJson } from './progressFormats';
import { ReviewWorkspace } from '../core/workspace/reviewWorkspace';
import { progressMatrixText } from '../core/workspace/progressMatrixPresent';
import { formatCheckGithub, formatCheckJson, formatCheckSarif, formatCheckText } from './checkFormats';
import {
  formatSynthesizeCsv,
  formatSynthesizeJson,
  formatSynthesizeSvg,
  formatSynthesizeText,
} from '../core/synthesis/present/exportFormats';
import packageJson from '../../package.json';

const VERSION = packageJson.version;

const USAGE = `Usage: study-extract <command> [review-dir] [options]

Commands:
  init         write a new review into a new or empty folder (never overwrites)
  new          scaffold a study record: study-extract new <study> --reviewer <id>
  check        validate review.yaml, the extraction schema and every record
  compare      disagreements between the two reviewers of every study, agreement statistics
  adjudicate   create or extend a study's consensus record: study-extract adjudicate <study>
  progress     every study's records by reviewer: complete, draft or missing, and what is left
  synthesize   run the analyses of review.yaml: effect sizes, meta-analysis, subgroups

Options:
  -h, --help     show help (also: study-extract <command> --help, study-extract help <command>)
  -v, --version  show the version

review-dir defaults to the current folder; the review is found by walking up to review.yaml.
`;

const CHECK_USAGE = `Usage: study-extract check [review-dir] [--format text|json|sarif|github] [--cache]

Validates review.yaml, the review's extraction schema and every record. In a consensus record, each
disagreement not settled yet (an open placeholder) is a warning at its field [unresolved-disagreement].

Options:
  --format text    path:line:col: severity: message [code], then a summary (default)
  --format json    one JSON document: { files: [{ path, diagnostics }], summary }
  --format sarif   SARIF 2.1.0 for code scanning
  --format github  GitHub Actions annotations
  --cache          keep each record's results in ${CACHE_FOLDER}/ in the review folder (left out of
                   git), under a hash of the record's text, and check again only the records whose
                   text changed; any change to the tool, review.yaml or the extraction schema checks
                   every record again. The output is the same as without --cache.
  -h, --help       show this help

Exit status: 0 no errors (warnings allowed), 1 errors found, 2 cannot run.
`;

const COMPARE_USAGE = `Usage: study-extract compare [review-dir] [--study ID] [--format text|json|csv]

Compares the two reviewers' records of every study field by field (arms and outcomes matched by id),
and reports percent agreement and Cohen's kappa over studies whose two records are complete. In a
blinded review (blind: true), a study's disagreements stay hidden until both records are complete.

Options:
  --study ID       only this study
  --format text    a list per study and an agreement table (default)
  --format json    one JSON document: { studies: [...], agreement: { overall, fields } }
  --format csv     one row per disagreement
  -h, --help       show this help

Exit status: 0, or 2 if it cannot run.
`;

const SYNTHESIZE_USAGE = `Usage: study-extract synthesize [review-dir] [--format text|json|csv|html|svg] [--analysis ID] [--out FILE]

Runs the analyses of review.yaml (synthesis.analyses). For each study, its consensus record speaks; else
its two complete reviewer records when they agree on every value the analysis reads; else the study is
excluded, with the reason. Effect sizes and pooling follow metafor (escalc, rma.uni).

Options:
  --format text    a table per analysis: studies, pooled estimate, subgroups, exclusions (default)
  --format json    one JSON document: { analyses: [{ id, measure, model, method, k, estimate, ... }] }
  --format csv     long format: one row per study per analysis (included or excluded), with yi, vi,
                   weight and the arm-level inputs
  --format html    a standalone report (no scripts): forest plots, study tables, exclusions, subgroups,
                   POMP and the study characteristics; prints well
  --format svg     the forest plot of one analysis (--analysis, default the first that can run)
  --analysis ID    only this analysis (every format)
  --out FILE       write the output to FILE (atomically) instead of standard output
  -h, --help       show this help

Exit status: 0; 1 if an analysis cannot run (no study can be included, or its configuration is broken;
a single study is reported without pooling and is not an error); 2 if the command cannot run (bad
arguments, no review, an unknown --analysis, a file that cannot be written).
`;

const INIT_USAGE = `Usage: study-extract init [dir] [--title TEXT] [--reviewers ID,ID]

Writes a new review into dir (default: the current folder), which must be new or empty (a .git folder
and the npm files of installing study-extraction, package.json and node_modules, may be there already):
  review.yaml                      the protocol, every key present and explained, one analysis
  schemas/extraction.schema.json   the extraction form, extending the bundled study-record schema
  records/<reviewer>/, records/consensus/   the record folders (each with a .gitkeep)
  README.md, .gitignore            how to work on the review; the check cache left out of git
study-extract check is clean right after. Nothing is overwritten: if any of these files exists, nothing
is written.

Options:
  --title TEXT       the review's title (default: the folder's name)
  --reviewers LIST   the reviewers' ids, separated by commas (default: ${DEFAULT_REVIEWERS.join(',')})
  -h, --help         show this help

Exit status: 0 written; 2 if a file exists, the folder is not empty or cannot be used, or bad arguments.
`;

const NEW_USAGE = `Usage: study-extract new <study> --reviewer <id> [review-dir]

Writes a new record of <study> by reviewer <id> where review.yaml's records template puts it, as the
editor's New Study Record does: every required field of the extraction form, study, reviewer, status
(draft) and the protocol version filled, the rest empty (not extracted yet) with its description. Prints
the path written. An existing record is never overwritten.

Options:
  --reviewer ID   one of review.yaml's reviewers (may be left out when there is only one)
  -h, --help      show this help

Exit status: 0 written; 2 if the record exists, the study or reviewer id is not valid, or no review.
`;

const ADJUDICATE_USAGE = `Usage: study-extract adjudicate <study> [review-dir]

Creates the consensus record of <study>, as the editor's Adjudicate Study does: every value the two
reviewers agree on, and an empty placeholder with a "disagreement on <field>" note for each disagreement.
If the consensus record exists, it is extended: placeholders are added for disagreements it has not
settled and does not mark yet; every other line stays as it is. Prints the path of the consensus record.
study-extract check then warns at each field that is still to settle [unresolved-disagreement].

Options:
  -h, --help   show this help

Exit status: 0; 2 if the study has no records, only one reviewer's record, is still blinded (both
records must be complete), the records template has no {study}, or the file cannot be written.
`;

const PROGRESS_USAGE = `Usage: study-extract progress [review-dir] [--format text|json]

Shows the review's extraction progress as the editor's Show Extraction Progress does: one row per study
that has a record, one column per reviewer of review.yaml (in its order) and the consensus. Each record is
complete or draft, with its required fields filled, its NR values and its errors, or missing; each study
has its open disagreements (none counted while a blinded review hides them) and what is left to do.
Studies with the most work left come first: records missing, drafts, open disagreements, not adjudicated.
Statuses and counts only: no extracted value is shown.

Options:
  --format text    the matrix as a table, then a summary line (default)
  --format json    one JSON document: { title, columns, studies: [...], summary }
  -h, --help       show this help

Exit status: 0, or 2 if it cannot run.
`;

export interface CliIo {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
  cwd: string;
}

class UsageError extends Error {}

interface ParsedArgs {
  positional: string[];
  options: Map<string, string | true>;
}

function parseArgs(args: string[], valued: Set<string>, flags: Set<string>): ParsedArgs {
  const positional: string[] = [];
  const options = new Map<string, string | true>();
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    if (arg === '--') {
      positional.push(...args.slice(i + 1));
      break;
    }
    if (arg.startsWith('-') && arg !== '-') {
      const eq = arg.indexOf('=');
      const name = eq > 0 ? arg.slice(0, eq) : arg;
      if (valued.has(name)) {
        const value = eq > 0 ? arg.slice(eq + 1) : args[++i];
        if (value === undefined) throw new UsageError(`option ${name} needs a value`);
        options.set(name, value);
      } else if (flags.has(name) && eq < 0) {
        options.set(name, true);
      } else if (flags.has(name)) throw new UsageError(`option ${name} takes no value`);
      else throw new UsageError(unknownOptionMessage(name, [...valued, ...flags]));
    } else positional.push(arg);
  }
  return { positional, options };
}

/** `unknown option "--fromat" — did you mean "--format"?`, or the options the command takes. */
function unknownOptionMessage(name: string, known: string[]): string {
  const long = known.filter((option) => option.startsWith('--'));
  const meant = name.startsWith('--')
    ? closestMatch(
        name.slice(2),
        long.map((option) => option.slice(2)),
      )
    : undefined;
  return meant
    ? `unknown option "${name}" — did you mean "--${meant}"?`
    : `unknown option "${name}" (options: ${long.join(', ')})`;
}

/** A value of `option` that must be one of `allowed`: the closest one is suggested. */
function oneOf(option: string, value: string, allowed: string[]): string {
  if (allowed.includes(value)) return value;
  const list = `${allowed.slice(0, -1).join(', ')} or ${allowed[allowed.length - 1]}`;
  const meant = closestMatch(value, allowed);
  throw new UsageError(
    `unknown ${option.replace(/^--/, '')} "${value}" (expected ${list})${meant ? ` — did you mean "${meant}"?` : ''}`,
  );
}

/** The review folder named on the command line (or the current one), found by walking up to review.yaml. */
async function reviewRootFrom(positional: string[], io: CliIo): Promise<string | undefined> {
  if (positional.length > 1)
    throw new UsageError(`expected at most one review folder, got ${positional.length}`);
  const start = nodePath.resolve(io.cwd, positional[0] ?? '.');
  const startStat = await nodeFileSystem.stat(start);
  if (!startStat) throw new UsageError(`no such folder: ${positional[0]}`);
  const root = await findReviewRoot(
    startStat.kind === 'directory' ? start : nodePath.dirname(start),
    nodeFileSystem,
  );
  if (!root) io.stderr(`study-extract: no review.yaml found in ${start} or any folder above it\n`);
  return root;
}

async function runCompare(args: string[], io: CliIo): Promise<number> {
  const { positional, options } = parseArgs(
    args,
    new Set(['--format', '--study']),
    new Set(['-h', '--help']),
  );
  if (options.has('-h') || options.has('--help')) {
    io.stdout(COMPARE_USAGE);
    return 0;
  }
  const format = oneOf('--format', (options.get('--format') as string | undefined) ?? 'text', [
    'text',
    'json',
    'csv',
  ]);
  const root = await reviewRootFrom(positional, io);
  if (!root) return 2;
  const review = await openReview(root, nodeFileSystem);
  const study = options.get('--study') as string | undefined;
  const comparison = await compareReview(review, nodeFileSystem, { study });
  if (study !== undefined && comparison.studies.length === 0) {
    io.stderr(`study-extract: no records of study "${study}" by the review's reviewers\n`);
    return 2;
  }
  io.stdout(
    format === 'json'
      ? formatCompareJson(comparison)
      : format === 'csv'
        ? formatCompareCsv(comparison)
        : formatCompareText(comparison),
  );
  return 0;
}

const SYNTHESIZE_FORMATS = ['text', 'json', 'csv', 'html', 'svg'];

/** The report's date: SOURCE_DATE_EPOCH (reproducible builds) or now, as an ISO date-time in UTC. */
function reportDate(): string {
  const epoch = Number(process.env.SOURCE_DATE_EPOCH);
  const date = Number.isFinite(epoch) && process.env.SOURCE_DATE_EPOCH ? new Date(epoch * 1000) : new Date();
  return date.toISOString().replace(/\.\d{3}Z$/, 'Z');
}

async function runSynthesize(args: string[], io: CliIo): Promise<number> {
  const { positional, options } = parseArgs(
    args,
    new Set(['--format', '--out', '--analysis']),
    new Set(['-h', '--help']),
  );
  if (options.has('-h') || options.has('--help')) {
    io.stdout(SYNTHESIZE_USAGE);
    return 0;
  }
  const format = oneOf(
    '--format',
    (options.get('--format') as string | undefined) ?? 'text',
    SYNTHESIZE_FORMATS,
  );
  const out = options.get('--out') as string | undefined;
  if (out !== undefined && out.trim() === '') throw new UsageError('option --out needs a file name');
  const only = options.get('--analysis') as string | undefined;
  const root = await reviewRootFrom(positional, io);
  if (!root) return 2;
  const review = await openReview(root, nodeFileSystem);
  const studies = await loadStudies(review, nodeFileSystem);
  let report = runAnalyses(review, studies);
  if (only !== undefined) {
    const found = report.analyses.filter((a) => a.id === only);
    if (found.length === 0) {
      const ids = report.analyses.map((a) => a.id);
      io.stderr(
        `study-extract: no analysis "${only}" in review.yaml (${ids.length > 0 ? `analyses: ${ids.join(', ')}` : 'it defines none'})\n`,
      );
      return 2;
    }
    report = { analyses: found };
  }
  if (format === 'svg') {
    const drawn = report.analyses.find((a) => a.runnable) ?? report.analyses[0];
    if (!drawn) {
      io.stderr(
        'study-extract: review.yaml defines no analyses (synthesis.analyses): no forest plot to draw\n',
      );
      return 2;
    }
    report = { analyses: [drawn] };
  }
  let text: string;
  if (format === 'json') text = formatSynthesizeJson(report);
  else if (format === 'csv') text = formatSynthesizeCsv(report);
  else if (format === 'html')
    text = synthesisHtmlReport({
      title: review.config.title,
      generated: reportDate(),
      report,
      characteristics: studyCharacteristics(studies, review.config),
    });
  else if (format === 'svg') text = formatSynthesizeSvg(report.analyses[0]!);
  else text = formatSynthesizeText(report);
  if (out !== undefined) {
    try {
      replaceFile(nodePath.resolve(io.cwd, out), text);
    } catch (error) {
      io.stderr(
        `study-extract: cannot write ${out}: ${error instanceof Error ? error.message : String(error)}\n`,
      );
      return 2;
    }
    io.stderr(`wrote ${out}\n`);
  } else io.stdout(text);
  const failed = report.analyses.filter((a) => !a.runnable);
  for (const a of failed)
    io.stderr(`study-extract: analysis ${a.id} cannot run: ${a.reason ?? 'no study can be included'}\n`);
  return failed.length > 0 ? 1 : 0;
}

async function runCheck(args: string[], io: CliIo): Promise<number> {
  const { positional, options } = parseArgs(
    args,
    new Set(['--format']),
    new Set(['-h', '--help', '--cache']),
  );
  if (options.has('-h') || options.has('--help')) {
    io.stdout(CHECK_USAGE);
    return 0;
  }
  const format = oneOf('--format', (options.get('--format') as string | undefined) ?? 'text', [
    'text',
    'json',
    'sarif',
    'github',
  ]);
  const root = await reviewRootFrom(positional, io);
  if (!root) return 2;
  const checkRecords = options.has('--cache')
    ? cachedRecordChecker(__filename, toolIdentity())
    : parallelRecordChecker(__filename);
  const report = await checkReview(root, nodeFileSystem, { checkRecords });
  const display = (relative: string) => {
    const shown = nodePath.relative(io.cwd, nodePath.join(root, relative)).split(nodePath.sep).join('/');
    return shown === '' ? relative : shown;
  };
  if (format === 'json') io.stdout(formatCheckJson(report));
  else if (format === 'sarif') io.stdout(formatCheckSarif(report, display, VERSION));
  else if (format === 'github') io.stdout(formatCheckGithub(report, display));
  else io.stdout(formatCheckText(report, display));
  return report.summary.errors > 0 ? 1 : 0;
}

/** The version and a hash of the running code: a cache made by any other build is not used. */
function toolIdentity(): string {
  let code: Uint8Array | string;
  try {
    code = readFileSync(__filename);
  } catch {
    // Unreadable code cannot be told apart from another build: a key no cache has.
    code = `${Date.now()}:${Math.random()}`;
  }
  return `${VERSION}:${contentHash(code)}`;
}

/** A path as the user should see it: relative to where the command runs. */
function shown(path: string, io: CliIo): string {
  const relative = nodePath.relative(io.cwd, path);
  return relative === '' ? '.' : relative.split(nodePath.sep).join('/');
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

function writeFailure(error: unknown, io: CliIo): number {
  if (!(error instanceof FileWriteError)) throw error;
  io.stderr(`study-extract: cannot write ${shown(error.path, io)}: ${error.message}\n`);
  return 2;
}

/** Whether review.yaml or the extraction schema has errors (a note for the user, not a reason to stop). */
function reviewHasErrors(review: Review): boolean {
  return [...review.fileDiagnostics.values()].some((list) => list.some((d) => d.severity === 'error'));
}

async function runInit(args: string[], io: CliIo): Promise<number> {
  const { positional, options } = parseArgs(
    args,
    new Set(['--title', '--reviewers']),
    new Set(['-h', '--help']),
  );
  if (options.has('-h') || options.has('--help')) {
    io.stdout(INIT_USAGE);
    return 0;
  }
  if (positional.length > 1) throw new UsageError(`expected at most one folder, got ${positional.length}`);
  const dir = nodePath.resolve(io.cwd, positional[0] ?? '.');
  const reviewers =
    typeof options.get('--reviewers') === 'string'
      ? (options.get('--reviewers') as string)
          .split(',')
          .map((r) => r.trim())
          .filter((r) => r !== '')
      : DEFAULT_REVIEWERS;
  const title = (options.get('--title') as string | undefined) ?? nodePath.basename(dir);
  const problem = newReviewProblem({ title, reviewers });
  if (problem) throw new UsageError(problem);

  const dirStat = statSync(dir, { throwIfNoEntry: false });
  if (dirStat && !dirStat.isDirectory()) {
    io.stderr(`study-extract: ${shown(dir, io)} is not a folder\n`);
    return 2;
  }
  const files = newReviewFiles({ title, reviewers }).map((file) => ({
    path: nodePath.join(dir, ...file.path.split('/')),
    text: file.text,
  }));
  const existing = files.find((file) => lstatSync(file.path, { throwIfNoEntry: false }));
  if (existing) {
    io.stderr(
      `study-extract: ${shown(existing.path, io)} already exists; init never overwrites a file, so nothing was written\n`,
    );
    return 2;
  }
  const present = dirStat
    ? readdirSync(dir).filter((name) => !ENTRIES_BESIDE_A_NEW_REVIEW.includes(name))
    : [];
  if (present.length > 0) {
    const listed = present.slice(0, 3).join(', ') + (present.length > 3 ? ', …' : '');
    io.stderr(
      `study-extract: ${shown(dir, io)} is not empty (it holds ${listed}); init writes a review into a new or empty folder\n`,
    );
    return 2;
  }
  try {
    createFiles(files);
  } catch (error) {
    return writeFailure(error, io);
  }
  const where = shown(dir, io);
  const written = files.map((file) => {
    const relative = nodePath.relative(dir, file.path).split(nodePath.sep).join('/');
    return relative.endsWith('/.gitkeep') ? relative.slice(0, -'.gitkeep'.length) : relative;
  });
  io.stdout(
    `Created a review in ${where}:\n${written.map((f) => `  ${f}\n`).join('')}` +
      `Next: set the title, reviewers and analysis in review.yaml and the fields in the schema, then\n` +
      `  study-extract new <study> --reviewer ${reviewers[0]}${where === '.' ? '' : ` ${where}`}\n`,
  );
  return 0;
}

/** `<study> [review-dir]` of new and adjudicate. */
function studyAndFolder(command: string, positional: string[], usage: string): [string, string[]] {
  const [study, ...rest] = positional;
  if (study === undefined) throw new UsageError(`${command} needs a study id (${usage})`);
  return [study, rest];
}

async function runNew(args: string[], io: CliIo): Promise<number> {
  const { positional, options } = parseArgs(args, new Set(['--reviewer']), new Set(['-h', '--help']));
  if (options.has('-h') || options.has('--help')) {
    io.stdout(NEW_USAGE);
    return 0;
  }
  const [study, folder] = studyAndFolder('new', positional, 'study-extract new <study> --reviewer <id>');
  const root = await reviewRootFrom(folder, io);
  if (!root) return 2;
  const review = await openReview(root, nodeFileSystem);
  const { reviewers, consensus } = review.config;
  const listed =
    reviewers.length > 0 ? `review.yaml's reviewers: ${reviewers.join(', ')}` : 'review.yaml lists none';
  const chosen = options.get('--reviewer') as string | undefined;
  const reviewer = chosen ?? (reviewers.length === 1 ? reviewers[0] : undefined);
  if (reviewer === undefined) {
    io.stderr(`study-extract: new needs --reviewer <id> (${listed})\n`);
    return 2;
  }
  if (!reviewers.includes(reviewer)) {
    const meant = closestMatch(reviewer, reviewers);
    io.stderr(
      reviewer === consensus
        ? `study-extract: "${consensus}" records are made by study-extract adjudicate <study>, not by new (${listed})\n`
        : `study-extract: unknown reviewer "${reviewer}" (${listed})${meant ? ` — did you mean "${meant}"?` : ''}\n`,
    );
    return 2;
  }
  const record = newRecord(review, study, reviewer);
  if ('error' in record) {
    io.stderr(`study-extract: ${record.error.replace(/`([^`]*)`/g, '"$1"')}\n`);
    return 2;
  }
  const inside = await resolveInsideReview(root, record.path, nodeFileSystem);
  if ('refused' in inside) {
    io.stderr(`study-extract: the record ${inside.message}; nothing was written\n`);
    return 2;
  }
  const target = nodePath.join(root, ...inside.relative.split('/'));
  try {
    createFile(target, record.text);
  } catch (error) {
    if (error instanceof FileWriteError && error.problem === 'exists') {
      io.stderr(`study-extract: a record already exists at ${shown(target, io)}; it is never overwritten\n`);
      return 2;
    }
    return writeFailure(error, io);
  }
  if (reviewHasErrors(review))
    io.stderr(
      'study-extract: note: review.yaml or the extraction schema has errors (study-extract check lists them); the record has the fields that could be read\n',
    );
  io.stdout(`${shown(target, io)}\n`);
  return 0;
}

async function runAdjudicate(args: string[], io: CliIo): Promise<number> {
  const { positional, options } = parseArgs(args, new Set(), new Set(['-h', '--help']));
  if (options.has('-h') || options.has('--help')) {
    io.stdout(ADJUDICATE_USAGE);
    return 0;
  }
  const [studyId, folder] = studyAndFolder('adjudicate', positional, 'study-extract adjudicate <study>');
  const root = await reviewRootFrom(folder, io);
  if (!root) return 2;
  const review = await openReview(root, nodeFileSystem);
  const comparison = await compareReview(review, nodeFileSystem, { study: studyId });
  const study = comparison.studies[0];
  const known = study
    ? []
    : [
        ...new Set(
          (await listRecords(review, nodeFileSystem)).records
            .map((r) => r.study)
            .filter((s): s is string => s !== undefined),
        ),
      ];
  const target = consensusTarget(review, studyId, study, known);
  if ('error' in target) {
    io.stderr(`study-extract: ${target.error}\n`);
    return 2;
  }
  const writable = await writableConsensusFile(root, target.path, nodeFileSystem);
  if ('error' in writable) {
    io.stderr(`study-extract: ${writable.error}\n`);
    return 2;
  }
  const full = writable.path;
  const existing = target.exists ? target.study.consensus?.text : undefined;
  let text: string;
  try {
    text = consensusRecordText(target.study, review.config.consensus, review.config.compare.ignore, existing);
  } catch (error) {
    io.stderr(
      `study-extract: cannot adjudicate ${studyId}: ${error instanceof Error ? error.message : String(error)}\n`,
    );
    return 2;
  }
  const open = plural(unresolvedDisagreements(target.study).length, 'disagreement');
  try {
    if (existing === undefined) {
      createFile(full, text);
      io.stderr(`study-extract: created the consensus record of ${studyId}: ${open} to settle\n`);
    } else if (text === existing) {
      io.stderr(`study-extract: the consensus record of ${studyId} is up to date: ${open} to settle\n`);
    } else {
      replaceFile(full, text, { expected: existing });
      io.stderr(`study-extract: extended the consensus record of ${studyId}: ${open} to settle\n`);
    }
  } catch (error) {
    return writeFailure(error, io);
  }
  io.stdout(`${shown(full, io)}\n`);
  return 0;
}

async function runProgress(args: string[], io: CliIo): Promise<number> {
  const { positional, options } = parseArgs(args, new Set(['--format']), new Set(['-h', '--help']));
  if (options.has('-h') || options.has('--help')) {
    io.stdout(PROGRESS_USAGE);
    return 0;
  }
  const format = oneOf('--format', (options.get('--format') as string | undefined) ?? 'text', [
    'text',
    'json',
  ]);
  const root = await reviewRootFrom(positional, io);
  if (!root) return 2;
  // The editor's own state of a review, driven once: the same matrix the progress panel shows.
  const workspace = new ReviewWorkspace(root, nodeFileSystem, { trusted: () => true });
  const { title, matrix } = await workspace.progress(undefined, { matrix: true });
  io.stdout(format === 'json' ? formatProgressJson(title, matrix!) : progressMatrixText(matrix!));
  return 0;
}

const COMMANDS: Record<string, (args: string[], io: CliIo) => Promise<number>> = {
  init: runInit,
  new: runNew,
  check: runCheck,
  compare: runCompare,
  adjudicate: runAdjudicate,
  synthesize: runSynthesize,
  progress: runProgress,
};

/** Runs the CLI; returns the exit status. Never throws. */
export async function main(argv: string[], io: CliIo): Promise<number> {
  const [command, ...rest] = argv;
  try {
    const helpTopic = command === 'help' ? rest[0] : undefined;
    if (helpTopic !== undefined && Object.hasOwn(COMMANDS, helpTopic))
      return await COMMANDS[helpTopic]!(['--help'], io);
    if (command === undefined || command === '-h' || command === '--help' || command === 'help') {
      io.stdout(USAGE);
      return command === undefined ? 2 : 0;
    }
    if (command === '-v' || command === '--version') {
      io.stdout(`${VERSION}\n`);
      return 0;
    }
    const run = Object.hasOwn(COMMANDS, command) ? COMMANDS[command] : undefined;
    if (!run) {
      const meant = closestMatch(command, Object.keys(COMMANDS));
      throw new UsageError(
        meant
          ? `unknown command "${command}" — did you mean "${meant}"?`
          : `unknown command "${command}" (expected: ${Object.keys(COMMANDS).join(', ')})`,
      );
    }
    return await run(rest, io);
  } catch (error) {
    if (error instanceof UsageError) {
      const end = /[.?!]$/.test(error.message) ? ' ' : '. ';
      io.stderr(
        `study-extract: ${error.message}${end}See: study-extract ${command && Object.hasOwn(COMMANDS, command) ? `${command} ` : ''}--help\n`,
      );
      return 2;
    }
    if (error instanceof FileSystemError) {
      io.stderr(`study-extract: ${error.message}\n`);
      return 2;
    }
    io.stderr(
      `study-extract: internal error: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
    );
    return 2;
  }
}

/**
 * The environment as a plain object: the YAML parser looks up a variable for every token, and each lookup
 * on Node's own `process.env` is a call into the system (a tenth of checking records with errors). The
 * command only reads its environment and hands it to its threads unchanged.
 */
function plainEnvironment(): void {
  process.env = { ...process.env };
}

if (isCheckWorker()) {
  plainEnvironment();
  void runCheckWorker();
} else if (require.main === module) {
  plainEnvironment();
  // A reader that stops early (`study-extract check | head`) closes the pipe: stop quietly, as other
  // command-line tools do, instead of an unhandled write error.
  for (const stream of [process.stdout, process.stderr])
    stream.on('error', (error: NodeJS.ErrnoException) => {
      if (error.code === 'EPIPE') process.exit(process.exitCode ?? 0);
      throw error;
    });
  void main(process.argv.slice(2), {
    stdout: (text) => process.stdout.write(text),
    stderr: (text) => process.stderr.write(text),
    cwd: process.cwd(),
  }).then((code) => {
    process.exitCode = code;
  });
}
