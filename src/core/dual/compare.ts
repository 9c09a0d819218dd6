import type { CompiledSchema } from '../schema/schema';
import { isPlainObject } from '../common/values';
import type { PathSegment } from '../yaml/yamlDocument';

/** Fields that record who and how far, not what the study reported: never compared. */
export const BOOKKEEPING_FIELDS = ['study', 'reviewer', 'status', 'protocol_version', 'adjudication'];

export interface CompareOptions {
  /** Field names (any depth) or id paths with `*` (`outcomes[*].label`) not compared. */
  ignore: string[];
  /** Numbers agree when they differ by at most this much. */
  tolerance: number;
}

/** One field on which the two records differ. `undefined` (absent) is shown as null. */
export interface Disagreement {
  /** Id path: `arms[online].n`, `outcomes[alliance-post].results.f2f.mean`. */
  path: string;
  /** The same with ids replaced by `*`: `arms[*].n`. */
  field: string;
  a: unknown;
  b: unknown;
  /** Document paths (keys and indexes) in each record; `undefined` where that record lacks the field. */
  docPathA?: PathSegment[];
  docPathB?: PathSegment[];
  /** The nearest existing ancestor in each record, for placing a diagnostic on an absent field. */
  anchorA: PathSegment[];
  anchorB: PathSegment[];
}

/** One compared field instance: agreed or not. */
export interface ComparedPair {
  field: string;
  path: string;
  agreed: boolean;
  a: unknown;
  b: unknown;
  /** Schema-derived: the field takes one of a fixed set of values (enum, const, boolean). */
  categorical: boolean;
}

export interface RecordComparison {
  disagreements: Disagreement[];
  pairs: ComparedPair[];
}

interface Walk {
  options: CompareOptions;
  ignoreNames: Set<string>;
  ignorePatterns: ((path: string) => boolean)[];
  result: RecordComparison;
  isCategorical: (docPath: PathSegment[], root: unknown, field: string) => boolean;
  rootA: unknown;
  rootB: unknown;
}

/** One step of an ignore pattern: a literal character, or a run of characters none of which is excluded. */
type GlobStep = { literal: string } | { anyExcept: string };

/**
 * `outcomes[*].label` → a matcher: `[*]` any id, a bare `*` any one key; everything else literal. The
 * pattern comes from review.yaml, so it is matched without backtracking: the set of pattern positions is
 * carried along the path, one character at a time (time proportional to path × pattern length, whatever
 * the pattern), and a run of `*` is one step.
 */
function idPathPattern(pattern: string): (path: string) => boolean {
  const steps: GlobStep[] = [];
  for (let i = 0; i < pattern.length; i++) {
    if (pattern.startsWith('[*]', i)) {
      steps.push({ literal: '[' }, { anyExcept: ']' }, { literal: ']' });
      i += 2;
    } else if (pattern[i] === '*') {
      const last = steps[steps.length - 1];
      if (!(last && 'anyExcept' in last && last.anyExcept === '.[')) steps.push({ anyExcept: '.[' });
    } else steps.push({ literal: pattern[i]! });
  }
  const end = steps.length;
  /** Adds `position` and every position reachable from it through runs that match nothing. */
  const add = (set: Uint8Array, position: number) => {
    for (let p = position; p <= end; p++) {
      set[p] = 1;
      const step = steps[p];
      if (!step || !('anyExcept' in step)) break;
    }
  };
  return (path) => {
    let current = new Uint8Array(end + 1);
    let next = new Uint8Array(end + 1);
    add(current, 0);
    for (let i = 0; i < path.length; i++) {
      const c = path[i]!;
      next.fill(0);
      let alive = false;
      for (let p = 0; p < end; p++) {
        if (!current[p]) continue;
        const step = steps[p]!;
        if ('literal' in step) {
          if (step.literal === c) {
            add(next, p + 1);
            alive = true;
          }
        } else if (!step.anyExcept.includes(c)) {
          add(next, p);
          alive = true;
        }
      }
      if (!alive) return false;
      [current, next] = [next, current];
    }
    return current[end] === 1;
  };
}

/** Whether two leaf values agree: numbers within tolerance, text after trimming and Unicode normalization. */
export function valuesAgree(a: unknown, b: unknown, tolerance: number): boolean {
  if (a === undefined || a === null) return b === undefined || b === null;
  if (typeof a === 'number' && typeof b === 'number')
    return Math.abs(a - b) <= tolerance + 1e-12 * Math.max(1, Math.abs(a), Math.abs(b));
  if (typeof a === 'string' && typeof b === 'string')
    return a.trim().normalize('NFC') === b.trim().normalize('NFC');
  if (Array.isArray(a) && Array.isArray(b))
    return a.length === b.length && a.every((x, i) => valuesAgree(x, b[i], tolerance));
  if (isPlainObject(a) && isPlainObject(b)) {
    const keys = new Set([...Object.keys(a), ...Object.keys(b)]);
    return [...keys].every((k) => valuesAgree(a[k], b[k], tolerance));
  }
  return a === b;
}

const absent = (v: unknown) => v === undefined || v === null;

/** Arrays of mappings with an `id` are matched by id; any other array is one value. */
function isIdArray(value: unknown): value is Record<string, unknown>[] {
  return (
    Array.isArray(value) &&
    value.length > 0 &&
    value.every((item) => isPlainObject(item) && (typeof item.id === 'string' || typeof item.id === 'number'))
  );
}

function indexById(items: Record<string, unknown>[]): Map<string, number> {
  const map = new Map<string, number>();
  items.forEach((item, i) => {
    const id = String(item.id);
    if (!map.has(id)) map.set(id, i);
  });
  return map;
}

function join(path: string, key: string): string {
  return path === '' ? key : `${path}.${key}`;
}

function isIgnored(walk: Walk, key: string, path: string, topLevel: boolean): boolean {
  if (topLevel && BOOKKEEPING_FIELDS.includes(key)) return true;
  return walk.ignoreNames.has(key) || walk.ignorePatterns.some((matches) => matches(path));
}

function record(
  walk: Walk,
  entry: Omit<Disagreement, 'docPathA' | 'docPathB'> & { docPathA?: PathSegment[]; docPathB?: PathSegment[] },
  agreed: boolean,
  categorical: boolean,
): void {
  walk.result.pairs.push({
    field: entry.field,
    path: entry.path,
    agreed,
    a: entry.a,
    b: entry.b,
    categorical,
  });
  if (!agreed) walk.result.disagreements.push(entry);
}

function compareNodes(
  walk: Walk,
  a: unknown,
  b: unknown,
  path: string,
  field: string,
  docA: PathSegment[] | undefined,
  docB: PathSegment[] | undefined,
  anchorA: PathSegment[],
  anchorB: PathSegment[],
  matchedById = false,
): void {
  if (isPlainObject(a) && isPlainObject(b)) {
    const keys = [...new Set([...Object.keys(a), ...Object.keys(b)])];
    for (const key of keys) {
      const childPath = join(path, key);
      if (isIgnored(walk, key, childPath, path === '')) continue;
      // Items matched by id agree on it by construction: counting it would inflate the agreement.
      if (matchedById && key === 'id') continue;
      const inA = key in a && !absent(a[key]);
      const inB = key in b && !absent(b[key]);
      compareNodes(
        walk,
        a[key],
        b[key],
        childPath,
        // Keys of `results` are arm ids: one field across arms, like `arms[*]`.
        join(field, /(^|\.)results$/.test(field) ? '*' : key),
        inA ? [...docA!, key] : undefined,
        inB ? [...docB!, key] : undefined,
        inA ? [...docA!, key] : docA!,
        inB ? [...docB!, key] : docB!,
      );
    }
    return;
  }
  if (
    (isIdArray(a) || absent(a) || (Array.isArray(a) && a.length === 0)) &&
    (isIdArray(b) || absent(b) || (Array.isArray(b) && b.length === 0)) &&
    (isIdArray(a) || isIdArray(b))
  ) {
    const itemsA = isIdArray(a) ? a : [];
    const itemsB = isIdArray(b) ? b : [];
    const idsA = indexById(itemsA);
    const idsB = indexById(itemsB);
    for (const id of new Set([...idsA.keys(), ...idsB.keys()])) {
      const ia = idsA.get(id);
      const ib = idsB.get(id);
      const itemPath = `${path}[${id}]`;
      const itemField = `${field}[*]`;
      if (ia !== undefined && ib !== undefined) {
        compareNodes(
          walk,
          itemsA[ia],
          itemsB[ib],
          itemPath,
          itemField,
          [...docA!, ia],
          [...docB!, ib],
          [...docA!, ia],
          [...docB!, ib],
          true,
        );
      } else {
        // An arm (or outcome) in one record only is one disagreement about it, not one per field.
        record(
          walk,
          {
            path: itemPath,
            field: itemField,
            a: ia !== undefined ? itemsA[ia] : null,
            b: ib !== undefined ? itemsB[ib] : null,
            docPathA: ia !== undefined ? [...docA!, ia] : undefined,
            docPathB: ib !== undefined ? [...docB!, ib] : undefined,
            anchorA: ia !== undefined ? [...docA!, ia] : (docA ?? anchorA),
            anchorB: ib !== undefined ? [...docB!, ib] : (docB ?? anchorB),
          },
          false,
          false,
        );
      }
    }
    return;
  }
  if (absent(a) && absent(b)) return;
  const categorical = walk.isCategorical(docA ?? docB ?? [], docA ? walk.rootA : walk.rootB, field);
  record(
    walk,
    {
      path,
      field,
      a: a ?? null,
      b: b ?? null,
      docPathA: docA,
      docPathB: docB,
      anchorA: docA ?? anchorA,
      anchorB: docB ?? anchorB,
    },
    valuesAgree(a, b, walk.options.tolerance),
    categorical,
  );
}

const categoricalByField = new WeakMap<CompiledSchema, Map<string, boolean>>();

/**
 * Compares two reviewers' records of one study field by field over the union of both. Arrays of objects
 * are matched by `id`; ignored and bookkeeping fields are skipped.
 */
export function compareRecords(
  a: unknown,
  b: unknown,
  options: CompareOptions,
  schema?: CompiledSchema,
): RecordComparison {
  const ignoreNames = new Set(options.ignore.filter((i) => !/[.[\]*]/.test(i)));
  const ignorePatterns = options.ignore.filter((i) => /[.[\]*]/.test(i)).map(idPathPattern);
  const walk: Walk = {
    options,
    ignoreNames,
    ignorePatterns,
    result: { disagreements: [], pairs: [] },
    isCategorical: (docPath, root, field) => {
      if (!schema) return false;
      // One answer per field (`arms[*].group`): asking the schema at every value would dominate a review.
      let byField = categoricalByField.get(schema);
      if (!byField) categoricalByField.set(schema, (byField = new Map()));
      let answer = byField.get(field);
      if (answer === undefined) byField.set(field, (answer = isCategoricalField(schema, root, docPath)));
      return answer;
    },
    rootA: a,
    rootB: b,
  };
  compareNodes(walk, isPlainObject(a) ? a : {}, isPlainObject(b) ? b : {}, '', '', [], [], [], []);
  return walk.result;
}

/** A field whose schema fixes its possible values (enum, const or boolean): kappa applies to it. */
function isCategoricalField(schema: CompiledSchema, root: unknown, docPath: PathSegment[]): boolean {
  const contexts = schema.schemasAt(root, docPath);
  const fixed = contexts.some((c) => Array.isArray(c.schema.enum) || c.schema.type === 'boolean');
  const numeric = contexts.some(
    (c) =>
      c.schema.type === 'number' ||
      c.schema.type === 'integer' ||
      (Array.isArray(c.schema.type) && c.schema.type.some((t) => t === 'number' || t === 'integer')),
  );
  return fixed && !numeric;
}

/** Agreement over a set of compared pairs. */
export interface AgreementFigures {
  pairs: number;
  agreed: number;
  /** Percent agreement, 0–100; null without pairs. */
  percent: number | null;
  /** Cohen's kappa; null where undefined (not categorical, no pairs, or chance agreement of 1). */
  kappa: number | null;
}

/**
 * Cohen's kappa for two raters over paired categorical ratings: (po − pe) / (1 − pe), with pe from each
 * rater's marginal proportions. Undefined (null) when pe = 1.
 */
export function cohensKappa(ratings: [string, string][]): number | null {
  return kappaOf(tallyRatings(ratings));
}

/** The counts behind kappa: additive, so that a review's kappa can be summed from its studies'. */
interface RatingTally {
  n: number;
  agreed: number;
  countA: Map<string, number>;
  countB: Map<string, number>;
}

function tallyRatings(ratings: [string, string][]): RatingTally {
  const tally: RatingTally = { n: 0, agreed: 0, countA: new Map(), countB: new Map() };
  for (const [x, y] of ratings) {
    tally.n++;
    tally.countA.set(x, (tally.countA.get(x) ?? 0) + 1);
    tally.countB.set(y, (tally.countB.get(y) ?? 0) + 1);
    if (x === y) tally.agreed++;
  }
  return tally;
}

function kappaOf({ n, agreed, countA, countB }: RatingTally): number | null {
  if (n === 0) return null;
  const po = agreed / n;
  let pe = 0;
  for (const [category, ca] of countA) pe += (ca / n) * ((countB.get(category) ?? 0) / n);
  if (Math.abs(1 - pe) < 1e-12) return null;
  return (po - pe) / (1 - pe);
}

/** What the overall agreement of some compared pairs is made of; tallies of disjoint pairs add up. */
export interface AgreementTally {
  pairs: number;
  agreed: number;
  /** The categorical pairs, each value a category of its own field. */
  categorical: RatingTally;
}

export function tallyAgreement(pairs: ComparedPair[]): AgreementTally {
  return {
    pairs: pairs.length,
    agreed: pairs.filter((p) => p.agreed).length,
    categorical: tallyRatings(
      pairs
        .filter((p) => p.categorical)
        .map((p) => [`${p.field}=${categoryOf(p.a)}`, `${p.field}=${categoryOf(p.b)}`]),
    ),
  };
}

export function addTallies(tallies: Iterable<AgreementTally>): AgreementTally {
  const sum: AgreementTally = {
    pairs: 0,
    agreed: 0,
    categorical: { n: 0, agreed: 0, countA: new Map(), countB: new Map() },
  };
  for (const tally of tallies) {
    sum.pairs += tally.pairs;
    sum.agreed += tally.agreed;
    sum.categorical.n += tally.categorical.n;
    sum.categorical.agreed += tally.categorical.agreed;
    for (const [category, count] of tally.categorical.countA)
      sum.categorical.countA.set(category, (sum.categorical.countA.get(category) ?? 0) + count);
    for (const [category, count] of tally.categorical.countB)
      sum.categorical.countB.set(category, (sum.categorical.countB.get(category) ?? 0) + count);
  }
  return sum;
}

/** Percent agreement over every pair, and kappa over the categorical ones. */
export function overallAgreement(tally: AgreementTally): AgreementFigures {
  return {
    pairs: tally.pairs,
    agreed: tally.agreed,
    percent: tally.pairs > 0 ? (100 * tally.agreed) / tally.pairs : null,
    kappa: kappaOf(tally.categorical),
  };
}

function categoryOf(value: unknown): string {
  return value === null || value === undefined
    ? '(missing)'
    : typeof value === 'string'
      ? value.trim().normalize('NFC')
      : JSON.stringify(value);
}

/** Percent agreement and kappa per field (id paths with `*`) and overall. */
export function agreementStatistics(pairs: ComparedPair[]): {
  overall: AgreementFigures;
  fields: (AgreementFigures & { field: string })[];
} {
  const byField = new Map<string, ComparedPair[]>();
  for (const pair of pairs) {
    const list = byField.get(pair.field) ?? [];
    list.push(pair);
    byField.set(pair.field, list);
  }
  const figures = (list: ComparedPair[], kappa: number | null): AgreementFigures => {
    const agreed = list.filter((p) => p.agreed).length;
    return {
      pairs: list.length,
      agreed,
      percent: list.length > 0 ? (100 * agreed) / list.length : null,
      kappa,
    };
  };
  const fields = [...byField.entries()]
    .map(([field, list]) => {
      const categorical = list.every((p) => p.categorical);
      return {
        field,
        ...figures(
          list,
          categorical ? cohensKappa(list.map((p) => [categoryOf(p.a), categoryOf(p.b)])) : null,
        ),
      };
    })
    .sort((x, y) => (x.field < y.field ? -1 : x.field > y.field ? 1 : 0));
  // Overall kappa pools the categorical fields, each value a category of its own field.
  return { overall: overallAgreement(tallyAgreement(pairs)), fields };
}
