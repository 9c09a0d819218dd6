import { isMap, isScalar, isSeq, type Node, type Pair } from 'yaml';
import type { Document } from 'yaml';
import { keyText, parseYaml, type PathSegment, type YamlFile } from './yamlDocument';

/** What the cursor is on in a parsed document. */
export interface NodeAtOffset {
  path: PathSegment[];
  /** On a mapping key (the path then names that key's value). */
  onKey: boolean;
  node: Node | undefined;
  pair: Pair<unknown, unknown> | undefined;
}

const contains = (node: unknown, offset: number, inclusiveEnd = true): boolean => {
  const range = (node as Node | null)?.range;
  return !!range && offset >= range[0] && (inclusiveEnd ? offset <= range[1] : offset < range[1]);
};

/** The deepest key or value under `offset`. */
export function nodeAt(doc: Document.Parsed | undefined, offset: number): NodeAtOffset | undefined {
  let node: Node | undefined = doc?.contents ?? undefined;
  if (!node || !contains(node, offset)) return undefined;
  const path: PathSegment[] = [];
  let pair: Pair<unknown, unknown> | undefined;
  for (;;) {
    if (isMap(node)) {
      const hit = node.items.find((item) => contains(item.key, offset) || contains(item.value, offset));
      if (!hit) return { path, onKey: false, node, pair };
      const key = keyText(hit.key);
      if (key === undefined) return { path, onKey: false, node, pair };
      path.push(key);
      pair = hit;
      if (contains(hit.key, offset))
        return { path, onKey: true, node: (hit.value ?? undefined) as Node | undefined, pair: hit };
      node = hit.value as Node;
    } else if (isSeq(node)) {
      const index = node.items.findIndex((item) => contains(item, offset));
      if (index < 0) return { path, onKey: false, node, pair };
      path.push(index);
      pair = undefined;
      node = node.items[index] as Node;
    } else {
      return { path, onKey: false, node, pair };
    }
  }
}

const MARKER = '__study_extraction_cursor__';

/** Where completion is asked for: a key of the object at `path`, or the value at `path`. */
export interface CompletionContext {
  kind: 'key' | 'value';
  /** For `key`: the object's path. For `value`: the value's path. */
  path: PathSegment[];
  /** The partial word before the cursor, which a completion replaces. */
  prefix: string;
  /** Offsets of the text a completion replaces (the word around the cursor). */
  replaceStart: number;
  replaceEnd: number;
  /**
   * For `key`: the key already has a value after its colon (on its line or indented below it), so a
   * completion replaces the name alone and keeps `: value`.
   */
  valueFollows: boolean;
  /** Keys already present in the object (for `key`), so they are not offered again. */
  existingKeys: string[];
  /** Whether the line is a new sequence item (`- |`), for the arm and outcome snippets. */
  newItem: boolean;
  /** Whether the key position is inside a flow mapping (`{ … }`), where only `key: value` fits. */
  inFlow: boolean;
  /** Column of the key being typed (its indentation). */
  indent: number;
  /** The document with the marker in place of the word: its data, for schema conditions. */
  value: unknown;
}

/**
 * Works out what is being typed at `offset`, even in a half-typed document: the word at the cursor is
 * replaced by a marker key (or value), the result parsed, and the marker found in the tree.
 */
export function completionContext(text: string, offset: number): CompletionContext | undefined {
  const lineStart = text.lastIndexOf('\n', offset - 1) + 1;
  const lineEndIndex = text.indexOf('\n', offset);
  const lineEnd = lineEndIndex < 0 ? text.length : lineEndIndex;
  const before = text.slice(lineStart, offset);
  if (/(^|\s)#/.test(before)) return undefined; // in a comment

  const wordStart = offset - (/[^\s:{},[\]]*$/.exec(before)?.[0].length ?? 0);
  const wordEndMatch = /^[^\s:{},[\]]*/.exec(text.slice(offset, lineEnd));
  const wordEnd = offset + (wordEndMatch?.[0].length ?? 0);
  const prefix = text.slice(wordStart, offset);
  const head = text.slice(lineStart, wordStart);

  // A value follows `key:` (block or flow); a key stands at the line start, after `- `, `{` or `,`.
  const flowHead = /[{,]\s*$/.test(head);
  const isValue = !flowHead && /:\s+$/.test(head) && !/^\s*-\s*$/.test(head);
  const newItem = /^\s*(-\s+)+$/.test(head);
  const inFlow = flowHead;
  const afterWord = text.slice(wordEnd, lineEnd);
  const rest = isValue ? afterWord : afterWord.replace(/^\s*:.*$/, '');
  const replacement = isValue ? MARKER : `${MARKER}: null`;
  const patched = text.slice(0, lineStart) + head + replacement + rest + text.slice(lineEnd);
  const file: YamlFile = parseYaml(patched);
  if (!file.doc) return undefined;
  const markerOffset = lineStart + head.length;
  const hit = nodeAt(file.doc, markerOffset + 1);
  if (!hit) return undefined;
  const pathHasMarker = hit.path[hit.path.length - 1] === MARKER;
  if (!isValue && !pathHasMarker) return undefined;
  const path = isValue ? hit.path : hit.path.slice(0, -1);
  if (isValue && !(isScalar(hit.node) && hit.node.value === MARKER)) return undefined;

  // `gro‸up: email` keeps its value; `gro‸up:` with nothing after the colon is replaced through the colon.
  const colon = isValue ? null : /^[ \t]*:(?=\s|$)/.exec(afterWord);
  const onLine = colon
    ? afterWord
        .slice(colon[0].length)
        .replace(/(^|\s)#.*$/, '')
        .trim()
    : '';
  const valueFollows = colon !== null && (onLine !== '' || indentedBelow(text, lineEnd, head.length));
  const replaceEnd = colon && !valueFollows ? wordEnd + colon[0].length : wordEnd;

  let existingKeys: string[] = [];
  if (!isValue) {
    let parent: unknown = file.value;
    for (const segment of path) parent = (parent as Record<string | number, unknown> | undefined)?.[segment];
    if (parent && typeof parent === 'object' && !Array.isArray(parent))
      existingKeys = Object.keys(parent).filter((k) => k !== MARKER);
  }
  return {
    kind: isValue ? 'value' : 'key',
    path,
    prefix,
    replaceStart: wordStart,
    replaceEnd,
    valueFollows,
    existingKeys,
    newItem,
    inFlow,
    indent: head.length,
    value: stripMarker(file.value),
  };
}

/** Whether the first line after `lineEnd` that holds more than a comment is indented deeper than `column`. */
function indentedBelow(text: string, lineEnd: number, column: number): boolean {
  for (const line of text.slice(lineEnd + 1).split(/\r?\n/)) {
    if (/^\s*(#.*)?$/.test(line)) continue;
    const indent = /^ */.exec(line)![0].length;
    return indent > column || (indent === column && /^ *- /.test(line));
  }
  return false;
}

function stripMarker(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(stripMarker);
  if (value && typeof value === 'object') {
    return Object.fromEntries(
      Object.entries(value)
        .filter(([k]) => k !== MARKER)
        .map(([k, v]) => [k, stripMarker(v)]),
    );
  }
  return value === MARKER ? undefined : value;
}
