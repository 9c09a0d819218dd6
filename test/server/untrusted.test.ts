// An untrusted workspace (initializationOptions.trusted = false) over the real protocol: the review's
// extraction schema is not compiled (schemas become generated code); records are checked against the
// bundled base schema only, and review.yaml says so.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { exampleRecords, formatDiagnostics, LspClient, positionOf, Severity } from './lspClient';

describe('untrusted workspace', () => {
  let client: LspClient;

  before(async () => {
    client = await LspClient.start({ trusted: false });
  });

  after(async () => {
    await client?.stop();
  });

  test('review.yaml carries an `untrusted-workspace` note at `schema:`', async () => {
    const d = await client.waitForDiagnostics(
      client.uri('review.yaml'),
      (x) => x.some((y) => y.code === 'untrusted-workspace'),
      15_000,
      { current: true },
    );
    assert.equal(d.length, 1, formatDiagnostics(d));
    assert.equal(d[0]!.severity, Severity.Information);
    assert.deepEqual(d[0]!.range, { start: { line: 5, character: 8 }, end: { line: 5, character: 38 } });
    assert.match(d[0]!.message, /not trusted/);
  });

  test("records are checked against the base schema only: the review's vocabulary is not enforced", async () => {
    const uri = await client.open('records/ek/preschl-2011.study.yaml');
    const original = client.text(uri);
    // `status: done` breaks the base schema: its diagnostic shows that this version was checked.
    const broken = original
      .replace('group: email', 'group: emial')
      .replace('status: complete', 'status: done');
    const published = client.waitForDiagnostics(uri, (x) => x.some((y) => y.code === 'enum'));
    await client.change(uri, broken);
    const d = await published;
    const line = positionOf(broken, 'group: emial').line;
    assert.deepEqual(
      d.filter((x) => x.range.start.line === line),
      [],
      `no diagnostic on the \`group: emial\` line:\n${formatDiagnostics(d)}`,
    );
    const enums = d.filter((x) => x.code === 'enum');
    assert.equal(enums.length, 1, formatDiagnostics(d));
    assert.deepEqual(enums[0]!.range, { start: { line: 2, character: 8 }, end: { line: 2, character: 12 } });
    assert.match(enums[0]!.message, /`status` must be one of: draft, complete/);

    // A required field of the review's schema only (`rater`, `arms`) is not required here.
    const noRater = original.replace(/\n {4}rater: client[^\n]*/, '');
    const published2 = client.waitForDiagnostics(uri, (x) => !x.some((y) => y.code === 'enum'));
    await client.change(uri, noRater);
    const d2 = await published2;
    assert.ok(!d2.some((x) => x.code === 'required'), formatDiagnostics(d2));
    await client.close(uri);
  });

  test(
    "fields declared by the review's schema are not reported as unknown in a valid record",
    {},
    async () => {
      for (const rel of exampleRecords()) {
        const d = await client.waitForDiagnostics(client.uri(rel), () => true, 15_000, { current: true });
        const errors = d.filter((x) => x.severity === Severity.Error);
        assert.deepEqual(errors, [], `${rel}:\n${formatDiagnostics(errors)}`);
      }
    },
  );
});

describe('untrusted workspace with a schema that cannot be read as data', () => {
  let client: LspClient;
  after(async () => {
    await client?.stop();
  });

  test('the schema file says why (here: another draft), and records are still checked', async () => {
    client = await LspClient.start({
      trusted: false,
      prepare: (root) => {
        const file = `${root}/schemas/extraction.schema.json`;
        const schema = JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>;
        writeFileSync(
          file,
          JSON.stringify({ ...schema, $schema: 'http://json-schema.org/draft-07/schema#' }),
        );
      },
    });
    const d = await client.waitForDiagnostics(
      client.uri('schemas/extraction.schema.json'),
      (x) => x.some((y) => y.code === 'schema-draft-unsupported'),
      15_000,
      { current: true },
    );
    assert.match(d.find((y) => y.code === 'schema-draft-unsupported')!.message, /draft-07/);
    const uri = await client.open('records/ek/preschl-2011.study.yaml');
    const published = client.waitForDiagnostics(uri, (x) => x.some((y) => y.code === 'enum'));
    await client.change(uri, client.text(uri).replace('status: complete', 'status: done'));
    await published;
  });
});
