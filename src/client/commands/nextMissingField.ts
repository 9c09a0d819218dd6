import * as vscode from 'vscode';
import type { LanguageClient } from 'vscode-languageclient/node';
import type { NextMissingFieldResult } from '../../shared/protocol';
import { Requests } from '../../shared/requests';
import { STUDY_RECORD_LANGUAGE } from '../language';

/** Moves the cursor to the next (or, `backward`, the previous) field the record still lacks. */
export async function nextMissingField(
  client: LanguageClient,
  editor = vscode.window.activeTextEditor,
  backward = false,
): Promise<NextMissingFieldResult | null> {
  if (!editor || editor.document.languageId !== STUDY_RECORD_LANGUAGE) {
    void vscode.window.showInformationMessage('Study Extraction: open a study record (*.study.yaml) first.');
    return null;
  }
  const result = await client.sendRequest(Requests.nextMissingField, {
    uri: editor.document.uri.toString(),
    position: { line: editor.selection.active.line, character: editor.selection.active.character },
    backward,
  });
  if (!result) {
    vscode.window.setStatusBarMessage('Study Extraction: every required field is filled.', 4000);
    return null;
  }
  if (result.insertSpace) {
    const at = new vscode.Position(result.insertSpace.line, result.insertSpace.character);
    // The blank YAML needs between the colon (or a comment) and the value, as an edit the reviewer can undo.
    const inserted = await editor.edit((edit) => edit.insert(at, ' '));
    if (!inserted) return null;
  }
  const position = new vscode.Position(result.position.line, result.position.character);
  const end = result.selectionEnd
    ? new vscode.Position(result.selectionEnd.line, result.selectionEnd.character)
    : position;
  // A placeholder is selected, so that typing replaces it.
  editor.selection = new vscode.Selection(position, end);
  editor.revealRange(
    new vscode.Range(position, position),
    vscode.TextEditorRevealType.InCenterIfOutsideViewport,
  );
  vscode.window.setStatusBarMessage(
    `Study Extraction: ${result.field} is ${result.kind}; ${result.remaining} required field${result.remaining === 1 ? '' : 's'} left.`,
    4000,
  );
  return result;
}
