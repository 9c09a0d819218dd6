import { isPlainObject } from '../common/values';
import {
  compileSchemaPattern,
  isPatternProblem,
  isSchemaObject,
  resolvePointer,
  type JsonSchema,
  type JsonSchemaObject,
  type LinearRegExp,
} from './jsonSchema';

/** A subschema together with the base URI its relative `$ref`s resolve against. */
export interface SchemaContext {
  schema: JsonSchemaObject;
  base: string;
  /** Reached through a `$ref` from a schema that has its own description (which then takes precedence). */
  describedByReferrer?: boolean;
}

/** Decides `if` subschemas against a value; `undefined` when it cannot tell. */
export type IfEvaluator = (schema: JsonSchema, base: string, value: unknown) => boolean | undefined;

function withoutFragment(uri: string): string {
  const hash = uri.indexOf('#');
  return hash < 0 ? uri : uri.slice(0, hash);
}

const resolvedUris = new Map<string, string>();

export function resolveUri(reference: string, base: string): string {
  const key = `${base}\n${reference}`;
  let resolved = resolvedUris.get(key);
  if (resolved === undefined) {
    try {
      resolved = new URL(reference, base).href;
    } catch {
      resolved = reference;
    }
    if (resolvedUris.size > 10_000) resolvedUris.clear();
    resolvedUris.set(key, resolved);
  }
  return resolved;
}

/**
 * Walks schemas the way a validator applies them, to answer "which schemas apply here?" — the question
 * behind unknown-field checks, completion and hover. JSON Schema itself cannot say "unknown at every
 * level" across `allOf` branches, so the tool asks it of the schemas that apply at each location.
 */
export class SchemaNavigator {
  private readonly resources = new Map<string, JsonSchemaObject>();
  /** Schemas named by `$anchor` or `$dynamicAnchor`, by `resource#name`. */
  private readonly anchors = new Map<string, JsonSchemaObject>();
  /** Schemas that declare a `$dynamicAnchor`, by its name (a `$dynamicRef` may resolve to any of them). */
  private readonly dynamicAnchors = new Map<string, SchemaContext[]>();

  constructor(
    roots: { uri: string; schema: JsonSchemaObject }[],
    private readonly evaluateIf: IfEvaluator = () => undefined,
  ) {
    for (const root of roots) this.index(root.schema, root.uri);
  }

  private index(schema: unknown, base: string): void {
    const stack: [unknown, string][] = [[schema, base]];
    const seen = new Set<unknown>();
    let first = true;
    while (stack.length > 0) {
      const [node, nodeBase] = stack.pop()!;
      if (typeof node !== 'object' || node === null || seen.has(node)) continue;
      seen.add(node);
      let currentBase = nodeBase;
      if (!Array.isArray(node)) {
        const id = (node as JsonSchemaObject).$id;
        if (typeof id === 'string') currentBase = resolveUri(id, nodeBase);
        if (first || typeof id === 'string')
          this.resources.set(withoutFragment(currentBase), node as JsonSchemaObject);
        for (const keyword of ['$anchor', '$dynamicAnchor'] as const) {
          const anchor = (node as JsonSchemaObject)[keyword];
          if (typeof anchor === 'string')
            this.anchors.set(`${withoutFragment(currentBase)}#${anchor}`, node as JsonSchemaObject);
        }
        const dynamicAnchor = (node as JsonSchemaObject).$dynamicAnchor;
        if (typeof dynamicAnchor === 'string') {
          const targets = this.dynamicAnchors.get(dynamicAnchor) ?? [];
          targets.push({ schema: node as JsonSchemaObject, base: withoutFragment(currentBase) });
          this.dynamicAnchors.set(dynamicAnchor, targets);
        }
      }
      first = false;
      for (const child of Object.values(node)) stack.push([child, currentBase]);
    }
  }

  /** The schema a `$ref` points at, or `undefined` when it does not resolve. */
  private readonly refCache = new Map<string, SchemaContext | undefined>();
  /** Expansions that do not depend on the value (no `if` on the way), by their input schemas. */
  private readonly expansionCache = new Map<string, SchemaContext[]>();
  private readonly schemaIds = new WeakMap<object, number>();
  private nextSchemaId = 0;

  private schemaId(schema: object): number {
    let id = this.schemaIds.get(schema);
    if (id === undefined) {
      id = this.nextSchemaId++;
      this.schemaIds.set(schema, id);
    }
    return id;
  }

  resolveRef(reference: string, base: string): SchemaContext | undefined {
    const key = `${base}\n${reference}`;
    if (!this.refCache.has(key)) this.refCache.set(key, this.lookUpRef(reference, base));
    return this.refCache.get(key);
  }

  private lookUpRef(reference: string, base: string): SchemaContext | undefined {
    const absolute = resolveUri(reference, base);
    const resourceUri = withoutFragment(absolute);
    const resource = this.resources.get(resourceUri);
    if (!resource) return undefined;
    const hash = absolute.indexOf('#');
    const fragment = hash < 0 ? '' : absolute.slice(hash + 1);
    const target =
      fragment === ''
        ? resource
        : fragment.startsWith('/')
          ? resolvePointer(resource, fragment)
          : this.anchors.get(`${resourceUri}#${safeDecode(fragment)}`);
    return isSchemaObject(target) ? { schema: target, base: resourceUri } : undefined;
  }

  /** Every schema that declares `$dynamicAnchor: name`, in any resource. */
  dynamicAnchorTargets(name: string): SchemaContext[] {
    return this.dynamicAnchors.get(name) ?? [];
  }

  /**
   * Expansions that depend on the value, by their input schemas: every `if` the expansion may meet (on
   * either branch), and the expansion for each combination of their answers. The answers decide the
   * expansion, so a value is expanded by deciding its conditions and looking the result up.
   */
  private readonly conditionalCache = new Map<
    string,
    { conditions: SchemaContext[]; byAnswers: Map<string, SchemaContext[]> }
  >();

  /** Every schema that applies to `value` through `$ref`, `allOf`, `anyOf`, `oneOf` and `if`/`then`/`else`. */
  expand(contexts: SchemaContext[], value: unknown): SchemaContext[] {
    const key = contexts
      .map((c) => `${this.schemaId(c.schema)}${c.describedByReferrer ? 'd' : ''}@${c.base}`)
      .join(',');
    const cached = this.expansionCache.get(key);
    if (cached) return cached;
    const conditional = this.conditionalCache.get(key);
    if (conditional) {
      let answers = '';
      for (const { schema, base } of conditional.conditions) {
        const holds = this.evaluateIf(schema, base, value);
        answers += holds === undefined ? '?' : holds ? '1' : '0';
      }
      let found = conditional.byAnswers.get(answers);
      if (!found) {
        found = this.expandWalk(contexts, value).result;
        conditional.byAnswers.set(answers, found);
        this.childCache.set(found, new Map());
      }
      return found;
    }
    const { result, dependsOnValue } = this.expandWalk(contexts, value);
    if (!dependsOnValue) {
      this.expansionCache.set(key, result);
      this.valueIndependent.add(result);
      this.childCache.set(result, new Map());
    } else {
      const conditions = this.reachableConditions(contexts);
      if (conditions.length <= 8) this.conditionalCache.set(key, { conditions, byAnswers: new Map() });
    }
    return result;
  }

  /** Every `if` (with its base) met when expanding `contexts`, following both branches, in a fixed order. */
  private reachableConditions(contexts: SchemaContext[]): SchemaContext[] {
    const found: SchemaContext[] = [];
    const seen = new Set<JsonSchemaObject>();
    const stack = [...contexts].reverse();
    while (stack.length > 0) {
      const { schema, base: outer } = stack.pop()!;
      if (seen.has(schema)) continue;
      seen.add(schema);
      const base = typeof schema.$id === 'string' ? resolveUri(schema.$id, outer) : outer;
      const children: SchemaContext[] = [];
      const add = (sub: unknown) => {
        if (isSchemaObject(sub)) children.push({ schema: sub, base });
      };
      if (typeof schema.$ref === 'string') {
        const target = this.resolveRef(schema.$ref, base);
        if (target) children.push(target);
      }
      for (const keyword of ['allOf', 'anyOf', 'oneOf'] as const) {
        const branches = schema[keyword];
        if (Array.isArray(branches)) for (const branch of branches) add(branch);
      }
      if (schema.if !== undefined) {
        found.push({ schema: schema.if as JsonSchemaObject, base });
        add(schema.then);
        add(schema.else);
      }
      stack.push(...children.reverse());
    }
    return found;
  }

  private expandWalk(
    contexts: SchemaContext[],
    value: unknown,
  ): { result: SchemaContext[]; dependsOnValue: boolean } {
    let dependsOnValue = false;
    const result: SchemaContext[] = [];
    const seen = new Set<JsonSchemaObject>();
    const stack = [...contexts].reverse();
    while (stack.length > 0) {
      const context = stack.pop()!;
      if (seen.has(context.schema)) continue;
      seen.add(context.schema);
      result.push(context);
      const { schema } = context;
      const base = typeof schema.$id === 'string' ? resolveUri(schema.$id, context.base) : context.base;
      // Children are pushed in reverse so that schemas come out in document order (base before review).
      const children: SchemaContext[] = [];
      const add = (sub: unknown) => {
        if (isSchemaObject(sub)) children.push({ schema: sub, base });
      };
      if (typeof schema.$ref === 'string') {
        const target = this.resolveRef(schema.$ref, base);
        const described = typeof schema.description === 'string' || context.describedByReferrer === true;
        if (target) children.push({ ...target, describedByReferrer: described });
      }
      for (const keyword of ['allOf', 'anyOf', 'oneOf'] as const) {
        const branches = schema[keyword];
        if (Array.isArray(branches)) for (const branch of branches) add(branch);
      }
      if (schema.if !== undefined) {
        dependsOnValue = true;
        const holds = this.evaluateIf(schema.if, base, value);
        if (holds !== false) add(schema.then);
        if (holds !== true) add(schema.else);
      }
      stack.push(...children.reverse());
    }
    return { result, dependsOnValue };
  }

  /** The schemas of property `key` of an object whose schemas are `parents` (already expanded). */
  /** Child expansions of value-independent expansions, by parent array and key: the hot path of a walk. */
  private readonly childCache = new WeakMap<SchemaContext[], Map<string, SchemaContext[]>>();
  private readonly valueIndependent = new WeakSet<SchemaContext[]>();

  propertySchemas(parents: SchemaContext[], key: string, childValue: unknown): SchemaContext[] {
    // Parents that are one cached expansion (of any value) have the same children whatever the value.
    const memo = this.childCache.get(parents);
    const hit = memo?.get(`p:${key}`);
    if (hit) return hit;
    const result = this.computePropertySchemas(parents, key, childValue);
    if (memo && this.valueIndependent.has(result)) memo.set(`p:${key}`, result);
    return result;
  }

  private computePropertySchemas(
    parents: SchemaContext[],
    key: string,
    childValue: unknown,
  ): SchemaContext[] {
    const children: SchemaContext[] = [];
    for (const { schema, base } of parents) {
      const own = schema.properties?.[key];
      if (own !== undefined) {
        if (isSchemaObject(own)) children.push({ schema: own, base });
        continue;
      }
      let matchedPattern = false;
      for (const [pattern, sub] of Object.entries(schema.patternProperties ?? {})) {
        if (safeRegExp(pattern)?.test(key)) {
          matchedPattern = true;
          if (isSchemaObject(sub)) children.push({ schema: sub, base });
        }
      }
      if (!matchedPattern && isSchemaObject(schema.additionalProperties)) {
        children.push({ schema: schema.additionalProperties, base });
      }
    }
    return this.expand(children, childValue);
  }

  /** The schemas of item `index` of an array whose schemas are `parents` (already expanded). */
  itemSchemas(parents: SchemaContext[], index: number, childValue: unknown): SchemaContext[] {
    const memo = this.childCache.get(parents);
    const usesPrefix = parents.some((p) => Array.isArray(p.schema.prefixItems));
    const hit = usesPrefix ? undefined : memo?.get('i');
    if (hit) return hit;
    const result = this.computeItemSchemas(parents, index, childValue);
    if (memo && !usesPrefix && this.valueIndependent.has(result)) memo.set('i', result);
    return result;
  }

  private computeItemSchemas(parents: SchemaContext[], index: number, childValue: unknown): SchemaContext[] {
    const children: SchemaContext[] = [];
    for (const { schema, base } of parents) {
      const prefix = schema.prefixItems;
      if (Array.isArray(prefix) && index < prefix.length) {
        if (isSchemaObject(prefix[index])) children.push({ schema: prefix[index], base });
      } else if (isSchemaObject(schema.items)) children.push({ schema: schema.items, base });
    }
    return this.expand(children, childValue);
  }

  /** Schemas that apply at a path of keys and indexes inside `rootValue`. */
  schemasAt(root: SchemaContext[], rootValue: unknown, path: readonly (string | number)[]): SchemaContext[] {
    let value = rootValue;
    let contexts = this.expand(root, value);
    for (const segment of path) {
      if (Array.isArray(value) && typeof segment === 'number') {
        value = value[segment];
        contexts = this.itemSchemas(contexts, segment, value);
      } else {
        const key = String(segment);
        value = isPlainObject(value) ? value[key] : undefined;
        contexts = this.propertySchemas(contexts, key, value);
      }
      if (contexts.length === 0) break;
    }
    return contexts;
  }
}

/**
 * Property names declared for an object by the schemas that apply to it, in schema order: the first
 * schema's order, with each name another schema adds placed where that schema puts it (before the next
 * name both declare, else after the last one), so that a review's `design` lands between the bundled
 * schema's `citation` and `arms` when the review declares it before `arms`.
 */
export function declaredProperties(contexts: SchemaContext[]): string[] {
  const order: string[] = [];
  for (const { schema } of contexts) {
    const names = Object.keys(schema.properties ?? {});
    let after = -1;
    names.forEach((name, i) => {
      const at = order.indexOf(name);
      if (at >= 0) {
        after = at;
        return;
      }
      const next = names.slice(i + 1).find((later) => order.includes(later));
      const place = next !== undefined && after < order.indexOf(next) ? order.indexOf(next) : after + 1;
      order.splice(place, 0, name);
      after = place;
    });
  }
  return order;
}

/**
 * Whether `key` is allowed by the schemas that apply to its object. An object that no schema describes
 * with `properties` is open (e.g. free-form data the review did not model).
 */
export function isKnownProperty(contexts: SchemaContext[], key: string): boolean {
  let described = false;
  for (const { schema } of contexts) {
    if (schema.properties !== undefined) described = true;
    if (schema.properties && Object.prototype.hasOwnProperty.call(schema.properties, key)) return true;
    if (schema.additionalProperties !== undefined && schema.additionalProperties !== false) return true;
    if (schema.unevaluatedProperties !== undefined && schema.unevaluatedProperties !== false) return true;
    for (const pattern of Object.keys(schema.patternProperties ?? {}))
      if (safeRegExp(pattern)?.test(key)) return true;
  }
  return !described;
}

/** A `patternProperties` key compiled by the linear-time engine; `undefined` if it cannot be used. */
function safeRegExp(pattern: string): LinearRegExp | undefined {
  const compiled = compileSchemaPattern(pattern);
  return isPatternProblem(compiled) ? undefined : compiled;
}

function safeDecode(fragment: string): string {
  try {
    return decodeURIComponent(fragment);
  } catch {
    return fragment;
  }
}

/**
 * The description a reader should see for a location: the most specific one (a review's schema over the
 * base; a property's own description over that of the definition it refers to).
 */
export function descriptionOf(contexts: SchemaContext[]): string | undefined {
  return contexts
    .filter((c) => !c.describedByReferrer)
    .map((c) =>
      typeof c.schema.markdownDescription === 'string' ? c.schema.markdownDescription : c.schema.description,
    )
    .filter((d): d is string => typeof d === 'string')
    .pop();
}

export function titleOf(contexts: SchemaContext[]): string | undefined {
  return contexts
    .filter((c) => !c.describedByReferrer)
    .map((c) => c.schema.title)
    .filter((t): t is string => typeof t === 'string')
    .pop();
}
