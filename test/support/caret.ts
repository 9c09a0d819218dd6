// Positions written into a test's text instead of computed: `‸` marks the caret and `⟦…⟧` a range, so
// that what a test expects is seen where it is. Neither character is YAML syntax, nor does any record use
// them. Positions are 0-based lines and UTF-16 characters, as LSP and core count them.

export const CARET = '‸';
export const RANGE_START = '⟦';
export const RANGE_END = '⟧';

export interface Position {
  line: number;
  character: number;
}

export interface Range {
  start: Position;
  end: Position;
}

export interface TextEdit {
  range: Range;
  newText: string;
}

export interface Marked {
  /** The text without its markers. */
  text: string;
  /** Where `‸` stood, if it did. */
  caret: Position | undefined;
  /** Offset of `‸` in `text`. */
  caretOffset: number | undefined;
  /** The `⟦…⟧` ranges in the order they open (they may nest). */
  ranges: Range[];
}

/** Offsets where lines start; `\n`, `\r\n` and a lone `\r` end a line, as in LSP. */
function lineStarts(text: string): number[] {
  const starts = [0];
  for (let i = 0; i < text.length; i++) {
    if (text[i] === '\r' && text[i + 1] === '\n') i++;
    if (text[i] === '\n' || text[i] === '\r') starts.push(i + 1);
  }
  return starts;
}

export function positionAt(text: string, offset: number): Position {
  const starts = lineStarts(text);
  let line = 0;
  while (line + 1 < starts.length && starts[line + 1]! <= offset) line++;
  return { line, character: offset - starts[line]! };
}

export function offsetAt(text: string, position: Position): number {
  const starts = lineStarts(text);
  if (position.line >= starts.length) throw new Error(`line ${position.line} is past the end of the text`);
  const offset = starts[position.line]! + position.character;
  const next = position.line + 1 < starts.length ? starts[position.line + 1]! : text.length + 1;
  if (position.character < 0 || offset >= next)
    throw new Error(`${position.line}:${position.character} is past the end of its line`);
  return offset;
}

/** Reads the markers out of `source`. */
export function marked(source: string): Marked {
  let text = '';
  let caretOffset: number | undefined;
  const open: { start: number; index: number }[] = [];
  const offsets: { start: number; end: number }[] = [];
  for (const ch of source) {
    if (ch === CARET) {
      if (caretOffset !== undefined) throw new Error('more than one caret');
      caretOffset = text.length;
    } else if (ch === RANGE_START) {
      open.push({ start: text.length, index: offsets.length });
      offsets.push({ start: text.length, end: -1 });
    } else if (ch === RANGE_END) {
      const range = open.pop();
      if (!range) throw new Error(`${RANGE_END} without ${RANGE_START}`);
      offsets[range.index]!.end = text.length;
    } else text += ch;
  }
  if (open.length > 0) throw new Error(`${RANGE_START} without ${RANGE_END}`);
  return {
    text,
    caret: caretOffset === undefined ? undefined : positionAt(text, caretOffset),
    caretOffset,
    ranges: offsets.map((o) => ({ start: positionAt(text, o.start), end: positionAt(text, o.end) })),
  };
}

/** The text and position of its one caret. */
export function caret(source: string): { text: string; position: Position; offset: number } {
  const read = marked(source);
  if (read.caretOffset === undefined || read.caret === undefined) throw new Error('no caret in the text');
  if (read.ranges.length > 0) throw new Error('ranges in a caret text');
  return { text: read.text, position: read.caret, offset: read.caretOffset };
}

/** The text and its one marked range. */
export function oneRange(source: string): { text: string; range: Range } {
  const read = marked(source);
  if (read.ranges.length !== 1 || read.caret) throw new Error('expected exactly one range and no caret');
  return { text: read.text, range: read.ranges[0]! };
}

/** `text` with `⟦…⟧` around each range and `‸` at `caretAt`: what a failing assertion shows. */
export function mark(text: string, ranges: readonly Range[], caretAt?: Position): string {
  // At one offset: ranges that end there close (inner first), the caret, empty ranges, then ranges that
  // start there open (outer first).
  const inserts: { offset: number; rank: number; tie: number; marker: string }[] = [];
  for (const range of ranges) {
    const start = offsetAt(text, range.start);
    const end = offsetAt(text, range.end);
    if (end < start) throw new Error('a range ends before it starts');
    if (start === end) inserts.push({ offset: start, rank: 2, tie: 0, marker: RANGE_START + RANGE_END });
    else {
      inserts.push({ offset: end, rank: 0, tie: -start, marker: RANGE_END });
      inserts.push({ offset: start, rank: 3, tie: -end, marker: RANGE_START });
    }
  }
  if (caretAt) inserts.push({ offset: offsetAt(text, caretAt), rank: 1, tie: 0, marker: CARET });
  inserts.sort((a, b) => a.offset - b.offset || a.rank - b.rank || a.tie - b.tie);
  let result = '';
  let at = 0;
  for (const insert of inserts) {
    result += text.slice(at, insert.offset) + insert.marker;
    at = insert.offset;
  }
  return result + text.slice(at);
}

/** Applies non-overlapping edits whose ranges refer to `text` as it is. */
export function applyEdits(text: string, edits: readonly TextEdit[]): string {
  const sorted = edits
    .map((e) => ({
      start: offsetAt(text, e.range.start),
      end: offsetAt(text, e.range.end),
      newText: e.newText,
    }))
    .sort((a, b) => b.start - a.start || b.end - a.end);
  for (let i = 1; i < sorted.length; i++)
    if (sorted[i]!.end > sorted[i - 1]!.start) throw new Error('overlapping edits');
  let result = text;
  for (const e of sorted) result = result.slice(0, e.start) + e.newText + result.slice(e.end);
  return result;
}

/**
 * A multi-line text written indented in a test: the first line break and the last line's indentation
 * are dropped, and the common indentation of the lines that hold more than spaces is removed.
 */
export function block(source: string): string {
  let lines = source.split('\n');
  if (lines[0]!.trim() === '') lines = lines.slice(1);
  if (lines.length > 0 && lines[lines.length - 1]!.trim() === '') lines[lines.length - 1] = '';
  const indents = lines.filter((l) => l.trim() !== '').map((l) => /^ */.exec(l)![0].length);
  const common = indents.length > 0 ? Math.min(...indents) : 0;
  return lines.map((l) => l.slice(Math.min(common, /^ */.exec(l)![0].length))).join('\n');
}
