// Reviews and study records built from short calls, as YAML text laid out the way reviewers write them:
// a review folder (review.yaml, an extraction schema, records by template) for an in-memory or a real
// file system, and records with arms, outcomes and results keyed by arm id.
import { parse } from 'yaml';
import { openReview, type Review } from '../../src/core/review/review';
import { MemoryFileSystem } from './memoryFileSystem';

// ---------------------------------------------------------------------------------------------------
// YAML text

/** A scalar as a reviewer writes it: plain where YAML reads it back as the same string, quoted otherwise. */
export function scalar(value: unknown, inFlow = false): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  const text = String(value);
  const plain =
    text !== '' &&
    !/[\n#]|: |:$|^[-?:,[\]{}&*!|>'"%@`\s]|\s$/.test(text) &&
    !(inFlow && /[,[\]{}]/.test(text)) &&
    readBack(text) === text;
  return plain ? text : JSON.stringify(text);
}

function readBack(text: string): unknown {
  try {
    return parse(`k: ${text}`).k;
  } catch {
    return undefined;
  }
}

const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);
const isFlat = (v: Record<string, unknown>) =>
  Object.values(v).every((x) => !isObject(x) && !Array.isArray(x));

/** A value on one line: `[a, b]`, `{ mean: 5.9, sd: NR }` or a scalar. */
export function flow(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(flow).join(', ')}]`;
  if (isObject(value))
    return Object.keys(value).length === 0
      ? '{}'
      : `{ ${Object.entries(value)
          .map(([k, v]) => `${scalar(k, true)}: ${flow(v)}`)
          .join(', ')} }`;
  return scalar(value, true);
}

/**
 * A mapping as block YAML. Lists of scalars, and mappings of scalars from `flowFrom` levels down (the
 * result of an arm, a scale), go on one line as in the example review; lists of mappings are block items.
 */
export function toYaml(value: Record<string, unknown>, indent = 0, flowFrom = 2, depth = 1): string {
  const pad = ' '.repeat(indent);
  const lines: string[] = [];
  for (const [key, child] of Object.entries(value)) {
    if (child === undefined) continue;
    const head = `${pad}${scalar(key)}:`;
    if (Array.isArray(child) && child.length > 0 && child.every(isObject)) {
      lines.push(head);
      for (const item of child) {
        const body = toYaml(item, indent + 4, flowFrom, depth + 1).split('\n');
        body[0] = `${pad}  - ${body[0]!.trimStart()}`;
        lines.push(...body);
      }
    } else if (isObject(child) && Object.keys(child).length > 0 && !(depth >= flowFrom && isFlat(child))) {
      lines.push(head, toYaml(child, indent + 2, flowFrom, depth + 1));
    } else if (child === null) lines.push(head);
    else lines.push(`${head} ${isObject(child) || Array.isArray(child) ? flow(child) : scalar(child)}`);
  }
  return lines.join('\n');
}

// ---------------------------------------------------------------------------------------------------
// Study records

export type Result = Record<string, number | 'NR' | string | null>;

/** A study record under construction; every call returns the builder. */
export class StudyRecord {
  private readonly fields: Record<string, unknown>;

  constructor(
    readonly study: string,
    readonly reviewer: string,
  ) {
    const year = /-(\d{4})[a-z]?$/.exec(study)?.[1];
    this.fields = {
      study,
      reviewer,
      status: 'draft',
      citation: { authors: ['Author A'], year: year ? Number(year) : 2020 },
    };
  }

  status(status: 'draft' | 'complete'): this {
    return this.set('status', status);
  }

  /** Sets a top-level field; `undefined` leaves it out. Fields keep the order they were first set in. */
  set(key: string, value: unknown): this {
    if (value === undefined) delete this.fields[key];
    else this.fields[key] = value;
    return this;
  }

  citation(citation: Record<string, unknown>): this {
    return this.set('citation', citation);
  }

  /** Adds an arm: `id` and `group` (required by the base schema), `n` and any other fields. */
  arm(id: string, group: string, n?: number | 'NR', extra: Record<string, unknown> = {}): this {
    const arms = (this.fields.arms ??= []) as Record<string, unknown>[];
    arms.push({ id, ...(extra.label !== undefined ? { label: extra.label } : {}), group, n, ...extra });
    return this;
  }

  /** Adds an outcome with its results keyed by arm id (or `all`). */
  outcome(
    id: string,
    type: 'continuous' | 'dichotomous' | 'correlation',
    results: Record<string, Result>,
    extra: Record<string, unknown> = {},
  ): this {
    const outcomes = (this.fields.outcomes ??= []) as Record<string, unknown>[];
    outcomes.push({ id, type, ...extra, results });
    return this;
  }

  /** Each arm's result of a continuous outcome with the arm's n: `{ online: [5.9, 0.8] }`. */
  continuous(id: string, means: Record<string, [number | 'NR', number | 'NR']>, extra = {}): this {
    const arms = (this.fields.arms ?? []) as { id: string; n?: unknown }[];
    const results: Record<string, Result> = {};
    for (const [arm, [mean, sd]] of Object.entries(means)) {
      const n = arms.find((a) => a.id === arm)?.n;
      results[arm] = { mean, sd, n: typeof n === 'number' || n === 'NR' ? n : 'NR' };
    }
    return this.outcome(id, 'continuous', results, extra);
  }

  /** Relative path under the default template. */
  get path(): string {
    return `records/${this.reviewer}/${this.study}.study.yaml`;
  }

  value(): Record<string, unknown> {
    return structuredClone(this.fields);
  }

  yaml(): string {
    return `${toYaml(this.fields)}\n`;
  }
}

export const record = (study: string, reviewer = 'ek') => new StudyRecord(study, reviewer);

// ---------------------------------------------------------------------------------------------------
// Reviews

/** Groups of the test review's schema, in its order. */
export const GROUPS = ['face-to-face', 'email', 'internet-program'];

/**
 * The test review's extraction schema: the base record plus a vocabulary of arm groups and instruments,
 * a few record fields, and `arms` and `outcomes` required. Its titles and descriptions are what the
 * editor tests expect to see.
 */
export function extractionSchema(id = 'https://study-extraction.dev/test/support/extraction.schema.json') {
  return {
    $schema: 'https://json-schema.org/draft/2020-12/schema',
    $id: id,
    allOf: [
      { $ref: 'https://study-extraction.dev/schemas/study-record.schema.json' },
      {
        type: 'object',
        required: ['arms', 'outcomes'],
        properties: {
          country: {
            title: 'Country',
            description: 'Country where the trial was run. `NR` if the report does not say.',
            type: 'string',
            minLength: 1,
          },
          design: {
            title: 'Study design',
            description: 'How the trial allocated participants.',
            enum: ['rct', 'cluster-rct', 'NR'],
            enumDescriptions: ['Individually randomized.', 'Clusters randomized.', 'Not reported.'],
          },
          total_n: {
            title: 'Total n',
            description: 'Participants randomized.',
            anyOf: [{ type: 'integer', minimum: 1 }, { const: 'NR' }],
          },
          arms: {
            minItems: 1,
            items: {
              properties: {
                group: {
                  title: 'Treatment condition',
                  description: 'Which condition of the review this arm belongs to.',
                  enum: GROUPS,
                  enumDescriptions: [
                    'Therapy in person.',
                    'Therapy by email.',
                    'A self-help program online.',
                  ],
                },
              },
            },
          },
          outcomes: {
            minItems: 1,
            items: {
              required: ['instrument'],
              properties: {
                instrument: {
                  title: 'Alliance instrument',
                  description: 'The questionnaire that rated the alliance.',
                  enum: ['WAI', 'HAq', 'NR'],
                },
              },
            },
          },
        },
      },
    ],
  };
}

export interface ReviewOptions {
  title?: string;
  /** Protocol version; `null` leaves it out. */
  version?: number | null;
  reviewers?: string[];
  consensus?: string;
  blind?: boolean;
  /** The records template (default `records/{reviewer}/{study}.study.yaml`). */
  records?: string;
  schemaPath?: string;
  /** The extraction schema as data or text; `null` writes none. */
  schema?: object | string | null;
  /** More fields of review.yaml (compare, synthesis), after the others. */
  extra?: Record<string, unknown>;
}

export function reviewYaml(options: ReviewOptions = {}): string {
  return `${toYaml(
    {
      title: options.title ?? 'Test review',
      version: options.version === null ? undefined : (options.version ?? 1),
      schema: options.schemaPath ?? 'schemas/extraction.schema.json',
      records: options.records ?? 'records/{reviewer}/{study}.study.yaml',
      reviewers: options.reviewers ?? ['ek', 'mk'],
      consensus: options.consensus ?? 'consensus',
      blind: options.blind,
      ...options.extra,
    },
    0,
    Infinity,
  )}\n`;
}

/** The files of a review folder, by path relative to it. */
export function reviewFiles(
  options: ReviewOptions = {},
  records: StudyRecord[] = [],
): Record<string, string> {
  const files: Record<string, string> = { 'review.yaml': reviewYaml(options) };
  const schema = options.schema === undefined ? extractionSchema() : options.schema;
  if (schema !== null)
    files[options.schemaPath ?? 'schemas/extraction.schema.json'] =
      typeof schema === 'string' ? schema : `${JSON.stringify(schema, null, 2)}\n`;
  for (const r of records) files[r.path] = r.yaml();
  return files;
}

export interface MemoryReview {
  fs: MemoryFileSystem;
  root: string;
  review: Review;
  /** The absolute path of a path relative to the review. */
  path(relative: string): string;
}

/** A review folder at `/review` in a fresh in-memory file system, opened as the tool opens one. */
export async function memoryReview(
  options: ReviewOptions = {},
  records: StudyRecord[] = [],
  root = '/review',
): Promise<MemoryReview> {
  const fs = new MemoryFileSystem();
  for (const [relative, text] of Object.entries(reviewFiles(options, records)))
    fs.writeFile(`${root}/${relative}`, text);
  const review = await openReview(root, fs);
  return { fs, root, review, path: (relative) => `${root}/${relative}` };
}
