// The output formats and the argument handling of `study-extract check`, run through the built CLI, and
// the text of `compare` on records whose keys and values try to break lines or pose as workflow commands.
import { after, before, describe, test } from 'node:test';
import { spawn } from 'node:child_process';
import assert from 'node:assert/strict';
import { cpSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { DIAGNOSTIC_CODES } from '../../src/core/common/diagnosticCodes';
import { formatCheckSarif, textLine } from '../../src/cli/checkFormats';
import { CLI, ensureBuilt, FIXTURES, REPO, runCli, type JsonReport } from './support/cli';

const TYPO = path.join(FIXTURES, 'unknown-field-top');
const WARNING = path.join(FIXTURES, 'protocol-version');
const CLEAN = path.join(FIXTURES, 'clean');
const EXAMPLE = path.join(REPO, 'examples', 'therapeutic-alliance');
const RECORD = 'records/ek/smith-2011.study.yaml';

/** `path:line:col: severity: message [code]` */
const TEXT_LINE = /^(.+):(\d+):(\d+): (error|warning|information): (.+) \[([a-z0-9-]+)\]$/;

function lines(text: string): string[] {
  assert.ok(text.endsWith('\n'), 'output ends with a newline');
  return text.slice(0, -1).split('\n');
}

before(() => ensureBuilt());

/**
 * The clean fixture plus `hostile-2020`, complete by both reviewers: ek's record has keys holding a newline,
 * a workflow command, control characters and the legacy `##[` prefix. ek alone has a draft with a value not
 * extracted yet (a note), and a record whose file name is a workflow command with `,` and `%` in it.
 */
const HOSTILE_FILE = 'records/ek/::error file=z,x%::s.study.yaml';
const HOSTILE_RECORD = String.raw`study: hostile-2020
reviewer: ek
status: complete
citation:
  authors: [Hostile H]
  year: 2020
"\n::error file=x::pwned": "a\n::error file=y::value"
"::warning::top 100%": 1
"bell\a del\x7f nel\N ls\L cr\r tab\t": 2
"##[error]legacy": 3
`;
let hostile: string;
before(() => {
  hostile = mkdtempSync(path.join(tmpdir(), 'study-extract-hostile-'));
  cpSync(CLEAN, hostile, { recursive: true });
  rmSync(path.join(hostile, 'expected.json'));
  const write = (file: string, text: string) => writeFileSync(path.join(hostile, file), text);
  write('records/ek/hostile-2020.study.yaml', HOSTILE_RECORD);
  mkdirSync(path.join(hostile, 'records', 'mk'));
  write(
    'records/mk/hostile-2020.study.yaml',
    'study: hostile-2020\nreviewer: mk\nstatus: complete\ncitation:\n  authors: [Hostile H]\n  year: 2021\n',
  );
  write(
    'records/ek/draft-2021.study.yaml',
    'study: draft-2021\nreviewer: ek\nstatus: draft\ncitation:\n  authors: [Draft D]\n  year:\n',
  );
  write(HOSTILE_FILE, 'study: x\nreviewer: ek\nstatus: complete\ncitation: { authors: [A], year: 2000 }\n');
});
after(() => rmSync(hostile, { recursive: true, force: true }));

/** What GitHub Actions runs from a line: `::` at its start after blanks, or the legacy `##[` anywhere. */
function looksLikeWorkflowCommand(line: string): boolean {
  return /^\s*::/.test(line) || line.includes('##[');
}

/** The message of `unknown-field` for a key of the hostile record (it has no close match). */
const HOSTILE_UNKNOWN_FIELD = (key: string) =>
  `Unknown field \`${key}\` (known fields here: study, reviewer, status, protocol_version, citation, arms, outcomes, notes, adjudication)`;

/** A workflow command read as the runner reads it (`::command k=v,k=v::data`, percent-decoded). */
function readWorkflowCommand(line: string) {
  const text = line.trimStart();
  if (!text.startsWith('::')) return undefined;
  const end = text.indexOf('::', 2);
  if (end < 0) return undefined;
  const info = text.slice(2, end);
  const space = info.indexOf(' ');
  const decodeData = (s: string) => s.replaceAll('%0D', '\r').replaceAll('%0A', '\n').replaceAll('%25', '%');
  const decodeProperty = (s: string) =>
    s
      .replaceAll('%0D', '\r')
      .replaceAll('%0A', '\n')
      .replaceAll('%3A', ':')
      .replaceAll('%2C', ',')
      .replaceAll('%25', '%');
  const properties: Record<string, string> = {};
  if (space >= 0) {
    for (const pair of info.slice(space + 1).split(',')) {
      const eq = pair.indexOf('=');
      properties[pair.slice(0, eq)] = decodeProperty(pair.slice(eq + 1));
    }
  }
  return {
    command: space < 0 ? info : info.slice(0, space),
    properties,
    data: decodeData(text.slice(end + 2)),
  };
}

/** The characters that must never reach a line of text output raw (LF ends the line). */
// eslint-disable-next-line no-control-regex -- finding control characters is the point
const RAW_CONTROL = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u2028\u2029]/;

describe('check --format text', () => {
  test('one line per problem, 1-based, paths relative to the working folder, then a summary', () => {
    const result = runCli(['check'], TYPO);
    assert.equal(result.status, 1);
    assert.equal(result.stderr, '');
    const output = lines(result.stdout);
    assert.equal(output.length, 2, result.stdout);
    const match = TEXT_LINE.exec(output[0]!);
    assert.ok(match, `not path:line:col: severity: message [code]: ${output[0]}`);
    assert.equal(match[1], RECORD);
    assert.equal(match[2], '9');
    assert.equal(match[3], '1');
    assert.equal(match[4], 'error');
    assert.match(match[5]!, /Unknown field `armss` — did you mean `arms`\?/);
    assert.equal(match[6], 'unknown-field');
    assert.match(output[1]!, /^3 files checked: 1 error, 0 warnings\.$/);
  });

  test('is the default format, and shows paths relative to where the command runs', () => {
    const result = runCli(['check', path.relative(REPO, TYPO)], REPO);
    assert.equal(result.status, 1);
    const first = TEXT_LINE.exec(lines(result.stdout)[0]!);
    assert.ok(first, result.stdout);
    assert.equal(first[1], `test/fixtures/check/unknown-field-top/${RECORD}`);
  });

  test('warnings only: exit 0, a warning line and the count', () => {
    const result = runCli(['check', WARNING, '--format', 'text']);
    assert.equal(result.status, 0);
    const output = lines(result.stdout);
    const match = TEXT_LINE.exec(output[0]!);
    assert.ok(match, result.stdout);
    assert.equal(match[4], 'warning');
    assert.equal(match[6], 'protocol-version');
    assert.equal(`${match[2]}:${match[3]}`, '4:19');
    assert.match(output[output.length - 1]!, /checked: 0 errors, 1 warning\.$/);
  });

  test('a clean review prints only the summary', () => {
    const result = runCli(['check', CLEAN]);
    assert.equal(result.status, 0);
    assert.deepEqual(lines(result.stdout), ['3 files checked: no problems.']);
  });

  test('keys, values and file names never break a line: control characters are escaped visibly', () => {
    const result = runCli(['check'], hostile);
    assert.equal(result.status, 1, result.stderr);
    const output = lines(result.stdout);
    assert.equal(output.length, 7, result.stdout);
    for (const line of output.slice(0, -1)) assert.match(line, TEXT_LINE);
    for (const line of output) {
      assert.ok(!RAW_CONTROL.test(line), `a raw control character in ${JSON.stringify(line)}`);
      assert.ok(!looksLikeWorkflowCommand(line), `a workflow command: ${line}`);
    }
    const has = (text: string) =>
      assert.ok(
        output.some((l) => l.includes(text)),
        `${text}\n${result.stdout}`,
      );
    has('records/ek/hostile-2020.study.yaml:7:1: error: Unknown field `\\n::error file=x::pwned` (');
    has('Unknown field `bell\\u0007 del\\u007f nel\\u0085 ls\\u2028 cr\\r tab\\t` (');
    has('Unknown field `##\\u005berror]legacy` (');
    // `::` inside a line is no command: left as it is.
    has('Unknown field `::warning::top 100%` (');
    has(`${HOSTILE_FILE}:1:`);
    assert.equal(output[6], '7 files checked: 5 errors, 0 warnings, 1 note.');
  });

  test('a file name that would start a line with `::` has its first colon escaped', () => {
    const result = runCli(['check'], path.join(hostile, 'records', 'ek'));
    const line = lines(result.stdout).find((l) => l.includes('z,x%'));
    assert.ok(line, result.stdout);
    // Whatever the file is reported for: the name stays recognisable, and the line is no command.
    assert.match(line, /^\\u003a:error file=z,x%::s\.study\.yaml:\d+:\d+: error: .+ \[[a-z-]+\]$/);
  });
});

describe('check --format sarif', () => {
  test('is a SARIF 2.1.0 log with 1-based regions', () => {
    const result = runCli(['check', TYPO, '--format', 'sarif']);
    assert.equal(result.status, 1);
    const sarif = JSON.parse(result.stdout) as {
      version: string;
      $schema?: string;
      runs: {
        tool: { driver: { name: string; rules?: { id: string }[] } };
        results: {
          ruleId: string;
          ruleIndex?: number;
          level: string;
          message: { text: string };
          locations: {
            physicalLocation: {
              artifactLocation: { uri: string };
              region: { startLine: number; startColumn: number; endLine?: number; endColumn?: number };
            };
          }[];
        }[];
      }[];
    };
    assert.equal(sarif.version, '2.1.0');
    assert.ok(Array.isArray(sarif.runs) && sarif.runs.length === 1);
    const run = sarif.runs[0]!;
    assert.equal(run.tool.driver.name, 'study-extract');
    assert.equal(run.results.length, 1);
    const [result0] = run.results;
    assert.equal(result0!.ruleId, 'unknown-field');
    assert.equal(result0!.level, 'error');
    assert.match(result0!.message.text, /armss/);
    if (result0!.ruleIndex !== undefined)
      assert.equal(run.tool.driver.rules?.[result0!.ruleIndex]?.id, 'unknown-field');
    const location = result0!.locations[0]!.physicalLocation;
    assert.ok(location.artifactLocation.uri.endsWith(RECORD), location.artifactLocation.uri);
    assert.equal(location.region.startLine, 9);
    assert.equal(location.region.startColumn, 1);
    assert.equal(location.region.endLine, 9);
    assert.equal(location.region.endColumn, 6);
  });

  test('warnings have level "warning"; a clean review has no results', () => {
    const warning = JSON.parse(runCli(['check', WARNING, '--format', 'sarif']).stdout) as {
      runs: { results: { level: string; ruleId: string }[] }[];
    };
    assert.deepEqual(
      warning.runs[0]!.results.map((r) => [r.ruleId, r.level]),
      [['protocol-version', 'warning']],
    );
    const clean = runCli(['check', CLEAN, '--format', 'sarif']);
    assert.equal(clean.status, 0);
    const parsed = JSON.parse(clean.stdout) as { version: string; runs: { results: unknown[] }[] };
    assert.equal(parsed.version, '2.1.0');
    assert.deepEqual(parsed.runs[0]!.results, []);
  });

  test('each result refers to its rule by id and index; every rule has descriptions, help and a level', () => {
    const result = runCli(['check', '--format', 'sarif'], hostile);
    assert.equal(result.status, 1, result.stderr);
    interface Text {
      text: string;
      markdown?: string;
    }
    const sarif = JSON.parse(result.stdout) as {
      runs: {
        tool: {
          driver: {
            rules: {
              id: string;
              shortDescription: Text;
              fullDescription: Text;
              help: Text;
              defaultConfiguration: { level: string };
            }[];
          };
        };
        results: { ruleId: string; ruleIndex: number; level: string; message: { text: string } }[];
      }[];
    };
    const run = sarif.runs[0]!;
    const rules = run.tool.driver.rules;
    assert.equal(new Set(rules.map((r) => r.id)).size, rules.length, 'rule ids are unique');
    // The first is about the record named like a workflow command (its code is not the point here).
    assert.equal(run.results[0]?.level, 'error');
    assert.deepEqual(
      run.results.slice(1).map((r) => [r.ruleId, r.level]),
      [
        ['not-extracted', 'note'],
        ['unknown-field', 'error'],
        ['unknown-field', 'error'],
        ['unknown-field', 'error'],
        ['unknown-field', 'error'],
      ],
    );
    for (const r of run.results) {
      const rule = rules[r.ruleIndex];
      assert.equal(rule?.id, r.ruleId, `ruleIndex ${r.ruleIndex} of ${r.ruleId}`);
      assert.ok(rule.shortDescription.text.trim().length > 0, `${rule.id}: shortDescription`);
      assert.ok(rule.fullDescription.text.trim().length > 0, `${rule.id}: fullDescription`);
      assert.ok(rule.help.text.trim().length > 0, `${rule.id}: help.text`);
      assert.ok((rule.help.markdown ?? '').trim().length > 0, `${rule.id}: help.markdown`);
    }
    // Every code of the table is a rule, with the table's words and its severity as the level.
    const level = { error: 'error', warning: 'warning', information: 'note' };
    for (const info of DIAGNOSTIC_CODES) {
      const rule = rules.find((r) => r.id === info.code);
      assert.ok(rule, `no rule ${info.code}`);
      assert.equal(rule.shortDescription.text, info.short);
      assert.ok(rule.fullDescription.text.includes(info.help), info.code);
      assert.equal(rule.help.text, info.help);
      assert.equal(rule.defaultConfiguration.level, level[info.severity], info.code);
    }
    const levelOf = (id: string) => rules.find((r) => r.id === id)?.defaultConfiguration.level;
    assert.deepEqual(['unknown-field', 'protocol-version', 'not-extracted'].map(levelOf), [
      'error',
      'warning',
      'note',
    ]);
    // Messages keep their text; `##[` is written as a JSON escape that a CI log does not read.
    assert.ok(!result.stdout.includes('##['));
    assert.ok(run.results.some((r) => r.message.text === HOSTILE_UNKNOWN_FIELD('##[error]legacy')));
    assert.ok(run.results.some((r) => r.message.text === HOSTILE_UNKNOWN_FIELD('\n::error file=x::pwned')));
  });
});

describe('check --format github', () => {
  const ANNOTATION = /^::(error|warning|notice) (.+?)::(.*)$/;
  const properties = (text: string) =>
    Object.fromEntries(text.split(',').map((p) => [p.slice(0, p.indexOf('=')), p.slice(p.indexOf('=') + 1)]));

  test('prints ::error file=…,line=…,col=…::message workflow commands', () => {
    const result = runCli(['check', '--format', 'github'], TYPO);
    assert.equal(result.status, 1);
    const annotations = lines(result.stdout).filter((l) => l.startsWith('::'));
    assert.equal(annotations.length, 1, result.stdout);
    const match = ANNOTATION.exec(annotations[0]!);
    assert.ok(match, annotations[0]);
    assert.equal(match[1], 'error');
    const props = properties(match[2]!);
    assert.equal(props.file, RECORD);
    assert.equal(props.line, '9');
    assert.equal(props.col, '1');
    assert.match(match[3]!, /^Unknown field `armss`/);
  });

  test('warnings become ::warning', () => {
    const result = runCli(['check', WARNING, '--format=github']);
    assert.equal(result.status, 0);
    const annotation = lines(result.stdout).find((l) => l.startsWith('::'));
    assert.ok(annotation, result.stdout);
    const match = ANNOTATION.exec(annotation);
    assert.equal(match?.[1], 'warning');
    assert.equal(properties(match[2]!).line, '4');
    assert.equal(properties(match[2]!).col, '19');
  });

  test('messages and properties are percent-encoded; the runner reads back the original text', () => {
    const result = runCli(['check', '--format', 'github'], hostile);
    assert.equal(result.status, 1, result.stderr);
    const output = lines(result.stdout);
    assert.equal(output.length, 7, result.stdout);
    const commands = output.slice(0, -1).map(readWorkflowCommand);
    assert.deepEqual(
      commands.map((c) => [c?.command, c?.properties.file, c?.properties.line]),
      [
        ['error', HOSTILE_FILE, '1'],
        ['notice', 'records/ek/draft-2021.study.yaml', '6'],
        ['error', 'records/ek/hostile-2020.study.yaml', '7'],
        ['error', 'records/ek/hostile-2020.study.yaml', '8'],
        ['error', 'records/ek/hostile-2020.study.yaml', '9'],
        ['error', 'records/ek/hostile-2020.study.yaml', '10'],
      ],
    );
    assert.deepEqual(
      commands.slice(2).map((c) => c!.data),
      [
        '\n::error file=x::pwned',
        '::warning::top 100%',
        'bell\u0007 del\u007f nel\u0085 ls\u2028 cr\r tab\t',
        '##[error]legacy',
      ].map(HOSTILE_UNKNOWN_FIELD),
    );
    assert.equal(commands[2]!.properties.title, 'study-extract unknown-field');
    // The encoded forms, as GitHub documents them.
    assert.ok(
      output[0]!.startsWith('::error file=records/ek/%3A%3Aerror file=z%2Cx%25%3A%3As.study.yaml,line=1,'),
    );
    assert.ok(output[2]!.includes('::Unknown field `%0A::error file=x::pwned` ('), output[2]);
    assert.ok(output[3]!.includes('::Unknown field `::warning::top 100%25` ('), output[3]);
    assert.ok(output[4]!.includes(' cr%0D tab'), output[4]);
    assert.ok(!looksLikeWorkflowCommand(output[6]!), output[6]);
  });

  test('the summary counts errors, warnings and notes', () => {
    assert.equal(
      lines(runCli(['check', '--format', 'github'], hostile).stdout).at(-1),
      '7 files checked: 5 errors, 0 warnings, 1 note.',
    );
    assert.equal(
      lines(runCli(['check', WARNING, '--format', 'github']).stdout).at(-1),
      '3 files checked: 0 errors, 1 warning, 0 notes.',
    );
    assert.deepEqual(lines(runCli(['check', CLEAN, '--format', 'github']).stdout), [
      '3 files checked: 0 errors, 0 warnings, 0 notes.',
    ]);
  });
});

describe('compare on records with hostile keys and values', () => {
  test('text: study ids, keys and values stay on their line, and no line starts a workflow command', () => {
    const result = runCli(['compare'], hostile);
    assert.equal(result.status, 0, result.stderr);
    const output = lines(result.stdout);
    for (const line of output) {
      assert.ok(!RAW_CONTROL.test(line), `a raw control character in ${JSON.stringify(line)}`);
      assert.ok(!looksLikeWorkflowCommand(line), `a workflow command: ${line}`);
    }
    const has = (line: string) => assert.ok(output.includes(line), `${line}\n${result.stdout}`);
    has('hostile-2020 (ek vs mk): 5 disagreements');
    has('  citation.year: ek 2020 · mk 2021');
    has('  \\n::error file=x::pwned: ek a\\n::error file=y::value · mk (not extracted)');
    has('  \\u003a:warning::top 100%: ek 1 · mk (not extracted)');
    has('  bell\\u0007 del\\u007f nel\\u0085 ls\\u2028 cr\\r tab\\t: ek 2 · mk (not extracted)');
    has('  ##\\u005berror]legacy: ek 3 · mk (not extracted)');
    // The agreement table: escaped fields, columns still aligned.
    assert.match(result.stdout, /^ {2}\\u003a:warning::top 100% +1 +0 +0\.0% +–$/m);
    const header = output.find((l) => l.startsWith('  field '))!;
    const row = output.find((l) => /^ {2}\\n::error file=x::pwned +1 /.test(l))!;
    assert.equal(row.length, header.length, `${header}\n${row}`);
  });

  test('JSON: the same keys and values, with `##[` written as an escape a CI log does not read', () => {
    const result = runCli(['compare', '--format', 'json'], hostile);
    assert.equal(result.status, 0, result.stderr);
    assert.ok(!result.stdout.includes('##['));
    const document = JSON.parse(result.stdout) as {
      studies: { study: string; disagreements: { path: string; a: unknown; b: unknown }[] }[];
    };
    const study = document.studies.find((s) => s.study === 'hostile-2020');
    assert.deepEqual(study?.disagreements, [
      { path: 'citation.year', a: 2020, b: 2021 },
      { path: '\n::error file=x::pwned', a: 'a\n::error file=y::value', b: null },
      { path: '::warning::top 100%', a: 1, b: null },
      { path: 'bell\u0007 del\u007f nel\u0085 ls\u2028 cr\r tab\t', a: 2, b: null },
      { path: '##[error]legacy', a: 3, b: null },
    ]);
  });
});

describe('one line of text output', () => {
  test('control characters are written as escapes; other text is kept', () => {
    assert.equal(textLine('a\nb\rc\td'), 'a\\nb\\rc\\td');
    assert.equal(
      textLine('\u0000\u0007\u001b\u007f\u0085\u009f'),
      '\\u0000\\u0007\\u001b\\u007f\\u0085\\u009f',
    );
    assert.equal(textLine('x\u2028y\u2029z'), 'x\\u2028y\\u2029z');
    assert.equal(textLine('bidi \u202e \u2066'), 'bidi \\u202e \\u2066');
    assert.equal(textLine('Müller, 95% CI — ≤ 0.5 · é'), 'Müller, 95% CI — ≤ 0.5 · é');
  });

  test('nothing in it starts a workflow command, after any blanks', () => {
    assert.equal(textLine('::error::x'), '\\u003a:error::x');
    assert.equal(textLine('  ::error::x'), '  \\u003a:error::x');
    assert.equal(textLine('\u00a0\u3000::error::x'), '\u00a0\u3000\\u003a:error::x');
    assert.equal(textLine('a ::error::x'), 'a ::error::x');
    assert.equal(textLine(':x'), ':x');
    assert.equal(textLine('see ##[error]x and ##[group]'), 'see ##\\u005berror]x and ##\\u005bgroup]');
  });
});

describe('check --format sarif, a code missing from the table of codes', () => {
  test('still gets a rule with descriptions, help and a level', () => {
    const at = { start: { line: 0, character: 0 }, end: { line: 0, character: 1 } };
    const report = {
      files: [
        {
          path: 'records/ek/a.study.yaml',
          diagnostics: [
            { severity: 'warning' as const, code: 'not-in-the-table', message: 'Something.', range: at },
            { severity: 'error' as const, code: 'unknown-field', message: 'Unknown field `x`', range: at },
          ],
        },
      ],
      summary: { files: 1, errors: 1, warnings: 1 },
    };
    const sarif = JSON.parse(formatCheckSarif(report, (p) => p, '0.0.0')) as {
      runs: {
        tool: {
          driver: {
            rules: {
              id: string;
              fullDescription: { text: string };
              help: { text: string; markdown: string };
              defaultConfiguration: { level: string };
            }[];
          };
        };
        results: { ruleId: string; ruleIndex: number }[];
      }[];
    };
    const run = sarif.runs[0]!;
    assert.equal(run.tool.driver.rules.length, DIAGNOSTIC_CODES.length + 1);
    for (const result of run.results) {
      const rule = run.tool.driver.rules[result.ruleIndex]!;
      assert.equal(rule.id, result.ruleId);
      assert.ok(
        rule.fullDescription.text.length > 0 && rule.help.text.length > 0 && rule.help.markdown.length > 0,
      );
    }
    const unknown = run.tool.driver.rules.find((r) => r.id === 'not-in-the-table');
    assert.match(unknown?.help.text ?? '', /not-in-the-table/);
    assert.equal(unknown?.defaultConfiguration.level, 'warning');
  });
});

describe('check arguments', () => {
  test('--help and -h print the usage of check and exit 0', () => {
    for (const flag of ['--help', '-h']) {
      const result = runCli(['check', flag]);
      assert.equal(result.status, 0, flag);
      assert.match(result.stdout, /Usage: study-extract check/);
      assert.match(result.stdout, /--format/);
      assert.equal(result.stderr, '');
    }
  });

  const usageError = (args: string[], pattern: RegExp, cwd = REPO) => {
    const result = runCli(args, cwd);
    assert.equal(result.status, 2, `${args.join(' ')}: exit ${result.status}\n${result.stderr}`);
    assert.equal(result.stdout, '', 'nothing on stdout');
    const errorLines = lines(result.stderr);
    assert.equal(errorLines.length, 1, `one line on stderr: ${result.stderr}`);
    assert.match(errorLines[0]!, pattern);
  };

  test('an unknown option exits 2 with one line on stderr', () => {
    usageError(['check', CLEAN, '--bogus'], /--bogus/);
  });

  test('an unknown command exits 2', () => {
    usageError(['frobnicate', CLEAN], /frobnicate/);
  });

  test('an unknown format exits 2', () => {
    usageError(['check', CLEAN, '--format', 'xml'], /xml/);
  });

  test('--format without a value exits 2', () => {
    usageError(['check', CLEAN, '--format'], /--format/);
  });

  test('a folder with no review.yaml in it or above it exits 2', () => {
    const empty = mkdtempSync(path.join(tmpdir(), 'study-extract-no-review-'));
    try {
      usageError(['check', empty], /review\.yaml/);
      usageError(['check'], /review\.yaml/, empty);
    } finally {
      rmSync(empty, { recursive: true, force: true });
    }
  });

  test('a folder that does not exist exits 2', () => {
    usageError(['check', path.join(CLEAN, 'no-such-folder')], /no-such-folder/);
  });

  test('run from a subfolder, it walks up to review.yaml', () => {
    const cwd = path.join(TYPO, 'records', 'ek');
    const json = runCli(['check', '--format', 'json'], cwd);
    assert.equal(json.status, 1, json.stderr);
    const report = JSON.parse(json.stdout) as JsonReport;
    // JSON paths stay relative to the review folder.
    assert.deepEqual(report.files.map((f) => f.path).sort(), [
      RECORD,
      'review.yaml',
      'schemas/extraction.schema.json',
    ]);
    assert.equal(report.summary.errors, 1);
    const text = runCli(['check'], cwd);
    assert.equal(text.status, 1);
    // Text paths are relative to where the command runs.
    assert.match(lines(text.stdout)[0]!, /^smith-2011\.study\.yaml:9:1: error: /);
  });
});

describe('the example review', () => {
  test('examples/therapeutic-alliance checks clean', () => {
    const result = runCli(['check', EXAMPLE, '--format', 'json']);
    const report = JSON.parse(result.stdout) as JsonReport;
    const problems = report.files.flatMap((f) =>
      f.diagnostics
        .filter((d) => d.severity !== 'information')
        .map((d) => `${f.path}:${d.range.start.line + 1}: [${d.code}] ${d.message}`),
    );
    assert.deepEqual(problems, []);
    assert.equal(result.status, 0);
    assert.equal(report.summary.errors, 0);
    assert.equal(report.summary.warnings, 0);

    const records = ['ek', 'mk'].flatMap((reviewer) =>
      readdirSync(path.join(EXAMPLE, 'records', reviewer))
        .filter((name) => name.endsWith('.study.yaml'))
        .map((name) => `records/${reviewer}/${name}`),
    );
    assert.equal(records.length, 14);
    assert.deepEqual(
      report.files.map((f) => f.path).sort(),
      ['review.yaml', 'schemas/extraction.schema.json', ...records].sort(),
    );
    assert.equal(report.summary.files, 16);
  });
});

describe('a reader that closes the pipe early', () => {
  test('check | head: no error, no stack trace', async () => {
    ensureBuilt();
    // Output far larger than a pipe's buffer: 60 records with 100 unknown fields each.
    const dir = mkdtempSync(path.join(tmpdir(), 'study-check-pipe-'));
    cpSync(EXAMPLE, dir, { recursive: true });
    const keys = Array.from({ length: 100 }, (_, i) => `unknown_${i}: 1`).join('\n');
    for (let i = 0; i < 60; i++)
      writeFileSync(
        path.join(dir, 'records', 'ek', `big-${i}.study.yaml`),
        `study: big-${i}\nreviewer: ek\nstatus: draft\ncitation: { authors: [A], year: 2000 }\n${keys}\n`,
      );
    const child = spawn(process.execPath, [CLI, 'check', dir, '--format', 'json'], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stderr = '';
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    child.stdout.once('data', () => child.stdout.destroy());
    const status = await new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)));
    rmSync(dir, { recursive: true, force: true });
    assert.doesNotMatch(stderr, /EPIPE|Error|\n\s+at /, stderr);
    assert.ok(status === 0 || status === 1, `exit ${status}`);
  });
});
