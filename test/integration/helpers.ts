// Shared by the integration suites, which run inside VS Code's extension host (@vscode/test-electron's
// desktop VS Code, or code-server through scripts/run-integration.mjs). Everything here waits on events
// or on promises, never for a fixed time.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';

export const EXTENSION_ID = 'study-extraction.study-extraction';
/** How long to wait for the language server to answer after an edit (it debounces by 150 ms). */
export const WAIT_MS = 30_000;
/** Mocha's timeout for one test: a few waits, plus activation in the first one. */
export const TEST_TIMEOUT_MS = 90_000;

interface StudyExtractionApi {
  ready(): Promise<void>;
}

/** The example review the runner copied into a temporary folder and opened as the workspace. */
export function workspaceRoot(): vscode.Uri {
  const folder = vscode.workspace.workspaceFolders?.[0];
  assert.ok(folder, 'the tests need a workspace folder: a copy of examples/therapeutic-alliance');
  return folder.uri;
}

export function fileUri(relative: string): vscode.Uri {
  return vscode.Uri.joinPath(workspaceRoot(), ...relative.split('/'));
}

/** Activates the extension (it activates by itself on review.yaml) and waits for its language server. */
export async function activateExtension(): Promise<void> {
  const extension = vscode.extensions.getExtension<StudyExtractionApi>(EXTENSION_ID);
  assert.ok(extension, `extension ${EXTENSION_ID} is not installed in the extension host`);
  const api = await extension.activate();
  await api.ready();
}

export async function openRecord(relative: string): Promise<vscode.TextEditor> {
  const document = await vscode.workspace.openTextDocument(fileUri(relative));
  assert.equal(document.languageId, 'study-record', `${relative} is not a study record`);
  return vscode.window.showTextDocument(document, { preview: false });
}

/**
 * Opens a record in an editor the way a person does (the `vscode.open` command), so that the document
 * closes with its editor. A document opened through `workspace.openTextDocument` is kept open by
 * VS Code for up to 3 minutes after its editor closes, and the language server hears of the close only then.
 */
export async function openRecordInEditor(relative: string): Promise<vscode.TextEditor> {
  const uri = fileUri(relative);
  await vscode.commands.executeCommand('vscode.open', uri, { preview: false });
  const editor = vscode.window.activeTextEditor;
  assert.ok(
    editor && editor.document.uri.fsPath === uri.fsPath,
    `${relative} did not open in the active editor`,
  );
  assert.equal(editor.document.languageId, 'study-record', `${relative} is not a study record`);
  return editor;
}

export function codeOf(diagnostic: vscode.Diagnostic): string | undefined {
  const code = diagnostic.code;
  if (code === undefined) return undefined;
  return typeof code === 'object' ? String(code.value) : String(code);
}

/** Our diagnostics of a file (those of other extensions, if any, are left out). */
export function diagnosticsOf(uri: vscode.Uri): vscode.Diagnostic[] {
  return vscode.languages.getDiagnostics(uri).filter((d) => d.source === 'study-extraction');
}

export function errorsOf(uri: vscode.Uri): vscode.Diagnostic[] {
  return diagnosticsOf(uri).filter((d) => d.severity === vscode.DiagnosticSeverity.Error);
}

function describeDiagnostics(diagnostics: readonly vscode.Diagnostic[]): string {
  if (diagnostics.length === 0) return '(none)';
  return diagnostics
    .map(
      (d) =>
        `${d.range.start.line + 1}:${d.range.start.character + 1} [${codeOf(d)}] ${vscode.DiagnosticSeverity[d.severity]}: ${d.message}`,
    )
    .join('\n  ');
}

const samePath = (a: vscode.Uri, b: vscode.Uri) => a.scheme === b.scheme && a.fsPath === b.fsPath;

/**
 * Resolves with the file's diagnostics as soon as `predicate` holds for them: now, or at a later
 * `onDidChangeDiagnostics` about that file. Fails after `timeoutMs`, showing the last diagnostics.
 */
export function waitForDiagnostics(
  uri: vscode.Uri,
  predicate: (diagnostics: vscode.Diagnostic[]) => boolean,
  what: string,
  timeoutMs = WAIT_MS,
): Promise<vscode.Diagnostic[]> {
  return new Promise((resolve, reject) => {
    const check = (): boolean => {
      const diagnostics = diagnosticsOf(uri);
      if (!predicate(diagnostics)) return false;
      finish();
      resolve(diagnostics);
      return true;
    };
    const subscription = vscode.languages.onDidChangeDiagnostics((event) => {
      if (event.uris.some((changed) => samePath(changed, uri))) check();
    });
    const timer = setTimeout(() => {
      finish();
      reject(
        new Error(
          `Timed out after ${timeoutMs} ms waiting for ${what} in ${vscode.workspace.asRelativePath(uri)}; its diagnostics:\n  ${describeDiagnostics(diagnosticsOf(uri))}`,
        ),
      );
    }, timeoutMs);
    function finish() {
      clearTimeout(timer);
      subscription.dispose();
    }
    check();
  });
}

/** Resolves at the next `onDidChangeDiagnostics` about the file (whatever its diagnostics are). */
export function nextDiagnosticsChange(uri: vscode.Uri, what: string, timeoutMs = WAIT_MS): Promise<void> {
  return new Promise((resolve, reject) => {
    const subscription = vscode.languages.onDidChangeDiagnostics((event) => {
      if (!event.uris.some((changed) => samePath(changed, uri))) return;
      clearTimeout(timer);
      subscription.dispose();
      resolve();
    });
    const timer = setTimeout(() => {
      subscription.dispose();
      reject(new Error(`Timed out after ${timeoutMs} ms waiting for ${what}`));
    }, timeoutMs);
  });
}

export const hasCode =
  (code: string) =>
  (diagnostics: vscode.Diagnostic[]): boolean =>
    diagnostics.some((d) => codeOf(d) === code);

export const hasNoCode =
  (code: string) =>
  (diagnostics: vscode.Diagnostic[]): boolean =>
    !diagnostics.some((d) => codeOf(d) === code);

export const hasNoErrors = (diagnostics: vscode.Diagnostic[]): boolean =>
  !diagnostics.some((d) => d.severity === vscode.DiagnosticSeverity.Error);

/** The range of the first occurrence of `text` in the document (at or after `from`, if given). */
export function rangeOf(document: vscode.TextDocument, text: string, from = 0): vscode.Range {
  const offset = document.getText().indexOf(text, from);
  assert.ok(offset >= 0, `"${text}" not found in ${vscode.workspace.asRelativePath(document.uri)}`);
  return new vscode.Range(document.positionAt(offset), document.positionAt(offset + text.length));
}

/** Replaces the first occurrence of `text` by `replacement` with a WorkspaceEdit; returns the new range. */
export async function replaceInDocument(
  document: vscode.TextDocument,
  text: string,
  replacement: string,
  from = 0,
): Promise<vscode.Range> {
  const range = rangeOf(document, text, from);
  const edit = new vscode.WorkspaceEdit();
  edit.replace(document.uri, range, replacement);
  assert.ok(await vscode.workspace.applyEdit(edit), 'the WorkspaceEdit was not applied');
  const start = range.start;
  return new vscode.Range(start, document.positionAt(document.offsetAt(start) + replacement.length));
}

/** Reverts every unsaved document (so no "Save changes?" dialog can come up) and closes every editor. */
export async function revertAndCloseAll(): Promise<void> {
  for (const document of vscode.workspace.textDocuments.filter((d) => d.isDirty && !d.isClosed)) {
    await vscode.window.showTextDocument(document, { preview: false });
    await vscode.commands.executeCommand('workbench.action.files.revert');
  }
  await vscode.commands.executeCommand('workbench.action.closeAllEditors');
}

/** Resolves when VS Code closes the text document (the language client then sends didClose). */
export function documentClosed(uri: vscode.Uri, timeoutMs = WAIT_MS): Promise<void> {
  return new Promise((resolve, reject) => {
    if (!vscode.workspace.textDocuments.some((d) => samePath(d.uri, uri))) return resolve();
    const subscription = vscode.workspace.onDidCloseTextDocument((document) => {
      if (!samePath(document.uri, uri)) return;
      clearTimeout(timer);
      subscription.dispose();
      resolve();
    });
    const timer = setTimeout(() => {
      subscription.dispose();
      reject(new Error(`Timed out after ${timeoutMs} ms waiting for ${uri.fsPath} to close`));
    }, timeoutMs);
  });
}

export function labelOf(item: vscode.CompletionItem): string {
  return typeof item.label === 'string' ? item.label : item.label.label;
}

export function hoverText(hovers: vscode.Hover[]): string {
  return hovers
    .flatMap((h) => h.contents)
    .map((c) => (typeof c === 'string' ? c : c.value))
    .join('\n');
}
