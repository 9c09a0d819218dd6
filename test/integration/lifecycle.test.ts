// Classic regressions of YAML extensions: diagnostics that outlive the text they were about.
import * as assert from 'node:assert/strict';
import { after, before, describe, it } from 'mocha';
import * as vscode from 'vscode';
import {
  activateExtension,
  documentClosed,
  fileUri,
  hasCode,
  hasNoErrors,
  openRecordInEditor,
  replaceInDocument,
  revertAndCloseAll,
  TEST_TIMEOUT_MS,
  waitForDiagnostics,
} from './helpers';

describe('Diagnostics lifecycle', function () {
  this.timeout(TEST_TIMEOUT_MS);
  const created: vscode.Uri[] = [];
  before(activateExtension);
  after(async () => {
    await revertAndCloseAll();
    for (const uri of created) await vscode.workspace.fs.delete(uri).then(undefined, () => undefined);
  });

  it('clears the errors of an unsaved broken record when it is reverted and closed', async () => {
    const editor = await openRecordInEditor('records/ek/lindner-2014.study.yaml');
    const { document } = editor;
    const uri = document.uri;
    await replaceInDocument(document, 'rater: client', 'rater: patient');
    await waitForDiagnostics(uri, hasCode('enum'), 'an `enum` error in the unsaved buffer');
    assert.ok(document.isDirty);

    const closed = documentClosed(uri);
    await vscode.window.showTextDocument(document);
    await vscode.commands.executeCommand('workbench.action.revertAndCloseActiveEditor');
    await closed;
    await waitForDiagnostics(uri, hasNoErrors, 'the errors to go away once the record is closed');
  });

  it('clears the errors of a broken record after Revert File, and keeps them away after closing it', async () => {
    const editor = await openRecordInEditor('records/mk/lindner-2014.study.yaml');
    const { document } = editor;
    const uri = document.uri;
    await replaceInDocument(document, 'rater: client', 'rater: patient');
    await waitForDiagnostics(uri, hasCode('enum'), 'an `enum` error in the unsaved buffer');

    await vscode.window.showTextDocument(document);
    await vscode.commands.executeCommand('workbench.action.files.revert');
    assert.equal(document.isDirty, false);
    await waitForDiagnostics(uri, hasNoErrors, 'the errors to go away after Revert File');

    const closed = documentClosed(uri);
    await vscode.commands.executeCommand('workbench.action.closeActiveEditor');
    await closed;
    // The server re-checks the file from disk on close; nothing may come back.
    await vscode.commands.executeCommand('studyExtraction.checkReview');
    assert.ok(hasNoErrors(vscode.languages.getDiagnostics(uri)), 'errors came back after closing');
  });

  it('clears the diagnostics of a broken record file deleted from disk', async () => {
    const source = await vscode.workspace.fs.readFile(fileUri('records/mk/ly-2015.study.yaml'));
    const broken = new TextDecoder()
      .decode(source)
      .replace(/^study: .*$/m, 'study: zz-deleted-2020')
      .replace('rater: client', 'rater: patient');
    const uri = fileUri('records/mk/zz-deleted-2020.study.yaml');
    created.push(uri);
    await vscode.workspace.fs.writeFile(uri, new TextEncoder().encode(broken));
    await waitForDiagnostics(uri, hasCode('enum'), 'an `enum` error in the new file on disk');

    await vscode.workspace.fs.delete(uri);
    await waitForDiagnostics(uri, (d) => d.length === 0, 'every diagnostic to go away after the delete');
  });

  it('clears the diagnostics of a broken record deleted from disk after it was open', async () => {
    const source = await vscode.workspace.fs.readFile(fileUri('records/ek/ly-2015.study.yaml'));
    const broken = new TextDecoder()
      .decode(source)
      .replace(/^study: .*$/m, 'study: zz-opened-2020')
      .replace('rater: client', 'rater: patient');
    const uri = fileUri('records/ek/zz-opened-2020.study.yaml');
    created.push(uri);
    await vscode.workspace.fs.writeFile(uri, new TextEncoder().encode(broken));
    const editor = await openRecordInEditor('records/ek/zz-opened-2020.study.yaml');
    await waitForDiagnostics(uri, hasCode('enum'), 'an `enum` error in the opened file');

    const closed = documentClosed(uri);
    await vscode.window.showTextDocument(editor.document);
    await vscode.commands.executeCommand('workbench.action.closeActiveEditor');
    await closed;
    await vscode.workspace.fs.delete(uri);
    await waitForDiagnostics(uri, (d) => d.length === 0, 'every diagnostic to go away after the delete');
  });
});
