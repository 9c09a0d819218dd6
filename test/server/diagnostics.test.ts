// Diagnostics over the real protocol: the built server (dist/server.js --stdio) in a temp copy of the
// example review. Start-up publishing, exactly positioned diagnostics while typing, robustness against
// half-typed YAML, the per-file cap, and what happens when a record is deleted or closed.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import {
  exampleRecords,
  FileChangeType,
  formatDiagnostics,
  LspClient,
  positionOf,
  Severity,
  type Diagnostic,
  type Range,
} from './lspClient';

const BROKEN_ON_DISK = 'records/mk/ly-2015.study.yaml';
const codes = (d: Diagnostic[]) => d.map((x) => x.code);
const singleLine = (r: Range) => r.start.line === r.end.line;

function rangeOf(text: string, needle: string, delta = 0, length = needle.length - delta): Range {
  const start = positionOf(text, needle, delta);
  return { start, end: { line: start.line, character: start.character + length } };
}

describe('diagnostics', () => {
  let client: LspClient;

  before(async () => {
    client = await LspClient.start({
      prepare: (root) => {
        const path = `${root}/${BROKEN_ON_DISK}`;
        writeFileSync(path, readFileSync(path, 'utf8').replace('status: complete', 'status: done'));
      },
    });
  });

  after(async () => {
    await client?.stop();
  });

  test('at start-up every file of the review gets diagnostics, the clean ones an empty list', async () => {
    const records = exampleRecords();
    assert.equal(records.length, 14);
    const files = [...records, 'review.yaml', 'schemas/extraction.schema.json'];
    const published = await Promise.all(
      files.map((f) => client.waitForDiagnostics(client.uri(f), () => true, 15_000, { current: true })),
    );
    for (const [i, file] of files.entries()) {
      if (file === BROKEN_ON_DISK) continue;
      assert.deepEqual(published[i], [], `${file}:\n${formatDiagnostics(published[i]!)}`);
    }
    // Nothing outside the review's files (README.md, folders) gets diagnostics.
    const expected = new Set(files.map((f) => client.uri(f)));
    assert.deepEqual(
      [...new Set(client.publishes.map((p) => p.uri))].filter((u) => !expected.has(u)),
      [],
    );
  });

  test('a record broken on disk before start-up gets its error at the value', async () => {
    const diagnostics = await client.waitForDiagnostics(
      client.uri(BROKEN_ON_DISK),
      (d) => d.length > 0,
      15_000,
      { current: true },
    );
    assert.equal(diagnostics.length, 1, formatDiagnostics(diagnostics));
    const [d] = diagnostics;
    assert.equal(d!.code, 'enum');
    assert.equal(d!.severity, Severity.Error);
    assert.equal(d!.source, 'study-extraction');
    assert.deepEqual(d!.range, { start: { line: 2, character: 8 }, end: { line: 2, character: 12 } });
    assert.match(d!.message, /`status` must be one of: draft, complete; got "done"/);
  });

  describe('while typing: exactly positioned diagnostics that clear when fixed', () => {
    const rel = 'records/ek/preschl-2011.study.yaml';
    let uri: string;
    let original: string;

    before(async () => {
      uri = await client.open(rel);
      original = client.text(uri);
      await client.waitForDiagnostics(uri, (d) => d.length === 0, 15_000, { current: true });
    });

    after(async () => {
      await client.close(uri);
    });

    async function breakAndFix(broken: string, check: (d: Diagnostic[]) => void): Promise<void> {
      const published = client.waitForDiagnostics(uri, (d) => d.length > 0);
      await client.change(uri, broken);
      check(await published);
      const cleared = client.waitForDiagnostics(uri, (d) => d.length === 0);
      await client.change(uri, original);
      assert.deepEqual(await cleared, []);
    }

    test('an invalid enum value: at the value, with a suggestion', async () => {
      const broken = original.replace('group: email', 'group: emial');
      await breakAndFix(broken, (d) => {
        assert.equal(d.length, 1, formatDiagnostics(d));
        assert.equal(d[0]!.code, 'enum');
        assert.equal(d[0]!.severity, Severity.Error);
        assert.deepEqual(d[0]!.range, rangeOf(broken, 'group: emial', 7));
        assert.deepEqual(d[0]!.range, {
          start: { line: 17, character: 11 },
          end: { line: 17, character: 16 },
        });
        assert.match(d[0]!.message, /got "emial"/);
        assert.match(d[0]!.message, /Did you mean `email`\?/);
      });
    });

    test('an unknown key `armss`: at the key, with the field it most likely means', async () => {
      const broken = original.replace('\narms:', '\narmss:');
      await breakAndFix(broken, (d) => {
        const unknown = d.filter((x) => x.code === 'unknown-field');
        assert.equal(unknown.length, 1, formatDiagnostics(d));
        assert.deepEqual(unknown[0]!.range, {
          start: { line: 14, character: 0 },
          end: { line: 14, character: 5 },
        });
        assert.match(unknown[0]!.message, /Unknown field `armss`.*did you mean `arms`\?/);
        // `arms` is required by the review's schema, so it is now missing as well (at the first key).
        assert.deepEqual(codes(d).sort(), ['required', 'unknown-field']);
        const required = d.find((x) => x.code === 'required')!;
        assert.deepEqual(required.range, {
          start: { line: 0, character: 0 },
          end: { line: 0, character: 5 },
        });
        assert.match(required.message, /`arms`/);
      });
    });

    test('`n: 25.5`: at the value', async () => {
      const broken = original.replace('    n: 25 ', '    n: 25.5 ');
      await breakAndFix(broken, (d) => {
        assert.equal(d.length, 1, formatDiagnostics(d));
        assert.equal(d[0]!.code, 'type');
        assert.deepEqual(d[0]!.range, rangeOf(broken, 'n: 25.5', 3));
        assert.deepEqual(d[0]!.range, {
          start: { line: 18, character: 7 },
          end: { line: 18, character: 11 },
        });
        assert.match(d[0]!.message, /`n` must be a whole number ≥ 1 or NR, got 25\.5/);
      });
    });

    test("a missing `group`: at the arm's first key", async () => {
      const broken = original.replace('    group: email\n', '');
      await breakAndFix(broken, (d) => {
        assert.equal(d.length, 1, formatDiagnostics(d));
        assert.equal(d[0]!.code, 'required');
        assert.deepEqual(d[0]!.range.start, positionOf(broken, 'id: online'));
        assert.ok(singleLine(d[0]!.range));
        assert.match(d[0]!.message, /Missing required field `group` in `arms\[online\]`/);
      });
    });

    test('a CRLF buffer gets the same positions', async () => {
      const broken = original.replace('group: email', 'group: emial').replace(/\n/g, '\r\n');
      await breakAndFix(broken, (d) => {
        assert.equal(d.length, 1, formatDiagnostics(d));
        assert.deepEqual(d[0]!.range, {
          start: { line: 17, character: 11 },
          end: { line: 17, character: 16 },
        });
      });
    });

    test('non-ASCII text before a bad value: columns in UTF-16 code units', async () => {
      const broken = original
        .replace(
          '  - id: online\n    label: Online CBT via email, 8 weeks\n    group: email\n',
          '  - { label: "Ünï 😀😀 arm", id: online, group: emial,\n      n: 25 }\n',
        )
        .replace(/\n {4}n: 25 [^\n]*/, '');
      const line = positionOf(broken, 'group: emial').line;
      const column = broken.split('\n')[line]!.indexOf('emial');
      await breakAndFix(broken, (d) => {
        assert.equal(d.length, 1, formatDiagnostics(d));
        assert.deepEqual(d[0]!.range, {
          start: { line, character: column },
          end: { line, character: column + 5 },
        });
      });
    });

    test('edits sent as incremental changes are applied where they belong', async () => {
      const at = positionOf(original, 'group: email', 7);
      const published = client.waitForDiagnostics(uri, (d) => d.length > 0);
      await client.edit(uri, [
        { range: { start: at, end: { line: at.line, character: at.character + 5 } }, newText: 'telephon' },
      ]);
      const d = await published;
      assert.equal(d.length, 1, formatDiagnostics(d));
      assert.deepEqual(d[0]!.range, { start: at, end: { line: at.line, character: at.character + 8 } });
      assert.match(d[0]!.message, /Did you mean `telephone`\?/);
      const cleared = client.waitForDiagnostics(uri, (x) => x.length === 0);
      await client.edit(uri, [
        { range: { start: at, end: { line: at.line, character: at.character + 8 } }, newText: 'email' },
      ]);
      await cleared;
      assert.equal(client.text(uri), original);
    });
  });

  describe('half-typed records', () => {
    const rel = 'records/ek/berger-2018.study.yaml';
    let uri: string;
    let original: string;

    before(async () => {
      uri = await client.open(rel);
      original = client.text(uri);
      await client.waitForDiagnostics(uri, (d) => d.length === 0, 15_000, { current: true });
    });

    after(async () => {
      await client.close(uri);
    });

    /** Every language request on the document still gets an answer. */
    async function stillAnswers(position: { line: number; character: number }): Promise<void> {
      const textDocument = { uri };
      const answers = await Promise.all([
        client.request('textDocument/completion', { textDocument, position }),
        client.request('textDocument/hover', { textDocument, position }),
        client.request('textDocument/documentSymbol', { textDocument }),
        client.request('textDocument/foldingRange', { textDocument }),
        client.request('textDocument/definition', { textDocument, position }),
        client.request('textDocument/codeAction', {
          textDocument,
          range: { start: position, end: position },
          context: { diagnostics: client.diagnostics.get(uri) ?? [] },
        }),
        client.request('studyExtraction/nextMissingField', { uri, position }),
        client.request('studyExtraction/progress', { uri }),
      ]);
      assert.equal(answers.length, 8);
    }

    function assertBounded(d: Diagnostic[], what: string): void {
      assert.ok(d.length <= 101, `${what}: ${d.length} diagnostics`);
      const multi = d.filter((x) => !singleLine(x.range));
      assert.deepEqual(multi, [], `${what}: diagnostics spanning lines:\n${formatDiagnostics(multi)}`);
    }

    const cases: [string, (text: string) => string, RegExp][] = [
      [
        'half a key `    gro` on a line',
        (t) => t.replace(/(\n {4}label:)/, '\n    gro$1'),
        /yaml-syntax|unknown-field/,
      ],
      ['an unclosed `{`', (t) => t.replace(/\{ (mean|events|r):/, '{ $1: { '), /yaml-syntax/],
      [
        'an unclosed `{` at the end of a line',
        (t) => t.replace(/\n {2}- id:/, '\n  - {\n  - id:'),
        /yaml-syntax/,
      ],
      ['an unclosed `[` and quote', (t) => t.replace(/authors: \[/, 'authors: [ "Berger T, '), /yaml-syntax/],
      ['a tab as indentation', (t) => t.replace(/\n {4}label:/, '\n\tlabel:'), /yaml-syntax/],
      ['a stray `- ` at top level', (t) => t.replace(/\narms:/, '\n- \narms:'), /yaml-syntax/],
      ['a lone `:`', (t) => t.replace(/\narms:/, '\n:\narms:'), /./],
      ['an undefined alias', (t) => t.replace(/status: complete/, 'status: *nowhere'), /./],
    ];
    for (const [name, mutate, expected] of cases) {
      test(`${name}: bounded, single-line diagnostics; the server keeps answering`, async () => {
        const broken = mutate(original);
        assert.notEqual(broken, original, 'the mutation must change the text');
        const published = client.waitForDiagnostics(uri, (d) => d.length > 0);
        await client.change(uri, broken);
        const d = await published;
        assertBounded(d, name);
        assert.ok(
          d.some((x) => expected.test(String(x.code))),
          `expected a ${expected} diagnostic:\n${formatDiagnostics(d)}`,
        );
        await stillAnswers(positionOf(broken, '\n', 1, broken.indexOf('arms')));
        const cleared = client.waitForDiagnostics(uri, (x) => x.length === 0);
        await client.change(uri, original);
        await cleared;
      });
    }

    test('typing the record from scratch (every prefix) never crashes the server or spans lines', async () => {
      const step = 29;
      let prefixes = 0;
      for (let cut = 1; cut < original.length; cut += step) {
        const text = original.slice(0, cut);
        const published = client.waitForDiagnostics(uri, () => true);
        await client.change(uri, text);
        assertBounded(await published, `prefix of ${cut} characters`);
        const lines = text.split('\n');
        await stillAnswers({ line: lines.length - 1, character: lines[lines.length - 1]!.length });
        prefixes++;
      }
      assert.ok(prefixes > 20);
      const cleared = client.waitForDiagnostics(uri, (x) => x.length === 0);
      await client.change(uri, original);
      await cleared;
      assert.equal(client.exited, undefined, 'the server process is still running');
      const reportedErrors = client.errorLogs.filter((m) => m.startsWith('Study Extraction:'));
      assert.deepEqual(reportedErrors, [], 'no handler failed');
    });

    test('half-typed YAML writes no error-level log messages to the client', {}, async () => {
      const before = client.errorLogs.length;
      const broken = original.replace(/\narms:/, '\narms: [\n  {');
      const published = client.waitForDiagnostics(uri, (d) => d.length > 0);
      await client.change(uri, broken);
      await published;
      await client.request('textDocument/hover', {
        textDocument: { uri },
        position: { line: 0, character: 0 },
      });
      const cleared = client.waitForDiagnostics(uri, (x) => x.length === 0);
      await client.change(uri, original);
      await cleared;
      assert.deepEqual(client.errorLogs.slice(before), []);
    });
  });

  test('a record with 500 problems gets at most 100 diagnostics and one `too-many-diagnostics` note', async () => {
    const rel = 'records/ek/lindner-2014.study.yaml';
    const uri = await client.open(rel);
    const original = client.text(uri);
    await client.waitForDiagnostics(uri, (d) => d.length === 0, 15_000, { current: true });
    const extra = Array.from({ length: 500 }, (_, i) => `extra_field_${i}: ${i}`).join('\n');
    const published = client.waitForDiagnostics(uri, (d) => d.length > 0);
    await client.change(uri, `${original.trimEnd()}\n${extra}\n`);
    const d = await published;
    assert.ok(d.length <= 101, `${d.length} diagnostics`);
    assert.equal(d.length, 101);
    const notes = d.filter((x) => x.code === 'too-many-diagnostics');
    assert.equal(notes.length, 1);
    assert.equal(notes[0]!.severity, Severity.Information);
    assert.match(notes[0]!.message, /400 more problems/);
    assert.ok(d.filter((x) => x.code === 'unknown-field').length === 100);
    assert.ok(d.every((x) => singleLine(x.range)));

    // Errors are kept before warnings and information when the cap applies.
    const draft = original.replace('status: complete', 'status: draft');
    const arms = Array.from({ length: 500 }, (_, i) => `  - { id: extra-${i}, group: , n: 0 }`).join('\n');
    const mixed = draft.replace('\narms:\n', `\narms:\n${arms}\n`);
    const published2 = client.waitForDiagnostics(uri, (x) =>
      x.some((y) => /[0-9]+ more problem/.test(y.message)),
    );
    await client.change(uri, mixed);
    const d2 = await published2;
    assert.ok(d2.length <= 101, `${d2.length} diagnostics`);
    assert.equal(d2.filter((x) => x.code === 'too-many-diagnostics').length, 1);
    assert.ok(
      d2.filter((x) => x.code !== 'too-many-diagnostics').every((x) => x.severity === Severity.Error),
      formatDiagnostics(d2.slice(0, 5)),
    );

    const cleared = client.waitForDiagnostics(uri, (x) => x.length === 0);
    await client.change(uri, original);
    await cleared;
    await client.close(uri);
  });

  test('a closed document falls back to the file on disk', async () => {
    const rel = 'records/ek/meyer-2015.study.yaml';
    const uri = await client.open(rel);
    const original = client.text(uri);
    await client.waitForDiagnostics(uri, (d) => d.length === 0, 15_000, { current: true });
    const broken = client.waitForDiagnostics(uri, (d) => d.length > 0);
    await client.change(uri, original.replace('status: complete', 'status: finished'));
    assert.deepEqual(codes(await broken), ['enum']);
    // Closed without saving: the disk version is fine.
    const reverted = client.waitForDiagnostics(uri, () => true);
    await client.close(uri);
    assert.deepEqual(await reverted, []);
  });

  test('a closed document whose disk version is broken gets the disk errors back', async () => {
    const uri = await client.open(BROKEN_ON_DISK);
    const onDisk = client.text(uri);
    await client.waitForDiagnostics(uri, (d) => d.length > 0, 15_000, { current: true });
    const fixed = client.waitForDiagnostics(uri, (d) => d.length === 0);
    await client.change(uri, onDisk.replace('status: done', 'status: complete'));
    await fixed;
    const reverted = client.waitForDiagnostics(uri, () => true);
    await client.close(uri);
    assert.deepEqual(codes(await reverted), ['enum']);
  });

  test('a record created on disk is checked; deleted on disk, its diagnostics are cleared', async () => {
    const rel = 'records/mk/new-2020.study.yaml';
    const uri = client.uri(rel);
    writeFileSync(client.path(rel), 'study: new-2020\nreviewer: ek\nstatus: draft\n');
    const created = client.waitForDiagnostics(uri, (d) => d.length > 0);
    await client.watchedFilesChanged([{ uri, type: FileChangeType.Created }]);
    const d = await created;
    assert.deepEqual(codes(d).sort(), ['required', 'reviewer-mismatch'], formatDiagnostics(d));
    assert.deepEqual(d.find((x) => x.code === 'reviewer-mismatch')!.range, {
      start: { line: 1, character: 10 },
      end: { line: 1, character: 12 },
    });

    rmSync(client.path(rel));
    const cleared = client.waitForDiagnostics(uri, () => true);
    await client.watchedFilesChanged([{ uri, type: FileChangeType.Deleted }]);
    assert.deepEqual(await cleared, []);
  });

  test('a record with errors at start-up, deleted on disk, gets an empty publish', async () => {
    const uri = client.uri(BROKEN_ON_DISK);
    await client.waitForDiagnostics(uri, (d) => d.length > 0, 15_000, { current: true });
    rmSync(client.path(BROKEN_ON_DISK));
    const cleared = client.waitForDiagnostics(uri, () => true);
    await client.watchedFilesChanged([{ uri, type: FileChangeType.Deleted }]);
    assert.deepEqual(await cleared, []);
  });
});
