// The standalone HTML report and the study-characteristics table: complete, script-free, escaped, balanced
// and deterministic.
import { before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import * as path from 'node:path';
import { nodeFileSystem } from '../../src/node/fileSystem';
import { openReview, readReviewConfig, type Review } from '../../src/core/review/review';
import { parseYaml } from '../../src/core/yaml/yamlDocument';
import {
  loadStudies,
  runAnalyses,
  type StudyRecord,
  type StudyRecords,
  type SynthesisReport,
} from '../../src/core/synthesis/analysis';
import {
  characteristicsTable,
  studyCharacteristics,
  type StudyCharacteristics,
} from '../../src/core/synthesis/characteristics';
import { synthesisHtmlReport } from '../../src/core/synthesis/present/report';

const FIXTURES = path.resolve(__dirname, '..', 'fixtures', 'synthesis');
const EXAMPLE = path.resolve(__dirname, '..', '..', 'examples', 'therapeutic-alliance');
const DATE = '2024-05-01T12:00:00Z';

interface Loaded {
  review: Review;
  studies: StudyRecords[];
  report: SynthesisReport;
  characteristics: StudyCharacteristics[];
  html: string;
}

async function load(dir: string): Promise<Loaded> {
  const review = await openReview(dir, nodeFileSystem);
  const studies = await loadStudies(review, nodeFileSystem);
  const report = runAnalyses(review, studies);
  const characteristics = studyCharacteristics(studies, review.config);
  const html = synthesisHtmlReport({ title: review.config.title, generated: DATE, report, characteristics });
  return { review, studies, report, characteristics, html };
}

const VOID = new Set(['meta', 'link', 'br', 'hr', 'img', 'input', 'wbr', 'col', 'source']);

/** Every element closed in order (SVG included); returns the problems. */
function unbalanced(html: string): string[] {
  const problems: string[] = [];
  const stack: string[] = [];
  const body = html.replace(/^<!DOCTYPE html>/i, '').replace(/<style>[\s\S]*?<\/style>/, '<style></style>');
  for (const m of body.matchAll(/<(\/?)([A-Za-z][\w:-]*)((?:\s+[\w:-]+(?:="[^"<>]*")?)*)\s*(\/?)>/g)) {
    const [, closing, name, , selfClosing] = m;
    const tag = name!.toLowerCase();
    if (VOID.has(tag) || selfClosing) continue;
    if (!closing) stack.push(tag);
    else if (stack.pop() !== tag) problems.push(`</${tag}> at ${m.index}`);
  }
  if (stack.length > 0) problems.push(`unclosed: ${stack.join(', ')}`);
  // Any "<" that does not start a tag is unescaped text.
  const stray = body.replace(/<(\/?)([A-Za-z][\w:-]*)((?:\s+[\w:-]+(?:="[^"<>]*")?)*)\s*(\/?)>/g, '');
  if (stray.includes('<'))
    problems.push(`stray "<" near ${stray.slice(stray.indexOf('<') - 40, stray.indexOf('<') + 40)}`);
  return problems;
}

function count(text: string, pattern: RegExp): number {
  return [...text.matchAll(new RegExp(pattern.source, `${pattern.flags.replace('g', '')}g`))].length;
}

let bcg: Loaded;
let correlation: Loaded;
let dual: Loaded;
let example: Loaded;

before(async () => {
  bcg = await load(path.join(FIXTURES, 'bcg'));
  correlation = await load(path.join(FIXTURES, 'correlation'));
  dual = await load(path.join(FIXTURES, 'dual'));
  example = await load(EXAMPLE);
});

describe('synthesisHtmlReport', () => {
  test('a standalone HTML5 document: doctype, UTF-8, its own styles (dark and print), no scripts', () => {
    const { html } = bcg;
    assert.match(html, /^<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">/);
    assert.match(html, /<title>BCG vaccine trials — synthesis report<\/title>/);
    assert.match(
      html,
      /<style>[\s\S]*@media \(prefers-color-scheme: dark\)[\s\S]*@media print[\s\S]*<\/style>/,
    );
    assert.doesNotMatch(html, /<script/i);
    assert.doesNotMatch(html, /\son[a-z]+=/i, 'no event handler attributes');
    assert.doesNotMatch(html, /(src|href)="(?!#)/, 'no external resources, only in-page links');
    assert.doesNotMatch(html, /javascript:/i);
    assert.deepEqual(unbalanced(html), []);
    assert.match(html, /generated 2024-05-01T12:00:00Z/);
  });

  test('per analysis: a section with settings, a forest plot, pooled lines and one row per study', () => {
    const { html, report } = bcg;
    assert.equal(count(html, /<section class="analysis"/), 4);
    assert.equal(count(html, /<svg /), 4);
    assert.equal(count(html, /<tr class="study"/), 4 * 13);
    assert.equal(count(html, /class="fp-square"/), 4 * 13);
    for (const [i, a] of report.analyses.entries()) {
      assert.match(html, new RegExp(`<section class="analysis" id="analysis-${i + 1}">`));
      assert.match(html, new RegExp(`data-analysis="${a.id}"`));
    }
    assert.match(html, /<dt>Measure<\/dt><dd>Risk ratio \(RR\), pooled as log RR<\/dd>/);
    assert.match(html, /<dt>τ² estimator<\/dt><dd>REML<\/dd>/);
    assert.match(html, /<dt>Confidence intervals<\/dt><dd>95%, normal \(z\)<\/dd>/);
    assert.match(html, /Random effects \(REML\), k = 13:<\/strong> RR 0\.49 \[0\.34, 0\.70\]/);
    assert.match(
      html,
      /Heterogeneity: τ² = 0\.31, I² = 92\.2%, Q\(12\) = 152\.23, P &lt; 0\.001, H² = 12\.86/,
    );
    assert.match(html, /95% prediction interval: \[0\.15, 1\.55\]/);
    assert.match(html, /Test for subgroup differences: Q\(2\) = 1\.86, P = 0\.39/);
    // The Aronson row: inputs per side, yi, CI, RR, weight, the record that spoke.
    const row = html.match(/<tr class="study" data-study="trial-01">.*?<\/tr>/)![0];
    assert.match(row, /Aronson 1948/);
    assert.match(row, />4\/123</);
    assert.match(row, />11\/139</);
    assert.match(row, />−0\.8893</);
    assert.match(row, />0\.41 \[0\.13, 1\.26\]</);
    assert.match(row, />5\.1%</);
    assert.match(row, />consensus</);
  });

  test('continuous inputs as n / mean (SD), conversions, exclusions with reasons, POMP, one-study subgroups', () => {
    const { html } = dual;
    assert.deepEqual(unbalanced(html), []);
    const fox = html.match(/<tr class="study" data-study="fox-2019">.*?<\/tr>/)![0];
    assert.match(fox, /60 \/ 5\.2 \(1\.114\)/);
    assert.match(fox, /mail \+ phone/);
    assert.match(fox, /experimental arms mail \+ phone combined/);
    assert.match(
      html,
      /<tr class="excluded" data-study="clark-2014"><td>clark-2014<\/td><td>unresolved disagreement/,
    );
    assert.match(html, /<h3>Means as percent of the maximum possible score \(POMP\)<\/h3>/);
    assert.match(html, /<tr><td>email<\/td><td class="num">4<\/td><td class="num">75\.0<\/td>/);
    assert.match(html, /<td>telephone<\/td><td class="num">1<\/td><td class="num">not pooled<\/td>/);
    assert.match(html, /Knapp-Hartung \(t distribution\)/);
    assert.match(html, /Test for overall effect: t\(3\) = /);
  });

  test('one study: its row and plot, and why nothing is pooled', () => {
    const { html } = example;
    assert.deepEqual(unbalanced(html), []);
    assert.equal(count(html, /<svg /), 1);
    assert.equal(count(html, /<tr class="study"/), 1);
    assert.match(html, /<p class="note">Not pooled: Only one study can be included/);
    assert.equal(count(html, /<tr class="excluded"/), 6);
  });

  test('record and protocol text is escaped everywhere', () => {
    const { html } = correlation;
    assert.deepEqual(unbalanced(html), []);
    assert.doesNotMatch(html, /<script/i);
    assert.doesNotMatch(html, /<img/i);
    assert.doesNotMatch(html, /<b>/);
    assert.match(
      html,
      /<h1>Alliance &amp; outcome &lt;script&gt;alert\(&#39;title&#39;\)&lt;\/script&gt;<\/h1>/,
    );
    assert.match(html, /&lt;script&gt;alert\(1\)&lt;\/script&gt; &amp; Co/);
    assert.match(html, /Online &lt;b&gt;CBT&lt;\/b&gt;/);
    assert.match(html, /&lt;img src=x onerror=alert\(1\)&gt;/);
    assert.match(html, /Alliance–outcome correlation &lt;b&gt;bold&lt;\/b&gt;/);
  });

  test('deterministic: the same input gives the same document', () => {
    const again = synthesisHtmlReport({
      title: bcg.review.config.title,
      generated: DATE,
      report: bcg.report,
      characteristics: bcg.characteristics,
    });
    assert.equal(again, bcg.html);
    const without = synthesisHtmlReport({ title: 'T', generated: DATE, report: bcg.report });
    assert.doesNotMatch(without, /id="characteristics"/);
    const empty = synthesisHtmlReport({ title: 'T', generated: DATE, report: { analyses: [] } });
    assert.match(empty, /defines no analyses/);
    assert.deepEqual(unbalanced(empty), []);
  });

  test('the study-characteristics table', () => {
    const { html } = bcg;
    assert.match(html, /<section id="characteristics">/);
    assert.equal(count(html, /<tr class="characteristics"/), 13);
    const aronson = html.match(/<tr class="characteristics" data-study="trial-01">.*?<\/tr>/)![0];
    assert.match(aronson, /Aronson \(1948\)/);
    assert.match(
      aronson,
      /^<tr class="characteristics" data-study="trial-01"><td class="study">Aronson 1948<span class="sub">trial-01<\/span><\/td>/,
    );
    assert.match(
      aronson,
      /<td class="arms">vaccinated \(bcg-random, n = 123\); unvaccinated \(control, n = 139\)<\/td>/,
    );
    assert.match(aronson, /<td class="journal"><span class="muted">–<\/span><\/td>/);
    assert.match(aronson, /<td class="record">consensus<\/td>/);
  });
});

// ---------------------------------------------------------------------------------------------------------

type Obj = Record<string, unknown>;

function config(extra = '') {
  return readReviewConfig(
    parseYaml(`title: T
schema: schemas/extraction.schema.json
records: records/{reviewer}/{study}.study.yaml
reviewers: [ek, mk]
${extra}
synthesis:
  analyses:
    - { id: a, outcome: alliance, measure: SMD, experimental: [email], control: [face-to-face] }
`),
  );
}

function record(
  study: string,
  reviewer: string,
  status: string,
  patch: (v: Obj) => void = () => {},
): StudyRecord {
  const value: Obj = {
    study,
    reviewer,
    status,
    citation: { authors: ['Preschl B', 'Maercker A'], year: 2011, journal: 'BMC Psychiatry' },
    arms: [
      { id: 'online', label: 'Online CBT', group: 'email', n: 25 },
      { id: 'f2f', group: 'face-to-face', n: 'NR' },
    ],
    outcomes: [
      {
        id: 'alliance',
        type: 'continuous',
        instrument: 'WAI',
        timepoint: 'post-treatment',
        scale: { min: 1, max: 7 },
        results: {},
      },
      { id: 'depression', type: 'continuous', instrument: 'BDI', results: {} },
    ],
  };
  patch(value);
  return { reviewer, path: `records/${reviewer}/${study}.study.yaml`, value, status };
}

describe('studyCharacteristics', () => {
  test('citation, arms and the analysed outcomes of the consensus record', () => {
    const [row] = studyCharacteristics(
      [
        {
          study: 'preschl-2011',
          reviewers: [record('preschl-2011', 'ek', 'draft')],
          consensus: record('preschl-2011', 'consensus', 'complete'),
        },
      ],
      config('blind: true'),
    );
    assert.deepEqual(row, {
      study: 'preschl-2011',
      label: 'Preschl 2011',
      firstAuthor: 'Preschl B',
      etAl: true,
      year: 2011,
      journal: 'BMC Psychiatry',
      arms: [
        { id: 'online', label: 'Online CBT', group: 'email', n: 25 },
        { id: 'f2f', label: null, group: 'face-to-face', n: 'NR' },
      ],
      outcomes: [
        {
          id: 'alliance',
          label: null,
          type: 'continuous',
          instrument: 'WAI',
          timepoint: 'post-treatment',
          scale: { min: 1, max: 7, higherIsBetter: true },
          analyses: ['a'],
        },
      ],
      source: 'consensus',
      record: 'consensus',
      note: null,
    });
  });

  test('two complete records that agree; that differ; a draft; blinded; nothing readable', () => {
    const ek = record('s', 'ek', 'complete');
    const mk = record('s', 'mk', 'complete');
    const rows = studyCharacteristics(
      [
        { study: 'agree', reviewers: [ek, mk] },
        {
          study: 'differ',
          reviewers: [ek, record('s', 'mk', 'complete', (v) => ((v.arms as Obj[])[0]!.n = 26))],
        },
        { study: 'draft', reviewers: [ek, record('s', 'mk', 'draft')] },
        { study: 'single', reviewers: [ek] },
        { study: 'broken', reviewers: [{ reviewer: 'ek', path: 'x', value: undefined, status: undefined }] },
      ],
      config(),
    );
    assert.deepEqual(
      rows.map((r) => [r.study, r.source, r.record, r.note]),
      [
        ['agree', 'agreed', 'ek + mk', null],
        ['differ', 'provisional', 'ek', 'ek and mk differ on arms[online].n; not adjudicated'],
        ['draft', 'provisional', 'ek', 'mk has not completed the record'],
        ['single', 'provisional', 'ek', 'only ek has extracted it'],
        ['broken', 'none', null, 'no readable record'],
      ],
    );
    // Differences outside what the table shows (results, unanalysed outcomes) do not matter.
    const [same] = studyCharacteristics(
      [
        {
          study: 's',
          reviewers: [
            ek,
            record('s', 'mk', 'complete', (v) => ((v.outcomes as Obj[])[1]!.instrument = 'PHQ-9')),
          ],
        },
      ],
      config(),
    );
    assert.equal(same!.source, 'agreed');
    // A blinded review shows nothing of a study until both records are complete.
    const blinded = studyCharacteristics(
      [
        { study: 'draft', reviewers: [ek, record('s', 'mk', 'draft')] },
        { study: 'agree', reviewers: [ek, mk] },
      ],
      config('blind: true'),
    );
    assert.deepEqual(
      blinded.map((r) => [r.source, r.label, r.arms.length, r.note]),
      [
        ['hidden', 'draft', 0, 'blinded review: mk has not completed the record'],
        ['agreed', 'Preschl 2011', 2, null],
      ],
    );
  });

  test('the example review: consensus-free, blinded, every study a row', () => {
    const rows = example.characteristics;
    assert.equal(rows.length, 7);
    const meyer = rows.find((r) => r.study === 'meyer-2015')!;
    assert.equal(meyer.source, 'hidden');
    const ly = rows.find((r) => r.study === 'ly-2015')!;
    assert.equal(ly.label, 'Ly 2015');
    assert.ok(ly.outcomes.every((o) => o.id === 'alliance-total'));
  });

  test('as a table of text cells for the synthesis panel', () => {
    const table = characteristicsTable(example.characteristics);
    assert.deepEqual(
      table.columns.map((c) => c.key),
      ['study', 'citation', 'journal', 'arms', 'outcomes', 'record'],
    );
    assert.equal(table.rows.length, 7);
    const ly = table.rows.find((r) => r.study === 'ly-2015')!;
    assert.equal(ly.cells.study, 'Ly 2015');
    assert.equal(ly.cells.citation, 'Ly KH (2015)');
    assert.match(String(ly.cells.arms), /\(face-to-face\+app, n = \d+\)/);
    assert.match(String(ly.cells.outcomes), /^alliance-total \(NR; [^)]*scale 12–84\)$/);
    const meyer = table.rows.find((r) => r.study === 'meyer-2015')!;
    assert.equal(meyer.cells.record, 'hidden (blinded): blinded review: mk has not completed the record');
  });
});
