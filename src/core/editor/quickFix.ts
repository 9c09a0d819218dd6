import { isMap } from 'yaml';
import type { Diagnostic, Position, TextEdit } from '../common/diagnostic';
import type { CompiledSchema } from '../schema/schema';
import { insertField } from './fieldInsertion';
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
      const edits = insertMissingFields(file, data.path, data.missing, schema);
      if (edits.length > 0) {
        fixes.push({
          title:
            data.missing.length === 1
              ? `Add missing field \`${data.missing[0]}\``
              : `Add missing fields ${data.missing.map((m) => `\`${m}\``).join(', ')}`,
          edits: edits.map(withEol),
          diagnostic,
          preferred: true,
        });
      }
    }
  }
  return fixes;
}

/** The edits that add empty required fields to the object at `path`, each at its place in schema order. */
export function insertMissingFields(
  file: YamlFile,
  path: (string | number)[],
  missing: string[],
  schema: CompiledSchema,
): TextEdit[] {
  if (!file.usable) return [];
  const location = locate(file.doc, path);
  const node = location.matched === path.length ? location.node : undefined;
  if (isMap(node) && !node.flow && node.items.length > 0) {
    // Fields written at one place go there together, in the order they are asked for.
    const edits: TextEdit[] = [];
    for (const name of missing) {
      const lines = fieldLines(schema, file.value ?? {}, path, [name], 0);
      const insertion = insertField(file, schema, path, name, lines, { cursorBlank: false });
      if (!insertion) return [];
      const same = edits.find((e) => samePosition(e.range.start, insertion.edit.range.start));
      if (same) same.newText += insertion.edit.newText;
      else edits.push(insertion.edit);
    }
    return edits;
  }
  const single = singleInsertion(file, path, missing, schema);
  return single ? [single] : [];
}

const samePosition = (a: Position, b: Position) => a.line === b.line && a.character === b.character;

function singleInsertion(
  file: YamlFile,
  path: (string | number)[],
  missing: string[],
  schema: CompiledSchema,
): TextEdit | undefined {
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
  // An empty value (`citation:`): the fields go on the lines below its key.
  const locator = new YamlLocator(file);
  const keyRange = locator.keyRange(path);
  const indent = keyRange.start.character + 2;
  const insertAt = lines.positionAt(lines.lineEnd(keyRange.start.line));
  const body = fieldLines(schema, value, path, missing, indent).join('\n');
  return { range: { start: insertAt, end: insertAt }, newText: `\n${body}` };
}
