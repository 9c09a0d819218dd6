import { renameSync, rmSync, writeFileSync } from 'node:fs';
import * as nodePath from 'node:path';
import { checkReview } from '../core/check';
import { isCheckWorker, parallelRecordChecker, runCheckWorker } from './parallelCheck';
import { nodeFileSystem } from '../core/fileSystem';
import { findReviewRoot, openReview } from '../core/review';
import { compareReview } from '../core/studyPairs';
import { loadStudies, runAnalyses } from '../core/synthesis/analysis';
import { studyCharacteristics } from '../core/synthesis/characteristics';
import { synthesisHtmlReport } from '../core/synthesis/report';
import { formatCompareCsv, formatCompareJson, formatCompareText } from './compareFormats';
import { formatCheckGithub, formatCheckJson, formatCheckSarif, formatCheckText } from './checkFormats';
import {
  formatSynthesizeCsv,
  formatSynthesizeJson,
  formatSynthesizeSvg,
  formatSynthesizeText,
} from '../core/synthesis/exportFormats';
import packageJson from '../../package.json';

const VERSION = packageJson.version;

const USAGE = `Usage: study-extract <command> [review-dir] [options]

Commands:
  check        validate review.yaml, the extraction schema and every record
  compare      disagreements between the two reviewers of every study, agreement statistics
  synthesize   run the analyses of review.yaml: effect sizes, meta-analysis, subgroups

Options:
  -h, --help     show help (also: study-extract <command> --help)
  -v, --version  show the version

review-dir defaults to the current folder; the review is found by walking up to review.yaml.
`;

const CHECK_USAGE = `Usage: study-extract check [review-dir] [--format text|json|sarif|github]

Validates review.yaml, the review's extraction schema and every record.

Options:
  --format text    path:line:col: severity: message [code], then a summary (default)
  --format json    one JSON document: { files: [{ path, diagnostics }], summary }
  --format sarif   SARIF 2.1.0 for code scanning
  --format github  GitHub Actions annotations
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
      } else throw new UsageError(`unknown option ${name}`);
    } else positional.push(arg);
  }
  return { positional, options };
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
  const format = (options.get('--format') as string | undefined) ?? 'text';
  if (!['text', 'json', 'csv'].includes(format))
    throw new UsageError(`unknown format "${format}" (expected text, json or csv)`);
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

/** Writes through a temporary file in the same folder and a rename, so a reader never sees half a file. */
function writeAtomically(target: string, text: string): void {
  const temp = nodePath.join(nodePath.dirname(target), `.${nodePath.basename(target)}.${process.pid}.tmp`);
  try {
    writeFileSync(temp, text);
    renameSync(temp, target);
  } catch (error) {
    rmSync(temp, { force: true });
    throw error;
  }
}

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
  const format = (options.get('--format') as string | undefined) ?? 'text';
  if (!SYNTHESIZE_FORMATS.includes(format))
    throw new UsageError(`unknown format "${format}" (expected text, json, csv, html or svg)`);
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
      writeAtomically(nodePath.resolve(io.cwd, out), text);
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
  const { positional, options } = parseArgs(args, new Set(['--format']), new Set(['-h', '--help']));
  if (options.has('-h') || options.has('--help')) {
    io.stdout(CHECK_USAGE);
    return 0;
  }
  const format = (options.get('--format') as string | undefined) ?? 'text';
  if (!['text', 'json', 'sarif', 'github'].includes(format)) {
    throw new UsageError(`unknown format "${format}" (expected text, json, sarif or github)`);
  }
  const root = await reviewRootFrom(positional, io);
  if (!root) return 2;
  const report = await checkReview(root, nodeFileSystem, { checkRecords: parallelRecordChecker(__filename) });
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

const COMMANDS: Record<string, (args: string[], io: CliIo) => Promise<number>> = {
  check: runCheck,
  compare: runCompare,
  synthesize: runSynthesize,
};

/** Runs the CLI; returns the exit status. Never throws. */
export async function main(argv: string[], io: CliIo): Promise<number> {
  const [command, ...rest] = argv;
  try {
    if (command === undefined || command === '-h' || command === '--help' || command === 'help') {
      io.stdout(USAGE);
      return command === undefined ? 2 : 0;
    }
    if (command === '-v' || command === '--version') {
      io.stdout(`${VERSION}\n`);
      return 0;
    }
    const run = COMMANDS[command];
    if (!run)
      throw new UsageError(`unknown command "${command}" (expected: ${Object.keys(COMMANDS).join(', ')})`);
    return await run(rest, io);
  } catch (error) {
    if (error instanceof UsageError) {
      io.stderr(
        `study-extract: ${error.message}. See: study-extract ${command && COMMANDS[command] ? `${command} ` : ''}--help\n`,
      );
      return 2;
    }
    io.stderr(
      `study-extract: internal error: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
    );
    return 2;
  }
}

if (isCheckWorker()) {
  void runCheckWorker();
} else if (require.main === module) {
  void main(process.argv.slice(2), {
    stdout: (text) => process.stdout.write(text),
    stderr: (text) => process.stderr.write(text),
    cwd: process.cwd(),
  }).then((code) => {
    process.exitCode = code;
  });
}
