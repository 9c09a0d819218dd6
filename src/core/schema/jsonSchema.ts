import { RE2JS } from 're2js';

/** Plain JSON Schema objects as core handles them (2020-12; `true`/`false` schemas allowed). */
export type JsonSchema = boolean | JsonSchemaObject;

export interface JsonSchemaObject {
  [keyword: string]: unknown;
  $id?: string;
  $ref?: string;
  title?: string;
  description?: string;
  markdownDescription?: string;
  type?: string | string[];
  enum?: unknown[];
  enumDescriptions?: string[];
  const?: unknown;
  properties?: Record<string, JsonSchema>;
  patternProperties?: Record<string, JsonSchema>;
  additionalProperties?: JsonSchema;
  unevaluatedProperties?: JsonSchema;
  required?: string[];
  items?: JsonSchema;
  prefixItems?: JsonSchema[];
  allOf?: JsonSchema[];
  anyOf?: JsonSchema[];
  oneOf?: JsonSchema[];
  if?: JsonSchema;
  then?: JsonSchema;
  else?: JsonSchema;
  minimum?: number;
  maximum?: number;
  exclusiveMinimum?: number;
  exclusiveMaximum?: number;
  default?: unknown;
}

export function isSchemaObject(value: unknown): value is JsonSchemaObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Decodes one JSON-pointer segment: every `~1` to `/` and every `~0` to `~`, in that order. */
export function unescapePointerSegment(segment: string): string {
  return segment.replace(/~1/g, '/').replace(/~0/g, '~');
}

/**
 * Splits a JSON pointer (`/arms/0/n`) into decoded segments. A pointer taken from a URI fragment
 * (`#/$defs/a%20b`) is percent-encoded as well; an ajv `instancePath` is not.
 */
export function parsePointer(pointer: string, fromUriFragment = false): string[] {
  if (pointer === '') return [];
  return pointer
    .slice(pointer.startsWith('/') ? 1 : 0)
    .split('/')
    .map((segment) => unescapePointerSegment(fromUriFragment ? safeDecodeURIComponent(segment) : segment));
}

function safeDecodeURIComponent(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}

/** Resolves a URI-fragment JSON pointer (`/a/b`) inside a value. */
export function resolvePointer(root: unknown, pointer: string): unknown {
  let node = root;
  for (const segment of parsePointer(pointer, true)) {
    if (Array.isArray(node)) node = node[Number(segment)];
    else if (typeof node === 'object' && node !== null) node = (node as Record<string, unknown>)[segment];
    else return undefined;
  }
  return node;
}

/** A compiled pattern: what ajv's `code.regExp` engine and the navigator need of it. */
export interface LinearRegExp {
  test(text: string): boolean;
  toString(): string;
}

/** Why a schema pattern cannot be used, in words; `kind` says whether ECMAScript or the engine refused it. */
export interface PatternProblem {
  kind: 'invalid' | 'unsupported';
  message: string;
}

/** JavaScript's `\s` (WhiteSpace and LineTerminator), which RE2 limits to ASCII. */
const JS_WHITESPACE =
  '\\t\\n\\x{B}\\f\\r \\x{A0}\\x{1680}\\x{2000}-\\x{200A}\\x{2028}\\x{2029}\\x{202F}\\x{205F}\\x{3000}\\x{FEFF}';

/**
 * Rewrites an ECMAScript pattern (as JSON Schema defines `pattern`) in RE2 syntax where the two spell the
 * same thing differently: `\uXXXX` and `\u{…}` escapes, `\cX`, `.` (which excludes every line
 * terminator), `\s`/`\S` (Unicode white space) and a literal `[` inside a class (RE2 reads `[:alpha:]`).
 * Everything RE2 cannot express (backreferences, lookaround) is left for RE2 to reject.
 */
function toRe2Syntax(pattern: string): string {
  let out = '';
  let inClass = false;
  const hex = (code: number) => `\\x{${code.toString(16).toUpperCase()}}`;
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i]!;
    if (c === '\\') {
      const next = pattern[i + 1];
      if (next === undefined) {
        out += c;
        continue;
      }
      if (next === 'u') {
        const braced = /^\{([0-9A-Fa-f]{1,6})\}/.exec(pattern.slice(i + 2, i + 10));
        if (braced) {
          out += hex(parseInt(braced[1]!, 16));
          i += 1 + braced[0].length;
          continue;
        }
        const four = /^[0-9A-Fa-f]{4}/.exec(pattern.slice(i + 2, i + 6));
        if (four) {
          let code = parseInt(four[0], 16);
          i += 5;
          // A surrogate pair written as two escapes is one code point in a Unicode pattern.
          const low = /^\\u([Dd][C-Fc-f][0-9A-Fa-f]{2})/.exec(pattern.slice(i + 1, i + 7));
          if (code >= 0xd800 && code <= 0xdbff && low) {
            code = 0x10000 + ((code - 0xd800) << 10) + (parseInt(low[1]!, 16) - 0xdc00);
            i += 6;
          }
          out += hex(code);
          continue;
        }
      }
      if (next === 'c' && /[A-Za-z]/.test(pattern[i + 2] ?? '')) {
        out += hex(pattern.charCodeAt(i + 2) % 32);
        i += 2;
        continue;
      }
      if (next === 'b' && inClass) out += hex(8);
      else if (next === 's') out += inClass ? JS_WHITESPACE : `[${JS_WHITESPACE}]`;
      else if (next === 'S' && !inClass) out += `[^${JS_WHITESPACE}]`;
      else out += c + next;
      i++;
      continue;
    }
    if (inClass) {
      if (c === ']') inClass = false;
      out += c === '[' ? '\\[' : c;
      continue;
    }
    if (pattern.startsWith('[^]', i) || pattern.startsWith('[]', i)) {
      // ECMAScript's `[^]` matches any character and `[]` none; RE2 reads the `]` as a literal.
      const any = pattern[i + 1] === '^';
      out += any ? '[\\x{0}-\\x{10FFFF}]' : '[^\\x{0}-\\x{10FFFF}]';
      i += any ? 2 : 1;
      continue;
    }
    if (c === '[') {
      inClass = true;
      out += c;
      if (pattern[i + 1] === '^') out += pattern[++i];
      continue;
    }
    out += c === '.' ? '[^\\n\\r\\x{2028}\\x{2029}]' : c;
  }
  return out;
}

const linearRegExps = new Map<string, LinearRegExp | PatternProblem>();

/**
 * Compiles a schema pattern for RE2JS, a linear-time engine: no pattern, however written, can make
 * matching backtrack for minutes. A pattern that is not valid ECMAScript, or that RE2 cannot run, gives
 * a problem instead.
 */
export function compileSchemaPattern(pattern: string): LinearRegExp | PatternProblem {
  const cached = linearRegExps.get(pattern);
  if (cached) return cached;
  let result: LinearRegExp | PatternProblem;
  try {
    // Compiling (never running) a JavaScript RegExp is safe: it checks the pattern's ECMAScript syntax.
    new RegExp(pattern, 'u');
    try {
      const compiled = RE2JS.compile(toRe2Syntax(pattern));
      // RE2 is the guarantee; a pattern that cannot backtrack more than linearly runs natively (5-10× faster).
      result = backtracksLinearly(pattern)
        ? new RegExp(pattern, 'u')
        : { test: (text) => compiled.test(text), toString: () => `/${pattern}/u` };
    } catch (error) {
      result = { kind: 'unsupported', message: unsupportedPatternReason(pattern, errorText(error)) };
    }
  } catch (error) {
    // V8 says "Invalid regular expression: /<pattern>/u: <reason>": the reason is what is new.
    const message = errorText(error);
    result = { kind: 'invalid', message: message.slice(message.lastIndexOf(': ') + 2) };
  }
  if (linearRegExps.size > 10_000) linearRegExps.clear();
  linearRegExps.set(pattern, result);
  return result;
}

/** Above these, a pattern runs on RE2 even when its shape is linear. */
const NATIVE_LIMITS = { length: 200, choices: 64 };

/**
 * Whether a backtracking engine matches `pattern` in time linear in the text, by its shape: anchored at
 * the start (one starting position); no lookaround, backreference or quantified group; at most one
 * unbounded quantifier, followed by nothing but the end of its groups and `$` (nothing after it to retry);
 * and few choices (alternatives × counts of bounded quantifiers), each of which can be retried at most
 * once per character. Shapes such as `^[a-z0-9][a-z0-9._-]*$` or `^10\.\d{4,9}/\S+$`: most id patterns.
 */
export function backtracksLinearly(pattern: string): boolean {
  if (!pattern.startsWith('^') || pattern.length > NATIVE_LIMITS.length) return false;
  let choices = 1;
  let unboundedSeen = false;
  /** Alternatives of each open group. */
  const groups: number[] = [];
  /** What the last item was: a quantifiable atom, a group just closed, or nothing quantifiable. */
  let last: 'atom' | 'group' | 'none' = 'none';
  for (let i = 1; i < pattern.length; i++) {
    const c = pattern[i]!;
    if (unboundedSeen && c !== ')' && c !== '$') return false;
    if (c === '\\') {
      const next = pattern[i + 1];
      if (next === undefined || /[1-9k]/.test(next)) return false;
      if ((next === 'p' || next === 'P' || next === 'u' || next === 'x') && pattern[i + 2] === '{') {
        const end = pattern.indexOf('}', i + 3);
        if (end < 0) return false;
        i = end;
      } else i++;
      last = 'atom';
    } else if (c === '[') {
      let j = i + 1;
      if (pattern[j] === '^') j++;
      for (; j < pattern.length && pattern[j] !== ']'; j++) if (pattern[j] === '\\') j++;
      if (j >= pattern.length) return false;
      i = j;
      last = 'atom';
    } else if (c === '(') {
      if (pattern[i + 1] === '?') {
        const kind = pattern[i + 2];
        if (kind === '<' && /[^=!]/.test(pattern[i + 3] ?? '')) {
          const end = pattern.indexOf('>', i + 3);
          if (end < 0) return false;
          i = end;
        } else if (kind === ':') i += 2;
        else return false;
      }
      groups.push(1);
      last = 'none';
    } else if (c === ')') {
      const alternatives = groups.pop();
      if (alternatives === undefined) return false;
      choices *= alternatives;
      last = 'group';
    } else if (c === '|') {
      if (groups.length === 0) return false;
      groups[groups.length - 1]!++;
      last = 'none';
    } else if (c === '*' || c === '+' || c === '?' || c === '{') {
      let min = 0;
      let max = Infinity;
      if (c === '+') min = 1;
      else if (c === '?') max = 1;
      else if (c === '{') {
        const counted = /^\{(\d+)(,(\d*))?\}/.exec(pattern.slice(i));
        if (!counted) return false;
        min = Number(counted[1]);
        max = counted[2] === undefined ? min : counted[3] === '' ? Infinity : Number(counted[3]);
        i += counted[0].length - 1;
      }
      if (last !== 'atom') return false;
      if (pattern[i + 1] === '?') i++;
      if (max === Infinity) unboundedSeen = true;
      else choices *= max - min + 1;
      last = 'none';
    } else last = c === '$' || c === '^' ? 'none' : 'atom';
    if (choices > NATIVE_LIMITS.choices) return false;
  }
  return groups.length === 0;
}

export function isPatternProblem(value: LinearRegExp | PatternProblem): value is PatternProblem {
  return 'kind' in value;
}

function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

function unsupportedPatternReason(pattern: string, engineMessage: string): string {
  if (/\(\?<?[=!]/.test(pattern))
    return 'lookahead and lookbehind (`(?=`, `(?!`, `(?<=`, `(?<!`) are not supported';
  if (/\\[1-9]|\\k</.test(pattern)) return 'backreferences (`\\1`, `\\k<name>`) are not supported';
  return engineMessage.replace(/^error parsing regexp: /, '');
}

/**
 * ajv's `code.regExp` option: `pattern` and `patternProperties` compiled by the linear-time engine. ajv
 * keys compiled patterns by `toString()`, so each pattern must print differently.
 */
export const linearRegExpEngine = Object.assign(
  (pattern: string, _flags: string): LinearRegExp => {
    const compiled = compileSchemaPattern(pattern);
    if (isPatternProblem(compiled)) throw new Error(`pattern "${pattern}": ${compiled.message}`);
    return compiled;
  },
  { code: 'linearRegExp' },
);

/** Keywords whose value is one subschema, a list of subschemas, or subschemas by name. */
const SINGLE_SUBSCHEMA_KEYWORDS = [
  'items',
  'additionalItems',
  'additionalProperties',
  'unevaluatedProperties',
  'unevaluatedItems',
  'contains',
  'propertyNames',
  'not',
  'if',
  'then',
  'else',
];
const SUBSCHEMA_LIST_KEYWORDS = ['allOf', 'anyOf', 'oneOf', 'prefixItems', 'items'];
const SUBSCHEMA_MAP_KEYWORDS = ['properties', 'patternProperties', 'dependentSchemas'];
const DEFINITION_KEYWORDS = ['$defs', 'definitions'];

/**
 * The subschemas directly inside `schema`, each with the path from `schema` to it. Definitions (`$defs`)
 * are included only when asked: they apply to nothing unless a `$ref` points at them.
 */
export function subschemaEntries(
  schema: JsonSchemaObject,
  { definitions }: { definitions: boolean },
): { path: (string | number)[]; schema: JsonSchemaObject }[] {
  const entries: { path: (string | number)[]; schema: JsonSchemaObject }[] = [];
  for (const keyword of SINGLE_SUBSCHEMA_KEYWORDS) {
    const sub = schema[keyword];
    if (isSchemaObject(sub)) entries.push({ path: [keyword], schema: sub });
  }
  for (const keyword of SUBSCHEMA_LIST_KEYWORDS) {
    const list = schema[keyword];
    if (Array.isArray(list))
      list.forEach((sub, i) => {
        if (isSchemaObject(sub)) entries.push({ path: [keyword, i], schema: sub });
      });
  }
  for (const keyword of [...SUBSCHEMA_MAP_KEYWORDS, ...(definitions ? DEFINITION_KEYWORDS : [])]) {
    const map = schema[keyword];
    if (isSchemaObject(map))
      for (const [name, sub] of Object.entries(map))
        if (isSchemaObject(sub)) entries.push({ path: [keyword, name], schema: sub });
  }
  return entries;
}

/**
 * The offset of the first `{` or `[` of a JSON text nested deeper than `maxDepth`, found by a scan that
 * does not recurse: JSON parsers do, and overflow the stack on a hostile file.
 */
export function jsonNestingOverflow(text: string, maxDepth: number): number | undefined {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      // A JSON string ends at its quote; a raw line break ends it too, so that an unmatched quote cannot
      // hide the brackets after it (from the YAML parser, which reads them).
      if (c === 0x5c && text.charCodeAt(i + 1) !== 0x0a) i++;
      else if (c === 0x22 || c === 0x0a || c === 0x0d) inString = false;
    } else if (c === 0x22) inString = true;
    else if (c === 0x7b || c === 0x5b) {
      if (++depth > maxDepth) return i;
    } else if (c === 0x7d || c === 0x5d) depth = Math.max(0, depth - 1);
  }
  return undefined;
}

/** A JSON pointer for a path, for messages (`/properties/arms/items`). */
export function pointerOf(path: readonly (string | number)[]): string {
  return path.length === 0
    ? '/'
    : path.map((s) => `/${String(s).replace(/~/g, '~0').replace(/\//g, '~1')}`).join('');
}
