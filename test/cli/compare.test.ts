// `study-extract compare` run through the built CLI (dist/cli.js) on the example review and on the small
// reviews in test/fixtures/compare: the JSON contract of DESIGN.md §3, the known disagreements of the
// example, blinding, --study, CSV and text output.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { ensureBuilt, REPO, runCli, type CliResult } from './support/cli';

const EXAMPLE = path.join(REPO, 'examples', 'therapeutic-alliance');
const UNBLINDED = path.join(REPO, 'test', 'fixtures', 'compare', 'unblinded');

// The shape of `compare --format json` (DESIGN.md §3).
interface JsonDisagreement {
  path: string;
  a: unknown;
  b: unknown;
}
interface JsonStudy {
  study: string;
  reviewers: string[];
  state: 'compared' | 'blinded' | 'single';
  disagreements: JsonDisagreement[];
}
interface JsonFigures {
  pairs: number;
  agreed: number;
  percent: number | null;
  kappa: number | null;
}
interface JsonCompare {
  studies: JsonStudy[];
  agreement: { overall: JsonFigures; fields: (JsonFigures & { field: string })[] };
}

function run(args: string[]): CliResult {
  return runCli(['compare', ...args]);
}

/** Runs `compare --format json`, checks it succeeded with exactly one JSON document, and parses it. */
function compareJson(args: string[]): JsonCompare {
  const result = run([...args, '--format', 'json']);
  assert.equal(result.status, 0, result.stderr);
  assert.equal(result.stderr, '');
  assert.ok(result.stdout.endsWith('\n'));
  return JSON.parse(result.stdout) as JsonCompare;
}

const keys = (value: object) => Object.keys(value).sort();

function study(document: JsonCompare, id: string): JsonStudy {
  const found = document.studies.find((s) => s.study === id);
  assert.ok(found, `study ${id} in the output`);
  return found;
}

/** Splits RFC 4180 CSV (CRLF line ends, quoted fields with doubled quotes) into rows of cells. */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let cell = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i]!;
    if (quoted) {
      if (ch === '"' && text[i + 1] === '"') {
        cell += '"';
        i++;
      } else if (ch === '"') quoted = false;
      else cell += ch;
    } else if (ch === '"') {
      assert.equal(cell, '', `a quote may only open a field (offset ${i})`);
      quoted = true;
    } else if (ch === ',') {
      row.push(cell);
      cell = '';
    } else if (ch === '\r') {
      assert.equal(text[i + 1], '\n', 'records end with CRLF');
      row.push(cell);
      rows.push(row);
      row = [];
      cell = '';
      i++;
    } else {
      assert.notEqual(ch, '\n', 'a bare LF outside quotes');
      cell += ch;
    }
  }
  assert.equal(cell, '', 'the last record ends with CRLF');
  assert.equal(row.length, 0);
  return rows;
}

const CSV_HEADER = ['study', 'state', 'path', 'reviewer_a', 'value_a', 'reviewer_b', 'value_b'];

before(() => ensureBuilt());

describe('compare --format json on the example review: the DESIGN §3 contract', () => {
  let document: JsonCompare;
  before(() => {
    document = compareJson([EXAMPLE]);
  });

  test('top level: exactly studies and agreement', () => {
    assert.deepEqual(keys(document), ['agreement', 'studies']);
    assert.deepEqual(keys(document.agreement), ['fields', 'overall']);
  });

  test('each study has exactly study, reviewers, state, disagreements', () => {
    assert.equal(document.studies.length, 7);
    for (const s of document.studies) {
      assert.deepEqual(keys(s), ['disagreements', 'reviewers', 'state', 'study'], s.study);
      assert.deepEqual(s.reviewers, ['ek', 'mk'], s.study);
      assert.ok(['compared', 'blinded', 'single'].includes(s.state), s.state);
      for (const d of s.disagreements) assert.deepEqual(keys(d), ['a', 'b', 'path'], `${s.study} ${d.path}`);
    }
  });

  test('studies are listed by id: six compared, meyer-2015 blinded', () => {
    assert.deepEqual(
      document.studies.map((s) => [s.study, s.state]),
      [
        ['andersson-2012', 'compared'],
        ['berger-2018', 'compared'],
        ['lindner-2014', 'compared'],
        ['ly-2015', 'compared'],
        ['meyer-2015', 'blinded'],
        ['preschl-2011', 'compared'],
        ['stiles-shields-2014', 'compared'],
      ],
    );
  });

  test('agreement.overall and every agreement.fields[] entry have exactly the contract keys', () => {
    const { overall, fields } = document.agreement;
    assert.deepEqual(keys(overall), ['agreed', 'kappa', 'pairs', 'percent']);
    assert.ok(fields.length > 0);
    for (const f of [overall, ...fields]) {
      if ('field' in f) assert.deepEqual(keys(f), ['agreed', 'field', 'kappa', 'pairs', 'percent']);
      assert.ok(Number.isInteger(f.pairs) && f.pairs > 0);
      assert.ok(Number.isInteger(f.agreed) && f.agreed >= 0 && f.agreed <= f.pairs);
      assert.equal(typeof f.percent, 'number');
      assert.ok(Math.abs(f.percent! - (100 * f.agreed) / f.pairs) < 1e-9);
      assert.ok(f.kappa === null || (typeof f.kappa === 'number' && f.kappa >= -1 && f.kappa <= 1));
    }
  });

  test('fields are id paths with ids replaced by *, each listed once', () => {
    const names = document.agreement.fields.map((f) => f.field);
    assert.equal(new Set(names).size, names.length);
    assert.deepEqual(names, [...names].sort());
    for (const name of names) assert.doesNotMatch(name, /\[(?!\*\])/, name);
    assert.ok(names.includes('arms[*].n'));
    assert.ok(names.includes('outcomes[*].results.*.mean'));
  });

  test('kappa is a number for categorical fields and null for numbers and free text', () => {
    const byField = new Map(document.agreement.fields.map((f) => [f.field, f]));
    assert.equal(typeof byField.get('arms[*].group')?.kappa, 'number');
    assert.equal(typeof byField.get('outcomes[*].instrument')?.kappa, 'number');
    assert.equal(byField.get('arms[*].n')?.kappa, null);
    assert.equal(byField.get('outcomes[*].results.*.mean')?.kappa, null);
    assert.equal(byField.get('arms[*].label')?.kappa, null);
    assert.equal(typeof document.agreement.overall.kappa, 'number');
  });

  test('the statistics count only the six studies whose two records are complete', () => {
    const byField = new Map(document.agreement.fields.map((f) => [f.field, f]));
    // Arms of the six compared studies: 2 each (andersson, berger, lindner, ly, preschl, stiles-shields).
    assert.deepEqual(
      { ...byField.get('arms[*].n') },
      { field: 'arms[*].n', pairs: 12, agreed: 11, percent: (100 * 11) / 12, kappa: null },
    );
    // ly-2015's country is the one disagreement among six.
    assert.deepEqual(
      { ...byField.get('country') },
      { field: 'country', pairs: 6, agreed: 5, percent: (100 * 5) / 6, kappa: null },
    );
    // meyer-2015's group disagreement is not counted: every compared group agrees.
    assert.equal(byField.get('arms[*].group')?.agreed, byField.get('arms[*].group')?.pairs);
    // The notes that differ are ignored by review.yaml: no notes field at all.
    assert.ok(!byField.has('notes'));
  });

  test('the overall figures are the sums over the fields', () => {
    const { overall, fields } = document.agreement;
    assert.equal(
      overall.pairs,
      fields.reduce((sum, f) => sum + f.pairs, 0),
    );
    assert.equal(
      overall.agreed,
      fields.reduce((sum, f) => sum + f.agreed, 0),
    );
    const disagreements = document.studies.reduce((sum, s) => sum + s.disagreements.length, 0);
    assert.equal(overall.pairs - overall.agreed, disagreements);
  });
});

describe('compare on the example review: the README’s deliberate differences', () => {
  let document: JsonCompare;
  before(() => {
    document = compareJson([EXAMPLE]);
  });

  test('andersson-2012: the transposed mean 5.58 vs 5.85', () => {
    assert.deepEqual(study(document, 'andersson-2012').disagreements, [
      { path: 'outcomes[alliance-total].results.email.mean', a: 5.58, b: 5.85 },
    ]);
  });

  test('preschl-2011: arms[f2f].n 28 vs 25 and the three result n’s that carry it', () => {
    assert.deepEqual(study(document, 'preschl-2011').disagreements, [
      { path: 'arms[f2f].n', a: 28, b: 25 },
      { path: 'outcomes[alliance-total].results.f2f.n', a: 28, b: 25 },
      { path: 'outcomes[alliance-mid].results.f2f.n', a: 28, b: 25 },
      { path: 'outcomes[alliance-therapist].results.f2f.n', a: 28, b: 25 },
    ]);
  });

  test('stiles-shields-2014: the instrument WAI vs WAI-S', () => {
    assert.deepEqual(study(document, 'stiles-shields-2014').disagreements, [
      { path: 'outcomes[alliance-total].instrument', a: 'WAI', b: 'WAI-S' },
    ]);
  });

  test('ly-2015: country Sweden vs null (the key left out, not NR)', () => {
    assert.deepEqual(study(document, 'ly-2015').disagreements, [{ path: 'country', a: 'Sweden', b: null }]);
  });

  test('berger-2018 and lindner-2014 agree once notes are ignored', () => {
    assert.deepEqual(study(document, 'berger-2018').disagreements, []);
    assert.deepEqual(study(document, 'lindner-2014').disagreements, []);
  });

  test('meyer-2015 is blinded: mk’s record is a draft, so no disagreement is listed', () => {
    const meyer = study(document, 'meyer-2015');
    assert.equal(meyer.state, 'blinded');
    assert.deepEqual(meyer.disagreements, []);
    assert.doesNotMatch(JSON.stringify(document), /internet-tau|internet-program\+tau/);
  });
});

describe('compare --study', () => {
  test('limits the output to that study', () => {
    const document = compareJson([EXAMPLE, '--study', 'ly-2015']);
    assert.deepEqual(
      document.studies.map((s) => s.study),
      ['ly-2015'],
    );
    assert.deepEqual(document.studies[0]!.disagreements, [{ path: 'country', a: 'Sweden', b: null }]);
    // The statistics are those of that study alone (one record pair).
    const byField = new Map(document.agreement.fields.map((f) => [f.field, f]));
    assert.equal(byField.get('arms[*].n')?.pairs, 2);
    assert.equal(byField.get('country')?.pairs, 1);
  });

  test('--study=ID works too, and in text output', () => {
    const result = run([EXAMPLE, '--study=preschl-2011']);
    assert.equal(result.status, 0, result.stderr);
    assert.match(result.stdout, /preschl-2011 \(ek vs mk\): 4 disagreements/);
    assert.doesNotMatch(result.stdout, /andersson-2012|stiles-shields-2014|ly-2015/);
  });

  test('a blinded study asked for by id stays blinded', () => {
    const document = compareJson([EXAMPLE, '--study', 'meyer-2015']);
    assert.deepEqual(document.studies, [
      { study: 'meyer-2015', reviewers: ['ek', 'mk'], state: 'blinded', disagreements: [] },
    ]);
    assert.equal(document.agreement.overall.pairs, 0);
  });

  test('an unknown study: exit 2, a message on stderr, nothing on stdout', () => {
    const result = run([EXAMPLE, '--study', 'no-such-study-1999', '--format', 'json']);
    assert.equal(result.status, 2);
    assert.equal(result.stdout, '');
    assert.match(result.stderr, /no-such-study-1999/);
  });
});

describe('compare --format csv', () => {
  test('a header and one row per disagreement (and per study without any), CRLF line ends', () => {
    const result = run([EXAMPLE, '--format', 'csv']);
    assert.equal(result.status, 0, result.stderr);
    const rows = parseCsv(result.stdout);
    assert.deepEqual(rows[0], CSV_HEADER);
    for (const row of rows) assert.equal(row.length, CSV_HEADER.length, row.join('|'));
    assert.deepEqual(rows.slice(1), [
      [
        'andersson-2012',
        'compared',
        'outcomes[alliance-total].results.email.mean',
        'ek',
        '5.58',
        'mk',
        '5.85',
      ],
      ['berger-2018', 'compared', '', 'ek', '', 'mk', ''],
      ['lindner-2014', 'compared', '', 'ek', '', 'mk', ''],
      ['ly-2015', 'compared', 'country', 'ek', 'Sweden', 'mk', ''],
      ['meyer-2015', 'blinded', '', 'ek', '', 'mk', ''],
      ['preschl-2011', 'compared', 'arms[f2f].n', 'ek', '28', 'mk', '25'],
      ['preschl-2011', 'compared', 'outcomes[alliance-total].results.f2f.n', 'ek', '28', 'mk', '25'],
      ['preschl-2011', 'compared', 'outcomes[alliance-mid].results.f2f.n', 'ek', '28', 'mk', '25'],
      ['preschl-2011', 'compared', 'outcomes[alliance-therapist].results.f2f.n', 'ek', '28', 'mk', '25'],
      ['stiles-shields-2014', 'compared', 'outcomes[alliance-total].instrument', 'ek', 'WAI', 'mk', 'WAI-S'],
    ]);
  });

  test('RFC 4180 quoting: a value with a comma and quotes is quoted, its quotes doubled', () => {
    const result = run([UNBLINDED, '--format', 'csv']);
    assert.equal(result.status, 0, result.stderr);
    assert.ok(
      result.stdout.includes(
        'beta-2012,compared,arms[online].label,ek,"Online CBT, ""guided""",mk,Online CBT\r\n',
      ),
      result.stdout,
    );
    const rows = parseCsv(result.stdout);
    assert.deepEqual(rows[0], CSV_HEADER);
    assert.deepEqual(
      rows.find((r) => r[2] === 'arms[online].label'),
      ['beta-2012', 'compared', 'arms[online].label', 'ek', 'Online CBT, "guided"', 'mk', 'Online CBT'],
    );
    assert.deepEqual(
      rows.find((r) => r[0] === 'gamma-2015'),
      ['gamma-2015', 'single', '', 'ek', '', '', ''],
    );
  });
});

describe('compare text output', () => {
  let text: string;
  before(() => {
    const result = run([EXAMPLE]);
    assert.equal(result.status, 0, result.stderr);
    text = result.stdout;
  });

  test('lists each compared study with its disagreements by id path', () => {
    assert.match(text, /^andersson-2012 \(ek vs mk\): 1 disagreement$/m);
    assert.match(text, /^ {2}outcomes\[alliance-total\]\.results\.email\.mean: ek 5\.58 · mk 5\.85$/m);
    assert.match(text, /^berger-2018 \(ek vs mk\): no disagreements$/m);
    assert.match(text, /^ {2}country: ek Sweden · mk \(not extracted\)$/m);
  });

  test('blinded studies are only counted, never shown', () => {
    assert.match(text, /1 study is blinded/);
    assert.doesNotMatch(text, /meyer-2015/);
    assert.doesNotMatch(text, /internet-tau/);
  });

  test('contains the agreement table: a header, a row per field and the overall row', () => {
    assert.match(text, /^Agreement \(studies with both records complete\):$/m);
    assert.match(text, /^ {2}field\s+pairs\s+agreed\s+percent\s+kappa$/m);
    assert.match(text, /^ {2}arms\[\*\]\.n\s+12\s+11\s+91\.7%\s+–$/m);
    assert.match(text, /^ {2}arms\[\*\]\.group\s+12\s+12\s+100\.0%\s+1\.000$/m);
    assert.match(text, /^ {2}overall\s+\d+\s+\d+\s+\d+\.\d%\s+\d\.\d{3}$/m);
  });

  test('the format is text by default and with --format text', () => {
    const explicit = run([EXAMPLE, '--format', 'text']);
    assert.equal(explicit.status, 0);
    assert.equal(explicit.stdout, text);
  });

  test('an unknown format is a usage error (exit 2)', () => {
    const result = run([EXAMPLE, '--format', 'xml']);
    assert.equal(result.status, 2);
    assert.equal(result.stdout, '');
  });
});

describe('compare on a review that is not blinded (test/fixtures/compare/unblinded)', () => {
  let document: JsonCompare;
  before(() => {
    document = compareJson([UNBLINDED]);
  });

  test('a study with a draft record is compared and its disagreements are shown', () => {
    const alpha = study(document, 'alpha-2010');
    assert.equal(alpha.state, 'compared');
    // mk lists the arms in the other order: they are matched by id.
    assert.deepEqual(alpha.disagreements, [{ path: 'arms[online].n', a: 25, b: 26 }]);
  });

  test('…but only complete pairs enter the agreement statistics', () => {
    // Only beta-2012 has two complete records: 2 arms.
    const byField = new Map(document.agreement.fields.map((f) => [f.field, f]));
    assert.equal(byField.get('arms[*].n')?.pairs, 2);
    assert.equal(byField.get('arms[*].n')?.agreed, 2);
    assert.equal(byField.get('citation.year')?.pairs, 1);
  });

  test('a reviewer folder not in review.yaml’s reviewers is ignored', () => {
    // jd extracted beta-2012 (very differently) and delta-2016 alone.
    assert.deepEqual(
      document.studies.map((s) => s.study),
      ['alpha-2010', 'beta-2012', 'gamma-2015'],
    );
    const beta = study(document, 'beta-2012');
    assert.deepEqual(beta.reviewers, ['ek', 'mk']);
    assert.deepEqual(beta.disagreements, [
      { path: 'arms[online].label', a: 'Online CBT, "guided"', b: 'Online CBT' },
      { path: 'arms[online].group', a: 'email', b: 'internet-program' },
    ]);
    assert.doesNotMatch(JSON.stringify(document), /Someone Else|jd|delta-2016/);
  });

  test('5.80 and 5.8 agree; ek’s notes are not compared', () => {
    const beta = study(document, 'beta-2012');
    assert.ok(!beta.disagreements.some((d) => d.path.includes('mean') || d.path === 'notes'));
  });

  test('a study extracted by one reviewer only is `single`, with that reviewer', () => {
    assert.deepEqual(study(document, 'gamma-2015'), {
      study: 'gamma-2015',
      reviewers: ['ek'],
      state: 'single',
      disagreements: [],
    });
  });

  test('kappa of the categorical field and overall, from the one complete study', () => {
    const group = document.agreement.fields.find((f) => f.field === 'arms[*].group');
    // (email, internet-program) and (face-to-face, face-to-face): p_o = 1/2, p_e = 1/4, kappa = 1/3.
    assert.deepEqual(
      { ...group, kappa: undefined },
      {
        field: 'arms[*].group',
        pairs: 2,
        agreed: 1,
        percent: 50,
        kappa: undefined,
      },
    );
    assert.ok(Math.abs(group!.kappa! - 1 / 3) < 1e-12);
    const { overall } = document.agreement;
    assert.equal(overall.pairs - overall.agreed, 2);
  });

  test('the text output names the single-reviewer study and shows no blinded count', () => {
    const result = run([UNBLINDED]);
    assert.equal(result.status, 0, result.stderr);
    assert.match(result.stdout, /^gamma-2015: only ek has extracted it$/m);
    assert.match(result.stdout, /^alpha-2010 \(ek vs mk\): 1 disagreement$/m);
    assert.doesNotMatch(result.stdout, /blinded/);
  });
});

describe('compare finds the review folder', () => {
  test('with no folder argument: the current folder', () => {
    const result = runCli(['compare', '--format', 'json'], EXAMPLE);
    assert.equal(result.status, 0, result.stderr);
    assert.equal((JSON.parse(result.stdout) as JsonCompare).studies.length, 7);
  });

  test('from a folder inside the review, by walking up to review.yaml', () => {
    const result = runCli(['compare', '--format', 'json'], path.join(EXAMPLE, 'records', 'ek'));
    assert.equal(result.status, 0, result.stderr);
    assert.deepEqual(JSON.parse(result.stdout), compareJson([EXAMPLE]));
  });

  test('no review above the folder: exit 2', () => {
    const empty = mkdtempSync(path.join(tmpdir(), 'study-extraction-no-review-'));
    try {
      const result = runCli(['compare', empty]);
      assert.equal(result.status, 2);
      assert.equal(result.stdout, '');
      assert.match(result.stderr, /review\.yaml/);
    } finally {
      rmSync(empty, { recursive: true, force: true });
    }
  });
});

describe('blinding lifts once both records are complete', () => {
  const copy = mkdtempSync(path.join(tmpdir(), 'study-extraction-compare-'));
  after(() => rmSync(copy, { recursive: true, force: true }));

  test('meyer-2015 marked complete by mk shows its group disagreement and enters the statistics', () => {
    cpSync(EXAMPLE, copy, { recursive: true });
    const blindedBefore = compareJson([copy]);
    const record = path.join(copy, 'records', 'mk', 'meyer-2015.study.yaml');
    const text = readFileSync(record, 'utf8');
    assert.match(text, /^status: draft$/m);
    writeFileSync(record, text.replace(/^status: draft$/m, 'status: complete'));
    const document = compareJson([copy]);
    const meyer = study(document, 'meyer-2015');
    assert.equal(meyer.state, 'compared');
    assert.deepEqual(meyer.disagreements, [
      { path: 'arms[internet-tau].group', a: 'internet-program+tau', b: 'internet-program' },
    ]);
    // One more study's pairs are counted, one of them a disagreement.
    const { overall } = document.agreement;
    assert.ok(overall.pairs > blindedBefore.agreement.overall.pairs);
    assert.equal(
      overall.pairs - overall.agreed,
      blindedBefore.agreement.overall.pairs - blindedBefore.agreement.overall.agreed + 1,
    );
    // The other studies are unchanged.
    assert.deepEqual(
      document.studies.filter((s) => s.study !== 'meyer-2015'),
      blindedBefore.studies.filter((s) => s.study !== 'meyer-2015'),
    );
  });
});

describe('compare --format csv with values a spreadsheet would evaluate', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'study-compare-csv-'));
  after(() => rmSync(dir, { recursive: true, force: true }));

  test('each such value gets a leading apostrophe; numbers stay numbers', () => {
    ensureBuilt();
    cpSync(EXAMPLE, dir, { recursive: true });
    const mk = path.join(dir, 'records', 'mk', 'preschl-2011.study.yaml');
    writeFileSync(mk, readFileSync(mk, 'utf8').replace(/^country: NR$/m, 'country: "=HYPERLINK(1)"'));
    const result = runCli(['compare', dir, '--format', 'csv', '--study', 'preschl-2011']);
    assert.equal(result.status, 0, result.stderr);
    const row = result.stdout.split('\r\n').find((line) => line.includes(',country,'));
    assert.ok(row, result.stdout);
    assert.match(row, /,'=HYPERLINK\(1\)$/);
    assert.match(result.stdout, /,arms\[f2f\]\.n,ek,28,mk,25\r\n/);
  });
});
