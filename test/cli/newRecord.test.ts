// `study-extract new` through the built CLI on a copy of the example review: the record the editor's New
// Study Record would make, at the path of the records template, never over an existing file.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  symlinkSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { nodeFileSystem } from '../../src/node/fileSystem';
import { openReview } from '../../src/core/review/review';
import { scaffoldRecord } from '../../src/core/editor/scaffold';
import { ensureBuilt, REPO, runCli } from './support/cli';

const EXAMPLE = path.join(REPO, 'examples', 'therapeutic-alliance');
let scratch: string;
let review: string;

before(() => {
  ensureBuilt();
  scratch = mkdtempSync(path.join(tmpdir(), 'study-extract-new-'));
  review = path.join(scratch, 'review');
  cpSync(EXAMPLE, review, { recursive: true });
});
after(() => rmSync(scratch, { recursive: true, force: true }));

/** Exit 2, one line on stderr matching `pattern`, nothing on stdout. */
function refused(args: string[], pattern: RegExp, cwd = review): void {
  const result = runCli(args, cwd);
  assert.equal(result.status, 2, `${args.join(' ')}: exit ${result.status}\n${result.stderr}`);
  assert.equal(result.stdout, '');
  assert.equal(result.stderr.trimEnd().split('\n').length, 1, result.stderr);
  assert.match(result.stderr, pattern);
}

describe('study-extract new', () => {
  test('writes the scaffold of the editor at the template path and prints that path', async () => {
    const result = runCli(['new', 'smith-2020', '--reviewer', 'mk'], review);
    assert.equal(result.status, 0, result.stderr);
    assert.equal(result.stdout, 'records/mk/smith-2020.study.yaml\n');
    const written = readFileSync(path.join(review, 'records', 'mk', 'smith-2020.study.yaml'), 'utf8');
    assert.ok(
      written.startsWith('study: smith-2020\nreviewer: mk\nstatus: draft\nprotocol_version: 1\n'),
      written,
    );
    // The example's schema requires each outcome's rater: the scaffold asks for it.
    assert.match(written, /^ {4}rater:/m);
    const opened = await openReview(review, nodeFileSystem);
    assert.equal(written, scaffoldRecord(opened.schema, 'smith-2020', 'mk', 1));
  });

  test('the review folder may be named; the path printed is relative to the working folder', () => {
    const result = runCli(['new', 'jones-2019', '--reviewer', 'ek', review], scratch);
    assert.equal(result.status, 0, result.stderr);
    assert.equal(result.stdout, 'review/records/ek/jones-2019.study.yaml\n');
    assert.ok(existsSync(path.join(review, 'records', 'ek', 'jones-2019.study.yaml')));
  });

  test('never overwrites an existing record: exit 2, names it, the file is unchanged', () => {
    const file = path.join(review, 'records', 'ek', 'preschl-2011.study.yaml');
    const before = readFileSync(file);
    refused(
      ['new', 'preschl-2011', '--reviewer', 'ek'],
      /a record already exists at records\/ek\/preschl-2011\.study\.yaml/,
    );
    assert.deepEqual(readFileSync(file), before);
    assert.deepEqual(
      readdirSync(path.join(review, 'records', 'ek')).filter((name) => name.endsWith('.tmp')),
      [],
      'no temporary file left behind',
    );
  });

  test("a reviewer who is not one of review.yaml's: exit 2, listing them, nothing written", () => {
    refused(
      ['new', 'smith-2021', '--reviewer', 'zz'],
      /unknown reviewer "zz" \(review\.yaml's reviewers: ek, mk\)/,
    );
    assert.ok(!existsSync(path.join(review, 'records', 'zz')));
    refused(['new', 'smith-2021', '--reviewer', 'mj'], /unknown reviewer "mj".*did you mean "mk"\?/);
    refused(['new', 'smith-2021', '--reviewer', 'consensus'], /made by study-extract adjudicate/);
    refused(['new', 'smith-2021'], /new needs --reviewer <id> \(review\.yaml's reviewers: ek, mk\)/);
    assert.ok(!existsSync(path.join(review, 'records', 'consensus')));
  });

  test('ids that cannot name a file, and a missing study: exit 2', () => {
    refused(['new', 'Smith 2020', '--reviewer', 'ek'], /A study id uses lower-case letters/);
    refused(['new', '../escape', '--reviewer', 'ek'], /A study id uses lower-case letters/);
    refused(['new', '--reviewer', 'ek'], /new needs a study id/);
    refused(['new', 'a', 'b', 'c', '--reviewer', 'ek'], /at most one review folder/);
  });

  test('with a single reviewer, --reviewer may be left out', () => {
    const solo = path.join(scratch, 'solo');
    assert.equal(runCli(['init', solo, '--reviewers', 'ek']).status, 0);
    const result = runCli(['new', 'smith-2020'], solo);
    assert.equal(result.status, 0, result.stderr);
    assert.equal(result.stdout, 'records/ek/smith-2020.study.yaml\n');
  });

  test('a record folder that links outside the review: exit 2, nothing written there', () => {
    const linked = path.join(scratch, 'linked');
    const outside = path.join(scratch, 'outside');
    mkdirSync(outside);
    assert.equal(runCli(['init', linked, '--reviewers', 'ek,mk']).status, 0);
    rmSync(path.join(linked, 'records', 'mk'), { recursive: true });
    symlinkSync(outside, path.join(linked, 'records', 'mk'));
    refused(['new', 'smith-2020', '--reviewer', 'mk'], /leads outside the review folder/, linked);
    assert.deepEqual(readdirSync(outside), []);
  });
});
