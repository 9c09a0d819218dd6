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
    vscode.window.setStatusBarMessage('Study Extraction: every field to extract is filled.', 4000);
    return null;
  }
  if (result.edit) {
    const { start, end } = result.edit.range;
    const range = new vscode.Range(start.line, start.character, end.line, end.character);
    // The blank YAML needs after a colon, or the missing key, as an edit the reviewer can undo.
    const newText = result.edit.newText;
    const applied = await editor.edit((edit) => edit.replace(range, newText));
    if (!applied) return null;
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
  vscode.window.setStatusBarMessage(progressMessage(result), 8000);
  return result;
}

/** `Study Extraction: arms[f2f].n · 3 left: arms[f2f].n, results…, … — Randomized n: …` */
function progressMessage(result: NextMissingFieldResult): string {
  const shown = result.left.slice(0, 3).join(', ');
  const more = result.left.length > 3 ? ', …' : '';
  const help = result.help ? ` — ${result.help}` : '';
  return `Study Extraction: ${result.field} · ${result.remaining} left: ${shown}${more}${help}`;
}
