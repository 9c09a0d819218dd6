import { isMap, isScalar, isSeq, parseDocument, stringify, type Node } from 'yaml';
import type { Disagreement } from './compare';
import { valuesAgree } from './compare';
import { LineIndex } from './lineIndex';
import { resolveIdPath } from './idPath';
import type { TextEdit } from './quickFix';
import { isPlainObject } from './schemaNavigator';
import { describeCompared, type StudyComparison } from './studyPairs';
import { locate, parseYaml, YamlLocator } from './yamlDocument';
import type { Diagnostic } from './diagnostic';

export type Side = 'a' | 'b' | 'other';

/** How one disagreement was settled, as written to the consensus record's `adjudication:` list. */
export interface Resolution {
  field: string;
  chosen: Side;
  value: unknown;
  rationale?: string;
}

export interface Adjudicator {
  name: string;
  /** YYYY-MM-DD. */
  date: string;
}

const DISAGREEMENT_COMMENT = ' disagreement:';
const STRINGIFY = { lineWidth: 0, flowCollectionPadding: true } as const;
/** The YAML library would print its warnings to the console (the language server's log). */
const QUIET = { logLevel: 'error' } as const;

function placeholderComment(study: StudyComparison, d: Disagreement): string {
  const [a, b] = study.reviewers;
  return `${DISAGREEMENT_COMMENT} ${a} ${describeCompared(d.a)} · ${b} ${describeCompared(d.b)}`;
}

/** Fields already settled in a consensus record (its `adjudication:` entries). */
export function adjudicatedFields(consensusValue: unknown): Set<string> {
  const entries =
    isPlainObject(consensusValue) && Array.isArray(consensusValue.adjudication)
      ? consensusValue.adjudication
      : [];
  return new Set(
    entries
      .filter(isPlainObject)
      .map((e) => e.field)
      .filter((f): f is string => typeof f === 'string'),
  );
}

/** The study's disagreements that its consensus record has not settled yet. */
export function unresolvedDisagreements(study: StudyComparison): Disagreement[] {
  const consensusValue = study.consensus?.file.usable ? study.consensus.file.value : undefined;
  const settled = adjudicatedFields(consensusValue);
  return study.disagreements.filter((d) => !settled.has(d.path));
}

/**
 * The text of the study's consensus record: every agreed value (taken from the first reviewer's record,
 * with its provenance comments) and an empty, commented placeholder for each disagreement. Given the
 * existing consensus text, only the disagreements it has not settled and still holds as a reviewer's
 * value are marked; nothing settled is touched.
 */
export function consensusRecordText(
  study: StudyComparison,
  consensusName: string,
  ignore: string[],
  existing?: string,
): string {
  const [first] = study.records;
  if (!first) throw new Error(`Study ${study.study} has no reviewer record to start from.`);
  const fromExisting = existing !== undefined;
  const doc = parseDocument(fromExisting ? existing : first.file.text, QUIET);
  if (!isMap(doc.contents)) throw new Error('The record to start from is not a mapping.');
  if (!fromExisting) {
    doc.set('reviewer', consensusName);
    doc.set('status', 'draft');
    for (const name of ignore) if (!/[.[\]*]/.test(name)) doc.delete(name);
  }
  const value = doc.toJS() as unknown;
  const settled = adjudicatedFields(value);
  for (const d of study.disagreements) {
    if (settled.has(d.path)) continue;
    const { path, matched, steps } = resolveIdPath(value, d.path);
    const last = steps[steps.length - 1];
    if (!last || !('key' in last)) continue; // a whole arm or outcome: settled through its code action
    if (matched === steps.length) {
      const current = doc.getIn(path);
      const untouched = current === null || valuesAgree(current, d.a, 0) || valuesAgree(current, d.b, 0);
      if (!untouched) continue;
    } else if (matched !== steps.length - 1) continue;
    const target = matched === steps.length ? path : [...path, last.key];
    doc.setIn(target, doc.createNode(null));
    const parent = doc.getIn(target.slice(0, -1), true) as Node | undefined;
    const comment = placeholderComment(study, d);
    if (isMap(parent) && parent.flow) {
      // A comment inside `{ … }` would break it over several lines; it goes after the closing brace.
      const note = `disagreement on ${last.key}:${comment.slice(DISAGREEMENT_COMMENT.length)}`;
      if (!parent.comment?.includes(note))
        parent.comment = parent.comment ? `${parent.comment} · ${note}` : ` ${note}`;
    } else {
      const node = doc.getIn(target, true) as Node | undefined;
      if (isScalar(node)) node.comment = comment;
    }
  }
  return doc.toString(STRINGIFY);
}

/**
 * Edits that turn `before` into `after`, one per changed block of lines, so that a change in the middle
 * and an entry appended at the end do not rewrite everything between them.
 */
export function lineEdits(before: string, after: string): TextEdit[] {
  // Lines with their line breaks: joined, they give back the text exactly.
  const a = before.match(/[^\n]*\n|[^\n]+$/g) ?? [];
  const b = after.match(/[^\n]*\n|[^\n]+$/g) ?? [];
  if (a.length * b.length > 4_000_000) return [minimalEdit(before, after)];
  // Longest common subsequence of lines, by dynamic programming from the end.
  const lcs: Uint32Array[] = Array.from({ length: a.length + 1 }, () => new Uint32Array(b.length + 1));
  for (let i = a.length - 1; i >= 0; i--) {
    for (let j = b.length - 1; j >= 0; j--) {
      lcs[i]![j] = a[i] === b[j] ? lcs[i + 1]![j + 1]! + 1 : Math.max(lcs[i + 1]![j]!, lcs[i]![j + 1]!);
    }
  }
  const offsets = [0];
  for (const line of a) offsets.push(offsets[offsets.length - 1]! + line.length);
  const lines = new LineIndex(before);
  const edits: TextEdit[] = [];
  let i = 0;
  let j = 0;
  while (i < a.length || j < b.length) {
    if (i < a.length && j < b.length && a[i] === b[j]) {
      i++;
      j++;
      continue;
    }
    const startI = i;
    const startJ = j;
    while ((i < a.length || j < b.length) && !(i < a.length && j < b.length && a[i] === b[j])) {
      if (j < b.length && (i >= a.length || lcs[i]![j + 1]! >= lcs[i + 1]![j]!)) j++;
      else i++;
    }
    edits.push({ range: lines.rangeOf(offsets[startI]!, offsets[i]!), newText: b.slice(startJ, j).join('') });
  }
  return edits;
}

/** The smallest single edit that turns `before` into `after`. */
export function minimalEdit(before: string, after: string): TextEdit {
  let start = 0;
  while (start < before.length && start < after.length && before[start] === after[start]) start++;
  let endBefore = before.length;
  let endAfter = after.length;
  while (endBefore > start && endAfter > start && before[endBefore - 1] === after[endAfter - 1]) {
    endBefore--;
    endAfter--;
  }
  const lines = new LineIndex(before);
  return { range: lines.rangeOf(start, endBefore), newText: after.slice(start, endAfter) };
}

function scalarText(value: unknown): string {
  return stringify(value, STRINGIFY).trimEnd();
}

/**
 * Writes a resolution into a consensus record: the chosen value at the field and an `adjudication:` entry.
 * A scalar is replaced in place (the rest of the file keeps its formatting); structure changes go through
 * the YAML document.
 */
export function applyResolution(text: string, resolution: Resolution, adjudicator: Adjudicator): string {
  const file = parseYaml(text);
  if (!file.usable || !file.doc || !isMap(file.doc.contents))
    throw new Error('The consensus record cannot be parsed; fix its syntax first.');
  const value = file.value;
  const { path, matched, steps } = resolveIdPath(value, resolution.field);
  const chosen = resolution.value;
  let updated: string;

  const location = matched === steps.length ? locate(file.doc, path) : undefined;
  const node = location?.node;
  const simple = chosen === null || ['string', 'number', 'boolean'].includes(typeof chosen);
  if (location && isScalar(node) && node.range && simple && chosen !== null && !node.source?.includes('\n')) {
    // In place: the value, and the placeholder's note if there is one; the rest of the line stays.
    const lineEnd = file.lines.lineEnd(file.lines.positionAt(node.range[0]).line);
    const key = String(path[path.length - 1]);
    const rest = removePlaceholderNote(text.slice(node.range[1], lineEnd), key);
    updated = text.slice(0, node.range[0]) + scalarText(chosen) + rest + text.slice(lineEnd);
  } else {
    const doc = parseDocument(text, QUIET);
    const last = steps[steps.length - 1];
    if (matched === steps.length) {
      if (chosen === null || chosen === undefined) doc.deleteIn(path);
      else doc.setIn(path, doc.createNode(chosen));
    } else if (matched === steps.length - 1 && last) {
      if ('key' in last) {
        if (chosen !== null && chosen !== undefined) doc.setIn([...path, last.key], doc.createNode(chosen));
      } else if (chosen !== null && chosen !== undefined) {
        const list = doc.getIn(path, true);
        if (isSeq(list)) list.add(doc.createNode(chosen));
        else doc.setIn(path, doc.createNode([chosen]));
      }
    } else {
      throw new Error(
        `\`${resolution.field}\` has no place in the consensus record (its arm or outcome is missing).`,
      );
    }
    updated = doc.toString(STRINGIFY);
  }
  return appendAdjudication(updated, resolution, adjudicator);
}

/** Removes the disagreement note of `key` from the rest of a line (a scalar's own note, or one after `}`). */
function removePlaceholderNote(rest: string, key: string): string {
  const own = rest.replace(new RegExp(`\\s*#${DISAGREEMENT_COMMENT}.*$`), '');
  const escaped = key.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const note = new RegExp(`(\\s*#\\s?|\\s·\\s)disagreement on ${escaped}: .*?(?=\\s·\\sdisagreement on |$)`);
  return own
    .replace(note, (match) => (match.includes('#') ? ' # ' : ''))
    .replace(/\s*#\s*·\s/, ' # ')
    .replace(/\s*#\s*$/, '');
}

/** Adds an entry to the `adjudication:` list (creating the list at the end of the record if needed). */
export function appendAdjudication(text: string, resolution: Resolution, adjudicator: Adjudicator): string {
  const entry: Record<string, unknown> = {
    field: resolution.field,
    chosen: resolution.chosen,
    value: resolution.value ?? null,
    ...(resolution.rationale ? { rationale: resolution.rationale } : {}),
    adjudicator: adjudicator.name,
    date: adjudicator.date,
  };
  const file = parseYaml(text);
  const list = file.doc && isMap(file.doc.contents) ? file.doc.contents.get('adjudication', true) : undefined;
  const item = stringify([entry], STRINGIFY).trimEnd();
  if (isSeq(list) && !list.flow && list.items.length > 0 && list.range) {
    const firstItem = list.items[0] as Node;
    const indent = file.lines.positionAt(firstItem.range![0]).character - 2;
    const end = file.lines.lineEnd(file.lines.positionAt(Math.max(list.range[1] - 1, list.range[0])).line);
    const body = item
      .split('\n')
      .map((l) => ' '.repeat(Math.max(0, indent)) + l)
      .join('\n');
    return `${text.slice(0, end)}\n${body}${text.slice(end)}`;
  }
  if (list !== undefined) {
    const doc = parseDocument(text, QUIET);
    const existing = doc.get('adjudication');
    const entries = isSeq(existing) ? (existing.toJSON() as unknown[]) : [];
    doc.set('adjudication', doc.createNode([...entries, entry]));
    return doc.toString(STRINGIFY);
  }
  const body = item
    .split('\n')
    .map((l) => `  ${l}`)
    .join('\n');
  return `${text}${text.endsWith('\n') || text === '' ? '' : '\n'}adjudication:\n${body}\n`;
}

/**
 * Differences that are not really disagreements: whitespace, letter case, number formatting (`1,000`
 * against `1000`). Each becomes a resolution keeping the first reviewer's value (or the number).
 */
export function trivialResolutions(study: StudyComparison): Resolution[] {
  const resolutions: Resolution[] = [];
  for (const d of unresolvedDisagreements(study)) {
    const kind = trivialKind(d.a, d.b);
    if (!kind) continue;
    const chooseB = typeof d.b === 'number' && typeof d.a === 'string';
    resolutions.push({
      field: d.path,
      chosen: chooseB ? 'b' : 'a',
      value: chooseB ? d.b : d.a,
      rationale: `Trivial difference (${kind}).`,
    });
  }
  return resolutions;
}

function normalizeText(value: string): string {
  return value.normalize('NFC').replace(/\s+/g, ' ').trim();
}

function asNumber(value: string): number | undefined {
  const cleaned = value.trim().replace(/(?<=\d)[ ,_](?=\d{3}\b)/g, '');
  return /^[-+]?(\d+\.?\d*|\.\d+)(e[-+]?\d+)?$/i.test(cleaned) ? Number(cleaned) : undefined;
}

function trivialKind(a: unknown, b: unknown): string | undefined {
  if (typeof a === 'string' && typeof b === 'string') {
    if (normalizeText(a) === normalizeText(b)) return 'whitespace';
    if (normalizeText(a).toLowerCase() === normalizeText(b).toLowerCase()) return 'letter case';
    const na = asNumber(a);
    const nb = asNumber(b);
    if (na !== undefined && na === nb) return 'number formatting';
    return undefined;
  }
  if (typeof a === 'number' && typeof b === 'string')
    return asNumber(b) === a ? 'number formatting' : undefined;
  if (typeof b === 'number' && typeof a === 'string')
    return asNumber(a) === b ? 'number formatting' : undefined;
  if (Array.isArray(a) && Array.isArray(b) && a.length === b.length && a.length > 0) {
    const kinds = a.map((x, i) => (valuesAgree(x, b[i], 0) ? 'same' : trivialKind(x, b[i])));
    if (kinds.every((k) => k !== undefined)) return kinds.find((k) => k !== 'same') ?? undefined;
  }
  return undefined;
}

/** The value a side holds for a disagreement. */
export function sideValue(d: Disagreement, side: 'a' | 'b'): unknown {
  return side === 'a' ? d.a : d.b;
}

/** In the consensus record, each disagreement not settled yet, on the field (or where it would go). */
export function consensusDiagnostics(study: StudyComparison): Diagnostic[] {
  const consensus = study.consensus;
  if (!consensus || study.state !== 'compared') return [];
  const locator = new YamlLocator(consensus.file);
  const value = consensus.file.usable ? consensus.file.value : {};
  const [reviewerA, reviewerB] = study.reviewers as [string, string];
  return unresolvedDisagreements(study).map((d) => {
    const { path, matched, steps } = resolveIdPath(value, d.path);
    const range = matched === steps.length ? locator.valueRange(path) : locator.containerRange(path);
    return {
      severity: 'warning',
      code: 'unresolved-disagreement',
      message: `Unresolved disagreement on \`${d.path}\`: ${reviewerA} ${describeCompared(d.a)} · ${reviewerB} ${describeCompared(d.b)}. Choose a value (code action or CodeLens).`,
      range,
      data: {
        path,
        disagreement: {
          field: d.path,
          choices: [
            { side: 'a', reviewer: reviewerA, value: d.a },
            { side: 'b', reviewer: reviewerB, value: d.b },
          ],
        },
      },
    };
  });
}
