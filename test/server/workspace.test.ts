// The review as a whole over the real protocol (built server, stdio): changes to the extraction schema
// and to review.yaml revalidate the records without a restart, and the custom requests of
// src/shared/protocol.ts (progress, next missing field, scaffold, reviews).
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import {
  FileChangeType,
  formatDiagnostics,
  LspClient,
  positionOf,
  Severity,
  type Diagnostic,
} from './lspClient';
import type {
  NextMissingFieldResult,
  ProgressResult,
  ReviewInfo,
  ScaffoldRecordResult,
} from '../../src/shared/protocol';

const SCHEMA = 'schemas/extraction.schema.json';
const OPEN = 'records/ek/preschl-2011.study.yaml';
const CLOSED = 'records/mk/preschl-2011.study.yaml';
const codes = (d: Diagnostic[]) => d.map((x) => x.code);

describe('review and schema changes', () => {
  let client: LspClient;
  let uri: string;
  let schemaText: string;

  before(async () => {
    client = await LspClient.start();
    await client.waitForDiagnostics(client.uri(SCHEMA), () => true, 15_000, { current: true });
    uri = await client.open(OPEN);
    await client.waitForDiagnostics(uri, (d) => d.length === 0, 15_000, { current: true });
    schemaText = readFileSync(client.path(SCHEMA), 'utf8');
  });

  after(async () => {
    await client?.stop();
  });

  /** Writes the schema file and tells the server, as the client's file watcher would. */
  async function writeSchema(text: string): Promise<void> {
    writeFileSync(client.path(SCHEMA), text);
    await client.watchedFilesChanged([{ uri: client.uri(SCHEMA), type: FileChangeType.Changed }]);
  }

  async function restoreSchema(): Promise<void> {
    const open = client.waitForDiagnostics(uri, (d) => d.length === 0);
    const closed = client.waitForDiagnostics(client.uri(CLOSED), (d) => d.length === 0);
    const schema = client.waitForDiagnostics(client.uri(SCHEMA), (d) => d.length === 0);
    await writeSchema(schemaText);
    await Promise.all([open, closed, schema]);
  }

  test('the server watches the review files and asks for settings per document', async () => {
    const watchers = client.registrations.filter((r) => r.method === 'workspace/didChangeWatchedFiles');
    assert.equal(watchers.length, 1);
    const patterns = JSON.stringify(watchers[0]!.registerOptions);
    assert.match(patterns, /\*\*\/\*\.json/);
    assert.match(patterns, /\*\*\/\*\.yaml/);
    // Settings are asked per document (scope), in the extension's section, before it is validated.
    const text = client.text(uri);
    const broken = client.waitForDiagnostics(uri, (d) => d.length > 0);
    await client.change(uri, text.replace('status: complete', 'status: x'));
    await broken;
    const fixed = client.waitForDiagnostics(uri, (d) => d.length === 0);
    await client.change(uri, text);
    await fixed;
    assert.ok(
      client.configurationRequests.some(
        (item) =>
          (item as { section?: string; scopeUri?: string }).section === 'studyExtraction' &&
          (item as { scopeUri?: string }).scopeUri === uri,
      ),
      JSON.stringify(client.configurationRequests),
    );
  });

  test('an enum value removed from the schema on disk: the open record (and the others) report it', async () => {
    const withoutEmail = schemaText.replace('"email",\n', '');
    assert.notEqual(withoutEmail, schemaText);
    const open = client.waitForDiagnostics(uri, (d) => d.length > 0);
    const closed = client.waitForDiagnostics(client.uri(CLOSED), (d) => d.length > 0);
    await writeSchema(withoutEmail);
    const d = await open;
    assert.equal(d.length, 1, formatDiagnostics(d));
    assert.equal(d[0]!.code, 'enum');
    const text = client.text(uri);
    assert.deepEqual(d[0]!.range, {
      start: positionOf(text, 'group: email', 7),
      end: positionOf(text, 'group: email', 12),
    });
    assert.match(d[0]!.message, /got "email"/);
    assert.doesNotMatch(d[0]!.message, /one of: face-to-face, email/);
    assert.deepEqual(codes(await closed), ['enum']);
    await restoreSchema();
  });

  test('a required field added to the schema on disk: the open record is missing it', async () => {
    const withSetting = schemaText
      .replace('"required": ["arms", "outcomes"]', '"required": ["arms", "outcomes", "setting"]')
      .replace(
        '"properties": {\n        "country"',
        '"properties": {\n        "setting": { "title": "Setting", "type": "string" },\n        "country"',
      );
    assert.notEqual(withSetting, schemaText);
    const open = client.waitForDiagnostics(uri, (d) => d.length > 0);
    await writeSchema(withSetting);
    const d = await open;
    assert.equal(d.length, 1, formatDiagnostics(d));
    assert.equal(d[0]!.code, 'required');
    assert.match(d[0]!.message, /Missing required field `setting` in the record/);
    assert.deepEqual(d[0]!.range, { start: { line: 0, character: 0 }, end: { line: 0, character: 5 } });
    // The open buffer, not the disk, is what is checked: adding the field in the editor clears it.
    const fixed = client.waitForDiagnostics(uri, (x) => x.length === 0);
    const original = client.text(uri);
    await client.change(uri, original.replace('country: NR\n', 'country: NR\nsetting: outpatient\n'));
    await fixed;
    await client.change(uri, original);
    const unknown = client.waitForDiagnostics(uri, (x) => x.some((y) => y.code === 'unknown-field'));
    await client.change(uri, original.replace('country: NR\n', 'country: NR\nsetting: outpatient\n'));
    // Once the schema is restored, `setting` is no longer declared.
    await writeSchema(schemaText);
    const after = await unknown;
    assert.match(after.find((x) => x.code === 'unknown-field')!.message, /Unknown field `setting`/);
    const cleared = client.waitForDiagnostics(uri, (x) => x.length === 0);
    await client.change(uri, original);
    await cleared;
  });

  test('a schema that no longer compiles: reported on the schema file, records fall back to the base', async () => {
    const invalid = schemaText.replace(
      '"minItems": 1,\n          "items": {\n            "properties"',
      '"minItems": "one",\n          "items": {\n            "properties"',
    );
    assert.notEqual(invalid, schemaText);
    const schema = client.waitForDiagnostics(client.uri(SCHEMA), (d) => d.length > 0);
    await writeSchema(invalid);
    const d = await schema;
    assert.ok(
      d.some((x) => x.code === 'schema-invalid' && x.severity === Severity.Error),
      formatDiagnostics(d),
    );
    assert.ok(d.every((x) => x.range.start.line === x.range.end.line));
    await restoreSchema();
  });

  test('the schema deleted on disk: review.yaml says so at `schema:`', async () => {
    rmSync(client.path(SCHEMA));
    const review = client.waitForDiagnostics(client.uri('review.yaml'), (d) => d.length > 0);
    await client.watchedFilesChanged([{ uri: client.uri(SCHEMA), type: FileChangeType.Deleted }]);
    const d = await review;
    assert.deepEqual(codes(d), ['schema-not-found']);
    assert.deepEqual(d[0]!.range, { start: { line: 5, character: 8 }, end: { line: 5, character: 38 } });
    const cleared = client.waitForDiagnostics(client.uri('review.yaml'), (x) => x.length === 0);
    writeFileSync(client.path(SCHEMA), schemaText);
    await client.watchedFilesChanged([{ uri: client.uri(SCHEMA), type: FileChangeType.Created }]);
    await cleared;
    await client.waitForDiagnostics(uri, (x) => x.length === 0, 10_000, { current: true });
  });

  test('the schema edited in the editor (unsaved): records follow the buffer, and the disk on close', async () => {
    const schemaUri = await client.open(SCHEMA, undefined, 'json');
    const open = client.waitForDiagnostics(uri, (d) => d.some((x) => x.code === 'enum'));
    await client.change(schemaUri, schemaText.replace('"email",\n', ''));
    const d = await open;
    assert.deepEqual(codes(d), ['enum'], formatDiagnostics(d));
    const reverted = client.waitForDiagnostics(uri, (x) => x.length === 0);
    await client.close(schemaUri);
    await reverted;
  });

  describe('review.yaml edited in the editor', () => {
    let reviewUri: string;
    let reviewText: string;

    before(async () => {
      reviewUri = await client.open('review.yaml', undefined, 'yaml');
      reviewText = client.text(reviewUri);
      await client.waitForDiagnostics(reviewUri, (d) => d.length === 0, 15_000, { current: true });
    });

    after(async () => {
      const reverted = client.waitForDiagnostics(reviewUri, () => true);
      await client.close(reviewUri);
      assert.deepEqual(await reverted, []);
    });

    test('a broken records template is reported at its value', async () => {
      const broken = reviewText.replace('{study}.study.yaml', '{sttudy}.study.yaml');
      const published = client.waitForDiagnostics(reviewUri, (d) => d.length > 0);
      await client.change(reviewUri, broken);
      const d = await published;
      assert.deepEqual(codes(d), ['template-invalid'], formatDiagnostics(d));
      assert.match(d[0]!.message, /Unknown placeholder \{sttudy\}/);
      assert.deepEqual(d[0]!.range, {
        start: positionOf(broken, 'records/{reviewer}'),
        end: positionOf(broken, '.study.yaml', 11),
      });
      const cleared = client.waitForDiagnostics(reviewUri, (x) => x.length === 0);
      await client.change(reviewUri, reviewText);
      await cleared;
    });

    test('an unknown field of review.yaml is reported at its key, with a suggestion', async () => {
      const broken = reviewText.replace('blind: true\n', 'blind: true\nblinded: yes\n');
      const published = client.waitForDiagnostics(reviewUri, (d) => d.length > 0);
      await client.change(reviewUri, broken);
      const d = await published;
      assert.deepEqual(codes(d), ['unknown-field'], formatDiagnostics(d));
      assert.deepEqual(d[0]!.range, {
        start: positionOf(broken, 'blinded'),
        end: positionOf(broken, 'blinded', 7),
      });
      assert.match(d[0]!.message, /did you mean `blind`\?/);
      const cleared = client.waitForDiagnostics(reviewUri, (x) => x.length === 0);
      await client.change(reviewUri, reviewText);
      await cleared;
    });

    test("a reviewer renamed in the buffer: the other reviewer's records are warned about", async () => {
      const renamed = reviewText.replace('reviewers: [ek, mk]', 'reviewers: [ek, xx]');
      assert.notEqual(renamed, reviewText);
      const closed = client.waitForDiagnostics(client.uri(CLOSED), (d) => d.length > 0);
      await client.change(reviewUri, renamed);
      const d = await closed;
      assert.deepEqual(codes(d), ['unknown-reviewer'], formatDiagnostics(d));
      assert.equal(d[0]!.severity, Severity.Warning);
      assert.match(d[0]!.message, /"mk"/);
      assert.match(d[0]!.message, /ek, xx/);
      const cleared = client.waitForDiagnostics(client.uri(CLOSED), (x) => x.length === 0);
      await client.change(reviewUri, reviewText);
      await cleared;
    });
  });
});

describe('custom requests', () => {
  let client: LspClient;

  before(async () => {
    client = await LspClient.start();
    await client.waitForDiagnostics(client.uri('review.yaml'), () => true, 15_000, { current: true });
  });

  after(async () => {
    await client?.stop();
  });

  test('studyExtraction/reviews lists the review with its reviewers and studies', async () => {
    const reviews = await client.request<ReviewInfo[]>('studyExtraction/reviews');
    assert.equal(reviews.length, 1);
    const [review] = reviews;
    assert.equal(review!.rootUri, client.uri(''));
    assert.equal(review!.title, 'Therapeutic alliance in technology-based interventions for depression');
    assert.deepEqual(review!.reviewers, ['ek', 'mk']);
    assert.equal(review!.consensus, 'consensus');
    assert.deepEqual(review!.studies, [
      'andersson-2012',
      'berger-2018',
      'lindner-2014',
      'ly-2015',
      'meyer-2015',
      'preschl-2011',
      'stiles-shields-2014',
    ]);
  });

  test('studyExtraction/progress: totals and per record filled / required / NR', async () => {
    const result = await client.request<ProgressResult>('studyExtraction/progress', {});
    assert.equal(result.reviews.length, 1);
    const review = result.reviews[0]!;
    assert.equal(review.records.length, 14);
    const sum = (f: (r: (typeof review.records)[number]) => number) =>
      review.records.reduce((s, r) => s + f(r), 0);
    assert.deepEqual(review.totals, {
      records: 14,
      complete: 13,
      filled: sum((r) => r.filled),
      required: sum((r) => r.required),
      notReported: sum((r) => r.notReported),
      errors: 0,
    });
    const preschl = review.records.find((r) => r.path === 'records/ek/preschl-2011.study.yaml')!;
    // Every field written, all filled: 4 of the record's head, the citation and its 6, design, country,
    // total_n, arms and 2 × 4, outcomes and 3 outcomes' fields with their results (2 arms × 3 values).
    assert.equal(preschl.required, 70);
    assert.equal(preschl.filled, 70);
    // country + 3 outcomes × 2 arms × (mean, sd)
    assert.equal(preschl.notReported, 13);
    assert.equal(preschl.study, 'preschl-2011');
    assert.equal(preschl.reviewer, 'ek');
    assert.equal(preschl.status, 'complete');
    assert.equal(preschl.uri, client.uri('records/ek/preschl-2011.study.yaml'));
    const draft = review.records.filter((r) => r.status === 'draft').map((r) => r.path);
    assert.deepEqual(draft, ['records/mk/meyer-2015.study.yaml']);
  });

  test('studyExtraction/progress of one open record follows its buffer', async () => {
    const rel = 'records/ek/preschl-2011.study.yaml';
    const uri = await client.open(rel);
    const original = client.text(uri);
    await client.change(uri, original.replace('    n: 25 ', '    n: NR ').replace('  year: 2011', '  year:'));
    const result = await client.request<ProgressResult>('studyExtraction/progress', { uri });
    assert.equal(result.reviews.length, 1);
    assert.equal(result.reviews[0]!.records.length, 1);
    const record = result.reviews[0]!.records[0]!;
    assert.equal(record.path, rel);
    assert.equal(record.notReported, 14);
    assert.equal(record.required, 70);
    assert.equal(record.filled, 69);
    assert.equal(record.errors, 1, 'the empty year of a complete record is an error');
    await client.close(uri);
  });

  test('studyExtraction/nextMissingField: the position of an empty required field, wrapping around', async () => {
    const rel = 'records/mk/meyer-2015.study.yaml';
    const uri = await client.open(rel);
    const original = client.text(uri);
    const text = original.replace('  year: 2015', '  year:').replace('    rater: client', '    rater:');
    await client.change(uri, text);
    const first = await client.request<NextMissingFieldResult | null>('studyExtraction/nextMissingField', {
      uri,
      position: { line: 0, character: 0 },
    });
    assert.ok(first);
    // `year:` has no blank after its colon: the client inserts one, and the cursor goes after it.
    assert.deepEqual(first, {
      position: { ...positionOf(text, '  year:\n', 7), character: 8 },
      edit: {
        range: { start: positionOf(text, '  year:\n', 7), end: positionOf(text, '  year:\n', 7) },
        newText: ' ',
      },
      field: 'citation.year',
      kind: 'empty',
      remaining: 2,
      left: ['citation.year', 'outcomes[alliance-positive].rater'],
      help: 'Year of publication of the main report.',
    });
    const second = await client.request<NextMissingFieldResult | null>('studyExtraction/nextMissingField', {
      uri,
      position: first.position,
    });
    assert.ok(second);
    assert.equal(second.field, 'outcomes[alliance-positive].rater');
    assert.deepEqual(second.position, { ...positionOf(text, '    rater:\n', 10), character: 11 });
    const wrapped = await client.request<NextMissingFieldResult | null>('studyExtraction/nextMissingField', {
      uri,
      position: second.position,
    });
    assert.deepEqual(wrapped?.position, first.position);
    // Previous Missing Field: the last one before the cursor, wrapping round to the record's last.
    const back = await client.request<NextMissingFieldResult | null>('studyExtraction/nextMissingField', {
      uri,
      position: second.position,
      backward: true,
    });
    assert.deepEqual(
      [back?.field, back?.left],
      ['citation.year', ['citation.year', 'outcomes[alliance-positive].rater']],
    );
    const backWrapped = await client.request<NextMissingFieldResult | null>(
      'studyExtraction/nextMissingField',
      {
        uri,
        position: { line: 0, character: 0 },
        backward: true,
      },
    );
    assert.deepEqual(
      [backWrapped?.field, backWrapped?.left],
      ['outcomes[alliance-positive].rater', ['outcomes[alliance-positive].rater', 'citation.year']],
    );
    // Before a comment, never into it; a placeholder is selected so that typing replaces it.
    const commented = original
      .replace('  year: 2015', '  year:  # Year of publication of the main report.')
      .replace('    rater: client', '    rater: null');
    await client.change(uri, commented);
    const beforeComment = await client.request<NextMissingFieldResult | null>(
      'studyExtraction/nextMissingField',
      {
        uri,
        position: { line: 0, character: 0 },
      },
    );
    assert.deepEqual(beforeComment?.position, positionOf(commented, '  year:  #', 8));
    assert.equal(beforeComment.edit, undefined);
    const placeholder = await client.request<NextMissingFieldResult | null>(
      'studyExtraction/nextMissingField',
      {
        uri,
        position: beforeComment.position,
      },
    );
    assert.deepEqual(placeholder?.position, positionOf(commented, '    rater: null', 11));
    assert.deepEqual(placeholder.selectionEnd, positionOf(commented, '    rater: null', 15));
    await client.change(uri, original);
    const none = await client.request('studyExtraction/nextMissingField', {
      uri,
      position: { line: 0, character: 0 },
    });
    assert.equal(none, null);
    await client.close(uri);
  });

  test('studyExtraction/scaffoldRecord: a new record that opens without errors', async () => {
    const result = await client.request<ScaffoldRecordResult>('studyExtraction/scaffoldRecord', {
      rootUri: client.uri(''),
      study: 'new-2024',
      reviewer: 'ek',
    });
    assert.ok('text' in result, JSON.stringify(result));
    assert.equal(result.uri, client.uri('records/ek/new-2024.study.yaml'));
    assert.match(result.text, /^study: new-2024\nreviewer: ek\nstatus: draft\nprotocol_version: 1\n/);
    const uri = await client.open('records/ek/new-2024.study.yaml', result.text);
    const d = await client.waitForDiagnostics(uri, () => true);
    const errors = d.filter((x) => x.severity === Severity.Error || x.severity === Severity.Warning);
    assert.deepEqual(errors, [], formatDiagnostics(errors));
    assert.ok(d.length > 0 && d.every((x) => x.code === 'not-extracted'), formatDiagnostics(d));
    await client.close(uri);
  });

  test('studyExtraction/checkReview checks every file and returns the totals', async () => {
    const result = await client.request<{ files: number; errors: number; warnings: number }>(
      'studyExtraction/checkReview',
    );
    assert.deepEqual(result, { files: 16, errors: 0, warnings: 0 });
  });

  test('studyExtraction/scaffoldRecord refuses an existing study and bad ids', async () => {
    const existing = await client.request<ScaffoldRecordResult>('studyExtraction/scaffoldRecord', {
      rootUri: client.uri(''),
      study: 'preschl-2011',
      reviewer: 'ek',
    });
    assert.ok('error' in existing, JSON.stringify(existing));
    assert.match(existing.error, /already exists at records\/ek\/preschl-2011\.study\.yaml/);
    const badStudy = await client.request<ScaffoldRecordResult>('studyExtraction/scaffoldRecord', {
      rootUri: client.uri(''),
      study: '../escape',
      reviewer: 'ek',
    });
    assert.ok('error' in badStudy);
    const noReview = await client.request<ScaffoldRecordResult>('studyExtraction/scaffoldRecord', {
      rootUri: client.uri('records'),
      study: 'x-2020',
      reviewer: 'ek',
    });
    assert.ok('error' in noReview);
  });

  test('removing the workspace folder clears the diagnostics of its review', async () => {
    const rel = 'records/ek/andersson-2012.study.yaml';
    const recordUri = client.uri(rel);
    writeFileSync(
      client.path(rel),
      readFileSync(client.path(rel), 'utf8').replace('status: complete', 'status: x'),
    );
    const broken = client.waitForDiagnostics(recordUri, (d) => d.length > 0);
    await client.watchedFilesChanged([{ uri: recordUri, type: FileChangeType.Changed }]);
    await broken;
    const cleared = client.waitForDiagnostics(recordUri, (d) => d.length === 0);
    await client.connection.sendNotification('workspace/didChangeWorkspaceFolders', {
      event: { added: [], removed: [{ uri: client.uri(''), name: 'review' }] },
    });
    await cleared;
    assert.deepEqual(await client.request<ReviewInfo[]>('studyExtraction/reviews'), []);
  });
});
