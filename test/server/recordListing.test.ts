// The review workspace lists the review's records once and again only when files are created or deleted: an edit
// (a keystroke in an open record) never lists the folders, so its cost does not grow with the review.
import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as nodePath from 'node:path';
import { type ReviewFileSystem } from '../../src/core/review/fileSystem';
import { nodeFileSystem } from '../../src/node/fileSystem';
import { ReviewWorkspace } from '../../src/core/workspace/reviewWorkspace';
import { EXAMPLE } from './lspClient';

describe('the record listing of a review workspace', () => {
  const root = mkdtempSync(nodePath.join(os.tmpdir(), 'study-listing-'));
  after(() => rmSync(root, { recursive: true, force: true }));
  cpSync(EXAMPLE, root, { recursive: true });
  let listings = 0;
  const fs: ReviewFileSystem = {
    ...nodeFileSystem,
    async readDirectory(path) {
      listings++;
      return nodeFileSystem.readDirectory(path);
    },
  };
  const session = new ReviewWorkspace(root, fs, { trusted: () => true });
  const record = nodePath.join(root, 'records', 'ek', 'preschl-2011.study.yaml');

  test('edits of a record re-check it and its study without listing any folder', async () => {
    await session.checkAll();
    listings = 0;
    const original = readFileSync(record, 'utf8');
    for (let i = 0; i < 5; i++) {
      writeFileSync(record, original.replace('n: 25', `n: ${30 + i}`));
      await session.fileChanged(record);
    }
    assert.equal(listings, 0, 'folders listed during edits');
    const study = await session.study('preschl-2011');
    assert.ok(
      study?.disagreements.some((d) => d.path === 'arms[online].n'),
      'the edit reached the comparison',
    );
    writeFileSync(record, original);
    await session.fileChanged(record);
  });

  test('a record created on disk joins the listing when its creation is reported', async () => {
    const created = nodePath.join(root, 'records', 'mk', 'new-2020.study.yaml');
    writeFileSync(
      created,
      'study: new-2020\nreviewer: mk\nstatus: draft\ncitation: { authors: [A], year: 2020 }\n',
    );
    await session.fileChanged(created, { listingChanged: true });
    assert.ok(listings > 0, 'listed again');
    assert.ok((await session.records()).some((r) => r.study === 'new-2020'));
    rmSync(created);
    await session.fileChanged(created, { listingChanged: true });
    assert.equal(
      (await session.records()).some((r) => r.study === 'new-2020'),
      false,
    );
  });
});
