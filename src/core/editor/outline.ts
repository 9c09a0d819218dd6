import { isCollection, isMap, isScalar, isSeq, type Node } from 'yaml';
import { nodeAt } from '../yaml/cursor';
import type { Range } from '../common/diagnostic';
import { isPlainObject } from '../common/values';
import { readArm, readOutcome, readRecord, writtenText } from '../record/model';
import { keyText, YamlLocator, type PathSegment, type YamlFile } from '../yaml/yamlDocument';

export interface OutlineSymbol {
  name: string;
  detail?: string;
  kind: 'field' | 'arm' | 'outcome' | 'result' | 'list' | 'object';
  /** The whole entry. */
  range: Range;
  /** The name to highlight. */
  selectionRange: Range;
  children: OutlineSymbol[];
}

function nodeRange(file: YamlFile, node: Node | null | undefined, fallback: Range): Range {
  if (!node?.range) return fallback;
  const end = Math.max(node.range[0], node.range[1]);
  // Block collections end after their last line break; stop at the last character instead.
  let last = end;
  while (last > node.range[0] && /\s/.test(file.text[last - 1] ?? '')) last--;
  return file.lines.rangeOf(node.range[0], last);
}

/** The record as an outline: top-level fields, each arm and outcome by id, the results per arm. */
export function outline(file: YamlFile): OutlineSymbol[] {
  const contents = file.doc?.contents;
  if (!isMap(contents)) return [];
  const locator = new YamlLocator(file);
  const symbols: OutlineSymbol[] = [];
  for (const pair of contents.items) {
    const key = keyText(pair.key);
    if (key === undefined) continue;
    const keyRange = locator.keyRange([key]);
    const value = pair.value as Node | null;
    const whole: Range = { start: keyRange.start, end: nodeRange(file, value, keyRange).end };
    const symbol: OutlineSymbol = {
      name: key,
      kind: isSeq(value) ? 'list' : isMap(value) ? 'object' : 'field',
      range: whole,
      selectionRange: keyRange,
      children: [],
    };
    if (isScalar(value)) symbol.detail = String(value.value ?? '');
    if ((key === 'arms' || key === 'outcomes') && isSeq(value)) {
      value.items.forEach((item, index) => {
        if (!isMap(item)) return;
        const data: unknown = item.toJSON();
        const arm = key === 'arms' ? readArm(data, index) : undefined;
        const outcome = key === 'outcomes' ? readOutcome(data, index) : undefined;
        const id = (arm ?? outcome)?.id ?? null;
        const itemRange = nodeRange(file, item, keyRange);
        const n = arm && writtenText(arm.n);
        const child: OutlineSymbol = {
          // An item without an id is named by its position (a symbol's name must not be empty).
          name: id ?? `#${index + 1}`,
          detail: arm
            ? [arm.group, n === undefined ? undefined : `n=${n}`].filter(Boolean).join(' · ')
            : [outcome?.type, outcome?.instrument, outcome?.timepoint].filter(Boolean).join(' · '),
          kind: key === 'arms' ? 'arm' : 'outcome',
          range: itemRange,
          selectionRange: id !== null ? locator.valueRange([key, index, 'id']) : itemRange,
          children: [],
        };
        const results = item.get('results', true);
        if (key === 'outcomes' && isMap(results)) {
          for (const resultPair of results.items) {
            const armId = keyText(resultPair.key);
            if (armId === undefined) continue;
            const armKey = locator.keyRange([key, index, 'results', armId]);
            child.children.push({
              name: armId,
              detail: isCollection(resultPair.value) ? summarizeResult(resultPair.value.toJSON()) : undefined,
              kind: 'result',
              range: { start: armKey.start, end: nodeRange(file, resultPair.value as Node, armKey).end },
              selectionRange: armKey,
              children: [],
            });
          }
        }
        symbol.children.push(child);
      });
    }
    symbols.push(symbol);
  }
  return symbols;
}

function summarizeResult(result: unknown): string | undefined {
  if (!isPlainObject(result)) return undefined;
  return Object.entries(result)
    .filter(([, v]) => typeof v !== 'object')
    .map(([k, v]) => `${k} ${String(v)}`)
    .join(', ');
}

/** Line ranges that can fold: every block mapping or sequence that spans lines. */
export function foldingRanges(file: YamlFile): { startLine: number; endLine: number }[] {
  const ranges: { startLine: number; endLine: number }[] = [];
  const visit = (node: unknown, startLine: number | undefined, root = false) => {
    if (!isCollection(node) || !node.range) return;
    const whole = nodeRange(file, node, file.lines.rangeOf(node.range[0], node.range[0]));
    const from = startLine ?? whole.start.line;
    // The record as a whole folds to nothing useful, and would hide a first field's own range.
    if (!root && whole.end.line > from) ranges.push({ startLine: from, endLine: whole.end.line });
    for (const item of node.items as unknown[]) {
      if (isMap(node)) {
        const pair = item as { key: Node | null; value: unknown };
        const keyLine = pair.key?.range ? file.lines.positionAt(pair.key.range[0]).line : undefined;
        visit(pair.value, keyLine);
      } else visit(item, undefined);
    }
  };
  visit(file.doc?.contents, undefined, true);
  return ranges.filter((r, i, all) => all.findIndex((o) => o.startLine === r.startLine) === i);
}

/** From an arm id used in `results` (or anywhere an arm id is a key), the arm's `id` value. */
export function definition(file: YamlFile, offset: number): Range | undefined {
  if (!file.usable || !isPlainObject(file.value)) return undefined;
  const hit = nodeAt(file.doc, offset);
  if (!hit) return undefined;
  const path: PathSegment[] = hit.path;
  const isResultKey = path.length === 4 && path[0] === 'outcomes' && path[2] === 'results' && hit.onKey;
  if (!isResultKey) return undefined;
  const arm = typeof path[3] === 'string' ? readRecord(file.value).arm(path[3]) : undefined;
  if (!arm) return undefined;
  return new YamlLocator(file).valueRange(['arms', arm.index, 'id']);
}
