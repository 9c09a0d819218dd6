// Every completion the server offers, applied as the client applies it, leaves a record that parses:
// in VS Code (snippets; unless an item says `asIs`, each line after the first gets the indentation of the
// line it is inserted on) and in a client without snippet support (plain text inserted as it is).
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { snippetToPlainText } from '../../src/core/editor/completion';
import { parseYaml } from '../../src/core/yaml/yamlDocument';
import { offsetAt, positionAt } from '../support/caret';
import { LspClient, positionOf, type Position, type TextEdit } from './lspClient';

interface CompletionItem {
  label: string;
  textEdit?: TextEdit;
  insertTextFormat?: number;
  insertTextMode?: number;
}

const AS_IS = 1;
const SNIPPET = 2;

/** The text once an item is accepted, and where the caret is then. */
function accept(
  text: string,
  item: CompletionItem,
  client: 'vscode' | 'plain',
): { text: string; caret: Position } {
  const { range, newText } = item.textEdit!;
  const indentation = /^\s*/.exec(text.split('\n')[range.start.line]!)![0];
  const adjusted =
    client === 'vscode' && item.insertTextMode !== AS_IS
      ? newText.replace(/\n/g, `\n${indentation}`)
      : newText;
  const start = offsetAt(text, range.start);
  const rest = text.slice(offsetAt(text, range.end));
  if (item.insertTextFormat !== SNIPPET) {
    const head = text.slice(0, start) + adjusted;
    return { text: head + rest, caret: positionAt(head, head.length) };
  }
  const [beforeCaret, afterCaret = ''] = adjusted.split('$0');
  const head = text.slice(0, start) + snippetToPlainText(beforeCaret!);
  return { text: head + snippetToPlainText(afterCaret) + rest, caret: positionAt(head, head.length) };
}

/** Where a reviewer asks for completion: a new line at each level, a new list item, and values. */
function places(original: string): { name: string; text: string; position: Position }[] {
  const at = (name: string, text: string, marker: string, offset: number) => ({
    name,
    text,
    position: positionOf(text, marker, offset),
  });
  const topLine = original.replace('\narms:\n', '\n\narms:\n');
  const newArm = original.replace('\noutcomes:\n', '\n  - \noutcomes:\n');
  // The second arm without its n: a key is left to offer.
  const inArm = original.replace(/( {4}group: face-to-face\n) {4}n: 28[^\n]*\n/, '$1    \n');
  const newOutcome = original.replace('\nnotes:', '\n  - \nnotes:');
  const inOutcome = original.replace('    rater: therapist\n', '    rater: therapist\n    \n');
  const inResults = original.replace(
    '      f2f: { mean: NR, sd: NR, n: 28 }\nnotes',
    '      f2f: { mean: NR, sd: NR, n: 28 }\n      \nnotes',
  );
  const inCitation = original.replace('  pages: 189\n', '  pages: 189\n  \n');
  return [
    at('a new top-level line', topLine, '\n\narms:', 1),
    at('a new arm', newArm, '  - \noutcomes:', 4),
    at('a new line in an arm', inArm, 'face-to-face\n    \n', 17),
    at('a new outcome', newOutcome, '  - \nnotes:', 4),
    at('a new line in an outcome', inOutcome, '    \n', 4),
    at('a new line in results', inResults, '      \nnotes', 6),
    at('a new line in the citation', inCitation, '  \n', 2),
    at('the value of design', original.replace('design: rct', 'design: '), 'design: ', 8),
    at('the value of a group', original.replace('group: email', 'group: '), 'group: \n', 7),
    at('the value of a rater', original.replace('rater: therapist', 'rater: '), 'rater: \n', 7),
  ];
}

for (const client of ['vscode', 'plain'] as const) {
  describe(`every completion item, applied as ${client === 'vscode' ? 'VS Code' : 'a client without snippets'} applies it, leaves YAML that parses`, () => {
    let lsp: LspClient;
    let uri: string;
    let original: string;
    before(async () => {
      lsp = await LspClient.start(client === 'plain' ? { capabilities: {} } : {});
      uri = await lsp.open('records/ek/preschl-2011.study.yaml');
      original = lsp.text(uri);
    });
    after(async () => {
      await lsp?.stop();
    });

    test('at each place a reviewer types', async () => {
      let applied = 0;
      for (const place of places(original)) {
        await lsp.change(uri, place.text);
        const result = await lsp.request<CompletionItem[] | { items: CompletionItem[] }>(
          'textDocument/completion',
          {
            textDocument: { uri },
            position: place.position,
          },
        );
        const items = Array.isArray(result) ? result : result.items;
        assert.ok(items.length > 0, `nothing offered at ${place.name}`);
        for (const item of items) {
          if (client === 'plain') assert.notEqual(item.insertTextFormat, SNIPPET, `${item.label}: a snippet`);
          const accepted = accept(place.text, item, client);
          const file = parseYaml(accepted.text);
          assert.deepEqual(
            file.diagnostics.map((d) => `${d.range.start.line + 1}: ${d.message}`),
            [],
            `${place.name}, "${item.label}":\n${accepted.text}`,
          );
          applied++;
        }
      }
      assert.ok(applied > 40, `only ${applied} items applied`);
    });

    test('the New arm snippet lines its fields up under `id`', async () => {
      const text = original.replace('\noutcomes:\n', '\n  - \noutcomes:\n');
      await lsp.change(uri, text);
      const result = await lsp.request<CompletionItem[] | { items: CompletionItem[] }>(
        'textDocument/completion',
        {
          textDocument: { uri },
          position: positionOf(text, '  - \noutcomes:', 4),
        },
      );
      const items = Array.isArray(result) ? result : result.items;
      const accepted = accept(
        text,
        items.find((i) => i.label === 'New arm')!,
        client,
      );
      const arms = (parseYaml(accepted.text).value as { arms: Record<string, unknown>[] }).arms;
      assert.deepEqual(Object.keys(arms[2]!), ['id', 'label', 'group', 'n'], accepted.text);
    });

    test('a nested block field puts the caret one level below its key', async () => {
      const text = original.replace('    rater: therapist\n', '    rater: therapist\n    sc\n');
      await lsp.change(uri, text);
      const result = await lsp.request<CompletionItem[] | { items: CompletionItem[] }>(
        'textDocument/completion',
        {
          textDocument: { uri },
          position: positionOf(text, '    sc\n', 6),
        },
      );
      const items = Array.isArray(result) ? result : result.items;
      const accepted = accept(
        text,
        items.find((i) => i.label === 'scale')!,
        client,
      );
      if (client === 'vscode') assert.equal(accepted.caret.character, 6);
      assert.deepEqual(parseYaml(accepted.text).diagnostics, [], accepted.text);
    });
  });
}
