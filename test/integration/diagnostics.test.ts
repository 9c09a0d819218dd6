// Validation as you type: an invalid value gets an error at its range, which goes away on undo or fix.
import * as assert from 'node:assert/strict';
import { after, before, describe, it } from 'mocha';
import * as vscode from 'vscode';
import {
  activateExtension,
  codeOf,
  hasCode,
  hasNoCode,
  openRecord,
  replaceInDocument,
  revertAndCloseAll,
  TEST_TIMEOUT_MS,
  waitForDiagnostics,
} from './helpers';

describe('Diagnostics as you type', function () {
  this.timeout(TEST_TIMEOUT_MS);
  before(activateExtension);
  after(revertAndCloseAll);

  it('reports an invalid enum value at its range with code `enum`, and clears it on undo', async () => {
    const editor = await openRecord('records/ek/preschl-2011.study.yaml');
    const { document } = editor;
    const uri = document.uri;
    // The record is valid: wait until the server has checked it (it publishes on open).
    await waitForDiagnostics(uri, hasNoCode('enum'), 'the first check');

    const range = await replaceInDocument(document, 'group: email', 'group: emial');
    const valueRange = new vscode.Range(range.start.translate(0, 'group: '.length), range.end);
    const diagnostics = await waitForDiagnostics(uri, hasCode('enum'), 'an `enum` error for `emial`');
    const error = diagnostics.find((d) => codeOf(d) === 'enum')!;
    assert.equal(error.severity, vscode.DiagnosticSeverity.Error);
    assert.equal(error.source, 'study-extraction');
    assert.ok(
      error.range.isEqual(valueRange),
      `range ${JSON.stringify(error.range)} is not that of the value ${JSON.stringify(valueRange)}`,
    );
    assert.match(error.message, /emial/);
    assert.match(error.message, /email/, 'the message suggests the closest allowed value');
    assert.equal(
      diagnostics.filter((d) => d.severity === vscode.DiagnosticSeverity.Error).length,
      1,
      'one error only',
    );

    await vscode.window.showTextDocument(document);
    await vscode.commands.executeCommand('undo');
    assert.ok(document.getText().includes('group: email\n'), 'undo did not restore the value');
    await waitForDiagnostics(uri, hasNoCode('enum'), 'the `enum` error to go away after undo');
    assert.equal(document.isDirty, false, 'undo back to the saved text leaves the document clean');
  });

  it('clears the error when the value is fixed by an edit, and offers a quick fix for it', async () => {
    const editor = await openRecord('records/mk/meyer-2015.study.yaml');
    const { document } = editor;
    const uri = document.uri;
    const original = /group: (\S+)/.exec(document.getText())![1]!;
    const misspelt = original.slice(0, -1);
    const range = await replaceInDocument(document, `group: ${original}`, `group: ${misspelt}`);
    const diagnostics = await waitForDiagnostics(
      uri,
      hasCode('enum'),
      `an \`enum\` error for \`${misspelt}\``,
    );
    const error = diagnostics.find((d) => codeOf(d) === 'enum')!;

    const actions = await vscode.commands.executeCommand<vscode.CodeAction[]>(
      'vscode.executeCodeActionProvider',
      uri,
      error.range,
      vscode.CodeActionKind.QuickFix.value,
    );
    const titles = actions.map((a) => a.title);
    assert.ok(
      titles.includes(`Change to \`${original}\``),
      `no "Change to \`${original}\`" quick fix among ${JSON.stringify(titles)}`,
    );

    const edit = new vscode.WorkspaceEdit();
    edit.replace(uri, new vscode.Range(range.start, range.end), `group: ${original}`);
    assert.ok(await vscode.workspace.applyEdit(edit));
    await waitForDiagnostics(uri, hasNoCode('enum'), 'the `enum` error to go away after the fix');
  });
});
