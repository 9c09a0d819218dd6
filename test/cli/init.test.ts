// `study-extract init` through the built CLI on real temp folders: a fresh folder, an empty one, the
// options, refusals that write nothing, and a review that checks clean as written.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { parse } from 'yaml';
import { ensureBuilt, runCli, type JsonReport } from './support/cli';

let scratch: string;

before(() => {
  ensureBuilt();
  scratch = mkdtempSync(path.join(tmpdir(), 'study-extract-init-'));
});
after(() => rmSync(scratch, { recursive: true, force: true }));

function freshPath(name: string): string {
  return path.join(scratch, name);
}

/** Every file below `dir`, relative, with `/`, sorted. */
function filesBelow(dir: string): string[] {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile())
    .map((entry) => path.relative(dir, path.join(entry.parentPath, entry.name)).split(path.sep).join('/'))
    .sort();
}

const WRITTEN = [
  '.gitignore',
  'README.md',
  'records/consensus/.gitkeep',
  'records/reviewer-a/.gitkeep',
  'records/reviewer-b/.gitkeep',
  'review.yaml',
  'schemas/extraction.schema.json',
];

function checkJson(dir: string): { status: number | null; report: JsonReport } {
  const result = runCli(['check', dir, '--format', 'json']);
  return { status: result.status, report: JSON.parse(result.stdout) as JsonReport };
}

describe('study-extract init', () => {
  test('writes a working review into a new folder, and check is clean right after', () => {
    const dir = freshPath('fresh');
    const result = runCli(['init', dir]);
    assert.equal(result.status, 0, result.stderr);
    assert.equal(result.stderr, '');
    assert.match(result.stdout, /review\.yaml/);
    assert.match(result.stdout, /study-extract new <study> --reviewer reviewer-a/);
    assert.deepEqual(filesBelow(dir), WRITTEN);

    const { status, report } = checkJson(dir);
    assert.equal(status, 0);
    const problems = report.files.flatMap((f) => f.diagnostics.map((d) => `${f.path}: ${d.message}`));
    assert.deepEqual(problems, [], 'no diagnostic at all');
    assert.deepEqual(report.summary, { files: 2, errors: 0, warnings: 0 });
  });

  test('review.yaml has every key, each explained by a comment, and the Cochrane defaults', () => {
    const dir = freshPath('keys');
    assert.equal(runCli(['init', dir]).status, 0);
    const text = readFileSync(path.join(dir, 'review.yaml'), 'utf8');
    const review = parse(text) as Record<string, unknown>;
    assert.deepEqual(Object.keys(review), [
      'title',
      'registration',
      'version',
      'schema',
      'records',
      'reviewers',
      'consensus',
      'blind',
      'compare',
      'synthesis',
    ]);
    assert.equal(review.title, 'keys', 'the title defaults to the folder name');
    assert.equal(review.schema, 'schemas/extraction.schema.json');
    assert.equal(review.records, 'records/{reviewer}/{study}.study.yaml');
    assert.deepEqual(review.reviewers, ['reviewer-a', 'reviewer-b']);
    assert.equal(review.consensus, 'consensus');
    assert.deepEqual(review.compare, { ignore: ['notes'], tolerance: 0 });
    const [analysis, ...others] = (review.synthesis as { analyses: Record<string, unknown>[] }).analyses;
    assert.equal(others.length, 0);
    assert.equal(analysis!.model, 'random');
    assert.equal(analysis!.method, 'REML');
    assert.equal(analysis!.ci, 'hksj');
    const lines = text.split('\n');
    for (const key of Object.keys(review)) {
      const at = lines.findIndex((line) => line.startsWith(`${key}:`));
      assert.match(lines[at - 1]!, /^#/, `a comment above ${key}`);
    }
  });

  test('the schema extends the bundled base schema with a vocabulary of arm groups', () => {
    const dir = freshPath('schema');
    assert.equal(runCli(['init', dir]).status, 0);
    const schema = JSON.parse(readFileSync(path.join(dir, 'schemas', 'extraction.schema.json'), 'utf8')) as {
      allOf: Record<string, unknown>[];
    };
    assert.deepEqual(schema.allOf[0], {
      $ref: 'https://study-extraction.dev/schemas/study-record.schema.json',
    });
    const arms = (
      schema.allOf[1] as { properties: { arms: { items: { properties: Record<string, unknown> } } } }
    ).properties.arms;
    const group = arms.items.properties.group as { enum: string[] };
    assert.ok(group.enum.includes('intervention') && group.enum.includes('waitlist'));
    const gitignore = readFileSync(path.join(dir, '.gitignore'), 'utf8');
    assert.match(gitignore, /^\.study-extract-cache\/$/m);
  });

  test('writes into the current folder when it is empty (a .git folder may be there)', () => {
    const dir = freshPath('empty');
    mkdirSync(path.join(dir, '.git'), { recursive: true });
    const result = runCli(['init'], dir);
    assert.equal(result.status, 0, result.stderr);
    assert.match(result.stdout, /Created a review in \.:/);
    assert.deepEqual(
      filesBelow(dir).filter((f) => !f.startsWith('.git/')),
      WRITTEN,
    );
    assert.equal(checkJson(dir).status, 0);
  });

  test('--title and --reviewers fill review.yaml and name the record folders', () => {
    const dir = freshPath('options');
    const result = runCli([
      'init',
      dir,
      '--title',
      'Exercise for depression: a review',
      '--reviewers',
      'ek, mk,js',
    ]);
    assert.equal(result.status, 0, result.stderr);
    const review = parse(readFileSync(path.join(dir, 'review.yaml'), 'utf8')) as Record<string, unknown>;
    assert.equal(review.title, 'Exercise for depression: a review');
    assert.deepEqual(review.reviewers, ['ek', 'mk', 'js']);
    for (const folder of ['ek', 'mk', 'js', 'consensus'])
      assert.deepEqual(readdirSync(path.join(dir, 'records', folder)), ['.gitkeep']);
    assert.equal(checkJson(dir).status, 0);
  });

  test('an existing review.yaml: exit 2, names the file, writes nothing and leaves it as it was', () => {
    const dir = freshPath('taken');
    mkdirSync(dir);
    writeFileSync(path.join(dir, 'review.yaml'), 'title: mine\n');
    const result = runCli(['init', dir]);
    assert.equal(result.status, 2);
    assert.equal(result.stdout, '');
    assert.match(result.stderr, /review\.yaml already exists/);
    assert.equal(result.stderr.trimEnd().split('\n').length, 1);
    assert.deepEqual(filesBelow(dir), ['review.yaml']);
    assert.equal(readFileSync(path.join(dir, 'review.yaml'), 'utf8'), 'title: mine\n');
  });

  test('any one existing file of the review stops it: nothing is written', () => {
    const dir = freshPath('taken-schema');
    mkdirSync(path.join(dir, 'schemas'), { recursive: true });
    writeFileSync(path.join(dir, 'schemas', 'extraction.schema.json'), '{}\n');
    const result = runCli(['init', dir]);
    assert.equal(result.status, 2);
    assert.match(result.stderr, /schemas\/extraction\.schema\.json already exists/);
    assert.deepEqual(filesBelow(dir), ['schemas/extraction.schema.json']);
    assert.equal(readFileSync(path.join(dir, 'schemas', 'extraction.schema.json'), 'utf8'), '{}\n');
  });

  test('a folder where the tool was just installed (package.json, node_modules, .git) takes a review', () => {
    const dir = freshPath('installed');
    mkdirSync(path.join(dir, 'node_modules', 'study-extraction'), { recursive: true });
    mkdirSync(path.join(dir, '.git'));
    writeFileSync(path.join(dir, 'package.json'), '{ "private": true }\n');
    const result = runCli(['init', dir]);
    assert.equal(result.status, 0, result.stderr);
    assert.ok(existsSync(path.join(dir, 'review.yaml')));
    assert.equal(readFileSync(path.join(dir, 'package.json'), 'utf8'), '{ "private": true }\n');
    assert.equal(runCli(['check', dir]).status, 0);
  });

  test('a folder that is not empty: exit 2, says what it holds, writes nothing', () => {
    const dir = freshPath('busy');
    mkdirSync(dir);
    writeFileSync(path.join(dir, 'notes.txt'), 'mine\n');
    const result = runCli(['init', dir]);
    assert.equal(result.status, 2);
    assert.match(result.stderr, /is not empty \(it holds notes\.txt\)/);
    assert.deepEqual(filesBelow(dir), ['notes.txt']);
  });

  test('a file where the folder should be, or bad options: exit 2 and nothing written', () => {
    const file = freshPath('a-file');
    writeFileSync(file, 'x');
    const notFolder = runCli(['init', file]);
    assert.equal(notFolder.status, 2);
    assert.match(notFolder.stderr, /is not a folder/);

    for (const [reviewers, pattern] of [
      ['ek,ek', /listed twice/],
      ['ek,consensus', /"consensus" names the folder of adjudicated records/],
      ['ek,m/k', /"m\/k": A reviewer id uses letters/],
      [',', /at least one reviewer/],
    ] as const) {
      const dir = freshPath(`bad-${reviewers.replace(/\W/g, '_')}`);
      const result = runCli(['init', dir, '--reviewers', reviewers]);
      assert.equal(result.status, 2, reviewers);
      assert.match(result.stderr, pattern);
      assert.throws(() => readdirSync(dir), /ENOENT/, 'the folder was not even created');
    }
    const twoFolders = runCli(['init', freshPath('one'), freshPath('two')]);
    assert.equal(twoFolders.status, 2);
    assert.match(twoFolders.stderr, /at most one folder/);
  });

  test('init --help describes the command', () => {
    const result = runCli(['init', '--help']);
    assert.equal(result.status, 0);
    assert.match(result.stdout, /^Usage: study-extract init \[dir\]/);
  });
});
