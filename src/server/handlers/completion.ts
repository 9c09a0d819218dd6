import {
  CompletionItemKind,
  InsertTextFormat,
  InsertTextMode,
  MarkupKind,
  type CompletionItem,
} from 'vscode-languageserver/node';
import { complete, snippetToPlainText } from '../../core/editor/completion';
import { completionContext } from '../../core/yaml/cursor';
import type { ServerContext } from '../context';

const completionKinds = {
  property: CompletionItemKind.Property,
  value: CompletionItemKind.Value,
  snippet: CompletionItemKind.Snippet,
  reference: CompletionItemKind.Reference,
};

export function registerCompletion(context: ServerContext): void {
  context.connection.onCompletion(async ({ textDocument, position }) => {
    const document = context.documents.get(textDocument.uri);
    if (!document) return [];
    const governed = await context.schemaOf(document);
    if (!governed) return [];
    const completion = completionContext(document.getText(), document.offsetAt(position));
    if (!completion) return [];
    const range = {
      start: document.positionAt(completion.replaceStart),
      end: document.positionAt(completion.replaceEnd),
    };
    const snippets = context.support.snippets;
    return complete(completion, governed.schema).map((entry): CompletionItem => ({
      label: entry.label,
      kind: completionKinds[entry.kind],
      detail: entry.detail,
      documentation: entry.documentation
        ? { kind: MarkupKind.Markdown, value: entry.documentation }
        : undefined,
      sortText: entry.sortText,
      filterText: entry.label,
      // A client without snippet support gets the text the snippet would insert untouched.
      textEdit: {
        range,
        newText: entry.snippet && !snippets ? snippetToPlainText(entry.insertText) : entry.insertText,
      },
      insertTextFormat: entry.snippet && snippets ? InsertTextFormat.Snippet : InsertTextFormat.PlainText,
      // Core indents every line already: VS Code must not add the line's indentation again.
      insertTextMode: InsertTextMode.asIs,
    }));
  });
}
