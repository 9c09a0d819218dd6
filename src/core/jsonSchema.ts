/** Plain JSON Schema objects as core handles them (2020-12; `true`/`false` schemas allowed). */
export type JsonSchema = boolean | JsonSchemaObject;

export interface JsonSchemaObject {
  [keyword: string]: unknown;
  $id?: string;
  $ref?: string;
  title?: string;
  description?: string;
  markdownDescription?: string;
  type?: string | string[];
  enum?: unknown[];
  enumDescriptions?: string[];
  const?: unknown;
  properties?: Record<string, JsonSchema>;
  patternProperties?: Record<string, JsonSchema>;
  additionalProperties?: JsonSchema;
  unevaluatedProperties?: JsonSchema;
  required?: string[];
  items?: JsonSchema;
  prefixItems?: JsonSchema[];
  allOf?: JsonSchema[];
  anyOf?: JsonSchema[];
  oneOf?: JsonSchema[];
  if?: JsonSchema;
  then?: JsonSchema;
  else?: JsonSchema;
  minimum?: number;
  maximum?: number;
  exclusiveMinimum?: number;
  exclusiveMaximum?: number;
  default?: unknown;
}

export function isSchemaObject(value: unknown): value is JsonSchemaObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Keywords whose subschemas apply to the same instance as their parent. */
export const SAME_INSTANCE_ARRAY_KEYWORDS = ['allOf', 'anyOf', 'oneOf'] as const;
export const SAME_INSTANCE_SCHEMA_KEYWORDS = ['not', 'if', 'then', 'else'] as const;

/** Decodes one JSON-pointer segment: every `~1` to `/` and every `~0` to `~`, in that order. */
export function unescapePointerSegment(segment: string): string {
  return segment.replace(/~1/g, '/').replace(/~0/g, '~');
}

/**
 * Splits a JSON pointer (`/arms/0/n`) into decoded segments. A pointer taken from a URI fragment
 * (`#/$defs/a%20b`) is percent-encoded as well; an ajv `instancePath` is not.
 */
export function parsePointer(pointer: string, fromUriFragment = false): string[] {
  if (pointer === '') return [];
  return pointer
    .slice(pointer.startsWith('/') ? 1 : 0)
    .split('/')
    .map((segment) => unescapePointerSegment(fromUriFragment ? safeDecodeURIComponent(segment) : segment));
}

function safeDecodeURIComponent(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}

/** Resolves a URI-fragment JSON pointer (`/a/b`) inside a value. */
export function resolvePointer(root: unknown, pointer: string): unknown {
  let node = root;
  for (const segment of parsePointer(pointer, true)) {
    if (Array.isArray(node)) node = node[Number(segment)];
    else if (typeof node === 'object' && node !== null) node = (node as Record<string, unknown>)[segment];
    else return undefined;
  }
  return node;
}
