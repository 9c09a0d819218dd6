// Completion, hover and the "Add missing field" quick fix, through VS Code's own provider commands.
import * as assert from 'node:assert/strict';
import { after, afterEach, before, describe, it } from 'mocha';
import * as vscode from 'vscode';
import {
  activateExtension,
  codeOf,
  hasCode,
  hasNoCode,
  hoverText,
  labelOf,
  openRecord,
  rangeOf,
  replaceInDocument,
  revertAndCloseAll,
  TEST_TIMEOUT_MS,
  waitForDiagnostics,
} from './helpers';

/** The treatment conditions of examples/therapeutic-alliance/schemas/extraction.schema.json. */
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

describe('Language features', function () {
  this.timeout(TEST_TIMEOUT_MS);
  before(activateExtension);
  afterEach(revertAndCloseAll);
  after(revertAndCloseAll);

  it('completes `group: ` with the review’s treatment conditions', async () => {
    const { document } = await openRecord('records/ek/andersson-2012.study.yaml');
    const value = /group: (\S+)/.exec(document.getText())![1]!;
    const range = await replaceInDocument(document, `group: ${value}`, 'group: ');
    const list = await vscode.commands.executeCommand<vscode.CompletionList>(
      'vscode.executeCompletionItemProvider',
      document.uri,
      range.end,
    );
    const labels = list.items.map(labelOf);
    for (const group of GROUPS)
      assert.ok(labels.includes(group), `${group} missing from ${JSON.stringify(labels)}`);
    const fromUs = list.items.filter((item) => GROUPS.includes(labelOf(item)));
    assert.ok(
      fromUs.every((item) => item.kind === vscode.CompletionItemKind.Value),
      'the conditions are offered as values',
    );
  });

  it('shows the schema’s description on hover over a key', async () => {
    const { document } = await openRecord('records/ek/berger-2018.study.yaml');
    const key = rangeOf(document, 'group:');
    const hovers = await vscode.commands.executeCommand<vscode.Hover[]>(
      'vscode.executeHoverProvider',
      document.uri,
      key.start.translate(0, 2),
    );
    const text = hoverText(hovers);
    assert.match(text, /Treatment condition/, `hover: ${text}`);
    assert.match(
      text,
      /Which of the review's eight treatment conditions this arm belongs to/,
      `hover: ${text}`,
    );

    const instrument = rangeOf(document, 'instrument:');
    const instrumentHover = hoverText(
      await vscode.commands.executeCommand<vscode.Hover[]>(
        'vscode.executeHoverProvider',
        document.uri,
        instrument.start.translate(0, 3),
      ),
    );
    assert.match(instrumentHover, /The questionnaire used to rate the alliance/, `hover: ${instrumentHover}`);
  });

  it('"Add missing field" adds a `group` that an arm lacks', async () => {
    const { document } = await openRecord('records/mk/preschl-2011.study.yaml');
    const uri = document.uri;
    await waitForDiagnostics(uri, hasNoCode('required'), 'the first check');
    // Delete the `group:` line of the second arm (f2f).
    const line = rangeOf(document, '    group: face-to-face').start.line;
    const remove = new vscode.WorkspaceEdit();
    remove.delete(uri, document.lineAt(line).rangeIncludingLineBreak);
    assert.ok(await vscode.workspace.applyEdit(remove));

    const diagnostics = await waitForDiagnostics(uri, hasCode('required'), 'a `required` error for `group`');
    const required = diagnostics.find((d) => codeOf(d) === 'required')!;
    assert.match(required.message, /group/);
    const actions = await vscode.commands.executeCommand<vscode.CodeAction[]>(
      'vscode.executeCodeActionProvider',
      uri,
      required.range,
      vscode.CodeActionKind.QuickFix.value,
    );
    const titles = actions.map((a) => a.title);
    const add = actions.find((a) => a.title === 'Add missing field `group`');
    assert.ok(add, `no "Add missing field \`group\`" among ${JSON.stringify(titles)}`);
    assert.equal(add.isPreferred, true);
    assert.ok(add.edit, 'the quick fix carries its edit');
    assert.ok(await vscode.workspace.applyEdit(add.edit));

    assert.match(document.getText(), /\n {4}group:/, 'the field was not added to the arm');
    await waitForDiagnostics(uri, hasNoCode('required'), 'the `required` error to go away');
  });
});
