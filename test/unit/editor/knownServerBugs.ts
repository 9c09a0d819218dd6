// Bugs of the editor features as a client sees them over stdio (built server), each as a test that fails
// until it is fixed. Not part of the suite (the name does not end in .test.ts): run it with
//   npm run build && node --import tsx --test --test-reporter=spec test/unit/editor/knownServerBugs.ts
// and move a test into the suite once it passes.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { snippetToPlainText } from '../../../src/core/editor/completion';
import { parseYaml } from '../../../src/core/yaml/yamlDocument';
import { offsetAt, positionAt } from '../../support/caret';
import { LspClient, positionOf, type Position, type TextEdit } from '../../server/lspClient';

interface CompletionItem {
  label: string;
  textEdit?: TextEdit;
  insertTextMode?: number;
}

/**
 * The text after a completion is accepted as VS Code accepts it, and where the caret is then: unless the
 * item says `asIs` (1), every line after the first gets the indentation of the line it is inserted on.
 */
function accept(text: string, item: CompletionItem): { text: string; caret: Position } {
  const { range, newText } = item.textEdit!;
  const indentation = /^\s*/.exec(text.split('\n')[range.start.line]!)![0];
  const inserted = item.insertTextMode === 1 ? newText : newText.replace(/\n/g, `\n${indentation}`);
  const [beforeCaret, afterCaret = ''] = inserted.split('$0');
  const start = offsetAt(text, range.start);
  const head = text.slice(0, start) + snippetToPlainText(beforeCaret!);
  return {
    text: head + snippetToPlainText(afterCaret) + text.slice(offsetAt(text, range.end)),
    caret: positionAt(head, head.length),
  };
}

describe('known bugs over stdio', () => {
  let client: LspClient;
  let uri: string;
  let original: string;

  before(async () => {
    client = await LspClient.start();
    uri = await client.open('records/ek/preschl-2011.study.yaml');
    original = client.text(uri);
  });
  after(async () => {
    await client?.stop();
  });

  async function completeAt(text: string, position: Position): Promise<CompletionItem[]> {
    await client.change(uri, text);
    const result = await client.request<CompletionItem[] | { items: CompletionItem[] }>(
      'textDocument/completion',
      {
        textDocument: { uri },
        position,
      },
    );
    return Array.isArray(result) ? result : result.items;
  }

  test('the New arm snippet, accepted in VS Code, lines its fields up under `id`', async () => {
    // src/server/server.ts (onCompletion): the snippet is indented already, and no insertTextMode asIs
    // tells VS Code not to indent it again (`label` lands at column 6, inside the value of `id`).
    const text = original.replace('\noutcomes:\n', '\n  - \noutcomes:\n');
    const position = positionOf(text, '  - \noutcomes:', 4);
    const item = (await completeAt(text, position)).find((i) => i.label === 'New arm')!;
    const accepted = accept(text, item);
    const arms = (parseYaml(accepted.text).value as { arms: Record<string, unknown>[] }).arms;
    assert.deepEqual(Object.keys(arms[2]!), ['id', 'label', 'group', 'n'], accepted.text);
  });

  test('a nested block field, accepted in VS Code, puts the caret one level below its key', async () => {
    // The same for every multi-line property snippet below the top level (`scale:` in an outcome).
    const text = original.replace('    rater: therapist\n', '    rater: therapist\n    sc\n');
    const position = positionOf(text, '    sc\n', 6);
    const item = (await completeAt(text, position)).find((i) => i.label === 'scale')!;
    assert.equal(accept(text, item).caret.character, 6);
  });
});
