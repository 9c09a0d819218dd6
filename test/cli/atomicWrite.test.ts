// The one atomic-write helper of the command line (src/node/atomicWrite.ts), on real temp folders: in
// process for its rules, and through `synthesize --out`, which must replace only a regular file.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import {
  lstatSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { createFile, createFiles, FileWriteError, replaceFile } from '../../src/node/atomicWrite';
import { ensureBuilt, REPO, runCli } from './support/cli';

const EXAMPLE = path.join(REPO, 'examples', 'therapeutic-alliance');
let scratch: string;
let folders = 0;

before(() => {
  ensureBuilt();
  scratch = mkdtempSync(path.join(tmpdir(), 'study-extract-write-'));
});
after(() => rmSync(scratch, { recursive: true, force: true }));

function freshFolder(): string {
  const dir = path.join(scratch, `case-${++folders}`);
  mkdirSync(dir);
  return dir;
}

function refusedWith(problem: string): (error: unknown) => boolean {
  return (error) => error instanceof FileWriteError && error.problem === problem;
}

describe('the atomic-write helper', () => {
  test('createFile writes a new file (and its folders) and never replaces one', () => {
    const dir = freshFolder();
    const target = path.join(dir, 'a', 'b', 'record.yaml');
    createFile(target, 'first\n');
    assert.equal(readFileSync(target, 'utf8'), 'first\n');
    assert.throws(() => createFile(target, 'second\n'), refusedWith('exists'));
    assert.equal(readFileSync(target, 'utf8'), 'first\n');
    // A dangling symbolic link is something that exists: it is not followed or replaced either.
    const link = path.join(dir, 'link.yaml');
    symlinkSync(path.join(dir, 'nowhere.yaml'), link);
    assert.throws(() => createFile(link, 'x'), refusedWith('exists'));
    assert.ok(lstatSync(link).isSymbolicLink());
    assert.deepEqual(readdirSync(path.join(dir, 'a', 'b')), ['record.yaml'], 'no temporary file left');
  });

  test('createFiles writes all or nothing', () => {
    const dir = freshFolder();
    writeFileSync(path.join(dir, 'taken.txt'), 'mine');
    assert.throws(
      () =>
        createFiles([
          { path: path.join(dir, 'new', 'one.txt'), text: '1' },
          { path: path.join(dir, 'taken.txt'), text: '2' },
        ]),
      (error) => refusedWith('exists')(error) && (error as FileWriteError).path.endsWith('taken.txt'),
    );
    assert.deepEqual(readdirSync(dir), ['taken.txt'], 'checked before anything is written');

    // A failure part-way (a folder that is a file) removes what this call had created.
    writeFileSync(path.join(dir, 'blocker'), '');
    assert.throws(
      () =>
        createFiles([
          { path: path.join(dir, 'made', 'one.txt'), text: '1' },
          { path: path.join(dir, 'blocker', 'two.txt'), text: '2' },
        ]),
      refusedWith('failed'),
    );
    assert.deepEqual(readdirSync(dir).sort(), ['blocker', 'taken.txt']);
  });

  test('replaceFile replaces a regular file, keeps its mode, and refuses everything else', () => {
    const dir = freshFolder();
    const target = path.join(dir, 'out.txt');
    writeFileSync(target, 'old', { mode: 0o640 });
    replaceFile(target, 'new');
    assert.equal(readFileSync(target, 'utf8'), 'new');
    assert.equal(statSync(target).mode & 0o777, 0o640);

    assert.throws(() => replaceFile(target, 'newer', { expected: 'something else' }), refusedWith('changed'));
    assert.equal(readFileSync(target, 'utf8'), 'new');

    const link = path.join(dir, 'link.txt');
    symlinkSync(target, link);
    assert.throws(() => replaceFile(link, 'via link'), refusedWith('not-regular'));
    assert.equal(readFileSync(target, 'utf8'), 'new');
    assert.throws(() => replaceFile(dir, 'x'), refusedWith('not-regular'));
    assert.deepEqual(readdirSync(dir).sort(), ['link.txt', 'out.txt'], 'no temporary file left');
  });
});

describe('synthesize --out', () => {
  const synthesizeTo = (out: string, cwd: string) =>
    runCli(['synthesize', EXAMPLE, '--format', 'json', '--out', out], cwd);

  test('refuses a named pipe, a device, a symbolic link and a folder: exit 2, one line, nothing changed', () => {
    const dir = freshFolder();
    const fifo = path.join(dir, 'pipe');
    assert.equal(spawnSync('mkfifo', [fifo]).status, 0, 'mkfifo');
    const real = path.join(dir, 'real.json');
    writeFileSync(real, 'kept');
    symlinkSync(real, path.join(dir, 'link.json'));
    mkdirSync(path.join(dir, 'folder'));
    for (const [out, kind] of [
      ['pipe', 'a named pipe'],
      ['/dev/null', 'a device'],
      ['link.json', 'a symbolic link'],
      ['folder', 'a folder'],
    ]) {
      const result = synthesizeTo(out!, dir);
      assert.equal(result.status, 2, `${out}: ${result.stderr}`);
      assert.equal(result.stdout, '');
      assert.equal(
        result.stderr,
        `study-extract: cannot write ${out}: it is ${kind}, not a regular file; it is not replaced\n`,
      );
    }
    assert.equal(readFileSync(real, 'utf8'), 'kept');
    assert.ok(lstatSync(path.join(dir, 'link.json')).isSymbolicLink());
    assert.deepEqual(readdirSync(dir).sort(), ['folder', 'link.json', 'pipe', 'real.json']);
  });

  test('a missing folder is a one-line error naming the reason, not a stack trace', () => {
    const dir = freshFolder();
    const result = synthesizeTo('missing/out.json', dir);
    assert.equal(result.status, 2);
    assert.equal(result.stderr, 'study-extract: cannot write missing/out.json: its folder does not exist\n');
  });
});
