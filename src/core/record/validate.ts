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
    unknownFields(value, schema.navigator.expand(schema.root, value), [], schema, locator, diagnostics);
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
  return finish(diagnostics);
}

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
    const probe = validateYaml(valueOnlyFile(text, fast.value), schema, { recordRules: expectations });
    if (probe.length === 0) return { diagnostics: probe, value: fast.value };
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

/** Reports every key that no applicable schema declares, at every level. */
function unknownFields(
  value: unknown,
  contexts: SchemaContext[],
  path: PathSegment[],
  schema: CompiledSchema,
  locator: YamlLocator,
  out: Diagnostic[],
): void {
  if (contexts.length === 0) return;
  if (Array.isArray(value)) {
    value.forEach((item, index) => {
      unknownFields(
        item,
        schema.navigator.itemSchemas(contexts, index, item),
        [...path, index],
        schema,
        locator,
        out,
      );
    });
  } else if (isPlainObject(value)) {
    for (const key of Object.keys(value)) {
      if (!isKnownProperty(contexts, key)) {
        out.push(unknownFieldDiagnostic(key, declaredProperties(contexts), [...path, key], locator));
        continue;
      }
      const child = value[key];
      unknownFields(
        child,
        schema.navigator.propertySchemas(contexts, key, child),
        [...path, key],
        schema,
        locator,
        out,
      );
    }
  }
}

/** The first mapping or list (breadth first: the outermost) with more than `max` entries. */
function crowdedCollection(root: unknown, max: number): { path: PathSegment[]; size: number } | undefined {
  const queue: [unknown, PathSegment[]][] = [[root, []]];
  for (let next = 0; next < queue.length; next++) {
    const [node, path] = queue[next]!;
    if (Array.isArray(node)) {
      if (node.length > max) return { path, size: node.length };
      node.forEach((item, index) => queue.push([item, [...path, index]]));
    } else if (isPlainObject(node)) {
      const keys = Object.keys(node);
      if (keys.length > max) return { path, size: keys.length };
      for (const key of keys) queue.push([node[key], [...path, key]]);
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
