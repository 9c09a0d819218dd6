import { CORE_SCHEMA, load as loadYaml } from 'js-yaml';
import { isAlias, isCollection, isMap, isPair, isScalar, isSeq, parseDocument } from 'yaml';
import type { Document, Node, Pair } from 'yaml';
import { type Diagnostic, type Range } from './diagnostic';
import { LineIndex } from './lineIndex';

/** Limits that keep a hostile or broken file from hanging or exhausting the process. */
export const YAML_LIMITS = {
  /** Bytes of text; a real record is a few kilobytes. */
  maxLength: 1024 * 1024,
  /** Nesting of mappings and sequences; a record needs about six levels. */
  maxDepth: 64,
  /** Alias expansions (YAML "billion laughs"). */
  maxAliasCount: 100,
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

  let doc: Document.Parsed;
  try {
    doc = parseDocument(text, {
      uniqueKeys: true,
      prettyErrors: false,
      strict: true,
      // Warnings are collected in `doc.warnings`; the library would also print them to the console.
      logLevel: 'error',
    });
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
    if (error.code === 'DUPLICATE_KEY') {
      // The error points at the key's first character; the squiggle covers the whole key.
      const key = /^[^:\n]*/.exec(text.slice(error.pos[0]))![0].trimEnd();
      diagnostics.push(
        diagnostic(
          'duplicate-key',
          `Duplicate key \`${key}\`: each key may appear only once in a mapping (the last one would win).`,
          lines.singleLineRange(error.pos[0], error.pos[0] + Math.max(1, key.length)),
        ),
      );
      continue;
    }
    const message = `YAML syntax error: ${firstSentence(error.message)}`;
    diagnostics.push(
      diagnostic(
        'yaml-syntax',
        message,
        lines.singleLineRange(error.pos[0], Math.max(error.pos[1], error.pos[0] + 1)),
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
 * Constructs that the fast reader leaves to the full parser: anchors and aliases (bounded expansion), tags,
 * directives and document markers, merge keys, and number spellings the two parsers read differently.
 */
const NEEDS_FULL_PARSER =
  /(^|[\s[{,:-])[&*!][^\s,\]}]|^%|^(---|\.\.\.)(\s|$)|<<\s*:|\b\d[\d_]*_\d|\b0[box][0-9a-f]|[-+]?\.(inf|nan)\b/im;

/**
 * The data of a YAML text, read by a fast parser without positions, for bulk work (checking thousands of
 * clean records, comparing, pooling). `undefined` means "use `parseYaml`": the text has a construct the
 * fast reader does not handle the same way, or a problem that needs an exact position.
 */
export function fastYamlValue(text: string): { value: unknown } | undefined {
  if (text.length > YAML_LIMITS.maxLength || text.includes('\0') || NEEDS_FULL_PARSER.test(text))
    return undefined;
  try {
    // An empty document is `null` for the positioned parser, `undefined` for js-yaml.
    const value = loadYaml(text, { schema: CORE_SCHEMA, json: false }) ?? null;
    return valueDepthExceeds(value, YAML_LIMITS.maxDepth) ? undefined : { value };
  } catch {
    return undefined;
  }
}

function valueDepthExceeds(root: unknown, maxDepth: number): boolean {
  const stack: [unknown, number][] = [[root, 1]];
  while (stack.length > 0) {
    const [node, depth] = stack.pop()!;
    if (typeof node !== 'object' || node === null) continue;
    if (depth > maxDepth) return true;
    for (const child of Object.values(node)) stack.push([child, depth + 1]);
  }
  return false;
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

/** Follows a path of keys and indexes through mappings and sequences, as far as it exists. */
export function locate(doc: Document.Parsed | undefined, path: readonly PathSegment[]): NodeLocation {
  let node: Node | undefined = doc?.contents ?? undefined;
  let pair: Pair<unknown, unknown> | undefined;
  let matched = 0;
  for (const segment of path) {
    if (isAlias(node)) break;
    if (isMap(node)) {
      const found = node.items.find((item) => keyText(item.key) === String(segment));
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
  return { node: node as Node | undefined, pair, matched };
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
    if (contents && (contents as Node).range) return this.firstLineOf(contents as Node);
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
