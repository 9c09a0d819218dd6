import * as nodePath from 'node:path';
import type { Diagnostic } from '../common/diagnostic';
import { decodeText, fileSystemErrorCode, fileSystemReason, type ReviewFileSystem } from './fileSystem';
import {
  DEFAULT_RECORDS_TEMPLATE,
  findRecordFiles,
  isReviewerId,
  parseRecordTemplate,
  reviewerFolder,
  templateBaseFolder,
  templateLayoutProblem,
  type RecordTemplate,
} from './recordTemplate';
import {
  readUncompiledExtractionSchema,
  compileExtractionSchema,
  reviewFileSchemaValidator,
  baseRecordValidator,
  type CompiledSchema,
} from '../schema/schema';
import { isPlainObject } from '../common/values';
import { validateAnalysesConfig } from '../synthesis/analysisConfig';
import { validateYaml } from '../record/validate';
import { parseYaml, YamlLocator, YAML_LIMITS, type YamlFile } from '../yaml/yamlDocument';

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

/**
 * Walks up from `start` to the folder that holds review.yaml. Never throws: a folder that cannot be looked
 * into is passed over, and a review.yaml that is a loop of links is found (opening it then reports why it
 * cannot be read).
 */
export async function findReviewRoot(start: string, fs: ReviewFileSystem): Promise<string | undefined> {
  let dir = nodePath.resolve(start);
  for (;;) {
    let found: boolean;
    try {
      found = (await fs.stat(nodePath.join(dir, REVIEW_FILE)))?.kind === 'file';
    } catch (error) {
      found = fileSystemErrorCode(error) === 'ELOOP';
    }
    if (found) return dir;
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
  let stat: Awaited<ReturnType<ReviewFileSystem['stat']>>;
  try {
    stat = await fs.stat(path);
  } catch (error) {
    return { problem: 'unreadable', detail: fileSystemReason(error) };
  }
  if (!stat) return { problem: 'missing' };
  if (stat.kind !== 'file') return { problem: 'unreadable', detail: 'not a file' };
  if (stat.size > YAML_LIMITS.maxLength * 4) return { problem: 'too-large', detail: String(stat.size) };
  let bytes: Uint8Array;
  try {
    bytes = await fs.readFile(path);
  } catch (error) {
    return { problem: 'unreadable', detail: fileSystemReason(error) };
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

/**
 * Reads review.yaml text into a config, with defaults for whatever is missing or invalid. An id that could
 * not name a folder (a reviewer, the consensus) is never used: it is left out, or the default takes its
 * place; review.schema.json reports it at the value.
 */
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
    reviewers: [...new Set(strings(raw.reviewers).filter(isReviewerId))],
    consensus:
      typeof raw.consensus === 'string' && isReviewerId(raw.consensus) ? raw.consensus : DEFAULT_CONSENSUS,
    blind: raw.blind === true,
    compare: {
      ignore: strings(compare.ignore),
      tolerance: typeof compare.tolerance === 'number' && compare.tolerance >= 0 ? compare.tolerance : 0,
    },
    synthesis: { analyses: Array.isArray(synthesis.analyses) ? synthesis.analyses : [] },
  };
}

/** Why a path written in review.yaml (or derived from it) is not used. */
type PathRefusal = 'absolute' | 'leaves-review' | 'through-link' | 'unreadable';

export type InsideReview =
  | {
      /** The real path: every link on the way resolved, and each of them inside the review folder. */
      path: string;
      /** The path relative to the review folder as written, normalized, with `/` separators. */
      relative: string;
    }
  | { refused: PathRefusal; message: string };

/**
 * Resolves `relative` (a path of review.yaml, or one derived from it such as a record's) against the real
 * path of the review folder. It is refused when it is absolute, when it climbs out with `..`, or when a
 * symbolic link on the way leads outside the review folder or nowhere. What does not exist yet (a folder
 * or record about to be created) resolves below the deepest part that does. Every reader and writer of
 * such a path goes through here.
 */
export async function resolveInsideReview(
  root: string,
  relative: string,
  fs: ReviewFileSystem,
): Promise<InsideReview> {
  const written = relative.trim();
  const shown = `"${written}"`;
  if (written.startsWith('/') || written.startsWith('\\') || /^[A-Za-z]:/.test(written))
    return {
      refused: 'absolute',
      message: `${shown} is an absolute path; paths in review.yaml are relative to the review folder`,
    };
  const parts: string[] = [];
  for (const part of written.split(/[\\/]/)) {
    if (part === '' || part === '.') continue;
    if (part !== '..') parts.push(part);
    else if (parts.pop() === undefined)
      return { refused: 'leaves-review', message: `${shown} leaves the review folder` };
  }
  const normalized = parts.join('/');
  const cannot = (at: string, error: unknown): InsideReview => ({
    refused: 'unreadable',
    message: `${shown} cannot be resolved: ${at === '' ? 'the review folder' : `"${at}"`}: ${fileSystemReason(error)}`,
  });
  let realRoot: string;
  try {
    realRoot = await fs.realPath(root);
  } catch (error) {
    return cannot('', error);
  }
  let current = realRoot;
  for (let i = 0; i < parts.length; i++) {
    const next = nodePath.join(current, parts[i]!);
    const at = parts.slice(0, i + 1).join('/');
    let stat: Awaited<ReturnType<ReviewFileSystem['stat']>>;
    try {
      stat = await fs.stat(next);
    } catch (error) {
      return cannot(at, error);
    }
    if (!stat) {
      // Nothing there yet, unless a link that leads nowhere: writing through it could create its target.
      const entries = await fs.readDirectory(current).catch(() => []);
      if (entries.some((entry) => entry.name === parts[i] && entry.kind === 'symlink'))
        return {
          refused: 'through-link',
          message: `${shown} goes through a symbolic link that leads nowhere ("${at}")`,
        };
      return { path: nodePath.join(current, ...parts.slice(i)), relative: normalized };
    }
    let real: string;
    try {
      real = await fs.realPath(next);
    } catch (error) {
      return cannot(at, error);
    }
    if (!isInside(realRoot, real))
      return {
        refused: 'through-link',
        message: `${shown} goes through a symbolic link that leads outside the review folder ("${at}" → ${real})`,
      };
    current = real;
  }
  return { path: current, relative: normalized };
}

export function isInside(root: string, path: string): boolean {
  const rel = nodePath.relative(root, path);
  return rel === '' || (rel !== '..' && !rel.startsWith(`..${nodePath.sep}`) && !nodePath.isAbsolute(rel));
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
    const layout = parsed.template && templateLayoutProblem(parsed.template);
    if (layout)
      diagnostics.push({
        severity: 'error',
        code: 'template-invalid',
        message: `${layout} No record is checked until it is fixed.`,
        range: locator.valueRange(['records']),
      });
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
  // A template that cannot lay out records safely lists none (validateReviewText reports why).
  let template =
    parsedTemplate.template && !templateLayoutProblem(parsedTemplate.template)
      ? parsedTemplate.template
      : undefined;
  if (template) {
    const base = templateBaseFolder(template);
    const resolved = base === '' ? undefined : await resolveInsideReview(root, base, fs);
    if (resolved && 'refused' in resolved && resolved.refused === 'through-link') {
      reviewDiagnostics.push({
        severity: 'error',
        code: 'outside-review',
        message: `The records folder ${resolved.message}; no record is read until it is fixed.`,
        range: atReviewKey('records'),
      });
      template = undefined;
    }
  }
  if (template?.hasReviewer) {
    const folder = reviewerFolder(template, config.consensus);
    const resolved =
      folder === templateBaseFolder(template) ? undefined : await resolveInsideReview(root, folder, fs);
    if (resolved && 'refused' in resolved && resolved.refused === 'through-link')
      reviewDiagnostics.push({
        severity: 'error',
        code: 'outside-review',
        message: `The consensus folder ${resolved.message}; consensus records are neither read nor written there.`,
        range: atReviewKey('consensus'),
      });
  }

  let schema: CompiledSchema = baseRecordValidator();
  let usesReviewSchema = false;
  let schemaPath = toPosix(nodePath.normalize(config.schema));
  const schemaTarget = await resolveInsideReview(root, config.schema, fs);
  // Refused alike whether or not the workspace is trusted: the schema is read in both.
  if ('refused' in schemaTarget) {
    reviewDiagnostics.push(
      schemaTarget.refused === 'unreadable'
        ? {
            severity: 'error',
            code: 'schema-not-found',
            message: `The extraction schema ${schemaTarget.message}. Records are checked against the base schema only.`,
            range: atReviewKey('schema'),
          }
        : {
            severity: 'error',
            code: 'schema-outside-review',
            message: `The extraction schema path ${schemaTarget.message}. Records are checked against the base schema only.`,
            range: atReviewKey('schema'),
          },
    );
  } else schemaPath = schemaTarget.relative;
  // Read where the editor has it open (below `root` as given), now that its real path is known to be inside.
  const schemaFull = 'refused' in schemaTarget ? undefined : nodePath.join(root, schemaTarget.relative);
  if (options.compileReviewSchema === false) {
    reviewDiagnostics.push({
      severity: 'information',
      code: 'untrusted-workspace',
      message:
        "This workspace is not trusted, so the review's extraction schema is not compiled: its fields are known, but values are checked against the bundled base schema only. Trust the workspace to check them fully.",
      range: atReviewKey('schema'),
    });
    const schemaText = schemaFull ? await readTextFile(fs, schemaFull) : undefined;
    if (schemaText && 'text' in schemaText) {
      // Read as data only; a schema that cannot even be read so (too large, too deep, another draft) says why.
      const read = readUncompiledExtractionSchema(schemaText.text);
      schema = read.schema;
      if (read.diagnostics.length > 0) fileDiagnostics.set(schemaPath, read.diagnostics);
    }
  } else if (schemaFull) {
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
            : `The extraction schema "${config.schema}" cannot be read (${schemaText.problem === 'unreadable' && schemaText.detail ? schemaText.detail : schemaText.problem}). Records are checked against the base schema only.`,
        range: atReviewKey('schema'),
      });
    }
  }
  return { root, config, template, schema, usesReviewSchema, schemaPath, fileDiagnostics, reviewFile };
}

/** Lists the review's record files as the template lays them out. */
export async function listRecords(review: Review, fs: ReviewFileSystem) {
  if (!review.template) return { records: [], skipped: [] };
  return findRecordFiles(review.root, review.template, fs, nodePath.join, isInside);
}
