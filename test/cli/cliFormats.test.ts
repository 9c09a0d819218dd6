// The output formats and the argument handling of `study-extract check`, run through the built CLI.
import { before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { ensureBuilt, FIXTURES, REPO, runCli, type JsonReport } from './support/cli';

const TYPO = path.join(FIXTURES, 'unknown-field-top');
const WARNING = path.join(FIXTURES, 'protocol-version');
const CLEAN = path.join(FIXTURES, 'clean');
const EXAMPLE = path.join(REPO, 'examples', 'therapeutic-alliance');
const RECORD = 'records/ek/smith-2011.study.yaml';

/** `path:line:col: severity: message [code]` */
const TEXT_LINE = /^(.+):(\d+):(\d+): (error|warning|information): (.+) \[([a-z0-9-]+)\]$/;

function lines(text: string): string[] {
  assert.ok(text.endsWith('\n'), 'output ends with a newline');
  return text.slice(0, -1).split('\n');
}

before(() => ensureBuilt());

describe('check --format text', () => {
  test('one line per problem, 1-based, paths relative to the working folder, then a summary', () => {
    const result = runCli(['check'], TYPO);
    assert.equal(result.status, 1);
    assert.equal(result.stderr, '');
    const output = lines(result.stdout);
    assert.equal(output.length, 2, result.stdout);
    const match = TEXT_LINE.exec(output[0]!);
    assert.ok(match, `not path:line:col: severity: message [code]: ${output[0]}`);
    assert.equal(match[1], RECORD);
    assert.equal(match[2], '9');
    assert.equal(match[3], '1');
    assert.equal(match[4], 'error');
    assert.match(match[5]!, /Unknown field `armss` — did you mean `arms`\?/);
    assert.equal(match[6], 'unknown-field');
    assert.match(output[1]!, /^3 files checked: 1 error, 0 warnings\.$/);
  });

  test('is the default format, and shows paths relative to where the command runs', () => {
    const result = runCli(['check', path.relative(REPO, TYPO)], REPO);
    assert.equal(result.status, 1);
    const first = TEXT_LINE.exec(lines(result.stdout)[0]!);
    assert.ok(first, result.stdout);
    assert.equal(first[1], `test/fixtures/check/unknown-field-top/${RECORD}`);
  });

  test('warnings only: exit 0, a warning line and the count', () => {
    const result = runCli(['check', WARNING, '--format', 'text']);
    assert.equal(result.status, 0);
    const output = lines(result.stdout);
    const match = TEXT_LINE.exec(output[0]!);
    assert.ok(match, result.stdout);
    assert.equal(match[4], 'warning');
    assert.equal(match[6], 'protocol-version');
    assert.equal(`${match[2]}:${match[3]}`, '4:19');
    assert.match(output[output.length - 1]!, /checked: 0 errors, 1 warning\.$/);
  });

  test('a clean review prints only the summary', () => {
    const result = runCli(['check', CLEAN]);
    assert.equal(result.status, 0);
    assert.deepEqual(lines(result.stdout), ['3 files checked: no problems.']);
  });
});

describe('check --format sarif', () => {
  test('is a SARIF 2.1.0 log with 1-based regions', () => {
    const result = runCli(['check', TYPO, '--format', 'sarif']);
    assert.equal(result.status, 1);
    const sarif = JSON.parse(result.stdout) as {
      version: string;
      $schema?: string;
      runs: {
        tool: { driver: { name: string; rules?: { id: string }[] } };
        results: {
          ruleId: string;
          ruleIndex?: number;
          level: string;
          message: { text: string };
          locations: {
            physicalLocation: {
              artifactLocation: { uri: string };
              region: { startLine: number; startColumn: number; endLine?: number; endColumn?: number };
            };
          }[];
        }[];
      }[];
    };
    assert.equal(sarif.version, '2.1.0');
    assert.ok(Array.isArray(sarif.runs) && sarif.runs.length === 1);
    const run = sarif.runs[0]!;
    assert.equal(run.tool.driver.name, 'study-extract');
    assert.equal(run.results.length, 1);
    const [result0] = run.results;
    assert.equal(result0!.ruleId, 'unknown-field');
    assert.equal(result0!.level, 'error');
    assert.match(result0!.message.text, /armss/);
    if (result0!.ruleIndex !== undefined)
      assert.equal(run.tool.driver.rules?.[result0!.ruleIndex]?.id, 'unknown-field');
    const location = result0!.locations[0]!.physicalLocation;
    assert.ok(location.artifactLocation.uri.endsWith(RECORD), location.artifactLocation.uri);
    assert.equal(location.region.startLine, 9);
    assert.equal(location.region.startColumn, 1);
    assert.equal(location.region.endLine, 9);
    assert.equal(location.region.endColumn, 6);
  });

  test('warnings have level "warning"; a clean review has no results', () => {
    const warning = JSON.parse(runCli(['check', WARNING, '--format', 'sarif']).stdout) as {
      runs: { results: { level: string; ruleId: string }[] }[];
    };
    assert.deepEqual(
      warning.runs[0]!.results.map((r) => [r.ruleId, r.level]),
      [['protocol-version', 'warning']],
    );
    const clean = runCli(['check', CLEAN, '--format', 'sarif']);
    assert.equal(clean.status, 0);
    const parsed = JSON.parse(clean.stdout) as { version: string; runs: { results: unknown[] }[] };
    assert.equal(parsed.version, '2.1.0');
    assert.deepEqual(parsed.runs[0]!.results, []);
  });
});

describe('check --format github', () => {
  const ANNOTATION = /^::(error|warning|notice) (.+?)::(.*)$/;
  const properties = (text: string) =>
    Object.fromEntries(text.split(',').map((p) => [p.slice(0, p.indexOf('=')), p.slice(p.indexOf('=') + 1)]));

  test('prints ::error file=…,line=…,col=…::message workflow commands', () => {
    const result = runCli(['check', '--format', 'github'], TYPO);
    assert.equal(result.status, 1);
    const annotations = lines(result.stdout).filter((l) => l.startsWith('::'));
    assert.equal(annotations.length, 1, result.stdout);
    const match = ANNOTATION.exec(annotations[0]!);
    assert.ok(match, annotations[0]);
    assert.equal(match[1], 'error');
    const props = properties(match[2]!);
    assert.equal(props.file, RECORD);
    assert.equal(props.line, '9');
    assert.equal(props.col, '1');
    assert.match(match[3]!, /^Unknown field `armss`/);
  });

  test('warnings become ::warning', () => {
    const result = runCli(['check', WARNING, '--format=github']);
    assert.equal(result.status, 0);
    const annotation = lines(result.stdout).find((l) => l.startsWith('::'));
    assert.ok(annotation, result.stdout);
    const match = ANNOTATION.exec(annotation);
    assert.equal(match?.[1], 'warning');
    assert.equal(properties(match[2]!).line, '4');
    assert.equal(properties(match[2]!).col, '19');
  });
});

describe('check arguments', () => {
  test('--help and -h print the usage of check and exit 0', () => {
    for (const flag of ['--help', '-h']) {
      const result = runCli(['check', flag]);
      assert.equal(result.status, 0, flag);
      assert.match(result.stdout, /Usage: study-extract check/);
      assert.match(result.stdout, /--format/);
      assert.equal(result.stderr, '');
    }
  });

  const usageError = (args: string[], pattern: RegExp, cwd = REPO) => {
    const result = runCli(args, cwd);
    assert.equal(result.status, 2, `${args.join(' ')}: exit ${result.status}\n${result.stderr}`);
    assert.equal(result.stdout, '', 'nothing on stdout');
    const errorLines = lines(result.stderr);
    assert.equal(errorLines.length, 1, `one line on stderr: ${result.stderr}`);
    assert.match(errorLines[0]!, pattern);
  };

  test('an unknown option exits 2 with one line on stderr', () => {
    usageError(['check', CLEAN, '--bogus'], /--bogus/);
  });

  test('an unknown command exits 2', () => {
    usageError(['frobnicate', CLEAN], /frobnicate/);
  });

  test('an unknown format exits 2', () => {
    usageError(['check', CLEAN, '--format', 'xml'], /xml/);
  });

  test('--format without a value exits 2', () => {
    usageError(['check', CLEAN, '--format'], /--format/);
  });

  test('a folder with no review.yaml in it or above it exits 2', () => {
    const empty = mkdtempSync(path.join(tmpdir(), 'study-extract-no-review-'));
    try {
      usageError(['check', empty], /review\.yaml/);
      usageError(['check'], /review\.yaml/, empty);
    } finally {
      rmSync(empty, { recursive: true, force: true });
    }
  });

  test('a folder that does not exist exits 2', () => {
    usageError(['check', path.join(CLEAN, 'no-such-folder')], /no-such-folder/);
  });

  test('run from a subfolder, it walks up to review.yaml', () => {
    const cwd = path.join(TYPO, 'records', 'ek');
    const json = runCli(['check', '--format', 'json'], cwd);
    assert.equal(json.status, 1, json.stderr);
    const report = JSON.parse(json.stdout) as JsonReport;
    // JSON paths stay relative to the review folder.
    assert.deepEqual(report.files.map((f) => f.path).sort(), [
      RECORD,
      'review.yaml',
      'schemas/extraction.schema.json',
    ]);
    assert.equal(report.summary.errors, 1);
    const text = runCli(['check'], cwd);
    assert.equal(text.status, 1);
    // Text paths are relative to where the command runs.
    assert.match(lines(text.stdout)[0]!, /^smith-2011\.study\.yaml:9:1: error: /);
  });
});

describe('the example review', () => {
  test('examples/therapeutic-alliance checks clean', () => {
    const result = runCli(['check', EXAMPLE, '--format', 'json']);
    const report = JSON.parse(result.stdout) as JsonReport;
    const problems = report.files.flatMap((f) =>
      f.diagnostics
        .filter((d) => d.severity !== 'information')
        .map((d) => `${f.path}:${d.range.start.line + 1}: [${d.code}] ${d.message}`),
    );
    assert.deepEqual(problems, []);
    assert.equal(result.status, 0);
    assert.equal(report.summary.errors, 0);
    assert.equal(report.summary.warnings, 0);

    const records = ['ek', 'mk'].flatMap((reviewer) =>
      readdirSync(path.join(EXAMPLE, 'records', reviewer))
        .filter((name) => name.endsWith('.study.yaml'))
        .map((name) => `records/${reviewer}/${name}`),
    );
    assert.equal(records.length, 14);
    assert.deepEqual(
      report.files.map((f) => f.path).sort(),
      ['review.yaml', 'schemas/extraction.schema.json', ...records].sort(),
    );
    assert.equal(report.summary.files, 16);
  });
});
