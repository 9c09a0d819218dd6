import type { ErrorObject } from 'ajv';
import type { Diagnostic } from '../common/diagnostic';
import { isSchemaObject, parsePointer, type JsonSchema } from './jsonSchema';
import type { SchemaNavigator } from './schemaNavigator';
import { closestMatch } from './suggest';
import type { PathSegment, YamlLocator } from '../yaml/yamlDocument';

/** Turns a document path into the label a reviewer reads: `n`, `authors[2]`, `arms[online]`. */
export function fieldLabel(path: readonly PathSegment[], root: unknown): string {
  if (path.length === 0) return 'the record';
  const last = path[path.length - 1]!;
  if (typeof last === 'string') return last;
  const parentPath = path.slice(0, -1);
  const parentName = parentPath.length > 0 ? String(parentPath[parentPath.length - 1]) : 'item';
  const item = valueAt(root, path);
  const id = typeof item === 'object' && item !== null && 'id' in item ? item.id : undefined;
  return typeof id === 'string' || typeof id === 'number' ? `${parentName}[${id}]` : `${parentName}[${last}]`;
}

function valueAt(root: unknown, path: readonly PathSegment[]): unknown {
  let node = root;
  for (const segment of path) {
    if (Array.isArray(node)) node = node[Number(segment)];
    else if (typeof node === 'object' && node !== null)
      node = (node as Record<string, unknown>)[String(segment)];
    else return undefined;
  }
  return node;
}

/** Converts an ajv instance path into keys and numeric indexes (indexes only where the data is an array). */
export function instancePathSegments(instancePath: string, root: unknown): PathSegment[] {
  const segments: PathSegment[] = [];
  let node = root;
  for (const raw of parsePointer(instancePath)) {
    if (Array.isArray(node)) {
      const index = Number(raw);
      segments.push(index);
      node = node[index];
    } else {
      segments.push(raw);
      node = typeof node === 'object' && node !== null ? (node as Record<string, unknown>)[raw] : undefined;
    }
  }
  return segments;
}

export function describeValue(value: unknown): string {
  if (value === null || value === undefined) return 'nothing';
  if (typeof value === 'string') return JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value);
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return 'a mapping';
  return String(value);
}

function formatNumber(n: number): string {
  return String(n);
}

const TYPE_NAMES: Record<string, string> = {
  integer: 'a whole number',
  number: 'a number',
  string: 'text',
  boolean: 'true or false',
  object: 'a mapping of fields',
  array: 'a list',
  null: 'empty',
};

/** A phrase for what a schema accepts: "a whole number ≥ 1", "one of: a, b", "NR". */
export function describeSchema(schema: JsonSchema, navigator?: SchemaNavigator, base = ''): string {
  if (schema === true) return 'anything';
  if (schema === false) return 'nothing';
  if (typeof schema.$ref === 'string' && navigator) {
    const target = navigator.resolveRef(schema.$ref, base);
    if (
      target &&
      Object.keys(schema).every((k) => ['$ref', 'title', 'description', 'markdownDescription'].includes(k))
    ) {
      return describeSchema(target.schema, navigator, target.base);
    }
  }
  if (schema.const !== undefined)
    return typeof schema.const === 'string' ? schema.const : JSON.stringify(schema.const);
  if (Array.isArray(schema.enum)) return `one of: ${listValues(schema.enum)}`;
  const alternatives = schema.anyOf ?? schema.oneOf;
  if (Array.isArray(alternatives))
    return joinAlternatives(alternatives.map((a) => describeSchema(a, navigator, base)));
  const types = Array.isArray(schema.type) ? schema.type : schema.type ? [schema.type] : [];
  let phrase = types.length > 0 ? joinAlternatives(types.map((t) => TYPE_NAMES[t] ?? t)) : 'a value';
  const numeric = types.some((t) => t === 'number' || t === 'integer');
  if (numeric) {
    const low =
      schema.exclusiveMinimum !== undefined
        ? `> ${formatNumber(schema.exclusiveMinimum)}`
        : schema.minimum !== undefined
          ? `≥ ${formatNumber(schema.minimum)}`
          : '';
    const high =
      schema.exclusiveMaximum !== undefined
        ? `< ${formatNumber(schema.exclusiveMaximum)}`
        : schema.maximum !== undefined
          ? `≤ ${formatNumber(schema.maximum)}`
          : '';
    if (schema.minimum !== undefined && schema.maximum !== undefined)
      phrase += ` from ${formatNumber(schema.minimum)} to ${formatNumber(schema.maximum)}`;
    else
      phrase += [low, high]
        .filter(Boolean)
        .map((b) => ` ${b}`)
        .join(' and');
  }
  if (types.length === 1 && types[0] === 'string' && schema.minLength === 1) phrase = 'non-empty text';
  return phrase;
}

function joinAlternatives(phrases: string[]): string {
  const unique = [...new Set(phrases)];
  if (unique.length <= 1) return unique[0] ?? 'a value';
  return `${unique.slice(0, -1).join(', ')} or ${unique[unique.length - 1]}`;
}

function listValues(values: unknown[], max = 12): string {
  const shown = values.slice(0, max).map((v) => (typeof v === 'string' ? v : JSON.stringify(v)));
  return values.length > max ? `${shown.join(', ')}, … (${values.length} in all)` : shown.join(', ');
}

export interface SchemaErrorContext {
  /** How the top level is named in messages ("the record", "review.yaml"). */
  documentName?: string;
  value: unknown;
  locator: YamlLocator;
  navigator: SchemaNavigator;
}

/**
 * Maps ajv's errors to diagnostics at the right YAML node, one clear message per problem: the branches of
 * a failed `anyOf`/`oneOf` become one message; missing fields of one object become one diagnostic.
 */
export function schemaErrorsToDiagnostics(errors: ErrorObject[], context: SchemaErrorContext): Diagnostic[] {
  const alternatives = errors.filter((e) => e.keyword === 'anyOf' || e.keyword === 'oneOf');
  const insideAlternative = (e: ErrorObject) =>
    alternatives.some(
      (a) =>
        a !== e && e.schemaPath.startsWith(`${a.schemaPath}/`) && e.instancePath.startsWith(a.instancePath),
    );
  // oneOf also fails when several branches pass; that is its own message and keeps its place.
  const kept = errors.filter((e) => !insideAlternative(e) && e.keyword !== 'if');

  const diagnostics: Diagnostic[] = [];
  const missingByObject = new Map<string, string[]>();
  for (const error of kept) {
    if (error.keyword === 'required') {
      const list = missingByObject.get(error.instancePath) ?? [];
      const name = (error.params as { missingProperty: string }).missingProperty;
      if (!list.includes(name)) list.push(name);
      missingByObject.set(error.instancePath, list);
      continue;
    }
    const diagnostic = errorToDiagnostic(error, context);
    if (diagnostic) diagnostics.push(diagnostic);
  }
  for (const [instancePath, missing] of missingByObject) {
    const path = instancePathSegments(instancePath, context.value);
    const where =
      path.length === 0 ? (context.documentName ?? 'the record') : `\`${fieldLabel(path, context.value)}\``;
    const names = missing.map((m) => `\`${m}\``).join(', ');
    diagnostics.push({
      severity: 'error',
      code: 'required',
      message:
        missing.length === 1
          ? `Missing required field ${names} in ${where}.`
          : `Missing required fields ${names} in ${where}.`,
      range: context.locator.containerRange(path),
      data: { missing, path },
    });
  }
  return diagnostics;
}

function errorToDiagnostic(error: ErrorObject, context: SchemaErrorContext): Diagnostic | undefined {
  const { value, locator, navigator } = context;
  const path = instancePathSegments(error.instancePath, value);
  const label = `\`${fieldLabel(path, value)}\``;
  const data = error.data;
  const got = describeValue(data);
  const schema = (error.parentSchema ?? {}) as JsonSchema;
  const make = (code: string, message: string, extra?: Diagnostic['data']): Diagnostic => ({
    severity: 'error',
    code,
    message,
    range: locator.valueRange(path),
    data: { path, ...extra },
  });
  const empty = data === null || data === undefined;

  switch (error.keyword) {
    case 'additionalProperties':
    case 'unevaluatedProperties': {
      const key =
        (error.params as { additionalProperty?: string; unevaluatedProperty?: string }).additionalProperty ??
        (error.params as { unevaluatedProperty?: string }).unevaluatedProperty ??
        '';
      const declared = isSchemaObject(schema) ? Object.keys(schema.properties ?? {}) : [];
      return unknownFieldDiagnostic(key, declared, [...path, key], locator);
    }
    case 'anyOf':
    case 'oneOf': {
      if (error.keyword === 'oneOf' && (error.params as { passingSchemas?: unknown }).passingSchemas) {
        return make(
          'one-of',
          `${label} matches more than one of the allowed forms; it must match exactly one.`,
        );
      }
      const expected = describeSchema({ anyOf: error.schema as JsonSchema[] }, navigator);
      return make(
        'type',
        empty ? `${label} is empty: enter ${expected}.` : `${label} must be ${expected}, got ${got}.`,
      );
    }
    case 'enum': {
      const allowed = error.schema as unknown[];
      const strings = allowed.filter((a): a is string => typeof a === 'string');
      const suggestion = typeof data === 'string' ? closestMatch(data, strings) : undefined;
      const message = empty
        ? `${label} is empty: choose one of: ${listValues(allowed)}.`
        : `${label} must be one of: ${listValues(allowed)}; got ${got}.${suggestion ? ` Did you mean \`${suggestion}\`?` : ''}`;
      return make('enum', message, suggestion ? { replacement: suggestion } : undefined);
    }
    case 'const':
      return make('const', `${label} must be ${describeValue(error.schema)}, got ${got}.`);
    case 'type':
    case 'minimum':
    case 'maximum':
    case 'exclusiveMinimum':
    case 'exclusiveMaximum': {
      const expected = describeSchema(schema, navigator);
      const code = error.keyword === 'type' ? 'type' : 'range';
      return make(
        code,
        empty ? `${label} is empty: enter ${expected}.` : `${label} must be ${expected}, got ${got}.`,
      );
    }
    case 'multipleOf':
      return make('range', `${label} must be a multiple of ${String(error.schema)}, got ${got}.`);
    case 'pattern': {
      const description =
        isSchemaObject(schema) && typeof schema.description === 'string'
          ? ` ${firstSentence(schema.description)}`
          : '';
      return make(
        'pattern',
        `${label} is not in the expected form (pattern ${String(error.schema)}), got ${got}.${description}`,
      );
    }
    case 'format':
      return make('format', `${label} must be a valid ${String(error.schema)}, got ${got}.`);
    case 'minLength':
      return make(
        'length',
        Number(error.schema) === 1
          ? `${label} must not be empty.`
          : `${label} must have at least ${String(error.schema)} characters.`,
      );
    case 'maxLength':
      return make('length', `${label} must have at most ${String(error.schema)} characters.`);
    case 'minItems':
      return make(
        'items',
        `${label} must list at least ${String(error.schema)} item${Number(error.schema) === 1 ? '' : 's'}.`,
      );
    case 'maxItems':
      return make(
        'items',
        `${label} must list at most ${String(error.schema)} item${Number(error.schema) === 1 ? '' : 's'}.`,
      );
    case 'uniqueItems': {
      const { i, j } = error.params as { i: number; j: number };
      return make('unique', `${label} lists the same value twice (items ${j + 1} and ${i + 1}).`);
    }
    case 'false schema':
      return { ...make('unknown-field', `${label} is not allowed here.`), range: locator.keyRange(path) };
    default:
      return make('schema', `${label} ${error.message ?? 'is invalid'}.`);
  }
}

/** The first sentence of a description: up to a full stop followed by a capital (not `e.g.` or `doi.org`). */
export function firstSentence(text: string): string {
  const match = /^[\s\S]*?[.!?](?=\s+[A-Z(]|\s*$)/.exec(text);
  return (match ? match[0] : text).replace(/\s+/g, ' ').replace(/`/g, '').trim();
}

/** "unknown field `armss` — did you mean `arms`?" at the offending key. */
export function unknownFieldDiagnostic(
  key: string,
  declared: readonly string[],
  path: readonly PathSegment[],
  locator: YamlLocator,
): Diagnostic {
  const suggestion = closestMatch(key, declared);
  const hint = suggestion
    ? ` — did you mean \`${suggestion}\`?`
    : declared.length > 0
      ? ` (known fields here: ${declared.slice(0, 12).join(', ')}${declared.length > 12 ? ', …' : ''})`
      : '';
  return {
    severity: 'error',
    code: 'unknown-field',
    message: `Unknown field \`${key}\`${hint}`,
    range: locator.keyRange(path),
    data: { path: [...path], ...(suggestion ? { replacement: suggestion } : {}) },
  };
}
