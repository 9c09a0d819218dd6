import { isPlainObject } from '../common/values';
import type { PathSegment } from '../yaml/yamlDocument';

/** A step of an id path: a key, or the item of a list with a given `id`. */
export type IdPathStep = { key: string } | { id: string };

/** Splits `outcomes[alliance-post].results.f2f.mean` into keys and ids. */
function parseIdPath(idPath: string): IdPathStep[] {
  const steps: IdPathStep[] = [];
  const pattern = /([^.[\]]+)|\[([^\]]*)\]/g;
  let match: RegExpExecArray | null;
  while ((match = pattern.exec(idPath)) !== null) {
    steps.push(match[1] !== undefined ? { key: match[1] } : { id: match[2]! });
  }
  return steps;
}

/**
 * The document path (keys and indexes) of an id path inside `value`, as far as it exists: `matched` is
 * the number of steps found.
 */
export function resolveIdPath(
  value: unknown,
  idPath: string,
): { path: PathSegment[]; matched: number; steps: IdPathStep[] } {
  const steps = parseIdPath(idPath);
  const path: PathSegment[] = [];
  let node = value;
  let matched = 0;
  for (const step of steps) {
    if ('key' in step) {
      if (!isPlainObject(node) || !(step.key in node)) break;
      path.push(step.key);
      node = node[step.key];
    } else {
      if (!Array.isArray(node)) break;
      const index = node.findIndex((item) => isPlainObject(item) && String(item.id) === step.id);
      if (index < 0) break;
      path.push(index);
      node = node[index];
    }
    matched++;
  }
  return { path, matched, steps };
}

/** The id path of a document path: list items named by their `id` where they have one. */
export function toIdPath(value: unknown, path: readonly PathSegment[]): string {
  let node = value;
  let out = '';
  for (const segment of path) {
    if (typeof segment === 'number' && Array.isArray(node)) {
      const item = node[segment];
      const id =
        isPlainObject(item) && (typeof item.id === 'string' || typeof item.id === 'number')
          ? String(item.id)
          : `#${segment + 1}`;
      out += `[${id}]`;
      node = item;
    } else {
      out += out === '' ? String(segment) : `.${String(segment)}`;
      node = isPlainObject(node) ? node[String(segment)] : undefined;
    }
  }
  return out;
}
