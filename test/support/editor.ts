// The editor features of core called as the language server calls them, on caret-marked texts.
import * as nodePath from 'node:path';
import { complete, type CompletionEntry } from '../../src/core/editor/completion';
import { openReview, type Review } from '../../src/core/review/review';
import type { CompiledSchema } from '../../src/core/schema/schema';
import { completionContext } from '../../src/core/yaml/cursor';
import { nodeFileSystem } from '../../src/node/fileSystem';
import { caret, positionAt, type Range } from './caret';
import { memoryReview } from './records';

let testReview: Promise<Review> | undefined;
let exampleReview: Promise<Review> | undefined;

/** The test review of test/support/records.ts, opened once. */
export function testSchema(): Promise<CompiledSchema> {
  testReview ??= memoryReview().then((r) => r.review);
  return testReview.then((r) => r.schema);
}

export const EXAMPLE = nodePath.resolve(__dirname, '..', '..', 'examples', 'therapeutic-alliance');

/** The example review as shipped (read from disk, never written). */
export function exampleReviewOpened(): Promise<Review> {
  exampleReview ??= openReview(EXAMPLE, nodeFileSystem);
  return exampleReview;
}

export interface Completions {
  text: string;
  entries: CompletionEntry[];
  /** What a completion replaces (the word at the caret). */
  range: Range | undefined;
}

/** Completions at the caret of `source`, as the server asks core for them. */
export function completeAt(source: string, schema: CompiledSchema): Completions {
  const { text, offset } = caret(source);
  const context = completionContext(text, offset);
  if (!context) return { text, entries: [], range: undefined };
  return {
    text,
    entries: complete(context, schema),
    range: { start: positionAt(text, context.replaceStart), end: positionAt(text, context.replaceEnd) },
  };
}

export function entry(completions: Completions, label: string): CompletionEntry {
  const found = completions.entries.filter((e) => e.label === label);
  if (found.length !== 1)
    throw new Error(
      `${found.length} entries labelled ${label} in: ${completions.entries.map((e) => e.label).join(', ')}`,
    );
  return found[0]!;
}

/** Labels in the order a client shows them (by sortText, then label). */
export function shownOrder(entries: CompletionEntry[]): string[] {
  return [...entries]
    .sort((a, b) => (a.sortText < b.sortText ? -1 : a.sortText > b.sortText ? 1 : a.label < b.label ? -1 : 1))
    .map((e) => e.label);
}
