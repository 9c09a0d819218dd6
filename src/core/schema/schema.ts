import Ajv2020, { type ErrorObject, type ValidateFunction } from 'ajv/dist/2020';
import standaloneCode from 'ajv/dist/standalone';
import equal from 'ajv/dist/runtime/equal';
import ucs2length from 'ajv/dist/runtime/ucs2length';
import uri from 'ajv/dist/runtime/uri';
import ValidationError from 'ajv/dist/runtime/validation_error';
import { fullFormats } from 'ajv-formats/dist/formats';
import { parse as parseJson, printParseErrorCode, type ParseError, type ParseErrorCode } from 'jsonc-parser';
import addFormats from 'ajv-formats';
import baseSchemaJson from '../../../schemas/study-record.schema.json';
import reviewSchemaJson from '../../../schemas/review.schema.json';
import type { Diagnostic } from '../common/diagnostic';
import {
  compileSchemaPattern,
  isPatternProblem,
  isSchemaObject,
  jsonNestingOverflow,
  linearRegExpEngine,
  parsePointer,
  pointerOf,
  subschemaEntries,
  type JsonSchema,
  type JsonSchemaObject,
} from './jsonSchema';
import { resolveUri, SchemaNavigator, type SchemaContext } from './schemaNavigator';
import { LineIndex } from '../yaml/lineIndex';
import { YAML_LIMITS, YamlLocator, parseYaml, type PathSegment } from '../yaml/yamlDocument';

export const BASE_SCHEMA_ID = 'https://study-extraction.dev/schemas/study-record.schema.json';
const REVIEW_SCHEMA_ID = 'https://study-extraction.dev/schemas/review.schema.json';
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

/**
 * An ajv instance with the tool's options. `validateSchema: false` for the bundled schemas only: they are
 * valid (tests check them), and checking them would compile the meta-schema, a third of a small review's
 * check.
 */
export function createAjv(options: { validateSchema?: boolean; keepSource?: boolean } = {}): Ajv2020 {
  const ajv = new Ajv2020({
    validateSchema: options.validateSchema ?? true,
    allErrors: true,
    verbose: true,
    strict: true,
    // Type and "required" strictness flag common, harmless schema styles; unknown keywords stay errors.
    strictTypes: false,
    strictTuples: false,
    strictRequired: false,
    allowUnionTypes: true,
    logger: false,
    // `pattern` and `patternProperties` run on a linear-time engine: a schema cannot make matching hang.
    code: { regExp: linearRegExpEngine, source: options.keepSource ?? false },
  });
  addFormats(ajv);
  ajv.addVocabulary(ANNOTATION_KEYWORDS);
  return ajv;
}

/** An ajv instance and the validator it compiled. */
export interface CompiledValidator {
  ajv: Ajv2020;
  validate: ValidateFunction;
}

/**
 * A compiled validator together with what is needed to explain its errors. The validator may be compiled
 * on first use: the base schema, the fallback of every review, is compiled only when a review needs it.
 */
export class CompiledSchema {
  readonly navigator: SchemaNavigator;
  readonly root: SchemaContext[];
  private compiled: CompiledValidator | undefined;

  constructor(
    validator: CompiledValidator | (() => CompiledValidator),
    roots: { uri: string; schema: JsonSchemaObject }[],
    rootUri: string,
    /** Whether `if` conditions of schemas other than the bundled ones may be compiled (trusted schemas). */
    private readonly compileConditions = true,
  ) {
    if (typeof validator === 'function') this.compile = validator;
    else this.compiled = validator;
    this.navigator = new SchemaNavigator(roots, (schema, base, value) =>
      this.evaluateIf(schema, base, value),
    );
    const root = roots.find((r) => r.uri === rootUri)!;
    this.root = [{ schema: root.schema, base: rootUri }];
  }

  private compile: () => CompiledValidator = () => this.compiled!;

  /**
   * The validator as JavaScript source (ajv's standalone code), when it was compiled keeping its source:
   * another thread can load it instead of compiling the schema again (see `usePrecompiledSchema`).
   */
  validatorCode(): string | undefined {
    const { ajv, validate } = this.parts;
    if (!ajv.opts.code.source) return undefined;
    try {
      return standaloneCode(ajv, validate);
    } catch {
      return undefined;
    }
  }

  private get parts(): CompiledValidator {
    return (this.compiled ??= this.compile());
  }

  validate(value: unknown): ErrorObject[] {
    const validateFn = this.parts.validate;
    const valid = validateFn(value);
    return valid ? [] : [...(validateFn.errors ?? [])];
  }

  /** The same validator, navigating other schemas (without compiling their conditions). */
  withNavigation(roots: { uri: string; schema: JsonSchemaObject }[], rootUri: string): CompiledSchema {
    return new CompiledSchema(() => this.parts, roots, rootUri, false);
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
        validator = !allowed || containsRef(schema) ? null : this.parts.ajv.compile(schema);
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
  const stack = [schema];
  while (stack.length > 0) {
    const node = stack.pop();
    if (typeof node !== 'object' || node === null) continue;
    if ('$ref' in node || '$dynamicRef' in node) return true;
    stack.push(...Object.values(node));
  }
  return false;
}

let reviewFileValidator: CompiledSchema | undefined;

/** The validator of review.yaml (bundled schema; compiled once per process, on first use). */
export function reviewFileSchemaValidator(): CompiledSchema {
  reviewFileValidator ??= new CompiledSchema(
    () => {
      const ajv = createAjv({ validateSchema: false });
      return { ajv, validate: ajv.compile(reviewFileSchema) };
    },
    [{ uri: REVIEW_SCHEMA_ID, schema: reviewFileSchema }],
    REVIEW_SCHEMA_ID,
  );
  return reviewFileValidator;
}

let baseOnlyValidator: CompiledSchema | undefined;

/**
 * The validator of records when the review's own schema is missing or broken: the base alone. Every review
 * starts from it, and most replace it by their own: it is compiled only when it validates something.
 */
export function baseRecordValidator(): CompiledSchema {
  baseOnlyValidator ??= new CompiledSchema(
    () => {
      const ajv = createAjv({ validateSchema: false });
      ajv.addSchema(baseSchema);
      return { ajv, validate: ajv.getSchema(BASE_SCHEMA_ID)! };
    },
    [{ uri: BASE_SCHEMA_ID, schema: baseSchema }],
    BASE_SCHEMA_ID,
  );
  return baseOnlyValidator;
}

/**
 * Bounds on a review's extraction schema. A schema is input like any other file, and JSON parsing, ajv's
 * compiler and the navigator recurse or expand over it: these are checked first, by loops that do not
 * recurse, whether the schema is then compiled (trusted) or only navigated (untrusted). A real form stays
 * far below each: the example review's schema is 9 KB and 10 levels deep, its largest `enum` has 8
 * values, and together with the base it expands to fewer than 300 subschemas.
 */
export const SCHEMA_LIMITS = {
  /** Characters of text, as for records (1 MB). */
  maxLength: YAML_LIMITS.maxLength,
  /** Nesting of JSON objects and arrays, as for records (64). */
  maxDepth: YAML_LIMITS.maxDepth,
  /** Levels of subschemas with every `$ref` followed: ajv compiles a chain of references recursively. */
  maxRefDepth: 64,
  /** Values of one `enum`: messages and suggestions compare a wrong value with each of them. */
  maxEnumValues: 2000,
  /**
   * Subschemas with every `$ref` expanded in place, which bounds the work of validating one value: `anyOf`
   * branches that each refer to the next level twice double it with every level. A reference back into
   * its own chain counts once (it recurses only as deep as the data).
   */
  maxExpandedSubschemas: 20_000,
};

/** The only `$schema` the tool compiles with; ajv's 2020-12 dialect. */
const SUPPORTED_DIALECT = 'https://json-schema.org/draft/2020-12/schema';

function schemaError(code: string, message: string, range: Diagnostic['range']): Diagnostic {
  return { severity: 'error', code, message, range };
}

const ORIGIN = { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } };

/**
 * Size and nesting of the text, before anything parses it: JSON and YAML parsers recurse, and the YAML
 * parser's recursion over a hostile nesting can bring the whole process down, beyond any `catch`. The
 * scan counts brackets at least as deep as either parser would nest them.
 */
function checkSchemaText(text: string, lines: LineIndex): Diagnostic[] {
  if (text.length > SCHEMA_LIMITS.maxLength)
    return [
      schemaError(
        'schema-too-large',
        `The extraction schema is too large to use (${Math.round(text.length / 1024)} KB; the limit is ${SCHEMA_LIMITS.maxLength / 1024} KB). Records are checked against the base schema only.`,
        ORIGIN,
      ),
    ];
  const tooDeep = jsonNestingOverflow(text, SCHEMA_LIMITS.maxDepth);
  if (tooDeep !== undefined)
    return [
      schemaError(
        'schema-too-deep',
        `The extraction schema nests objects and arrays more than ${SCHEMA_LIMITS.maxDepth} levels deep. Records are checked against the base schema only.`,
        lines.singleLineRange(tooDeep, tooDeep + 1),
      ),
    ];
  return [];
}

/** What a `$schema` value names, for a message: `draft-07`, `draft 2019-09`, or the value itself. */
function dialectName(value: string): string {
  const draft = /draft-0?(\d+)\/schema/.exec(value) ?? /draft\/(\d{4}-\d{2})\/schema/.exec(value);
  if (draft) return /^\d+$/.test(draft[1]!) ? `draft-${draft[1]!.padStart(2, '0')}` : `draft ${draft[1]}`;
  return `\`${value.length > 80 ? `${value.slice(0, 80)}…` : value}\``;
}

/**
 * Problems of single keywords, found in one walk over every subschema: a `$schema` other than 2020-12, an
 * `enum` over the limit, and (when the schema is to be compiled) patterns that are not valid ECMAScript or
 * that the linear-time engine cannot run.
 */
function checkSchemaKeywords(
  schema: JsonSchemaObject,
  locator: YamlLocator,
  { patterns }: { patterns: boolean },
): Diagnostic[] {
  const diagnostics: Diagnostic[] = [];
  const baseOnly = 'Records are checked against the base schema only.';
  const stack: { node: JsonSchemaObject; path: PathSegment[] }[] = [{ node: schema, path: [] }];
  while (stack.length > 0) {
    const { node, path } = stack.pop()!;
    const where = path.length === 0 ? '' : ` at \`${pointerOf(path)}\``;
    if ('$schema' in node && node.$schema !== SUPPORTED_DIALECT && node.$schema !== `${SUPPORTED_DIALECT}#`) {
      const uses =
        typeof node.$schema === 'string'
          ? `uses ${dialectName(node.$schema)}`
          : 'has a `$schema` that is not a string';
      diagnostics.push(
        schemaError(
          'schema-draft-unsupported',
          `The extraction schema${where} ${uses}; only JSON Schema 2020-12 is supported. ${baseOnly}`,
          locator.valueRange([...path, '$schema']),
        ),
      );
    }
    if (Array.isArray(node.enum) && node.enum.length > SCHEMA_LIMITS.maxEnumValues)
      diagnostics.push(
        schemaError(
          'schema-too-large',
          `This \`enum\` lists ${node.enum.length.toLocaleString('en-US')} values; at most ${SCHEMA_LIMITS.maxEnumValues.toLocaleString('en-US')} are supported. ${baseOnly}`,
          locator.valueRange([...path, 'enum']),
        ),
      );
    if (patterns) {
      const check = (pattern: string, keyword: string, at: PathSegment[], range: Diagnostic['range']) => {
        const compiled = compileSchemaPattern(pattern);
        if (!isPatternProblem(compiled)) return;
        diagnostics.push(
          compiled.kind === 'invalid'
            ? schemaError(
                'schema-invalid',
                `Invalid ${keyword} at \`${pointerOf(at)}\`: not a regular expression (${compiled.message}). ${baseOnly}`,
                range,
              )
            : schemaError(
                'schema-pattern-unsupported',
                `The ${keyword} at \`${pointerOf(at)}\` cannot be matched in linear time: ${compiled.message}. ${baseOnly}`,
                range,
              ),
        );
      };
      if (typeof node.pattern === 'string')
        check(node.pattern, '`pattern`', [...path, 'pattern'], locator.valueRange([...path, 'pattern']));
      if (isSchemaObject(node.patternProperties))
        for (const key of Object.keys(node.patternProperties)) {
          const at = [...path, 'patternProperties', key];
          check(key, '`patternProperties` key', at, locator.keyRange(at));
        }
    }
    for (const entry of subschemaEntries(node, { definitions: true }).reverse())
      stack.push({ node: entry.schema, path: [...path, ...entry.path] });
  }
  return diagnostics;
}

/**
 * How far the schema expands when every `$ref` is followed: its subschemas counted with each reference
 * expanded in place, and how deep they nest. One depth-first walk over the reference graph, with each
 * subschema measured once (memoised), so that the walk itself stays linear in the size of the schema.
 */
function checkSchemaExpansion(
  reviewSchema: JsonSchemaObject,
  id: string,
  locator: YamlLocator,
): Diagnostic | undefined {
  const navigator = new SchemaNavigator([
    { uri: BASE_SCHEMA_ID, schema: baseSchema },
    { uri: id, schema: reviewSchema },
  ]);
  const located = new Map<JsonSchemaObject, PathSegment[]>();
  const pending: { node: JsonSchemaObject; path: PathSegment[] }[] = [{ node: reviewSchema, path: [] }];
  while (pending.length > 0) {
    const { node, path } = pending.pop()!;
    if (located.has(node)) continue;
    located.set(node, path);
    for (const entry of subschemaEntries(node, { definitions: true }))
      pending.push({ node: entry.schema, path: [...path, ...entry.path] });
  }

  type Edge = { schema: JsonSchemaObject; base: string };
  const edgesOf = (schema: JsonSchemaObject, base: string): Edge[] => {
    const own = typeof schema.$id === 'string' ? resolveUri(schema.$id, base) : base;
    const edges: Edge[] = subschemaEntries(schema, { definitions: false }).map((e) => ({
      schema: e.schema,
      base: own,
    }));
    for (const keyword of ['$ref', '$dynamicRef'] as const) {
      const reference = schema[keyword];
      if (typeof reference !== 'string') continue;
      const target = navigator.resolveRef(reference, own);
      if (target) edges.push(target);
      // A dynamic reference may land on any schema that declares its anchor.
      if (keyword === '$dynamicRef' && reference.includes('#'))
        edges.push(...navigator.dynamicAnchorTargets(reference.slice(reference.indexOf('#') + 1)));
    }
    return edges;
  };

  interface Frame {
    schema: JsonSchemaObject;
    edges: Edge[];
    next: number;
    /** Subschemas below and including this one, references expanded. */
    count: number;
    /** Levels below this one. */
    depth: number;
  }
  const measured = new Map<JsonSchemaObject, { count: number; depth: number }>();
  const active = new Set<JsonSchemaObject>();
  const stack: Frame[] = [];
  const enter = (schema: JsonSchemaObject, base: string) => {
    active.add(schema);
    stack.push({ schema, edges: edgesOf(schema, base), next: 0, count: 1, depth: 0 });
  };
  /** The innermost place in the review's file on the current chain (the base is not the user's to fix). */
  const innermost = (candidate?: JsonSchemaObject): PathSegment[] => {
    if (candidate && located.has(candidate)) return located.get(candidate)!;
    for (let i = stack.length - 1; i >= 0; i--) {
      const path = located.get(stack[i]!.schema);
      if (path) return path;
    }
    return [];
  };
  const tooDeep = (path: PathSegment[]) =>
    schemaError(
      'schema-too-deep',
      `Subschemas nest more than ${SCHEMA_LIMITS.maxRefDepth} levels deep at \`${pointerOf(path)}\` when \`$ref\`s are followed. Records are checked against the base schema only.`,
      locator.valueRange(path),
    );

  enter(reviewSchema, id);
  while (stack.length > 0) {
    const frame = stack[stack.length - 1]!;
    if (frame.next < frame.edges.length) {
      const edge = frame.edges[frame.next++]!;
      if (active.has(edge.schema)) {
        frame.count += 1;
        continue;
      }
      const known = measured.get(edge.schema);
      if (known) {
        if (stack.length + 1 + known.depth > SCHEMA_LIMITS.maxRefDepth)
          return tooDeep(innermost(edge.schema));
        frame.count += known.count;
        frame.depth = Math.max(frame.depth, known.depth + 1);
        continue;
      }
      if (stack.length >= SCHEMA_LIMITS.maxRefDepth) return tooDeep(innermost(edge.schema));
      enter(edge.schema, edge.base);
      continue;
    }
    stack.pop();
    active.delete(frame.schema);
    measured.set(frame.schema, { count: frame.count, depth: frame.depth });
    if (frame.count > SCHEMA_LIMITS.maxExpandedSubschemas) {
      const path = innermost(frame.schema);
      return schemaError(
        'schema-too-complex',
        `The subschema at \`${pointerOf(path)}\` expands to more than ${SCHEMA_LIMITS.maxExpandedSubschemas.toLocaleString('en-US')} subschemas when its \`$ref\`s are followed (for example \`anyOf\` branches that refer to the same definition again at every level). Records are checked against the base schema only.`,
        locator.valueRange(path),
      );
    }
    const parent = stack[stack.length - 1];
    if (parent) {
      parent.count += frame.count;
      parent.depth = Math.max(parent.depth, frame.depth + 1);
    }
  }
  return undefined;
}

/**
 * The review's schema read as data only, for an untrusted workspace: its declared fields, titles and
 * descriptions guide unknown-field checks, completion and hover, but it is not compiled; values are
 * validated against the bundled base schema alone. A schema over the limits is not navigated either.
 * Also gives the problems that kept the review's schema from being read.
 */
export function readUncompiledExtractionSchema(text: string): ExtractionSchemaResult {
  const base = baseRecordValidator();
  const fail = (diagnostics: Diagnostic[]): ExtractionSchemaResult => ({
    schema: base,
    usesReviewSchema: false,
    diagnostics,
  });
  try {
    const textProblems = checkSchemaText(text, linesOf(text));
    if (textProblems.length > 0) return fail(textProblems);
    const syntaxErrors: ParseError[] = [];
    const parsed: unknown = parseJson(text, syntaxErrors, {
      allowTrailingComma: false,
      disallowComments: true,
    });
    if (!isSchemaObject(parsed)) return fail([]);
    // What is read of a broken file is still navigated; its text is parsed for positions only when whole.
    const locator = new YamlLocator(parseYaml(syntaxErrors.length === 0 ? text : ''));
    const id =
      typeof parsed.$id === 'string' && parsed.$id !== BASE_SCHEMA_ID
        ? parsed.$id
        : DEFAULT_EXTRACTION_SCHEMA_ID;
    const reviewSchema: JsonSchemaObject = { ...parsed, $id: id };
    const keywordProblems = checkSchemaKeywords(reviewSchema, locator, { patterns: false });
    if (keywordProblems.length > 0) return fail(keywordProblems);
    const roots = [
      { uri: BASE_SCHEMA_ID, schema: baseSchema },
      { uri: id, schema: reviewSchema },
    ];
    if (findRefCycle(roots, id)) return fail([]);
    const expansion = checkSchemaExpansion(reviewSchema, id, locator);
    if (expansion) return fail([expansion]);
    const combined: JsonSchemaObject = { allOf: [{ $ref: BASE_SCHEMA_ID }, { $ref: id }] };
    return {
      schema: base.withNavigation(
        [...roots, { uri: COMBINED_SCHEMA_ID, schema: combined }],
        COMBINED_SCHEMA_ID,
      ),
      usesReviewSchema: false,
      diagnostics: [],
    };
  } catch {
    // Nothing above should throw; if it does, the base alone is still a safe way to read records.
    return fail([]);
  }
}

/** What a `require` in ajv's standalone code may ask for: the runtime it was generated against. */
const STANDALONE_RUNTIME: Record<string, unknown> = {
  'ajv/dist/runtime/equal': { default: equal },
  'ajv/dist/runtime/ucs2length': { default: ucs2length },
  'ajv/dist/runtime/uri': { default: uri },
  'ajv/dist/runtime/validation_error': { default: ValidationError },
  'ajv-formats/dist/formats': { fullFormats },
};

/** Loads a validator from ajv's standalone code generated by this build (never from a file). */
function loadValidatorCode(code: string): ValidateFunction {
  const module = { exports: {} as unknown };
  const require = (name: string) => {
    if (!Object.hasOwn(STANDALONE_RUNTIME, name)) throw new Error(`standalone code needs ${name}`);
    return STANDALONE_RUNTIME[name];
  };
  // The code is what this process's own ajv generated for a schema that compiled (in another thread).
  new Function('require', 'module', 'exports', 'linearRegExp', code)(
    require,
    module,
    module.exports,
    linearRegExpEngine,
  );
  const validate = module.exports as ValidateFunction;
  if (typeof validate !== 'function') throw new Error('standalone code exports no validator');
  return validate;
}

/** Extraction schemas (by text) whose validator another thread compiled, with its code. */
const precompiledSchemas = new Map<string, string>();

/**
 * Lets `compileExtractionSchema(text)` load `code`, the validator that `validatorCode()` gave for the same
 * text in another thread of this process, instead of compiling it: a text that compiled gives the same
 * result every time. Only for code from this process, never for code read from a file.
 */
export function usePrecompiledSchema(text: string, code: string): void {
  precompiledSchemas.set(text, code);
}

/** The result of a text that compiled clean elsewhere, rebuilt from its validator's code. */
function precompiledResult(text: string): ExtractionSchemaResult | undefined {
  const code = precompiledSchemas.get(text);
  if (code === undefined) return undefined;
  try {
    const parsed: unknown = parseJson(text, [], { allowTrailingComma: false, disallowComments: true });
    if (!isSchemaObject(parsed)) return undefined;
    const id = typeof parsed.$id === 'string' ? parsed.$id : DEFAULT_EXTRACTION_SCHEMA_ID;
    const reviewSchema: JsonSchemaObject = typeof parsed.$id === 'string' ? parsed : { ...parsed, $id: id };
    const validate = loadValidatorCode(code);
    return {
      schema: new CompiledSchema(
        () => {
          // Only for the navigator's `if` conditions: parts of a schema already checked where it compiled.
          const ajv = createAjv({ validateSchema: false });
          for (const keyword of extensionKeywords(reviewSchema)) ajv.addKeyword(keyword);
          return { ajv, validate };
        },
        [
          { uri: BASE_SCHEMA_ID, schema: baseSchema },
          { uri: id, schema: reviewSchema },
          { uri: COMBINED_SCHEMA_ID, schema: { allOf: [{ $ref: BASE_SCHEMA_ID }, { $ref: id }] } },
        ],
        COMBINED_SCHEMA_ID,
      ),
      usesReviewSchema: true,
      diagnostics: [],
    };
  } catch {
    return undefined;
  }
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
 * review's schema references it; problems become diagnostics on the schema file. Whatever the text, this
 * returns: an exception from the compiler becomes a `schema-invalid` diagnostic.
 */
export function compileExtractionSchema(text: string): ExtractionSchemaResult {
  const precompiled = precompiledResult(text);
  if (precompiled) return precompiled;
  try {
    return compileCheckedSchema(text);
  } catch (e) {
    const message = e instanceof Error ? e.message : String(e);
    return {
      schema: baseRecordValidator(),
      usesReviewSchema: false,
      diagnostics: [
        schemaError(
          'schema-invalid',
          `The extraction schema cannot be compiled: ${message}. Records are checked against the base schema only.`,
          linesOf(text).firstLineRange(),
        ),
      ],
    };
  }
}

function linesOf(text: string): LineIndex {
  return new LineIndex(text.length > SCHEMA_LIMITS.maxLength ? '' : text);
}

function compileCheckedSchema(text: string): ExtractionSchemaResult {
  const lines = linesOf(text);
  const fail = (diagnostics: Diagnostic[]): ExtractionSchemaResult => ({
    schema: baseRecordValidator(),
    usesReviewSchema: false,
    diagnostics,
  });
  const textProblems = checkSchemaText(text, lines);
  if (textProblems.length > 0) return fail(textProblems);

  const syntaxErrors: ParseError[] = [];
  const parsed: unknown = parseJson(text, syntaxErrors, {
    allowTrailingComma: false,
    disallowComments: true,
  });
  if (syntaxErrors.length > 0) {
    const first = syntaxErrors[0]!;
    return fail([
      schemaError(
        'schema-invalid-json',
        `The extraction schema is not valid JSON: ${jsonErrorText(first.error)}. Records are checked against the base schema only.`,
        lines.singleLineRange(first.offset, first.offset + Math.max(1, first.length)),
      ),
    ]);
  }
  // Positions come from the YAML parser, run only on JSON text that passed the checks above.
  const locator = new YamlLocator(parseYaml(text));
  const error = (code: string, message: string, range = locator.documentStartRange()): Diagnostic =>
    schemaError(code, message, range);
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

  const keywordProblems = checkSchemaKeywords(reviewSchema, locator, { patterns: true });
  if (keywordProblems.length > 0) return fail(keywordProblems);

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

  const expansion = checkSchemaExpansion(reviewSchema, id, locator);
  if (expansion) return fail([expansion]);

  // Its source is kept so that worker threads can load the validator instead of compiling it again.
  const ajv = createAjv({ keepSource: true });
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
      { ajv, validate },
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
function findRefCycle(
  roots: { uri: string; schema: JsonSchemaObject }[],
  inUri: string,
): { path: PathSegment[]; refs: string[] } | undefined {
  const navigator = new SchemaNavigator(roots);
  const root = roots.find((r) => r.uri === inUri);
  if (!root) return undefined;

  // Every subschema of the file, with its path, so that a cycle can be reported where it is written.
  const located: { schema: JsonSchemaObject; path: PathSegment[]; base: string }[] = [];
  const pending: { node: unknown; path: PathSegment[] }[] = [{ node: root.schema, path: [] }];
  while (pending.length > 0) {
    const { node, path } = pending.pop()!;
    if (typeof node !== 'object' || node === null) continue;
    if (!Array.isArray(node)) located.push({ schema: node as JsonSchemaObject, path, base: inUri });
    const entries = Array.isArray(node) ? node.map((v, i) => [i, v] as const) : Object.entries(node);
    // Pushed last first, so that subschemas are listed in document order.
    for (const [key, child] of entries.reverse())
      if (key !== 'enum' && key !== 'const') pending.push({ node: child, path: [...path, key] });
  }

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
