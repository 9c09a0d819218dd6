import type { Position, Range } from '../common/diagnostic';
import { NOT_REPORTED } from '../record/model';
import type { CompiledSchema } from '../schema/schema';
import { type SchemaContext } from '../schema/schemaNavigator';
import { isPlainObject } from '../common/values';
import { valueSlot } from '../yaml/valueSlot';
import { YamlLocator, type PathSegment, type YamlFile } from '../yaml/yamlDocument';

/** A required field that is absent or still empty. */
export interface MissingField {
  path: PathSegment[];
  kind: 'missing' | 'empty';
  /**
   * Where the cursor goes. For an empty value, where the value is typed: after `key: `, before any
   * comment, or over a placeholder (`null`, `~`, `""`) so that typing replaces it; inside `[]`. For a missing
   * field, the key of the object that lacks it.
   */
  range: Range;
  /**
   * A space to insert first, at `insert`, so that the typed value is separated from the colon (`key:`) or
   * from a comment (`key: # note`); `range` is where the cursor goes once it is inserted.
   */
  insert?: Position;
}

export interface RecordProgress {
  /** Required fields present with a value (`NR` counts as filled: it is a finding). */
  filled: number;
  /** Required fields in the record as it stands (required inside each arm, outcome and result present). */
  required: number;
  /** Values marked `NR` anywhere. */
  notReported: number;
  missing: MissingField[];
}

function isEmpty(value: unknown): boolean {
  return (
    value === null || value === undefined || value === '' || (Array.isArray(value) && value.length === 0)
  );
}

/** Walks the record with its schema and counts required fields filled, missing and `NR` values. */
export function recordProgress(file: YamlFile, schema: CompiledSchema): RecordProgress {
  const progress: RecordProgress = { filled: 0, required: 0, notReported: 0, missing: [] };
  if (!file.usable) return progress;
  const value = isPlainObject(file.value) ? file.value : {};
  const locator = new YamlLocator(file);
  /** Where an empty value of the key at `keyRange` is typed. */
  const emptyValue = (keyRange: Range): Pick<MissingField, 'range' | 'insert'> => {
    const lineEnd = file.lines.lineEnd(keyRange.start.line);
    const afterKey = file.lines.offsetAt(keyRange.end);
    const colon = /^[ \t]*:/.exec(file.text.slice(afterKey, lineEnd));
    if (!colon) {
      const end = file.lines.positionAt(lineEnd);
      return { range: { start: end, end } };
    }
    const slot = valueSlot(file.text, afterKey + colon[0].length - 1, lineEnd);
    if (!slot.space) {
      return { range: { start: file.lines.positionAt(slot.from), end: file.lines.positionAt(slot.to) } };
    }
    const insert = file.lines.positionAt(slot.space.at);
    const cursor = { line: insert.line, character: insert.character + (slot.space.cursorAfter ? 1 : 0) };
    return { range: { start: cursor, end: cursor }, insert };
  };

  const walk = (node: unknown, contexts: SchemaContext[], path: PathSegment[], depth: number): void => {
    if (node === NOT_REPORTED) progress.notReported++;
    if (depth > 32 || contexts.length === 0) return;
    if (Array.isArray(node)) {
      node.forEach((item, i) =>
        walk(item, schema.navigator.itemSchemas(contexts, i, item), [...path, i], depth + 1),
      );
      return;
    }
    if (!isPlainObject(node)) return;
    const required = [...new Set(contexts.flatMap((c) => c.schema.required ?? []))];
    for (const name of required) {
      progress.required++;
      const child = node[name];
      if (!(name in node)) {
        progress.missing.push({
          path: [...path, name],
          kind: 'missing',
          range: locator.containerRange(path),
        });
      } else if (isEmpty(child)) {
        progress.missing.push({
          path: [...path, name],
          kind: 'empty',
          ...emptyValue(locator.keyRange([...path, name])),
        });
      } else progress.filled++;
    }
    for (const [key, child] of Object.entries(node)) {
      walk(child, schema.navigator.propertySchemas(contexts, key, child), [...path, key], depth + 1);
    }
  };
  walk(value, schema.navigator.expand(schema.root, value), [], 0);
  progress.missing.sort(
    (a, b) => a.range.start.line - b.range.start.line || a.range.start.character - b.range.start.character,
  );
  return progress;
}
