import * as vscode from 'vscode';
import type { LanguageClient } from 'vscode-languageclient/node';
import type { StudyRecordsResult, TextEditData } from '../../shared/protocol';
import { Requests } from '../../shared/requests';

function toWorkspaceEdit(uri: vscode.Uri, edits: TextEditData[]): vscode.WorkspaceEdit {
  const edit = new vscode.WorkspaceEdit();
  for (const e of edits) {
    edit.replace(
      uri,
      new vscode.Range(e.range.start.line, e.range.start.character, e.range.end.line, e.range.end.character),
      e.newText,
    );
  }
  return edit;
}

/** The study of the active (or given) record. */
async function studyRecordsOf(
  client: LanguageClient,
  uri = vscode.window.activeTextEditor?.document.uri,
): Promise<StudyRecordsResult | null> {
  if (!uri) return null;
  return client.sendRequest(Requests.studyRecords, { uri: uri.toString() });
}

/** VS Code's diff editor on the two reviewers' records of the current study. */
export async function compareWithOtherReviewer(
  client: LanguageClient,
  uri?: vscode.Uri,
): Promise<{ left: string; right: string } | undefined> {
  const records = await studyRecordsOf(client, uri);
  if (!records) {
    void vscode.window.showInformationMessage('Study Extraction: open a study record first.');
    return undefined;
  }
  const current = (uri ?? vscode.window.activeTextEditor?.document.uri)?.toString();
  const mine = records.reviewers.find((r) => r.uri === current) ?? records.reviewers[0];
  const other = records.reviewers.find((r) => r !== mine);
  if (!mine || !other) {
    void vscode.window.showInformationMessage(
      `Study Extraction: ${records.study} has only one reviewer's record so far.`,
    );
    return undefined;
  }
  await vscode.commands.executeCommand(
    'vscode.diff',
    vscode.Uri.parse(mine.uri),
    vscode.Uri.parse(other.uri),
    `${records.study}: ${mine.reviewer} ↔ ${other.reviewer}`,
  );
  return { left: mine.uri, right: other.uri };
}

/** A study named directly, or a node of the Disagreements view (whose `study` holds the study). */
export type AdjudicateArgs = { rootUri?: string; study?: string | { rootUri: string; study: string } };

/** Creates the study's consensus record (or adds new disagreements to it) and opens it. */
export async function adjudicateStudy(
  client: LanguageClient,
  args?: AdjudicateArgs,
): Promise<vscode.Uri | undefined> {
  // From the Disagreements view the argument is its tree node, which carries the study.
  const fromView = typeof args?.study === 'object' ? args.study : undefined;
  let rootUri = fromView?.rootUri ?? args?.rootUri;
  let study = fromView?.study ?? (typeof args?.study === 'string' ? args.study : undefined);
  if (!study) {
    const records = await studyRecordsOf(client);
    if (records) {
      rootUri = records.rootUri;
      study = records.study;
    }
  }
  if (!study || !rootUri) {
    const reviews = await client.sendRequest(Requests.reviews);
    const picks = reviews.flatMap((r) =>
      r.studies.map((s) => ({ label: s, description: r.title, rootUri: r.rootUri })),
    );
    const picked = await vscode.window.showQuickPick(picks, { title: 'Adjudicate which study?' });
    if (!picked) return undefined;
    rootUri = picked.rootUri;
    study = picked.label;
  }
  const result = await client.sendRequest(Requests.adjudicateStudy, { rootUri, study });
  if ('error' in result) {
    void vscode.window.showErrorMessage(`Study Extraction: ${result.error}`);
    return undefined;
  }
  const uri = vscode.Uri.parse(result.uri);
  if (result.edits && result.edits.length > 0)
    await vscode.workspace.applyEdit(toWorkspaceEdit(uri, result.edits));
  // A new record was created and filled through the server's workspace edit; either way it is saved.
  const document = await vscode.workspace.openTextDocument(uri);
  if (document.isDirty) await document.save();
  await vscode.window.showTextDocument(uri);
  vscode.window.setStatusBarMessage(
    result.created
      ? `Study Extraction: consensus record created with ${result.added} disagreement${result.added === 1 ? '' : 's'} to settle.`
      : `Study Extraction: ${result.added} disagreement${result.added === 1 ? '' : 's'} still to settle.`,
    5000,
  );
  return uri;
}

/** Settles whitespace, case and number-formatting differences in the study's consensus record. */
export async function autoResolveTrivial(
  client: LanguageClient,
  uri = vscode.window.activeTextEditor?.document.uri,
): Promise<number> {
  if (!uri) return 0;
  const result = await client.sendRequest(Requests.autoResolve, { uri: uri.toString() });
  if ('error' in result) {
    void vscode.window.showErrorMessage(`Study Extraction: ${result.error}`);
    return 0;
  }
  if (result.edits && result.edits.length > 0)
    await vscode.workspace.applyEdit(toWorkspaceEdit(vscode.Uri.parse(result.uri), result.edits));
  void vscode.window.showInformationMessage(
    result.resolved === 0
      ? 'Study Extraction: no trivial differences to settle.'
      : `Study Extraction: ${result.resolved} trivial difference${result.resolved === 1 ? '' : 's'} settled.`,
  );
  return result.resolved;
}
