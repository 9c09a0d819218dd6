import { FAILSAFE_SCHEMA, load as loadYaml, Type as FastReaderType } from 'js-yaml';
import { isAlias, isCollection, isMap, isPair, isScalar, isSeq, parseDocument, Schema } from 'yaml';
import type { Alias, Document, Node, Pair, ParseOptions, ScalarTag, Tags } from 'yaml';
import { type Diagnostic, type Range } from '../common/diagnostic';
import { LineIndex } from './lineIndex';

/** Limits that keep a hostile or broken file from hanging or exhausting the process. */
export const YAML_LIMITS = {
  /** Bytes of text; a real record is a few kilobytes. */
  maxLength: 1024 * 1024,
  /** Nesting of mappings and sequences; a record needs about six levels. */
  maxDepth: 64,
  /** Alias expansions (YAML "billion laughs"). */
  maxAliasCount: 100,
  /**
   * Entries of one mapping or list (keys, arms, authors, results): a trial has a handful of arms and at
   * most some hundreds of authors. Beyond it the record is not validated further, since the schema
   * validator's error collection grows with the square of the errors (50,000 arms took 17 s).
   */
  maxEntries: 2000,
};

export type PathSegment = string | number;

/** A YAML text parsed with the positions of its nodes kept. */
export interface YamlFile {
  text: string;
  lines: LineIndex;
  /** Absent when the text could not be parsed at all (too large, binary, too deep). */
  doc: Document.Parsed | undefined;
  /** The plain data; `undefined` for an empty document. Only meaningful when `usable`. */
  value: unknown;
  /** Whether the data can be validated (no fatal parse problem). */
  usable: boolean;
  diagnostics: Diagnostic[];
}

/**
 * Both readers resolve plain scalars through these tags: the `yaml` package's YAML 1.2 core schema, except
 * that a numeral too large for a double (`1e400`) stays the text it is, with a warning, instead of
 * becoming infinity. `.inf` and `.nan`, written out, keep their meaning.
 */
function withNumeralsInRange(tags: Tags): Tags {
  return tags.map((tag) => (isImplicitScalarTag(tag) ? numeralsInRange(tag) : tag));
}

const NUMERAL_OUT_OF_RANGE = 'Number out of range:';

function numeralsInRange(tag: ImplicitScalarTag): ImplicitScalarTag {
  return {
    ...tag,
    resolve(source, onError, options) {
      const read = tag.resolve(source, onError, options);
      const value = isScalar(read) ? read.value : read;
      if (typeof value !== 'number' || Number.isFinite(value) || !/\d/.test(source)) return read;
      onError(
        `${NUMERAL_OUT_OF_RANGE} \`${source}\` is beyond what a number can hold (about ±1.8e308); it is read as text.`,
      );
      return source;
    },
  };
}

type ImplicitScalarTag = ScalarTag & { test: RegExp };

function isImplicitScalarTag(tag: Tags[number]): tag is ImplicitScalarTag {
  return typeof tag === 'object' && !Array.isArray(tag) && !tag.collection && tag.test instanceof RegExp;
}

/** How the positioned parser reads every text; the fast reader follows the same rules. */
const READING_OPTIONS = {
  // The library checks each key against every earlier one (quadratic: 50,000 keys took 25 s);
  // duplicateKeys() below does it with one set per mapping.
  uniqueKeys: false,
  // A key is the text written (`1.0:` is "1.0", `null:` is "null"); a list or a mapping as a key is an error.
  stringKeys: true,
  prettyErrors: false,
  strict: true,
  customTags: withNumeralsInRange,
  // Warnings are collected in `doc.warnings`; the library would also print them to the console.
  logLevel: 'error',
} as const satisfies ParseOptions & { customTags: (tags: Tags) => Tags; logLevel: 'error' };

function diagnostic(code: string, message: string, range: Range): Diagnostic {
  return { severity: 'error', code, message, range };
}

/** Parses YAML text; problems become diagnostics, never exceptions. */
export function parseYaml(text: string): YamlFile {
  const lines = new LineIndex(text.length > YAML_LIMITS.maxLength ? '' : text);
  const unusable = (code: string, message: string): YamlFile => ({
    text,
    lines,
    doc: undefined,
    value: undefined,
    usable: false,
    diagnostics: [diagnostic(code, message, lines.firstLineRange())],
  });
  if (text.length > YAML_LIMITS.maxLength) {
    return unusable(
      'file-too-large',
      `File is too large to check (${formatSize(text.length)}; the limit is ${formatSize(YAML_LIMITS.maxLength)}).`,
    );
  }
  if (text.includes('\0')) return unusable('not-text', 'File is not text (it contains NUL bytes).');
  // The parser builds every level of flow nesting before it can refuse it (1,000,000 `[` took 950 MB).
  // The scan counts brackets of plain text too, so its bound is far above maxDepth: no record comes near
  // it, and what stays below costs the parser a few megabytes before depthExceeds refuses it.
  if (
    flowNestingExceeds(text, 100 * YAML_LIMITS.maxDepth) ||
    compactNestingExceeds(text, YAML_LIMITS.maxDepth)
  )
    return unusable(
      'too-deep',
      `File is nested more than ${YAML_LIMITS.maxDepth} levels deep; it cannot be checked.`,
    );

  let doc: Document.Parsed;
  try {
    doc = parseDocument(text, READING_OPTIONS);
  } catch (error) {
    if (error instanceof RangeError) return unusable('too-deep', 'File is nested too deeply to check.');
    throw error;
  }

  const diagnostics: Diagnostic[] = [];
  // The parser records its own stack overflow on very deep nesting as a document error.
  const overflow = doc.errors.some((e) => /call stack/i.test(e.message));
  if (overflow || depthExceeds(doc.contents, YAML_LIMITS.maxDepth)) {
    return {
      text,
      lines,
      doc: undefined,
      value: undefined,
      usable: false,
      diagnostics: [
        diagnostic(
          'too-deep',
          `File is nested more than ${YAML_LIMITS.maxDepth} levels deep; it cannot be checked.`,
          lines.firstLineRange(),
        ),
      ],
    };
  }
  for (const error of doc.errors) {
    const range = lines.singleLineRange(error.pos[0], Math.max(error.pos[1], error.pos[0] + 1));
    if (error.code === 'TAG_RESOLVE_FAILED' && error.message.startsWith(NUMERAL_OUT_OF_RANGE)) {
      diagnostics.push({ severity: 'warning', code: 'yaml-warning', message: error.message, range });
      continue;
    }
    if (error.code === 'NON_STRING_KEY') {
      diagnostics.push(
        diagnostic(
          'yaml-syntax',
          'A key must be a name, not a list or a mapping (it would be read as the text of its YAML).',
          range,
        ),
      );
      continue;
    }
    diagnostics.push(diagnostic('yaml-syntax', `YAML syntax error: ${firstSentence(error.message)}`, range));
  }
  for (const start of duplicateKeys(doc.contents)) {
    // The squiggle covers the whole key, from its first character.
    const key = /^[^:\n]*/.exec(text.slice(start))![0].trimEnd();
    diagnostics.push(
      diagnostic(
        'duplicate-key',
        `Duplicate key \`${key}\`: each key may appear only once in a mapping (the last one would win).`,
        lines.singleLineRange(start, start + Math.max(1, key.length)),
      ),
    );
  }
  for (const warning of doc.warnings) {
    diagnostics.push({
      severity: 'warning',
      code: 'yaml-warning',
      message: firstSentence(warning.message),
      range: lines.singleLineRange(warning.pos[0], warning.pos[1]),
    });
  }

  const cycle = aliasCycle(doc.contents);
  if (cycle) {
    const at = cycle.range ? lines.singleLineRange(cycle.range[0], cycle.range[1]) : lines.firstLineRange();
    diagnostics.push(
      diagnostic(
        'alias-limit',
        `YAML alias \`*${cycle.source}\` lies inside the node anchored \`&${cycle.source}\`, so it would expand without end; the file cannot be checked. Write the values out instead.`,
        at,
      ),
    );
    return { text, lines, doc, value: undefined, usable: false, diagnostics };
  }

  let value: unknown;
  try {
    value = doc.toJS({ maxAliasCount: YAML_LIMITS.maxAliasCount });
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    const unresolved = /Unresolved alias[^:]*:\s*(\S+)/.exec(message);
    if (unresolved) {
      // The anchor is missing or defined after its use.
      const at = text.indexOf(`*${unresolved[1]}`);
      diagnostics.push(
        diagnostic(
          'yaml-syntax',
          `YAML alias \`*${unresolved[1]}\` refers to no anchor \`&${unresolved[1]}\` defined before it.`,
          at >= 0 ? lines.singleLineRange(at, at + unresolved[1]!.length + 1) : lines.firstLineRange(),
        ),
      );
    } else if (/excessive alias/i.test(message)) {
      diagnostics.push(
        diagnostic(
          'alias-limit',
          `Too many alias expansions (more than ${YAML_LIMITS.maxAliasCount}); the file cannot be checked safely.`,
          lines.firstLineRange(),
        ),
      );
    } else {
      diagnostics.push(
        diagnostic('yaml-syntax', `YAML error: ${firstSentence(message)}`, lines.firstLineRange()),
      );
    }
    return { text, lines, doc, value: undefined, usable: false, diagnostics };
  }
  // Syntax errors leave a partial document; it is still checked so that a half-typed record gets help.
  return { text, lines, doc, value, usable: true, diagnostics };
}

/**
 * The positioned parser's tags for untagged plain scalars, in the order it tries them (first match wins).
 * Quoted and block scalars are text on both readers.
 */
const PLAIN_SCALAR_TAGS = new Schema({ schema: 'core', customTags: withNumeralsInRange }).tags.filter(
  (tag): tag is ImplicitScalarTag => isImplicitScalarTag(tag) && tag.default === true,
);

/**
 * A plain scalar as the fast reader builds it. Used as a key, it is the text written (what `stringKeys`
 * gives the positioned parser); as a value, `settle` replaces it by its data.
 */
class PlainScalarReading {
  constructor(
    readonly source: string,
    readonly value: unknown,
  ) {}
  // js-yaml stringifies a key with `String()` unless it looks like a plain object.
  get [Symbol.toStringTag](): string {
    return 'PlainScalarReading';
  }
  toString(): string {
    return this.source;
  }
}

/**
 * Any of the tags' tests at once, so that most text (which none matches) costs one test. Each test is
 * anchored at both ends, so their union matches exactly what one of them matches (when none has flags).
 */
const ANY_PLAIN_SCALAR_TAG: Pick<RegExp, 'test'> = PLAIN_SCALAR_TAGS.every((tag) => tag.test.flags === '')
  ? new RegExp(PLAIN_SCALAR_TAGS.map((tag) => `(?:${tag.test.source})`).join('|'))
  : { test: (source: string) => PLAIN_SCALAR_TAGS.some((tag) => tag.test.test(source)) };

function readPlainScalar(source: string): PlainScalarReading {
  const tag = PLAIN_SCALAR_TAGS.find((t) => t.test.test(source))!;
  const read = tag.resolve(
    source,
    (message) => {
      // The positioned parser reports this scalar; the fast reader leaves the whole text to it.
      throw new Error(message);
    },
    READING_OPTIONS,
  );
  return new PlainScalarReading(source, isScalar(read) ? read.value : read);
}

const FAST_READER_SCHEMA = FAILSAFE_SCHEMA.extend({
  implicit: [
    new FastReaderType('tag:study-extraction.dev,2026:plain-scalar', {
      kind: 'scalar',
      resolve: (source: unknown) => typeof source === 'string' && ANY_PLAIN_SCALAR_TAG.test(source),
      construct: readPlainScalar,
    }),
  ],
});

/** Texts the fast reader leaves to the full parser, each for its reason. */
const NEEDS_FULL_PARSER = new RegExp(
  [
    // Anchors and aliases (bounded expansion, cycles), tags.
    /(?:^|[\s[{,:-])(?:!|[&*][^\s,\]}])/,
    // Directives: `%YAML 1.1` changes the schema; js-yaml also accepts an indented `---` after one.
    /^\ufeff?%/,
    // The rest is where js-yaml is laxer than YAML or reads it otherwise. Content on the `---` line:
    /^\ufeff?---(?:\S|[ \t]+[^\s#])/,
    // A byte order mark after the start, or before a first `-`:
    /[\s\S]\ufeff/,
    /^\ufeff[ \t]*-(?:\s|$)/,
    // A carriage return alone: a line break to js-yaml, text to the `yaml` package.
    /\r(?!\n)/,
    // A comment glued to a quote, a bracket or a comma.
    /["'[\]{},]#/,
    // An escaped line break followed by an empty line, in a double-quoted scalar.
    /\\\r?\n[ \t]*\r?\n/,
    // A tab in the indentation.
    /^[ \t]*\t/,
    // Block scalars: one that keeps its final line breaks (`|+`); one whose explicit indentation (`|2`) is
    // counted from another column at the top level; one that starts with blank lines holding spaces.
    /(?:^|\s)[|>][1-9]?\+[ \t]*(?:#.*)?\r?$/,
    /(?:^|\s)[|>](?:[1-9][-+]?|[-+][1-9])[ \t]*(?:#.*)?\r?$/,
    /(?:^|\s)[|>][-+]?[ \t]*(?:#.*)?\r?\n(?:[ \t]*\r?\n)*[ \t]+\r?\n/,
  ]
    .map((part) => part.source)
    .join('|'),
  'm',
);

/** A document that is a block scalar: js-yaml and YAML count its lines' indentation from different columns. */
const TOP_LEVEL_BLOCK_SCALAR =
  /^\ufeff?(?:[ \t]*(?:#.*)?\r?\n|%.*\r?\n|---[ \t]*(?:#.*)?\r?\n)*(?:---[ \t]+)?[ \t]*[|>]/;

/**
 * An empty sequence item (`-` alone on its line) whose next line is a `-` left of it: js-yaml lets the empty
 * item's sequence go on there, where YAML closes it. Groups: what precedes the item's dash, the next
 * line's indentation.
 */
const EMPTY_ITEM_THEN_DASH =
  /^([ \t]*(?:-[ \t]+)*)-[ \t]*(?:#.*)?\r?\n(?=(?:[ \t]*(?:#.*)?\r?\n)*([ \t]*)-(?:\s|$))/gm;

function needsFullParser(text: string): boolean {
  if (NEEDS_FULL_PARSER.test(text) || TOP_LEVEL_BLOCK_SCALAR.test(text)) return true;
  for (const match of text.matchAll(EMPTY_ITEM_THEN_DASH))
    if (match[2]!.length < match[1]!.length) return true;
  return false;
}

/**
 * The data of a YAML text, read by a fast parser without positions, for bulk work (checking thousands of
 * clean records, comparing, pooling). It reads every scalar with the positioned parser's own tags, so the
 * two agree on every value. `undefined` means "use `parseYaml`": the text has a construct the fast reader
 * does not handle the same way, or a problem that needs an exact position.
 */
export function fastYamlValue(text: string): { value: unknown } | undefined {
  if (text.length > YAML_LIMITS.maxLength || text.includes('\0') || needsFullParser(text)) return undefined;
  const collections = new Set<unknown>();
  let read: unknown;
  try {
    read = loadYaml(text, {
      schema: FAST_READER_SCHEMA,
      json: false,
      // js-yaml only warns where YAML says the text is wrong (a continuation line not indented enough).
      onWarning: (warning) => {
        throw warning;
      },
      listener: (event, state) => {
        if (event === 'close' && (state.kind === 'mapping' || state.kind === 'sequence'))
          collections.add(state.result);
      },
    });
  } catch {
    return undefined;
  }
  // An empty document is `null` for the positioned parser, `undefined` for js-yaml.
  return settle(read ?? null, collections, YAML_LIMITS.maxDepth);
}

/**
 * Replaces every plain scalar reading by its data, in place. `undefined` when the data is nested too deep;
 * has a key `null` (js-yaml names an empty key so too, where the positioned parser reads ""); or lacks one
 * of the lists and mappings js-yaml `built`: that one was a key, which js-yaml turned into a string.
 */
function settle(root: unknown, built: Set<unknown>, maxDepth: number): { value: unknown } | undefined {
  if (root instanceof PlainScalarReading) return built.size === 0 ? { value: root.value } : undefined;
  const stack: [unknown, number][] = [[root, 1]];
  while (stack.length > 0) {
    const [node, depth] = stack.pop()!;
    if (typeof node !== 'object' || node === null) continue;
    if (depth > maxDepth) return undefined;
    built.delete(node);
    if (Array.isArray(node)) {
      for (let i = 0; i < node.length; i++) {
        const child: unknown = node[i];
        if (child instanceof PlainScalarReading) node[i] = child.value;
        else stack.push([child, depth + 1]);
      }
      continue;
    }
    const map = node as Record<string, unknown>;
    for (const key of Object.keys(map)) {
      if (key === 'null') return undefined;
      const child = map[key];
      if (child instanceof PlainScalarReading) map[key] = child.value;
      else stack.push([child, depth + 1]);
    }
  }
  return built.size === 0 ? { value: root } : undefined;
}

const NO_LINES = new LineIndex('');

/**
 * A YAML text's data without positions, for work whose results are only counted (a validation probe,
 * progress totals): every range it yields is the start of the document.
 */
export function valueOnlyFile(text: string, value: unknown): YamlFile {
  return { text, lines: NO_LINES, doc: undefined, value, usable: true, diagnostics: [] };
}

/** The data of a YAML text: fast when it can be, else through the full parser (`undefined` if unusable). */
export function yamlValue(text: string): unknown {
  const fast = fastYamlValue(text);
  if (fast) return fast.value;
  const file = parseYaml(text);
  return file.usable ? file.value : undefined;
}

function firstSentence(message: string): string {
  const line = message.split('\n')[0]!.trim();
  return line.endsWith('.') || line.endsWith(':') ? line.replace(/:$/, '.') : `${line}.`;
}

function formatSize(bytes: number): string {
  return bytes >= 1024 * 1024 ? `${(bytes / (1024 * 1024)).toFixed(2)} MB` : `${Math.ceil(bytes / 1024)} KB`;
}

/** Iterative depth check, so that the check itself cannot overflow the stack. */
/**
 * Whether a line opens more than `max` block collections at once (`- - - … x`): the parser aborts the
 * whole process on a thousand of them (a fatal out-of-memory in its regular expressions, which no
 * `catch` sees), so they are refused before it runs. Real records open two or three on one line.
 */
function compactNestingExceeds(text: string, max: number): boolean {
  let lineStart = 0;
  while (lineStart < text.length) {
    let i = lineStart;
    while (text[i] === ' ') i++;
    let opened = 0;
    while (
      (text[i] === '-' || text[i] === '?' || text[i] === ':') &&
      (text[i + 1] === ' ' || text[i + 1] === '\t')
    ) {
      if (++opened > max) return true;
      i += 2;
      while (text[i] === ' ' || text[i] === '\t') i++;
    }
    const end = text.indexOf('\n', i);
    if (end < 0) break;
    lineStart = end + 1;
  }
  return false;
}

/**
 * Whether `[`/`{` nest deeper than `max` anywhere in the text, outside quoted scalars and comments: one
 * pass, no allocation. Block nesting is bounded after parsing (depthExceeds), where it costs nothing extra.
 */
function flowNestingExceeds(text: string, max: number): boolean {
  let depth = 0;
  let quote = '';
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (quote) {
      if (c === '\\' && quote === '"') i++;
      else if (c === quote) quote = '';
      continue;
    }
    if (c === '"' || c === "'") {
      // A quote starts a quoted scalar only where a value starts; elsewhere it is part of plain text.
      const before = text[i - 1];
      if (before === undefined || /[\s[{,:]/.test(before)) quote = c;
    } else if (c === '#' && (i === 0 || /\s/.test(text[i - 1]!))) {
      const end = text.indexOf('\n', i);
      if (end < 0) break;
      i = end;
    } else if (c === '[' || c === '{') {
      if (++depth > max) return true;
    } else if ((c === ']' || c === '}') && depth > 0) depth--;
  }
  return false;
}

/** Offsets of every key that repeats an earlier key of its mapping, in document order: linear in the keys. */
function duplicateKeys(root: unknown): number[] {
  const starts: number[] = [];
  const stack: unknown[] = [root];
  while (stack.length > 0) {
    const node = stack.pop();
    if (!isCollection(node)) continue;
    const seen = isMap(node) ? new Set<string>() : undefined;
    for (const item of node.items as unknown[]) {
      if (!isPair(item)) {
        stack.push(item);
        continue;
      }
      const key = keyText(item.key);
      const start = (item.key as Node | null)?.range?.[0];
      if (seen && key !== undefined && start !== undefined) {
        if (seen.has(key)) starts.push(start);
        else seen.add(key);
      }
      stack.push(item.key, item.value);
    }
  }
  return starts.sort((a, b) => a - b);
}

function depthExceeds(root: unknown, maxDepth: number): boolean {
  const stack: [unknown, number][] = [[root, 1]];
  while (stack.length > 0) {
    const [node, depth] = stack.pop()!;
    if (!isCollection(node)) continue;
    if (depth > maxDepth) return true;
    for (const item of node.items as unknown[]) {
      if (isPair(item)) {
        stack.push([item.key, depth + 1], [item.value, depth + 1]);
      } else stack.push([item, depth + 1]);
    }
  }
  return false;
}

/**
 * The first alias that lies inside the node it refers to (`a: &a [*a]`), whose data would be endless. An
 * alias refers to the last node anchored with its name before it, in document order (keys before values);
 * any cycle of aliases contains such an alias, since every other alias refers to a node that ends before it.
 */
function aliasCycle(root: unknown): Alias | undefined {
  const anchored = new Map<string, unknown>();
  const open = new Set<unknown>();
  const stack: { node: unknown; leaving: boolean }[] = [{ node: root, leaving: false }];
  while (stack.length > 0) {
    const { node, leaving } = stack.pop()!;
    if (leaving) {
      open.delete(node);
    } else if (isAlias(node)) {
      if (open.has(anchored.get(node.source))) return node;
    } else if (isPair(node)) {
      stack.push({ node: node.value, leaving: false }, { node: node.key, leaving: false });
    } else if (isScalar(node) || isCollection(node)) {
      if (node.anchor) anchored.set(node.anchor, node);
      if (isCollection(node)) {
        open.add(node);
        stack.push({ node, leaving: true });
        for (let i = node.items.length - 1; i >= 0; i--) stack.push({ node: node.items[i], leaving: false });
      }
    }
  }
  return undefined;
}

/** Where a document path leads in the YAML tree. */
export interface NodeLocation {
  /** The deepest node reached. */
  node: Node | undefined;
  /** The mapping pair whose value `node` is, when it is one. */
  pair: Pair<unknown, unknown> | undefined;
  /** How many path segments were matched; less than the path's length when the node is absent. */
  matched: number;
}

export function keyText(key: unknown): string | undefined {
  if (isScalar(key)) return key.value === null ? '' : String(key.value);
  if (key === null || key === undefined) return undefined;
  return typeof key === 'object' ? undefined : String(key);
}

/**
 * The pairs of a mapping by key text (the first of duplicate keys, as a lookup by key found it), built
 * once per mapping: a record with many diagnostics locates each in constant time, not in the mapping's size.
 */
const pairIndex = new WeakMap<object, { items: number; byKey: Map<string, Pair<unknown, unknown>> }>();
function pairsByKey(map: { items: Pair<unknown, unknown>[] }): Map<string, Pair<unknown, unknown>> {
  let index = pairIndex.get(map);
  // A mapping edited after it was indexed (items added or removed) is indexed again.
  if (!index || index.items !== map.items.length) {
    const byKey = new Map<string, Pair<unknown, unknown>>();
    for (const item of map.items) {
      const key = keyText(item.key);
      if (key !== undefined && !byKey.has(key)) byKey.set(key, item);
    }
    pairIndex.set(map, (index = { items: map.items.length, byKey }));
  }
  return index.byKey;
}

/** Follows a path of keys and indexes through mappings and sequences, as far as it exists. */
export function locate(doc: Document.Parsed | undefined, path: readonly PathSegment[]): NodeLocation {
  let node: Node | undefined = doc?.contents ?? undefined;
  let pair: Pair<unknown, unknown> | undefined;
  let matched = 0;
  for (const segment of path) {
    if (isAlias(node)) break;
    if (isMap(node)) {
      const found = pairsByKey(node).get(String(segment));
      if (!found) break;
      pair = found;
      node = (found.value ?? undefined) as Node | undefined;
      matched++;
      if (node === undefined) break;
    } else if (isSeq(node)) {
      const index = typeof segment === 'number' ? segment : /^\d+$/.test(segment) ? Number(segment) : -1;
      const item = index >= 0 ? node.items[index] : undefined;
      if (!item) break;
      pair = undefined;
      node = item as Node;
      matched++;
    } else break;
  }
  return { node, pair, matched };
}

/** Ranges of places in a parsed YAML file, chosen so that a squiggle lands where a reader looks. */
export class YamlLocator {
  constructor(private readonly file: YamlFile) {}

  /** The value at `path`; collections are marked by their key (or first line), never as a whole block. */
  valueRange(path: readonly PathSegment[]): Range {
    const location = locate(this.file.doc, path);
    if (location.matched < path.length) return this.nearestRange(location);
    const { node, pair } = location;
    const empty = !node || (node.range && node.range[0] === node.range[1]);
    if (node && node.range && !empty && !(isCollection(node) && !node.flow)) {
      return this.file.lines.singleLineRange(node.range[0], node.range[1]);
    }
    if (pair && isScalar(pair.key) && pair.key.range) return this.keyNodeRange(pair);
    return this.nearestRange(location);
  }

  /** The key of the pair at `path` (for unknown or misplaced fields). */
  keyRange(path: readonly PathSegment[]): Range {
    const location = locate(this.file.doc, path);
    if (location.matched === path.length && location.pair) return this.keyNodeRange(location.pair);
    return this.nearestRange(location);
  }

  /**
   * Where to report something missing inside the object at `path`: the key that introduces the object,
   * or the first line of a sequence item, or the start of the document for the top level.
   */
  containerRange(path: readonly PathSegment[]): Range {
    if (path.length === 0) return this.documentStartRange();
    const location = locate(this.file.doc, path);
    if (location.matched === path.length) {
      if (location.pair && typeof path[path.length - 1] === 'string') return this.keyNodeRange(location.pair);
      if (location.node?.range) return this.firstLineOf(location.node);
    }
    return this.nearestRange(location);
  }

  documentStartRange(): Range {
    const contents = this.file.doc?.contents;
    if (isMap(contents) && contents.items.length > 0) {
      const first = contents.items[0]!;
      if (isScalar(first.key) && first.key.range) return this.keyNodeRange(first);
    }
    if (contents && (contents as Node).range) return this.firstLineOf(contents);
    return this.file.lines.firstLineRange();
  }

  private keyNodeRange(pair: Pair<unknown, unknown>): Range {
    const key = pair.key as Node | null;
    if (key && key.range) return this.file.lines.singleLineRange(key.range[0], key.range[1]);
    const value = pair.value as Node | null;
    if (value?.range) return this.firstLineOf(value);
    return this.file.lines.firstLineRange();
  }

  private firstLineOf(node: Node): Range {
    const [start, end] = node.range!;
    return this.file.lines.singleLineRange(start, end);
  }

  private nearestRange(location: NodeLocation): Range {
    if (location.matched === 0) return this.documentStartRange();
    if (location.pair) return this.keyNodeRange(location.pair);
    if (location.node?.range) return this.firstLineOf(location.node);
    return this.documentStartRange();
  }
}
