// Hostile inputs under the limits, each diagnosed in time linear in its size: the figures behind "no input
// freezes the tool" (DESIGN: every check linear or n log n; target: each under 2 s). Printed, never asserted.
//
// Complexity of the paths they exercise:
// - per key: the positioned parse indexes each mapping's keys once (pairsByKey) and finds duplicates with
//   one set per mapping, so locating n diagnostics costs O(n); unknown fields are one pass over the keys,
//   each compared with the declared names (bounded by the schema, not the record);
// - per arm/item: a mapping or list over YAML_LIMITS.maxEntries is reported before the schema validator
//   runs (its error collection is quadratic in the errors), so validation sees at most maxEntries per level;
// - nesting: `[`/`{` and `- - -` are bounded by one scan of the text before parsing;
// - patterns: schema `pattern` and compare.ignore globs run on a linear-time engine (RE2) or matcher.
import { performance } from 'node:perf_hooks';
import { readFileSync } from 'node:fs';
import { compareRecords } from '../src/core/dual/compare';
import { baseRecordValidator, compileExtractionSchema } from '../src/core/schema/schema';
import { serializeMarkup } from '../src/core/synthesis/present/svgTree';
import { forestPlot } from '../src/core/synthesis/present/forestPlot';
import { synthesizeReview } from '../src/core/synthesis/analysis';
import { openReview } from '../src/core/review/review';
import { nodeFileSystem } from '../src/node/fileSystem';
import { validateRecordText } from '../src/core/record/validate';
import { EXAMPLE_SCHEMA } from './generate';

const HEAD = 'study: big\nreviewer: ek\nstatus: draft\ncitation: { authors: [A], year: 2000 }\n';
const RUNS = 3;

function median(samples: number[]): number {
  const sorted = [...samples].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}

function measure(run: () => unknown): { ms: number; detail: string } {
  const samples: number[] = [];
  let detail = '';
  for (let i = 0; i < RUNS; i++) {
    const started = performance.now();
    const result = run();
    samples.push(performance.now() - started);
    detail = String(result);
  }
  return { ms: median(samples), detail };
}

const codes = (diagnostics: { code: string }[]) => [...new Set(diagnostics.map((d) => d.code))].join(', ');

export async function benchHostile(): Promise<void> {
  const base = baseRecordValidator();
  const review = compileExtractionSchema(readFileSync(EXAMPLE_SCHEMA, 'utf8')).schema;
  const bcg = await synthesizeReview(
    await openReview(`${__dirname}/../test/fixtures/synthesis/bcg`, nodeFileSystem),
    nodeFileSystem,
  );
  const analysis = structuredClone(bcg.analyses.find((a) => a.runnable)!);
  analysis.studies[0]!.label = 'Verylongauthorname '.repeat(1053).slice(0, 20_000);

  const record = (body: string) => `${HEAD}${body}\n`;
  const cases: [string, () => unknown][] = [
    [
      '50,000 unknown keys',
      () =>
        codes(
          validateRecordText(record(Array.from({ length: 50_000 }, (_, i) => `k${i}: 1`).join('\n')), review),
        ),
    ],
    [
      '50,000 arms',
      () =>
        codes(
          validateRecordText(
            record(`arms:\n${Array.from({ length: 50_000 }, (_, i) => `  - { id: a${i} }`).join('\n')}`),
            review,
          ),
        ),
    ],
    [
      '200,000 list items',
      () => codes(validateRecordText(record(`notes:\n${'- 1\n'.repeat(200_000)}`), base)),
    ],
    [
      '20,000 unknown result keys',
      () =>
        codes(
          validateRecordText(
            record(
              `arms:\n  - { id: a, group: email, n: 1 }\noutcomes:\n  - id: o\n    type: continuous\n    results:\n${Array.from(
                { length: 20_000 },
                (_, i) => `      r${i}: { mean: 1, sd: 1, n: 1 }`,
              ).join('\n')}`,
            ),
            review,
          ),
        ),
    ],
    ['1,000,000 × `[`', () => codes(validateRecordText(`a: ${'['.repeat(1_000_000)}\n`, base))],
    [
      '10,000 × `- ` on one line',
      () => codes(validateRecordText(record(`notes:\n  ${'- '.repeat(10_000)}x`), base)),
    ],
    [
      'compare.ignore "' + '*'.repeat(24) + '!"',
      () =>
        compareRecords(
          { arms: Array.from({ length: 50 }, (_, i) => ({ id: `a${i}`, label: 'x'.repeat(40) })) },
          { arms: Array.from({ length: 50 }, (_, i) => ({ id: `a${i}`, label: 'y'.repeat(40) })) },
          { ignore: [`${'*'.repeat(24)}!`], tolerance: 0 },
        ).disagreements.length,
    ],
    [
      'schema pattern ^(a+)+$, 30 characters',
      () => {
        const schema = compileExtractionSchema(
          JSON.stringify({
            allOf: [{ $ref: 'https://study-extraction.dev/schemas/study-record.schema.json' }],
            properties: { notes: { type: 'string', pattern: '^(a+)+$' } },
          }),
        ).schema;
        return codes(validateRecordText(record(`notes: ${'a'.repeat(30)}!`), schema));
      },
    ],
    [
      'schema enum of 20,000 values',
      () =>
        codes(
          compileExtractionSchema(
            JSON.stringify({
              properties: { country: { enum: Array.from({ length: 20_000 }, (_, i) => `c${i}`) } },
            }),
          ).diagnostics,
        ),
    ],
    ['forest plot, a 20,000-character author', () => `${serializeMarkup(forestPlot(analysis)).length} bytes`],
  ];

  console.log('');
  console.log(`Hostile inputs (median of ${RUNS}; target: each under 2 s; before the limits: 25 s to 82 s):`);
  const width = Math.max(...cases.map(([name]) => name.length));
  for (const [name, run] of cases) {
    const { ms, detail } = measure(run);
    console.log(`  ${name.padEnd(width)}  ${ms.toFixed(0).padStart(6)} ms  ${detail}`);
  }
}
