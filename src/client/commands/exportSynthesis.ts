import * as vscode from 'vscode';
import type { LanguageClient } from 'vscode-languageclient/node';
import type { ExportFormat, ExportSynthesisParams } from '../../shared/protocol';
import { Requests } from '../../shared/requests';

/** From the palette: asks what to export and where; from a test or another extension: as given. */
export interface ExportArgs {
  format?: ExportFormat;
  rootUri?: string;
  analysis?: string;
  /** Where to write; omitted: a save dialog. */
  target?: vscode.Uri;
}

/** Writes the synthesis as it stands (unsaved edits included) as an HTML report, CSV, JSON or an SVG forest plot. */
export async function exportSynthesis(
  client: LanguageClient,
  args: ExportArgs = {},
): Promise<vscode.Uri | undefined> {
  const formats: { label: string; description: string; format: ExportFormat }[] = [
    {
      label: 'HTML report',
      description: 'forest plots and tables, readable without scripts',
      format: 'html',
    },
    { label: 'CSV', description: 'one row per study per analysis, with the arm-level inputs', format: 'csv' },
    {
      label: 'JSON',
      description: 'the results as study-extract synthesize --format json prints them',
      format: 'json',
    },
    { label: 'SVG forest plot', description: 'one analysis', format: 'svg' },
  ];
  const format =
    args.format ?? (await vscode.window.showQuickPick(formats, { title: 'Export Synthesis as' }))?.format;
  if (!format) return undefined;
  const params: ExportSynthesisParams = { format, rootUri: args.rootUri, analysis: args.analysis };
  const result = await client.sendRequest(Requests.exportSynthesis, params);
  if ('error' in result) {
    void vscode.window.showErrorMessage(`Study Extraction: ${result.error}`);
    return undefined;
  }
  const target =
    args.target ??
    (await vscode.window.showSaveDialog({
      defaultUri: vscode.Uri.joinPath(vscode.Uri.parse(result.rootUri), result.fileName),
      title: 'Export Synthesis',
    }));
  if (!target) return undefined;
  await vscode.workspace.fs.writeFile(target, new TextEncoder().encode(result.text));
  vscode.window.setStatusBarMessage(
    `Study Extraction: wrote ${vscode.workspace.asRelativePath(target)}`,
    5000,
  );
  return target;
}
