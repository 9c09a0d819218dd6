// Turns core's element trees into live elements with DOM calls only: createElement(NS), setAttribute and
// textContent. Drawings (SvgNode) become SVG, tables (ElementNode) HTML. Record text (study labels, group
// names) arrives inside these trees, so nothing here ever parses markup; event-handler attributes, inline
// styles (blocked by the panel's CSP anyway), external links and script-capable elements are refused.
import { SVG_NAMESPACE, type ElementNode, type SvgNode } from '../core/synthesis/present/svgTree';

const NAME = /^[A-Za-z][A-Za-z0-9:._-]*$/;
const REFUSED_TAGS = new Set([
  'script',
  'style',
  'foreignobject',
  'iframe',
  'object',
  'embed',
  'animate',
  'set',
  'link',
  'meta',
  'base',
  'form',
]);

/** Whether an attribute may be set from a tree. */
function allowedAttribute(name: string, value: string): boolean {
  if (!NAME.test(name)) return false;
  const lower = name.toLowerCase();
  if (lower.startsWith('on') || lower === 'style') return false;
  // Only references inside the drawing (`#id`), never a URL that could load or run something.
  if (lower === 'href' || lower.endsWith(':href') || lower === 'src') return value.startsWith('#');
  return true;
}

function build(node: SvgNode, create: (tag: string) => Element): Element {
  if (!NAME.test(node.tag) || REFUSED_TAGS.has(node.tag.toLowerCase()))
    throw new Error(`refused element ${JSON.stringify(node.tag)}`);
  const element = create(node.tag);
  for (const [name, raw] of Object.entries(node.attrs ?? {})) {
    if (raw === undefined) continue;
    const value = String(raw);
    if (!allowedAttribute(name, value)) throw new Error(`refused attribute ${JSON.stringify(name)}`);
    element.setAttribute(name, value);
  }
  // As serializeMarkup writes it: the text first, then the children.
  if (node.text !== undefined) element.textContent = node.text;
  for (const child of node.children ?? []) element.appendChild(build(child, create));
  return element;
}

/** Builds the element tree of `node` (in the SVG namespace) without ever parsing markup. */
export function materializeSvg(node: SvgNode, doc: Document = document): Element {
  return build(node, (tag) => doc.createElementNS(SVG_NAMESPACE, tag));
}

/** Builds an HTML element tree (a table) as the report serializes it, without ever parsing markup. */
export function materializeHtml(node: ElementNode, doc: Document = document): HTMLElement {
  return build(node, (tag) => doc.createElement(tag)) as HTMLElement;
}

/** How a child is recognised across two trees: its study, or the row it stands for; else by position. */
function keyOf(node: SvgNode): string | undefined {
  const study = node.attrs?.['data-study'];
  if (study !== undefined) return `study:${study}`;
  const key = node.attrs?.['data-key'];
  return key === undefined ? undefined : `key:${key}`;
}

/**
 * Brings `element`, built from `old`, to what `next` builds, touching only what differs: changed
 * attributes, changed text, children added, removed or moved. Children with a key (data-study, data-key)
 * are matched by it, the others in order among those of their tag. After an edit most rows of a forest plot
 * only move: patching moves them and changes little else, which costs a fraction of building and laying
 * out the drawing again. Returns the element now standing for `next` (a new one when the tag changed).
 */
export function patchTree(element: Element, old: SvgNode, next: SvgNode, svg: boolean): Element {
  const doc = element.ownerDocument;
  const build = (node: SvgNode) => (svg ? materializeSvg(node, doc) : materializeHtml(node, doc));
  const mixed = (node: SvgNode) => node.text !== undefined && (node.children?.length ?? 0) > 0;
  if (old.tag !== next.tag || mixed(old) || mixed(next)) {
    const fresh = build(next);
    element.replaceWith(fresh);
    return fresh;
  }
  const before = old.attrs ?? {};
  const after = next.attrs ?? {};
  for (const name of Object.keys(before))
    if (after[name] === undefined && before[name] !== undefined) element.removeAttribute(name);
  for (const [name, raw] of Object.entries(after)) {
    if (raw === undefined || before[name] === raw) continue;
    const value = String(raw);
    if (!allowedAttribute(name, value)) throw new Error(`refused attribute ${JSON.stringify(name)}`);
    element.setAttribute(name, value);
  }
  if (next.text !== undefined || old.text !== undefined) {
    if (old.text !== next.text) element.textContent = next.text ?? '';
    if (next.text !== undefined) return element;
  }
  const was = old.children ?? [];
  const now = next.children ?? [];
  const elements = [...element.children];
  if (elements.length !== was.length)
    throw new Error('the element does not match the tree it was built from');
  // Old children by key, and the unkeyed ones by tag in order.
  const byKey = new Map<string, number>();
  const byTag = new Map<string, number[]>();
  was.forEach((child, i) => {
    const key = keyOf(child);
    if (key !== undefined) byKey.set(key, i);
    else byTag.set(child.tag, [...(byTag.get(child.tag) ?? []), i]);
  });
  const used = new Set<number>();
  const wanted = now.map((child) => {
    const key = keyOf(child);
    let i: number | undefined;
    if (key !== undefined) i = byKey.get(key);
    else i = byTag.get(child.tag)?.shift();
    if (i === undefined || used.has(i) || was[i]!.tag !== child.tag) return build(child);
    used.add(i);
    return was[i] === child ? elements[i]! : patchTree(elements[i]!, was[i]!, child, svg);
  });
  elements.forEach((e, i) => {
    if (!used.has(i)) e.remove();
  });
  // Kept children are in their old order; only new or moved ones are inserted.
  wanted.forEach((child, i) => {
    if (element.children[i] !== child) element.insertBefore(child, element.children[i] ?? null);
  });
  return element;
}
