import * as vscode from 'vscode';
import { RequestType0, type LanguageClient } from 'vscode-languageclient/node';
import { Methods, type ReviewInfo } from '../shared/protocol';

/** The review to act on: the only one of the workspace, or the one the user picks. */
export async function pickReview(client: LanguageClient, title: string): Promise<ReviewInfo | undefined> {
  const reviews = await client.sendRequest(new RequestType0<ReviewInfo[], void>(Methods.reviews));
  if (reviews.length === 0) {
    void vscode.window.showWarningMessage('Study Extraction: no review.yaml found in this workspace.');
    return undefined;
  }
  if (reviews.length === 1) return reviews[0];
  const picked = await vscode.window.showQuickPick(
    reviews.map((r) => ({
      label: r.title,
      description: vscode.workspace.asRelativePath(vscode.Uri.parse(r.rootUri)),
      review: r,
    })),
    { title },
  );
  return picked?.review;
}
