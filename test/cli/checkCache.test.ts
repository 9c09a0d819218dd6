// `study-extract check --cache`: the output is the one of a check without the cache, byte for byte, whatever
// changed between runs (a record, review.yaml, the schema) and whatever became of the cache file.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { ensureBuilt, REPO, runCli, type CliResult } from './support/cli';

const EXAMPLE = path.join(REPO, 'examples', 'therapeutic-alliance');
const CACHE_FILE = path.join('.study-extract-cache', 'check.json');
const RECORD = path.join('records', 'ek', 'preschl-2011.study.yaml');

function copyOfExample(): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'check-cache-'));
  cpSync(EXAMPLE, dir, { recursive: true });
  return dir;
}

function check(dir: string, ...extra: string[]): CliResult {
  return runCli(['check', dir, ...extra], dir);
}

/** The cached run (twice: filling the cache, then reading it) gives what an uncached run gives. */
function assertSameAsUncached(dir: string, format = 'json'): CliResult {
  const uncached = check(dir, '--format', format);
  for (const run of ['first', 'second']) {
    const cached = check(dir, '--format', format, '--cache');
    assert.equal(cached.stdout, uncached.stdout, `${run} cached run, --format ${format}`);
    assert.equal(cached.status, uncached.status, `${run} cached run's exit status`);
    assert.equal(cached.stderr, uncached.stderr);
  }
  return uncached;
}

const edit = (dir: string, file: string, from: string | RegExp, to: string) => {
  const full = path.join(dir, file);
  const text = readFileSync(full, 'utf8');
  const edited = text.replace(from, to);
  assert.notEqual(edited, text, `${file} has ${String(from)}`);
  writeFileSync(full, edited);
};

describe('check --cache', () => {
  const dirs: string[] = [];
  const fresh = () => {
    const dir = copyOfExample();
    dirs.push(dir);
    return dir;
  };
  before(() => ensureBuilt());
  after(() => dirs.forEach((dir) => rmSync(dir, { recursive: true, force: true })));

  test('gives the output of an uncached check, byte for byte, in every format, and writes its cache', () => {
    const dir = fresh();
    edit(dir, RECORD, /^ {2}year: \d+/m, '  year: 20O4');
    for (const format of ['json', 'text', 'sarif', 'github']) assertSameAsUncached(dir, format);
    const kept = JSON.parse(readFileSync(path.join(dir, CACHE_FILE), 'utf8')) as {
      entries: Record<string, unknown>;
    };
    assert.ok(Object.keys(kept.entries).includes('records/ek/preschl-2011.study.yaml'));
    assert.equal(Object.keys(kept.entries).length, 14);
  });

  test("a record's kept report is used while its text is the same, and dropped when it changes", () => {
    const dir = fresh();
    check(dir, '--cache');
    // Tamper with the kept report (as only a cache hit would show): the next run prints it.
    const file = path.join(dir, CACHE_FILE);
    const kept = JSON.parse(readFileSync(file, 'utf8')) as {
      entries: Record<string, { diagnostics: unknown[] }>;
    };
    kept.entries['records/ek/preschl-2011.study.yaml']!.diagnostics.push({
      severity: 'warning',
      code: 'kept',
      message: 'kept in the cache',
      range: { start: { line: 0, character: 0 }, end: { line: 0, character: 5 } },
    });
    writeFileSync(file, JSON.stringify(kept));
    assert.match(check(dir, '--cache').stdout, /kept in the cache/);
    // Edited: the record is checked again, and its new error is reported.
    edit(dir, RECORD, /^ {2}year: \d+/m, '  year: 20O4');
    const after = assertSameAsUncached(dir);
    assert.doesNotMatch(after.stdout, /kept in the cache/);
    assert.match(after.stdout, /preschl-2011[\s\S]*"code": "type"/);
    assert.equal(after.status, 1);
  });

  test('an edit of review.yaml checks every record again', () => {
    const dir = fresh();
    const before = assertSameAsUncached(dir);
    // A new protocol version: every record extracted under version 1 now has a warning.
    edit(dir, 'review.yaml', /^version: \d+/m, 'version: 7');
    const after = assertSameAsUncached(dir);
    assert.notEqual(after.stdout, before.stdout);
    assert.match(after.stdout, /"code": "protocol-version"/);
  });

  test('an edit of the extraction schema checks every record again', () => {
    const dir = fresh();
    const before = assertSameAsUncached(dir);
    const schema = path.join('schemas', 'extraction.schema.json');
    const parsed = JSON.parse(readFileSync(path.join(dir, schema), 'utf8')) as Record<string, unknown>;
    // Every record lacks this field now required at the top level.
    parsed.required = [...((parsed.required as string[] | undefined) ?? []), 'funding'];
    writeFileSync(path.join(dir, schema), JSON.stringify(parsed, null, 2));
    const after = assertSameAsUncached(dir);
    assert.notEqual(after.stdout, before.stdout);
    assert.match(after.stdout, /funding/);
  });

  test('a corrupt, unreadable or misplaced cache is ignored, never trusted, never fatal', () => {
    const dir = fresh();
    edit(dir, RECORD, /^ {2}year: \d+/m, '  year: 20O4');
    const uncached = check(dir, '--format', 'json');
    const file = path.join(dir, CACHE_FILE);
    const same = (what: string) => {
      const cached = check(dir, '--format', 'json', '--cache');
      assert.equal(cached.stdout, uncached.stdout, what);
      assert.equal(cached.status, uncached.status, what);
    };
    check(dir, '--cache');
    const good = readFileSync(file, 'utf8');
    for (const [what, text] of [
      ['truncated', good.slice(0, good.length >> 1)],
      ['not JSON', '\0\0\0 not json'],
      ['empty', ''],
      ['another format', good.replace('"format":1', '"format":99')],
      ['an entry of the wrong shape', good.replace(/"diagnostics":\[[^\]]*\]/, '"diagnostics":"none"')],
      ['a range of the wrong shape', good.replace(/"line":\d+/, '"line":"one"')],
    ] as const) {
      writeFileSync(file, text);
      same(what);
    }
    // The cache file is a folder, the cache folder is a file: the check runs as without a cache.
    rmSync(file, { force: true });
    mkdirSync(file);
    same('a folder in place of the cache file');
    rmSync(path.dirname(file), { recursive: true, force: true });
    writeFileSync(path.dirname(file), 'not a folder');
    same('a file in place of the cache folder');
    assert.equal(readFileSync(path.dirname(file), 'utf8'), 'not a folder');
  });

  test('is listed in check --help', () => {
    const help = runCli(['check', '--help']);
    assert.equal(help.status, 0);
    assert.match(help.stdout, /--cache +keep each record's results in \.study-extract-cache\//);
  });
});
