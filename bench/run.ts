// Benchmark of `study-extract check` (run with `npm run bench`; never part of `npm test`).
// Prints timings only: machines differ too much for timing assertions. The one assertion is that the
// synthetic review is valid, so that the benchmark measures the real path rather than early failures.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as nodePath from 'node:path';
import { performance } from 'node:perf_hooks';
import AjvCore from 'ajv/dist/core';
import { checkReview } from '../src/core/workspace/check';
import { nodeFileSystem } from '../src/node/fileSystem';
import { compileExtractionSchema } from '../src/core/schema/schema';
import { validateRecordText } from '../src/core/record/validate';
import { EXAMPLE_SCHEMA, GENERATED_DIR, LARGE_RECORD, ensureGenerated, ensureVariant } from './generate';
import { BASE_SCHEMA_FILE, ensurePeers, writeCombinedSchema } from './peers';
import { benchDualAndSynthesis } from './dual';
import { benchPanel } from './panel';
import { benchHostile } from './hostile';
import { benchServer } from './server';

const REPO = nodePath.resolve(__dirname, '..');
const CLI = nodePath.join(REPO, 'dist', 'cli.js');
const RUNS = { checkInProcess: 7, checkCli: 7, schemaCompile: 15, recordWarmup: 50, record: 300 };
const FLOOR = nodePath.join(__dirname, 'floor.mjs');

interface Stats {
  median: number;
  min: number;
  max: number;
  n: number;
}

function stats(samples: number[]): Stats {
  const sorted = [...samples].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  const median = sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
  return { median, min: sorted[0]!, max: sorted[sorted.length - 1]!, n: sorted.length };
}

const ms = (x: number) =>
  x >= 100 ? `${x.toFixed(0)} ms` : x >= 1 ? `${x.toFixed(1)} ms` : `${x.toFixed(3)} ms`;

async function time<T>(fn: () => Promise<T> | T): Promise<{ ms: number; value: T }> {
  const start = performance.now();
  const value = await fn();
  return { ms: performance.now() - start, value };
}

/**
 * Counts ajv `compile` calls (every record validator and `if` sub-validator goes through the
 * prototype method), so that a schema compiled per record instead of per run would show.
 */
function countAjvCompiles(): { read: () => number; reset: () => void } {
  const proto = AjvCore.prototype as unknown as { compile: (...args: unknown[]) => unknown };
  const original = proto.compile;
  let calls = 0;
  proto.compile = function (this: unknown, ...args: unknown[]) {
    calls++;
    return original.apply(this, args);
  };
  return { read: () => calls, reset: () => (calls = 0) };
}

/** The record files of one reviewer of a generated review, sorted. */
function readdirSorted(root: string): string[] {
  return readdirSync(nodePath.join(root, 'records', 'ek')).sort();
}

/** Peak RSS (KiB) of one CLI run via GNU time, when it is installed. */
function cliPeakRss(args: string[]): number | undefined {
  if (!existsSync('/usr/bin/time')) return undefined;
  const run = spawnSync('/usr/bin/time', ['-v', process.execPath, ...args], {
    encoding: 'utf8',
    maxBuffer: 256 * 1024 * 1024,
  });
  const match = /Maximum resident set size \(kbytes\): (\d+)/.exec(run.stderr ?? '');
  return match ? Number(match[1]) : undefined;
}

async function main(): Promise<void> {
  if (!existsSync(CLI)) throw new Error(`${CLI} is missing: run \`npm run bench\` (it builds first).`);
  const generation = await time(() => ensureGenerated());
  const { root, records } = generation.value;
  const largeText = readFileSync(LARGE_RECORD, 'utf8');
  const largeLines = largeText.split('\n').length - 1;
  const compiles = countAjvCompiles();

  // 1. The full check in-process. The first run also asserts that the review is valid.
  const first = await time(() => checkReview(root, nodeFileSystem));
  const compilesFirstRun = compiles.read();
  const report = first.value;
  const recordFiles = report.files.filter((f) => f.path.startsWith('records/')).length;
  if (report.summary.errors !== 0 || recordFiles !== records) {
    const bad = report.files.filter((f) => f.diagnostics.some((d) => d.severity === 'error')).slice(0, 5);
    throw new Error(
      `The synthetic review is not clean (${report.summary.errors} errors, ${recordFiles}/${records} records): ` +
        JSON.stringify(bad, null, 2),
    );
  }
  const checkSamples: number[] = [];
  compiles.reset();
  for (let i = 0; i < RUNS.checkInProcess; i++)
    checkSamples.push((await time(() => checkReview(root, nodeFileSystem))).ms);
  const compilesPerRun = compiles.read() / RUNS.checkInProcess;
  const check = stats(checkSamples);

  // 2. The built CLI as a whole process (startup, bundle load, check, JSON output), with the peers measured
  // in the same rounds (one run of each per round, so that the machine's load falls on all alike): ajv-cli
  // over the same files, the floor (js-yaml + one compiled ajv validator, bench/floor.mjs), and the check of
  // the review whose records mostly have an error.
  const peers = ensurePeers();
  const ajvCli = peers.scripts['ajv-cli'];
  const schemaFile = nodePath.join(root, 'schemas', 'extraction.schema.json');
  const combined = writeCombinedSchema(nodePath.join(GENERATED_DIR, 'peer'), schemaFile);
  const ajvArgs = ajvCli
    ? [
        ajvCli,
        'validate',
        '--spec=draft2020',
        '--strict=false',
        '--all-errors',
        '-s',
        combined,
        '-r',
        BASE_SCHEMA_FILE,
        '-r',
        schemaFile,
        '-d',
        'records/**/*.study.yaml',
      ]
    : undefined;
  const withErrors = ensureVariant('review-errors', { studies: records / 2, errors: true });
  const cliArgs = [CLI, 'check', root, '--format', 'json'];
  const run = (args: string[], cwd = REPO) => {
    const start = performance.now();
    const result = spawnSync(process.execPath, args, { cwd, encoding: 'utf8', maxBuffer: 256 * 1024 * 1024 });
    return { ms: performance.now() - start, result };
  };
  // check --cache on a copy of the review (its records are edited): filled from nothing, then each round
  // with one record changed, and with nothing changed.
  const cached = ensureVariant('review-cache', { studies: records / 2 });
  const edited = nodePath.join(cached.root, 'records', 'ek', readdirSorted(cached.root)[0]!);
  const editedText = readFileSync(edited, 'utf8');
  const cacheArgs = [CLI, 'check', cached.root, '--format', 'json', '--cache'];
  const fillSamples: number[] = [];
  const oneChangedSamples: number[] = [];
  const unchangedSamples: number[] = [];
  const cliSamples: number[] = [];
  const ajvSamples: number[] = [];
  const floorSamples: number[] = [];
  const errorSamples: number[] = [];
  let recordsWithErrors = 0;
  for (let i = 0; i < RUNS.checkCli; i++) {
    const check = run(cliArgs);
    cliSamples.push(check.ms);
    if (check.result.status !== 0)
      throw new Error(
        `CLI exited with ${check.result.status ?? check.result.signal}: ${check.result.stderr}`,
      );
    if (i === 0) {
      const summary = (JSON.parse(check.result.stdout) as { summary: { files: number; errors: number } })
        .summary;
      if (summary.errors !== 0 || summary.files !== report.summary.files)
        throw new Error(`CLI summary differs from core: ${JSON.stringify(summary)}`);
    }
    const floor = run([FLOOR, root, BASE_SCHEMA_FILE]);
    floorSamples.push(floor.ms);
    const floorCounts = JSON.parse(floor.result.stdout || '{}') as { files?: number; invalid?: number };
    if (floorCounts.files !== records || floorCounts.invalid !== 0)
      throw new Error(`The floor did not read the review: ${floor.result.stdout}${floor.result.stderr}`);
    if (ajvArgs) {
      const ajv = run(ajvArgs, root);
      ajvSamples.push(ajv.ms);
      if (ajv.result.status !== 0)
        throw new Error(`ajv-cli found the records invalid: ${ajv.result.stderr.slice(0, 2000)}`);
    }
    rmSync(nodePath.join(cached.root, '.study-extract-cache'), { recursive: true, force: true });
    fillSamples.push(run(cacheArgs).ms);
    writeFileSync(edited, `${editedText}# round ${i}\n`);
    oneChangedSamples.push(run(cacheArgs).ms);
    unchangedSamples.push(run(cacheArgs).ms);
    const errors = run([CLI, 'check', withErrors.root, '--format', 'json']);
    errorSamples.push(errors.ms);
    if (i === 0)
      recordsWithErrors = (
        JSON.parse(errors.result.stdout) as { files: { diagnostics: { severity: string }[] }[] }
      ).files.filter((f) => f.diagnostics.some((d) => d.severity === 'error')).length;
  }
  const cachedOutput = run(cacheArgs).result.stdout;
  const uncachedOutput = run([CLI, 'check', cached.root, '--format', 'json']).result.stdout;
  writeFileSync(edited, editedText);
  if (cachedOutput !== uncachedOutput) throw new Error('check --cache printed something else than check');
  const cacheFill = stats(fillSamples);
  const oneChanged = stats(oneChangedSamples);
  const unchanged = stats(unchangedSamples);
  const cli = stats(cliSamples);
  const floor = stats(floorSamples);
  const ajv = ajvSamples.length > 0 ? stats(ajvSamples) : undefined;
  const withErrorsCli = stats(errorSamples);
  const peakRss = cliPeakRss(cliArgs);

  // 3. Compiling the extraction schema (cold = the first compile in this process was in run 1 above).
  const schemaText = readFileSync(EXAMPLE_SCHEMA, 'utf8');
  const compileSamples: number[] = [];
  let compiled = compileExtractionSchema(schemaText);
  for (let i = 0; i < RUNS.schemaCompile; i++) {
    const t = await time(() => compileExtractionSchema(schemaText));
    compileSamples.push(t.ms);
    compiled = t.value;
  }
  const compile = stats(compileSamples);
  if (!compiled.usesReviewSchema || compiled.diagnostics.length > 0)
    throw new Error(`The example schema did not compile: ${JSON.stringify(compiled.diagnostics)}`);

  // 4. One ~300-line record against the schema compiled once above.
  const expectations = { study: 'large-2020', reviewer: 'ek', protocolVersion: 1 };
  const largeDiagnostics = validateRecordText(largeText, compiled.schema, expectations);
  if (largeDiagnostics.some((d) => d.severity === 'error'))
    throw new Error(
      `The ${largeLines}-line record is not valid: ${JSON.stringify(largeDiagnostics, null, 2)}`,
    );
  for (let i = 0; i < RUNS.recordWarmup; i++) validateRecordText(largeText, compiled.schema, expectations);
  compiles.reset();
  const recordSamples: number[] = [];
  for (let i = 0; i < RUNS.record; i++) {
    const start = performance.now();
    validateRecordText(largeText, compiled.schema, expectations);
    recordSamples.push(performance.now() - start);
  }
  const compilesDuringRecords = compiles.read();
  const record = stats(recordSamples);
  const inProcessRss = process.resourceUsage().maxRSS;

  const rows: [string, string, string, string, string][] = [
    ['measure', 'median', 'min', 'max', 'N'],
    [
      `check in-process, ${records} records (warm)`,
      ms(check.median),
      ms(check.min),
      ms(check.max),
      String(check.n),
    ],
    ['check in-process, first run (cold)', ms(first.ms), '', '', '1'],
    [`CLI process: check --format json`, ms(cli.median), ms(cli.min), ms(cli.max), String(cli.n)],
    [
      `CLI process: check, ${Math.round((100 * recordsWithErrors) / records)}% of records with an error`,
      ms(withErrorsCli.median),
      ms(withErrorsCli.min),
      ms(withErrorsCli.max),
      String(withErrorsCli.n),
    ],
    ...(ajv
      ? [
          [
            'peer: ajv-cli validate (same records, process)',
            ms(ajv.median),
            ms(ajv.min),
            ms(ajv.max),
            String(ajv.n),
          ] as [string, string, string, string, string],
        ]
      : []),
    [
      'CLI process: check --cache, cache empty (fills it)',
      ms(cacheFill.median),
      ms(cacheFill.min),
      ms(cacheFill.max),
      String(cacheFill.n),
    ],
    [
      'CLI process: check --cache, one record changed',
      ms(oneChanged.median),
      ms(oneChanged.min),
      ms(oneChanged.max),
      String(oneChanged.n),
    ],
    [
      'CLI process: check --cache, nothing changed',
      ms(unchanged.median),
      ms(unchanged.min),
      ms(unchanged.max),
      String(unchanged.n),
    ],
    [
      'floor: js-yaml + one ajv validator (process)',
      ms(floor.median),
      ms(floor.min),
      ms(floor.max),
      String(floor.n),
    ],
    [
      `validate one ${largeLines}-line record`,
      ms(record.median),
      ms(record.min),
      ms(record.max),
      String(record.n),
    ],
    [
      'compile extraction schema (warm)',
      ms(compile.median),
      ms(compile.min),
      ms(compile.max),
      String(compile.n),
    ],
  ];
  const widths = rows[0]!.map((_, c) => Math.max(...rows.map((r) => r[c]!.length)));
  const line = (r: string[]) =>
    r.map((cell, c) => (c === 0 ? cell.padEnd(widths[c]!) : cell.padStart(widths[c]!))).join('  ');
  console.log('');
  console.log(
    `Synthetic review: ${root} (${records} records, ${report.summary.files} files; ` +
      `${generation.value.regenerated ? `generated in ${ms(generation.ms)}` : 'reused'}); check: ` +
      `${report.summary.errors} errors, ${report.summary.warnings} warnings.`,
  );
  const load = os
    .loadavg()
    .map((l) => l.toFixed(1))
    .join(' ');
  console.log(
    `Node ${process.version}, ${os.cpus().length} CPUs (${os.cpus()[0]?.model ?? '?'}), load average ${load}.`,
  );
  console.log('');
  console.log(line(rows[0]!));
  console.log(widths.map((w) => '-'.repeat(w)).join('  '));
  for (const r of rows.slice(1)) console.log(line(r));
  console.log('');
  console.log(
    `Schema compiled once per run: ajv compile() calls per check of ${records} records = ${compilesPerRun} ` +
      `(the record validator and the base schema's \`if\` sub-validators; a per-record compile would show ` +
      `~${records}); first run ${compilesFirstRun} (+ the bundled review.yaml schema, once per process); ` +
      `during ${RUNS.record} validations of the large record: ${compilesDuringRecords}.`,
  );
  console.log(
    `Compile once: ${ms(compile.median)} (warm median) vs ${ms(check.median / records)} per record ` +
      `inside a check (${records} × compile would add ~${ms(compile.median * records)}).`,
  );
  console.log(
    `Peak RSS: CLI process ${peakRss !== undefined ? `${(peakRss / 1024).toFixed(0)} MB (/usr/bin/time -v)` : 'n/a (no /usr/bin/time)'}; ` +
      `this bench process ${(inProcessRss / 1024).toFixed(0)} MB (process.resourceUsage().maxRSS).`,
  );
  console.log('');
  console.log(
    `check / ajv-cli: ${ajv ? `${(cli.median / ajv.median).toFixed(2)}×` : `n/a (ajv-cli unavailable: ${peers.unavailable ?? 'not installed'})`} (target ≤ 1.0×); ` +
      `check / floor: ${(cli.median / floor.median).toFixed(2)}× (target ≤ 1.3×); ` +
      `errors in ${recordsWithErrors} of ${records} records / clean: ${(withErrorsCli.median / cli.median).toFixed(2)}× (target ≤ 1.5×). Medians of ${RUNS.checkCli} interleaved rounds.`,
  );
  const bare = stats(Array.from({ length: 5 }, () => run(['-e', '0']).ms));
  const version = stats(Array.from({ length: 5 }, () => run([CLI, '--version']).ms));
  console.log(
    `check --cache, one record changed: ${(cli.median / oneChanged.median).toFixed(1)}× faster than a cold check (target ≥ 10×); ` +
      `nothing changed: ${(cli.median / unchanged.median).toFixed(1)}×. Of any CLI run, ${ms(version.median)} is starting ` +
      `node and loading the bundle (\`--version\`; node alone ${ms(bare.median)}).`,
  );
  console.log(
    `Targets: ${records}-record check well under 2 s (in-process median ${ms(check.median)}, CLI ${ms(cli.median)}); ` +
      `one record ≤ 10 ms (median ${ms(record.median)}).`,
  );

  // The live synthesis panel: edit → panel updated (bench/panel.ts).
  await benchServer();
  await benchDualAndSynthesis();
  await benchPanel();
  await benchHostile();
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exitCode = 1;
});
