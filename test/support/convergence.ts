// A review changed on disk under a running language server, and what it takes to see that the server
// ends where a fresh `check` does: the changes (each with the file events it causes), what a client
// sends of them, and the comparison of the published diagnostics with a check, file by file.
import { spawnSync } from 'node:child_process';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  renameSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import assert from 'node:assert/strict';
import * as os from 'node:os';
import * as nodePath from 'node:path';
import { URI } from 'vscode-uri';
import { checkReview } from '../../src/core/workspace/check';
import { nodeFileSystem } from '../../src/node/fileSystem';
import { FileChangeType, type Diagnostic, type LspClient } from '../server/lspClient';
import { buildUnderLock, REPO } from './build';
import { record, reviewFiles, reviewYaml, type ReviewOptions, type StudyRecord } from './records';

const CLI = nodePath.join(REPO, 'dist', 'cli.js');
/** Published by the server with its comparisons, and by `check` for consensus records: not compared. */
const COMPARISON = new Set(['disagreement', 'unresolved-disagreement']);
const SEVERITY: Record<string, number> = { error: 1, warning: 2, information: 3 };

// ---------------------------------------------------------------------------------------------------
// The review and the changes made to it

export const REVIEW: ReviewOptions = { reviewers: ['ek', 'mk'] };

export function clean(study: string, reviewer: string): StudyRecord {
  return record(study, reviewer)
    .arm('a', 'email', 20)
    .arm('b', 'face-to-face', 20)
    .continuous('alliance', { a: [5, 1], b: [4, 1] }, { instrument: 'WAI' });
}

/** Records with something to report, each in its own way. */
export const VARIANTS: Record<string, (study: string, reviewer: string) => string> = {
  clean: (s, r) => clean(s, r).yaml(),
  'unknown group': (s, r) => clean(s, r).arm('c', 'telephone').yaml(),
  'wrong study': (s, r) => clean(s, r).set('study', `${s}x`).yaml(),
  'no outcomes': (s, r) => clean(s, r).set('outcomes', undefined).yaml(),
  'protocol version 2': (s, r) => clean(s, r).set('protocol_version', 2).yaml(),
  'not YAML': () => 'study: [\n',
};

export function initialFiles(): Record<string, string> {
  return reviewFiles(REVIEW, [
    clean('alpha-2010', 'ek'),
    clean('alpha-2010', 'mk').set('country', ''),
    clean('beta-2012', 'ek').arm('c', 'telephone'),
    clean('beta-2012', 'mk'),
  ]);
}

export function writeReview(root: string, files: Record<string, string>): void {
  for (const [relative, text] of Object.entries(files)) {
    mkdirSync(nodePath.dirname(nodePath.join(root, relative)), { recursive: true });
    writeFileSync(nodePath.join(root, relative), text);
  }
}

export type Operation =
  | { kind: 'write'; path: string; text: string }
  | { kind: 'delete'; path: string }
  | { kind: 'rename'; from: string; to: string }
  | { kind: 'replace-folder'; folder: string; files: Record<string, string> }
  | { kind: 'remove-folder'; folder: string };

export interface RawEvent {
  path: string;
  type: number;
}

/** The files below a folder, recursively. */
function filesBelow(folder: string): string[] {
  if (!existsSync(folder)) return [];
  return readdirSync(folder, { recursive: true, encoding: 'utf8' })
    .map((name) => nodePath.join(folder, name))
    .filter((path) => statSync(path).isFile());
}

/**
 * How a client's watcher reports a removed folder: an event for each file in it, or (as VS Code
 * coalesces them) one event for the folder alone.
 */
export type FolderRemoval = 'each file' | 'folder only';

/**
 * Makes the change on disk and returns the events of the files it created, changed or deleted (and of
 * the folders, which a client's globs may pass over).
 */
export function apply(root: string, op: Operation, removal: FolderRemoval = 'each file'): RawEvent[] {
  const full = (relative: string) => nodePath.join(root, relative);
  switch (op.kind) {
    case 'write': {
      const existed = existsSync(full(op.path));
      mkdirSync(nodePath.dirname(full(op.path)), { recursive: true });
      writeFileSync(full(op.path), op.text);
      return [{ path: full(op.path), type: existed ? FileChangeType.Changed : FileChangeType.Created }];
    }
    case 'delete':
      if (!existsSync(full(op.path))) return [];
      rmSync(full(op.path));
      return [{ path: full(op.path), type: FileChangeType.Deleted }];
    case 'rename':
      if (!existsSync(full(op.from)) || existsSync(full(op.to))) return [];
      mkdirSync(nodePath.dirname(full(op.to)), { recursive: true });
      renameSync(full(op.from), full(op.to));
      return [
        { path: full(op.from), type: FileChangeType.Deleted },
        { path: full(op.to), type: FileChangeType.Created },
      ];
    case 'remove-folder': {
      if (!existsSync(full(op.folder))) return [];
      const events: RawEvent[] =
        removal === 'each file'
          ? filesBelow(full(op.folder)).map((path) => ({ path, type: FileChangeType.Deleted }))
          : [];
      rmSync(full(op.folder), { recursive: true, force: true });
      return [...events, { path: full(op.folder), type: FileChangeType.Deleted }];
    }
    case 'replace-folder': {
      const events: RawEvent[] =
        removal === 'each file'
          ? filesBelow(full(op.folder)).map((path) => ({ path, type: FileChangeType.Deleted }))
          : [];
      if (existsSync(full(op.folder))) events.push({ path: full(op.folder), type: FileChangeType.Deleted });
      rmSync(full(op.folder), { recursive: true, force: true });
      mkdirSync(full(op.folder), { recursive: true });
      events.push({ path: full(op.folder), type: FileChangeType.Created });
      for (const [name, text] of Object.entries(op.files)) {
        writeFileSync(full(nodePath.join(op.folder, name)), text);
        events.push({ path: full(nodePath.join(op.folder, name)), type: FileChangeType.Created });
      }
      return events;
    }
  }
}

export function describeOp(op: Operation): string {
  if (op.kind === 'write') return `write ${op.path} (${op.text.split('\n')[0]}…)`;
  if (op.kind === 'delete') return `delete ${op.path}`;
  if (op.kind === 'rename') return `rename ${op.from} → ${op.to}`;
  if (op.kind === 'remove-folder') return `remove ${op.folder}/`;
  return `replace ${op.folder}/ with ${Object.keys(op.files).join(', ')}`;
}

// ---------------------------------------------------------------------------------------------------
// What a client sends

/** A glob of a watcher registration as a regular expression over the absolute path. */
function globPattern(glob: string): RegExp {
  let source = '';
  for (let i = 0; i < glob.length; i++) {
    const ch = glob[i]!;
    if (glob.startsWith('**/', i)) {
      source += '(?:.*/)?';
      i += 2;
    } else if (glob.startsWith('**', i)) {
      source += '.*';
      i += 1;
    } else if (ch === '*') source += '[^/]*';
    else if (ch === '?') source += '[^/]';
    else if (ch === '{') source += '(?:';
    else if (ch === '}') source += ')';
    else if (ch === ',') source += '|';
    else source += ch.replace(/[.+^$()|[\]\\]/g, '\\$&');
  }
  return new RegExp(`(?:^|/)${source}$`);
}

/** The events that pass the server's registered watchers, sent as one notification. */
export async function notify(client: LspClient, events: RawEvent[]): Promise<void> {
  const watchers = client.registrations
    .filter((r) => r.method === 'workspace/didChangeWatchedFiles')
    .flatMap((r) => (r.registerOptions as { watchers: { globPattern: string; kind?: number }[] }).watchers);
  const kindBit: Record<number, number> = { 1: 1, 2: 2, 3: 4 };
  const passed = events.filter((event) =>
    watchers.some(
      (w) =>
        typeof w.globPattern === 'string' &&
        globPattern(w.globPattern).test(event.path) &&
        ((w.kind ?? 7) & kindBit[event.type]!) !== 0,
    ),
  );
  if (passed.length > 0)
    await client.watchedFilesChanged(passed.map((e) => ({ uri: URI.file(e.path).toString(), type: e.type })));
}

// ---------------------------------------------------------------------------------------------------
// Comparing

export type Seen = Record<string, string[]>;

function normalize(
  diagnostics: { code?: unknown; severity?: unknown; message: string; range: Diagnostic['range'] }[],
) {
  return diagnostics
    .filter((d) => !COMPARISON.has(String(d.code)))
    .map(
      (d) =>
        `${d.range.start.line}:${d.range.start.character}-${d.range.end.line}:${d.range.end.character} ` +
        `${typeof d.severity === 'string' ? SEVERITY[d.severity] : String(d.severity)} [${String(d.code)}] ${d.message}`,
    )
    .sort();
}

/** Every file with diagnostics, relative to the review; files without any are left out. */
function withoutEmpty(seen: Seen): Seen {
  return Object.fromEntries(
    Object.entries(seen)
      .filter(([, list]) => list.length > 0)
      .sort(([a], [b]) => (a < b ? -1 : 1)),
  );
}

export function published(client: LspClient): Seen {
  const seen: Seen = {};
  for (const [uri, diagnostics] of client.diagnostics) {
    const relative = nodePath.relative(client.root, URI.parse(uri).fsPath).split(nodePath.sep).join('/');
    seen[relative] = normalize(diagnostics);
  }
  return withoutEmpty(seen);
}

export async function freshCheck(root: string): Promise<Seen> {
  const report = await checkReview(root, nodeFileSystem);
  return withoutEmpty(Object.fromEntries(report.files.map((f) => [f.path, normalize(f.diagnostics)])));
}

export function cliCheck(root: string): Seen {
  const cli = buildUnderLock(CLI, () => CLI);
  const result = spawnSync(process.execPath, [cli, 'check', '--format', 'json', root], { encoding: 'utf8' });
  const report = JSON.parse(result.stdout) as {
    files: { path: string; diagnostics: Parameters<typeof normalize>[0] }[];
  };
  return withoutEmpty(Object.fromEntries(report.files.map((f) => [f.path, normalize(f.diagnostics)])));
}

/**
 * Waits until what the server has published equals a fresh check of the disk and no publish has come for
 * a while; fails with both when they still differ at the deadline.
 */
export async function converged(client: LspClient, timeoutMs = 10_000, quietMs = 300): Promise<Seen> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const publishes = client.publishes.length;
    const expected = await freshCheck(client.root);
    await new Promise((resolve) => setTimeout(resolve, quietMs));
    const quiet = client.publishes.length === publishes;
    const actual = published(client);
    if (quiet && JSON.stringify(actual) === JSON.stringify(expected)) return expected;
    if (Date.now() > deadline) {
      assert.deepEqual(
        actual,
        expected,
        'the published diagnostics (actual) against a fresh check (expected)',
      );
      assert.fail('the server kept publishing');
    }
  }
}

// ---------------------------------------------------------------------------------------------------

/** A temp review folder for LspClient.start to copy. */
export function reviewFolder(): string {
  const folder = mkdtempSync(nodePath.join(os.tmpdir(), 'study-converge-'));
  writeReview(folder, initialFiles());
  return folder;
}

export const SCRIPT: Operation[] = [
  {
    kind: 'write',
    path: 'records/ek/gamma-2015.study.yaml',
    text: VARIANTS['unknown group']!('gamma-2015', 'ek'),
  },
  {
    kind: 'write',
    path: 'records/mk/gamma-2015.study.yaml',
    text: VARIANTS['not YAML']!('gamma-2015', 'mk'),
  },
  { kind: 'delete', path: 'records/ek/beta-2012.study.yaml' },
  { kind: 'rename', from: 'records/ek/alpha-2010.study.yaml', to: 'records/ek/delta-2018.study.yaml' },
  {
    kind: 'replace-folder',
    folder: 'records/mk',
    files: {
      'alpha-2010.study.yaml': VARIANTS['no outcomes']!('alpha-2010', 'mk'),
      'epsilon-2020.study.yaml': VARIANTS['wrong study']!('epsilon-2020', 'mk'),
    },
  },
  {
    kind: 'write',
    path: 'records/ek/zeta-2021.study.yaml',
    text: VARIANTS['protocol version 2']!('zeta-2021', 'ek'),
  },
  { kind: 'write', path: 'review.yaml', text: reviewYaml({ ...REVIEW, version: 2, reviewers: ['ek'] }) },
];
