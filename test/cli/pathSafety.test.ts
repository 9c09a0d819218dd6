// The built CLI never writes outside the review folder, whatever review.yaml or the records folder says,
// and a path it cannot use is one line on stderr (exit 2) or a diagnostic on the file, never a stack.
// Symbolic links are made here, in temporary folders.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  realpathSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { ensureBuilt, runCli, type JsonReport } from './support/cli';

const TEMP = realpathSync(mkdtempSync(path.join(tmpdir(), 'study-extract-path-safety-')));
/** The bundled base schema and nothing more, which the records below satisfy. */
const SCHEMA = JSON.stringify({
  $id: 'https://example.org/path-safety.schema.json',
  $ref: 'https://study-extraction.dev/schemas/study-record.schema.json',
});

before(() => ensureBuilt());
after(() => rmSync(TEMP, { recursive: true, force: true }));

const REVIEW_YAML = `title: Path safety
schema: schemas/extraction.schema.json
records: records/{reviewer}/{study}.study.yaml
reviewers: [ek, mk]
consensus: consensus
`;

/** A complete record; ek and mk disagree on the arm's n, so the study can be adjudicated. */
function record(study: string, reviewer: string): string {
  return `study: ${study}
reviewer: ${reviewer}
status: complete
citation: { authors: [Doe J], year: 2020 }
arms:
  - { id: a, group: email, n: ${reviewer === 'ek' ? 10 : 11} }
outcomes: []
`;
}

let counter = 0;
/**
 * A review three folders below a fresh base folder (so that `../../../x` from records/ lands inside the
 * base), with both reviewers' records of `study`, stored under the file name the template gives.
 */
function makeReview(
  options: { reviewYaml?: string; study?: string; fileName?: (study: string) => string } = {},
): { base: string; root: string } {
  const base = path.join(TEMP, String(++counter));
  const root = path.join(base, 'l1', 'l2', 'review');
  const study = options.study ?? 'a-2020';
  const fileName = options.fileName ?? ((s: string) => `${s}.study.yaml`);
  mkdirSync(path.join(root, 'schemas'), { recursive: true });
  writeFileSync(path.join(root, 'review.yaml'), options.reviewYaml ?? REVIEW_YAML);
  writeFileSync(path.join(root, 'schemas', 'extraction.schema.json'), SCHEMA);
  for (const reviewer of ['ek', 'mk']) {
    mkdirSync(path.join(root, 'records', reviewer), { recursive: true });
    writeFileSync(path.join(root, 'records', reviewer, fileName(study)), record(study, reviewer));
  }
  return { base, root };
}

/** Every file and link below `dir`, relative to it (links are listed, not followed). */
function listing(dir: string): string[] {
  const found: string[] = [];
  const walk = (current: string, prefix: string) => {
    for (const entry of readdirSync(current, { withFileTypes: true })) {
      const relative = prefix ? `${prefix}/${entry.name}` : entry.name;
      if (entry.isDirectory()) walk(path.join(current, entry.name), relative);
      else found.push(relative);
    }
  };
  walk(dir, '');
  return found.sort();
}

function checkJson(root: string, expectedStatus = 1): JsonReport {
  const run = runCli(['check', root, '--format', 'json']);
  assert.equal(run.status, expectedStatus, run.stderr);
  assert.doesNotMatch(run.stderr, /internal error/);
  return JSON.parse(run.stdout) as JsonReport;
}

function diagnostic(report: JsonReport, file: string, code: string) {
  const found = report.files.find((f) => f.path === file)?.diagnostics.find((d) => d.code === code);
  assert.ok(found, `${file} has ${code}: ${JSON.stringify(report.files, null, 1)}`);
  return found;
}

/** 1-based line:column of a diagnostic's start, as the text output shows it. */
const at = (d: { range: { start: { line: number; character: number } } }) =>
  `${d.range.start.line + 1}:${d.range.start.character + 1}`;

/** Exit 2, exactly one line on stderr, no stack trace. */
function assertOneLineFailure(run: { status: number | null; stdout: string; stderr: string }): void {
  assert.equal(run.status, 2, run.stderr);
  assert.equal(run.stdout, '');
  assert.match(run.stderr, /^study-extract: [^\n]+\n$/);
  assert.doesNotMatch(run.stderr, /internal error|\n\s+at /);
}

describe('a review folder argument that cannot be used is one line, exit 2', () => {
  test('a path below a file (ENOTDIR): /etc/passwd/x', () => {
    for (const command of ['check', 'compare', 'synthesize']) {
      const run = runCli([command, '/etc/passwd/x']);
      assertOneLineFailure(run);
      assert.match(run.stderr, /no such folder: \/etc\/passwd\/x/);
    }
  });

  test('a name of 300 characters (ENAMETOOLONG)', () => {
    const run = runCli(['check', path.join(TEMP, 'a'.repeat(300))]);
    assertOneLineFailure(run);
    assert.match(run.stderr, /no such folder: /);
  });
});

describe('consensus records are never written outside the review', () => {
  test('`consensus: ../../../outside/pwn` is reported at the value, and adjudicate writes inside only', () => {
    const { base, root } = makeReview({
      reviewYaml: REVIEW_YAML.replace('consensus: consensus', 'consensus: ../../../outside/pwn'),
    });
    const pattern = diagnostic(checkJson(root), 'review.yaml', 'pattern');
    assert.equal(at(pattern), '5:12');
    assert.match(pattern.message, /"\.\.\/\.\.\/\.\.\/outside\/pwn"/);

    const outsideBefore = listing(base).filter((p) => !p.startsWith('l1/l2/review/'));
    const run = runCli(['adjudicate', 'a-2020', root]);
    assert.doesNotMatch(run.stderr, /internal error/);
    assert.deepEqual(
      listing(base).filter((p) => !p.startsWith('l1/l2/review/')),
      outsideBefore,
      'nothing is written outside the review folder',
    );
    assert.equal(existsSync(path.join(base, 'l1', 'outside')), false);
  });

  test('a consensus folder linked outside is reported at `consensus`, and nothing is written through it', () => {
    const { base, root } = makeReview();
    const outside = path.join(base, 'outside');
    mkdirSync(outside);
    symlinkSync(outside, path.join(root, 'records', 'consensus'));
    const report = checkJson(root);
    const d = diagnostic(report, 'review.yaml', 'outside-review');
    assert.equal(at(d), '5:12');
    assert.match(d.message, /consensus folder "records\/consensus" goes through a symbolic link/);
    diagnostic(report, 'records/consensus', 'outside-review');

    const run = runCli(['adjudicate', 'a-2020', root]);
    assert.notEqual(run.status, 0, run.stdout);
    assert.doesNotMatch(run.stderr, /internal error/);
    assert.deepEqual(readdirSync(outside), []);
  });
});

describe('a records template that could write anywhere is refused', () => {
  test('`records/{reviewer}/{study}` (no .study.yaml) with records named run.sh: reported, nothing listed or written', () => {
    const { base, root } = makeReview({
      reviewYaml: REVIEW_YAML.replace('{study}.study.yaml', '{study}'),
      study: 'run.sh',
      fileName: (study) => study,
    });
    const report = checkJson(root);
    const d = diagnostic(report, 'review.yaml', 'template-invalid');
    assert.equal(at(d), '3:10');
    assert.match(d.message, /must name `\.study\.yaml` files/);
    assert.deepEqual(
      report.files.filter((f) => f.path.includes('run.sh')),
      [],
    );

    const before = listing(base);
    for (const args of [
      ['adjudicate', 'run.sh', root],
      ['new', 'run.sh', '--reviewer', 'ek', root],
      ['new', 'b-2021', '--reviewer', 'ek', root],
    ]) {
      const run = runCli(args);
      assertOneLineFailure(run);
    }
    assert.deepEqual(listing(base), before, 'nothing is written');
  });

  test('an id mixed into a file name (`x-{study}.study.yaml`) is refused', () => {
    const { root } = makeReview({
      reviewYaml: REVIEW_YAML.replace('{study}.study.yaml', 'x-{study}.study.yaml'),
      fileName: (study) => `x-${study}.study.yaml`,
    });
    const report = checkJson(root);
    assert.equal(at(diagnostic(report, 'review.yaml', 'template-invalid')), '3:10');
    assert.deepEqual(
      report.files.map((f) => f.path),
      ['review.yaml', 'schemas/extraction.schema.json'],
    );
  });
});

describe('the extraction schema is read from inside the review only', () => {
  for (const [name, schema] of [
    ['absolute', '/etc/passwd'],
    ['climbing out', '../../outside.schema.json'],
    ['through a link outside', 'linked/extraction.schema.json'],
  ] as const) {
    test(`${name}: schema-outside-review at \`schema\``, () => {
      const { base, root } = makeReview({
        reviewYaml: REVIEW_YAML.replace('schemas/extraction.schema.json', schema),
      });
      const outside = path.join(base, 'elsewhere');
      mkdirSync(outside);
      writeFileSync(path.join(outside, 'extraction.schema.json'), SCHEMA);
      writeFileSync(path.join(base, 'l1', 'outside.schema.json'), SCHEMA);
      symlinkSync(outside, path.join(root, 'linked'));
      const report = checkJson(root);
      const d = diagnostic(report, 'review.yaml', 'schema-outside-review');
      assert.equal(at(d), '2:9');
      assert.match(d.message, /base schema only/);
      assert.doesNotMatch(JSON.stringify(report), /root:x:0/);
    });
  }
});

describe('the records folder: loops of links and names that are not ids', () => {
  test('a record that links to itself and a reviewer folder that does: a diagnostic each, the rest checked', () => {
    const { root } = makeReview();
    symlinkSync('loop.study.yaml', path.join(root, 'records', 'ek', 'loop.study.yaml'));
    symlinkSync('zz', path.join(root, 'records', 'zz'));
    const report = checkJson(root);
    const file = diagnostic(report, 'records/ek/loop.study.yaml', 'unreadable');
    assert.match(file.message, /symbolic link loop/);
    diagnostic(report, 'records/zz', 'unreadable');
    for (const clean of ['records/ek/a-2020.study.yaml', 'records/mk/a-2020.study.yaml'])
      assert.deepEqual(report.files.find((f) => f.path === clean)?.diagnostics, [], clean);
  });

  test('a review.yaml that links to itself: a diagnostic on review.yaml, not a crash', () => {
    const { root } = makeReview();
    rmSync(path.join(root, 'review.yaml'));
    symlinkSync('review.yaml', path.join(root, 'review.yaml'));
    const d = diagnostic(checkJson(root), 'review.yaml', 'unreadable');
    assert.match(d.message, /symbolic link loop/);
  });

  test('a record file named with something that is not a study id is reported and not read', () => {
    const { root } = makeReview();
    writeFileSync(path.join(root, 'records', 'ek', 'Run.sh.study.yaml'), 'secret_field: leaked\n');
    mkdirSync(path.join(root, 'records', 'e k'));
    writeFileSync(path.join(root, 'records', 'e k', 'b-2021.study.yaml'), 'secret_field: leaked\n');
    const report = checkJson(root);
    diagnostic(report, 'records/ek/Run.sh.study.yaml', 'invalid-record-name');
    diagnostic(report, 'records/e k', 'invalid-record-name');
    assert.doesNotMatch(JSON.stringify(report), /secret_field/);
  });
});
