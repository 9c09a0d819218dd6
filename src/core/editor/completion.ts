import { NOT_REPORTED } from '../record/model';
import type { CompletionContext } from '../yaml/cursor';
import type { JsonSchemaObject } from '../schema/jsonSchema';
import { WHOLE_SAMPLE } from '../record/rules';
import type { CompiledSchema } from '../schema/schema';
import { describeSchema } from '../schema/schemaMessages';
import { declaredProperties, descriptionOf, titleOf, type SchemaContext } from '../schema/schemaNavigator';
import { isPlainObject } from '../common/values';

export interface CompletionEntry {
  label: string;
  kind: 'property' | 'value' | 'snippet' | 'reference';
  /** Text to insert; a snippet (`$1`, `${1|a,b|}`) when `snippet` is true. */
  insertText: string;
  snippet: boolean;
  detail?: string;
  /** Markdown. */
  documentation?: string;
  sortText: string;
}

/** Completions at a cursor: field names (required first), allowed values, arm ids in results, snippets. */
export function complete(context: CompletionContext, schema: CompiledSchema): CompletionEntry[] {
  return context.kind === 'key' ? completeKeys(context, schema) : completeValues(context, schema);
}

/** Escapes text so that a snippet inserts it literally. */
export function snippetEscape(text: string): string {
  return text.replace(/[$}\\]/g, '\\$&');
}

/**
 * The text a snippet inserts when nothing is typed into it, for editors without snippet support:
 * placeholders and variables give their default text, a choice its first option, tab stops nothing,
 * and escapes are undone. Malformed snippet syntax is kept as it stands.
 */
export function snippetToPlainText(snippet: string): string {
  return readSnippetText(snippet, 0, false).text;
}

const DIGITS = /^\d+/;
const VARIABLE_NAME = /^[_a-zA-Z][_a-zA-Z0-9]*/;

/** Reads text up to the end (or, inside a placeholder, up to its unescaped `}`). */
function readSnippetText(
  snippet: string,
  start: number,
  inPlaceholder: boolean,
): { text: string; end: number; closed: boolean } {
  let text = '';
  let i = start;
  while (i < snippet.length) {
    const ch = snippet[i]!;
    if (ch === '\\' && i + 1 < snippet.length && '$}\\'.includes(snippet[i + 1]!)) {
      text += snippet[i + 1];
      i += 2;
    } else if (ch === '}' && inPlaceholder) {
      return { text, end: i, closed: true };
    } else if (ch === '$') {
      const element = readSnippetElement(snippet, i);
      text += element ? element.text : '$';
      i = element ? element.end : i + 1;
    } else {
      text += ch;
      i++;
    }
  }
  return { text, end: i, closed: false };
}

/** Reads `$1`, `${1}`, `${1:default}`, `${1|a,b|}`, `$name`, `${name}` or `${name:default}` at `start`. */
function readSnippetElement(snippet: string, start: number): { text: string; end: number } | undefined {
  const rest = snippet.slice(start + 1);
  const bare = DIGITS.exec(rest) ?? VARIABLE_NAME.exec(rest);
  if (bare) return { text: /^\d/.test(bare[0]) ? '' : bare[0], end: start + 1 + bare[0].length };
  if (rest[0] !== '{') return undefined;
  const name = DIGITS.exec(rest.slice(1)) ?? VARIABLE_NAME.exec(rest.slice(1));
  if (!name) return undefined;
  const isTabStop = /^\d/.test(name[0]);
  const after = start + 2 + name[0].length;
  if (snippet[after] === '}') return { text: isTabStop ? '' : name[0], end: after + 1 };
  if (snippet[after] === ':') {
    const inner = readSnippetText(snippet, after + 1, true);
    return inner.closed ? { text: inner.text, end: inner.end + 1 } : undefined;
  }
  if (snippet[after] === '|' && isTabStop) return readChoice(snippet, after + 1);
  return undefined;
}

/** Reads the options of a choice up to `|}`; the first option is its text. */
function readChoice(snippet: string, start: number): { text: string; end: number } | undefined {
  const options: string[] = [''];
  for (let i = start; i < snippet.length; i++) {
    const ch = snippet[i]!;
    if (ch === '\\' && i + 1 < snippet.length && '$}\\,|'.includes(snippet[i + 1]!)) {
      options[options.length - 1] += snippet[++i]!;
    } else if (ch === '|' && snippet[i + 1] === '}') {
      return { text: options[0]!, end: i + 2 };
    } else if (ch === ',') {
      options.push('');
    } else {
      options[options.length - 1] += ch;
    }
  }
  return undefined;
}

function choiceEscape(text: string): string {
  return text.replace(/[$}\\,|]/g, '\\$&');
}

export interface AllowedValue {
  value: unknown;
  /** The schema's description of the value (`enumDescriptions`), if it has one. */
  description?: string;
}

/**
 * The values a field's schemas name one by one: the `enum` (when several apply, their intersection, in
 * the order of the narrowest, a review's vocabulary) and every `const` alternative (such as `NR`).
 */
export function allowedValues(contexts: SchemaContext[]): AllowedValue[] {
  const values: AllowedValue[] = [];
  const seen = new Set<string>();
  const add = (value: unknown, description?: string) => {
    const key = JSON.stringify(value);
    if (seen.has(key)) return;
    seen.add(key);
    values.push(description === undefined ? { value } : { value, description });
  };
  const lists = contexts.filter((c) => Array.isArray(c.schema.enum));
  if (lists.length > 0) {
    const last = lists[lists.length - 1]!.schema;
    const allowed = (last.enum as unknown[]).filter((v) =>
      lists.every((l) => (l.schema.enum as unknown[]).some((w) => JSON.stringify(w) === JSON.stringify(v))),
    );
    const descriptions = last.enumDescriptions ?? (last.markdownEnumDescriptions as string[] | undefined);
    allowed.forEach((v) => {
      const description = Array.isArray(descriptions)
        ? descriptions[(last.enum as unknown[]).indexOf(v)]
        : undefined;
      add(v, typeof description === 'string' ? description : undefined);
    });
  }
  for (const { schema } of contexts) if (schema.const !== undefined) add(schema.const);
  return values;
}

/** What completion offers for a value: the allowed values, and `true`/`false` for a boolean. */
function enumValues(contexts: SchemaContext[]): AllowedValue[] {
  const values = allowedValues(contexts);
  if (contexts.some((c) => c.schema.type === 'boolean'))
    for (const flag of [true, false]) if (!values.some((v) => v.value === flag)) values.push({ value: flag });
  return values;
}

function scalarText(value: unknown): string {
  return typeof value === 'string' ? value : JSON.stringify(value);
}

/** How a property's value is laid out when the key is inserted. */
function propertySnippet(name: string, contexts: SchemaContext[], indent: number, inFlow: boolean): string {
  const types = new Set(
    contexts.flatMap((c) =>
      Array.isArray(c.schema.type) ? c.schema.type : c.schema.type ? [c.schema.type] : [],
    ),
  );
  const values = enumValues(contexts);
  const pad = ' '.repeat(indent + 2);
  const key = snippetEscape(name);
  if (values.length > 0 && values.length <= 30)
    return `${key}: \${1|${values.map((v) => choiceEscape(scalarText(v.value))).join(',')}|}`;
  if (types.has('object') && contexts.some((c) => c.schema.properties || c.schema.additionalProperties)) {
    return inFlow ? `${key}: { $1 }` : `${key}:\n${pad}$0`;
  }
  if (types.has('array')) {
    const itemsAreObjects = contexts.some((c) => isPlainObject(c.schema.items) && c.schema.items.$ref);
    return itemsAreObjects && !inFlow ? `${key}:\n${pad}- $0` : `${key}: [$1]`;
  }
  return `${key}: $1`;
}

function completeKeys(context: CompletionContext, schema: CompiledSchema): CompletionEntry[] {
  const entries: CompletionEntry[] = [];
  const path = context.path;
  const record = isPlainObject(context.value) ? context.value : {};

  // Inside `results`: the keys are the record's arm ids (and `all`).
  if (path.length === 3 && path[0] === 'outcomes' && path[2] === 'results') {
    const resultContexts = schema.schemasAt(context.value, [...path, '__arm__']);
    const fields = declaredProperties(resultContexts).filter(
      (f) => f !== 'se' && f !== 'ci' && f !== 'percent',
    );
    const arms = Array.isArray(record.arms) ? record.arms.filter(isPlainObject) : [];
    // Once each, though two arms share an id (that is reported on the arms).
    const ids = [
      ...new Set([
        ...arms.map((a) => a.id).filter((id): id is string => typeof id === 'string'),
        WHOLE_SAMPLE,
      ]),
    ];
    ids
      .filter((id) => !context.existingKeys.includes(id))
      .forEach((id, index) => {
        const arm = arms.find((a) => a.id === id);
        const body =
          fields.length > 0 ? ` { ${fields.map((f, i) => `${f}: \${${i + 1}}`).join(', ')} }` : ' $1';
        entries.push({
          label: id,
          kind: 'reference',
          insertText: context.valueFollows ? snippetEscape(id) : `${snippetEscape(id)}:${body}`,
          snippet: true,
          detail:
            id === WHOLE_SAMPLE
              ? 'the whole sample'
              : `arm${arm && typeof arm.label === 'string' ? `: ${arm.label}` : ''}`,
          documentation: id === WHOLE_SAMPLE ? 'Results of the whole sample (all arms together).' : undefined,
          sortText: `0${String(index).padStart(3, '0')}`,
        });
      });
    return entries;
  }

  const contexts = schema.schemasAt(context.value, path);
  const required = new Set(
    contexts.flatMap((c) => (Array.isArray(c.schema.required) ? c.schema.required : [])),
  );
  const names = declaredProperties(contexts).filter((n) => !context.existingKeys.includes(n));
  const parentValue = path.reduce<unknown>(
    (v, s) => (v as Record<string | number, unknown> | undefined)?.[s],
    context.value,
  );
  names.forEach((name, index) => {
    const child = schema.navigator.propertySchemas(contexts, name, undefined);
    const title = titleOf(child);
    const description = descriptionOf(child);
    entries.push({
      label: name,
      kind: 'property',
      // A key that has a value keeps it: only the name is replaced.
      insertText: context.valueFollows
        ? snippetEscape(name)
        : propertySnippet(name, child, context.indent, context.inFlow),
      snippet: true,
      detail: `${required.has(name) ? 'required' : 'optional'}${title ? ` · ${title}` : ''} · ${describeSchema(mergeForDescription(child))}`,
      documentation: description,
      sortText: `${required.has(name) ? '0' : '1'}${String(index).padStart(3, '0')}`,
    });
  });

  // A new item of `arms` or `outcomes`: offer the whole item as a snippet.
  const empty = isPlainObject(parentValue) && Object.keys(parentValue).length === 0;
  if (context.newItem && empty && path.length === 2 && (path[0] === 'arms' || path[0] === 'outcomes')) {
    entries.push(path[0] === 'arms' ? armSnippet(schema, context) : outcomeSnippet(schema, context));
  }
  return entries;
}

/** Folds the applicable schemas into one object for a one-line summary of what is accepted. */
function mergeForDescription(contexts: SchemaContext[]): JsonSchemaObject {
  const merged: JsonSchemaObject = {};
  for (const { schema } of contexts) {
    for (const key of [
      'type',
      'enum',
      'const',
      'minimum',
      'maximum',
      'exclusiveMinimum',
      'exclusiveMaximum',
      'minLength',
    ] as const) {
      if (schema[key] !== undefined) (merged as Record<string, unknown>)[key] = schema[key];
    }
  }
  const hasNR = contexts.some((c) => c.schema.const === NOT_REPORTED);
  if (hasNR && merged.const === NOT_REPORTED) delete merged.const;
  if (hasNR) return { anyOf: [merged, { const: NOT_REPORTED }] };
  return merged;
}

function choicesFor(schema: CompiledSchema, value: unknown, path: (string | number)[]): string | undefined {
  const values = enumValues(schema.schemasAt(value, path)).map((v) => scalarText(v.value));
  return values.length > 0 ? values.map(choiceEscape).join(',') : undefined;
}

function armSnippet(schema: CompiledSchema, context: CompletionContext): CompletionEntry {
  const pad = ' '.repeat(context.indent);
  const groups = choicesFor(schema, context.value, [...context.path, 'group']);
  return {
    label: 'New arm',
    kind: 'snippet',
    insertText: `id: \${1:arm-id}\n${pad}label: \${2:label as reported}\n${pad}group: ${groups ? `\${3|${groups}|}` : '${3:group}'}\n${pad}n: \${4:NR}`,
    snippet: true,
    detail: 'arm with id, label, group and n',
    documentation: 'Inserts a complete arm. Results of outcomes refer to it by its id.',
    sortText: '0000',
  };
}

function outcomeSnippet(schema: CompiledSchema, context: CompletionContext): CompletionEntry {
  const pad = ' '.repeat(context.indent);
  const ids = choicesFor(schema, context.value, [...context.path, 'id']);
  const record = isPlainObject(context.value) ? context.value : {};
  const arms = (Array.isArray(record.arms) ? record.arms : [])
    .filter(isPlainObject)
    .map((a) => a.id)
    .filter((id): id is string => typeof id === 'string');
  let tab = 3;
  const results = (arms.length > 0 ? arms : ['arm-id'])
    .map(
      (id) =>
        `${pad}  ${snippetEscape(id)}: { mean: \${${tab++}:NR}, sd: \${${tab++}:NR}, n: \${${tab++}:NR} }`,
    )
    .join('\n');
  return {
    label: 'New outcome',
    kind: 'snippet',
    insertText: `id: ${ids ? `\${1|${ids}|}` : '${1:outcome-id}'}\n${pad}type: \${2|continuous,dichotomous,correlation|}\n${pad}results:\n${results}`,
    snippet: true,
    detail: 'outcome with results for every arm',
    documentation: 'Inserts an outcome with a result line for each arm of the record.',
    sortText: '0000',
  };
}

/** What `NR` means, wherever it is offered: a finding about the source, unlike an empty value. */
const NOT_REPORTED_HELP =
  'Not reported in the source: the report was read and does not give this value. ' +
  'Leave a value empty instead while it is still to be extracted.';

function completeValues(context: CompletionContext, schema: CompiledSchema): CompletionEntry[] {
  const contexts = schema.schemasAt(context.value, context.path);
  return enumValues(contexts).map((v, index) => ({
    label: scalarText(v.value),
    kind: 'value' as const,
    insertText: scalarText(v.value),
    snippet: false,
    ...(v.value === NOT_REPORTED ? { detail: 'not reported in the source' } : {}),
    documentation: v.value === NOT_REPORTED ? NOT_REPORTED_HELP : v.description,
    sortText: `${v.value === NOT_REPORTED ? '1' : '0'}${String(index).padStart(3, '0')}`,
  }));
}
