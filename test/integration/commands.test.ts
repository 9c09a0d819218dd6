// The commands: New Study Record creates a valid record from the review's schema; Next Missing Field
// moves the cursor to the first empty required field; Show Extraction Progress opens the studies ×
// reviewers matrix, which follows an unsaved edit and opens a record from its cell.
import * as assert from 'node:assert/strict';
import { after, before, describe, it } from 'mocha';
import * as vscode from 'vscode';
import {
  activateExtension,
  diagnosticsOf,
  fileUri,
  hasCode,
  replaceInDocument,
  revertAndCloseAll,
  TEST_TIMEOUT_MS,
  waitForDiagnostics,
} from './helpers';

interface NextMissingField {
  position: { line: number; character: number };
  field: string;
  kind: 'missing' | 'empty';
  remaining: number;
}

type Cell = { state: 'missing' } | { state: 'complete' | 'draft'; path: string };
interface ProgressHandle {
  panel: vscode.WebviewPanel;
  refresh(): Promise<{
    rows: number;
    result: {
      reviews: {
        matrix?: {
          columns: { reviewer: string }[];
          rows: { study: string; cells: Cell[]; missing: number; drafts: number; comparison: string }[];
        };
      }[];
    };
  }>;
  openRecord(path: string): Promise<vscode.TextEditor | undefined>;
}

/** The line numbers of keys whose value is empty and that have no nested lines: empty leaf fields. */
function emptyLeafLines(document: vscode.TextDocument): number[] {
  const lines: number[] = [];
  const indent = (text: string) => /^\s*(?:- )?/.exec(text)![0].length;
  for (let i = 0; i < document.lineCount; i++) {
    const text = document.lineAt(i).text;
    if (!/^\s*(?:- )?[A-Za-z_][\w-]*:\s*(?:#.*)?$/.test(text)) continue;
    let next = i + 1;
    while (next < document.lineCount && document.lineAt(next).isEmptyOrWhitespace) next++;
    const nested = next < document.lineCount && indent(document.lineAt(next).text) > indent(text);
    if (!nested) lines.push(i);
  }
  return lines;
}

describe('Commands', function () {
  this.timeout(TEST_TIMEOUT_MS);
  const relative = 'records/ek/new-2024.study.yaml';
  before(activateExtension);
  after(async () => {
    await revertAndCloseAll();
    await vscode.workspace.fs.delete(fileUri(relative)).then(
      () => undefined,
      () => undefined,
    );
  });

  it('New Study Record creates records/ek/new-2024.study.yaml without errors', async () => {
    const expected = fileUri(relative);
    const uri = await vscode.commands.executeCommand<vscode.Uri | undefined>(
      'studyExtraction.newStudyRecord',
      {
        study: 'new-2024',
        reviewer: 'ek',
      },
    );
    assert.ok(uri, 'the command returned no Uri (see its error message)');
    assert.equal(uri.fsPath, expected.fsPath);
    const text = new TextDecoder().decode(await vscode.workspace.fs.readFile(uri));
    assert.match(text, /^study: new-2024$/m);
    assert.match(text, /^reviewer: ek$/m);
    const editor = vscode.window.activeTextEditor;
    assert.equal(editor?.document.uri.fsPath, expected.fsPath, 'the new record is not the active editor');
    assert.equal(editor.document.languageId, 'study-record');

    // Its empty fields are "not extracted yet" (information), never errors.
    const diagnostics = await waitForDiagnostics(
      uri,
      hasCode('not-extracted'),
      'the check of the new record',
    );
    const errors = diagnostics.filter((d) => d.severity === vscode.DiagnosticSeverity.Error);
    assert.deepEqual(
      errors.map((d) => `${d.range.start.line + 1}: ${d.message}`),
      [],
      'the new record has errors',
    );
  });

  it('Next Missing Field moves the cursor to the first empty required field', async () => {
    const uri = fileUri(relative);
    const editor = await vscode.window.showTextDocument(uri);
    const start = new vscode.Position(0, 0);
    editor.selection = new vscode.Selection(start, start);

    const result = await vscode.commands.executeCommand<NextMissingField | null>(
      'studyExtraction.nextMissingField',
    );
    assert.ok(result, 'no missing field found in a new record');
    const expectedLine = emptyLeafLines(editor.document)[0];
    assert.ok(expectedLine !== undefined, 'the new record has no empty field');
    assert.equal(result.position.line, expectedLine, `went to ${JSON.stringify(result)}`);
    assert.equal(result.kind, 'empty');
    const key = /^\s*(?:- )?([\w-]+):/.exec(editor.document.lineAt(expectedLine).text)![1]!;
    assert.ok(
      result.field.endsWith(key),
      `field ${result.field} is not the \`${key}\` of line ${expectedLine + 1}`,
    );
    assert.ok(result.remaining >= 2, `remaining: ${result.remaining}`);
    const active = vscode.window.activeTextEditor!;
    assert.equal(active.document.uri.fsPath, uri.fsPath);
    assert.deepEqual(
      { line: active.selection.active.line, character: active.selection.active.character },
      result.position,
      'the cursor is not at the field',
    );
    assert.ok(active.selection.isEmpty);
    assert.ok(
      diagnosticsOf(uri).some((d) => d.range.start.line === expectedLine),
      'the field has no "not extracted yet" diagnostic',
    );

    const second = await vscode.commands.executeCommand<NextMissingField | null>(
      'studyExtraction.nextMissingField',
    );
    assert.ok(second);
    assert.equal(
      second.position.line,
      emptyLeafLines(editor.document)[1],
      'the second call goes to the next field',
    );
    assert.equal(active.selection.active.line, second.position.line);
  });

  it('typing after Next Missing Field fills the value: after a blank, before the comment, over a placeholder', async () => {
    const uri = fileUri(relative);
    const editor = await vscode.window.showTextDocument(uri);
    const document = editor.document;
    // Three empty values as a reviewer meets them: no blank after the colon, a note, a placeholder.
    const firstEmpty = emptyLeafLines(document)[0]!;
    const key = /^(\s*(?:- )?[\w-]+):/.exec(document.lineAt(firstEmpty).text)![1]!;
    await editor.edit((edit) => edit.replace(document.lineAt(firstEmpty).range, `${key}:`));
    const start = new vscode.Position(0, 0);
    editor.selection = new vscode.Selection(start, start);
    await vscode.commands.executeCommand('studyExtraction.nextMissingField');
    await vscode.commands.executeCommand('type', { text: 'Typed' });
    assert.equal(document.lineAt(firstEmpty).text, `${key}: Typed`);

    await editor.edit((edit) => edit.replace(document.lineAt(firstEmpty).range, `${key}: # a note`));
    editor.selection = new vscode.Selection(start, start);
    await vscode.commands.executeCommand('studyExtraction.nextMissingField');
    await vscode.commands.executeCommand('type', { text: 'Typed' });
    assert.equal(document.lineAt(firstEmpty).text, `${key}: Typed # a note`);

    await editor.edit((edit) => edit.replace(document.lineAt(firstEmpty).range, `${key}: null`));
    editor.selection = new vscode.Selection(start, start);
    await vscode.commands.executeCommand('studyExtraction.nextMissingField');
    await vscode.commands.executeCommand('type', { text: 'Typed' });
    assert.equal(document.lineAt(firstEmpty).text, `${key}: Typed`);
  });

  it('New Study Record takes the reviewer from studyExtraction.reviewer instead of asking', async () => {
    const made = 'records/mk/setting-2025.study.yaml';
    const settings = vscode.workspace.getConfiguration('studyExtraction');
    await settings.update('reviewer', 'mk', vscode.ConfigurationTarget.Workspace);
    try {
      // Two reviewers in the example: without the setting, this would wait on a quick pick.
      const uri = await vscode.commands.executeCommand<vscode.Uri | undefined>(
        'studyExtraction.newStudyRecord',
        {
          study: 'setting-2025',
        },
      );
      assert.equal(uri?.fsPath, fileUri(made).fsPath);
      const text = new TextDecoder().decode(await vscode.workspace.fs.readFile(uri));
      assert.match(text, /^reviewer: mk$/m);
    } finally {
      await settings.update('reviewer', undefined, vscode.ConfigurationTarget.Workspace);
      await revertAndCloseAll();
      await vscode.workspace.fs.delete(fileUri(made)).then(
        () => undefined,
        () => undefined,
      );
    }
  });

  it('Show Extraction Progress opens the studies × reviewers matrix, follows an unsaved edit, opens a record from its cell', async () => {
    const handle = await vscode.commands.executeCommand<ProgressHandle>('studyExtraction.showProgress');
    assert.ok(handle?.panel, 'the command returned no panel');
    assert.equal(handle.panel.viewType, 'studyExtraction.progress');
    assert.ok(handle.panel.visible, 'the panel is not shown');
    try {
      const drawn = await handle.refresh();
      const matrix = drawn.result.reviews[0]?.matrix;
      assert.ok(matrix, 'no matrix in the reply');
      assert.deepEqual(
        matrix.columns.map((c) => c.reviewer),
        ['ek', 'mk', 'consensus'],
      );
      assert.equal(drawn.rows, matrix.rows.length, 'the page drew one row per study');
      const meyer = () => matrix.rows.find((r) => r.study === 'meyer-2015');
      assert.deepEqual(
        meyer()?.cells.map((c) => c.state),
        ['complete', 'draft', 'missing'],
      );
      assert.equal(meyer()?.comparison, 'blinded');
      // Most work left first: no study without a missing record or a draft comes before meyer-2015.
      const before = matrix.rows.slice(0, matrix.rows.indexOf(meyer()!));
      assert.ok(
        before.every((r) => r.missing + r.drafts > 0),
        before.map((r) => r.study).join(', '),
      );

      const draft = 'records/mk/meyer-2015.study.yaml';
      const document = await vscode.workspace.openTextDocument(fileUri(draft));
      await replaceInDocument(document, 'status: draft', 'status: complete');
      const edited = (await handle.refresh()).result.reviews[0]!.matrix!;
      const row = edited.rows.find((r) => r.study === 'meyer-2015')!;
      assert.equal(row.drafts, 0, 'the unsaved status is not in the matrix');
      assert.equal(row.comparison, 'compared');

      const editor = await handle.openRecord(draft);
      assert.equal(editor?.document.uri.fsPath, fileUri(draft).fsPath);
      assert.equal(
        await handle.openRecord('records/../review.yaml'),
        undefined,
        'a path no cell names opened',
      );
    } finally {
      handle.panel.dispose();
      await revertAndCloseAll();
    }
  });
});
