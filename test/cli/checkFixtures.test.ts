// Every folder of test/fixtures/check is a small review with one kind of problem; its expected.json says
// which diagnostics `study-extract check --format json` must report (1-based positions) and the exit code.
import { before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { availableParallelism } from 'node:os';
import { ensureBuilt, FIXTURES, runCliAsync, type JsonDiagnostic, type JsonReport } from './support/cli';

interface ExpectedDiagnostic {
  path: string;
  line: number;
  column: number;
  code: string;
  endLine?: number;
  endColumn?: number;
  /** Defaults to `error`. */
  severity?: JsonDiagnostic['severity'];
  messageIncludes?: string | string[];
}

interface Expected {
  exit: 0 | 1;
  diagnostics: ExpectedDiagnostic[];
}

const fixtures = readdirSync(FIXTURES, { withFileTypes: true })
  .filter((entry) => entry.isDirectory())
  .map((entry) => entry.name)
  .sort();

function describeActual(file: string, d: JsonDiagnostic): string {
  return `${file}:${d.range.start.line + 1}:${d.range.start.character + 1}-${d.range.end.line + 1}:${d.range.end.character + 1} ${d.severity} [${d.code}] ${d.message}`;
}

function matches(expected: ExpectedDiagnostic, file: string, d: JsonDiagnostic): boolean {
  if (file !== expected.path || d.code !== expected.code) return false;
  if (d.severity !== (expected.severity ?? 'error')) return false;
  if (d.range.start.line + 1 !== expected.line || d.range.start.character + 1 !== expected.column)
    return false;
  if (expected.endLine !== undefined && d.range.end.line + 1 !== expected.endLine) return false;
  if (expected.endColumn !== undefined && d.range.end.character + 1 !== expected.endColumn) return false;
  const includes =
    expected.messageIncludes === undefined
      ? []
      : Array.isArray(expected.messageIncludes)
        ? expected.messageIncludes
        : [expected.messageIncludes];
  return includes.every((part) => d.message.includes(part));
}

const isPosition = (p: unknown): boolean =>
  typeof p === 'object' &&
  p !== null &&
  Object.keys(p).sort().join(',') === 'character,line' &&
  Number.isInteger((p as { line: unknown }).line) &&
  Number.isInteger((p as { character: unknown }).character) &&
  (p as { line: number }).line >= 0 &&
  (p as { character: number }).character >= 0;

/** The JSON document of DESIGN.md §3, exactly: no extra keys, consistent counts, portable paths. */
function assertReportShape(report: unknown): asserts report is JsonReport {
  assert.ok(typeof report === 'object' && report !== null && !Array.isArray(report));
  assert.deepEqual(Object.keys(report).sort(), ['files', 'summary']);
  const { files, summary } = report as JsonReport;
  assert.ok(Array.isArray(files));
  let errors = 0;
  let warnings = 0;
  const seen = new Set<string>();
  for (const file of files) {
    assert.deepEqual(Object.keys(file).sort(), ['diagnostics', 'path']);
    assert.equal(typeof file.path, 'string');
    assert.ok(!seen.has(file.path), `file listed twice: ${file.path}`);
    seen.add(file.path);
    assert.ok(!path.isAbsolute(file.path) && !/^[A-Za-z]:/.test(file.path), `absolute path ${file.path}`);
    assert.ok(!file.path.includes('\\'), `path with backslashes: ${file.path}`);
    assert.ok(!file.path.startsWith('./') && !file.path.split('/').includes('..'), `path ${file.path}`);
    assert.ok(Array.isArray(file.diagnostics));
    for (const d of file.diagnostics) {
      assert.deepEqual(Object.keys(d).sort(), ['code', 'message', 'range', 'severity']);
      assert.ok(['error', 'warning', 'information'].includes(d.severity), `severity ${d.severity}`);
      assert.equal(typeof d.code, 'string');
      assert.match(d.code, /^[a-z0-9]+(?:-[a-z0-9]+)*$/);
      assert.equal(typeof d.message, 'string');
      assert.ok(d.message.trim() !== '', 'empty message');
      // One problem, one line: the text format prints `path:line:col: severity: message [code]`.
      assert.ok(!/[\r\n]/.test(d.message), `message spans lines: ${JSON.stringify(d.message)}`);
      assert.deepEqual(Object.keys(d.range).sort(), ['end', 'start']);
      assert.ok(isPosition(d.range.start) && isPosition(d.range.end), `range ${JSON.stringify(d.range)}`);
      const { start, end } = d.range;
      assert.ok(
        start.line < end.line || (start.line === end.line && start.character <= end.character),
        `range ends before it starts: ${JSON.stringify(d.range)}`,
      );
      if (d.severity === 'error') errors++;
      else if (d.severity === 'warning') warnings++;
    }
  }
  assert.deepEqual(Object.keys(summary).sort(), ['errors', 'files', 'warnings']);
  assert.deepEqual(summary, { files: files.length, errors, warnings });
}

before(() => ensureBuilt());

const concurrency = Math.max(2, Math.min(8, availableParallelism() - 1));

describe('study-extract check --format json on test/fixtures/check/*', { concurrency }, () => {
  test('there are fixtures to check', () => {
    assert.ok(fixtures.length >= 30, `only ${fixtures.length} fixtures found`);
  });

  for (const name of fixtures) {
    test(name, async () => {
      const dir = path.join(FIXTURES, name);
      const expected = JSON.parse(readFileSync(path.join(dir, 'expected.json'), 'utf8')) as Expected;
      const result = await runCliAsync(['check', dir, '--format', 'json']);
      assert.equal(result.stderr, '', 'nothing on stderr');
      const report: unknown = JSON.parse(result.stdout);
      assertReportShape(report);
      assert.ok(
        report.files.some((f) => f.path === 'review.yaml'),
        'review.yaml is always listed',
      );

      const actual = report.files.flatMap((f) => f.diagnostics.map((d) => ({ file: f.path, d })));
      const listing = actual.map(({ file, d }) => describeActual(file, d)).join('\n') || '(none)';
      const used = new Set<number>();
      for (const want of expected.diagnostics) {
        const index = actual.findIndex((a, i) => !used.has(i) && matches(want, a.file, a.d));
        assert.ok(
          index >= 0,
          `expected ${want.severity ?? 'error'} [${want.code}] at ${want.path}:${want.line}:${want.column}` +
            `${want.endLine !== undefined ? ` to ${want.endLine}:${want.endColumn ?? '?'}` : ''}` +
            `${want.messageIncludes ? ` with ${JSON.stringify(want.messageIncludes)}` : ''}; reported:\n${listing}`,
        );
        used.add(index);
      }
      const unexpected = actual.filter((a, i) => !used.has(i) && a.d.severity !== 'information');
      assert.deepEqual(
        unexpected.map(({ file, d }) => describeActual(file, d)),
        [],
        `unexpected diagnostics; reported:\n${listing}`,
      );
      assert.equal(result.status, expected.exit, `exit code; reported:\n${listing}`);
    });
  }
});
