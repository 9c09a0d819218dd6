// The analyses of review.yaml: defaults, and the checks beyond the schema with their codes and positions.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { validateReviewText } from '../../src/core/review/review';
import { YamlLocator } from '../../src/core/yaml/yamlDocument';
import {
  readAnalyses,
  synthesisUsageFromRecords,
  validateAnalysesConfig,
} from '../../src/core/synthesis/analysisConfig';

const HEAD = `title: T
schema: schemas/extraction.schema.json
records: records/{reviewer}/{study}.study.yaml
reviewers: [ek, mk]
synthesis:
  analyses:
`;

function check(analyses: string, records?: unknown[]) {
  const text = HEAD + analyses;
  const { file, diagnostics } = validateReviewText(text);
  const found = validateAnalysesConfig(
    file,
    new YamlLocator(file),
    records ? { usage: synthesisUsageFromRecords(records) } : {},
  );
  const lines = text.split('\n');
  return {
    schemaDiagnostics: diagnostics,
    found: found.map((d) => ({
      code: d.code,
      severity: d.severity,
      line: d.range.start.line + 1,
      text: lines[d.range.start.line]!.slice(d.range.start.character, d.range.end.character),
      message: d.message,
    })),
  };
}

describe('readAnalyses', () => {
  test('fills the defaults: random effects, REML, z', () => {
    const [a] = readAnalyses([
      { id: 'x', outcome: 'o', measure: 'SMD', experimental: ['e', 'e'], control: ['c'] },
    ]);
    assert.deepEqual(a!.problems, []);
    assert.deepEqual(a!.config, {
      id: 'x',
      outcome: 'o',
      measure: 'SMD',
      model: 'random',
      method: 'REML',
      ci: 'z',
      experimental: ['e'],
      control: ['c'],
    });
  });

  test('says why an analysis cannot run', () => {
    const [a, b, c] = readAnalyses([
      'text',
      { outcome: 'o', measure: 'HR', experimental: [], control: ['c'] },
      { id: 'y', outcome: 'o', measure: 'MD', experimental: ['c'], control: ['c'], ci: 'kh' },
    ]);
    assert.equal(a!.id, 'analysis-1');
    assert.deepEqual(a!.problems, ['The analysis is not a mapping.']);
    assert.equal(b!.config, undefined);
    assert.equal(b!.id, 'analysis-2');
    assert.match(b!.problems.join(' '), /no `id`.*Unknown `measure` "HR".*`experimental` must list/);
    assert.match(
      c!.problems.join(' '),
      /`ci` must be z or hksj.*"c" is listed as both experimental and control/,
    );
  });
});

describe('validateAnalysesConfig', () => {
  test('a group on both sides (error) and a duplicated group or id, on the value in review.yaml', () => {
    const { found } = check(`    - id: a
      outcome: o
      measure: SMD
      experimental: [email, email]
      control: [face-to-face, email]
    - id: a
      outcome: o
      measure: MD
      experimental: [email]
      control: [face-to-face]
`);
    assert.deepEqual(
      found.map(({ code, severity, line, text }) => ({ code, severity, line, text })),
      [
        { code: 'analysis-duplicate-group', severity: 'warning', line: 10, text: 'email' },
        { code: 'analysis-group-both-sides', severity: 'error', line: 11, text: 'email' },
        { code: 'analysis-duplicate-id', severity: 'error', line: 12, text: 'a' },
      ],
    );
    assert.match(found[1]!.message, /both experimental and control/);
  });

  test('common effect: method ignored (information), HKSJ questioned (warning)', () => {
    const { found } = check(`    - id: a
      outcome: o
      measure: MD
      model: common
      method: DL
      ci: hksj
      experimental: [email]
      control: [face-to-face]
`);
    assert.deepEqual(
      found.map((d) => [d.code, d.severity, d.text]),
      [
        ['analysis-hksj-common', 'warning', 'hksj'],
        ['analysis-method-ignored', 'information', 'DL'],
      ],
    );
  });

  test('against the records: unknown outcome, wrong outcome type, unknown group', () => {
    const records = [
      {
        arms: [
          { id: 'a', group: 'email' },
          { id: 'b', group: 'face-to-face' },
        ],
        outcomes: [{ id: 'alliance', type: 'continuous', results: {} }],
      },
      { arms: [], outcomes: [{ id: 'positive', type: 'dichotomous', results: {} }] },
    ];
    const { found } = check(
      `    - id: a
      outcome: aliance
      measure: SMD
      experimental: [email]
      control: [face-to-face]
    - id: b
      outcome: positive
      measure: SMD
      experimental: [emial]
      control: [face-to-face]
`,
      records,
    );
    assert.deepEqual(
      found.map((d) => [d.code, d.line, d.text]),
      [
        ['analysis-unknown-outcome', 8, 'aliance'],
        ['analysis-outcome-type', 14, 'SMD'],
        ['analysis-unknown-group', 15, 'emial'],
      ],
    );
    assert.match(found[0]!.message, /outcome ids in the records: alliance, positive/);
    assert.match(found[1]!.message, /needs a continuous outcome, but records give `positive` as dichotomous/);
  });

  test('a clean configuration, and values of the wrong type left to the schema', () => {
    assert.deepEqual(
      check(`    - id: a
      outcome: o
      measure: SMD
      experimental: [email]
      control: [face-to-face]
`).found,
      [],
    );
    const wrong = check(`    - id: 3
      outcome: [o]
      measure: SMD
      experimental: email
      control: 7
`);
    assert.deepEqual(wrong.found, []);
    assert.ok(wrong.schemaDiagnostics.length > 0);
  });
});
