import * as vscode from 'vscode';
import type { LanguageClient } from 'vscode-languageclient/node';
import type { ReviewInfo } from '../shared/protocol';
import { Requests } from '../shared/requests';

/** The review to act on: the only one of the workspace, or the one the user picks. */
export async function pickReview(client: LanguageClient, title: string): Promise<ReviewInfo | undefined> {
  const reviews = await client.sendRequest(Requests.reviews);
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
