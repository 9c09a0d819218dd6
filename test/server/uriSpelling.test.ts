// A review in a folder whose name percent-encodes differently in different clients ("Review (2024)":
// vscode-uri writes `%28`, Node's pathToFileURL and many editors write `(`). The server must publish
// under the URI the client used for an open document, and clear what it published there.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { exampleRecords, formatDiagnostics, LspClient } from './lspClient';

const REL = 'records/ek/preschl-2011.study.yaml';

describe('a review folder whose URI is spelled differently by the client', () => {
  let client: LspClient;
  let clientUri: string;

  before(async () => {
    client = await LspClient.start({ folderName: 'Review (2024)' });
    await client.waitForDiagnostics(client.uri(REL), () => true, 15_000, { current: true });
    clientUri = pathToFileURL(client.path(REL)).href;
    assert.notEqual(clientUri, client.uri(REL), 'the two spellings differ');
  });

  after(async () => {
    await client?.stop();
  });

  test('start-up diagnostics reach every record of the folder', async () => {
    for (const rel of exampleRecords()) {
      const d = await client.waitForDiagnostics(client.uri(rel), () => true, 15_000, { current: true });
      assert.deepEqual(d, [], rel);
    }
  });

  test("an open document's diagnostics are published under the client's URI", async () => {
    const original = readFileSync(client.path(REL), 'utf8');
    await client.openUri(clientUri, original);
    const published = client.waitForDiagnostics(clientUri, (d) => d.length > 0);
    await client.change(clientUri, original.replace('status: complete', 'status: finished'));
    const d = await published;
    assert.deepEqual(
      d.map((x) => x.code),
      ['enum'],
      formatDiagnostics(d),
    );
    // The features answer under that URI too.
    const hover = await client.request<{ contents: { value: string } } | null>('textDocument/hover', {
      textDocument: { uri: clientUri },
      position: { line: 2, character: 2 },
    });
    assert.match(hover?.contents.value ?? '', /Extraction status/);
  });

  test("closing it clears the buffer's diagnostics under the client's URI", {}, async () => {
    assert.ok((client.diagnostics.get(clientUri) ?? []).length > 0, 'the previous test left diagnostics');
    const cleared = client.waitForDiagnostics(clientUri, (d) => d.length === 0, 3000);
    await client.close(clientUri);
    await cleared;
  });
});
