import { nodeAt } from '../yaml/cursor';
import type { Range } from '../common/diagnostic';
import type { CompiledSchema } from '../schema/schema';
import { describeSchema, fieldLabel } from '../schema/schemaMessages';
import { descriptionOf, titleOf, type SchemaContext } from '../schema/schemaNavigator';
import { readRecord, writtenText } from '../record/model';
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
    const allowed = allowedValues(contexts);
    if (allowed) lines.push(allowed);
    else {
      const expected = expectedPhrase(contexts);
      if (expected) lines.push(`Expected: ${expected}.`);
    }
  }

  const position = range.start.line;
  const lineText = file.text.split(/\r?\n/)[position] ?? '';
  const provenance = provenanceOnLine(lineText);
  if (provenance) lines.push(`Source: ${provenance}`);
  return { contents: lines.join('\n\n'), range };
}

function allowedValues(contexts: SchemaContext[]): string | undefined {
  const withEnum = contexts.filter((c) => Array.isArray(c.schema.enum));
  if (withEnum.length === 0) return undefined;
  const schema = withEnum[withEnum.length - 1]!.schema;
  const descriptions = Array.isArray(schema.enumDescriptions) ? schema.enumDescriptions : [];
  const items = (schema.enum as unknown[]).map(
    (v, i) =>
      `- \`${typeof v === 'string' ? v : JSON.stringify(v)}\`${descriptions[i] ? `: ${descriptions[i]}` : ''}`,
  );
  return `Allowed values:\n${items.join('\n')}`;
}

function expectedPhrase(contexts: SchemaContext[]): string | undefined {
  const parts = contexts
    .map((c) => c.schema)
    .filter((s) => s.type !== undefined || s.anyOf !== undefined || s.const !== undefined)
    .map((s) => describeSchema(s));
  // The outermost schema describes the whole (an `anyOf` before its branches).
  return parts.find((p) => p !== 'a value');
}
