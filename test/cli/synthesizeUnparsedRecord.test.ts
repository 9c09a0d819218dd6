// `study-extract synthesize` on a copy of the example review in which one reviewer's record has a YAML
// syntax error: the study is excluded because the record does not parse, at the line of the error, in the
// text, JSON and HTML outputs; nothing of the partial parse is read as "not extracted".
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { ensureBuilt, REPO, runCli } from './support/cli';

const EXAMPLE = path.join(REPO, 'examples', 'therapeutic-alliance');
const BROKEN = 'records/mk/ly-2015.study.yaml';
/** The line the error is written on, 1-based as the output counts. */
const LINE = 15;
const REASON = `the record ${BROKEN} does not parse (YAML syntax error at line ${LINE})`;

let dir: string;

before(() => {
  ensureBuilt();
  dir = mkdtempSync(path.join(tmpdir(), 'synthesize-unparsed-'));
  cpSync(EXAMPLE, dir, { recursive: true });
  const file = path.join(dir, BROKEN);
  const lines = readFileSync(file, 'utf8').split('\n');
  assert.equal(lines[LINE - 1], '    group: face-to-face');
  // A value completed over the one already there, as an editor may leave it.
  lines[LINE - 1] = '    group: face-to-face: email';
  writeFileSync(file, lines.join('\n'));
});

after(() => rmSync(dir, { recursive: true, force: true }));

describe('synthesize with a record that does not parse', () => {
  test('the text output excludes the study, naming the record and the line of the syntax error', () => {
    const result = runCli(['synthesize', dir]);
    // ly-2015 was the one study the example pools: without it the analysis cannot run.
    assert.equal(result.status, 1, result.stderr);
    assert.ok(result.stdout.includes(`    ly-2015: ${REASON}\n`), result.stdout);
    assert.doesNotMatch(result.stdout, /not extracted/);
  });

  test('the JSON output gives the same reason', () => {
    const result = runCli(['synthesize', dir, '--format', 'json']);
    const report = JSON.parse(result.stdout) as {
      analyses: { excluded: { study: string; reason: string }[] }[];
    };
    assert.deepEqual(
      report.analyses[0]!.excluded.find((e) => e.study === 'ly-2015'),
      { study: 'ly-2015', reason: REASON },
    );
  });

  test('the HTML report says so among the excluded studies and in the characteristics table (hidden: the example is blinded)', () => {
    const result = runCli(['synthesize', dir, '--format', 'html']);
    const html = result.stdout;
    const rows = [...html.matchAll(/<tr[^>]*data-study="ly-2015"[^>]*>[\s\S]*?<\/tr>/g)].map((m) => m[0]);
    const excluded = rows.filter((row) => /class="excluded"/.test(row));
    assert.equal(excluded.length, 1, rows.join('\n'));
    assert.ok(excluded[0]!.includes(REASON), excluded[0]);
    assert.ok(
      rows.some(
        (row) =>
          !/class="excluded"/.test(row) && row.includes(`hidden (blinded): blinded review: ${REASON}</td>`),
      ),
      rows.join('\n'),
    );
    assert.doesNotMatch(html, /not extracted/);
  });
});
