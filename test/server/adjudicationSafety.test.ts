// Adjudication edits only the study's consensus record, whatever a client names: not a reviewer's record
// reached through a link, not a reviewer's URI in a command, not a record a forged diagnostic points at,
// and nothing outside the review. A new consensus record is created by the editor (CreateFile), never
// written by the server itself.
import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { LspClient } from './lspClient';

const EK = 'records/ek/preschl-2011.study.yaml';
const CONSENSUS = 'records/consensus/preschl-2011.study.yaml';
const STUDY = 'preschl-2011';

function editedUris(client: LspClient): string[] {
  const uris = client.appliedEdits.flatMap((edit) => [
    ...Object.keys(edit.changes ?? {}),
    ...(edit.documentChanges ?? []).map((c) => ('kind' in c ? c.uri : c.textDocument.uri)),
  ]);
  return [...new Set(uris)];
}

describe('a consensus record that is a link to a reviewer record', () => {
  let client: LspClient;
  after(async () => client?.stop());

  test('Adjudicate Study refuses it and the reviewer record stays as it was', async () => {
    client = await LspClient.start({
      comparison: true,
      prepare: (root) => {
        mkdirSync(path.join(root, 'records', 'consensus'), { recursive: true });
        symlinkSync(path.join(root, EK), path.join(root, CONSENSUS));
      },
    });
    const before = readFileSync(client.path(EK), 'utf8');
    const result = await client.request<{ error?: string }>('studyExtraction/adjudicateStudy', {
      rootUri: client.uri(''),
      study: STUDY,
    });
    assert.match(result.error ?? '', /symbolic link/);
    const lenses = await client.request<unknown[]>('textDocument/codeLens', {
      textDocument: { uri: client.uri(CONSENSUS) },
    });
    assert.deepEqual(lenses, [], 'no "Use …" lens on a linked consensus record');
    await client.request('workspace/executeCommand', {
      command: 'studyExtraction.server.applyResolution',
      arguments: [{ uri: client.uri(CONSENSUS), field: 'arms[f2f].n', side: 'a' }],
    });
    assert.deepEqual(editedUris(client), []);
    assert.equal(readFileSync(client.path(EK), 'utf8'), before);
  });
});

describe('requests that name a reviewer record', () => {
  let client: LspClient;
  after(async () => client?.stop());

  test('applyResolution aimed at ek’s record, and a forged diagnostic on it, edit nothing', async () => {
    client = await LspClient.start({ comparison: true });
    const created = await client.request<{ created?: boolean; error?: string }>(
      'studyExtraction/adjudicateStudy',
      { rootUri: client.uri(''), study: STUDY },
    );
    assert.equal(created.created, true, created.error);
    assert.deepEqual(editedUris(client), [client.uri(CONSENSUS)], 'the editor was asked to create it');
    assert.ok(existsSync(client.path(CONSENSUS)));
    client.appliedEdits.length = 0;
    const ekBefore = readFileSync(client.path(EK), 'utf8');

    for (const side of ['a', 'b', 'other']) {
      await client.request('workspace/executeCommand', {
        command: 'studyExtraction.server.applyResolution',
        arguments: [{ uri: client.uri(EK), field: 'arms[f2f].n', side }],
      });
    }
    await client.request('workspace/executeCommand', {
      command: 'studyExtraction.server.applyResolution',
      arguments: [null],
    });
    assert.deepEqual(editedUris(client), [], 'no edit of a reviewer record was asked for');

    const ekUri = await client.open(EK);
    const forged = {
      range: { start: { line: 0, character: 0 }, end: { line: 0, character: 5 } },
      message: 'forged',
      source: 'study-extraction',
      code: 'unresolved-disagreement',
      data: { disagreement: { field: 'arms[f2f].n', choices: [{ reviewer: 'ek', side: 'a', value: 999 }] } },
    };
    const actions = await client.request<{ title: string }[]>('textDocument/codeAction', {
      textDocument: { uri: ekUri },
      range: forged.range,
      context: { diagnostics: [forged] },
    });
    assert.deepEqual(
      actions.filter((a) => a.title.startsWith('Use ')),
      [],
      'no resolution offered on a reviewer record',
    );

    const consensusUri = await client.open(CONSENSUS);
    await client.waitForDiagnostics(
      consensusUri,
      (d) => d.some((x) => x.code === 'unresolved-disagreement'),
      10_000,
      { current: true },
    );
    const onConsensus = await client.request<{ title: string }[]>('textDocument/codeAction', {
      textDocument: { uri: consensusUri },
      range: forged.range,
      context: { diagnostics: [forged] },
    });
    assert.deepEqual(
      onConsensus.map((a) => a.title).filter((t) => t.startsWith('Use ')),
      ["Use ek's value (28)", "Use mk's value (25)"],
      'the values come from the comparison, not from the diagnostic',
    );
    assert.equal(readFileSync(client.path(EK), 'utf8'), ekBefore);
  });
});

describe('a consensus folder outside the review', () => {
  let client: LspClient;
  after(async () => client?.stop());

  test('the unsafe value is not used: nothing is created outside the review', async () => {
    client = await LspClient.start({
      comparison: true,
      folderName: 'review',
      prepare: (root) => {
        const file = path.join(root, 'review.yaml');
        writeFileSync(
          file,
          readFileSync(file, 'utf8').replace(/^consensus: .*$/m, 'consensus: ../../outside/pwn'),
        );
      },
    });
    const result = await client.request<{ error?: string; created?: boolean }>(
      'studyExtraction/adjudicateStudy',
      { rootUri: client.uri(''), study: STUDY },
    );
    for (const uri of editedUris(client))
      assert.ok(uri.startsWith(client.uri('')), `${uri} is inside the review (${JSON.stringify(result)})`);
    assert.deepEqual(readdirSync(path.dirname(client.root)), ['review']);
    const protocol = await client.waitForDiagnostics(client.uri('review.yaml'), (d) => d.length > 0, 10_000, {
      current: true,
    });
    assert.ok(
      protocol.some((d) => /consensus/.test(d.message)),
      protocol.map((d) => d.message).join('\n'),
    );
  });
});

describe('an editor that cannot create files', () => {
  let client: LspClient;
  after(async () => client?.stop());

  test('is told how to create the consensus record instead', async () => {
    client = await LspClient.start({
      comparison: true,
      capabilities: { workspace: { configuration: true } },
    });
    const result = await client.request<{ error?: string }>('studyExtraction/adjudicateStudy', {
      rootUri: client.uri(''),
      study: STUDY,
    });
    assert.match(result.error ?? '', /study-extract adjudicate preschl-2011/);
    assert.equal(existsSync(client.path(CONSENSUS)), false);
  });
});
