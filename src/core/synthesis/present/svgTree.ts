/**
 * Drawings and tables as plain element trees: one function per drawing or table serves the standalone HTML
 * report (serialized to text with escaping) and the webview (built with DOM calls, text only through text
 * nodes).
 */
export interface SvgNode {
  tag: string;
  attrs?: Record<string, string | number | undefined>;
  /** Text content; always inserted as text, never as markup. */
  text?: string;
  children?: SvgNode[];
}

export const SVG_NAMESPACE = 'http://www.w3.org/2000/svg';

export function el(
  tag: string,
  attrs: SvgNode['attrs'] = {},
  children: (SvgNode | undefined | false)[] = [],
): SvgNode {
  return { tag, attrs, children: children.filter((c): c is SvgNode => !!c) };
}

export function textEl(tag: string, attrs: SvgNode['attrs'], text: string): SvgNode {
  return { tag, attrs, text };
}

/** Characters XML 1.0 forbids (C0 controls but tab and newlines, lone surrogates, U+FFFE, U+FFFF). */
const NOT_XML =
  // eslint-disable-next-line no-control-regex -- control characters are what it finds
  /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

/** Text safe in XML and HTML: markup characters escaped, characters XML forbids dropped. */
export function escapeXml(text: string): string {
  return text
    .replace(NOT_XML, '')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&#39;');
}

/** An element tree of HTML (a table); the same shape as a drawing's. */
export type ElementNode = SvgNode;

const NAME = /^[A-Za-z][A-Za-z0-9:._-]*$/;
/** Elements that could run or load something: a tree never needs them, so none is written. */
const REFUSED_TAGS = /^(script|style|iframe|object|embed|foreignobject|link|meta|base|form)$/i;

/** Markup of an element tree (a drawing or an HTML table); every text and attribute value escaped, odd names refused. */
export function serializeMarkup(node: SvgNode): string {
  if (!NAME.test(node.tag) || REFUSED_TAGS.test(node.tag))
    throw new Error(`invalid element name ${JSON.stringify(node.tag)}`);
  const attrs = Object.entries(node.attrs ?? {})
    .filter(([, value]) => value !== undefined)
    .map(([name, value]) => {
      if (!NAME.test(name) || /^on/i.test(name) || /^style$/i.test(name))
        throw new Error(`invalid attribute name ${JSON.stringify(name)}`);
      return ` ${name}="${escapeXml(String(value))}"`;
    })
    .join('');
  const inner =
    (node.text !== undefined ? escapeXml(node.text) : '') +
    (node.children ?? []).map(serializeMarkup).join('');
  return `<${node.tag}${attrs}>${inner}</${node.tag}>`;
}
