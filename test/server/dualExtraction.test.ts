import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { after, before, describe, test } from 'node:test';
import { applyEdits, LspClient, Severity, type Diagnostic, type TextEdit } from './lspClient';

// Dual extraction over the real protocol: disagreements on both records, updated live, and adjudication.
// The example's mk record of andersson-2012 has email mean 5.85 where ek has 5.58 (see its README).
const EK = 'records/ek/andersson-2012.study.yaml';
const MK = 'records/mk/andersson-2012.study.yaml';
const FIELD = 'outcomes[alliance-total].results.email.mean';

const disagreementOn = (field: string) => (d: Diagnostic) =>
  d.code === 'disagreement' && d.message.includes(`\`${field}\``);

describe('disagreements between two reviewers', () => {
  let client: LspClient;
  before(async () => {
    client = await LspClient.start({ comparison: true });
  });
  after(async () => client.stop());

  test('at start-up, both records carry the disagreement at the value, pointing at each other', async () => {
    const ek = await client.waitForDiagnostics(client.uri(EK), (d) => d.some(disagreementOn(FIELD)));
    const mk = await client.waitForDiagnostics(client.uri(MK), (d) => d.some(disagreementOn(FIELD)));
    const inEk = ek.find(disagreementOn(FIELD))!;
    const inMk = mk.find(disagreementOn(FIELD))!;
    assert.equal(inEk.severity, Severity.Information);
    assert.match(inEk.message, /mk has 5\.85/);
    assert.match(inMk.message, /ek has 5\.58/);
    const ekText = readFileSync(client.path(EK), 'utf8').split('\n');
    assert.equal(
      ekText[inEk.range.start.line]!.slice(inEk.range.start.character, inEk.range.end.character),
      '5.58',
    );
    const related = (inEk as Diagnostic & { relatedInformation?: { location: { uri: string } }[] })
      .relatedInformation;
    assert.equal(related?.[0]?.location.uri, client.uri(MK));
  });

  test("editing reviewer mk's record (unsaved) updates the diagnostic in ek's record", async () => {
    const mkText = readFileSync(client.path(MK), 'utf8');
    await client.open(MK, mkText);
    const cleared = client.waitForDiagnostics(client.uri(EK), (d) => !d.some(disagreementOn(FIELD)));
    await client.change(client.uri(MK), mkText.replace('5.85', '5.58'));
    await cleared;
    const back = client.waitForDiagnostics(client.uri(EK), (d) =>
      d.some((x) => disagreementOn(FIELD)(x) && x.message.includes('5.99')),
    );
    await client.change(client.uri(MK), mkText.replace('5.85', '5.99'));
    await back;
    await client.change(client.uri(MK), mkText);
  });

  test('a blinded study (one record still a draft) shows no disagreements', async () => {
    const ek = await client.waitForDiagnostics(
      client.uri('records/ek/meyer-2015.study.yaml'),
      () => true,
      15_000,
      { current: true },
    );
    assert.deepEqual(
      ek.filter((d) => d.code === 'disagreement'),
      [],
    );
  });
});

describe('adjudication', () => {
  let client: LspClient;
  before(async () => {
    client = await LspClient.start({ comparison: true });
    await client.waitForDiagnostics(client.uri(EK), (d) => d.some(disagreementOn(FIELD)));
  });
  after(async () => client.stop());

  const CONSENSUS = 'records/consensus/preschl-2011.study.yaml';

  test('Adjudicate Study creates the consensus record with a placeholder per disagreement; reviewer records untouched', async () => {
    const ekBefore = readFileSync(client.path('records/ek/preschl-2011.study.yaml'), 'utf8');
    const result = await client.request<{ uri: string; created: boolean; added: number }>(
      'studyExtraction/adjudicateStudy',
      {
        rootUri: client.uri(''),
        study: 'preschl-2011',
      },
    );
    assert.equal(result.created, true);
    assert.equal(result.added, 4);
    assert.ok(existsSync(client.path(CONSENSUS)));
    const text = readFileSync(client.path(CONSENSUS), 'utf8');
    assert.match(text, /reviewer: consensus/);
    assert.match(text, /n: null .*disagreement on arms\[f2f\]\.n: ek 28 · mk 25/);
    assert.equal(readFileSync(client.path('records/ek/preschl-2011.study.yaml'), 'utf8'), ekBefore);
    const again = await client.request<{ error?: string; created?: boolean }>(
      'studyExtraction/adjudicateStudy',
      {
        rootUri: client.uri(''),
        study: 'preschl-2011',
      },
    );
    assert.equal(again.created, false, 'an existing consensus record is never recreated');
  });

  test('the code action "Use ek\'s value (28)" writes the value and an adjudication entry; the warning goes', async () => {
    const uri = client.uri(CONSENSUS);
    const text = readFileSync(client.path(CONSENSUS), 'utf8');
    await client.open(CONSENSUS, text);
    const diagnostics = await client.waitForDiagnostics(
      uri,
      (d) => d.filter((x) => x.code === 'unresolved-disagreement').length === 4,
    );
    const target = diagnostics.find(
      (d) => d.code === 'unresolved-disagreement' && d.message.includes('`arms[f2f].n`'),
    )!;
    const actions = await client.request<{ title: string; edit: { changes: Record<string, TextEdit[]> } }[]>(
      'textDocument/codeAction',
      {
        textDocument: { uri },
        range: target.range,
        context: { diagnostics: [target] },
      },
    );
    const useEk = actions.find((a) => a.title === "Use ek's value (28)");
    assert.ok(useEk, actions.map((a) => a.title).join(' | '));
    assert.ok(actions.some((a) => a.title === "Use mk's value (25)"));
    const updated = applyEdits(text, useEk.edit.changes[uri]!);
    assert.match(updated, /- id: f2f\n(.*\n)*?\s+n: 28\s/);
    assert.match(
      updated,
      /adjudication:\n\s+- field: arms\[f2f\]\.n\n\s+chosen: a\n\s+value: 28\n\s+adjudicator: tester\n\s+date: \d{4}-\d{2}-\d{2}/,
    );
    const settled = client.waitForDiagnostics(
      uri,
      (d) => d.filter((x) => x.code === 'unresolved-disagreement').length === 3,
    );
    await client.change(uri, updated);
    const after = await settled;
    assert.ok(
      !after.some((d) => d.severity === Severity.Error),
      'the consensus record with its adjudication entry is valid',
    );
  });

  test('CodeLens offers both values on each unresolved field', async () => {
    const lenses = await client.request<{ command: { title: string } }[]>('textDocument/codeLens', {
      textDocument: { uri: client.uri(CONSENSUS) },
    });
    assert.equal(lenses.length, 6);
    assert.ok(lenses.every((l) => /^Use (ek|mk)'s value \((28|25)\)$/.test(l.command.title)));
  });
});
