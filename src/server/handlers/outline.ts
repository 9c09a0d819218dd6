// Document symbols, folding ranges and Go to Definition (an arm id in results to the arm).
import { SymbolKind, type DocumentSymbol } from 'vscode-languageserver/node';
import { definition, foldingRanges, outline, type OutlineSymbol } from '../../core/editor/outline';
import type { ServerContext } from '../context';

const symbolKinds: Record<OutlineSymbol['kind'], SymbolKind> = {
  field: SymbolKind.Field,
  arm: SymbolKind.Class,
  outcome: SymbolKind.Event,
  result: SymbolKind.Property,
  list: SymbolKind.Array,
  object: SymbolKind.Object,
};

function toDocumentSymbol(symbol: OutlineSymbol): DocumentSymbol {
  return {
    name: symbol.name,
    detail: symbol.detail,
    kind: symbolKinds[symbol.kind],
    range: symbol.range,
    selectionRange: symbol.selectionRange,
    children: symbol.children.map(toDocumentSymbol),
  };
}

export function registerOutline(context: ServerContext): void {
  const { connection, documents } = context;

  connection.onDocumentSymbol(({ textDocument }) => {
    const document = documents.get(textDocument.uri);
    return document ? outline(context.parsedDocument(document)).map(toDocumentSymbol) : [];
  });

  connection.onFoldingRanges(({ textDocument }) => {
    const document = documents.get(textDocument.uri);
    return document ? foldingRanges(context.parsedDocument(document)) : [];
  });

  connection.onDefinition(({ textDocument, position }) => {
    const document = documents.get(textDocument.uri);
    if (!document) return null;
    const target = definition(context.parsedDocument(document), document.offsetAt(position));
    return target ? { uri: document.uri, range: target } : null;
  });
}
