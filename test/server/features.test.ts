// The language features over the real protocol (built server, stdio): one request per feature, proving
// how core's answers map to LSP types (kinds, text edits, markup, code actions, symbols, locations).
// What each feature answers is tested in process, against core: test/unit/editor/*.test.ts.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  applyEdits,
  formatDiagnostics,
  LspClient,
  positionOf,
  type Diagnostic,
  type Position,
  type Range,
  type TextEdit,
} from './lspClient';

interface CompletionItem {
  label: string;
  kind?: number;
  detail?: string;
  documentation?: string | { kind: string; value: string };
  sortText?: string;
  filterText?: string;
  insertTextFormat?: number;
  textEdit?: TextEdit;
}
interface DocumentSymbol {
  name: string;
  kind: number;
  detail?: string;
  range: Range;
  selectionRange: Range;
  children?: DocumentSymbol[];
}

const CompletionItemKind = { Property: 10, Value: 12, Snippet: 15, Reference: 18 } as const;
const SymbolKind = { Object: 19, Array: 18, Field: 8, Class: 5, Event: 24, Property: 7 } as const;
const InsertTextFormat = { PlainText: 1, Snippet: 2 } as const;

describe('language features over stdio', () => {
  const rel = 'records/ek/preschl-2011.study.yaml';
  let client: LspClient;
  let uri: string;
  let original: string;

  before(async () => {
    client = await LspClient.start();
    await client.waitForDiagnostics(client.uri('review.yaml'), () => true, 15_000, { current: true });
    uri = await client.open(rel);
    original = client.text(uri);
  });

  after(async () => {
    await client?.stop();
  });

  async function completeAt(text: string, position: Position): Promise<CompletionItem[]> {
    await client.change(uri, text);
    const result = await client.request<CompletionItem[] | { items: CompletionItem[] } | null>(
      'textDocument/completion',
      { textDocument: { uri }, position },
    );
    return Array.isArray(result) ? result : (result?.items ?? []);
  }

  test('completion: properties and snippets as snippet text edits over the word, documentation as markdown', async () => {
    const text = original.replace('\noutcomes:\n', '\n  - \noutcomes:\n');
    const position = positionOf(text, '  - \noutcomes:', 4);
    const items = await completeAt(text, position);
    const id = items.find((i) => i.label === 'id')!;
    const { label, kind, detail, sortText, filterText, textEdit, insertTextFormat } = id;
    assert.deepEqual(
      { label, kind, detail, sortText, filterText, textEdit, insertTextFormat },
      {
        label: 'id',
        kind: CompletionItemKind.Property,
        detail: 'required · Arm id · text',
        sortText: '0000',
        filterText: 'id',
        textEdit: { range: { start: position, end: position }, newText: 'id: $1' },
        insertTextFormat: InsertTextFormat.Snippet,
      },
    );
    assert.equal(typeof id.documentation === 'object' && id.documentation.kind, 'markdown');
    const snippet = items.find((i) => i.label === 'New arm')!;
    assert.equal(snippet.kind, CompletionItemKind.Snippet);
    assert.equal(snippet.insertTextFormat, InsertTextFormat.Snippet);
    assert.match(snippet.textEdit!.newText, /^id: \$\{1:arm-id\}\n/);
  });

  test('completion: values as plain text, arm ids in results as references', async () => {
    const value = original.replace('    group: email', '    group: em');
    const at = positionOf(value, '    group: em\n', 13);
    const email = (await completeAt(value, at)).find((i) => i.label === 'email')!;
    assert.equal(email.kind, CompletionItemKind.Value);
    assert.equal(email.insertTextFormat, InsertTextFormat.PlainText);
    assert.deepEqual(email.textEdit, {
      range: { start: { line: at.line, character: 11 }, end: at },
      newText: 'email',
    });
    const results = original.replace(/\n {6}f2f: \{ mean: NR, sd: NR, n: 28 \}[^\n]*/, '\n      ');
    const inResults = positionOf(results, 'means not given)\n      \n', 'means not given)\n      '.length);
    const f2f = (await completeAt(results, inResults)).find((i) => i.label === 'f2f')!;
    assert.equal(f2f.kind, CompletionItemKind.Reference);
    assert.equal(f2f.textEdit!.newText, 'f2f: { mean: ${1}, sd: ${2}, n: ${3} }');
    await client.change(uri, original);
  });

  test('hover: markdown contents and the range of the key', async () => {
    const hover = await client.request<{ contents: { kind: string; value: string }; range: Range } | null>(
      'textDocument/hover',
      { textDocument: { uri }, position: positionOf(original, 'total_n: 53', 2) },
    );
    assert.equal(hover?.contents.kind, 'markdown');
    assert.match(hover!.contents.value, /^\*\*Total n\*\* `total_n`\n\n/);
    assert.match(hover!.contents.value, /\n\nSource: review Table 4 \(25 \+ 28\)$/);
    assert.deepEqual(hover!.range, {
      start: positionOf(original, 'total_n: 53'),
      end: positionOf(original, 'total_n: 53', 7),
    });
  });

  test('review.yaml is served by the bundled review schema', async () => {
    const reviewUri = await client.open('review.yaml', undefined, 'yaml');
    const hover = await client.request<{ contents: { value: string } } | null>('textDocument/hover', {
      textDocument: { uri: reviewUri },
      position: positionOf(client.text(reviewUri), 'blind: true', 2),
    });
    assert.match(hover?.contents.value ?? '', /^\*\*Blinded comparison\*\* `blind`/);
    await client.close(reviewUri);
  });

  test('code action: a preferred quickfix for its diagnostic, as text edits of the document', async () => {
    const lyUri = await client.open('records/ek/ly-2015.study.yaml');
    const ly = client.text(lyUri);
    await client.waitForDiagnostics(lyUri, (d) => d.length === 0, 15_000, { current: true });
    const published = client.waitForDiagnostics(lyUri, (d) => d.some((x) => x.code === 'unknown-field'));
    await client.change(lyUri, ly.replace('\narms:', '\narmss:'));
    const unknown: Diagnostic[] = (await published).filter((d) => d.code === 'unknown-field');
    assert.equal(unknown.length, 1, formatDiagnostics(unknown));
    const actions = await client.request<
      {
        title: string;
        kind?: string;
        isPreferred?: boolean;
        diagnostics?: Diagnostic[];
        edit?: { changes?: Record<string, TextEdit[]> };
      }[]
    >('textDocument/codeAction', {
      textDocument: { uri: lyUri },
      range: unknown[0]!.range,
      context: { diagnostics: unknown, only: ['quickfix'] },
    });
    const rename = actions.find((a) => a.title === 'Rename `armss` to `arms`');
    assert.ok(rename, actions.map((a) => a.title).join(', '));
    assert.equal(rename.kind, 'quickfix');
    assert.equal(rename.isPreferred, true);
    assert.deepEqual(rename.diagnostics, unknown);
    assert.deepEqual(Object.keys(rename.edit!.changes!), [lyUri]);
    assert.equal(applyEdits(client.text(lyUri), rename.edit!.changes![lyUri]!), ly);
    await client.close(lyUri);
  });

  test('document symbols: nested, each outline kind as its symbol kind', async () => {
    const symbols = await client.request<DocumentSymbol[]>('textDocument/documentSymbol', {
      textDocument: { uri },
    });
    const byName = (list: DocumentSymbol[] | undefined, name: string) => list!.find((s) => s.name === name)!;
    const arms = byName(symbols, 'arms');
    const online = byName(arms.children, 'online');
    const outcome = byName(byName(symbols, 'outcomes').children, 'alliance-total');
    assert.deepEqual(
      [
        byName(symbols, 'study').kind,
        byName(symbols, 'citation').kind,
        arms.kind,
        online.kind,
        outcome.kind,
        byName(outcome.children, 'f2f').kind,
      ],
      [
        SymbolKind.Field,
        SymbolKind.Object,
        SymbolKind.Array,
        SymbolKind.Class,
        SymbolKind.Event,
        SymbolKind.Property,
      ],
    );
    assert.equal(online.detail, 'email · n=25');
    assert.deepEqual(online.selectionRange, {
      start: positionOf(original, 'id: online', 4),
      end: positionOf(original, 'id: online', 10),
    });
  });

  test('folding ranges by line', async () => {
    const ranges = await client.request<{ startLine: number; endLine: number }[]>(
      'textDocument/foldingRange',
      {
        textDocument: { uri },
      },
    );
    assert.ok(
      ranges.some(
        (r) =>
          r.startLine === positionOf(original, '\narms:', 1).line &&
          r.endLine === positionOf(original, '    n: 28').line,
      ),
      JSON.stringify(ranges),
    );
  });

  test('definition: a location in the same document, null where there is none', async () => {
    const location = await client.request<{ uri: string; range: Range } | null>('textDocument/definition', {
      textDocument: { uri },
      position: positionOf(original, 'f2f: { mean', 1),
    });
    assert.deepEqual(location, {
      uri,
      range: { start: positionOf(original, 'id: f2f', 4), end: positionOf(original, 'id: f2f', 7) },
    });
    const none = await client.request('textDocument/definition', {
      textDocument: { uri },
      position: positionOf(original, 'journal: BMC', 2),
    });
    assert.equal(none, null);
  });
});
