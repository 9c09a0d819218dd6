import { MarkupKind } from 'vscode-languageserver/node';
import { hover } from '../../core/editor/hover';
import type { ServerContext } from '../context';

export function registerHover(context: ServerContext): void {
  context.connection.onHover(async ({ textDocument, position }) => {
    const document = context.documents.get(textDocument.uri);
    if (!document) return null;
    const governed = await context.schemaOf(document);
    if (!governed) return null;
    const info = hover(context.parsedDocument(document), document.offsetAt(position), governed.schema);
    return info ? { contents: { kind: MarkupKind.Markdown, value: info.contents }, range: info.range } : null;
  });
}
