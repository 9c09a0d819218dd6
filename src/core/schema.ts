import Ajv2020, { type ErrorObject, type ValidateFunction } from 'ajv/dist/2020';
import { parse as parseJson, printParseErrorCode, type ParseError, type ParseErrorCode } from 'jsonc-parser';
import addFormats from 'ajv-formats';
import baseSchemaJson from '../../schemas/study-record.schema.json';
import reviewSchemaJson from '../../schemas/review.schema.json';
import type { Diagnostic } from './diagnostic';
import { isSchemaObject, parsePointer, type JsonSchema, type JsonSchemaObject } from './jsonSchema';
import { resolveUri, SchemaNavigator, type SchemaContext } from './schemaNavigator';
import { YamlLocator, parseYaml, type PathSegment } from './yamlDocument';

export const BASE_SCHEMA_ID = 'https://study-extraction.dev/schemas/study-record.schema.json';
export const REVIEW_SCHEMA_ID = 'https://study-extraction.dev/schemas/review.schema.json';
/** `$id` given to a review schema that has none, so that it can be referenced and navigated. */
const DEFAULT_EXTRACTION_SCHEMA_ID = 'https://study-extraction.dev/review/extraction.schema.json';
const COMBINED_SCHEMA_ID = 'https://study-extraction.dev/review/combined.schema.json';

export const baseSchema = baseSchemaJson as JsonSchemaObject;
export const reviewFileSchema = reviewSchemaJson as JsonSchemaObject;

/** Annotation keywords that editors understand; declared so that strict mode accepts them. */
const ANNOTATION_KEYWORDS = [
  'markdownDescription',
  'enumDescriptions',
  'markdownEnumDescriptions',
  'deprecationMessage',
  'errorMessage',
  'defaultSnippets',
  'doNotSuggest',
  'suggestSortText',
];

export function createAjv(): Ajv2020 {
  const ajv = new Ajv2020({
    allErrors: true,
    verbose: true,
    strict: true,
    // Type and "required" strictness flag common, harmless schema styles; unknown keywords stay errors.
    strictTypes: false,
    strictTuples: false,
    strictRequired: false,
    allowUnionTypes: true,
    logger: false,
  });
  addFormats(ajv);
  ajv.addVocabulary(ANNOTATION_KEYWORDS);
  return ajv;
}

/** A compiled validator together with what is needed to explain its errors. */
export class CompiledSchema {
  readonly navigator: SchemaNavigator;
  readonly root: SchemaContext[];

  constructor(
    private readonly ajv: Ajv2020,
    private readonly validateFn: ValidateFunction,
    roots: { uri: string; schema: JsonSchemaObject }[],
    rootUri: string,
    /** Whether `if` conditions of schemas other than the bundled ones may be compiled (trusted schemas). */
    private readonly compileConditions = true,
  ) {
    this.navigator = new SchemaNavigator(roots, (schema, base, value) =>
      this.evaluateIf(schema, base, value),
    );
    const root = roots.find((r) => r.uri === rootUri)!;
    this.root = [{ schema: root.schema, base: rootUri }];
  }

  validate(value: unknown): ErrorObject[] {
    const valid = this.validateFn(value);
    return valid ? [] : [...(this.validateFn.errors ?? [])];
  }

  /** The same validator, navigating other schemas (without compiling their conditions). */
  withNavigation(roots: { uri: string; schema: JsonSchemaObject }[], rootUri: string): CompiledSchema {
    return new CompiledSchema(this.ajv, this.validateFn, roots, rootUri, false);
  }

  schemasAt(value: unknown, path: readonly PathSegment[]): SchemaContext[] {
    return this.navigator.schemasAt(this.root, value, path);
  }

  private readonly ifValidators = new WeakMap<object, ValidateFunction | null>();

  private evaluateIf(schema: JsonSchema, _base: string, value: unknown): boolean | undefined {
    if (typeof schema === 'boolean') return schema;
    let validator = this.ifValidators.get(schema);
    if (validator === undefined) {
      try {
        const allowed = this.compileConditions || bundledSchemaParts.has(schema);
        validator = !allowed || containsRef(schema) ? null : this.ajv.compile(schema);
      } catch {
        validator = null;
      }
      this.ifValidators.set(schema, validator);
    }
    return validator ? validator(value) : undefined;
  }
}

/** Every object of the bundled schemas: trusted, whatever the workspace. */
const bundledSchemaParts = new WeakSet<object>();
for (const root of [baseSchema, reviewFileSchema]) {
  const stack: unknown[] = [root];
  while (stack.length > 0) {
    const node = stack.pop();
    if (typeof node !== 'object' || node === null) continue;
    bundledSchemaParts.add(node);
    stack.push(...Object.values(node));
  }
}

function containsRef(schema: unknown): boolean {
  if (typeof schema !== 'object' || schema === null) return false;
  if ('$ref' in schema || '$dynamicRef' in schema) return true;
  return Object.values(schema).some(containsRef);
}

let reviewFileValidator: CompiledSchema | undefined;

/** The validator of review.yaml (bundled schema; compiled once per process). */
export function reviewFileSchemaValidator(): CompiledSchema {
  if (!reviewFileValidator) {
    const ajv = createAjv();
    const validate = ajv.compile(reviewFileSchema);
    reviewFileValidator = new CompiledSchema(
      ajv,
      validate,
      [{ uri: REVIEW_SCHEMA_ID, schema: reviewFileSchema }],
      REVIEW_SCHEMA_ID,
    );
  }
  return reviewFileValidator;
}

let baseOnlyValidator: CompiledSchema | undefined;

/** The validator of records when the review's own schema is missing or broken: the base alone. */
export function baseRecordValidator(): CompiledSchema {
  if (!baseOnlyValidator) {
    const ajv = createAjv();
    ajv.addSchema(baseSchema);
    const validate = ajv.getSchema(BASE_SCHEMA_ID)!;
    baseOnlyValidator = new CompiledSchema(
      ajv,
      validate,
      [{ uri: BASE_SCHEMA_ID, schema: baseSchema }],
      BASE_SCHEMA_ID,
    );
  }
  return baseOnlyValidator;
}

/**
 * The review's schema read as data only, for an untrusted workspace: its declared fields, titles and
 * descriptions guide unknown-field checks, completion and hover, but it is not compiled; values are
 * validated against the bundled base schema alone.
 */
export function uncompiledExtractionSchema(text: string): CompiledSchema {
  const parsed: unknown = parseJson(text, [], { allowTrailingComma: false, disallowComments: true });
  const base = baseRecordValidator();
  if (!isSchemaObject(parsed)) return base;
  const id =
    typeof parsed.$id === 'string' && parsed.$id !== BASE_SCHEMA_ID
      ? parsed.$id
      : DEFAULT_EXTRACTION_SCHEMA_ID;
  const reviewSchema: JsonSchemaObject = { ...parsed, $id: id };
  if (
    findRefCycle(
      [
        { uri: BASE_SCHEMA_ID, schema: baseSchema },
        { uri: id, schema: reviewSchema },
      ],
      id,
    )
  )
    return base;
  const combined: JsonSchemaObject = { allOf: [{ $ref: BASE_SCHEMA_ID }, { $ref: id }] };
  return base.withNavigation(
    [
      { uri: BASE_SCHEMA_ID, schema: baseSchema },
      { uri: id, schema: reviewSchema },
      { uri: COMBINED_SCHEMA_ID, schema: combined },
    ],
    COMBINED_SCHEMA_ID,
  );
}

export interface ExtractionSchemaResult {
  /** The record validator: the review's schema combined with the base, or the base alone if it is broken. */
  schema: CompiledSchema;
  /** Whether the review's own schema is in use. */
  usesReviewSchema: boolean;
  /** Problems of the schema file, positioned in it. */
  diagnostics: Diagnostic[];
}

/**
 * Compiles a review's extraction schema (JSON text). The base skeleton always applies, whether or not the
 * review's schema references it; problems become diagnostics on the schema file.
 */
export function compileExtractionSchema(text: string): ExtractionSchemaResult {
  const file = parseYaml(text);
  const locator = new YamlLocator(file);
  const fail = (diagnostics: Diagnostic[]): ExtractionSchemaResult => ({
    schema: baseRecordValidator(),
    usesReviewSchema: false,
    diagnostics,
  });
  const error = (code: string, message: string, range = locator.documentStartRange()): Diagnostic => ({
    severity: 'error',
    code,
    message,
    range,
  });

  const syntaxErrors: ParseError[] = [];
  const parsed: unknown = parseJson(text, syntaxErrors, {
    allowTrailingComma: false,
    disallowComments: true,
  });
  if (syntaxErrors.length > 0) {
    const first = syntaxErrors[0]!;
    return fail([
      error(
        'schema-invalid-json',
        `The extraction schema is not valid JSON: ${jsonErrorText(first.error)}. Records are checked against the base schema only.`,
        file.lines.singleLineRange(first.offset, first.offset + Math.max(1, first.length)),
      ),
    ]);
  }
  if (!isSchemaObject(parsed)) {
    return fail([
      error(
        'schema-invalid',
        'The extraction schema must be a JSON object. Records are checked against the base schema only.',
      ),
    ]);
  }

  const id = typeof parsed.$id === 'string' ? parsed.$id : DEFAULT_EXTRACTION_SCHEMA_ID;
  const reviewSchema: JsonSchemaObject = typeof parsed.$id === 'string' ? parsed : { ...parsed, $id: id };
  if (id === BASE_SCHEMA_ID) {
    return fail([
      error(
        'schema-invalid',
        "The extraction schema must have its own `$id`, not the base schema's.",
        locator.valueRange(['$id']),
      ),
    ]);
  }

  const cycle = findRefCycle(
    [
      { uri: BASE_SCHEMA_ID, schema: baseSchema },
      { uri: id, schema: reviewSchema },
    ],
    id,
  );
  if (cycle) {
    return fail([
      error(
        'schema-ref-cycle',
        `\`$ref\` cycle: ${cycle.refs.join(' → ')} refers back to itself without describing any field. Records are checked against the base schema only.`,
        locator.valueRange(cycle.path),
      ),
    ]);
  }

  const ajv = createAjv();
  // Extension keywords (`x-…`) are annotations by convention; declare the ones this schema uses.
  for (const keyword of extensionKeywords(reviewSchema)) ajv.addKeyword(keyword);
  ajv.addSchema(baseSchema);
  if (!ajv.validateSchema(reviewSchema)) {
    // A failed `anyOf` in the meta-schema yields several errors at one place: report one per place.
    const byPlace = new Map<string, ErrorObject[]>();
    for (const e of ajv.errors ?? [])
      byPlace.set(e.instancePath, [...(byPlace.get(e.instancePath) ?? []), e]);
    const diagnostics = [...byPlace.entries()].map(([instancePath, errors]) => {
      const allowed = errors.find((e) => e.keyword === 'enum');
      const detail = allowed
        ? `must be one of: ${(allowed.params as { allowedValues: unknown[] }).allowedValues.join(', ')}${errors.some((e) => e.keyword === 'anyOf') ? ' (or a list of them)' : ''}`
        : errors[0]!.message;
      return error(
        'schema-invalid',
        `Invalid schema at \`${instancePath || '/'}\`: ${detail}.`,
        locator.valueRange(parsePointer(instancePath)),
      );
    });
    return fail(dedupeByMessage(diagnostics));
  }

  let validate: ValidateFunction;
  try {
    ajv.addSchema(reviewSchema);
    const combinedId = COMBINED_SCHEMA_ID;
    validate = ajv.compile({ $id: combinedId, allOf: [{ $ref: BASE_SCHEMA_ID }, { $ref: id }] });
  } catch (e) {
    const message = e instanceof Error ? e.message : String(e);
    const missingRef = (e as { missingRef?: string }).missingRef;
    if (missingRef) {
      const path = findRefPath(reviewSchema, id, missingRef) ?? [];
      return fail([
        error(
          'schema-ref-unresolved',
          `\`$ref\` does not resolve: ${missingRef}. Only the bundled base schema (${BASE_SCHEMA_ID}) and references inside this file are available; nothing is fetched. Records are checked against the base schema only.`,
          locator.valueRange(path),
        ),
      ]);
    }
    const keyword = /unknown keyword: "([^"]+)"/.exec(message)?.[1];
    const path = keyword ? findKeyPath(reviewSchema, keyword) : undefined;
    return fail([
      error(
        'schema-invalid',
        `The extraction schema cannot be compiled: ${message}. Records are checked against the base schema only.`,
        path ? locator.keyRange(path) : locator.documentStartRange(),
      ),
    ]);
  }

  return {
    schema: new CompiledSchema(
      ajv,
      validate,
      [
        { uri: BASE_SCHEMA_ID, schema: baseSchema },
        { uri: id, schema: reviewSchema },
        {
          uri: COMBINED_SCHEMA_ID,
          schema: { allOf: [{ $ref: BASE_SCHEMA_ID }, { $ref: id }] },
        },
      ],
      COMBINED_SCHEMA_ID,
    ),
    usesReviewSchema: true,
    diagnostics: [],
  };
}

function extensionKeywords(schema: unknown): Set<string> {
  const found = new Set<string>();
  const stack = [schema];
  while (stack.length > 0) {
    const node = stack.pop();
    if (typeof node !== 'object' || node === null) continue;
    if (!Array.isArray(node)) for (const key of Object.keys(node)) if (key.startsWith('x-')) found.add(key);
    stack.push(...Object.values(node));
  }
  return found;
}

function jsonErrorText(code: ParseErrorCode): string {
  const text: Record<string, string> = {
    InvalidSymbol: 'unexpected character',
    InvalidNumberFormat: 'invalid number',
    PropertyNameExpected: 'a property name in double quotes is expected',
    ValueExpected: 'a value is expected',
    ColonExpected: 'a colon is expected',
    CommaExpected: 'a comma is expected',
    CloseBraceExpected: 'a closing brace is expected',
    CloseBracketExpected: 'a closing bracket is expected',
    EndOfFileExpected: 'nothing may follow the top-level value',
    InvalidCommentToken: 'comments are not allowed in JSON',
    UnexpectedEndOfComment: 'unexpected end of comment',
    UnexpectedEndOfString: 'unterminated string',
    UnexpectedEndOfNumber: 'unexpected end of number',
    InvalidUnicode: 'invalid unicode escape',
    InvalidEscapeCharacter: 'invalid escape character',
    InvalidCharacter: 'invalid character in a string',
  };
  return text[printParseErrorCode(code)] ?? printParseErrorCode(code);
}

function dedupeByMessage(diagnostics: Diagnostic[]): Diagnostic[] {
  const seen = new Set<string>();
  return diagnostics.filter((d) => !seen.has(d.message) && seen.add(d.message));
}

/** Path (keys) to the first `$ref` in `schema` whose resolved target is `missingRef`. */
function findRefPath(schema: unknown, base: string, missingRef: string): PathSegment[] | undefined {
  const stack: [unknown, PathSegment[], string][] = [[schema, [], base]];
  while (stack.length > 0) {
    const [node, path, nodeBase] = stack.pop()!;
    if (typeof node !== 'object' || node === null) continue;
    let currentBase = nodeBase;
    if (!Array.isArray(node)) {
      const record = node as Record<string, unknown>;
      if (typeof record.$id === 'string' && path.length > 0) currentBase = resolveUri(record.$id, nodeBase);
      if (typeof record.$ref === 'string') {
        const resolved = resolveUri(record.$ref, currentBase);
        if (
          resolved === missingRef ||
          resolved.split('#')[0] === missingRef.split('#')[0] ||
          record.$ref === missingRef
        ) {
          return [...path, '$ref'];
        }
      }
    }
    const entries = Array.isArray(node) ? node.map((v, i) => [i, v] as const) : Object.entries(node);
    for (const [key, child] of [...entries].reverse()) stack.push([child, [...path, key], currentBase]);
  }
  return undefined;
}

/** Path to the first property named `key` anywhere in `schema`. */
function findKeyPath(schema: unknown, key: string): PathSegment[] | undefined {
  const stack: [unknown, PathSegment[]][] = [[schema, []]];
  while (stack.length > 0) {
    const [node, path] = stack.pop()!;
    if (typeof node !== 'object' || node === null) continue;
    if (!Array.isArray(node) && Object.prototype.hasOwnProperty.call(node, key)) return [...path, key];
    const entries = Array.isArray(node) ? node.map((v, i) => [i, v] as const) : Object.entries(node);
    for (const [k, child] of [...entries].reverse()) stack.push([child, [...path, k]]);
  }
  return undefined;
}

/**
 * Finds a `$ref` chain that comes back to where it started without descending into the instance
 * (`{"$ref": "#"}`, or two definitions referring to each other): ajv would overflow the stack on it.
 */
export function findRefCycle(
  roots: { uri: string; schema: JsonSchemaObject }[],
  inUri: string,
): { path: PathSegment[]; refs: string[] } | undefined {
  const navigator = new SchemaNavigator(roots);
  const root = roots.find((r) => r.uri === inUri);
  if (!root) return undefined;

  // Every subschema of the file, with its path, so that a cycle can be reported where it is written.
  const located: { schema: JsonSchemaObject; path: PathSegment[]; base: string }[] = [];
  const collect = (node: unknown, path: PathSegment[], base: string) => {
    if (typeof node !== 'object' || node === null) return;
    if (!Array.isArray(node)) located.push({ schema: node as JsonSchemaObject, path, base });
    const entries = Array.isArray(node) ? node.map((v, i) => [i, v] as const) : Object.entries(node);
    for (const [key, child] of entries)
      if (key !== 'enum' && key !== 'const') collect(child, [...path, key], base);
  };
  collect(root.schema, [], inUri);

  type Edge = { target: JsonSchemaObject; base: string; ref?: string };
  const sameInstanceEdges = (schema: JsonSchemaObject, base: string): Edge[] => {
    const edges: Edge[] = [];
    if (typeof schema.$ref === 'string') {
      const target = navigator.resolveRef(schema.$ref, base);
      if (target) edges.push({ target: target.schema, base: target.base, ref: schema.$ref });
    }
    for (const keyword of ['allOf', 'anyOf', 'oneOf'] as const) {
      const branches = schema[keyword];
      if (Array.isArray(branches))
        for (const b of branches) if (isSchemaObject(b)) edges.push({ target: b, base });
    }
    for (const keyword of ['not', 'if', 'then', 'else'] as const) {
      const sub = schema[keyword];
      if (isSchemaObject(sub)) edges.push({ target: sub, base });
    }
    return edges;
  };

  const state = new Map<JsonSchemaObject, 'active' | 'done'>();
  for (const start of located) {
    if (state.has(start.schema)) continue;
    const stack: { schema: JsonSchemaObject; edges: Edge[]; next: number; ref?: string }[] = [];
    const enter = (schema: JsonSchemaObject, base: string, ref?: string) => {
      state.set(schema, 'active');
      stack.push({ schema, edges: sameInstanceEdges(schema, base), next: 0, ref });
    };
    enter(start.schema, start.base);
    while (stack.length > 0) {
      const frame = stack[stack.length - 1]!;
      if (frame.next >= frame.edges.length) {
        state.set(frame.schema, 'done');
        stack.pop();
        continue;
      }
      const edge = frame.edges[frame.next++]!;
      const targetState = state.get(edge.target);
      if (targetState === 'active') {
        const cycle = stack.slice(stack.findIndex((f) => f.schema === edge.target));
        const refs = [...cycle.slice(1).map((f) => f.ref), edge.ref].filter(
          (r): r is string => r !== undefined,
        );
        const firstRefFrame = cycle.find((f) => typeof f.schema.$ref === 'string') ?? frame;
        const where = located.find((l) => l.schema === firstRefFrame.schema);
        return { path: where ? [...where.path, '$ref'] : [], refs };
      }
      if (targetState === undefined) enter(edge.target, edge.base, edge.ref);
    }
  }
  return undefined;
}
