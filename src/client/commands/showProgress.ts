import type { LanguageClient } from 'vscode-languageclient/node';
import { openProgressPanel, type ProgressPanelHandle } from '../progressPanel';

/** Show Extraction Progress: the studies × reviewers matrix of every review, in a panel. */
export async function showProgress(client: LanguageClient): Promise<ProgressPanelHandle> {
  return openProgressPanel(client);
}
