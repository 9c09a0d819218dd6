import * as vscode from 'vscode';
import type { LanguageClient } from 'vscode-languageclient/node';
import type { ReviewInfo } from '../../shared/protocol';
import { Requests } from '../../shared/requests';
import { pickReview } from '../reviewPicker';
import { nextMissingField } from './nextMissingField';

/** The `studyExtraction.reviewer` setting, when it names one of the review's reviewers (else said why). */
function configuredReviewer(review: ReviewInfo): string | undefined {
  const setting = vscode.workspace
    .getConfiguration('studyExtraction', vscode.Uri.parse(review.rootUri))
    .get<string>('reviewer', '')
    .trim();
  if (!setting) return undefined;
  if (review.reviewers.includes(setting)) return setting;
  void vscode.window.showWarningMessage(
    `Study Extraction: your reviewer id "${setting}" (studyExtraction.reviewer) is not one of this review's reviewers (${review.reviewers.join(', ')}).`,
  );
  return undefined;
}

/** Asks for a study id and a reviewer, then creates the record from the review's schema and opens it. */
export async function newStudyRecord(
  client: LanguageClient,
  args?: { study?: string; reviewer?: string },
): Promise<vscode.Uri | undefined> {
  const review = await pickReview(client, 'Which review?');
  if (!review) return undefined;
  const study =
    args?.study ??
    (await vscode.window.showInputBox({
      title: 'New Study Record',
      prompt: 'Study id: first author and year, e.g. preschl-2011',
      validateInput: (value) =>
        /^[a-z0-9][a-z0-9._-]*$/.test(value)
          ? undefined
          : 'Lower-case letters, digits, ".", "_" and "-", e.g. preschl-2011',
    }));
  if (!study) return undefined;
  const reviewer =
    args?.reviewer ??
    configuredReviewer(review) ??
    (review.reviewers.length === 1
      ? review.reviewers[0]
      : await vscode.window.showQuickPick(review.reviewers, {
          title: `New Study Record: ${study}`,
          placeHolder: 'Who extracts it? (set studyExtraction.reviewer to stop this question)',
        }));
  if (!reviewer) return undefined;
  const result = await client.sendRequest(Requests.scaffoldRecord, {
    rootUri: review.rootUri,
    study,
    reviewer,
  });
  if ('error' in result) {
    void vscode.window.showErrorMessage(`Study Extraction: ${result.error}`);
    return undefined;
  }
  const uri = vscode.Uri.parse(result.uri);
  // Never overwrite a record: the server checked, and the file may have appeared since.
  const exists = await vscode.workspace.fs.stat(uri).then(
    () => true,
    () => false,
  );
  if (exists) {
    void vscode.window.showErrorMessage(
      `Study Extraction: ${vscode.workspace.asRelativePath(uri)} already exists.`,
    );
    return undefined;
  }
  // Created through the editor, so that it can be undone like any edit; then saved, as the reviewer asked for it.
  const create = new vscode.WorkspaceEdit();
  create.createFile(uri, { ignoreIfExists: false, overwrite: false });
  create.insert(uri, new vscode.Position(0, 0), result.text);
  if (!(await vscode.workspace.applyEdit(create))) {
    void vscode.window.showErrorMessage(
      `Study Extraction: could not create ${vscode.workspace.asRelativePath(uri)}.`,
    );
    return undefined;
  }
  const document = await vscode.workspace.openTextDocument(uri);
  await document.save();
  const editor = await vscode.window.showTextDocument(document);
  await nextMissingField(client, editor);
  return uri;
}
