import type { Position, Range } from '../common/diagnostic';

/** Converts string offsets (UTF-16 code units, as LSP counts) to line/character positions. */
export class LineIndex {
  private readonly lineStarts: number[] = [0];

  constructor(readonly text: string) {
    for (let i = 0; i < text.length; i++) {
      const c = text.charCodeAt(i);
      if (c === 10) this.lineStarts.push(i + 1);
      else if (c === 13) {
        if (text.charCodeAt(i + 1) === 10) i++;
        this.lineStarts.push(i + 1);
      }
    }
  }

  get lineCount(): number {
    return this.lineStarts.length;
  }

  positionAt(offset: number): Position {
    const clamped = Math.max(0, Math.min(offset, this.text.length));
    let low = 0;
    let high = this.lineStarts.length - 1;
    while (low < high) {
      const mid = (low + high + 1) >> 1;
      if (this.lineStarts[mid]! <= clamped) low = mid;
      else high = mid - 1;
    }
    return { line: low, character: clamped - this.lineStarts[low]! };
  }

  offsetAt(position: Position): number {
    if (position.line >= this.lineStarts.length) return this.text.length;
    return Math.min(
      this.lineStarts[Math.max(0, position.line)]! + position.character,
      this.lineEnd(position.line),
    );
  }

  /** Offset just past the last character of a line, before its line break. */
  lineEnd(line: number): number {
    const next = this.lineStarts[line + 1];
    let end = next === undefined ? this.text.length : next;
    while (end > this.lineStarts[line]! && (this.text[end - 1] === '\n' || this.text[end - 1] === '\r'))
      end--;
    return end;
  }

  rangeOf(start: number, end: number): Range {
    return { start: this.positionAt(start), end: this.positionAt(end) };
  }

  /**
   * A range that never runs past the line it starts on: squiggles over whole blocks make editors crawl
   * and tell the reader nothing.
   */
  singleLineRange(start: number, end: number): Range {
    const from = this.positionAt(start);
    const lineEnd = this.lineEnd(from.line);
    return this.rangeOf(start, Math.max(start, Math.min(end, lineEnd)));
  }

  /** The first line of the text without its trailing spaces, or an empty range at 0:0. */
  firstLineRange(): Range {
    const end = this.lineEnd(0);
    return this.rangeOf(0, end);
  }
}
