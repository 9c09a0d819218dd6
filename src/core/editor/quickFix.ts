import { isMap, type Node } from 'yaml';
import type { Diagnostic, TextEdit } from '../common/diagnostic';
import type { CompiledSchema } from '../schema/schema';
import { fieldLines } from './scaffold';
import { locate, YamlLocator, type YamlFile } from '../yaml/yamlDocument';

export interface QuickFix {
  title: string;
  edits: TextEdit[];
  /** The diagnostic it fixes. */
  diagnostic: Diagnostic;
  preferred: boolean;
}

/** Fixes for the diagnostics of a record: add missing fields, rename an unknown key, correct an enum value. */
export function quickFixes(file: YamlFile, diagnostics: Diagnostic[], schema: CompiledSchema): QuickFix[] {
  const fixes: QuickFix[] = [];
  // Inserted lines use the document's own line ending.
  const eol = file.text.includes('\r\n') ? '\r\n' : '\n';
  const withEol = (edit: TextEdit): TextEdit =>
    eol === '\n' ? edit : { ...edit, newText: edit.newText.replace(/\r?\n/g, eol) };
  for (const diagnostic of diagnostics) {
    const data = diagnostic.data;
    if (!data) continue;
    if (diagnostic.code === 'unknown-field' && data.replacement) {
      const key = file.text.slice(
        file.lines.offsetAt(diagnostic.range.start),
        file.lines.offsetAt(diagnostic.range.end),
      );
      fixes.push({
        title: `Rename \`${key}\` to \`${data.replacement}\``,
        edits: [{ range: diagnostic.range, newText: data.replacement }],
        diagnostic,
        preferred: true,
      });
    } else if (diagnostic.code === 'enum' && data.replacement) {
      fixes.push({
        title: `Change to \`${data.replacement}\``,
        edits: [{ range: diagnostic.range, newText: data.replacement }],
        diagnostic,
        preferred: true,
      });
    } else if (diagnostic.code === 'required' && data.missing && data.path) {
      const edit = insertMissingFields(file, data.path, data.missing, schema);
      if (edit) {
        fixes.push({
          title:
            data.missing.length === 1
              ? `Add missing field \`${data.missing[0]}\``
              : `Add missing fields ${data.missing.map((m) => `\`${m}\``).join(', ')}`,
          edits: [withEol(edit)],
          diagnostic,
          preferred: true,
        });
      }
    }
  }
  return fixes;
}

/** An edit that adds empty required fields to the object at `path`. */
export function insertMissingFields(
  file: YamlFile,
  path: (string | number)[],
  missing: string[],
  schema: CompiledSchema,
): TextEdit | undefined {
  if (!file.usable) return undefined;
  const value = file.value ?? {};
  const { lines } = file;
  const location = locate(file.doc, path);
  const node = location.matched === path.length ? location.node : undefined;

  if (path.length === 0 && (node === undefined || !isMap(node) || node.items.length === 0)) {
    const body = fieldLines(schema, value, path, missing, 0).join('\n');
    const end = lines.positionAt(file.text.length);
    const needsBreak = file.text.length > 0 && !file.text.endsWith('\n');
    return { range: { start: end, end }, newText: `${needsBreak ? '\n' : ''}${body}\n` };
  }
  if (isMap(node) && node.flow) {
    const close = node.range![1] - 1;
    const inner = file.text.slice(node.range![0] + 1, close).trim();
    const fields = missing.map((m) => `${m}: `).join(', ');
    const at = lines.positionAt(close);
    return { range: { start: at, end: at }, newText: `${inner ? ', ' : ''}${fields} ` };
  }
  if (isMap(node) && node.items.length > 0) {
    const firstKey = node.items[0]!.key as Node;
    const indent = lines.positionAt(firstKey.range![0]).character;
    const last = node.items[node.items.length - 1]!;
    const lastNode = (last.value ?? last.key) as Node;
    const lastLine = lines.positionAt(Math.max(lastNode.range![1] - 1, lastNode.range![0])).line;
    const insertAt = lines.positionAt(lines.lineEnd(lastLine));
    const body = fieldLines(schema, value, path, missing, indent).join('\n');
    return { range: { start: insertAt, end: insertAt }, newText: `\n${body}` };
  }
  // An empty value (`citation:`): the fields go on the lines below its key.
  const locator = new YamlLocator(file);
  const keyRange = locator.keyRange(path);
  const indent = keyRange.start.character + 2;
  const insertAt = lines.positionAt(lines.lineEnd(keyRange.start.line));
  const body = fieldLines(schema, value, path, missing, indent).join('\n');
  return { range: { start: insertAt, end: insertAt }, newText: `\n${body}` };
}
