// Where a field that a mapping lacks is written: at its place in schema order among the keys already
// there, as block lines (or `, key: ` inside a flow mapping), with the cursor on the first value to type.
import type { Position, TextEdit } from '../common/diagnostic';
import type { CompiledSchema } from '../schema/schema';
import { declaredProperties } from '../schema/schemaNavigator';
import { isMap, isScalar, type Node, type Pair } from 'yaml';
import { locate, type PathSegment, type YamlFile } from '../yaml/yamlDocument';

/** The edit that adds a field, and where the cursor goes once it is applied. */
export interface FieldInsertion {
  edit: TextEdit;
  cursor: Position;
}

/**
 * Adds `lines` (a field as block YAML at indentation 0: `online:`, `  mean:`, …) to the mapping at `path`,
 * placed after the last key that comes before `name` in schema order (else before the first key after it,
 * else last). The first leaf line (or line `cursorLine`) gets the cursor, and the blank after its colon
 * unless `cursorBlank` is false. `undefined` when the mapping cannot be found in the text.
 */
export function insertField(
  file: YamlFile,
  schema: CompiledSchema,
  path: PathSegment[],
  name: string,
  lines: string[],
  { cursorBlank = true, cursorLine }: { cursorBlank?: boolean; cursorLine?: number } = {},
): FieldInsertion | undefined {
  if (!file.doc || lines.length === 0) return undefined;
  const eol = file.text.includes('\r\n') ? '\r\n' : '\n';
  const leaf = cursorLine ?? lines.findIndex((line, i) => indentOf(lines[i + 1] ?? '') <= indentOf(line));
  const body = lines.map((line, i) => (i === leaf && cursorBlank ? `${line} ` : line));
  /** The edit writing `prefix`, the lines indented and `suffix` at `offset` (through `replaceTo`), and the cursor. */
  const insertion = (
    offset: number,
    indent: number,
    prefix: string,
    suffix = '',
    replaceTo = offset,
  ): FieldInsertion => {
    const pad = ' '.repeat(indent);
    // The first line continues the text before it, unless it starts a line of its own.
    const indented = body.map((line, i) => (i === 0 && !prefix.endsWith('\n') ? line : pad + line));
    const newText = prefix + indented.join(eol) + suffix;
    const before = prefix + indented.slice(0, leaf + 1).join(eol);
    const start = file.lines.positionAt(offset);
    const breaks = before.split('\n');
    const cursor =
      breaks.length === 1
        ? { line: start.line, character: start.character + before.length }
        : { line: start.line + breaks.length - 1, character: breaks[breaks.length - 1]!.length };
    return { edit: { range: { start, end: file.lines.positionAt(replaceTo) }, newText }, cursor };
  };

  if (path.length === 0 && !isMap(file.doc.contents)) {
    const needsBreak = file.text.length > 0 && !file.text.endsWith('\n');
    return insertion(file.text.length, 0, needsBreak ? eol : '', eol);
  }
  const location = locate(file.doc, path);
  if (location.matched !== path.length) return undefined;
  const node = location.node;

  if (isMap(node) && node.flow) {
    if (lines.length > 1 || !node.range) return undefined;
    const last = node.items[node.items.length - 1];
    const end = last ? endOf(last) : node.range[0] + 1;
    return insertion(end, 0, last ? ', ' : ' ', last ? '' : ' ');
  }

  if (isMap(node) && node.items.length > 0) {
    const firstKey = node.items[0]!.key as Node;
    const indent = file.lines.positionAt(firstKey.range![0]).character;
    const order = declaredProperties(schema.schemasAt(file.value, path));
    const rank = order.indexOf(name);
    const keyOf = (pair: Pair) => (isScalar(pair.key) ? String(pair.key.value) : '');
    let after: Pair | undefined;
    let before: Pair | undefined;
    for (const pair of node.items) {
      const at = order.indexOf(keyOf(pair));
      if (rank < 0 || at < 0) continue;
      if (at < rank) after = pair;
      else if (!before) before = pair;
    }
    if (!after && before) {
      // On the line of the first key after it: the field takes its place, that key moves down.
      const at = (before.key as Node).range![0];
      return insertion(at, indent, '', eol + ' '.repeat(indent));
    }
    const target = after ?? node.items[node.items.length - 1]!;
    const lineEnd = file.lines.lineEnd(file.lines.positionAt(Math.max(endOf(target) - 1, 0)).line);
    return insertion(lineEnd, indent, eol);
  }

  // An empty value (`results:`, `results: ~`): the field goes on the lines below its key.
  if (location.pair && isScalar(location.pair.key) && location.pair.key.range) {
    const keyStart = file.lines.positionAt(location.pair.key.range[0]);
    const keyEnd = location.pair.key.range[1];
    // `key: ~` or `key: null` loses its placeholder; an implicit null has an empty range.
    const placeholder =
      isScalar(node) && node.range && node.value === null && node.range[1] > node.range[0]
        ? node.range[1]
        : undefined;
    const colon = file.text.indexOf(':', keyEnd);
    if (colon < 0) return undefined;
    const from = placeholder !== undefined ? colon + 1 : file.lines.lineEnd(keyStart.line);
    const to = placeholder ?? from;
    return insertion(from, keyStart.character + 2, eol, '', to);
  }
  return undefined;
}

function indentOf(line: string): number {
  return line.trim() === '' ? -1 : /^ */.exec(line)![0].length;
}

/** Where a pair's text ends: its value's, or its key's when the value is empty. */
function endOf(pair: Pair): number {
  const value = pair.value as Node | null;
  if (value?.range) return value.range[1];
  return (pair.key as Node).range![1];
}
