import { isMap, isScalar, isSeq, parseDocument, stringify, type Node } from 'yaml';
import type { Disagreement } from './compare';
import { valuesAgree } from './compare';
import { LineIndex } from '../yaml/lineIndex';
import { valueSlot } from '../yaml/valueSlot';
import { resolveIdPath } from '../record/idPath';
import { readRecord } from '../record/model';
import { type TextEdit } from '../common/diagnostic';
import { describeCompared, type StudyComparison } from './studyPairs';
import { locate, parseYaml, YamlLocator, type YamlFile } from '../yaml/yamlDocument';
import type { Diagnostic } from '../common/diagnostic';

type Side = 'a' | 'b' | 'other';

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

const STRINGIFY = { lineWidth: 0, flowCollectionPadding: true } as const;
/** The YAML library would print its warnings to the console (the language server's log). */
const QUIET = { logLevel: 'error' } as const;

/** One line: a value as a reviewer reads it, newlines folded. */
function oneLine(value: unknown): string {
  return describeCompared(value).replace(/\s+/g, ' ').trim();
}

/** How a note names a field: on one line, whatever its keys hold. */
function notedPath(path: string): string {
  return path.replace(/[\r\n\u2028\u2029]+/g, ' ');
}

/** The note that marks a placeholder: `disagreement on arms[f2f].n: ek 28 · mk 25`. */
function placeholderNote(study: StudyComparison, d: Disagreement): string {
  const [a, b] = study.reviewers;
  return `disagreement on ${notedPath(d.path)}: ${a} ${oneLine(d.a)} · ${b} ${oneLine(d.b)}`;
}

/** A mapping key as YAML must spell it: plain when it can be, quoted when it holds `: `, ` #`, `- `, … */
function keyText(key: string): string {
  return valueText(key);
}

/** Fields already settled in a consensus record (its `adjudication:` entries). */
export function adjudicatedFields(consensusValue: unknown): Set<string> {
  return new Set(
    readRecord(consensusValue)
      .adjudication.map((e) => e.field)
      .filter((f): f is string => f !== null),
  );
}

/** The study's disagreements that its consensus record has not settled yet. */
export function unresolvedDisagreements(study: StudyComparison): Disagreement[] {
  const consensusValue = study.consensus?.value;
  const settled = adjudicatedFields(consensusValue);
  return study.disagreements.filter((d) => !settled.has(d.path));
}

/** Text changes by offset, applied together (they must not overlap): the rest of the text stays as it is. */
class TextChanges {
  private readonly changes: { start: number; end: number; text: string }[] = [];
  constructor(readonly text: string) {}
  replace(start: number, end: number, text: string): void {
    this.changes.push({ start, end, text });
  }
  apply(): string {
    let out = this.text;
    for (const c of [...this.changes].sort((x, y) => y.start - x.start || y.end - x.end))
      out = out.slice(0, c.start) + c.text + out.slice(c.end);
    return out;
  }
}

function lineEndOf(file: YamlFile, offset: number): number {
  return file.lines.lineEnd(file.lines.positionAt(offset).line);
}

/** Appends a note to the comment of the line that holds `offset` (or starts a comment there). */
function addNote(changes: TextChanges, file: YamlFile, offset: number, note: string): void {
  const end = lineEndOf(file, offset);
  const line = file.text.slice(
    file.lines.offsetAt({ line: file.lines.positionAt(offset).line, character: 0 }),
    end,
  );
  changes.replace(end, end, /(^|\s)#/.test(line) ? ` · ${note}` : ` # ${note}`);
}

/** A value written where a scalar stood: plain when it can be, quoted when it must (newlines, `#`, …). */
function valueText(value: unknown): string {
  if (typeof value === 'string' && /[\n\r]/.test(value)) return JSON.stringify(value);
  if (value !== null && typeof value === 'object')
    return stringify(value, { ...STRINGIFY, collectionStyle: 'flow' }).trim();
  return stringify(value, STRINGIFY).trim();
}

/** The indentation of the keys of a block mapping. */
function keyIndent(file: YamlFile, map: Node): number {
  const first = isMap(map) ? (map.items[0]?.key as Node | undefined) : undefined;
  return first?.range ? file.lines.positionAt(first.range[0]).character : 0;
}

/** Marks a placeholder for one disagreement in `file` (a reviewer's or the consensus record's text). */
function markPlaceholder(
  changes: TextChanges,
  file: YamlFile,
  study: StudyComparison,
  d: Disagreement,
): boolean {
  const value = file.usable ? file.value : {};
  const { path, matched, steps } = resolveIdPath(value, d.path);
  const last = steps[steps.length - 1];
  if (!last) return false;
  const note = placeholderNote(study, d);
  if ('id' in last) {
    // A whole arm or outcome in one record only: a comment line by the list, the item itself untouched.
    const list = locate(file.doc, matched === steps.length ? path.slice(0, -1) : path).node;
    if (!isSeq(list) || list.flow || !list.range || list.items.length === 0) return false;
    const item =
      matched === steps.length
        ? (list.items[path[path.length - 1] as number] as Node)
        : (list.items[list.items.length - 1] as Node);
    const at = file.lines.positionAt(item.range![0]);
    const indent = ' '.repeat(Math.max(0, at.character - 2));
    if (matched === steps.length) {
      const lineStart = file.lines.offsetAt({ line: at.line, character: 0 });
      changes.replace(lineStart, lineStart, `${indent}# ${note}\n`);
    } else {
      const end = lineEndOf(file, Math.max(list.range[1] - 1, list.range[0]));
      changes.replace(end, end, `\n${indent}# ${note}`);
    }
    return true;
  }
  if (matched === steps.length) {
    const location = locate(file.doc, path);
    const node = location.node;
    if (!node || !node.range || !(isScalar(node) || (node as { flow?: boolean }).flow)) return false;
    changes.replace(node.range[0], node.range[1], 'null');
    addNote(changes, file, node.range[0], note);
    return true;
  }
  if (matched !== steps.length - 1) return false;
  // A field the other reviewer has: added, empty, to the object.
  const object = locate(file.doc, path).node;
  if (!isMap(object) || !object.range) return false;
  if (object.flow) {
    const close = object.range[1] - 1;
    const inner = file.text.slice(object.range[0] + 1, close).trim();
    changes.replace(close, close, `${inner ? ', ' : ''}${keyText(last.key)}: null `);
    addNote(changes, file, close, note);
    return true;
  }
  const end = lineEndOf(file, Math.max(object.range[1] - 1, object.range[0]));
  changes.replace(end, end, `\n${' '.repeat(keyIndent(file, object))}${keyText(last.key)}: null # ${note}`);
  return true;
}

/**
 * The text of the study's consensus record: every agreed value (the first reviewer's record, with its
 * provenance comments and layout) and an empty placeholder, marked with a `disagreement on …` note, for each
 * disagreement. Given the existing consensus text, only disagreements it has not settled and still holds as
 * a reviewer's value (or lacks) are marked; every other line stays as it is.
 */
export function consensusRecordText(
  study: StudyComparison,
  consensusName: string,
  ignore: string[],
  existing?: string,
): string {
  const [first] = study.records;
  if (!first) throw new Error(`Study ${study.study} has no reviewer record to start from.`);
  let text = existing ?? first.text;
  if (existing === undefined) {
    // The reviewer's bookkeeping becomes the consensus record's; top-level ignored fields are left out.
    const file = parseYaml(text);
    if (!file.doc || !isMap(file.doc.contents)) throw new Error('The record to start from is not a mapping.');
    const changes = new TextChanges(text);
    for (const [key, value] of [
      ['reviewer', consensusName],
      ['status', 'draft'],
    ] as const) {
      const node = locate(file.doc, [key]).node;
      if (node?.range) changes.replace(node.range[0], node.range[1], value);
    }
    const pairs = file.doc.contents.items;
    pairs.forEach((pair, i) => {
      const key = isScalar(pair.key) ? String(pair.key.value) : undefined;
      if (!key || !ignore.includes(key) || !(pair.key as Node).range) return;
      const start = file.lines.offsetAt({
        line: file.lines.positionAt((pair.key as Node).range![0]).line,
        character: 0,
      });
      const next = pairs[i + 1]?.key as Node | undefined;
      const end = next?.range
        ? file.lines.offsetAt({ line: file.lines.positionAt(next.range[0]).line, character: 0 })
        : text.length;
      changes.replace(start, end, '');
    });
    text = changes.apply();
  }
  const file = parseYaml(text);
  if (!file.usable || !file.doc) throw new Error('The record to start from cannot be parsed.');
  const value = file.value;
  const settled = adjudicatedFields(value);
  const changes = new TextChanges(text);
  for (const d of study.disagreements) {
    if (settled.has(d.path) || text.includes(`disagreement on ${notedPath(d.path)}:`)) continue;
    const { path, matched, steps } = resolveIdPath(value, d.path);
    if (existing !== undefined && matched === steps.length) {
      // Only a value still as one reviewer wrote it is replaced; the adjudicator's own edits stay.
      const current = valueAtPath(value, path);
      if (!(current === null || valuesAgree(current, d.a, 0) || valuesAgree(current, d.b, 0))) continue;
    }
    markPlaceholder(changes, file, study, d);
  }
  return changes.apply();
}

function valueAtPath(root: unknown, path: readonly (string | number)[]): unknown {
  let node = root;
  for (const segment of path) node = (node as Record<string | number, unknown> | undefined)?.[segment];
  return node;
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
function minimalEdit(before: string, after: string): TextEdit {
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

/** Removes every note of `field` (on value lines, and comment lines of whole items). */
function removeNotes(text: string, field: string): string {
  const escaped = notedPath(field).replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  return text
    .replace(new RegExp(`^[ \\t]*# disagreement on ${escaped}: [^\\n]*\\n?`, 'gm'), '')
    .replace(new RegExp(` · disagreement on ${escaped}: .*?(?= · disagreement on |$)`, 'gm'), '')
    .replace(new RegExp(` # disagreement on ${escaped}: .*?(?= · disagreement on |$)`, 'gm'), (match) =>
      match.replace(/^ # .*/, ''),
    )
    .replace(/ # · disagreement on /g, ' # disagreement on ');
}

/**
 * Writes a resolution into a consensus record: the chosen value at the field and an `adjudication:` entry.
 * Values are replaced where they stand (the rest of the file keeps its layout and comments); adding or
 * removing a whole arm or outcome goes through the YAML document.
 */
export function applyResolution(text: string, resolution: Resolution, adjudicator: Adjudicator): string {
  const cleaned = removeNotes(text, resolution.field);
  const file = parseYaml(cleaned);
  if (!file.usable || !file.doc || !isMap(file.doc.contents))
    throw new Error('The consensus record cannot be parsed; fix its syntax first.');
  const { path, matched, steps } = resolveIdPath(file.value, resolution.field);
  const chosen = resolution.value;
  const absent = chosen === null || chosen === undefined;
  const last = steps[steps.length - 1];
  const changes = new TextChanges(cleaned);
  let done = false;
  if (last && 'key' in last && matched === steps.length) {
    const location = locate(file.doc, path);
    const node = location.node;
    const keyEnd = (location.pair?.key as Node | null | undefined)?.range?.[1];
    const colon = keyEnd === undefined ? -1 : cleaned.indexOf(':', keyEnd);
    if (node?.range && isScalar(node) && node.range[0] === node.range[1] && colon >= 0) {
      // An empty value (`key:`, `key: # note`): written after a blank, and a comment kept apart from it.
      const slot = valueSlot(cleaned, colon, lineEndOf(file, colon));
      const value = absent ? 'null' : valueText(chosen);
      const written = !slot.space ? value : slot.space.cursorAfter ? ` ${value}` : `${value} `;
      changes.replace(slot.from, slot.to, written);
      done = true;
    } else if (node?.range && (isScalar(node) || (node as { flow?: boolean }).flow)) {
      changes.replace(node.range[0], node.range[1], absent ? 'null' : valueText(chosen));
      done = true;
    } else if (node?.range && location.pair && (location.pair.key as Node | null)?.range) {
      // A block list or mapping: the value goes after its key, as a one-line flow collection.
      changes.replace(
        colon + 1,
        lineEndOf(file, Math.max(node.range[1] - 1, node.range[0])),
        ` ${absent ? 'null' : valueText(chosen)}`,
      );
      done = true;
    }
  } else if (last && 'key' in last && matched === steps.length - 1 && !absent) {
    const object = locate(file.doc, path).node;
    if (isMap(object) && !object.flow && object.range) {
      const end = lineEndOf(file, Math.max(object.range[1] - 1, object.range[0]));
      changes.replace(
        end,
        end,
        `\n${' '.repeat(keyIndent(file, object))}${keyText(last.key)}: ${valueText(chosen)}`,
      );
      done = true;
    }
  }
  let updated = done ? changes.apply() : '';
  if (!done) {
    const doc = parseDocument(cleaned, QUIET);
    if (matched === steps.length) {
      if (absent) doc.deleteIn(path);
      else doc.setIn(path, doc.createNode(chosen));
    } else if (matched === steps.length - 1 && last) {
      if ('key' in last) {
        if (!absent) doc.setIn([...path, last.key], doc.createNode(chosen));
      } else if (!absent) {
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

/** Adds an entry to the `adjudication:` list (creating the list at the end of the record if needed). */
function appendAdjudication(text: string, resolution: Resolution, adjudicator: Adjudicator): string {
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
    const entries = isSeq(existing) ? existing.toJSON() : [];
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

/** In the consensus record, each disagreement not settled yet, on the field (or where it would go). */
export function consensusDiagnostics(study: StudyComparison): Diagnostic[] {
  const consensus = study.consensus;
  if (!consensus || study.state !== 'compared') return [];
  const unresolved = unresolvedDisagreements(study);
  if (unresolved.length === 0) return [];
  const locator = new YamlLocator(consensus.file);
  const value = consensus.value;
  const [reviewerA, reviewerB] = study.reviewers as [string, string];
  return unresolved.map((d) => {
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
