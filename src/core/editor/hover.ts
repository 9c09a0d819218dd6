import { nodeAt } from '../yaml/cursor';
import type { Range } from '../common/diagnostic';
import { isSchemaObject, type JsonSchemaObject } from '../schema/jsonSchema';
import type { CompiledSchema } from '../schema/schema';
import { describeSchema, fieldLabel } from '../schema/schemaMessages';
import { descriptionOf, titleOf, type SchemaContext } from '../schema/schemaNavigator';
import { NOT_REPORTED, readRecord, writtenText } from '../record/model';
import { allowedValues, type AllowedValue } from './completion';
import { YamlLocator, type YamlFile } from '../yaml/yamlDocument';

export interface HoverInfo {
  /** Markdown. */
  contents: string;
  range: Range;
}

const PROVENANCE = /#\s*src:\s*(.*)$/;

/** The `# src: …` provenance written on a line, if any. */
export function provenanceOnLine(line: string): string | undefined {
  const match = PROVENANCE.exec(line);
  return match ? match[1]!.trim() : undefined;
}

/** Title, description, allowed values, constraints and provenance of the field under the cursor. */
export function hover(file: YamlFile, offset: number, schema: CompiledSchema): HoverInfo | undefined {
  if (!file.doc || !file.usable) return undefined;
  const hit = nodeAt(file.doc, offset);
  if (!hit || hit.path.length === 0) return undefined;
  const value = file.value ?? {};
  const locator = new YamlLocator(file);
  const range = hit.onKey ? locator.keyRange(hit.path) : locator.valueRange(hit.path);
  const lines: string[] = [];

  const path = hit.path;
  const isResultKey = path.length === 4 && path[0] === 'outcomes' && path[2] === 'results';
  if (isResultKey && hit.onKey) {
    const arm = typeof path[3] === 'string' ? readRecord(value).arm(path[3]) : undefined;
    lines.push(`**Results of arm \`${String(path[3])}\`**`);
    if (arm) {
      const n = writtenText(arm.n);
      lines.push(
        [arm.label, arm.group && `group: ${arm.group}`, n !== undefined && `n: ${n}`]
          .filter(Boolean)
          .join(' · '),
      );
    } else if (path[3] === 'all') lines.push('The whole sample (all arms together).');
  } else {
    const contexts = schema.schemasAt(value, path);
    if (contexts.length === 0) return undefined;
    const title = titleOf(contexts);
    const description = descriptionOf(contexts);
    lines.push(`**${title ?? fieldLabel(path, value)}** \`${fieldLabel(path, value)}\``);
    if (description) lines.push(description);
    lines.push(...valueLines(contexts, valueAt(value, path)));
  }

  const position = range.start.line;
  const lineText = file.text.split(/\r?\n/)[position] ?? '';
  const provenance = provenanceOnLine(lineText);
  if (provenance) lines.push(`Source: ${provenance}`);
  return { contents: lines.join('\n\n'), range };
}

/** What a field accepts: its allowed values, the current one marked, or the type it expects. */
function valueLines(contexts: SchemaContext[], current: unknown): string[] {
  const values = allowedValues(contexts);
  const closed = values.length > 0 && isClosedList(contexts);
  const lines: string[] = [];
  if (!closed) {
    const expected = expectedPhrase(contexts);
    if (expected) lines.push(`Expected: ${expected}.`);
  }
  if (values.length === 0) return lines;
  const isCurrent = (v: AllowedValue) =>
    isScalar(current) && JSON.stringify(v.value) === JSON.stringify(current);
  if (closed && isScalar(current) && !values.some(isCurrent))
    lines.push(`${code(shortened(scalarText(current)))} is not one of the allowed values.`);
  const items = values.map((v) => {
    const name = isCurrent(v) ? `**${code(scalarText(v.value))}** (current)` : code(scalarText(v.value));
    const description = valueDescription(v);
    return `${name}${description ? ` — ${description}` : ''}`;
  });
  // Beside an expected type (`a number or NR`), a lone constant needs no heading: it only says what it means.
  if (closed) lines.push(`Allowed values:\n${items.map((item) => `- ${item}`).join('\n')}`);
  else lines.push(items.length === 1 ? items[0]! : items.map((item) => `- ${item}`).join('\n'));
  return lines;
}

/**
 * Whether the allowed values are all a field accepts: an `enum` or `const` applies outright, or every
 * alternative of an `anyOf`/`oneOf` is one (unlike `anyOf: [{ type: number }, { const: NR }]`).
 */
function isClosedList(contexts: SchemaContext[]): boolean {
  const namesValues = (schema: unknown) =>
    isSchemaObject(schema) && (Array.isArray(schema.enum) || schema.const !== undefined);
  const alternativesOf = (schema: JsonSchemaObject) => schema.anyOf ?? schema.oneOf ?? [];
  const branches = new Set<unknown>(contexts.flatMap((c) => alternativesOf(c.schema)));
  if (contexts.some((c) => !branches.has(c.schema) && namesValues(c.schema))) return true;
  return contexts.some((c) => {
    const alternatives = alternativesOf(c.schema);
    return alternatives.length > 0 && alternatives.every(namesValues);
  });
}

const NOT_REPORTED_MEANING = 'Not reported in the source.';

/** One line: `NR` always says what it means; the schema's words follow where they add something. */
function valueDescription(value: AllowedValue): string | undefined {
  const own = value.description?.replace(/\s+/g, ' ').trim() || undefined;
  if (value.value !== NOT_REPORTED) return own;
  const restates = own === undefined || /^not reported( in the source)?\.?$/i.test(own);
  return restates ? NOT_REPORTED_MEANING : `${NOT_REPORTED_MEANING} ${own}`;
}

function valueAt(root: unknown, path: readonly (string | number)[]): unknown {
  let value = root;
  for (const segment of path) {
    if (value === null || typeof value !== 'object') return undefined;
    value = (value as Record<string | number, unknown>)[segment];
  }
  return value;
}

function isScalar(value: unknown): value is string | number | boolean {
  return typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean';
}

function scalarText(value: unknown): string {
  return typeof value === 'string' ? value : JSON.stringify(value);
}

/** Written text on one line and at most 60 characters: a hover stays small whatever was typed. */
function shortened(text: string): string {
  const line = text.replace(/\s+/g, ' ').trim();
  return line.length > 60 ? `${line.slice(0, 59)}…` : line;
}

/** A Markdown code span that holds any text: its fence is longer than any run of backticks inside. */
function code(text: string): string {
  const longestRun = Math.max(0, ...(text.match(/`+/g) ?? []).map((run) => run.length));
  const fence = '`'.repeat(longestRun + 1);
  const pad = text.startsWith('`') || text.endsWith('`') ? ' ' : '';
  return `${fence}${pad}${text}${pad}${fence}`;
}

function expectedPhrase(contexts: SchemaContext[]): string | undefined {
  const parts = contexts
    .map((c) => c.schema)
    .filter((s) => s.type !== undefined || s.anyOf !== undefined || s.const !== undefined)
    .map((s) => describeSchema(s));
  // The outermost schema describes the whole (an `anyOf` before its branches).
  return parts.find((p) => p !== 'a value');
}
