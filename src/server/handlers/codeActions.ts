// Quick fixes of a record's diagnostics, and the adjudication actions on a consensus record.
import { CodeAction, CodeActionKind } from 'vscode-languageserver/node';
import type { Diagnostic } from '../../core/common/diagnostic';
import { quickFixes } from '../../core/editor/quickFix';
import type { ServerContext } from '../context';
import { resolutionActions, type AdjudicationContext } from './adjudication';

export function registerCodeActions(context: ServerContext, adjudication: AdjudicationContext): void {
  context.connection.onCodeAction(async ({ textDocument, context: request }) => {
    const document = context.documents.get(textDocument.uri);
    if (!document) return [];
    const governed = await context.schemaOf(document);
    if (!governed) return [];
    const ours = request.diagnostics.filter((d) => d.source === 'study-extraction');
    const coreDiagnostics: Diagnostic[] = ours.map((d) => ({
      severity: 'error',
      message: typeof d.message === 'string' ? d.message : d.message.value,
      code: String(d.code ?? ''),
      range: d.range,
      data: d.data as Diagnostic['data'],
    }));
    const fixes = quickFixes(context.parsedDocument(document), coreDiagnostics, governed.schema).map(
      (fix) => {
        const action = CodeAction.create(
          fix.title,
          { changes: { [document.uri]: fix.edits } },
          CodeActionKind.QuickFix,
        );
        action.diagnostics = [ours[coreDiagnostics.indexOf(fix.diagnostic)]!];
        action.isPreferred = fix.preferred;
        return action;
      },
    );
    return [...fixes, ...(await resolutionActions(adjudication, document.uri, ours))];
  });
}
