import * as nodePath from 'node:path';
import type { Diagnostic } from './diagnostic';
import { decodeText, type ReviewFileSystem } from './fileSystem';
import { DEFAULT_RECORDS_TEMPLATE, parseRecordTemplate, type RecordTemplate } from './recordTemplate';
import {
  uncompiledExtractionSchema,
  compileExtractionSchema,
  reviewFileSchemaValidator,
  baseRecordValidator,
  type CompiledSchema,
} from './schema';
import { isPlainObject } from './schemaNavigator';
import { validateAnalysesConfig } from './synthesis/analysisConfig';
import { validateYaml } from './validate';
import { parseYaml, YamlLocator, YAML_LIMITS, type YamlFile } from './yamlDocument';

export const REVIEW_FILE = 'review.yaml';
export const DEFAULT_SCHEMA_PATH = 'schemas/extraction.schema.json';
export const DEFAULT_CONSENSUS = 'consensus';

/** The protocol as the tool uses it; defaults fill what review.yaml leaves out or gets wrong. */
export interface ReviewConfig {
  title: string;
  version?: number;
  schema: string;
  records: string;
  reviewers: string[];
  consensus: string;
  blind: boolean;
  compare: { ignore: string[]; tolerance: number };
  synthesis: { analyses: unknown[] };
}

/** A review folder opened for checking: its protocol, its compiled schema and their problems. */
export interface Review {
  root: string;
  config: ReviewConfig;
  /** `undefined` when the records cannot be enumerated (a broken template). */
  template: RecordTemplate | undefined;
  schema: CompiledSchema;
  usesReviewSchema: boolean;
  /** Relative path of the extraction schema file. */
  schemaPath: string;
  /** Problems of review.yaml and of the extraction schema, keyed by relative path. */
  fileDiagnostics: Map<string, Diagnostic[]>;
  /** review.yaml parsed with positions, when it could be read. */
  reviewFile: YamlFile | undefined;
}

/** Walks up from `start` to the folder that holds review.yaml. */
export async function findReviewRoot(start: string, fs: ReviewFileSystem): Promise<string | undefined> {
  let dir = nodePath.resolve(start);
  for (;;) {
    const stat = await fs.stat(nodePath.join(dir, REVIEW_FILE));
    if (stat?.kind === 'file') return dir;
    const parent = nodePath.dirname(dir);
    if (parent === dir) return undefined;
    dir = parent;
  }
}

/** Reads a file as text, or says why it cannot be checked. */
export async function readTextFile(
  fs: ReviewFileSystem,
  path: string,
): Promise<
  { text: string } | { problem: 'missing' | 'too-large' | 'not-text' | 'unreadable'; detail?: string }
> {
  const stat = await fs.stat(path);
  if (!stat) return { problem: 'missing' };
  if (stat.kind !== 'file') return { problem: 'unreadable', detail: 'not a file' };
  if (stat.size > YAML_LIMITS.maxLength * 4) return { problem: 'too-large', detail: String(stat.size) };
  let bytes: Uint8Array;
  try {
    bytes = await fs.readFile(path);
  } catch (error) {
    return { problem: 'unreadable', detail: error instanceof Error ? error.message : String(error) };
  }
  const text = decodeText(bytes);
  return text === undefined ? { problem: 'not-text' } : { text: text.replace(/^\uFEFF/, '') };
}

export function fileProblemDiagnostic(problem: string, detail?: string): Diagnostic {
  const messages: Record<string, string> = {
    missing: 'File not found.',
    'too-large': `File is too large to check (${detail ? `${Math.round(Number(detail) / 1024 / 1024)} MB` : 'over the limit'}; the limit is 1 MB).`,
    'not-text': 'File is not UTF-8 text; it cannot be checked.',
    unreadable: `File cannot be read${detail ? `: ${detail}` : ''}.`,
  };
  const code =
    problem === 'too-large' ? 'file-too-large' : problem === 'not-text' ? 'not-text' : 'unreadable';
  return {
    severity: 'error',
    code,
    message: messages[problem] ?? 'File cannot be read.',
    range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } },
  };
}

/** Reads review.yaml text into a config, with defaults for whatever is missing or invalid. */
export function readReviewConfig(file: YamlFile): ReviewConfig {
  const raw = file.usable && isPlainObject(file.value) ? file.value : {};
  const str = (v: unknown, fallback: string) => (typeof v === 'string' && v.trim() !== '' ? v : fallback);
  const strings = (v: unknown) =>
    Array.isArray(v) ? v.filter((s): s is string => typeof s === 'string') : [];
  const compare = isPlainObject(raw.compare) ? raw.compare : {};
  const synthesis = isPlainObject(raw.synthesis) ? raw.synthesis : {};
  return {
    title: str(raw.title, 'Untitled review'),
    version: typeof raw.version === 'number' && Number.isInteger(raw.version) ? raw.version : undefined,
    schema: str(raw.schema, DEFAULT_SCHEMA_PATH),
    records: str(raw.records, DEFAULT_RECORDS_TEMPLATE),
    reviewers: [...new Set(strings(raw.reviewers))],
    consensus: str(raw.consensus, DEFAULT_CONSENSUS),
    blind: raw.blind === true,
    compare: {
      ignore: strings(compare.ignore),
      tolerance: typeof compare.tolerance === 'number' && compare.tolerance >= 0 ? compare.tolerance : 0,
    },
    synthesis: { analyses: Array.isArray(synthesis.analyses) ? synthesis.analyses : [] },
  };
}

/** Resolves a path written in review.yaml; `undefined` if it leaves the review folder. */
export function resolveInside(root: string, relative: string): string | undefined {
  const full = nodePath.resolve(root, relative);
  return isInside(root, full) ? full : undefined;
}

export function isInside(root: string, path: string): boolean {
  const rel = nodePath.relative(root, path);
  return rel === '' || (!rel.startsWith('..') && !nodePath.isAbsolute(rel));
}

export function toPosix(path: string): string {
  return path.split(nodePath.sep).join('/');
}

/** Validates review.yaml text: its schema and the rules about its paths and names. */
export function validateReviewText(text: string): {
  file: YamlFile;
  config: ReviewConfig;
  diagnostics: Diagnostic[];
} {
  const file = parseYaml(text);
  const diagnostics = validateYaml(file, reviewFileSchemaValidator(), { documentName: 'review.yaml' });
  const config = readReviewConfig(file);
  const locator = new YamlLocator(file);
  diagnostics.push(...validateAnalysesConfig(file, locator));
  const raw = file.usable && isPlainObject(file.value) ? file.value : {};
  if (typeof raw.records === 'string') {
    const parsed = parseRecordTemplate(raw.records);
    const problem = !parsed.template
      ? {
          empty: 'The records template is empty.',
          absolute: 'The records template must be relative to review.yaml.',
          outside: 'The records template must stay inside the review folder (no `..`).',
          'unknown-placeholder': `Unknown placeholder ${parsed.detail ?? ''}: only {reviewer} and {study} are known.`,
          'repeated-placeholder': `The placeholder ${parsed.detail ?? ''} may appear only once.`,
        }[parsed.problem!]
      : !parsed.template.hasStudy
        ? 'The records template has no `{study}`: every record must be named for its study (e.g. `records/{reviewer}/{study}.study.yaml`).'
        : !parsed.template.hasReviewer
          ? "The records template has no `{reviewer}`: the two reviewers' records of a study could not be told apart."
          : undefined;
    if (problem) {
      const code =
        parsed.template && !parsed.template.hasStudy
          ? 'template-missing-study'
          : parsed.template
            ? 'template-missing-reviewer'
            : 'template-invalid';
      diagnostics.push({ severity: 'error', code, message: problem, range: locator.valueRange(['records']) });
    }
  }
  if (
    Array.isArray(raw.reviewers) &&
    typeof raw.consensus === 'string' &&
    raw.reviewers.includes(raw.consensus)
  ) {
    diagnostics.push({
      severity: 'error',
      code: 'consensus-is-reviewer',
      message: `\`consensus\` ("${raw.consensus}") must differ from every reviewer's name.`,
      range: locator.valueRange(['consensus']),
    });
  }
  return { file, config, diagnostics };
}

/** Opens a review folder: reads and validates review.yaml, compiles its extraction schema. */
export interface OpenReviewOptions {
  /**
   * Whether to compile the review's own extraction schema. An untrusted workspace's schema is not compiled
   * (schemas become generated code), and records are checked against the bundled base schema.
   */
  compileReviewSchema?: boolean;
}

export async function openReview(
  root: string,
  fs: ReviewFileSystem,
  options: OpenReviewOptions = {},
): Promise<Review> {
  const fileDiagnostics = new Map<string, Diagnostic[]>();
  const reviewText = await readTextFile(fs, nodePath.join(root, REVIEW_FILE));
  let config: ReviewConfig;
  let reviewFile: YamlFile | undefined;
  if ('text' in reviewText) {
    const validated = validateReviewText(reviewText.text);
    config = validated.config;
    reviewFile = validated.file;
    fileDiagnostics.set(REVIEW_FILE, validated.diagnostics);
  } else {
    config = readReviewConfig(parseYaml(''));
    fileDiagnostics.set(REVIEW_FILE, [fileProblemDiagnostic(reviewText.problem, reviewText.detail)]);
  }
  const reviewDiagnostics = fileDiagnostics.get(REVIEW_FILE)!;
  const reviewLocator = reviewFile ? new YamlLocator(reviewFile) : undefined;
  const atReviewKey = (key: string) =>
    reviewLocator?.valueRange([key]) ?? { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } };

  const parsedTemplate = parseRecordTemplate(config.records);
  const template = parsedTemplate.template;

  let schema: CompiledSchema = baseRecordValidator();
  let usesReviewSchema = false;
  let schemaPath = toPosix(nodePath.normalize(config.schema));
  const schemaFull = resolveInside(root, config.schema);
  if (options.compileReviewSchema === false) {
    reviewDiagnostics.push({
      severity: 'information',
      code: 'untrusted-workspace',
      message:
        "This workspace is not trusted, so the review's extraction schema is not compiled: its fields are known, but values are checked against the bundled base schema only. Trust the workspace to check them fully.",
      range: atReviewKey('schema'),
    });
    const schemaText = schemaFull ? await readTextFile(fs, schemaFull) : undefined;
    if (schemaText && 'text' in schemaText) schema = uncompiledExtractionSchema(schemaText.text);
  } else if (!schemaFull) {
    reviewDiagnostics.push({
      severity: 'error',
      code: 'schema-outside-review',
      message: `The extraction schema path "${config.schema}" leaves the review folder. Records are checked against the base schema only.`,
      range: atReviewKey('schema'),
    });
  } else {
    schemaPath = toPosix(nodePath.relative(root, schemaFull));
    const schemaText = await readTextFile(fs, schemaFull);
    if ('text' in schemaText) {
      const compiled = compileExtractionSchema(schemaText.text);
      schema = compiled.schema;
      usesReviewSchema = compiled.usesReviewSchema;
      if (compiled.diagnostics.length > 0) fileDiagnostics.set(schemaPath, compiled.diagnostics);
    } else {
      reviewDiagnostics.push({
        severity: 'error',
        code: 'schema-not-found',
        message:
          schemaText.problem === 'missing'
            ? `The extraction schema "${config.schema}" does not exist. Records are checked against the base schema only.`
            : `The extraction schema "${config.schema}" cannot be read (${schemaText.problem}). Records are checked against the base schema only.`,
        range: atReviewKey('schema'),
      });
    }
  }
  return { root, config, template, schema, usesReviewSchema, schemaPath, fileDiagnostics, reviewFile };
}
