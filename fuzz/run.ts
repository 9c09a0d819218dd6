// The hostile-input campaign, run on demand (`npm run fuzz`, not part of `npm test`): seeded mutations of
// the example review — records, review.yaml, schemas, file-system tricks, language-server sessions and
// report payloads — fed to the built CLI and language server. It reports what must never happen:
//   crash   an internal error, a stack trace, a signal, a JSON output that does not parse
//   hang    a run over its time limit (the process is killed)
//   exit    an exit status outside the command's contract (DESIGN.md §3)
//   write   any file created, changed or removed outside what the command was asked to write (every
//           file of the sandbox, the review and a sibling "outside" folder, hashed before and after)
//   inject  output that another program would execute: a CSV cell a spreadsheet evaluates, a text line
//           that GitHub Actions reads as a workflow command, SVG/HTML with markup or characters XML forbids
//
// Usage: npm run fuzz -- [--seed N] [--cases N] [--seconds N] [--families records,review,schema,fs,lsp,report]
//        [--timeout-ms N] [--keep]
// Bounded in count and time; the same seed makes the same cases. Exits 1 when anything was found.
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import {
  cpSync,
  existsSync,
  lstatSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  readlinkSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { spawnSync } from 'node:child_process';
import { buildUnderLock } from '../test/support/build';
import { LspClient } from '../test/server/lspClient';

const REPO = path.resolve(__dirname, '..');
const CLI = path.join(REPO, 'dist', 'cli.js');
const EXAMPLE = path.join(REPO, 'examples', 'therapeutic-alliance');
const FAMILIES = ['records', 'review', 'schema', 'fs', 'lsp', 'report'] as const;
type Family = (typeof FAMILIES)[number];

// ---------------------------------------------------------------------------------------------------
// Options and a seeded generator (mulberry32: small, fast, the same on every machine)

function option(name: string, fallback: string): string {
  const args = process.argv.slice(2);
  const i = args.indexOf(`--${name}`);
  return i >= 0 && args[i + 1] !== undefined ? args[i + 1]! : fallback;
}
const SEED = Number(option('seed', '1'));
const MAX_CASES = Number(option('cases', '600'));
const MAX_SECONDS = Number(option('seconds', '300'));
const TIMEOUT_MS = Number(option('timeout-ms', '20000'));
const KEEP = process.argv.includes('--keep');
const ENABLED = new Set(option('families', FAMILIES.join(',')).split(',') as Family[]);

function generator(seed: number) {
  let state = seed >>> 0;
  const next = () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const int = (n: number) => Math.floor(next() * n);
  const pick = <T>(items: readonly T[]): T => items[int(items.length)]!;
  return { next, int, pick };
}
const random = generator(SEED);

// ---------------------------------------------------------------------------------------------------
// Hostile material

/** Values a reviewer, a careless tool or an attacker could put into a record. */
const HOSTILE_VALUES = [
  '-.5',
  '+.5',
  '.5',
  '1e400',
  '-1e400',
  '0x1F',
  '0o17',
  '1_000',
  '.inf',
  '.nan',
  '~',
  'NULL',
  'True',
  '2011-05-01',
  '12:30',
  '"=HYPERLINK(""http://x"",""y"")"',
  '"=cmd|\' /c calc\'!A1"',
  '"+1+1"',
  '"@SUM(A1)"',
  '"\\t=1"',
  '"line\\n::error file=x::pwned"',
  '"\\r\\n::warning::x"',
  '"<img src=x onerror=alert(1)>"',
  '"</title><script>alert(1)</script>"',
  '"\\u0000\\u0007\\uFFFE\\uFFFF"',
  '"\\uD800"',
  `"${'x'.repeat(20_000)}"`,
  '&a [*a]',
  '*undefined',
  '!!binary aGVsbG8=',
  '!!js/function "function(){}"',
  '[[[[[[[[[[[[[[[[[[[[]]]]]]]]]]]]]]]]]]]]',
  '{ a: { b: { c: { d: { e: { f: { g: { h: { i: { j: 1 } } } } } } } } } }',
  '"a: b #x"',
  '"- evil"',
  '"z #c"',
  '|\n  block\n  scalar',
  '>-\n  folded',
];
const HOSTILE_KEYS = [
  '"a: b #x"',
  '"z #c"',
  '"- evil"',
  '"line\\n::error file=x::pwned"',
  '"=cmd"',
  '"<<"',
  '"__proto__"',
  '"constructor"',
  '"../../x"',
  '? [complex]',
  '"\\u0000"',
];

function mutateRecord(text: string): string {
  const lines = text.split('\n');
  const kind = random.int(9);
  const at = random.int(lines.length);
  const line = lines[at] ?? '';
  switch (kind) {
    case 0: {
      // Replace a scalar value by a hostile one.
      const match = /^(\s*(?:- )?[\w-]+:)\s*(.+?)(\s+#.*)?$/.exec(line);
      if (match) lines[at] = `${match[1]} ${random.pick(HOSTILE_VALUES)}`;
      else lines.splice(at, 0, `notes: ${random.pick(HOSTILE_VALUES)}`);
      break;
    }
    case 1: {
      // A hostile key next to an existing one, at its indentation.
      const indent = /^\s*/.exec(line)?.[0] ?? '';
      lines.splice(at, 0, `${indent}${random.pick(HOSTILE_KEYS)}: ${random.pick(HOSTILE_VALUES)}`);
      break;
    }
    case 2:
      // Byte-level damage.
      lines[at] =
        line.slice(0, random.int(line.length + 1)) +
        random.pick(['\t', '\0', '{', '[', ':', '"', "'", '&', '*', '!', '%', '\uFEFF']) +
        line.slice(random.int(line.length + 1));
      break;
    case 3:
      lines.splice(at, random.int(4));
      break;
    case 4:
      // Many items or keys, staying under the 1 MB limit.
      lines.push(
        `arms:`,
        ...Array.from({ length: 2_000 + random.int(20_000) }, (_, i) => `  - { id: a${i} }`),
      );
      break;
    case 5:
      lines.push(...Array.from({ length: 2_000 + random.int(18_000) }, (_, i) => `unknown${i}: 1`));
      break;
    case 6:
      lines.push(`deep: ${'['.repeat(1 + random.int(200_000))}`);
      break;
    case 7:
      lines.splice(0, 0, `a: &a [*a]`, `b: &b { c: *b }`);
      break;
    default:
      // A whole record replaced by a duplicate-key, multi-document or binary text.
      return random.pick([
        `${text}\n---\n${text}`,
        `study: x\nstudy: y\n${text}`,
        Buffer.from(Array.from({ length: 2048 }, () => random.int(256))).toString('latin1'),
        '',
        '\uFEFF',
      ]);
  }
  return lines.join('\n');
}

const REVIEW_MUTATIONS: ((text: string) => string)[] = [
  (t) => t.replace(/^consensus: .*$/m, 'consensus: ../../../outside/pwn'),
  (t) => t.replace(/^consensus: .*$/m, 'consensus: /tmp/absolute'),
  (t) => t.replace(/^records: .*$/m, 'records: records/{reviewer}/{study}'),
  (t) => t.replace(/^records: .*$/m, 'records: ../outside/{reviewer}/{study}.study.yaml'),
  (t) => t.replace(/^schema: .*$/m, 'schema: ../outside/schema.json'),
  (t) => t.replace(/^schema: .*$/m, 'schema: /etc/passwd'),
  (t) => t.replace(/ignore: \[notes\]/, `ignore: ["${'*'.repeat(4 + random.int(24))}!"]`),
  (t) => t.replace(/ignore: \[notes\]/, 'ignore: ["[", "(", "\\\\"]'),
  (t) => t.replace(/reviewers: \[ek, mk\]/, 'reviewers: [ek, "../mk"]'),
  (t) => t.replace(/reviewers: \[ek, mk\]/, 'reviewers: [ek, ek]'),
  (t) => t.replace(/measure: SMD/, `measure: ${random.pick(['XYZ', 'OR', 'RR', '"=1"', '[]'])}`),
  (t) => t.replace(/method: REML/, `method: ${random.pick(['PM', 'MH', 'PETO', '~', '1e400'])}`),
  (t) => `${t}\nunknown_top_level: 1\n`,
  (t) => mutateRecord(t),
];

function schemaMutation(text: string): string {
  const schema = JSON.parse(text) as Record<string, unknown>;
  const nest = (depth: number) => {
    let s = '{"type":"object"}';
    for (let i = 0; i < depth; i++) s = `{"properties":{"x":${s}}}`;
    return s;
  };
  switch (random.int(8)) {
    case 0:
      return JSON.stringify({
        ...schema,
        $schema: random.pick(['http://json-schema.org/draft-07/schema#', 'x', 42]),
      });
    case 1:
      return `{"allOf":[${nest(2_000 + random.int(18_000))}]}`;
    case 2:
      return JSON.stringify({ ...schema, properties: { notes: { type: 'string', pattern: '^(a+)+$' } } });
    case 3:
      return JSON.stringify({
        ...schema,
        properties: { country: { enum: Array.from({ length: 20_000 }, (_, i) => `c${i}`) } },
      });
    case 4: {
      const defs: Record<string, unknown> = {};
      for (let i = 0; i < 30; i++)
        defs[`l${i}`] = { anyOf: [{ $ref: `#/$defs/l${i + 1}` }, { $ref: `#/$defs/l${i + 1}` }] };
      defs.l30 = { type: 'string' };
      return JSON.stringify({ ...schema, $defs: defs, properties: { notes: { $ref: '#/$defs/l0' } } });
    }
    case 5:
      return JSON.stringify({ ...schema, $ref: '#' });
    case 6:
      return `${text.slice(0, random.int(text.length))}`;
    default:
      return JSON.stringify({ ...schema, padding: 'x'.repeat(1_500_000) });
  }
}

// ---------------------------------------------------------------------------------------------------
// Sandboxes and snapshots

interface Sandbox {
  base: string;
  review: string;
  outside: string;
}

function sandbox(): Sandbox {
  const base = mkdtempSync(path.join(os.tmpdir(), 'study-fuzz-'));
  const review = path.join(base, 'review');
  const outside = path.join(base, 'outside');
  cpSync(EXAMPLE, review, { recursive: true });
  mkdirSync(outside);
  writeFileSync(path.join(outside, 'keep.txt'), 'outside the review\n');
  return { base, review, outside };
}

/** Every entry below `root`: a content hash for files, the target for links. */
function snapshot(root: string): Map<string, string> {
  const entries = new Map<string, string>();
  const walk = (dir: string) => {
    let names: string[];
    try {
      names = readdirSync(dir);
    } catch {
      return;
    }
    for (const name of names) {
      const full = path.join(dir, name);
      let stat;
      try {
        stat = lstatSync(full);
      } catch {
        continue;
      }
      if (stat.isSymbolicLink()) entries.set(full, `link:${readlinkSync(full)}`);
      else if (stat.isDirectory()) {
        entries.set(full, 'dir');
        walk(full);
      } else if (stat.isFile()) {
        try {
          entries.set(full, createHash('sha256').update(readFileSync(full)).digest('hex'));
        } catch {
          entries.set(full, 'unreadable');
        }
      } else entries.set(full, 'special');
    }
  };
  walk(root);
  return entries;
}

function changedPaths(
  before: Map<string, string>,
  after: Map<string, string>,
  allowed: (p: string) => boolean,
) {
  const changed: string[] = [];
  for (const [p, hash] of after) if (before.get(p) !== hash && !allowed(p)) changed.push(p);
  for (const p of before.keys()) if (!after.has(p) && !allowed(p)) changed.push(p);
  return changed;
}

// ---------------------------------------------------------------------------------------------------
// Running the CLI and judging its output

interface Finding {
  kind: 'crash' | 'hang' | 'exit' | 'write' | 'inject';
  family: Family;
  caseNumber: number;
  what: string;
  folder?: string;
}
const findings: Finding[] = [];
const counts: Record<Family, number> = { records: 0, review: 0, schema: 0, fs: 0, lsp: 0, report: 0 };
let caseNumber = 0;

interface RunResult {
  status: number | null;
  signal: string | null;
  stdout: string;
  stderr: string;
  timedOut: boolean;
  ms: number;
}

function runCli(args: string[], cwd: string): Promise<RunResult> {
  return new Promise((resolve) => {
    const started = Date.now();
    const child = spawn(process.execPath, [CLI, ...args], { cwd, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    let timedOut = false;
    child.stdout
      .setEncoding('utf8')
      .on('data', (c: string) => (stdout.length < 20_000_000 ? (stdout += c) : undefined));
    child.stderr.setEncoding('utf8').on('data', (c: string) => (stderr += c));
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill('SIGKILL');
    }, TIMEOUT_MS);
    child.on('close', (status, signal) => {
      clearTimeout(timer);
      resolve({ status, signal, stdout, stderr, timedOut, ms: Date.now() - started });
    });
  });
}

/** Exit statuses each command may give (DESIGN.md §3). */
const CONTRACT: Record<string, number[]> = {
  check: [0, 1, 2],
  compare: [0, 2],
  synthesize: [0, 1, 2],
  adjudicate: [0, 2],
  new: [0, 2],
};

function judge(family: Family, args: string[], result: RunResult, folder: string): void {
  const record = (kind: Finding['kind'], what: string): void => {
    findings.push({ kind, family, caseNumber, what: `${args.join(' ')}: ${what}`, folder });
  };
  if (result.timedOut) return record('hang', `over ${TIMEOUT_MS} ms`);
  if (result.signal) return record('crash', `killed by ${result.signal}`);
  if (/internal error|^\s+at .+:\d+:\d+\)?$/m.test(result.stderr))
    return record('crash', result.stderr.split('\n').slice(0, 3).join(' | '));
  const command = args[0]!;
  if (!(CONTRACT[command] ?? [0]).includes(result.status ?? -1))
    record('exit', `exit ${result.status}: ${result.stderr.slice(0, 200)}`);
  const format = args.includes('--format') ? args[args.indexOf('--format') + 1] : undefined;
  if (format === 'json' && result.status !== 2) {
    try {
      JSON.parse(result.stdout);
    } catch {
      record('crash', 'output is not one JSON document');
    }
  }
  if (format === 'csv') {
    for (const line of result.stdout.split('\r\n'))
      for (const cell of line.split(','))
        if (/^[=@+\t\r]|^-[^\d.]/.test(cell))
          record('inject', `CSV cell ${JSON.stringify(cell.slice(0, 40))}`);
  }
  if (format === undefined || format === 'text' || format === 'github') {
    for (const line of result.stdout.split('\n'))
      if (line.startsWith('::') && format !== 'github')
        record('inject', `line ${JSON.stringify(line.slice(0, 60))}`);
  }
  if (format === 'svg' || format === 'html') {
    // eslint-disable-next-line no-control-regex -- the characters XML forbids
    if (/[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]/.test(result.stdout))
      record('inject', `${format} holds characters XML forbids`);
    if (/<script|onerror=/i.test(result.stdout.replace(/&lt;[^]*?&gt;/g, '')))
      record('inject', `${format} holds live markup from a record`);
  }
}

const COMMANDS: string[][] = [
  ['check', '--format', 'json'],
  ['check'],
  ['check', '--format', 'github'],
  ['compare'],
  ['compare', '--format', 'csv'],
  ['compare', '--format', 'json'],
  ['synthesize', '--format', 'csv'],
  ['synthesize', '--format', 'html'],
  ['synthesize', '--format', 'svg'],
  ['synthesize', '--format', 'json'],
];

/** Runs `commands` on a mutated sandbox and judges each run; no command may write anything. */
async function cliCase(family: Family, prepare: (box: Sandbox) => void, commands = COMMANDS): Promise<void> {
  caseNumber++;
  counts[family]++;
  const box = sandbox();
  let keep = false;
  try {
    prepare(box);
    const before = snapshot(box.base);
    for (const args of [random.pick(commands), random.pick(commands)]) {
      const result = await runCli([...args, box.review], box.base);
      const found = findings.length;
      judge(family, args, result, box.base);
      const after = snapshot(box.base);
      const writes = changedPaths(before, after, () => false);
      if (writes.length > 0)
        findings.push({
          kind: 'write',
          family,
          caseNumber,
          what: `${args.join(' ')} wrote ${writes.slice(0, 3).join(', ')}`,
          folder: box.base,
        });
      if (findings.length > found) keep = true;
    }
  } finally {
    if (!keep || !KEEP) rmSync(box.base, { recursive: true, force: true });
  }
}

function recordFiles(review: string): string[] {
  const files: string[] = [];
  for (const reviewer of ['ek', 'mk'])
    for (const name of readdirSync(path.join(review, 'records', reviewer)))
      files.push(path.join(review, 'records', reviewer, name));
  return files;
}

const CASES: Record<Exclude<Family, 'lsp' | 'fs'>, () => Promise<void>> = {
  records: () =>
    cliCase('records', ({ review }) => {
      for (let i = 0; i < 1 + random.int(3); i++) {
        const file = random.pick(recordFiles(review));
        writeFileSync(file, mutateRecord(readFileSync(file, 'utf8')));
      }
    }),
  review: () =>
    cliCase('review', ({ review }) => {
      const file = path.join(review, 'review.yaml');
      writeFileSync(file, random.pick(REVIEW_MUTATIONS)(readFileSync(file, 'utf8')));
    }),
  schema: () =>
    cliCase('schema', ({ review }) => {
      const file = path.join(review, 'schemas', 'extraction.schema.json');
      writeFileSync(file, schemaMutation(readFileSync(file, 'utf8')));
    }),
  report: () =>
    cliCase(
      'report',
      ({ review }) => {
        // Hostile labels, titles and groups where reports print them.
        const file = path.join(review, 'records', 'ek', 'ly-2015.study.yaml');
        const value = random.pick(HOSTILE_VALUES.filter((v) => v.startsWith('"')));
        writeFileSync(
          file,
          readFileSync(file, 'utf8')
            .replace(/^(\s+label:).*$/m, `$1 ${value}`)
            .replace(/^(\s+authors:).*$/m, `$1 [${value}]`),
        );
        const protocol = path.join(review, 'review.yaml');
        writeFileSync(protocol, readFileSync(protocol, 'utf8').replace(/^(\s+title:).*$/m, `$1 ${value}`));
      },
      COMMANDS.filter((c) => c[0] === 'synthesize' || c.includes('csv')),
    ),
};

// File-system tricks: links out of the review, loops, special files, consensus through a link; the
// commands that write (adjudicate, new) run too and may write only their own record inside the review.
async function fsCase(): Promise<void> {
  caseNumber++;
  counts.fs++;
  const box = sandbox();
  try {
    const records = path.join(box.review, 'records');
    const trick = random.int(7);
    if (trick === 0) symlinkSync(box.outside, path.join(records, 'consensus'));
    if (trick === 1) symlinkSync('loop', path.join(records, 'ek', 'loop'));
    if (trick === 2)
      symlinkSync(path.join(box.outside, 'keep.txt'), path.join(records, 'ek', 'outside.study.yaml'));
    if (trick === 3) spawnSync('mkfifo', [path.join(records, 'ek', 'fifo.study.yaml')]);
    if (trick === 4) {
      mkdirSync(path.join(records, 'consensus'), { recursive: true });
      symlinkSync(
        path.join(records, 'ek', 'preschl-2011.study.yaml'),
        path.join(records, 'consensus', 'preschl-2011.study.yaml'),
      );
    }
    if (trick === 5)
      writeFileSync(
        path.join(box.review, 'review.yaml'),
        readFileSync(path.join(box.review, 'review.yaml'), 'utf8').replace(
          /^consensus: .*$/m,
          'consensus: ../../outside/pwn',
        ),
      );
    if (trick === 6)
      writeFileSync(
        path.join(box.review, 'review.yaml'),
        readFileSync(path.join(box.review, 'review.yaml'), 'utf8').replace(
          /^records: .*$/m,
          'records: records/{reviewer}/{study}',
        ),
      );
    // Both reviewers' preschl-2011 complete, so that adjudication is possible.
    const before = snapshot(box.base);
    const consensusFolder = path.join(records, 'consensus');
    const writers: string[][] = [
      ['adjudicate', 'preschl-2011'],
      ['new', `fuzz-${caseNumber}`, '--reviewer', 'ek'],
      ['check'],
      ['compare'],
    ];
    const args = random.pick(writers);
    const result = await runCli([...args, box.review], box.base);
    judge('fs', args, result, box.base);
    const allowed = (p: string) =>
      (args[0] === 'adjudicate' &&
        path.dirname(p) === consensusFolder &&
        !lstatSync(consensusFolder).isSymbolicLink()) ||
      (args[0] === 'adjudicate' && p === consensusFolder) ||
      (args[0] === 'new' && p === path.join(records, 'ek', `fuzz-${caseNumber}.study.yaml`));
    const writes = changedPaths(before, snapshot(box.base), allowed);
    if (writes.length > 0)
      findings.push({
        kind: 'write',
        family: 'fs',
        caseNumber,
        what: `${args.join(' ')} (trick ${trick}) wrote ${writes.slice(0, 3).join(', ')}`,
        folder: box.base,
      });
  } finally {
    rmSync(box.base, { recursive: true, force: true });
  }
}

// Language-server sessions: mutated buffers, requests at random places, custom requests with odd
// params; the server must answer every request in time, never with an internal error, never exit, and
// never ask the client to edit any file but a consensus record.
async function lspCase(): Promise<void> {
  caseNumber++;
  counts.lsp++;
  const client = await LspClient.start({ capabilities: random.int(2) === 0 ? {} : undefined });
  const edits: string[] = [];
  client.connection.onRequest(
    'workspace/applyEdit',
    (p: {
      edit: {
        changes?: Record<string, unknown>;
        documentChanges?: { textDocument?: { uri: string }; uri?: string }[];
      };
    }) => {
      for (const uri of Object.keys(p.edit.changes ?? {})) edits.push(uri);
      for (const change of p.edit.documentChanges ?? [])
        edits.push(change.textDocument?.uri ?? change.uri ?? '?');
      return { applied: false };
    },
  );
  const found = (kind: Finding['kind'], what: string) =>
    findings.push({ kind, family: 'lsp', caseNumber, what });
  try {
    const files = recordFiles(client.root).map((f) => path.relative(client.root, f));
    const relative = random.pick(files);
    const uri = await client.open(relative);
    let text = client.text(uri);
    const requests: [string, () => unknown][] = [
      ['textDocument/completion', () => ({ textDocument: { uri }, position: randomPosition(text) })],
      ['textDocument/hover', () => ({ textDocument: { uri }, position: randomPosition(text) })],
      ['textDocument/documentSymbol', () => ({ textDocument: { uri } })],
      ['textDocument/codeLens', () => ({ textDocument: { uri } })],
      ['textDocument/definition', () => ({ textDocument: { uri }, position: randomPosition(text) })],
      [
        'textDocument/codeAction',
        () => ({
          textDocument: { uri },
          range: { start: randomPosition(text), end: randomPosition(text) },
          context: { diagnostics: [forgedDiagnostic(text)] },
        }),
      ],
      [
        'workspace/executeCommand',
        () => ({
          command: 'studyExtraction.server.applyResolution',
          arguments: [{ uri, field: 'arms[f2f].n', side: random.pick(['a', 'b', 'other']) }],
        }),
      ],
      [
        'studyExtraction/adjudicateStudy',
        () =>
          random.pick([
            null,
            {},
            { rootUri: client.uri(''), study: random.pick(['preschl-2011', '../x', '']) },
          ]),
      ],
      ['studyExtraction/studyRecords', () => random.pick([null, {}, { uri }])],
      [
        'studyExtraction/nextMissingField',
        () => random.pick([null, {}, { uri, position: randomPosition(text) }]),
      ],
      [
        'studyExtraction/scaffoldRecord',
        () =>
          random.pick([
            null,
            {},
            {
              rootUri: client.uri(''),
              study: random.pick(['../../x', 'ok-1', '']),
              reviewer: random.pick(['ek', '../x', '']),
            },
          ]),
      ],
      ['studyExtraction/synthesis', () => random.pick([null, {}, { rootUri: client.uri('') }])],
      ['studyExtraction/progress', () => random.pick([null, {}])],
      ['studyExtraction/disagreements', () => null],
      ['studyExtraction/autoResolveTrivial', () => random.pick([null, {}, { uri }])],
      ['studyExtraction/reviews', () => null],
      ['studyExtraction/studyLocation', () => random.pick([null, {}, { uri }])],
      [
        'studyExtraction/exportSynthesis',
        () => random.pick([null, {}, { rootUri: client.uri(''), format: 'csv' }]),
      ],
    ];
    for (let step = 0; step < 8; step++) {
      text = mutateRecord(text);
      await client.change(uri, text);
      const [method, params] = random.pick(requests);
      const started = Date.now();
      try {
        await Promise.race([
          client.request(method, params()),
          new Promise((_, reject) => setTimeout(() => reject(new Error('timeout')), TIMEOUT_MS)),
        ]);
      } catch (error) {
        const message = error instanceof Error ? error.message : String(error);
        if (message === 'timeout') found('hang', `${method} unanswered after ${Date.now() - started} ms`);
        else if (
          /-32603|internal|Request .* failed with message/i.test(
            `${(error as { code?: number }).code ?? ''} ${message}`,
          ) &&
          !/-32601|Unhandled method/.test(message)
        )
          found('crash', `${method}: ${message.slice(0, 160)}`);
      }
      if (client.exited) {
        found('crash', `server exited (${JSON.stringify(client.exited)})`);
        break;
      }
    }
    for (const target of edits)
      if (!/\/records\/consensus\/[^/]+\.study\.yaml$/.test(target))
        found('write', `workspace/applyEdit for ${target}`);
  } finally {
    await client.stop().catch(() => undefined);
  }
}

function randomPosition(text: string) {
  const lines = text.split('\n');
  const line = random.int(lines.length + 2);
  return { line, character: random.int((lines[line]?.length ?? 0) + 3) };
}

function forgedDiagnostic(text: string) {
  return {
    range: { start: randomPosition(text), end: randomPosition(text) },
    message: 'forged',
    code: random.pick(['unresolved-disagreement', 'unknown-field', 'required', 'disagreement']),
    data: random.pick([
      null,
      { disagreement: { field: 'arms[f2f].n', choices: [{ reviewer: 'ek', side: 'a', value: 1 }] } },
      { fix: { kind: 'rename', to: 'x' } },
    ]),
  };
}

// ---------------------------------------------------------------------------------------------------

async function main(): Promise<void> {
  buildUnderLock(CLI, () => undefined);
  const deadline = Date.now() + MAX_SECONDS * 1000;
  const order = FAMILIES.filter((f) => ENABLED.has(f));
  if (order.length === 0) throw new Error(`no known family in --families (known: ${FAMILIES.join(', ')})`);
  console.log(
    `fuzz: seed ${SEED}, at most ${MAX_CASES} cases or ${MAX_SECONDS} s, families ${order.join(', ')}`,
  );
  let i = 0;
  while (caseNumber < MAX_CASES && Date.now() < deadline) {
    const family = order[i++ % order.length]!;
    if (family === 'lsp') await lspCase();
    else if (family === 'fs') await fsCase();
    else await CASES[family]();
    if (caseNumber % 25 === 0) console.log(`  ${caseNumber} cases, ${findings.length} findings`);
  }
  const by = (kind: Finding['kind']) => findings.filter((f) => f.kind === kind).length;
  for (const f of findings.slice(0, 50))
    console.log(
      `  ${f.kind} [${f.family} #${f.caseNumber}] ${f.what}${f.folder && KEEP ? ` (kept ${f.folder})` : ''}`,
    );
  console.log(
    `fuzz: ${caseNumber} cases (${order.map((f) => `${f} ${counts[f]}`).join(', ')}): crashes ${by('crash')}, hangs ${by('hang')}, wrong exits ${by('exit')}, writes ${by('write')}, injections ${by('inject')}`,
  );
  process.exitCode = findings.length > 0 ? 1 : 0;
}

if (!existsSync(EXAMPLE)) throw new Error(`${EXAMPLE} is missing`);
void main();
