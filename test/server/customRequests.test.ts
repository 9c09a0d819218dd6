// The server's custom requests as any client may send them: null, missing or mistyped params are answered
// with InvalidParams (-32602) naming what was expected, never with an internal error, and the server goes
// on answering.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { LspClient } from './lspClient';

const INVALID_PARAMS = -32602;

/** Each custom request with params that name what it needs, and a wrong spelling of them. */
const REQUESTS: { method: string; wrong: unknown[]; names: string[] }[] = [
  { method: 'studyExtraction/nextMissingField', wrong: [null, {}, { uri: 1, position: {} }], names: ['uri'] },
  {
    method: 'studyExtraction/scaffoldRecord',
    wrong: [null, {}, { rootUri: 'x', study: 3, reviewer: 'ek' }],
    names: ['rootUri', 'study'],
  },
  {
    method: 'studyExtraction/adjudicateStudy',
    wrong: [null, {}, { rootUri: [], study: 'x' }],
    names: ['rootUri'],
  },
  { method: 'studyExtraction/autoResolveTrivial', wrong: [null, {}, { uri: false }], names: ['uri'] },
  { method: 'studyExtraction/studyRecords', wrong: [null, {}, { uri: {} }], names: ['uri'] },
  {
    method: 'studyExtraction/studyLocation',
    wrong: [null, {}, { rootUri: 'x', study: null }],
    names: ['rootUri', 'study'],
  },
  { method: 'studyExtraction/exportSynthesis', wrong: [null, {}, { format: 5 }], names: ['format'] },
  { method: 'studyExtraction/progress', wrong: [7, { uri: 12 }], names: ['uri'] },
  {
    method: 'studyExtraction/synthesis',
    wrong: ['x', { rootUri: 3 }, { rescan: 'yes' }],
    names: ['rootUri', 'rescan'],
  },
];

describe('custom requests with params a client got wrong', () => {
  let client: LspClient;
  before(async () => {
    client = await LspClient.start();
  });
  after(async () => {
    await client.stop();
  });

  for (const { method, wrong, names } of REQUESTS) {
    test(method, async () => {
      for (const params of wrong) {
        const error = await client.request(method, params).then(
          () => undefined,
          (e: unknown) => e as { code?: number; message?: string },
        );
        assert.ok(error, `${method} with ${JSON.stringify(params)} was answered as if it were fine`);
        assert.equal(error.code, INVALID_PARAMS, `${method} ${JSON.stringify(params)}: ${error.message}`);
        assert.ok(
          names.some((name) => error.message?.includes(name)) ||
            /params must be an object/.test(error.message ?? ''),
          `the message names what was expected: ${error.message}`,
        );
      }
    });
  }

  test('the server goes on answering', async () => {
    const reviews = await client.request<{ title: string }[]>('studyExtraction/reviews');
    assert.equal(reviews.length, 1);
    assert.match(reviews[0]!.title, /Therapeutic alliance/);
  });

  test('an unknown export format is refused with a message', async () => {
    const result = await client.request<{ error?: string }>('studyExtraction/exportSynthesis', {
      format: 'exe',
    });
    assert.match(result.error ?? '', /Unknown export format "exe"/);
  });
});
