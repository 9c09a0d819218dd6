// What the tool writes for other programs stays inert whatever a record says: CSV cells a spreadsheet
// would evaluate are neutralised (OWASP, "CSV Injection"), SVG and HTML never carry characters XML
// forbids, and a very long label costs no more than its length.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import * as path from 'node:path';
import { csvCell, csvText } from '../../src/core/synthesis/present/csv';
import { nodeFileSystem } from '../../src/node/fileSystem';
import { openReview } from '../../src/core/review/review';
import { escapeXml, serializeMarkup } from '../../src/core/synthesis/present/svgTree';
import { synthesizeReview } from '../../src/core/synthesis/analysis';
import { formatSynthesizeCsv, formatSynthesizeSvg } from '../../src/core/synthesis/present/exportFormats';
import { forestPlot } from '../../src/core/synthesis/present/forestPlot';

const BCG = path.resolve(__dirname, '..', 'fixtures', 'synthesis', 'bcg');
/** Characters XML 1.0 does not allow in a document. */
// eslint-disable-next-line no-control-regex -- control characters are what it finds
const FORBIDDEN_IN_XML = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]/;

async function bcgAnalysis() {
  const review = await openReview(BCG, nodeFileSystem);
  const report = await synthesizeReview(review, nodeFileSystem);
  return report.analyses.find((a) => a.runnable)!;
}

describe('CSV cells', () => {
  test('text a spreadsheet would evaluate gets a leading apostrophe', () => {
    assert.equal(csvCell('=HYPERLINK("http://x","y")'), `"'=HYPERLINK(""http://x"",""y"")"`);
    assert.equal(csvCell('+1+1'), "'+1+1");
    assert.equal(csvCell('-2+3'), "'-2+3");
    assert.equal(csvCell('@SUM(A1)'), "'@SUM(A1)");
    assert.equal(csvCell('\tcmd'), "'\tcmd");
    assert.equal(csvCell('\r=1'), `"'\r=1"`);
  });

  test('ordinary text, numbers and structures are written as they are', () => {
    assert.equal(csvCell('Preschl 2011'), 'Preschl 2011');
    assert.equal(csvCell('a, b'), '"a, b"');
    assert.equal(csvCell(-0.7145), '-0.7145', 'a computed negative number stays a number');
    assert.equal(csvCell(Number.POSITIVE_INFINITY), '');
    assert.equal(csvCell(Number.NaN), '');
    assert.equal(csvCell(null), '');
    assert.equal(csvCell(true), 'true');
    assert.equal(csvCell(['=x', 2]), '"[""=x"",2]"');
  });

  test('rows end with CRLF', () => {
    assert.equal(
      csvText([
        ['a', 1],
        ['b', 'x\ny'],
      ]),
      'a,1\r\nb,"x\ny"\r\n',
    );
  });

  test('the synthesis CSV neutralises a study label that starts a formula', async () => {
    const analysis = structuredClone(await bcgAnalysis());
    analysis.studies[0]!.label = '=cmd|"/c calc"!A1';
    const csv = formatSynthesizeCsv({ analyses: [analysis] });
    assert.doesNotMatch(csv, /(^|,)=cmd/m);
    assert.match(csv, /'=cmd/);
  });
});

describe('SVG and HTML text', () => {
  test('characters XML forbids are dropped, markup escaped, astral characters kept', () => {
    assert.equal(escapeXml('a\u0000b\u0007c\u001Fd\uFFFEe\uFFFF'), 'abcde');
    assert.equal(escapeXml('tab\tnew\nline\r'), 'tab\tnew\nline\r');
    assert.equal(escapeXml('lone \uD800 and \uDC00'), 'lone  and ');
    assert.equal(escapeXml('\u{1F600} <b>&'), '\u{1F600} &lt;b&gt;&amp;');
  });

  test('a forest plot with control characters and U+FFFE in labels is well-formed XML text', async () => {
    const analysis = structuredClone(await bcgAnalysis());
    analysis.studies[0]!.label = 'Aronson\u0000\u0008 1948\uFFFE';
    analysis.title = 'Title\u000B\u000C with controls';
    const svg = formatSynthesizeSvg(analysis);
    assert.doesNotMatch(svg, FORBIDDEN_IN_XML);
    assert.match(svg, /Aronson 1948/);
  });

  test('a 20,000-character label is truncated in time linear in its length', async () => {
    const analysis = structuredClone(await bcgAnalysis());
    analysis.studies[0]!.label = `${'Verylongauthorname '.repeat(1053)}`.slice(0, 20_000);
    analysis.title = 'x'.repeat(20_000);
    const started = performance.now();
    const markup = serializeMarkup(forestPlot(analysis));
    const elapsed = performance.now() - started;
    // Seconds before the truncation became linear: 66 s on this machine kind. Generous: the machine is shared.
    assert.ok(elapsed < 3_000, `${elapsed.toFixed(0)} ms`);
    const label = /class="fp-label"[^>]*>([^<]*)</.exec(markup)?.[1] ?? '';
    assert.ok(label.endsWith('…'), label.slice(-20));
    assert.ok(label.length < 200, `${label.length} characters drawn`);
  });
});
