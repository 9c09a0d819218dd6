// `study-extract synthesize` exports through the built CLI: the HTML report, the forest plot as SVG, the
// long CSV, --analysis and --out.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { CLI, ensureBuilt, REPO, runCli, type CliResult } from './support/cli';

const FIXTURES = path.join(REPO, 'test', 'fixtures', 'synthesis');
const BCG = path.join(FIXTURES, 'bcg');
const DUAL = path.join(FIXTURES, 'dual');
const CORRELATION = path.join(FIXTURES, 'correlation');
const NO_ANALYSES = path.join(FIXTURES, 'no-analyses');
const EXAMPLE = path.join(REPO, 'examples', 'therapeutic-alliance');

/** Runs the CLI with SOURCE_DATE_EPOCH set, so that two HTML reports can be compared byte for byte. */
function runReproducible(args: string[], cwd = REPO): CliResult {
  const result = spawnSync(process.execPath, [CLI, ...args], {
    cwd,
    encoding: 'utf8',
    timeout: 60_000,
    env: { ...process.env, SOURCE_DATE_EPOCH: '1714564800' },
  });
  if (result.error) throw result.error;
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

const count = (text: string, pattern: RegExp) =>
  [...text.matchAll(new RegExp(pattern.source, `${pattern.flags.replace('g', '')}g`))].length;

let dir: string;
before(() => {
  ensureBuilt();
  dir = mkdtempSync(path.join(tmpdir(), 'synthesize-exports-'));
});
after(() => rmSync(dir, { recursive: true, force: true }));

describe('synthesize --format html', () => {
  test('the BCG trials: a standalone report with four forest plots and 13 rows each, no scripts', () => {
    const result = runReproducible(['synthesize', BCG, '--format', 'html']);
    assert.equal(result.status, 0);
    assert.equal(result.stderr, '');
    const html = result.stdout;
    assert.match(html, /^<!DOCTYPE html>\n<html lang="en">/);
    assert.match(html, /<\/html>\n$/);
    assert.doesNotMatch(html, /<script/i);
    assert.equal(count(html, /<svg /), 4);
    assert.equal(count(html, /<tr class="study"/), 4 * 13);
    assert.equal(count(html, /<tr class="characteristics"/), 13);
    assert.match(html, /<h1>BCG vaccine trials<\/h1>/);
    assert.match(html, /generated 2024-05-01T12:00:00Z/);
    assert.match(html, /τ² = 0\.31, I² = 92\.2%, Q\(12\) = 152\.23, P &lt; 0\.001/);
    assert.equal(runReproducible(['synthesize', BCG, '--format', 'html']).stdout, html, 'reproducible');
  });

  test('the example review: one study, not pooled; exclusions, POMP and a blinded characteristics row', () => {
    const result = runCli(['synthesize', EXAMPLE, '--format', 'html']);
    assert.equal(result.status, 0);
    const html = result.stdout;
    assert.equal(count(html, /<svg /), 1);
    assert.match(html, /Not pooled: Only one study can be included/);
    assert.equal(count(html, /<tr class="excluded"/), 6);
    assert.match(html, /percent of the maximum possible score \(POMP\)/);
    assert.equal(count(html, /<tr class="characteristics"/), 7);
    assert.match(html, /data-study="meyer-2015"><td class="study">meyer-2015<\/td>.*hidden \(blinded\)/);
  });

  test('hostile text in the protocol and the records is escaped', () => {
    const result = runCli(['synthesize', CORRELATION, '--format', 'html']);
    assert.equal(result.status, 0);
    assert.doesNotMatch(result.stdout, /<script|<img|<b>/i);
    assert.match(result.stdout, /&lt;img src=x onerror=alert\(1\)&gt;/);
  });
});

describe('synthesize --format svg', () => {
  test('the first analysis that can run by default; --analysis picks another', () => {
    const result = runCli(['synthesize', BCG, '--format', 'svg']);
    assert.equal(result.status, 0);
    assert.equal(result.stderr, '');
    const svg = result.stdout;
    assert.match(
      svg,
      /^<\?xml version="1\.0" encoding="UTF-8"\?>\n<svg xmlns="http:\/\/www\.w3\.org\/2000\/svg"/,
    );
    assert.match(svg, /data-analysis="rr-reml"/);
    assert.equal(count(svg, /class="fp-square"/), 13);
    assert.equal(count(svg, /class="fp-diamond fp-overall"/), 1);
    assert.equal(count(svg, /class="fp-diamond fp-subgroup"/), 3);
    assert.match(svg, /class="fp-background"/);
    assert.doesNotMatch(svg, /<svg[^>]*<svg/);
    const rd = runCli(['synthesize', BCG, '--format', 'svg', '--analysis', 'rd-dl']);
    assert.equal(rd.status, 0);
    assert.match(rd.stdout, /data-analysis="rd-dl"/);
    assert.match(rd.stdout, /Risk difference/);
  });

  test('skips an analysis that cannot run; one study is drawn without pooling', () => {
    const cannot = runCli(['synthesize', path.join(FIXTURES, 'cannot-run'), '--format', 'svg']);
    assert.equal(cannot.status, 0);
    assert.match(cannot.stdout, /data-analysis="fine"/);
    const drawnAnyway = runCli([
      'synthesize',
      path.join(FIXTURES, 'cannot-run'),
      '--format',
      'svg',
      '--analysis',
      'both-sides',
    ]);
    assert.equal(drawnAnyway.status, 1);
    assert.match(drawnAnyway.stdout, /Cannot run: The group/);
    const one = runCli(['synthesize', EXAMPLE, '--format', 'svg']);
    assert.equal(one.status, 0);
    assert.equal(count(one.stdout, /class="fp-square"/), 1);
    assert.match(one.stdout, /Not pooled: Only one study/);
  });

  test('exit 2 for an unknown --analysis (any format) or a review without analyses', () => {
    for (const format of ['svg', 'json', 'html']) {
      const unknown = runCli(['synthesize', BCG, '--format', format, '--analysis', 'nope']);
      assert.equal(unknown.status, 2);
      assert.equal(unknown.stdout, '');
      assert.equal(
        unknown.stderr,
        'study-extract: no analysis "nope" in review.yaml (analyses: rr-reml, rr-dl, or-common, rd-dl)\n',
      );
    }
    const none = runCli(['synthesize', NO_ANALYSES, '--format', 'svg']);
    assert.equal(none.status, 2);
    assert.match(none.stderr, /defines no analyses/);
  });
});

describe('synthesize --format csv', () => {
  test('long format: one row per study per analysis with yi, vi, weight and the arm-level inputs', () => {
    const result = runCli(['synthesize', DUAL, '--format', 'csv']);
    assert.equal(result.status, 0);
    const lines = result.stdout.trimEnd().split('\r\n');
    const header = lines[0]!.split(',');
    for (const column of [
      'analysis',
      'study',
      'status',
      'yi',
      'vi',
      'weight',
      'experimental_n',
      'experimental_mean',
      'experimental_sd',
      'experimental_events',
      'control_n',
      'control_mean',
      'control_sd',
      'control_events',
      'r',
      'r_n',
    ])
      assert.ok(header.includes(column), `no column ${column}`);
    const json = JSON.parse(runCli(['synthesize', DUAL, '--format', 'json']).stdout) as {
      analyses: { studies: unknown[]; excluded: unknown[] }[];
    };
    const expected = json.analyses.reduce((n, a) => n + a.studies.length + a.excluded.length, 0);
    assert.equal(lines.length, 1 + expected);
    const only = runCli(['synthesize', BCG, '--format', 'csv', '--analysis', 'or-common']);
    assert.equal(only.status, 0);
    const rows = only.stdout.trimEnd().split('\r\n');
    assert.equal(rows.length, 14);
    assert.ok(rows.slice(1).every((r) => r.startsWith('or-common,OR,trial-')));
  });

  test('correlations carry r and its n', () => {
    const result = runCli(['synthesize', CORRELATION, '--format', 'csv']);
    const lines = result.stdout.trimEnd().split('\r\n');
    const header = lines[0]!.split(',');
    const abbott = lines.find((l) => l.includes(',abbott-2014,'))!.split(',');
    assert.equal(abbott[header.indexOf('r')], '0.25');
    assert.equal(abbott[header.indexOf('r_n')], '120');
    assert.equal(abbott[header.indexOf('r_source')], 'all');
  });
});

describe('synthesize --out', () => {
  test('every format: the file holds what stdout would; stdout stays empty; a note on stderr', () => {
    for (const format of ['text', 'json', 'csv', 'html', 'svg']) {
      const file = path.join(dir, `bcg.${format}`);
      const result = runReproducible(['synthesize', BCG, '--format', format, '--out', file]);
      assert.equal(result.status, 0, result.stderr);
      assert.equal(result.stdout, '');
      assert.equal(result.stderr, `wrote ${file}\n`);
      assert.equal(
        readFileSync(file, 'utf8'),
        runReproducible(['synthesize', BCG, '--format', format]).stdout,
      );
    }
    assert.deepEqual(
      readdirSync(dir).filter((f) => f.endsWith('.tmp')),
      [],
      'no temporary file left behind',
    );
  });

  test('a relative --out is resolved against the working folder and replaces an existing file', () => {
    const cwd = path.join(dir, 'relative');
    mkdirSync(cwd, { recursive: true });
    const first = runCli(['synthesize', BCG, '--format', 'svg', '--out', 'forest.svg'], cwd);
    assert.equal(first.status, 0);
    assert.equal(first.stderr, 'wrote forest.svg\n');
    const second = runCli(
      ['synthesize', BCG, '--format', 'svg', '--analysis', 'rr-dl', '--out', 'forest.svg'],
      cwd,
    );
    assert.equal(second.status, 0);
    assert.match(readFileSync(path.join(cwd, 'forest.svg'), 'utf8'), /data-analysis="rr-dl"/);
    assert.deepEqual(readdirSync(cwd), ['forest.svg']);
  });

  test('exit 2 when the file cannot be written; nothing is left behind', () => {
    const missing = path.join(dir, 'no-such-folder', 'report.html');
    const result = runCli(['synthesize', BCG, '--format', 'html', '--out', missing]);
    assert.equal(result.status, 2);
    assert.equal(result.stdout, '');
    assert.match(result.stderr, /^study-extract: cannot write .*report\.html: /);
    assert.equal(existsSync(path.dirname(missing)), false);
    const folder = path.join(dir, 'a-folder');
    mkdirSync(folder);
    const onFolder = runCli(['synthesize', BCG, '--format', 'csv', '--out', folder]);
    assert.equal(onFolder.status, 2);
    assert.deepEqual(
      readdirSync(dir).filter((f) => f.endsWith('.tmp')),
      [],
    );
  });

  test('--help names every format, --analysis and --out', () => {
    const help = runCli(['synthesize', '--help']);
    assert.equal(help.status, 0);
    assert.match(
      help.stdout,
      /^Usage: study-extract synthesize \[review-dir\] \[--format text\|json\|csv\|html\|svg\] \[--analysis ID\] \[--out FILE\]/,
    );
    const bad = runCli(['synthesize', BCG, '--format', 'pdf']);
    assert.equal(bad.status, 2);
    assert.match(bad.stderr, /unknown format "pdf" \(expected text, json, csv, html or svg\)/);
  });
});
