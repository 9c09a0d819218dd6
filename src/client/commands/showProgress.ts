import * as vscode from 'vscode';
import type { LanguageClient } from 'vscode-languageclient/node';
import type { ProgressResult } from '../../shared/protocol';
import { Requests } from '../../shared/requests';

export async function showProgress(client: LanguageClient): Promise<ProgressResult> {
  const result = await client.sendRequest(Requests.progress, {});
  const items = result.reviews.flatMap((review) => [
    { label: review.title, kind: vscode.QuickPickItemKind.Separator },
    ...review.records.map((r) => ({
      label: `${r.status === 'complete' ? '$(pass-filled)' : '$(circle-large-outline)'} ${r.study ?? r.path} · ${r.reviewer ?? ''}`,
      description: `${r.filled}/${r.required} required filled · ${r.notReported} NR${r.errors > 0 ? ` · ${r.errors} errors` : ''}`,
      detail: r.path,
      uri: r.uri,
    })),
  ]);
  const picked = await vscode.window.showQuickPick(items, {
    title: 'Extraction progress',
    matchOnDescription: true,
    matchOnDetail: true,
  });
  if (picked && 'uri' in picked && picked.uri)
    await vscode.window.showTextDocument(vscode.Uri.parse(picked.uri));
  return result;
}
