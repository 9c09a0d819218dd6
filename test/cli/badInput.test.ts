// Hostile and broken input to the built CLI (`study-extract check --format json`). Each case builds a
// small valid review in a fresh temp folder, adds one bad file, and checks that the process finishes
// (exit 1, no crash, no timeout), that the bad file gets the expected diagnostic, and that the other
// records are still checked and clean.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as nodePath from 'node:path';
import { ensureBuilt } from './support/cli';

const REPO = nodePath.resolve(__dirname, '..', '..');
const CLI = nodePath.join(REPO, 'dist', 'cli.js');
const EXAMPLE_SCHEMA = nodePath.join(
  REPO,
  'examples',
  'therapeutic-alliance',
  'schemas',
  'extraction.schema.json',
);
const TIMEOUT_MS = 20_000;
const SCHEMA_PATH = 'schemas/extraction.schema.json';

interface Diagnostic {
  severity: 'error' | 'warning' | 'information';
  message: string;
  code: string;
  range: { start: { line: number; character: number }; end: { line: number; character: number } };
}
interface Report {
  files: { path: string; diagnostics: Diagnostic[] }[];
  summary: { files: number; errors: number; warnings: number };
}

const REVIEW_YAML = `title: Bad input
version: 1
schema: ${SCHEMA_PATH}
records: records/{reviewer}/{study}.study.yaml
reviewers: [ek, mk]
consensus: consensus
`;

/** Valid against the example review's schema (and the base). */
function exampleRecord(study: string, reviewer = 'ek'): string {
  return `study: ${study}
reviewer: ${reviewer}
status: complete
protocol_version: 1
citation:
  authors: [Preschl B, Maercker A]   # src: title page
  year: 2011
  journal: BMC Psychiatry
design: rct
country: NR
total_n: 53
arms:
  - { id: online, label: Online CBT via email, group: email, n: 25 }
  - { id: f2f, label: Face-to-face CBT, group: face-to-face, n: 28 }
outcomes:
  - id: alliance-total
    type: continuous
    instrument: WAI
    rater: client
    timepoint: post-treatment
    scale: { min: 1, max: 7 }
    results:
      online: { mean: 5.9, sd: 0.8, n: 25 }   # src: p. 5, Table 2
      f2f: { mean: NR, sd: NR, n: 28 }
`;
}

/** Valid against the bundled base schema alone (no field that only the example schema declares). */
function baseRecord(study: string, reviewer = 'ek'): string {
  return `study: ${study}
reviewer: ${reviewer}
status: draft
citation: { authors: [Doe J], year: 2020 }
arms:
  - { id: a, group: email, n: 10 }
  - { id: b, group: face-to-face, n: 12 }
outcomes:
  - id: alliance-total
    type: continuous
    instrument: WAI
    timepoint: post-treatment
    results:
      a: { mean: 5.1, sd: 0.9, n: 10 }
      b: { mean: NR, sd: NR, n: 12 }
`;
}

const GOOD = ['records/ek/good-2019.study.yaml', 'records/ek/good-2020.study.yaml'];

const tempDirs: string[] = [];
function tempDir(prefix = 'study-extract-bad-'): string {
  const dir = mkdtempSync(nodePath.join(os.tmpdir(), prefix));
  tempDirs.push(dir);
  return dir;
}

/** A minimal valid review: review.yaml, the example schema and two valid records of reviewer ek. */
function makeReview(options: { schema?: string; record?: (study: string) => string } = {}): string {
  const root = tempDir();
  mkdirSync(nodePath.join(root, 'records', 'ek'), { recursive: true });
  mkdirSync(nodePath.join(root, 'schemas'));
  writeFileSync(nodePath.join(root, 'review.yaml'), REVIEW_YAML);
  if (options.schema === undefined) copyFileSync(EXAMPLE_SCHEMA, nodePath.join(root, SCHEMA_PATH));
  else writeFileSync(nodePath.join(root, SCHEMA_PATH), options.schema);
  for (const path of GOOD) {
    const study = nodePath.basename(path, '.study.yaml');
    writeFileSync(nodePath.join(root, path), (options.record ?? exampleRecord)(study));
  }
  return root;
}

const write = (root: string, relative: string, content: string | Uint8Array) =>
  writeFileSync(nodePath.join(root, relative), content);

/** Runs the built CLI; asserts that it finished normally with exit 1 and printed one JSON document. */
function check(root: string, nodeOptions: string[] = [], maxBuffer = 16 * 1024 * 1024): Report {
  const run = spawnSync(process.execPath, [...nodeOptions, CLI, 'check', root, '--format', 'json'], {
    encoding: 'utf8',
    timeout: TIMEOUT_MS,
    maxBuffer,
  });
  assert.equal(run.error, undefined, `the CLI did not finish: ${run.error?.message}`);
  assert.equal(run.signal, null, `the CLI was killed by ${run.signal}`);
  assert.equal(run.status, 1, `exit status (1 = errors found); stderr: ${run.stderr}`);
  assert.doesNotMatch(run.stderr, /internal error/);
  return JSON.parse(run.stdout) as Report;
}

function diagnosticsOf(report: Report, path: string): Diagnostic[] {
  const file = report.files.find((f) => f.path === path);
  assert.ok(file, `${path} is reported (files: ${report.files.map((f) => f.path).join(', ')})`);
  return file.diagnostics;
}

function assertHasCode(report: Report, path: string, code: string): Diagnostic {
  const diagnostics = diagnosticsOf(report, path);
  const found = diagnostics.find((d) => d.code === code);
  assert.ok(
    found,
    `${path} has a \`${code}\` diagnostic; got ${JSON.stringify(diagnostics.map((d) => d.code))}`,
  );
  assert.equal(found.severity, 'error');
  return found;
}

/** The other records are still checked: reported, and clean. */
function assertGoodClean(report: Report, paths = GOOD): void {
  for (const path of paths) assert.deepEqual(diagnosticsOf(report, path), [], `${path} has no diagnostics`);
  assert.ok(report.summary.errors >= 1);
}

/** Deterministic bytes (xorshift), so that a failure can be reproduced. */
function junkBytes(length: number, seed = 12345): Buffer {
  const bytes = Buffer.alloc(length);
  let x = seed;
  for (let i = 0; i < length; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    bytes[i] = x & 0xff;
  }
  return bytes;
}

function trySymlink(target: string, path: string): boolean {
  try {
    symlinkSync(target, path);
    return true;
  } catch {
    return false;
  }
}

// Built under the lock the other test files share, so that no test spawns a half-written bundle.
before(() => ensureBuilt());

after(() => {
  for (const dir of tempDirs) rmSync(dir, { recursive: true, force: true });
});

describe('check survives hostile record files', () => {
  test('binary junk (NUL bytes and invalid UTF-8) → not-text', () => {
    const root = makeReview();
    const junk = Buffer.concat([
      Buffer.from('study: junk\n'),
      Buffer.from([0x00, 0xff, 0xfe, 0xc3, 0x28, 0xe2, 0x82, 0x00]),
      junkBytes(64 * 1024),
    ]);
    write(root, 'records/ek/junk.study.yaml', junk);
    const report = check(root);
    const diagnostics = diagnosticsOf(report, 'records/ek/junk.study.yaml');
    assert.deepEqual(
      diagnostics.map((d) => d.code),
      ['not-text'],
    );
    assertGoodClean(report);
  });

  test('valid UTF-8 with a NUL byte → not-text; Latin-1 text (invalid UTF-8) → not-text', () => {
    const root = makeReview();
    write(root, 'records/ek/nul.study.yaml', 'study: nul\nreviewer: ek\x00\nstatus: draft\n');
    write(root, 'records/ek/latin1.study.yaml', Buffer.from('study: latin1\nnotes: caf\xe9\n', 'latin1'));
    const report = check(root);
    assertHasCode(report, 'records/ek/nul.study.yaml', 'not-text');
    assertHasCode(report, 'records/ek/latin1.study.yaml', 'not-text');
    assertGoodClean(report);
  });

  test('a 10 MB record → file-too-large (and a 2 MB one, read but over the text limit)', () => {
    const root = makeReview();
    const big = (mb: number) => `study: big\nreviewer: ek\nnotes: ${'x'.repeat(mb * 1024 * 1024)}\n`;
    write(root, 'records/ek/big.study.yaml', big(10));
    write(root, 'records/ek/big2.study.yaml', big(2));
    const report = check(root);
    assertHasCode(report, 'records/ek/big.study.yaml', 'file-too-large');
    assertHasCode(report, 'records/ek/big2.study.yaml', 'file-too-large');
    assert.equal(diagnosticsOf(report, 'records/ek/big.study.yaml').length, 1);
    assertGoodClean(report);
  });

  // The depth limit is checked after the parser has built the tree; the `yaml` parser survives even
  // 100,000 levels (it turns its own stack overflow into an error), so `too-deep` is what the user sees.
  // 10,000 mappings nested by indentation would be ~48 MB (file-too-large); 1,000 levels are ~0.5 MB.
  const deepCases: [string, () => string][] = [
    ['100,000 `[`', () => '['.repeat(100_000)],
    ['100,000 balanced `[…]`', () => `${'['.repeat(100_000)}${']'.repeat(100_000)}`],
    ['10,000 nested flow mappings', () => `${'{a: '.repeat(10_000)}1${'}'.repeat(10_000)}\n`],
    ['10,000 nested block sequences on one line', () => `${'- '.repeat(10_000)}x\n`],
    [
      '1,000 mappings nested by indentation',
      () => Array.from({ length: 1000 }, (_, i) => `${' '.repeat(i)}k${i}:`).join('\n') + '\n',
    ],
  ];
  for (const [name, text] of deepCases) {
    test(`deeply nested: ${name} → too-deep`, () => {
      const root = makeReview();
      write(root, 'records/ek/deep.study.yaml', text());
      const report = check(root);
      assertHasCode(report, 'records/ek/deep.study.yaml', 'too-deep');
      assertGoodClean(report);
    });
  }

  test('nested 70 levels by indentation (just over the limit) → exactly one too-deep', () => {
    const root = makeReview();
    const text = `study: deep\nnotes:\n${Array.from({ length: 70 }, (_, i) => `${'  '.repeat(i + 1)}k${i}:`).join('\n')} 1\n`;
    write(root, 'records/ek/deep.study.yaml', text);
    const report = check(root);
    assert.deepEqual(
      diagnosticsOf(report, 'records/ek/deep.study.yaml').map((d) => d.code),
      ['too-deep'],
    );
    assertGoodClean(report);
  });

  test('deeply nested: the parser’s internal stack overflow is not shown as a YAML syntax error', () => {
    const root = makeReview();
    write(root, 'records/ek/deep.study.yaml', '['.repeat(100_000));
    const report = check(root);
    const messages = diagnosticsOf(report, 'records/ek/deep.study.yaml').map((d) => d.message);
    assert.ok(!messages.some((m) => /call stack/i.test(m)), JSON.stringify(messages));
  });

  test('alias bomb (billion laughs, 9 levels × 9 aliases) → alias-limit, fast and in bounded memory', () => {
    const root = makeReview();
    let bomb = 'study: bomb\nreviewer: ek\nstatus: draft\ncitation: { authors: [X], year: 2000 }\n';
    bomb += 'a0: &a0 [lol, lol, lol, lol, lol, lol, lol, lol, lol]\n';
    for (let i = 1; i <= 9; i++)
      bomb += `a${i}: &a${i} [${Array(9)
        .fill(`*a${i - 1}`)
        .join(', ')}]\n`;
    bomb += 'notes: *a9\n';
    write(root, 'records/ek/bomb.study.yaml', bomb);
    // 9^9 ≈ 387 million nodes: a 64 MB heap and a 1 MB output buffer cannot hold an expansion.
    const report = check(root, ['--max-old-space-size=64'], 1024 * 1024);
    assertHasCode(report, 'records/ek/bomb.study.yaml', 'alias-limit');
    assertGoodClean(report);
  });

  test('an undefined alias is a YAML error, not an alias-limit', () => {
    const root = makeReview();
    write(root, 'records/ek/alias.study.yaml', 'study: alias\nreviewer: ek\nnotes: *nope\n');
    const report = check(root);
    const codes = diagnosticsOf(report, 'records/ek/alias.study.yaml').map((d) => d.code);
    assert.ok(codes.length > 0 && !codes.includes('alias-limit'), JSON.stringify(codes));
  });
});

describe('check survives a cyclic extraction schema', () => {
  const cyclicSchemas: [string, string][] = [
    ['{"$ref": "#"} at the root', '{ "$ref": "#" }\n'],
    [
      'two $defs referring to each other',
      JSON.stringify(
        {
          $schema: 'https://json-schema.org/draft/2020-12/schema',
          $id: 'https://example.org/cyclic.schema.json',
          allOf: [
            { $ref: 'https://study-extraction.dev/schemas/study-record.schema.json' },
            { $ref: '#/$defs/a' },
          ],
          $defs: { a: { $ref: '#/$defs/b' }, b: { $ref: '#/$defs/a' } },
        },
        null,
        2,
      ),
    ],
  ];
  for (const [name, schema] of cyclicSchemas) {
    test(`${name} → schema-ref-cycle, and records are checked against the base`, () => {
      const root = makeReview({ schema, record: baseRecord });
      write(root, 'records/ek/typo-2021.study.yaml', baseRecord('typo-2021').replace('arms:', 'armss:'));
      const report = check(root);
      assertHasCode(report, SCHEMA_PATH, 'schema-ref-cycle');
      // The base still applies: its unknown-field rule catches the typo, and base-valid records are clean.
      const typo = assertHasCode(report, 'records/ek/typo-2021.study.yaml', 'unknown-field');
      assert.match(typo.message, /armss/);
      assertGoodClean(report);
    });
  }
});

describe('check does not follow symlinks out of the review', () => {
  test('a record symlinked to /etc/passwd, to a file and to a FIFO elsewhere → outside-review, never read', (t) => {
    const root = makeReview();
    const outside = tempDir('study-extract-outside-');
    const secret = nodePath.join(outside, 'secret.study.yaml');
    writeFileSync(secret, 'secret_field: leaked\n');
    const links: [string, string][] = [
      ['records/ek/evil.study.yaml', '/etc/passwd'],
      ['records/ek/secret.study.yaml', secret],
    ];
    // Opening a FIFO without a writer blocks: if the target were read, the CLI would hit the timeout.
    const fifo = nodePath.join(outside, 'pipe.study.yaml');
    if (spawnSync('mkfifo', [fifo]).status === 0) links.push(['records/ek/pipe.study.yaml', fifo]);
    for (const [path, target] of links) {
      if (!trySymlink(target, nodePath.join(root, path))) return t.skip('symlinks are not available');
    }
    const report = check(root);
    for (const [path] of links) {
      const diagnostics = diagnosticsOf(report, path);
      assert.deepEqual(
        diagnostics.map((d) => d.code),
        ['outside-review'],
        path,
      );
      assert.match(diagnostics[0]!.message, /not read/);
    }
    const everything = JSON.stringify(report);
    assert.doesNotMatch(everything, /secret_field|leaked|root:x:0/);
    assertGoodClean(report);
  });

  test('a reviewer folder symlinked outside (records/mk → elsewhere) → outside-review, its files not read', (t) => {
    const root = makeReview();
    const outside = tempDir('study-extract-outside-');
    writeFileSync(nodePath.join(outside, 'good-2019.study.yaml'), 'secret_field: leaked\n');
    writeFileSync(nodePath.join(outside, 'other-2020.study.yaml'), exampleRecord('other-2020', 'mk'));
    if (!trySymlink(outside, nodePath.join(root, 'records', 'mk')))
      return t.skip('symlinks are not available');
    const report = check(root);
    assert.deepEqual(
      diagnosticsOf(report, 'records/mk').map((d) => d.code),
      ['outside-review'],
    );
    assert.deepEqual(
      report.files.filter((f) => f.path.startsWith('records/mk/')).map((f) => f.path),
      [],
    );
    assert.doesNotMatch(JSON.stringify(report), /secret_field|leaked/);
    assertGoodClean(report);
  });
});

describe('check survives links that cannot be resolved', () => {
  test('a record linked to itself, one linked to nothing, a reviewer folder linked to itself → unreadable each', (t) => {
    const root = makeReview();
    const links: [string, string][] = [
      ['records/ek/loop.study.yaml', 'loop.study.yaml'],
      ['records/ek/gone.study.yaml', 'nowhere.study.yaml'],
      ['records/mk', 'mk'],
    ];
    for (const [path, target] of links) {
      if (!trySymlink(target, nodePath.join(root, path))) return t.skip('symlinks are not available');
    }
    const report = check(root);
    for (const [path] of links)
      assert.deepEqual(
        diagnosticsOf(report, path).map((d) => d.code),
        ['unreadable'],
        path,
      );
    assert.match(diagnosticsOf(report, 'records/ek/loop.study.yaml')[0]!.message, /symbolic link loop/);
    assertGoodClean(report);
  });
});

describe('check survives a broken review.yaml', () => {
  test('binary review.yaml → not-text on review.yaml; records still checked', () => {
    const root = makeReview();
    write(root, 'review.yaml', Buffer.concat([junkBytes(4096, 777), Buffer.from([0, 0xff])]));
    const report = check(root);
    assert.equal(report.files[0]!.path, 'review.yaml');
    assertHasCode(report, 'review.yaml', 'not-text');
    assertGoodClean(report);
  });

  test('text garbage in review.yaml → yaml-syntax on review.yaml; records still checked', () => {
    const root = makeReview();
    write(root, 'review.yaml', ']]] {{{ : : :\n\t- - ? "unterminated\n');
    const report = check(root);
    assertHasCode(report, 'review.yaml', 'yaml-syntax');
    assertGoodClean(report);
  });

  for (const [name, text] of [
    ['empty', ''],
    ['comments only', '# nothing here yet\n\n'],
  ] as const) {
    test(`${name} review.yaml → missing required fields on review.yaml; records still checked`, () => {
      const root = makeReview();
      write(root, 'review.yaml', text);
      const report = check(root);
      const diagnostics = diagnosticsOf(report, 'review.yaml');
      const required = diagnostics.filter((d) => d.code === 'required' && d.severity === 'error');
      assert.ok(required.length > 0, JSON.stringify(diagnostics));
      const messages = required.map((d) => d.message).join('\n');
      for (const field of ['title', 'schema', 'records', 'reviewers'])
        assert.match(messages, new RegExp(field));
      assertGoodClean(report);
    });
  }
});

// Guards the fixtures themselves: the minimal review is clean, so every failure above is the bad file's.
test('the minimal review used above is clean (exit 0)', () => {
  const baseOnlySchema = JSON.stringify({
    $id: 'https://example.org/base-only.schema.json',
    $ref: 'https://study-extraction.dev/schemas/study-record.schema.json',
  });
  for (const options of [{}, { schema: baseOnlySchema, record: baseRecord }]) {
    const root = makeReview(options);
    const run = spawnSync(process.execPath, [CLI, 'check', root, '--format', 'json'], {
      encoding: 'utf8',
      timeout: TIMEOUT_MS,
    });
    assert.equal(run.status, 0, run.stdout);
    const report = JSON.parse(run.stdout) as Report;
    assert.equal(report.summary.errors, 0);
    assert.deepEqual(
      report.files.map((f) => f.path),
      ['review.yaml', ...GOOD, SCHEMA_PATH],
    );
  }
});
