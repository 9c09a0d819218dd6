// The in-memory file system answers as the disk adapter does: the same tree built in both, every call
// compared (values, kinds, error codes).
import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as nodePath from 'node:path';
import { FileSystemError, type ReviewFileSystem } from '../../src/core/review/fileSystem';
import { nodeFileSystem } from '../../src/node/fileSystem';
import { MemoryFileSystem } from './memoryFileSystem';

const disk = fs.mkdtempSync(nodePath.join(os.tmpdir(), 'study-memfs-'));
const root = fs.realpathSync(disk);

function buildOnDisk(): void {
  fs.mkdirSync(nodePath.join(root, 'records', 'ek'), { recursive: true });
  fs.writeFileSync(nodePath.join(root, 'review.yaml'), 'title: T\n');
  fs.writeFileSync(nodePath.join(root, 'records', 'ek', 'a-2020.study.yaml'), 'study: a-2020\n');
  fs.symlinkSync('records', nodePath.join(root, 'linked'));
  fs.symlinkSync(nodePath.join(root, 'review.yaml'), nodePath.join(root, 'records', 'review-link'));
  fs.symlinkSync('nowhere', nodePath.join(root, 'dangling'));
  fs.symlinkSync('loop-b', nodePath.join(root, 'loop-a'));
  fs.symlinkSync('loop-a', nodePath.join(root, 'loop-b'));
}

function buildInMemory(): MemoryFileSystem {
  const memory = new MemoryFileSystem({
    [`${root}/review.yaml`]: 'title: T\n',
    [`${root}/records/ek/a-2020.study.yaml`]: 'study: a-2020\n',
  });
  memory.symlink(`${root}/linked`, 'records');
  memory.symlink(`${root}/records/review-link`, `${root}/review.yaml`);
  memory.symlink(`${root}/dangling`, 'nowhere');
  memory.symlink(`${root}/loop-a`, 'loop-b');
  memory.symlink(`${root}/loop-b`, 'loop-a');
  return memory;
}

const PROBES = [
  '',
  'review.yaml',
  'records',
  'records/ek',
  'records/ek/a-2020.study.yaml',
  'records/missing.yaml',
  'review.yaml/inside',
  'linked',
  'linked/ek/a-2020.study.yaml',
  'records/review-link',
  'dangling',
  'loop-a',
  'loop-a/x',
  `${'n'.repeat(300)}`,
];

/** What a call gave: its value, or the code it failed with (always a FileSystemError). */
async function outcome(call: () => Promise<unknown>): Promise<unknown> {
  try {
    const value = await call();
    if (value instanceof Uint8Array) return { bytes: Buffer.from(value).toString('utf8') };
    if (Array.isArray(value))
      return [...value].sort((a: { name: string }, b: { name: string }) => (a.name < b.name ? -1 : 1));
    if (value && typeof value === 'object' && 'kind' in value)
      return (value as { kind: string }).kind === 'file' ? value : { kind: (value as { kind: string }).kind };
    return value;
  } catch (error) {
    assert.ok(error instanceof FileSystemError, `not a FileSystemError: ${String(error)}`);
    return { code: error.code, message: error.message };
  }
}

async function answers(system: ReviewFileSystem, path: string) {
  return {
    readFile: await outcome(() => system.readFile(path)),
    readDirectory: await outcome(() => system.readDirectory(path)),
    stat: await outcome(() => system.stat(path)),
    realPath: await outcome(() => system.realPath(path)),
  };
}

describe('MemoryFileSystem against the disk adapter', () => {
  after(() => fs.rmSync(disk, { recursive: true, force: true }));
  buildOnDisk();
  const memory = buildInMemory();

  for (const probe of PROBES) {
    test(`the same answers at "${probe.length > 40 ? `${probe.slice(0, 10)}…` : probe}"`, async () => {
      const path = probe === '' ? root : nodePath.join(root, probe);
      assert.deepEqual(await answers(memory, path), await answers(nodeFileSystem, path));
    });
  }

  test('the codes a caller tells apart, spelled out', async () => {
    const code = async (call: () => Promise<unknown>) =>
      call().then(
        () => 'ok',
        (e: FileSystemError) => e.code,
      );
    assert.equal(await code(() => memory.readFile(`${root}/records/missing.yaml`)), 'ENOENT');
    assert.equal(await code(() => memory.readFile(`${root}/records`)), 'EISDIR');
    assert.equal(await code(() => memory.readDirectory(`${root}/review.yaml`)), 'ENOTDIR');
    assert.equal(await code(() => memory.readFile(`${root}/review.yaml/inside`)), 'ENOTDIR');
    assert.equal(await code(() => memory.readFile(`${root}/loop-a`)), 'ELOOP');
    assert.equal(await code(() => memory.stat(`${root}/loop-a`)), 'ELOOP');
    assert.equal(await memory.stat(`${root}/dangling`), undefined);
    assert.equal(await memory.realPath(`${root}/linked/ek`), `${root}/records/ek`);
  });
});

describe('MemoryFileSystem changes', () => {
  test('write, rename and remove files and whole folders', async () => {
    const memory = new MemoryFileSystem({
      '/r/records/ek/a.study.yaml': 'a',
      '/r/records/ek/b.study.yaml': 'b',
    });
    memory.rename('/r/records/ek/a.study.yaml', '/r/records/mk/a.study.yaml');
    assert.deepEqual(memory.files(), ['/r/records/ek/b.study.yaml', '/r/records/mk/a.study.yaml']);
    memory.rename('/r/records/mk', '/r/records/jd');
    assert.equal(memory.text('/r/records/jd/a.study.yaml'), 'a');
    memory.remove('/r/records/ek');
    memory.remove('/r/not-there');
    assert.deepEqual(memory.files(), ['/r/records/jd/a.study.yaml']);
    assert.deepEqual(await memory.readDirectory('/r/records'), [{ name: 'jd', kind: 'directory' }]);
    memory.writeFile('/r/records/jd/a.study.yaml', 'changed');
    assert.equal(new TextDecoder().decode(await memory.readFile('/r/records/jd/a.study.yaml')), 'changed');
    assert.throws(() => memory.rename('/r/none', '/r/other'), /no such file/);
  });

  test('an injected failure is a FileSystemError with its code and reason', async () => {
    const memory = new MemoryFileSystem({ '/r/records/ek/a.study.yaml': 'a' });
    memory.failWith('/r/records/ek', 'EACCES');
    await assert.rejects(memory.readDirectory('/r/records/ek'), {
      name: 'FileSystemError',
      code: 'EACCES',
      message: '/r/records/ek: permission denied',
    });
    memory.failWith('/r/records/ek', undefined);
    assert.deepEqual(await memory.readDirectory('/r/records/ek'), [{ name: 'a.study.yaml', kind: 'file' }]);
  });
});
