// Benchmark of dual extraction and synthesis over the synthetic review (part of `npm run bench`).
// Prints medians only; nothing here is asserted.
import * as nodePath from 'node:path';
import { performance } from 'node:perf_hooks';
import { listRecords } from '../src/core/review/review';
import { nodeFileSystem } from '../src/node/fileSystem';
import { openReview } from '../src/core/review/review';
import { compareReview, compareStudy, diskReader, groupByStudy } from '../src/core/dual/studyPairs';
import { loadStudies, runAnalyses } from '../src/core/synthesis/analysis';
import { ensureGenerated, REVIEW_DIR } from './generate';

function median(samples: number[]): number {
  const sorted = [...samples].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

async function sample(runs: number, fn: () => Promise<unknown> | unknown): Promise<number[]> {
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const start = performance.now();
    await fn();
    times.push(performance.now() - start);
  }
  return times;
}

const fmt = (x: number) => (x >= 100 ? `${x.toFixed(0)} ms` : `${x.toFixed(2)} ms`);

export async function benchDualAndSynthesis(): Promise<void> {
  ensureGenerated();
  const review = await openReview(REVIEW_DIR, nodeFileSystem);
  const { records } = await listRecords(review, nodeFileSystem);
  const groups = groupByStudy(review, records);
  const comparison = await compareReview(review, nodeFileSystem);
  const compared = comparison.studies.filter((s) => s.state === 'compared').length;
  console.log(`\nDual extraction and synthesis: ${groups.size} studies (${compared} compared)`);

  const whole = await sample(5, () => compareReview(review, nodeFileSystem));
  const [study, group] = [...groups.entries()][Math.floor(groups.size / 2)]!;
  const read = diskReader(review, nodeFileSystem);
  await sample(20, () => compareStudy(review, study, group, read));
  const one = await sample(200, () => compareStudy(review, study, group, read));

  const studies = await loadStudies(review, nodeFileSystem);
  await sample(20, () => runAnalyses(review, studies));
  const synthesis = await sample(50, () => runAnalyses(review, studies));
  const k = runAnalyses(review, studies)
    .analyses.map((a) => `${a.id}: k=${a.k}`)
    .join(', ');
  const withLoading = await sample(3, async () =>
    runAnalyses(review, await loadStudies(review, nodeFileSystem)),
  );

  const rows: [string, string, string][] = [
    ['compare, whole review (read + parse + compare)', fmt(median(whole)), '≤ 1 s'],
    [`refresh one study's disagreements (${study})`, fmt(median(one)), '≤ 10 ms'],
    ['synthesis over the loaded studies', fmt(median(synthesis)), '≤ 50 ms'],
    ['synthesis including reading and parsing', fmt(median(withLoading)), ''],
  ];
  for (const [what, value, target] of rows)
    console.log(`  ${what.padEnd(52)} ${value.padStart(10)}   ${target}`);
  console.log(`  analyses: ${k}`);
  console.log(`  (${nodePath.relative(process.cwd(), REVIEW_DIR)})`);
}

if (require.main === module) void benchDualAndSynthesis();
