// A review that changes on disk under the running server (records created, deleted, renamed, a reviewer's
// folder replaced, review.yaml edited) ends with the diagnostics a fresh `check` gives, file by file.
// The client reports each file created, changed or deleted that matches the globs the server registered;
// a client that cannot register watchers leaves it to the server's own watcher.
import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import fc from 'fast-check';
import {
  apply,
  cliCheck,
  converged,
  describeOp,
  notify,
  REVIEW,
  reviewFolder,
  SCRIPT,
  VARIANTS,
  type Operation,
} from '../support/convergence';
import { reviewYaml } from '../support/records';
import { LspClient } from './lspClient';

describe('the published diagnostics converge to a fresh check', () => {
  const folders: string[] = [];
  after(() => {
    for (const folder of folders) rmSync(folder, { recursive: true, force: true });
  });

  for (const client of ['a client that reports each file', 'a client that cannot watch files'] as const) {
    test(`${client}: records created, deleted, renamed, a reviewer's folder replaced, review.yaml edited`, async () => {
      const folder = reviewFolder();
      folders.push(folder);
      const watches = client === 'a client that reports each file';
      const lsp = await LspClient.start({
        review: folder,
        capabilities: watches ? undefined : { workspace: { configuration: true } },
      });
      try {
        const start = await converged(lsp);
        assert.deepEqual(Object.keys(start), [
          'records/ek/beta-2012.study.yaml',
          'records/mk/alpha-2010.study.yaml',
        ]);
        for (const op of SCRIPT) {
          const events = apply(lsp.root, op);
          if (watches) await notify(lsp, events);
          await converged(lsp).catch((error: Error) => {
            throw new Error(`after ${describeOp(op)}:\n${error.message}`);
          });
        }
        // The last state, also as the command line reports it.
        const end = await converged(lsp);
        assert.deepEqual(cliCheck(lsp.root), end);
        // delta: alpha's record under another name; gamma: an unknown group; mk is no reviewer any more,
        // its alpha has no outcomes and epsilon names another study; zeta's protocol version is now right.
        assert.deepEqual(Object.keys(end), [
          'records/ek/delta-2018.study.yaml',
          'records/ek/gamma-2015.study.yaml',
          'records/mk/alpha-2010.study.yaml',
          'records/mk/epsilon-2020.study.yaml',
        ]);
      } finally {
        await lsp.stop();
      }
    });
  }
});

// ---------------------------------------------------------------------------------------------------
// Random sequences

const STUDIES = ['alpha-2010', 'beta-2012', 'gamma-2015', 'delta-2018'];
const REVIEWERS = ['ek', 'mk', 'jd'];

const recordAt = fc
  .tuple(fc.constantFrom(...REVIEWERS), fc.constantFrom(...STUDIES))
  .map(([reviewer, study]) => ({ reviewer, study, path: `records/${reviewer}/${study}.study.yaml` }));
const variant = fc.constantFrom(...Object.keys(VARIANTS));

/** Operations that make sense in any state: a deletion or rename of what is not there does nothing. */
const operation: fc.Arbitrary<Operation> = fc.oneof(
  {
    weight: 4,
    arbitrary: fc
      .tuple(recordAt, variant)
      .map(([r, v]): Operation => ({ kind: 'write', path: r.path, text: VARIANTS[v]!(r.study, r.reviewer) })),
  },
  { weight: 2, arbitrary: recordAt.map((r): Operation => ({ kind: 'delete', path: r.path })) },
  {
    weight: 2,
    arbitrary: fc
      .tuple(recordAt, recordAt)
      .map(([a, b]): Operation => ({ kind: 'rename', from: a.path, to: b.path })),
  },
  {
    weight: 1,
    arbitrary: fc
      .tuple(fc.constantFrom(...REVIEWERS), fc.subarray(STUDIES, { minLength: 1, maxLength: 2 }), variant)
      .map(([reviewer, studies, v]): Operation => ({
        kind: 'replace-folder',
        folder: `records/${reviewer}`,
        files: Object.fromEntries(studies.map((s) => [`${s}.study.yaml`, VARIANTS[v]!(s, reviewer)])),
      })),
  },
  {
    weight: 1,
    arbitrary: fc
      .constantFrom(...REVIEWERS)
      .map((reviewer): Operation => ({ kind: 'remove-folder', folder: `records/${reviewer}` })),
  },
  {
    weight: 1,
    arbitrary: fc
      .record({ version: fc.constantFrom(1, 2), reviewers: fc.constantFrom(['ek', 'mk'], ['ek'], REVIEWERS) })
      .map((r): Operation => ({ kind: 'write', path: 'review.yaml', text: reviewYaml({ ...REVIEW, ...r }) })),
  },
);

describe('random sequences of changes converge too', () => {
  test('a client that reports each file, each sequence made at once without waiting in between', async () => {
    const folder = reviewFolder();
    const lsp = await LspClient.start({ review: folder });
    let runs = 0;
    try {
      await converged(lsp);
      // One server for every run: each sequence starts from where the last one left the review.
      await fc.assert(
        fc.asyncProperty(
          fc.array(operation, { minLength: 2, maxLength: 6 }),
          fc.context(),
          async (ops, ctx) => {
            runs++;
            for (const op of ops) {
              ctx.log(describeOp(op));
              await notify(lsp, apply(lsp.root, op));
            }
            await converged(lsp);
          },
        ),
        { numRuns: 12, seed: 20261202, endOnFailure: true, interruptAfterTimeLimit: 20_000 },
      );
      assert.ok(runs >= 2, `only ${runs} sequences ran in the time given`);
    } finally {
      await lsp.stop();
      rmSync(folder, { recursive: true, force: true });
    }
  });
});
