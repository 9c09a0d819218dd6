// A broken extraction schema never disables the server: the schema gets its diagnostic, records are checked
// against the base schema meanwhile, and once the file is fixed on disk the review's schema applies again,
// without a restart. Over the real protocol (the built server), and the session's loading cache in process.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as nodePath from 'node:path';
import { type ReviewFileSystem } from '../../src/core/review/fileSystem';
import { nodeFileSystem } from '../../src/node/fileSystem';
import { ReviewWorkspace } from '../../src/core/workspace/reviewWorkspace';
import {
  EXAMPLE,
  FileChangeType,
  formatDiagnostics,
  LspClient,
  positionOf,
  type Diagnostic,
} from './lspClient';

const SCHEMA = 'schemas/extraction.schema.json';
const RECORD = 'records/ek/preschl-2011.study.yaml';
const DRAFT_2020 = 'https://json-schema.org/draft/2020-12/schema';
const DRAFT_07 = 'http://json-schema.org/draft-07/schema#';
const GOOD_SCHEMA = readFileSync(nodePath.join(EXAMPLE, SCHEMA), 'utf8');
const DRAFT_07_SCHEMA = GOOD_SCHEMA.replace(DRAFT_2020, DRAFT_07);

describe('a broken extraction schema, then fixed on disk', () => {
  let client: LspClient;
  let typoLine: number;

  before(async () => {
    client = await LspClient.start({
      prepare: (root) => {
        writeFileSync(nodePath.join(root, SCHEMA), DRAFT_07_SCHEMA);
        // A group outside the review's vocabulary: only the review's schema (not the base) rejects it.
        const record = readFileSync(nodePath.join(root, RECORD), 'utf8').replace(
          'group: email',
          'group: emial',
        );
        writeFileSync(nodePath.join(root, RECORD), record);
        typoLine = positionOf(record, 'group: emial').line;
      },
    });
  });

  after(async () => {
    await client?.stop();
  });

  const onTypo = (d: Diagnostic[]) => d.filter((x) => x.range.start.line === typoLine && x.code === 'enum');
  const draftDiagnostic = (d: Diagnostic[]) => d.some((x) => x.code === 'schema-draft-unsupported');

  test('draft-07: the diagnostic on `$schema`, records checked against the base schema only', async () => {
    const schema = await client.waitForDiagnostics(client.uri(SCHEMA), draftDiagnostic, 15_000, {
      current: true,
    });
    assert.equal(schema.length, 1, formatDiagnostics(schema));
    assert.deepEqual(schema[0]!.range.start, positionOf(GOOD_SCHEMA, `"${DRAFT_2020}"`));
    assert.match(schema[0]!.message, /uses draft-07; only JSON Schema 2020-12 is supported/);
    const record = await client.waitForDiagnostics(client.uri(RECORD), () => true, 15_000, { current: true });
    assert.deepEqual(onTypo(record), [], formatDiagnostics(record));
    assert.deepEqual(client.errorLogs, []);
  });

  test("fixed on disk + didChangeWatchedFiles: the schema's diagnostic goes, the review's schema applies", async () => {
    const schemaCleared = client.waitForDiagnostics(client.uri(SCHEMA), (d) => d.length === 0, 15_000);
    const typoReported = client.waitForDiagnostics(client.uri(RECORD), (d) => onTypo(d).length === 1, 15_000);
    writeFileSync(client.path(SCHEMA), GOOD_SCHEMA);
    await client.watchedFilesChanged([{ uri: client.uri(SCHEMA), type: FileChangeType.Changed }]);
    await schemaCleared;
    const record = await typoReported;
    assert.match(onTypo(record)[0]!.message, /group/);
    assert.deepEqual(client.errorLogs, []);
  });

  test('broken again while running, and fixed again: each change is followed', async () => {
    const broken = client.waitForDiagnostics(client.uri(SCHEMA), draftDiagnostic, 15_000);
    const base = client.waitForDiagnostics(client.uri(RECORD), (d) => onTypo(d).length === 0, 15_000);
    writeFileSync(client.path(SCHEMA), DRAFT_07_SCHEMA);
    await client.watchedFilesChanged([{ uri: client.uri(SCHEMA), type: FileChangeType.Changed }]);
    await Promise.all([broken, base]);

    const fixed = client.waitForDiagnostics(client.uri(SCHEMA), (d) => d.length === 0, 15_000);
    const review = client.waitForDiagnostics(client.uri(RECORD), (d) => onTypo(d).length === 1, 15_000);
    writeFileSync(client.path(SCHEMA), GOOD_SCHEMA);
    await client.watchedFilesChanged([{ uri: client.uri(SCHEMA), type: FileChangeType.Changed }]);
    await Promise.all([fixed, review]);
    assert.deepEqual(client.errorLogs, []);
  });
});

describe('ReviewWorkspace: the loading cache', () => {
  let root: string;

  before(() => {
    root = mkdtempSync(nodePath.join(os.tmpdir(), 'study-session-'));
    cpSync(EXAMPLE, root, { recursive: true });
  });

  after(() => rmSync(root, { recursive: true, force: true }));

  test('a load overtaken by a reload is not kept: the schema read last is the one in use', async () => {
    writeFileSync(nodePath.join(root, SCHEMA), DRAFT_07_SCHEMA);
    // The first read of the schema is held back until the second load has finished.
    let release = () => {};
    const held = new Promise<void>((resolve) => (release = resolve));
    let schemaReads = 0;
    const fs: ReviewFileSystem = {
      ...nodeFileSystem,
      async readFile(path) {
        const bytes = await nodeFileSystem.readFile(path);
        if (path.endsWith(SCHEMA.split('/').pop()!) && schemaReads++ === 0) await held;
        return bytes;
      },
    };
    const session = new ReviewWorkspace(root, fs, { trusted: () => true });
    const first = session.current();
    while (schemaReads === 0) await new Promise((resolve) => setTimeout(resolve, 5));

    writeFileSync(nodePath.join(root, SCHEMA), GOOD_SCHEMA);
    await session.reload();
    assert.equal((await session.current()).usesReviewSchema, true);

    release();
    assert.equal((await first).usesReviewSchema, false, 'the overtaken load read the broken schema');
    const current = await session.current();
    assert.equal(current.usesReviewSchema, true);
    assert.deepEqual(current.fileDiagnostics.get(SCHEMA) ?? [], []);
  });
});
