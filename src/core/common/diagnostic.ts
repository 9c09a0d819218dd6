/** Diagnostics as core speaks them: 0-based positions (LSP convention), severities by name. */

export interface Position {
  line: number;
  character: number;
}

export interface Range {
  start: Position;
  end: Position;
}

export type Severity = 'error' | 'warning' | 'information';

/** Extra facts a diagnostic carries for quick fixes (never printed). */
export interface DiagnosticData {
  /** The value or key the fix would write instead (a known field name, an enum value). */
  replacement?: string;
  /** Missing required property names, for "add the missing fields". */
  missing?: string[];
  /** The document path (keys and indexes) of the node the diagnostic is about. */
  path?: (string | number)[];
  /** An unresolved disagreement in a consensus record: its id path and each reviewer's value. */
  disagreement?: { field: string; choices: { side: 'a' | 'b'; reviewer: string; value: unknown }[] };
}

/** A place in another file that a diagnostic refers to (the other reviewer's value). */
interface RelatedLocation {
  /** Relative to the review folder. */
  path: string;
  range: Range;
  message: string;
}

export interface Diagnostic {
  severity: Severity;
  message: string;
  code: string;
  range: Range;
  data?: DiagnosticData;
  related?: RelatedLocation[];
}

function range(startLine: number, startChar: number, endLine: number, endChar: number): Range {
  return { start: { line: startLine, character: startChar }, end: { line: endLine, character: endChar } };
}

const DOCUMENT_START: Range = range(0, 0, 0, 0);

function comparePositions(a: Position, b: Position): number {
  return a.line - b.line || a.character - b.character;
}

/** Stable order for output: by position, then by code and message. */
export function sortDiagnostics(diagnostics: Diagnostic[]): Diagnostic[] {
  return diagnostics.sort(
    (a, b) =>
      comparePositions(a.range.start, b.range.start) ||
      comparePositions(a.range.end, b.range.end) ||
      a.code.localeCompare(b.code) ||
      a.message.localeCompare(b.message),
  );
}

/** Drops diagnostics repeated at the same range with the same code and message. */
export function dedupeDiagnostics(diagnostics: Diagnostic[]): Diagnostic[] {
  const seen = new Set<string>();
  return diagnostics.filter((d) => {
    const key = `${d.range.start.line}:${d.range.start.character}:${d.range.end.line}:${d.range.end.character}:${d.code}:${d.message}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

const MAX_DIAGNOSTICS_PER_FILE = 100;

/** Keeps the first `max` diagnostics (errors first) and says how many more there were. */
export function capDiagnostics(diagnostics: Diagnostic[], max = MAX_DIAGNOSTICS_PER_FILE): Diagnostic[] {
  if (diagnostics.length <= max) return diagnostics;
  const rank: Record<Severity, number> = { error: 0, warning: 1, information: 2 };
  const kept = [...diagnostics].sort((a, b) => rank[a.severity] - rank[b.severity]).slice(0, max);
  const hidden = diagnostics.length - max;
  sortDiagnostics(kept);
  kept.push({
    severity: 'information',
    code: 'too-many-diagnostics',
    message: `${hidden} more problem${hidden === 1 ? '' : 's'} in this file not shown (showing the first ${max}).`,
    range: DOCUMENT_START,
  });
  return kept;
}

/** A replacement of `range` by `newText`, as the editor applies it. */
export interface TextEdit {
  range: Range;
  newText: string;
}
