// `study-extract adjudicate` through the built CLI on a copy of the example review: the consensus record
// with a placeholder per disagreement, check's warnings at those fields, extending without duplicating,
// and the studies that cannot be adjudicated yet.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { ensureBuilt, REPO, runCli, type JsonReport } from './support/cli';

const EXAMPLE = path.join(REPO, 'examples', 'therapeutic-alliance');
const CONSENSUS = 'records/consensus/preschl-2011.study.yaml';
// The example's deliberate disagreements in preschl-2011 (examples/therapeutic-alliance/README.md).
const PRESCHL_FIELDS = [
  'arms[f2f].n',
  'outcomes[alliance-total].results.f2f.n',
  'outcomes[alliance-mid].results.f2f.n',
  'outcomes[alliance-therapist].results.f2f.n',
];

let scratch: string;

before(() => {
  ensureBuilt();
  scratch = mkdtempSync(path.join(tmpdir(), 'study-extract-adjudicate-'));
});
after(() => rmSync(scratch, { recursive: true, force: true }));

let copies = 0;
function copyOfExample(): string {
  const dir = path.join(scratch, `review-${++copies}`);
  cpSync(EXAMPLE, dir, { recursive: true });
  return dir;
}

const read = (dir: string, file: string) => readFileSync(path.join(dir, file), 'utf8');

/** The unresolved-disagreement warnings of check, as { field, line } (0-based line). */
function unresolvedWarnings(dir: string): {
  status: number | null;
  found: { field: string; line: number }[];
} {
  const result = runCli(['check', dir, '--format', 'json']);
  const report = JSON.parse(result.stdout) as JsonReport;
  const file = report.files.find((f) => f.path === CONSENSUS);
  const found = (file?.diagnostics ?? [])
    .filter((d) => d.code === 'unresolved-disagreement')
    .map((d) => {
      assert.equal(d.severity, 'warning');
      return { field: /`([^`]+)`/.exec(d.message)![1]!, line: d.range.start.line };
    });
  return { status: result.status, found };
}

/** The 0-based line whose note marks the placeholder of `field`. */
function noteLine(text: string, field: string): number {
  const lines = text.split('\n');
  const index = lines.findIndex((line) => line.includes(`disagreement on ${field}:`));
  assert.ok(index >= 0, `a note for ${field}`);
  return index;
}

describe('study-extract adjudicate', () => {
  test('creates the consensus record with a placeholder per disagreement; check warns at each field', () => {
    const dir = copyOfExample();
    const ek = read(dir, 'records/ek/preschl-2011.study.yaml');
    const mk = read(dir, 'records/mk/preschl-2011.study.yaml');
    const result = runCli(['adjudicate', 'preschl-2011'], dir);
    assert.equal(result.status, 0, result.stderr);
    assert.equal(result.stdout, `${CONSENSUS}\n`);
    assert.match(result.stderr, /created the consensus record of preschl-2011: 4 disagreements to settle/);

    const text = read(dir, CONSENSUS);
    assert.match(text, /^study: preschl-2011\nreviewer: consensus\nstatus: draft\n/);
    assert.match(
      text,
      /^ {4}n: null +# src: review Table 4 · disagreement on arms\[f2f\]\.n: ek 28 · mk 25$/m,
    );
    for (const field of PRESCHL_FIELDS)
      assert.equal(text.split(`disagreement on ${field}:`).length, 2, field);
    assert.equal(read(dir, 'records/ek/preschl-2011.study.yaml'), ek, "ek's record untouched");
    assert.equal(read(dir, 'records/mk/preschl-2011.study.yaml'), mk, "mk's record untouched");

    const { status, found } = unresolvedWarnings(dir);
    assert.equal(status, 0, 'warnings only');
    assert.deepEqual(found.map((w) => w.field).sort(), [...PRESCHL_FIELDS].sort());
    for (const warning of found) assert.equal(warning.line, noteLine(text, warning.field), warning.field);

    const plain = runCli(['check'], dir);
    assert.match(
      plain.stdout,
      new RegExp(
        `^${CONSENSUS}:${noteLine(text, 'arms[f2f].n') + 1}:\\d+: warning: Unresolved disagreement on \`arms\\[f2f\\]\\.n\`: ek 28 · mk 25\\..*\\[unresolved-disagreement\\]$`,
        'm',
      ),
    );
  });

  test('run again: nothing is duplicated; a settled field is no longer reported', () => {
    const dir = copyOfExample();
    assert.equal(runCli(['adjudicate', 'preschl-2011'], dir).status, 0);
    const first = read(dir, CONSENSUS);
    const again = runCli(['adjudicate', 'preschl-2011'], dir);
    assert.equal(again.status, 0, again.stderr);
    assert.equal(again.stdout, `${CONSENSUS}\n`);
    assert.match(again.stderr, /up to date: 4 disagreements to settle/);
    assert.equal(read(dir, CONSENSUS), first);

    // The adjudicator settles one field by hand: its value and an adjudication entry.
    const settled = `${first.replace(
      /^( {4}n: )null( +# src: review Table 4) · disagreement on arms\[f2f\]\.n: ek 28 · mk 25$/m,
      '$128$2',
    )}adjudication:\n  - { field: "arms[f2f].n", chosen: ek, value: 28, adjudicator: SL, date: 2026-12-02 }\n`;
    assert.notEqual(settled, first);
    writeFileSync(path.join(dir, CONSENSUS), settled);
    assert.equal(runCli(['adjudicate', 'preschl-2011'], dir).status, 0);
    assert.equal(read(dir, CONSENSUS), settled, 'a settled field gets no new placeholder');
    const { found } = unresolvedWarnings(dir);
    assert.deepEqual(
      found.map((w) => w.field).sort(),
      PRESCHL_FIELDS.filter((f) => f !== 'arms[f2f].n').sort(),
    );
  });

  test('extends an existing consensus record with a new disagreement, every other line kept', () => {
    const dir = copyOfExample();
    assert.equal(runCli(['adjudicate', 'preschl-2011'], dir).status, 0);
    const first = read(dir, CONSENSUS);
    const mkFile = path.join(dir, 'records', 'mk', 'preschl-2011.study.yaml');
    writeFileSync(mkFile, readFileSync(mkFile, 'utf8').replace(/^country: NR$/m, 'country: Austria'));
    const result = runCli(['adjudicate', 'preschl-2011'], dir);
    assert.equal(result.status, 0, result.stderr);
    assert.match(result.stderr, /extended the consensus record of preschl-2011: 5 disagreements to settle/);
    assert.equal(
      read(dir, CONSENSUS),
      first.replace(/^country: NR$/m, 'country: null # disagreement on country: ek NR · mk Austria'),
    );
    assert.equal(unresolvedWarnings(dir).found.length, 5);
  });

  test('a study that cannot be adjudicated: exit 2 with the reason, nothing written', () => {
    const dir = copyOfExample();
    const refused = (args: string[], pattern: RegExp, cwd = dir) => {
      const result = runCli(args, cwd);
      assert.equal(result.status, 2, `${args.join(' ')}: ${result.stderr}`);
      assert.equal(result.stdout, '');
      assert.equal(result.stderr.trimEnd().split('\n').length, 1, result.stderr);
      assert.match(result.stderr, pattern);
    };
    refused(
      ['adjudicate', 'preschl-2012'],
      /No records of study "preschl-2012"\. Did you mean "preschl-2011"\?/,
    );
    refused(['adjudicate', 'nobody-1999'], /No records of study "nobody-1999"\.$/m);
    refused(['adjudicate', 'meyer-2015'], /meyer-2015 is blinded: both records must be complete/);
    rmSync(path.join(dir, 'records', 'mk', 'ly-2015.study.yaml'));
    refused(['adjudicate', 'ly-2015'], /Only ek has extracted ly-2015; adjudication needs both records/);
    refused(['adjudicate'], /adjudicate needs a study id/);
    assert.ok(!existsSync(path.join(dir, 'records', 'consensus')));

    const flat = copyOfExample();
    const reviewFile = path.join(flat, 'review.yaml');
    writeFileSync(
      reviewFile,
      readFileSync(reviewFile, 'utf8').replace(
        'records: records/{reviewer}/{study}.study.yaml',
        'records: records/{reviewer}.study.yaml',
      ),
    );
    refused(['adjudicate', 'preschl-2011'], /The records template of review\.yaml has no \{study\}/, flat);
    assert.ok(!existsSync(path.join(flat, 'records', 'consensus')));
  });

  test('a consensus record that is not a regular file is not replaced', () => {
    const dir = copyOfExample();
    assert.equal(runCli(['adjudicate', 'preschl-2011'], dir).status, 0);
    const target = path.join(dir, CONSENSUS);
    const real = path.join(dir, 'kept.yaml');
    writeFileSync(real, read(dir, CONSENSUS));
    rmSync(target);
    symlinkSync(real, target);
    const mkFile = path.join(dir, 'records', 'mk', 'preschl-2011.study.yaml');
    writeFileSync(mkFile, readFileSync(mkFile, 'utf8').replace(/^country: NR$/m, 'country: Austria'));
    const kept = readFileSync(real, 'utf8');
    const result = runCli(['adjudicate', 'preschl-2011'], dir);
    assert.equal(result.status, 2);
    assert.match(result.stderr, /preschl-2011\.study\.yaml.*symbolic link/);
    assert.equal(readFileSync(real, 'utf8'), kept);
  });

  test('a consensus record linked to a reviewer record: exit 2, the reviewer record unchanged', () => {
    const dir = copyOfExample();
    const ek = path.join(dir, 'records', 'ek', 'preschl-2011.study.yaml');
    const before = readFileSync(ek, 'utf8');
    mkdirSync(path.join(dir, 'records', 'consensus'), { recursive: true });
    symlinkSync(ek, path.join(dir, CONSENSUS));
    const result = runCli(['adjudicate', 'preschl-2011'], dir);
    assert.equal(result.status, 2, result.stderr);
    assert.match(result.stderr, /symbolic link/);
    assert.equal(readFileSync(ek, 'utf8'), before);
  });
});
