// VS Code's watcher reports a removed folder as one event, for the folder (the events of its files are
// coalesced into it): the server registers a delete watcher for every path, and re-checks the records that
// were below the folder.
import { after, describe, test } from 'node:test';
import { rmSync } from 'node:fs';
import { apply, clean, converged, notify, reviewFolder } from '../support/convergence';
import { LspClient } from './lspClient';

describe('a folder removed or replaced under VS Code, reported as one event for the folder', () => {
  const folders: string[] = [];
  after(() => folders.forEach((f) => rmSync(f, { recursive: true, force: true })));

  const cases = [
    {
      name: "a reviewer's folder replaced: the records that went with it lose their diagnostics",
      op: {
        kind: 'replace-folder',
        folder: 'records/mk',
        files: { 'gamma-2015.study.yaml': clean('gamma-2015', 'mk').yaml() },
      },
    },
    {
      name: "a reviewer's folder removed: its records lose their diagnostics",
      op: { kind: 'remove-folder', folder: 'records/mk' },
    },
  ] as const;
  for (const { name, op } of cases) {
    test(name, async () => {
      const folder = reviewFolder();
      folders.push(folder);
      const lsp = await LspClient.start({ review: folder });
      try {
        await converged(lsp);
        await notify(lsp, apply(lsp.root, op, 'folder only'));
        await converged(lsp, 5_000);
      } finally {
        await lsp.stop();
      }
    });
  }
});
