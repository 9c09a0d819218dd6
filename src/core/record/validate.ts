import {
  capDiagnostics,
  dedupeDiagnostics,
  sortDiagnostics,
  type Diagnostic,
  type Range,
} from '../common/diagnostic';
import { LineIndex } from '../yaml/lineIndex';
import { checkRecordRules, type RecordExpectations } from './rules';
import type { CompiledSchema } from '../schema/schema';
import {
  fieldLabel,
  instancePathSegments,
  schemaErrorsToDiagnostics,
  unknownFieldDiagnostic,
} from '../schema/schemaMessages';
import { declaredProperties, isKnownProperty, type SchemaContext } from '../schema/schemaNavigator';
import { isPlainObject } from '../common/values';
import {
  fastYamlValue,
  parseYaml,
  YAML_LIMITS,
  valueOnlyFile,
  YamlLocator,
  type PathSegment,
  type YamlFile,
} from '../yaml/yamlDocument';

export interface ValidationOptions {
  /** How the top level is named in messages (default "the record"). */
  documentName?: string;
  /** Whether to run the record rules (a study record) or only the schema (review.yaml). */
  recordRules?: RecordExpectations;
}

/** Validates a parsed YAML document against a compiled schema: parse problems, schema errors, unknown fields, rules. */
export function validateYaml(
  file: YamlFile,
  schema: CompiledSchema,
  options: ValidationOptions = {},
): Diagnostic[] {
  const diagnostics = [...file.diagnostics];
  if (!file.usable) return finish(diagnostics);
  const locator = new YamlLocator(file);

  // An empty file is an empty mapping: it still reports its missing required fields.
  const value = file.value === undefined || file.value === null ? {} : file.value;
  if (!isPlainObject(value)) {
    diagnostics.push({
      severity: 'error',
      code: 'not-a-mapping',
      message: `The file must be a mapping of fields (\`key: value\` lines), not ${Array.isArray(value) ? 'a list' : 'a single value'}.`,
      range: locator.documentStartRange(),
    });
    return finish(diagnostics);
  }
  const crowded = crowdedCollection(value, YAML_LIMITS.maxEntries);
  if (crowded) {
    const range =
      crowded.path.length === 0 ? locator.documentStartRange() : locator.containerRange(crowded.path);
    diagnostics.push(tooManyEntries(crowded, value, range));
    return finish(diagnostics);
  }
  validateMapping(value, schema, options, locator, diagnostics);
  return finish(diagnostics);
}

/** The schema, unknown fields and record rules of a mapping that is neither empty nor crowded. */
function validateMapping(
  value: Record<string, unknown>,
  schema: CompiledSchema,
  options: ValidationOptions,
  locator: YamlLocator,
  diagnostics: Diagnostic[],
): void {
  try {
    let errors = schema.validate(value);
    if (options.recordRules && value.status === 'draft') {
      // In a draft, an empty value is a placeholder ("not extracted yet"), not a mistake.
      const empty = new Map<string, (string | number)[]>();
      for (const e of errors)
        if (e.data === null && e.keyword !== 'required')
          empty.set(e.instancePath, instancePathSegments(e.instancePath, value));
      errors = errors.filter((e) => !empty.has(e.instancePath) || e.keyword === 'required');
      for (const path of empty.values()) {
        diagnostics.push({
          severity: 'information',
          code: 'not-extracted',
          message: `\`${fieldLabel(path, value)}\` is not extracted yet.`,
          range: locator.valueRange(path),
          data: { path },
        });
      }
    }
    diagnostics.push(
      ...schemaErrorsToDiagnostics(errors, {
        value,
        locator,
        navigator: schema.navigator,
        documentName: options.documentName,
      }),
    );
    unknownFields(value, schema.navigator.expand(schema.root, value), [], schema, (key, known, path) => {
      diagnostics.push(unknownFieldDiagnostic(key, known(), path, locator));
      return true;
    });
  } catch (error) {
    if (!(error instanceof RangeError)) throw error;
    diagnostics.push({
      severity: 'error',
      code: 'schema-recursion',
      message: 'The schema recurses without end on this file; it could not be validated.',
      range: locator.documentStartRange(),
    });
  }
  if (options.recordRules) diagnostics.push(...checkRecordRules(value, options.recordRules, locator));
}

/**
 * Whether validating `value` (a record read without positions, neither crowded nor too deep) reports
 * nothing: the same steps as `validateYaml`, stopping at the first problem, without building its message.
 * A schema error counts as a problem: the positioned check that follows reports it.
 */
function isCleanRecord(value: unknown, schema: CompiledSchema, expectations: RecordExpectations): boolean {
  const record = value === undefined || value === null ? {} : value;
  if (!isPlainObject(record)) return false;
  try {
    if (schema.validate(record).length > 0) return false;
    let unknown = false;
    unknownFields(record, schema.navigator.expand(schema.root, record), [], schema, () => (unknown = true));
    if (unknown) return false;
  } catch (error) {
    if (!(error instanceof RangeError)) throw error;
    return false;
  }
  return checkRecordRules(record, expectations, VALUE_ONLY_LOCATOR).length === 0;
}

/** Ranges for a record read without positions: only ever counted, never shown. */
const VALUE_ONLY_LOCATOR = new YamlLocator(valueOnlyFile('', {}));

/**
 * Parses and validates a study record's text. Most records of a review are clean: they are read by the fast
 * parser and validated on their data alone; any problem sends the text through the full parser, so that
 * every diagnostic comes with its exact position.
 */
export function validateRecordText(
  text: string,
  schema: CompiledSchema,
  expectations: RecordExpectations = {},
): Diagnostic[] {
  return validateRecord(text, schema, expectations).diagnostics;
}

/** `validateRecordText`, also giving the record's data (undefined when it cannot be read). */
export function validateRecord(
  text: string,
  schema: CompiledSchema,
  expectations: RecordExpectations = {},
): { diagnostics: Diagnostic[]; value: unknown } {
  const fast = fastYamlValue(text);
  if (fast) {
    // A crowded record is refused without the positioned parse, the slowest step on such a text (1.6 s
    // for 200,000 items): its key is found on its line.
    const crowded = crowdedCollection(fast.value, YAML_LIMITS.maxEntries);
    if (crowded)
      return {
        diagnostics: [tooManyEntries(crowded, fast.value, keyLineRange(text, crowded.path))],
        value: undefined,
      };
    if (isCleanRecord(fast.value, schema, expectations)) return { diagnostics: [], value: fast.value };
  }
  const file = parseYaml(text);
  return {
    diagnostics: validateYaml(file, schema, { recordRules: expectations }),
    value: file.usable ? file.value : undefined,
  };
}

function finish(diagnostics: Diagnostic[]): Diagnostic[] {
  return capDiagnostics(sortDiagnostics(dedupeUnknownFields(dedupeDiagnostics(diagnostics))));
}

/** The same unknown key can be reported by ajv (`additionalProperties`) and by the walk below: keep one. */
function dedupeUnknownFields(diagnostics: Diagnostic[]): Diagnostic[] {
  const seen = new Set<string>();
  return diagnostics.filter((d) => {
    if (d.code !== 'unknown-field') return true;
    const key = `${d.range.start.line}:${d.range.start.character}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

/**
 * Calls `report` for every key that no applicable schema declares, at every level, in document order,
 * until it returns false. The path is built only for what is reported.
 */
function unknownFields(
  value: unknown,
  contexts: SchemaContext[],
  path: PathSegment[],
  schema: CompiledSchema,
  report: (key: string, known: () => string[], path: PathSegment[]) => boolean,
): boolean {
  if (contexts.length === 0) return true;
  if (Array.isArray(value)) {
    for (let index = 0; index < value.length; index++) {
      const item: unknown = value[index];
      if (typeof item !== 'object' || item === null) continue;
      path.push(index);
      const more = unknownFields(
        item,
        schema.navigator.itemSchemas(contexts, index, item),
        path,
        schema,
        report,
      );
      path.pop();
      if (!more) return false;
    }
  } else if (isPlainObject(value)) {
    for (const key of Object.keys(value)) {
      if (!isKnownProperty(contexts, key)) {
        if (!report(key, () => declaredProperties(contexts), [...path, key])) return false;
        continue;
      }
      const child = value[key];
      if (typeof child !== 'object' || child === null) continue;
      path.push(key);
      const more = unknownFields(
        child,
        schema.navigator.propertySchemas(contexts, key, child),
        path,
        schema,
        report,
      );
      path.pop();
      if (!more) return false;
    }
  }
  return true;
}

/** The first mapping or list (breadth first: the outermost) with more than `max` entries. */
function crowdedCollection(root: unknown, max: number): { path: PathSegment[]; size: number } | undefined {
  // Each entry's parent and segment are kept beside the queue, so that only the answer builds a path.
  const nodes: unknown[] = [root];
  const parents: number[] = [-1];
  const segments: PathSegment[] = [''];
  for (let next = 0; next < nodes.length; next++) {
    const node = nodes[next];
    let size = -1;
    if (Array.isArray(node)) {
      size = node.length;
      if (size <= max)
        for (let index = 0; index < size; index++) {
          const item: unknown = node[index];
          if (typeof item !== 'object' || item === null) continue;
          nodes.push(item);
          parents.push(next);
          segments.push(index);
        }
    } else if (isPlainObject(node)) {
      const keys = Object.keys(node);
      size = keys.length;
      if (size <= max)
        for (const key of keys) {
          const child = node[key];
          if (typeof child !== 'object' || child === null) continue;
          nodes.push(child);
          parents.push(next);
          segments.push(key);
        }
    }
    if (size > max) {
      const path: PathSegment[] = [];
      for (let at = next; at > 0; at = parents[at]!) path.unshift(segments[at]!);
      return { path, size };
    }
  }
  return undefined;
}

function tooManyEntries(
  crowded: { path: PathSegment[]; size: number },
  root: unknown,
  range: Range,
): Diagnostic {
  const what = crowded.path.length === 0 ? 'The record' : `\`${fieldLabel(crowded.path, root)}\``;
  return {
    severity: 'error',
    code: 'too-many-entries',
    message: `${what} has ${crowded.size.toLocaleString('en-US')} entries; a record may have at most ${YAML_LIMITS.maxEntries.toLocaleString('en-US')} in one mapping or list, so it is not checked further.`,
    range,
  };
}

/**
 * The key of `path` found line by line in block-style text (each key searched after the previous one):
 * the line the positioned parser would give for ordinary records, at a fraction of its cost. Falls back
 * to the first line.
 */
function keyLineRange(text: string, path: readonly PathSegment[]): Range {
  const lines = new LineIndex(text);
  let from = 0;
  let found: Range = lines.firstLineRange();
  for (const segment of path) {
    if (typeof segment === 'number') continue;
    const escaped = segment.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    const match = new RegExp(`^[ \\t]*(?:- )?(${escaped}|"${escaped}"|'${escaped}')[ \\t]*:`, 'm').exec(
      text.slice(from),
    );
    if (!match) break;
    const start = from + match.index + match[0].indexOf(match[1]!);
    found = lines.singleLineRange(start, start + match[1]!.length);
    from = start + match[1]!.length;
  }
  return found;
}
