// Dual extraction inside VS Code: the Disagreements view, the diff editor on two reviewers' records, and
// adjudication in a consensus record through its code action.
import * as assert from 'node:assert/strict';
import { after, before, describe, it } from 'mocha';
import * as vscode from 'vscode';
import {
  activateExtension,
  codeOf,
  fileUri,
  openRecordInEditor,
  revertAndCloseAll,
  TEST_TIMEOUT_MS,
  waitForDiagnostics,
  WAIT_MS,
} from './helpers';

interface StudyDisagreements {
  study: string;
  state: string;
  reviewers: string[];
  disagreements: { path: string; a: unknown; b: unknown }[];
}

/** Resolves when `condition` holds, checking at each tab change (the diff editor opens asynchronously). */
function waitForTabs(condition: () => boolean, what: string): Promise<void> {
  return new Promise((resolve, reject) => {
    if (condition()) return resolve();
    const subscription = vscode.window.tabGroups.onDidChangeTabs(() => {
      if (!condition()) return;
      clearTimeout(timer);
      subscription.dispose();
      resolve();
    });
    const timer = setTimeout(() => {
      subscription.dispose();
      reject(new Error(`Timed out waiting for ${what}`));
    }, WAIT_MS);
  });
}

describe('Dual extraction', function () {
  this.timeout(TEST_TIMEOUT_MS);

  before(async () => {
    await activateExtension();
    // The disagreement of andersson-2012 is published at start-up with the workspace check.
    await waitForDiagnostics(
      fileUri('records/ek/andersson-2012.study.yaml'),
      (d) => d.some((x) => codeOf(x) === 'disagreement'),
      'the disagreement of andersson-2012',
    );
  });
  after(revertAndCloseAll);

  it("the Disagreements view lists the example's disagreements, and blinds the draft study", async () => {
    const studies = (await vscode.commands.executeCommand(
      'studyExtraction.refreshDisagreements',
    )) as StudyDisagreements[];
    const byId = new Map(studies.map((s) => [s.study, s]));
    assert.deepEqual(
      byId.get('andersson-2012')?.disagreements.map((d) => [d.path, d.a, d.b]),
      [['outcomes[alliance-total].results.email.mean', 5.58, 5.85]],
    );
    assert.deepEqual(
      byId
        .get('preschl-2011')
        ?.disagreements.map((d) => d.path)
        .sort(),
      [
        'arms[f2f].n',
        'outcomes[alliance-mid].results.f2f.n',
        'outcomes[alliance-therapist].results.f2f.n',
        'outcomes[alliance-total].results.f2f.n',
      ],
    );
    assert.equal(byId.get('meyer-2015')?.state, 'blinded');
    assert.deepEqual(byId.get('meyer-2015')?.disagreements, []);
  });

  it('a disagreement is on the value in both records, naming the other reviewer and linking to it', async () => {
    const ek = fileUri('records/ek/andersson-2012.study.yaml');
    const mk = fileUri('records/mk/andersson-2012.study.yaml');
    const inEk = (
      await waitForDiagnostics(ek, (d) => d.some((x) => codeOf(x) === 'disagreement'), 'a disagreement')
    ).find((x) => codeOf(x) === 'disagreement')!;
    assert.equal(inEk.severity, vscode.DiagnosticSeverity.Information);
    assert.match(inEk.message, /mk has 5\.85/);
    const document = await vscode.workspace.openTextDocument(ek);
    assert.equal(document.getText(inEk.range), '5.58');
    assert.equal(inEk.relatedInformation?.[0]?.location.uri.fsPath, mk.fsPath);
  });

  it("Compare With Other Reviewer opens the diff editor on the study's two records", async () => {
    await openRecordInEditor('records/ek/andersson-2012.study.yaml');
    await vscode.commands.executeCommand('studyExtraction.compareWithOtherReviewer');
    const isDiff = () => {
      const input = vscode.window.tabGroups.activeTabGroup.activeTab?.input;
      return (
        input instanceof vscode.TabInputTextDiff &&
        input.original.fsPath === fileUri('records/ek/andersson-2012.study.yaml').fsPath &&
        input.modified.fsPath === fileUri('records/mk/andersson-2012.study.yaml').fsPath
      );
    };
    await waitForTabs(isDiff, 'the diff editor of andersson-2012 (ek ↔ mk)');
    assert.ok(isDiff());
  });

  it('Adjudicate Study, then the code action "Use ek\'s value (28)" writes the value and its adjudication entry', async () => {
    const consensus = fileUri('records/consensus/preschl-2011.study.yaml');
    const reviewerText = (
      await vscode.workspace.openTextDocument(fileUri('records/ek/preschl-2011.study.yaml'))
    ).getText();
    const created = (await vscode.commands.executeCommand('studyExtraction.adjudicateStudy', {
      rootUri: vscode.workspace.workspaceFolders![0]!.uri.toString(),
      study: 'preschl-2011',
    })) as vscode.Uri | undefined;
    assert.equal(created?.fsPath, consensus.fsPath);

    const unresolved = await waitForDiagnostics(
      consensus,
      (d) => d.filter((x) => codeOf(x) === 'unresolved-disagreement').length === 4,
      'four unresolved disagreements in the consensus record',
    );
    const target = unresolved.find(
      (x) => codeOf(x) === 'unresolved-disagreement' && x.message.includes('`arms[f2f].n`'),
    )!;
    const actions = (await vscode.commands.executeCommand(
      'vscode.executeCodeActionProvider',
      consensus,
      target.range,
      vscode.CodeActionKind.QuickFix.value,
    )) as vscode.CodeAction[];
    const useEk = actions.find((a) => a.title === "Use ek's value (28)");
    assert.ok(useEk?.edit, `code actions: ${actions.map((a) => a.title).join(' | ')}`);
    assert.ok(actions.some((a) => a.title === "Use mk's value (25)"));

    const settled = waitForDiagnostics(
      consensus,
      (d) => d.filter((x) => codeOf(x) === 'unresolved-disagreement').length === 3,
      'one disagreement settled',
    );
    assert.ok(await vscode.workspace.applyEdit(useEk.edit));
    await settled;
    const text = (await vscode.workspace.openTextDocument(consensus)).getText();
    assert.match(text, /- id: f2f\n(.*\n)*?\s+n: 28\s/);
    assert.match(
      text,
      /adjudication:\n\s+- field: arms\[f2f\]\.n\n\s+chosen: a\n\s+value: 28\n\s+adjudicator: \S+\n\s+date: \d{4}-\d{2}-\d{2}/,
    );
    // The reviewers' records are never modified by adjudication.
    assert.equal(
      (await vscode.workspace.openTextDocument(fileUri('records/ek/preschl-2011.study.yaml'))).getText(),
      reviewerText,
    );
  });
});
