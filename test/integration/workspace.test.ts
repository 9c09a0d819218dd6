// The extension activates in the example review, checks every file and publishes the diagnostics of
// records that are not open, through the language server's file watcher.
import * as assert from 'node:assert/strict';
import { after, before, describe, it } from 'mocha';
import * as vscode from 'vscode';
import {
  activateExtension,
  EXTENSION_ID,
  fileUri,
  hasCode,
  hasNoErrors,
  revertAndCloseAll,
  TEST_TIMEOUT_MS,
  waitForDiagnostics,
} from './helpers';

describe('Workspace: the example review', function () {
  this.timeout(TEST_TIMEOUT_MS);
  // A record that no other suite opens: VS Code keeps opened documents for minutes after their editors close.
  const record = 'records/mk/berger-2018.study.yaml';
  let original: Uint8Array | undefined;

  before(activateExtension);
  after(async () => {
    if (original) await vscode.workspace.fs.writeFile(fileUri(record), original);
    await revertAndCloseAll();
  });

  it('activates the extension in a folder with review.yaml', () => {
    const extension = vscode.extensions.getExtension(EXTENSION_ID);
    assert.ok(extension?.isActive, 'the extension is not active');
  });

  it('Check Review checks every file of the example without errors', async () => {
    const summary = await vscode.commands.executeCommand<{ files: number; errors: number; warnings: number }>(
      'studyExtraction.checkReview',
    );
    assert.ok(summary, 'studyExtraction.checkReview returned nothing');
    // review.yaml, the extraction schema and every record.
    const records = await vscode.workspace.findFiles('records/**/*.study.yaml');
    assert.ok(records.length >= 14, `records found: ${records.length}`);
    assert.equal(summary.files, records.length + 2, `files checked: ${JSON.stringify(summary)}`);
    const errors = vscode.languages
      .getDiagnostics()
      .flatMap(([uri, diagnostics]) =>
        diagnostics
          .filter((d) => d.severity === vscode.DiagnosticSeverity.Error)
          .map((d) => `${vscode.workspace.asRelativePath(uri)}:${d.range.start.line + 1}: ${d.message}`),
      );
    assert.equal(summary.errors, 0, `errors: ${JSON.stringify(summary)}\n${errors.join('\n')}`);
  });

  it('publishes the diagnostics of a record broken on disk, and clears them once it is fixed', async () => {
    const uri = fileUri(record);
    original = await vscode.workspace.fs.readFile(uri);
    const text = new TextDecoder().decode(original);
    assert.match(text, /rater: client/);
    const broken = text.replace('rater: client', 'rater: patient');
    await vscode.workspace.fs.writeFile(uri, new TextEncoder().encode(broken));
    const diagnostics = await waitForDiagnostics(
      uri,
      hasCode('enum'),
      'an `enum` error for `rater: patient`',
    );
    const error = diagnostics.find((d) => d.message.includes('patient'));
    assert.ok(error, 'no diagnostic names the wrong value');
    assert.equal(error.severity, vscode.DiagnosticSeverity.Error);
    assert.ok(
      vscode.workspace.textDocuments.every((d) => d.uri.fsPath !== uri.fsPath),
      'the record was opened, so this did not test the file watcher',
    );

    await vscode.workspace.fs.writeFile(uri, original);
    original = undefined;
    await waitForDiagnostics(uri, hasNoErrors, 'no errors after restoring the file');
  });
});
