// Next Missing Field as a reviewer meets it, over many records: the example's records with fields taken
// out at random (lines of `key: value`, whole results, values emptied). For every field it offers, apply
// its edit and type a value at the cursor as the reviewer would: the record must parse, and the typed value
// must land at the field's path. A property, so that each kind of place (block, flow, list item's first
// key, empty `results:`, a comment after the value) is met in many combinations.
import { before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import * as nodePath from 'node:path';
import fc from 'fast-check';
import { recordProgress } from '../../../src/core/editor/progress';
import type { AnalysedFields } from '../../../src/core/record/analysedFields';
import type { Review } from '../../../src/core/review/review';
import { analysedFields, readAnalyses } from '../../../src/core/synthesis/analysisConfig';
import { parseYaml } from '../../../src/core/yaml/yamlDocument';
import { applyEdits } from '../../support/caret';
import { EXAMPLE, exampleReviewOpened } from '../../support/editor';

let review: Review;
let analysed: AnalysedFields;
before(async () => {
  review = await exampleReviewOpened();
  analysed = analysedFields(readAnalyses(review.config.synthesis.analyses));
});

const records = ['ek', 'mk'].flatMap((reviewer) =>
  readdirSync(nodePath.join(EXAMPLE, 'records', reviewer)).map((name) =>
    readFileSync(nodePath.join(EXAMPLE, 'records', reviewer, name), 'utf8'),
  ),
);

/** Takes out the chosen lines of a record: a `key: value` line goes, a list item's first key is emptied. */
function takeOut(text: string, chosen: Set<number>, emptied: Set<number>): string {
  return text
    .split('\n')
    .flatMap((line, i) => {
      const pair = /^(\s*(?:- )?)([a-z_]+):( .*)?$/.exec(line);
      if (!pair || pair[2] === 'study') return [line];
      const isItemStart = pair[1]!.includes('-');
      const hasBlockBelow = pair[3] === undefined;
      if (emptied.has(i) && !hasBlockBelow) return [`${pair[1]}${pair[2]}:${i % 2 ? '' : '  # to check'}`];
      if (chosen.has(i) && !isItemStart && !hasBlockBelow) return [];
      return [line];
    })
    .join('\n');
}

const valueAt = (value: unknown, path: (string | number)[]) =>
  path.reduce<unknown>((node, key) => (node as Record<string | number, unknown> | undefined)?.[key], value);

describe('Next Missing Field, typed into records with fields taken out', () => {
  test('every field it offers takes a typed value at its path and the record still parses', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: records.length - 1 }),
        fc.uniqueArray(fc.integer({ min: 0, max: 80 }), { maxLength: 12 }),
        fc.uniqueArray(fc.integer({ min: 0, max: 80 }), { maxLength: 6 }),
        (which, chosen, emptied) => {
          const text = takeOut(records[which]!, new Set(chosen), new Set(emptied));
          const file = parseYaml(text);
          // A plain scalar continued on the next lines cannot lose its first line: such cuts are passed over.
          fc.pre(file.diagnostics.length === 0);
          for (const field of recordProgress(file, review.schema, analysed).missing) {
            const edited = field.edit ? applyEdits(text, [field.edit]) : text;
            const lines = parseYaml(edited).lines;
            const at = lines.offsetAt(field.range.start);
            const typed = edited.slice(0, at) + '7' + edited.slice(lines.offsetAt(field.range.end));
            const after = parseYaml(typed);
            const where = `${field.path.join('.')} in\n${typed}`;
            assert.deepEqual(after.diagnostics, [], where);
            const landed = valueAt(after.value, field.path);
            // A result written whole takes the typed value in its first field.
            const value = landed !== null && typeof landed === 'object' ? Object.values(landed)[0] : landed;
            assert.ok(value === 7 || (Array.isArray(value) && value[0] === 7), where);
          }
        },
      ),
      { numRuns: 150 },
    );
  });
});
