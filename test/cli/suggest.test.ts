// Typos on the command line: an unknown command, option or format value names the one it most likely
// meant, in one line on stderr with exit 2; what is too far from anything lists the choices instead.
import { before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import * as path from 'node:path';
import { ensureBuilt, REPO, runCli } from './support/cli';

const EXAMPLE = path.join(REPO, 'examples', 'therapeutic-alliance');

before(() => ensureBuilt());

/** Exit 2, nothing on stdout, exactly one line on stderr; returns that line. */
function usageError(args: string[]): string {
  const result = runCli(args);
  assert.equal(result.status, 2, `${args.join(' ')}: exit ${result.status}\n${result.stderr}`);
  assert.equal(result.stdout, '');
  const lines = result.stderr.trimEnd().split('\n');
  assert.equal(lines.length, 1, result.stderr);
  return lines[0]!;
}

describe('suggestions for typos', () => {
  test('an unknown command names the closest one', () => {
    assert.equal(
      usageError(['chek']),
      'study-extract: unknown command "chek" — did you mean "check"? See: study-extract --help',
    );
    assert.match(usageError(['synthesise', EXAMPLE]), /did you mean "synthesize"\?/);
    assert.match(usageError(['adjudcate', 'x']), /did you mean "adjudicate"\?/);
    assert.match(usageError(['inti']), /did you mean "init"\?/);
  });

  test('a command far from every command lists them all', () => {
    assert.equal(
      usageError(['frobnicate']),
      'study-extract: unknown command "frobnicate" (expected: init, new, check, compare, adjudicate, synthesize, progress). See: study-extract --help',
    );
  });

  test('an unknown option names the closest option of that command', () => {
    assert.equal(
      usageError(['check', EXAMPLE, '--fromat', 'json']),
      'study-extract: unknown option "--fromat" — did you mean "--format"? See: study-extract check --help',
    );
    assert.match(usageError(['compare', EXAMPLE, '--studdy', 'x']), /did you mean "--study"\?/);
    assert.match(usageError(['synthesize', EXAMPLE, '--analyses', 'x']), /did you mean "--analysis"\?/);
    assert.match(usageError(['new', 'x', '--reviwer', 'ek', EXAMPLE]), /did you mean "--reviewer"\?/);
    assert.match(usageError(['init', '--reviewer', 'ek']), /did you mean "--reviewers"\?/);
  });

  test('an option far from every option lists those the command takes', () => {
    assert.match(
      usageError(['check', EXAMPLE, '--bogus']),
      /unknown option "--bogus" \(options: --format, --help, --cache\)\. See: study-extract check --help$/,
    );
  });

  test('an unknown format value names the closest format', () => {
    assert.match(
      usageError(['check', EXAMPLE, '--format', 'jsno']),
      /unknown format "jsno" \(expected text, json, sarif or github\) — did you mean "json"\?/,
    );
    assert.match(usageError(['compare', EXAMPLE, '--format', 'cvs']), /did you mean "csv"\?/);
    assert.doesNotMatch(usageError(['check', EXAMPLE, '--format', 'xml']), /did you mean/);
  });

  test('help <command> shows the help of that command', () => {
    for (const command of ['init', 'new', 'check', 'compare', 'adjudicate', 'synthesize']) {
      const result = runCli(['help', command]);
      assert.equal(result.status, 0, command);
      assert.ok(result.stdout.startsWith(`Usage: study-extract ${command}`), result.stdout);
    }
  });
});
