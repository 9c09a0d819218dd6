// The live synthesis panel inside VS Code: it opens on the example review and changes when a mean is
// edited (unsaved), through the handle the command returns (events only, no sleeps).
import * as assert from 'node:assert/strict';
import { after, before, describe, it } from 'mocha';
import * as vscode from 'vscode';
import {
  activateExtension,
  fileUri,
  openRecordInEditor,
  replaceInDocument,
  revertAndCloseAll,
  TEST_TIMEOUT_MS,
} from './helpers';

interface StudyResult {
  study: string;
  yi: number;
}
interface Analysis {
  id: string;
  studies: StudyResult[];
  excluded: { study: string; reason: string }[];
}
interface Model {
  analyses: Analysis[];
}
interface RenderSummary {
  squares: number;
  diamonds: number;
}
interface Handle {
  nextRender(
    predicate?: (model: Model, render: RenderSummary) => boolean,
    options?: { timeoutMs?: number; current?: boolean },
  ): Promise<{ model: Model; render: RenderSummary }>;
}

const ANALYSIS = 'alliance-tbi-vs-f2f';
const ly = (model: Model) =>
  model.analyses.find((a) => a.id === ANALYSIS)?.studies.find((s) => s.study === 'ly-2015');
const excluded = (model: Model, study: string) =>
  model.analyses.find((a) => a.id === ANALYSIS)?.excluded.find((e) => e.study === study);

describe('Synthesis panel', function () {
  this.timeout(TEST_TIMEOUT_MS);
  before(activateExtension);
  after(revertAndCloseAll);

  it('opens on the example: Ly 2015 is drawn as one square with its Hedges g', async () => {
    await openRecordInEditor('records/ek/ly-2015.study.yaml');
    const handle = (await vscode.commands.executeCommand('studyExtraction.openSynthesis')) as Handle;
    const { model, render } = await handle.nextRender((m) => ly(m) !== undefined, { current: true });
    assert.equal(render.squares, 1);
    // Ly 2015: 63.5 (9.6), n 46 vs 65.7 (11.3), n 47 → Hedges' g = −0.208 (see the example's README).
    assert.ok(Math.abs(ly(model)!.yi - -0.208) < 0.001, `yi = ${ly(model)!.yi}`);
  });

  it('changes when a mean is edited: a disagreement excludes the study, the same edit in both records brings it back', async () => {
    const handle = (await vscode.commands.executeCommand('studyExtraction.openSynthesis')) as Handle;
    await handle.nextRender((m) => ly(m) !== undefined, { current: true });

    const ek = await vscode.workspace.openTextDocument(fileUri('records/ek/ly-2015.study.yaml'));
    const disagreeing = handle.nextRender((m) => ly(m) === undefined && excluded(m, 'ly-2015') !== undefined);
    await replaceInDocument(ek, 'mean: 65.7', 'mean: 60.7');
    const { model: withDisagreement, render } = await disagreeing;
    assert.equal(render.squares, 0);
    assert.match(excluded(withDisagreement, 'ly-2015')!.reason, /disagree|differ/i);

    const mk = await vscode.workspace.openTextDocument(fileUri('records/mk/ly-2015.study.yaml'));
    const agreeing = handle.nextRender((m) => ly(m) !== undefined);
    await replaceInDocument(mk, 'mean: 65.7', 'mean: 60.7');
    const { model: edited } = await agreeing;
    // 63.5 vs 60.7: the control mean is now lower, so the effect turns positive.
    assert.ok(ly(edited)!.yi > 0, `yi = ${ly(edited)!.yi}`);
  });

  it('Export Synthesis writes a standalone HTML report and an SVG forest plot', async () => {
    const html = fileUri('synthesis-report.html');
    const written = (await vscode.commands.executeCommand('studyExtraction.exportSynthesis', {
      format: 'html',
      target: html,
    })) as vscode.Uri;
    assert.equal(written.fsPath, html.fsPath);
    const report = new TextDecoder().decode(await vscode.workspace.fs.readFile(html));
    assert.match(report, /^<!DOCTYPE html>/i);
    assert.match(report, /<svg[^>]*class="forest-plot"/);
    assert.doesNotMatch(report, /<script/i);
    const svg = fileUri('forest.svg');
    await vscode.commands.executeCommand('studyExtraction.exportSynthesis', { format: 'svg', target: svg });
    assert.match(
      new TextDecoder().decode(await vscode.workspace.fs.readFile(svg)),
      /<svg[^>]*class="forest-plot[ "]/,
    );
  });
});
