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
export function allowedAttribute(name: string, value: string): boolean {
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
  // As serializeSvg writes it: the text first, then the children.
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
