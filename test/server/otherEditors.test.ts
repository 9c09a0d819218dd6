// Editors other than VS Code: a client that declares no capabilities gets plain-text completions and
// diagnostics that follow the disk without watching files itself; the server started by hand without
// a transport says how to start it instead of printing a stack trace.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { parse } from 'yaml';
import {
  applyEdits,
  buildServer,
  formatDiagnostics,
  LspClient,
  positionOf,
  Severity,
  type Diagnostic,
  type Position,
  type TextEdit,
} from './lspClient';

interface CompletionItem {
  label: string;
  insertTextFormat?: number;
  textEdit?: TextEdit;
}

const SNIPPET = 2;
/** Snippet syntax: a tab stop, a placeholder, a choice or a variable. */
const SNIPPET_SYNTAX = /\$(\d|\{|[A-Za-z_])/;
const RECORD = 'records/ek/preschl-2011.study.yaml';

async function completeAt(client: LspClient, uri: string, text: string, position: Position) {
  await client.change(uri, text);
  const result = await client.request<CompletionItem[] | { items: CompletionItem[] } | null>(
    'textDocument/completion',
    { textDocument: { uri }, position },
  );
  return Array.isArray(result) ? result : (result?.items ?? []);
}

/** The record with a new, empty item under `arms`, and the cursor after its `- `. */
function withNewArm(original: string): { text: string; position: Position } {
  const text = original.replace('\noutcomes:\n', '\n  - \noutcomes:\n');
  return { text, position: positionOf(text, '  - \noutcomes:', 4) };
}

const errorsOf = (diagnostics: Diagnostic[]) => diagnostics.filter((d) => d.severity === Severity.Error);

describe('a client without capabilities (no snippets, no file watching)', () => {
  let client: LspClient;

  before(async () => {
    client = await LspClient.start({ capabilities: {} });
    await client.waitForDiagnostics(client.uri('review.yaml'), () => true, 15_000, { current: true });
  });

  after(async () => {
    await client?.stop();
  });

  describe('completion', () => {
    let uri: string;
    let original: string;

    before(async () => {
      uri = await client.open(RECORD);
      original = client.text(uri);
    });

    after(async () => {
      await client.close(uri);
    });

    function assertPlain(items: CompletionItem[]): void {
      assert.ok(items.length > 0, 'completions are offered');
      for (const item of items) {
        assert.notEqual(item.insertTextFormat, SNIPPET, `${item.label} is sent as a snippet`);
        assert.doesNotMatch(
          item.textEdit!.newText,
          SNIPPET_SYNTAX,
          `${item.label}: ${item.textEdit!.newText}`,
        );
      }
    }

    test('the New arm item is plain text that inserts a complete arm', async () => {
      const { text, position } = withNewArm(original);
      const items = await completeAt(client, uri, text, position);
      assertPlain(items);
      const arm = items.find((i) => i.label === 'New arm');
      assert.ok(arm, items.map((i) => i.label).join(', '));
      const inserted = parse(applyEdits(text, [arm.textEdit!])) as { arms: unknown[] };
      assert.deepEqual(inserted.arms, [
        { id: 'online', label: 'Online CBT via email, 8 weeks', group: 'email', n: 25 },
        { id: 'f2f', label: 'Face-to-face CBT, 8 weeks', group: 'face-to-face', n: 28 },
        { id: 'arm-id', label: 'label as reported', group: 'face-to-face', n: 'NR' },
      ]);
    });

    test('property names and arm ids in results insert text that parses', async () => {
      const inArm = original.replace(
        '    label: Online CBT via email, 8 weeks\n    group: email\n',
        '    \n',
      );
      const armKey = positionOf(inArm, '  - id: online\n    \n', '  - id: online\n    '.length);
      const inResults = original.replace(/\n {6}f2f: \{ mean: NR, sd: NR, n: 28 \}[^\n]*/, '\n      ');
      const resultKey = positionOf(
        inResults,
        'means not given)\n      \n',
        'means not given)\n      '.length,
      );
      for (const [text, position, expected] of [
        [inArm, armKey, ['group', 'label']],
        [inResults, resultKey, ['f2f', 'all']],
      ] as const) {
        const items = await completeAt(client, uri, text, position);
        assertPlain(items);
        assert.deepEqual(items.map((i) => i.label).sort(), [...expected].sort());
        for (const item of items) {
          const result = applyEdits(text, [item.textEdit!]);
          assert.doesNotThrow(() => parse(result), `${item.label} leaves:\n${result}`);
        }
      }
      const items = await completeAt(client, uri, inResults, resultKey);
      const f2f = items.find((i) => i.label === 'f2f')!;
      const results = parse(applyEdits(inResults, [f2f.textEdit!])).outcomes[0].results;
      assert.deepEqual(results.f2f, { mean: null, sd: null, n: null });
    });
  });

  describe('records changed on disk by someone else', () => {
    const other = 'records/mk/preschl-2011.study.yaml';
    const created = 'records/mk/new-trial-2020.study.yaml';

    test('the server asked the client for no file watching', () => {
      assert.deepEqual(
        client.registrations.filter((r) => r.method === 'workspace/didChangeWatchedFiles'),
        [],
      );
    });

    test('a record changed on disk gets new diagnostics, and loses them when fixed', async () => {
      const uri = client.uri(other);
      const initial = await client.waitForDiagnostics(uri, () => true, 15_000, { current: true });
      assert.deepEqual(errorsOf(initial), [], formatDiagnostics(initial));
      const original = readFileSync(client.path(other), 'utf8');
      const broken = original.replace(/^status: \w+/m, 'status: finished');
      assert.notEqual(broken, original);
      const statusLine = positionOf(broken, 'status: finished').line;

      const reported = client.waitForDiagnostics(uri, (d) =>
        errorsOf(d).some((e) => e.range.start.line === statusLine),
      );
      writeFileSync(client.path(other), broken);
      await reported;

      const fixed = client.waitForDiagnostics(uri, (d) => errorsOf(d).length === 0);
      writeFileSync(client.path(other), original);
      await fixed;
    });

    test('a record created on disk is checked, and cleared when deleted', async () => {
      const uri = client.uri(created);
      const checked = client.waitForDiagnostics(uri, (d) =>
        errorsOf(d).some((e) => /citation/.test(e.message)),
      );
      writeFileSync(client.path(created), 'study: new-trial-2020\nreviewer: mk\nstatus: draft\n');
      await checked;

      const cleared = client.waitForDiagnostics(uri, (d) => d.length === 0);
      rmSync(client.path(created));
      await cleared;
    });
  });

  test('shuts down cleanly, its watchers closed', async () => {
    await client.stop();
    assert.deepEqual(client.exited, { code: 0, signal: null }, client.stderr);
  });
});

describe('a VS Code-like client (snippets, file watching)', () => {
  let client: LspClient;

  before(async () => {
    client = await LspClient.start();
    await client.waitForDiagnostics(client.uri('review.yaml'), () => true, 15_000, { current: true });
  });

  after(async () => {
    await client?.stop();
  });

  test('gets the New arm snippet with its placeholders', async () => {
    const uri = await client.open(RECORD);
    const { text, position } = withNewArm(client.text(uri));
    const items = await completeAt(client, uri, text, position);
    const arm = items.find((i) => i.label === 'New arm');
    assert.ok(arm, items.map((i) => i.label).join(', '));
    assert.equal(arm.insertTextFormat, SNIPPET);
    assert.match(arm.textEdit!.newText, /^id: \$\{1:arm-id\}\n/);
    await client.close(uri);
  });

  test('is asked to watch the review files', () => {
    assert.ok(
      client.registrations.some((r) => r.method === 'workspace/didChangeWatchedFiles'),
      JSON.stringify(client.registrations),
    );
  });
});

describe('the server started without a transport', () => {
  for (const args of [[], ['--socket=port'], ['--pipe']]) {
    test(`node server.js ${args.join(' ')} says how to start it and exits 2`, () => {
      const result = spawnSync(process.execPath, [buildServer(), ...args], {
        encoding: 'utf8',
        timeout: 15_000,
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      assert.equal(result.status, 2, result.stderr);
      assert.match(result.stderr, /study-extract language server: start it with --stdio/);
      assert.doesNotMatch(result.stderr, /^\s+at /m, 'no stack trace');
      assert.equal(result.stdout, '');
    });
  }
});
