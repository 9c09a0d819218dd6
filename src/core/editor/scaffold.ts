// A new record's text: the fields to extract in schema order, with empty values. Field help lives in hover,
// completion and the status bar, so the record carries no comments that would stay in the finished file.
import type { CompiledSchema } from '../schema/schema';
import { declaredProperties, type SchemaContext } from '../schema/schemaNavigator';
import { isPlainObject } from '../common/values';
import type { PathSegment } from '../yaml/yamlDocument';

/**
 * Fields a new record asks for beside the required ones, where its schema declares them: the study's
 * design, and what the characteristics table and the analyses read of each arm (label, n) and outcome
 * (scale).
 */
const FORM_FIELDS = { record: ['design'], arm: ['label', 'n'], outcome: ['scale'] } as const;

function formFieldsAt(path: PathSegment[]): readonly string[] {
  if (path.length === 0) return FORM_FIELDS.record;
  if (path.length === 2 && typeof path[1] === 'number') {
    if (path[0] === 'arms') return FORM_FIELDS.arm;
    if (path[0] === 'outcomes') return FORM_FIELDS.outcome;
  }
  return [];
}

function requiredOf(contexts: SchemaContext[]): string[] {
  const names: string[] = [];
  for (const { schema } of contexts)
    for (const name of schema.required ?? []) if (!names.includes(name)) names.push(name);
  return names;
}

/** The fields a new object at `path` lists: required and form fields, in schema order. */
function scaffoldNames(contexts: SchemaContext[], path: PathSegment[]): string[] {
  const required = requiredOf(contexts);
  const declared = declaredProperties(contexts);
  const wanted = new Set([...required, ...formFieldsAt(path).filter((name) => declared.includes(name))]);
  return [
    ...declared.filter((name) => wanted.has(name)),
    ...required.filter((name) => !declared.includes(name)),
  ];
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
 * YAML lines for the fields `names` of the object at `path`, each with an empty value (an empty value means
 * "not extracted yet"). A required object or list of objects is laid out with its own fields; `known`
 * fills values that are already decided (study, reviewer, status).
 */
export function fieldLines(
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
  const required = requiredOf(contexts);
  for (const name of names) {
    if (known[name] !== undefined) {
      lines.push(`${pad}${name}: ${known[name]}`);
      continue;
    }
    lines.push(`${pad}${name}:`);
    const child = schema.navigator.propertySchemas(contexts, name, undefined);
    const kind = depth < 4 && required.includes(name) ? kindOf(child) : 'other';
    if (kind === 'object') {
      const childPath = [...path, name];
      lines.push(
        ...fieldLines(
          schema,
          setAt(value, childPath, {}),
          childPath,
          scaffoldNames(child, childPath),
          indent + 2,
          {},
          depth + 1,
        ),
      );
    } else if (kind === 'array-of-objects') {
      const itemPath = [...path, name, 0];
      const itemLines = fieldLines(
        schema,
        setAt(value, [...path, name], [{}]),
        itemPath,
        scaffoldNames(schema.navigator.itemSchemas(child, 0, {}), itemPath),
        indent + 4,
        {},
        depth + 1,
      );
      if (itemLines.length > 0) itemLines[0] = `${pad}  - ${itemLines[0]!.trimStart()}`;
      lines.push(...itemLines);
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

/** A new record: the fields to extract in schema order, the known ones filled, the rest empty. */
export function scaffoldRecord(
  schema: CompiledSchema,
  study: string,
  reviewer: string,
  protocolVersion?: number,
): string {
  const known: Record<string, string> = { study, reviewer, status: 'draft' };
  if (protocolVersion !== undefined) known.protocol_version = String(protocolVersion);
  const seed = { study, reviewer, status: 'draft' };
  const names = scaffoldNames(schema.schemasAt(seed, []), []);
  if (protocolVersion !== undefined && !names.includes('protocol_version'))
    names.splice(names.includes('status') ? names.indexOf('status') + 1 : 0, 0, 'protocol_version');
  const lines = fieldLines(schema, seed, [], names, 0, known);
  return `${lines.join('\n')}\n`;
}
