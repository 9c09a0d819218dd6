import type { Range, TextEdit } from '../common/diagnostic';
import { NO_ANALYSED_FIELDS, RESULT_ALTERNATIVES, type AnalysedFields } from '../record/analysedFields';
import { NOT_REPORTED } from '../record/model';
import type { CompiledSchema } from '../schema/schema';
import { firstSentence } from '../schema/schemaMessages';
import { descriptionOf, type SchemaContext } from '../schema/schemaNavigator';
import { isPlainObject } from '../common/values';
import { valueSlot } from '../yaml/valueSlot';
import { YamlLocator, type PathSegment, type YamlFile } from '../yaml/yamlDocument';
import { insertField } from './fieldInsertion';
import { fieldLines } from './scaffold';

/** A field to extract (written, required, or read by an analysis) that is absent or still empty. */
export interface MissingField {
  path: PathSegment[];
  kind: 'missing' | 'empty';
  /**
   * Where the cursor goes once `edit` is applied: where the value is typed. For an empty value: after
   * `key: `, before any comment, or over a placeholder (`null`, `~`, `""`) so that typing replaces it;
   * inside `[]`. For a missing field: after the `key: ` the edit writes at its place in schema order.
   */
  range: Range;
  /**
   * What is written first: the blank that separates the value from the colon (`key:`) or from a comment
   * (`key: # note`), or the missing key itself (with the fields below it, for a result of an arm).
   */
  edit?: TextEdit;
}

export interface RecordProgress {
  /** Fields to extract present with a value (`NR` counts as filled: it is a finding). */
  filled: number;
  /**
   * Fields to extract in the record as it stands: every field written (an empty one is still to be
   * extracted), the required ones (inside each arm, outcome and result present) and those the review's
   * analyses read (arm n, the compared arms' results).
   */
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

/** The first sentence of the field's description, for the status bar. */
export function fieldHelp(schema: CompiledSchema, value: unknown, path: PathSegment[]): string | undefined {
  const description = descriptionOf(schema.schemasAt(value, path));
  return description ? firstSentence(description) : undefined;
}

/**
 * Walks the record with its schema and counts the fields to extract, filled and missing, and `NR` values:
 * every field written, the required fields, and those `analysed` says the review's analyses read.
 */
export function recordProgress(
  file: YamlFile,
  schema: CompiledSchema,
  analysed: AnalysedFields = NO_ANALYSED_FIELDS,
): RecordProgress {
  const progress: RecordProgress = { filled: 0, required: 0, notReported: 0, missing: [] };
  if (!file.usable) return progress;
  const value = isPlainObject(file.value) ? file.value : {};
  const locator = new YamlLocator(file);
  /** Where an empty value of the key at `keyRange` is typed. */
  const emptyValue = (keyRange: Range): Pick<MissingField, 'range' | 'edit'> => {
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
    return {
      range: { start: cursor, end: cursor },
      edit: { range: { start: insert, end: insert }, newText: ' ' },
    };
  };
  /** Where a key the object at `parent` lacks is written, with `lines` as its text. */
  const missingKey = (
    parent: PathSegment[],
    name: string,
    lines?: string[],
    cursorLine?: number,
  ): Pick<MissingField, 'range' | 'edit'> => {
    const insertion = insertField(
      file,
      schema,
      parent,
      name,
      lines ?? fieldLines(schema, value, parent, [name], 0),
      cursorLine === undefined ? {} : { cursorLine },
    );
    if (insertion) return { range: { start: insertion.cursor, end: insertion.cursor }, edit: insertion.edit };
    return { range: locator.containerRange(parent) };
  };
  /** Fields counted as missing (absent), so that what the analyses read is not counted twice. */
  const absent = new Set<string>();
  /**
   * Counts one field to extract: filled, or missing / empty with where it is typed. The walk counts every
   * field written; `read` (what the analyses read) adds only what is not written.
   */
  const count: Count = (parent, name, object, read = false) => {
    const path = [...parent, name];
    if (name in object) {
      if (read) return;
      progress.required++;
      if (isEmpty(object[name]))
        progress.missing.push({ path, kind: 'empty', ...emptyValue(locator.keyRange(path)) });
      else progress.filled++;
      return;
    }
    const key = JSON.stringify(path);
    if (absent.has(key)) return;
    absent.add(key);
    progress.required++;
    progress.missing.push({ path, kind: 'missing', ...missingKey(parent, name) });
  };
  /** Takes back an empty field counted as still to extract: what it holds is asked for instead. */
  const uncount = (path: PathSegment[]) => {
    const at = progress.missing.findIndex((m) => sameSegments(m.path, path));
    if (at < 0) return;
    progress.missing.splice(at, 1);
    progress.required--;
  };
  /**
   * Counts the fields of a mapping at `parent.name` that is not written yet (absent, or an empty value):
   * each field on its own, all written by the first one's edit, so that the count does not grow as the
   * reviewer fills them.
   */
  const countUnwritten: CountUnwritten = (parent, name, fields, present) => {
    uncount([...parent, name]);
    fields.forEach((field, i) => {
      const path = [...parent, name, field];
      if (absent.has(JSON.stringify(path))) return;
      absent.add(JSON.stringify(path));
      progress.required++;
      const placed = present
        ? missingKey(
            [...parent, name],
            field,
            fields.map((f) => `${f}:`),
            i,
          )
        : missingKey(parent, name, [`${name}:`, ...fields.map((f) => `  ${f}:`)], i + 1);
      progress.missing.push({ path, kind: 'missing', ...placed });
    });
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
    // The required fields, and every field written: an empty one is still to be extracted.
    const names = new Set([...contexts.flatMap((c) => c.schema.required ?? []), ...Object.keys(node)]);
    for (const name of names) count(path, name, node);
    for (const [key, child] of Object.entries(node)) {
      walk(child, schema.navigator.propertySchemas(contexts, key, child), [...path, key], depth + 1);
    }
  };
  walk(value, schema.navigator.expand(schema.root, value), [], 0);
  countAnalysed(value, analysed, { count, countUnwritten, uncount });
  // In the record's order: where each is written (fields written at one place keep their schema order).
  const anchor = (m: MissingField) => m.edit?.range.start ?? m.range.start;
  progress.missing.sort(
    (a, b) => anchor(a).line - anchor(b).line || anchor(a).character - anchor(b).character,
  );
  return progress;
}

type Count = (parent: PathSegment[], name: string, object: Record<string, unknown>, read?: boolean) => void;
type CountUnwritten = (
  parent: PathSegment[],
  name: string,
  fields: readonly string[],
  present: boolean,
) => void;

const sameSegments = (a: PathSegment[], b: PathSegment[]) =>
  a.length === b.length && a.every((segment, i) => segment === b[i]);

/**
 * The fields the analyses read: each arm's n, and the results of the compared arms (or of the whole sample)
 * in each analysed outcome. An empty `results:` is asked for arm by arm, not as one empty field.
 */
function countAnalysed(
  record: Record<string, unknown>,
  analysed: AnalysedFields,
  {
    count,
    countUnwritten,
    uncount,
  }: { count: Count; countUnwritten: CountUnwritten; uncount: (path: PathSegment[]) => void },
): void {
  const arms = (Array.isArray(record.arms) ? record.arms : []).map((arm) =>
    isPlainObject(arm) ? arm : undefined,
  );
  if (analysed.armN) arms.forEach((arm, i) => arm && count(['arms', i], 'n', arm, true));
  const outcomes = Array.isArray(record.outcomes) ? record.outcomes : [];
  outcomes.forEach((outcome, i) => {
    if (!isPlainObject(outcome) || typeof outcome.id !== 'string') return;
    const read = analysed.outcomes.get(outcome.id);
    if (!read) return;
    const armsOf = (groups: ReadonlySet<string>) =>
      arms.flatMap((arm) =>
        arm && typeof arm.id === 'string' && typeof arm.group === 'string' && groups.has(arm.group)
          ? [arm.id]
          : [],
      );
    const keys = read.wholeSample
      ? ['all']
      : [
          ...new Set(
            read.comparisons.flatMap(({ experimental, control }) => {
              const [e, c] = [armsOf(experimental), armsOf(control)];
              return e.length > 0 && c.length > 0 ? [...e, ...c] : [];
            }),
          ),
        ];
    if (keys.length === 0) return;
    const resultsPath = ['outcomes', i, 'results'];
    // An absent `results` is asked for first, at its place; a value that is not a mapping is an error.
    if (outcome.results === undefined || !(isPlainObject(outcome.results) || isEmpty(outcome.results)))
      return;
    const results = isPlainObject(outcome.results) ? outcome.results : {};
    for (const key of keys) {
      const result = results[key];
      if (isPlainObject(result)) {
        for (const field of read.fields) {
          const alternatives = RESULT_ALTERNATIVES[field] ?? [];
          if (alternatives.some((a) => !isEmpty(result[a]))) continue;
          count([...resultsPath, key], field, result, true);
        }
      } else if (isEmpty(result)) {
        // Under an empty `results:`, the arms' results go on the lines below it, arm by arm.
        if (!isPlainObject(outcome.results)) uncount(resultsPath);
        countUnwritten(resultsPath, key, read.fields, key in results);
      }
    }
  });
}
