// Language features over the real protocol (built server, stdio): completion, hover, quick fixes,
// document symbols, folding ranges and go to definition on records of the example review.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  applyEdits,
  formatDiagnostics,
  LspClient,
  positionOf,
  Severity,
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
  insertTextFormat?: number;
  textEdit?: TextEdit;
}
interface Hover {
  contents: { kind: string; value: string };
  range?: Range;
}
interface CodeAction {
  title: string;
  kind?: string;
  isPreferred?: boolean;
  diagnostics?: Diagnostic[];
  edit?: { changes?: Record<string, TextEdit[]> };
}
interface DocumentSymbol {
  name: string;
  kind: number;
  range: Range;
  selectionRange: Range;
  children?: DocumentSymbol[];
}

const CompletionItemKind = { Property: 10, Value: 12, Snippet: 15, Reference: 18 } as const;
const SNIPPET = 2;
const GROUPS = [
  'face-to-face',
  'email',
  'telephone',
  'internet-program',
  'face-to-face+app',
  'internet-program+face-to-face',
  'internet-program+tau',
  'internet-program+email-telephone',
];

const docText = (d: CompletionItem['documentation']) => (typeof d === 'string' ? d : (d?.value ?? ''));

describe('language features', () => {
  let client: LspClient;

  before(async () => {
    client = await LspClient.start();
    await client.waitForDiagnostics(client.uri('review.yaml'), () => true, 15_000, { current: true });
  });

  after(async () => {
    await client?.stop();
  });

  describe('completion', () => {
    const rel = 'records/ek/preschl-2011.study.yaml';
    let uri: string;
    let original: string;

    before(async () => {
      uri = await client.open(rel);
      original = client.text(uri);
    });

    after(async () => {
      await client.close(uri);
    });

    async function completeAt(text: string, position: Position): Promise<CompletionItem[]> {
      await client.change(uri, text);
      const result = await client.request<CompletionItem[] | { items: CompletionItem[] } | null>(
        'textDocument/completion',
        { textDocument: { uri }, position },
      );
      return Array.isArray(result) ? result : (result?.items ?? []);
    }

    test('property names at a key position in an arm: required first, with documentation', async () => {
      // The first arm without `label` and `group`; the cursor on a new, empty key line.
      const text = original.replace('    label: Online CBT via email, 8 weeks\n    group: email\n', '    \n');
      const position = positionOf(text, '  - id: online\n    \n', '  - id: online\n    '.length);
      const items = await completeAt(text, position);
      const labels = items.map((i) => i.label).sort();
      assert.deepEqual(labels, ['group', 'label'], 'only the fields the arm does not have yet');
      const group = items.find((i) => i.label === 'group')!;
      const label = items.find((i) => i.label === 'label')!;
      assert.ok(
        group.sortText! < label.sortText!,
        `required before optional: ${group.sortText} vs ${label.sortText}`,
      );
      assert.equal(group.kind, CompletionItemKind.Property);
      assert.match(group.detail ?? '', /required/);
      assert.match(label.detail ?? '', /optional/);
      assert.match(docText(group.documentation), /eight treatment conditions/);
      assert.match(docText(label.documentation), /The arm as the report names it/);
      assert.equal(group.insertTextFormat, SNIPPET);
      assert.deepEqual(group.textEdit!.range, { start: position, end: position });
      assert.match(group.textEdit!.newText, /^group: \$\{1\|face-to-face,email,/);
    });

    test('a half-typed key is replaced as a whole word', async () => {
      const text = original.replace('    group: email\n', '    gro\n');
      const position = positionOf(text, '    gro\n', 7);
      const items = await completeAt(text, position);
      const group = items.find((i) => i.label === 'group');
      assert.ok(group, items.map((i) => i.label).join(', '));
      assert.deepEqual(group.textEdit!.range, {
        start: { line: position.line, character: 4 },
        end: { line: position.line, character: 7 },
      });
    });

    test('enum values at `group: `, in the order of the schema', async () => {
      const text = original.replace('    group: email', '    group: ');
      const position = positionOf(text, '    group: \n', 11);
      const items = await completeAt(text, position);
      assert.deepEqual(
        items.map((i) => i.label),
        GROUPS,
      );
      for (const item of items) {
        assert.equal(item.kind, CompletionItemKind.Value);
        assert.deepEqual(item.textEdit!.range, { start: position, end: position });
        assert.equal(item.textEdit!.newText, item.label);
      }
      assert.match(docText(items[1]!.documentation), /delivered by email/);
    });

    test('`NR` is offered at `sd: ` of a result (block and flow)', async () => {
      const block = original.replace(
        /online: \{ mean: NR, sd: NR, n: 25 \}[^\n]*/,
        'online:\n        mean: 5.9\n        sd: \n        n: 25',
      );
      const blockItems = await completeAt(block, positionOf(block, '        sd: \n', 12));
      assert.ok(
        blockItems.some((i) => i.label === 'NR'),
        `block: ${blockItems.map((i) => i.label).join(', ')}`,
      );
      const flow = original.replace(
        'online: { mean: NR, sd: NR, n: 25 }',
        'online: { mean: 5.9, sd: , n: 25 }',
      );
      const flowItems = await completeAt(flow, positionOf(flow, 'sd: , n: 25 }', 4));
      const nr = flowItems.find((i) => i.label === 'NR');
      assert.ok(nr, `flow: ${flowItems.map((i) => i.label).join(', ')}`);
      assert.match(docText(nr.documentation), /Not reported/);
    });

    test('arm ids (and `all`) at a new key inside `results`', async () => {
      const text = original.replace(/\n {6}f2f: \{ mean: NR, sd: NR, n: 28 \}[^\n]*/, '\n      ');
      const position = positionOf(text, 'means not given)\n      \n', 'means not given)\n      '.length);
      const items = await completeAt(text, position);
      assert.deepEqual(
        items.map((i) => i.label),
        ['f2f', 'all'],
        'the arm whose result is already there (`online`) is not offered again',
      );
      const f2f = items[0]!;
      assert.equal(f2f.kind, CompletionItemKind.Reference);
      assert.equal(f2f.insertTextFormat, SNIPPET);
      assert.match(f2f.textEdit!.newText, /^f2f: \{ mean: \$\{1\}, sd: \$\{2\}, n: \$\{3\} \}$/);
      assert.match(f2f.detail ?? '', /Face-to-face CBT/);
    });

    test('the "New arm" snippet on a new `- ` item under `arms`', async () => {
      const text = original.replace('\noutcomes:\n', '\n  - \noutcomes:\n');
      const position = positionOf(text, '  - \noutcomes:', 4);
      const items = await completeAt(text, position);
      const snippet = items.find((i) => i.label === 'New arm');
      assert.ok(snippet, items.map((i) => i.label).join(', '));
      assert.equal(snippet.kind, CompletionItemKind.Snippet);
      assert.equal(snippet.insertTextFormat, SNIPPET);
      const lines = snippet.textEdit!.newText.split('\n');
      assert.match(lines[0]!, /^id: \$\{1:arm-id\}$/);
      assert.ok(
        lines.slice(1).every((l) => l.startsWith('    ') && !l.startsWith('     ')),
        'continuation lines are indented to the item',
      );
      assert.ok(
        lines.some((l) => l.includes(`group: \${3|${GROUPS.join(',')}|}`)),
        snippet.textEdit!.newText,
      );
      assert.deepEqual(snippet.textEdit!.range, { start: position, end: position });
    });

    test('no completion inside a comment', async () => {
      const items = await completeAt(original, positionOf(original, '# src: review Table 4 (25 + 28)', 10));
      assert.deepEqual(items, []);
    });
  });

  test('review.yaml: completion and hover from the bundled review schema', async () => {
    const uri = await client.open('review.yaml', undefined, 'yaml');
    const text = client.text(uri).replace(/\nregistration: [^\n]*/, '\nreg');
    await client.change(uri, text);
    const items = await client.request<CompletionItem[]>('textDocument/completion', {
      textDocument: { uri },
      position: positionOf(text, '\nreg\n', 4),
    });
    assert.deepEqual(
      items.map((i) => i.label),
      ['registration'],
      'only the field review.yaml does not have yet',
    );
    const hover = await client.request<Hover | null>('textDocument/hover', {
      textDocument: { uri },
      position: positionOf(text, 'blind: true', 2),
    });
    assert.match(hover?.contents.value ?? '', /\*\*Blinded comparison\*\*/);
    await client.close(uri);
  });

  describe('hover', () => {
    const rel = 'records/ek/preschl-2011.study.yaml';
    let uri: string;
    let text: string;

    before(async () => {
      uri = await client.open(rel);
      text = client.text(uri);
    });

    after(async () => {
      await client.close(uri);
    });

    const hoverAt = (position: Position) =>
      client.request<Hover | null>('textDocument/hover', { textDocument: { uri }, position });

    test("on a key: the field's title and description", async () => {
      const hover = await hoverAt(positionOf(text, 'group: email', 2));
      assert.ok(hover);
      assert.equal(hover.contents.kind, 'markdown');
      assert.match(hover.contents.value, /\*\*Treatment condition\*\*/);
      assert.match(hover.contents.value, /eight treatment conditions/);
      assert.match(hover.contents.value, /`internet-program\+tau`: Combined: an internet program added/);
      assert.deepEqual(hover.range, {
        start: positionOf(text, 'group: email'),
        end: positionOf(text, 'group: email', 5),
      });
    });

    test('on a value line with `# src: …`: the provenance', async () => {
      const hover = await hoverAt(positionOf(text, 'total_n: 53', 10));
      assert.ok(hover);
      assert.match(hover.contents.value, /\*\*Total n\*\*/);
      assert.match(hover.contents.value, /Source: review Table 4 \(25 \+ 28\)/);
      const armN = await hoverAt(positionOf(text, 'n: 28 ', 3));
      assert.ok(armN);
      assert.match(armN.contents.value, /Randomized n/);
      assert.match(armN.contents.value, /Source: review Table 4/);
    });

    test('on a line without provenance: no source line', async () => {
      const hover = await hoverAt(positionOf(text, 'group: email', 8));
      assert.ok(hover);
      assert.doesNotMatch(hover.contents.value, /Source:/);
    });

    test('on an arm id inside `results`: the arm', async () => {
      const hover = await hoverAt(positionOf(text, 'f2f: { mean', 1));
      assert.ok(hover);
      assert.match(hover.contents.value, /Results of arm `f2f`/);
      assert.match(hover.contents.value, /Face-to-face CBT, 8 weeks/);
    });
  });

  describe('code actions', () => {
    async function actionsFor(uri: string, diagnostics: Diagnostic[]): Promise<CodeAction[]> {
      return client.request<CodeAction[]>('textDocument/codeAction', {
        textDocument: { uri },
        range: diagnostics[0]!.range,
        context: { diagnostics, only: ['quickfix'] },
      });
    }

    test('add missing required fields: applied, the `required` diagnostic disappears', async () => {
      // A draft: an empty value is "not extracted yet" (information), not an error.
      const uri = await client.open('records/mk/meyer-2015.study.yaml');
      const original = client.text(uri);
      await client.waitForDiagnostics(uri, (d) => d.length === 0, 15_000, { current: true });
      const broken = original.replace('    group: internet-program\n', '');
      const published = client.waitForDiagnostics(uri, (d) => d.some((x) => x.code === 'required'));
      await client.change(uri, broken);
      const diagnostics = await published;
      const required = diagnostics.filter((d) => d.code === 'required');
      assert.equal(required.length, 1, formatDiagnostics(diagnostics));
      const actions = await actionsFor(uri, required);
      const add = actions.find((a) => /Add missing field `group`/.test(a.title));
      assert.ok(add, actions.map((a) => a.title).join(', '));
      assert.equal(add.kind, 'quickfix');
      assert.equal(add.isPreferred, true);
      assert.deepEqual(
        add.diagnostics?.map((d) => d.code),
        ['required'],
      );
      const edits = add.edit?.changes?.[uri];
      assert.ok(edits && edits.length > 0, JSON.stringify(add.edit));
      const fixed = applyEdits(broken, edits);
      assert.match(fixed, /\n {4}group:[^\n]*\n/);
      const after = client.waitForDiagnostics(uri, (d) => !d.some((x) => x.code === 'required'));
      await client.change(uri, fixed);
      const remaining = await after;
      assert.ok(
        remaining.every((d) => d.severity !== Severity.Error),
        `no errors left:\n${formatDiagnostics(remaining)}`,
      );
      const notExtracted = remaining.filter((d) => d.code === 'not-extracted');
      assert.equal(notExtracted.length, 1, formatDiagnostics(remaining));
      assert.equal(notExtracted[0]!.range.start.line, positionOf(fixed, '    group:').line);
      await client.close(uri);
    });

    test('add missing fields of the whole record to an empty document', async () => {
      const rel = 'records/ek/empty-2024.study.yaml';
      const uri = await client.open(rel, '');
      const diagnostics = await client.waitForDiagnostics(uri, (d) => d.some((x) => x.code === 'required'));
      const required = diagnostics.filter((d) => d.code === 'required');
      const actions = await actionsFor(uri, required);
      const add = actions.find((a) => a.title.startsWith('Add missing field'));
      assert.ok(add, actions.map((a) => a.title).join(', '));
      const fixed = applyEdits('', add.edit!.changes![uri]!);
      for (const field of ['study', 'reviewer', 'status', 'citation', 'arms', 'outcomes'])
        assert.match(fixed, new RegExp(`^${field}:`, 'm'));
      const after = client.waitForDiagnostics(uri, (d) => !d.some((x) => x.code === 'required'));
      await client.change(uri, fixed);
      await after;
      await client.close(uri);
    });

    test('rename the unknown key `armss` to `arms`', async () => {
      const uri = await client.open('records/ek/ly-2015.study.yaml');
      const original = client.text(uri);
      await client.waitForDiagnostics(uri, (d) => d.length === 0, 15_000, { current: true });
      const published = client.waitForDiagnostics(uri, (d) => d.some((x) => x.code === 'unknown-field'));
      await client.change(uri, original.replace('\narms:', '\narmss:'));
      const unknown = (await published).filter((d) => d.code === 'unknown-field');
      const actions = await actionsFor(uri, unknown);
      const rename = actions.find((a) => a.title === 'Rename `armss` to `arms`');
      assert.ok(rename, actions.map((a) => a.title).join(', '));
      assert.equal(rename.isPreferred, true);
      const edits = rename.edit!.changes![uri]!;
      assert.deepEqual(edits, [{ range: unknown[0]!.range, newText: 'arms' }]);
      const cleared = client.waitForDiagnostics(uri, (d) => d.length === 0);
      const fixed = await client.edit(uri, edits);
      assert.equal(fixed, original);
      await cleared;
      await client.close(uri);
    });

    test('replace an invalid enum value with the suggestion', async () => {
      const uri = await client.open('records/mk/berger-2018.study.yaml');
      const original = client.text(uri);
      await client.waitForDiagnostics(uri, (d) => d.length === 0, 15_000, { current: true });
      const value = /group: (\S+)/.exec(original)![1]!;
      const typo = value.slice(0, -2) + value.slice(-1) + value.slice(-2, -1); // last two letters swapped
      const published = client.waitForDiagnostics(uri, (d) => d.some((x) => x.code === 'enum'));
      await client.change(uri, original.replace(`group: ${value}`, `group: ${typo}`));
      const diagnostics = await published;
      const enumDiagnostic = diagnostics.filter((d) => d.code === 'enum');
      assert.equal(enumDiagnostic.length, 1, formatDiagnostics(diagnostics));
      const actions = await actionsFor(uri, enumDiagnostic);
      const change = actions.find((a) => a.title === `Change to \`${value}\``);
      assert.ok(change, actions.map((a) => a.title).join(', '));
      const cleared = client.waitForDiagnostics(uri, (d) => d.length === 0);
      assert.equal(await client.edit(uri, change.edit!.changes![uri]!), original);
      await cleared;
      await client.close(uri);
    });
  });

  describe('outline, folding, definition', () => {
    const rel = 'records/ek/preschl-2011.study.yaml';
    let uri: string;
    let text: string;

    before(async () => {
      uri = await client.open(rel);
      text = client.text(uri);
    });

    after(async () => {
      await client.close(uri);
    });

    test('documentSymbol lists arms and outcomes by id, results by arm', async () => {
      const symbols = await client.request<DocumentSymbol[]>('textDocument/documentSymbol', {
        textDocument: { uri },
      });
      const byName = new Map(symbols.map((s) => [s.name, s]));
      assert.deepEqual(
        symbols.map((s) => s.name),
        [
          'study',
          'reviewer',
          'status',
          'protocol_version',
          'citation',
          'design',
          'country',
          'total_n',
          'arms',
          'outcomes',
          'notes',
        ],
      );
      const arms = byName.get('arms')!;
      assert.deepEqual(
        arms.children!.map((c) => c.name),
        ['online', 'f2f'],
      );
      const online = arms.children![0]!;
      assert.deepEqual(online.selectionRange, {
        start: positionOf(text, 'id: online', 4),
        end: positionOf(text, 'id: online', 10),
      });
      assert.equal(online.range.start.line, positionOf(text, 'id: online').line);
      assert.equal(online.range.end.line, positionOf(text, '    n: 25 ').line);
      const outcomes = byName.get('outcomes')!;
      assert.deepEqual(
        outcomes.children!.map((c) => c.name),
        ['alliance-total', 'alliance-mid', 'alliance-therapist'],
      );
      assert.deepEqual(
        outcomes.children![0]!.children!.map((c) => c.name),
        ['online', 'f2f'],
      );
      for (const symbol of [...symbols, ...arms.children!, ...outcomes.children!]) {
        const inside =
          (symbol.selectionRange.start.line > symbol.range.start.line ||
            (symbol.selectionRange.start.line === symbol.range.start.line &&
              symbol.selectionRange.start.character >= symbol.range.start.character)) &&
          symbol.selectionRange.end.line <= symbol.range.end.line;
        assert.ok(inside, `selectionRange of ${symbol.name} inside its range`);
      }
    });

    test('foldingRange: the blocks of the record', async () => {
      const ranges = await client.request<{ startLine: number; endLine: number }[]>(
        'textDocument/foldingRange',
        {
          textDocument: { uri },
        },
      );
      assert.ok(ranges.length > 0);
      const armsLine = positionOf(text, '\narms:', 1).line;
      const lastArmLine = positionOf(text, '    n: 28').line;
      assert.ok(
        ranges.some((r) => r.startLine === armsLine && r.endLine === lastArmLine),
        JSON.stringify(ranges),
      );
      assert.ok(ranges.every((r) => r.endLine > r.startLine));
    });

    test("definition: from an arm id key inside results to the arm's `id` value", async () => {
      const from = positionOf(text, 'f2f: { mean', 1);
      const result = await client.request<
        { uri: string; range: Range } | { uri: string; range: Range }[] | null
      >('textDocument/definition', { textDocument: { uri }, position: from });
      const location = Array.isArray(result) ? result[0] : result;
      assert.ok(location);
      assert.equal(location.uri, uri);
      assert.deepEqual(location.range, {
        start: positionOf(text, 'id: f2f', 4),
        end: positionOf(text, 'id: f2f', 7),
      });
      const none = await client.request('textDocument/definition', {
        textDocument: { uri },
        position: positionOf(text, 'journal: BMC', 2),
      });
      assert.equal(none, null);
    });
  });
});
