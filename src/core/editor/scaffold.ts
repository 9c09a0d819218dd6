import type { CompiledSchema } from '../schema/schema';
import { firstSentence } from '../schema/schemaMessages';
import { descriptionOf, type SchemaContext } from '../schema/schemaNavigator';
import { isPlainObject } from '../common/values';
import type { PathSegment } from '../yaml/yamlDocument';

/** The first sentence of a description, as a one-line comment. */
function commentFor(contexts: SchemaContext[]): string {
  const description = descriptionOf(contexts);
  if (!description) return '';
  const sentence = firstSentence(description);
  return `  # ${sentence.length > 120 ? `${sentence.slice(0, 117)}…` : sentence}`;
}

function requiredOf(contexts: SchemaContext[]): string[] {
  const names: string[] = [];
  for (const { schema } of contexts)
    for (const name of schema.required ?? []) if (!names.includes(name)) names.push(name);
  return names;
}

function kindOf(contexts: SchemaContext[]): 'object' | 'array-of-objects' | 'other' {
  const types = new Set(
    contexts.flatMap((c) =>
      Array.isArray(c.schema.type) ? c.schema.type : c.schema.type ? [c.schema.type] : [],
    ),
  );
  if (types.has('object') && contexts.some((c) => c.schema.properties)) return 'object';
  if (
    types.has('array') &&
    contexts.some((c) => isPlainObject(c.schema.items) && (c.schema.items.$ref || c.schema.items.properties))
  ) {
    return 'array-of-objects';
  }
  return 'other';
}

/**
 * YAML lines for the required fields of the object at `path`, each with an empty value as its placeholder
 * (an empty value means "not extracted yet") and its description as a comment. `known` fills values that
 * are already decided (study, reviewer, status).
 */
export function requiredFieldLines(
  schema: CompiledSchema,
  value: unknown,
  path: PathSegment[],
  names: string[],
  indent: number,
  known: Record<string, string> = {},
  depth = 0,
): string[] {
  const lines: string[] = [];
  const pad = ' '.repeat(indent);
  const contexts = schema.schemasAt(value, path);
  for (const name of names) {
    const child = schema.navigator.propertySchemas(contexts, name, undefined);
    const comment = commentFor(child);
    if (known[name] !== undefined) {
      lines.push(`${pad}${name}: ${known[name]}`);
      continue;
    }
    const kind = depth < 4 ? kindOf(child) : 'other';
    if (kind === 'object') {
      lines.push(`${pad}${name}:${comment}`);
      lines.push(
        ...requiredFieldLines(
          schema,
          setAt(value, [...path, name], {}),
          [...path, name],
          requiredOf(child),
          indent + 2,
          {},
          depth + 1,
        ),
      );
    } else if (kind === 'array-of-objects') {
      lines.push(`${pad}${name}:${comment}`);
      const itemValue = setAt(value, [...path, name], [{}]);
      const itemContexts = schema.navigator.itemSchemas(child, 0, {});
      const itemLines = requiredFieldLines(
        schema,
        itemValue,
        [...path, name, 0],
        requiredOf(itemContexts),
        indent + 4,
        {},
        depth + 1,
      );
      if (itemLines.length > 0) itemLines[0] = `${pad}  - ${itemLines[0]!.trimStart()}`;
      lines.push(...itemLines);
    } else {
      lines.push(`${pad}${name}:${comment}`);
    }
  }
  return lines;
}

function setAt(root: unknown, path: PathSegment[], leaf: unknown): unknown {
  if (path.length === 0) return leaf;
  const [head, ...rest] = path;
  if (typeof head === 'number') {
    const array = Array.isArray(root) ? [...root] : [];
    array[head] = setAt(array[head], rest, leaf);
    return array;
  }
  const object = isPlainObject(root) ? { ...root } : {};
  object[head!] = setAt(object[head!], rest, leaf);
  return object;
}

/** A new record: every required field, the known ones filled, the rest empty with their descriptions. */
export function scaffoldRecord(
  schema: CompiledSchema,
  study: string,
  reviewer: string,
  protocolVersion?: number,
): string {
  const known: Record<string, string> = { study, reviewer, status: 'draft' };
  if (protocolVersion !== undefined) known.protocol_version = String(protocolVersion);
  const seed = { study, reviewer, status: 'draft' };
  const required = requiredOf(schema.schemasAt(seed, []));
  const names =
    protocolVersion !== undefined && !required.includes('protocol_version')
      ? [...required.slice(0, 3), 'protocol_version', ...required.slice(3)]
      : required;
  const lines = requiredFieldLines(schema, seed, [], names, 0, known);
  return `${lines.join('\n')}\n`;
}
