import * as vscode from 'vscode';
import {
  LanguageClient,
  TransportKind,
  type LanguageClientOptions,
  type ServerOptions,
} from 'vscode-languageclient/node';
import { Requests } from '../shared/requests';
import {
  adjudicateStudy,
  autoResolveTrivial,
  compareWithOtherReviewer,
  type AdjudicateArgs,
} from './commands/adjudication';
import { exportSynthesis, type ExportArgs } from './commands/exportSynthesis';
import { newStudyRecord } from './commands/newStudyRecord';
import { nextMissingField } from './commands/nextMissingField';
import { showProgress } from './commands/showProgress';
import { DisagreementsProvider } from './disagreementsView';
import { STUDY_RECORD_LANGUAGE } from './language';
import { restoreProgressPanel } from './progressPanel';
import { registerSynthesisPanel } from './synthesisPanel';

let client: LanguageClient | undefined;
let starting: Promise<void> | undefined;

/** What the extension's commands return, so that tests and other extensions can use them. */
export interface StudyExtractionApi {
  ready(): Promise<void>;
}

export function activate(context: vscode.ExtensionContext): StudyExtractionApi {
  const output = vscode.window.createOutputChannel('Study Extraction', { log: true });
  const serverModule = context.asAbsolutePath('dist/server.js');
  const serverOptions: ServerOptions = {
    run: { module: serverModule, transport: TransportKind.ipc },
    debug: {
      module: serverModule,
      transport: TransportKind.ipc,
      options: { execArgv: ['--nolazy', '--inspect=6009'] },
    },
  };
  const clientOptions: LanguageClientOptions = {
    documentSelector: [
      { scheme: 'file', language: STUDY_RECORD_LANGUAGE },
      { scheme: 'file', pattern: '**/review.yaml' },
    ],
    initializationOptions: { trusted: vscode.workspace.isTrusted },
    outputChannel: output,
  };

  const start = () => {
    client = new LanguageClient('studyExtraction', 'Study Extraction', serverOptions, clientOptions);
    starting = client.start();
    return starting;
  };
  // Started without waiting: activation stays fast; commands wait for `ready()`.
  void start().catch((error: unknown) =>
    output.appendLine(`Could not start the language server: ${String(error)}`),
  );
  const ready = async (): Promise<LanguageClient> => {
    await starting;
    return client!;
  };

  context.subscriptions.push(
    output,
    { dispose: () => void client?.stop() },
    vscode.workspace.onDidGrantWorkspaceTrust(async () => {
      clientOptions.initializationOptions = { trusted: true };
      await client?.stop();
      await start();
    }),
  );

  // Status bar: the review's extraction progress, refreshed when diagnostics change.
  const status = vscode.window.createStatusBarItem(
    'studyExtraction.progress',
    vscode.StatusBarAlignment.Left,
    50,
  );
  status.name = 'Study Extraction progress';
  status.command = 'studyExtraction.showProgress';
  context.subscriptions.push(status);
  let refreshTimer: ReturnType<typeof setTimeout> | undefined;
  const refreshStatus = async () => {
    const result = await (await ready()).sendRequest(Requests.progress, {});
    const totals = result.reviews.reduce(
      (sum, r) => ({
        records: sum.records + r.totals.records,
        complete: sum.complete + r.totals.complete,
        filled: sum.filled + r.totals.filled,
        required: sum.required + r.totals.required,
      }),
      { records: 0, complete: 0, filled: 0, required: 0 },
    );
    if (totals.records === 0) {
      status.hide();
      return;
    }
    const percent = totals.required > 0 ? Math.round((100 * totals.filled) / totals.required) : 100;
    status.text = `$(checklist) ${totals.complete}/${totals.records} complete · ${percent}%`;
    status.tooltip = `Study Extraction: ${totals.complete} of ${totals.records} records complete; ${totals.filled} of ${totals.required} required fields filled. Click for details.`;
    status.show();
  };
  // And the active record's: `ek · preschl-2011: 12/14 · 2 NR`; a click goes to the next field left.
  const recordStatus = vscode.window.createStatusBarItem(
    'studyExtraction.recordProgress',
    vscode.StatusBarAlignment.Left,
    49,
  );
  recordStatus.name = 'Study Extraction: this record';
  recordStatus.command = 'studyExtraction.nextMissingField';
  context.subscriptions.push(recordStatus);
  const refreshRecordStatus = async () => {
    const document = vscode.window.activeTextEditor?.document;
    if (!document || document.languageId !== STUDY_RECORD_LANGUAGE) {
      recordStatus.hide();
      return;
    }
    const result = await (await ready()).sendRequest(Requests.progress, { uri: document.uri.toString() });
    const record = result.reviews.flatMap((r) => r.records)[0];
    if (!record) {
      recordStatus.hide();
      return;
    }
    const who = [record.reviewer, record.study].filter(Boolean).join(' · ') || record.path;
    recordStatus.text = `$(edit) ${who}: ${record.filled}/${record.required} · ${record.notReported} NR`;
    recordStatus.tooltip =
      `${record.path}: ${record.filled} of ${record.required} fields to extract filled (the required ones and those the analyses read), ` +
      `${record.notReported} marked NR (not reported in the source)${record.status ? `; ${record.status}` : ''}. Click for the next field left.`;
    recordStatus.show();
  };
  const scheduleStatus = () => {
    clearTimeout(refreshTimer);
    refreshTimer = setTimeout(() => {
      void refreshStatus().catch(() => status.hide());
      void refreshRecordStatus().catch(() => recordStatus.hide());
    }, 500);
  };
  context.subscriptions.push(
    vscode.languages.onDidChangeDiagnostics(scheduleStatus),
    vscode.window.onDidChangeActiveTextEditor(scheduleStatus),
    { dispose: () => clearTimeout(refreshTimer) },
  );
  scheduleStatus();

  context.subscriptions.push(
    vscode.commands.registerCommand(
      'studyExtraction.newStudyRecord',
      async (args?: { study?: string; reviewer?: string }) => newStudyRecord(await ready(), args),
    ),
    vscode.commands.registerCommand('studyExtraction.nextMissingField', async () =>
      nextMissingField(await ready()),
    ),
    vscode.commands.registerCommand('studyExtraction.previousMissingField', async () =>
      nextMissingField(await ready(), undefined, true),
    ),
    vscode.commands.registerCommand('studyExtraction.checkReview', async () => {
      const summary = await (await ready()).sendRequest(Requests.checkReview);
      await vscode.commands.executeCommand('workbench.panel.markers.view.focus');
      void vscode.window.showInformationMessage(
        `Study Extraction: ${summary.files} files checked, ${summary.errors} errors, ${summary.warnings} warnings.`,
      );
      return summary;
    }),
    vscode.commands.registerCommand('studyExtraction.showProgress', async () => showProgress(await ready())),
  );

  // Dual extraction: the Disagreements view, the diff of two records, adjudication.
  const disagreements = new DisagreementsProvider(async () =>
    (await ready()).sendRequest(Requests.disagreements),
  );
  const view = vscode.window.createTreeView('studyExtraction.disagreements', {
    treeDataProvider: disagreements,
    showCollapseAll: true,
  });
  let viewTimer: ReturnType<typeof setTimeout> | undefined;
  const scheduleView = () => {
    clearTimeout(viewTimer);
    viewTimer = setTimeout(() => void disagreements.refresh().catch(() => undefined), 400);
  };
  context.subscriptions.push(
    view,
    vscode.languages.onDidChangeDiagnostics(scheduleView),
    { dispose: () => clearTimeout(viewTimer) },
    vscode.commands.registerCommand('studyExtraction.refreshDisagreements', async () => {
      await disagreements.refresh();
      return disagreements.studies;
    }),
    vscode.commands.registerCommand('studyExtraction.compareWithOtherReviewer', async (uri?: vscode.Uri) =>
      compareWithOtherReviewer(await ready(), uri),
    ),
    vscode.commands.registerCommand('studyExtraction.adjudicateStudy', async (args?: AdjudicateArgs) =>
      adjudicateStudy(await ready(), args),
    ),
    vscode.commands.registerCommand('studyExtraction.autoResolveTrivial', async (uri?: vscode.Uri) =>
      autoResolveTrivial(await ready(), uri),
    ),
  );
  scheduleView();

  context.subscriptions.push(
    vscode.commands.registerCommand('studyExtraction.exportSynthesis', async (args?: ExportArgs) =>
      exportSynthesis(await ready(), args),
    ),
  );

  // The live synthesis panel (and its restoration after a window reload).
  context.subscriptions.push(...registerSynthesisPanel(context, ready), restoreProgressPanel(ready));

  return { ready: async () => void (await ready()) };
}

export async function deactivate(): Promise<void> {
  await client?.stop();
}
