import * as vscode from 'vscode';
import { pickReview } from './reviewPicker';
import {
  LanguageClient,
  RequestType,
  RequestType0,
  TransportKind,
  type LanguageClientOptions,
  type ServerOptions,
} from 'vscode-languageclient/node';
import { DisagreementsProvider } from './disagreementsView';
import { registerSynthesisPanel } from './synthesisPanel';
import {
  AdjudicationMethods,
  type AdjudicateStudyParams,
  type AdjudicateStudyResult,
  type AutoResolveParams,
  type AutoResolveResult,
  type DisagreementsResult,
  type StudyRecordsParams,
  type StudyRecordsResult,
  type TextEditData,
  EXPORT_SYNTHESIS_METHOD,
  type ExportFormat,
  type ExportSynthesisParams,
  type ExportSynthesisResult,
  Methods,
  type CheckReviewResult,
  type NextMissingFieldParams,
  type NextMissingFieldResult,
  type ProgressParams,
  type ProgressResult,
  type ReviewInfo,
  type ScaffoldRecordParams,
  type ScaffoldRecordResult,
} from '../shared/protocol';

const adjudicationRequests = {
  adjudicateStudy: new RequestType<AdjudicateStudyParams, AdjudicateStudyResult, void>(
    AdjudicationMethods.adjudicateStudy,
  ),
  autoResolve: new RequestType<AutoResolveParams, AutoResolveResult, void>(AdjudicationMethods.autoResolve),
  studyRecords: new RequestType<StudyRecordsParams, StudyRecordsResult | null, void>(
    AdjudicationMethods.studyRecords,
  ),
  disagreements: new RequestType0<DisagreementsResult, void>(AdjudicationMethods.disagreements),
};

const requests = {
  progress: new RequestType<ProgressParams, ProgressResult, void>(Methods.progress),
  nextMissingField: new RequestType<NextMissingFieldParams, NextMissingFieldResult | null, void>(
    Methods.nextMissingField,
  ),
  scaffoldRecord: new RequestType<ScaffoldRecordParams, ScaffoldRecordResult, void>(Methods.scaffoldRecord),
  reviews: new RequestType0<ReviewInfo[], void>(Methods.reviews),
  checkReview: new RequestType0<CheckReviewResult, void>(Methods.checkReview),
};

const LANGUAGE = 'study-record';
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
      { scheme: 'file', language: LANGUAGE },
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
    const result = await (await ready()).sendRequest(requests.progress, {});
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
  const scheduleStatus = () => {
    clearTimeout(refreshTimer);
    refreshTimer = setTimeout(() => void refreshStatus().catch(() => status.hide()), 500);
  };
  context.subscriptions.push(vscode.languages.onDidChangeDiagnostics(scheduleStatus), {
    dispose: () => clearTimeout(refreshTimer),
  });
  scheduleStatus();

  context.subscriptions.push(
    vscode.commands.registerCommand(
      'studyExtraction.newStudyRecord',
      async (args?: { study?: string; reviewer?: string }) => newStudyRecord(await ready(), args),
    ),
    vscode.commands.registerCommand('studyExtraction.nextMissingField', async () =>
      nextMissingField(await ready()),
    ),
    vscode.commands.registerCommand('studyExtraction.checkReview', async () => {
      const summary = await (await ready()).sendRequest(requests.checkReview);
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
    (await ready()).sendRequest(adjudicationRequests.disagreements),
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
  context.subscriptions.push(...registerSynthesisPanel(context, ready));

  return { ready: async () => void (await ready()) };
}

export async function deactivate(): Promise<void> {
  await client?.stop();
}

/** Asks for a study id and a reviewer, then creates the record from the review's schema and opens it. */
async function newStudyRecord(
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
    (review.reviewers.length === 1
      ? review.reviewers[0]
      : await vscode.window.showQuickPick(review.reviewers, {
          title: `New Study Record: ${study}`,
          placeHolder: 'Who extracts it?',
        }));
  if (!reviewer) return undefined;
  const result = await client.sendRequest(requests.scaffoldRecord, {
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
  await vscode.workspace.fs.writeFile(uri, new TextEncoder().encode(result.text));
  const editor = await vscode.window.showTextDocument(uri);
  await nextMissingField(client, editor);
  return uri;
}

/** Moves the cursor to the next required field that is missing or still empty. */
async function nextMissingField(
  client: LanguageClient,
  editor = vscode.window.activeTextEditor,
): Promise<NextMissingFieldResult | null> {
  if (!editor || editor.document.languageId !== LANGUAGE) {
    void vscode.window.showInformationMessage('Study Extraction: open a study record (*.study.yaml) first.');
    return null;
  }
  const result = await client.sendRequest(requests.nextMissingField, {
    uri: editor.document.uri.toString(),
    position: { line: editor.selection.active.line, character: editor.selection.active.character },
  });
  if (!result) {
    vscode.window.setStatusBarMessage('Study Extraction: every required field is filled.', 4000);
    return null;
  }
  const position = new vscode.Position(result.position.line, result.position.character);
  editor.selection = new vscode.Selection(position, position);
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

async function showProgress(client: LanguageClient): Promise<ProgressResult> {
  const result = await client.sendRequest(requests.progress, {});
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
  return client.sendRequest(adjudicationRequests.studyRecords, { uri: uri.toString() });
}

/** VS Code's diff editor on the two reviewers' records of the current study. */
async function compareWithOtherReviewer(
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
type AdjudicateArgs = { rootUri?: string; study?: string | { rootUri: string; study: string } };

/** Creates the study's consensus record (or adds new disagreements to it) and opens it. */
async function adjudicateStudy(
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
    const reviews = await client.sendRequest(requests.reviews);
    const picks = reviews.flatMap((r) =>
      r.studies.map((s) => ({ label: s, description: r.title, rootUri: r.rootUri })),
    );
    const picked = await vscode.window.showQuickPick(picks, { title: 'Adjudicate which study?' });
    if (!picked) return undefined;
    rootUri = picked.rootUri;
    study = picked.label;
  }
  const result = await client.sendRequest(adjudicationRequests.adjudicateStudy, { rootUri, study });
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
async function autoResolveTrivial(
  client: LanguageClient,
  uri = vscode.window.activeTextEditor?.document.uri,
): Promise<number> {
  if (!uri) return 0;
  const result = await client.sendRequest(adjudicationRequests.autoResolve, { uri: uri.toString() });
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

/** From the palette: asks what to export and where; from a test or another extension: as given. */
interface ExportArgs {
  format?: ExportFormat;
  rootUri?: string;
  analysis?: string;
  /** Where to write; omitted: a save dialog. */
  target?: vscode.Uri;
}

/** Writes the synthesis as it stands (unsaved edits included) as an HTML report, CSV, JSON or an SVG forest plot. */
async function exportSynthesis(
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
  const result = await client.sendRequest(
    new RequestType<ExportSynthesisParams, ExportSynthesisResult, void>(EXPORT_SYNTHESIS_METHOD),
    params,
  );
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
