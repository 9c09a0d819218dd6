import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import * as path from 'node:path';
import {
  DEFAULT_RECORDS_TEMPLATE,
  findRecordFiles,
  parseRecordTemplate,
  recordPath,
} from '../../src/core/review/recordTemplate';
import type { EntryKind, ReviewFileSystem } from '../../src/core/review/fileSystem';

describe('parseRecordTemplate', () => {
  test('the default template has both placeholders', () => {
    const { template, problem } = parseRecordTemplate(DEFAULT_RECORDS_TEMPLATE);
    assert.equal(problem, undefined);
    assert.ok(template);
    assert.equal(template.hasReviewer, true);
    assert.equal(template.hasStudy, true);
    assert.deepEqual(template.segments, ['records', '{reviewer}', '{study}.study.yaml']);
  });

  test('normalizes backslashes, ./ and doubled slashes', () => {
    const { template } = parseRecordTemplate(' .\\records//{reviewer}\\{study}.study.yaml ');
    assert.deepEqual(template?.segments, ['records', '{reviewer}', '{study}.study.yaml']);
  });

  test('reports what is wrong with a template', () => {
    assert.equal(parseRecordTemplate('').problem, 'empty');
    assert.equal(parseRecordTemplate('   ').problem, 'empty');
    assert.equal(parseRecordTemplate('/data/{reviewer}/{study}.yaml').problem, 'absolute');
    assert.equal(parseRecordTemplate('C:/data/{reviewer}/{study}.yaml').problem, 'absolute');
    assert.equal(parseRecordTemplate('../records/{reviewer}/{study}.yaml').problem, 'outside');
    assert.equal(parseRecordTemplate('records/../../{reviewer}/{study}.yaml').problem, 'outside');
    assert.deepEqual(parseRecordTemplate('records/{author}/{study}.yaml'), {
      problem: 'unknown-placeholder',
      detail: '{author}',
    });
    assert.deepEqual(parseRecordTemplate('records/{study}/{study}.yaml'), {
      problem: 'repeated-placeholder',
      detail: '{study}',
    });
  });

  test('a template without {study} or {reviewer} parses, and says which is missing', () => {
    const noStudy = parseRecordTemplate('records/{reviewer}/data.yaml').template;
    assert.equal(noStudy?.hasStudy, false);
    assert.equal(noStudy?.hasReviewer, true);
    const noReviewer = parseRecordTemplate('records/{study}.yaml').template;
    assert.equal(noReviewer?.hasStudy, true);
    assert.equal(noReviewer?.hasReviewer, false);
  });
});

describe('recordPath', () => {
  test('fills in the reviewer and the study', () => {
    const { template } = parseRecordTemplate(DEFAULT_RECORDS_TEMPLATE);
    assert.equal(recordPath(template!, 'ek', 'preschl-2011'), 'records/ek/preschl-2011.study.yaml');
  });
  test('works with both placeholders in one segment', () => {
    const { template } = parseRecordTemplate('./data/{study}--{reviewer}.yaml');
    assert.equal(recordPath(template!, 'mk', 'ly-2015'), 'data/ly-2015--mk.yaml');
  });
  test('inserts a value with `$` literally', () => {
    const { template } = parseRecordTemplate(DEFAULT_RECORDS_TEMPLATE);
    assert.equal(recordPath(template!, 'a$&b', 's'), 'records/a$&b/s.study.yaml');
  });
});

/** An in-memory file system: paths ending in `/` are folders. */
function memoryFs(paths: string[]): ReviewFileSystem {
  const files = new Set(paths.filter((p) => !p.endsWith('/')).map((p) => path.join('/review', p)));
  const dirs = new Set<string>(['/review']);
  for (const p of paths) {
    let dir = path.dirname(path.join('/review', p.replace(/\/$/, '/x')));
    while (dir !== '/' && !dirs.has(dir)) {
      dirs.add(dir);
      dir = path.dirname(dir);
    }
  }
  const kind = (p: string): EntryKind | undefined =>
    files.has(p) ? 'file' : dirs.has(p) ? 'directory' : undefined;
  return {
    readFile: async () => new Uint8Array(),
    async readDirectory(dir) {
      const children = [...files, ...dirs].filter((p) => p !== dir && path.dirname(p) === dir);
      return children.map((p) => ({ name: path.basename(p), kind: kind(p)! }));
    },
    async stat(p) {
      const k = kind(p);
      return k ? { kind: k, size: 0 } : undefined;
    },
    realPath: async (p) => p,
  };
}

describe('findRecordFiles', () => {
  const isInside = (root: string, p: string) => p === root || p.startsWith(`${root}/`);

  test('lists the files that match the template, with reviewer and study, sorted', async () => {
    const fs = memoryFs([
      'records/mk/b-2012.study.yaml',
      'records/ek/b-2012.study.yaml',
      'records/ek/a-2011.study.yaml',
      'records/ek/notes.txt',
      'records/README.md',
      'other/ek/c-2013.study.yaml',
    ]);
    const { template } = parseRecordTemplate(DEFAULT_RECORDS_TEMPLATE);
    const { records, skipped } = await findRecordFiles('/review', template!, fs, path.join, isInside);
    assert.deepEqual(records, [
      { path: 'records/ek/a-2011.study.yaml', reviewer: 'ek', study: 'a-2011' },
      { path: 'records/ek/b-2012.study.yaml', reviewer: 'ek', study: 'b-2012' },
      { path: 'records/mk/b-2012.study.yaml', reviewer: 'mk', study: 'b-2012' },
    ]);
    assert.deepEqual(skipped, []);
  });

  test('a folder where a record file should be is reported, not read', async () => {
    const fs = memoryFs(['records/ek/odd.study.yaml/']);
    const { template } = parseRecordTemplate(DEFAULT_RECORDS_TEMPLATE);
    const { records, skipped } = await findRecordFiles('/review', template!, fs, path.join, isInside);
    assert.deepEqual(records, []);
    assert.deepEqual(skipped, [{ path: 'records/ek/odd.study.yaml', reason: 'not-a-file' }]);
  });

  test('a missing records folder gives no records', async () => {
    const { template } = parseRecordTemplate(DEFAULT_RECORDS_TEMPLATE);
    const result = await findRecordFiles('/review', template!, memoryFs([]), path.join, isInside);
    assert.deepEqual(result, { records: [], skipped: [] });
  });
});
