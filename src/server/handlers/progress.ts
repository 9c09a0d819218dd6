// Extraction progress (status bar, dashboard) and Next Missing Field.
import { fieldHelp, recordProgress } from '../../core/editor/progress';
import { analysedFields, readAnalyses } from '../../core/synthesis/analysisConfig';
import { toIdPath } from '../../core/record/idPath';
import type { ProgressMatrix } from '../../core/workspace/progressMatrix';
import type { ReviewWorkspace } from '../../core/workspace/reviewWorkspace';
import type { ProgressResult, RecordProgressInfo } from '../../shared/protocol';
import { Requests } from '../../shared/requests';
import type { ServerContext } from '../context';
import { onCustomRequest } from '../customRequest';
import { pathToUri, uriToPath } from '../overlayFileSystem';

export function registerProgress(context: ServerContext): void {
  const { connection, reviews } = context;

  onCustomRequest(connection, Requests.progress, { uri: 'string?', matrix: 'boolean?' }, async (params) => {
    const wanted = params.uri ? uriToPath(params.uri) : undefined;
    const result: ProgressResult = { reviews: [] };
    const targets = wanted
      ? [await reviews.sessionOf(wanted)].filter((s): s is ReviewWorkspace => !!s)
      : reviews.workspaces();
    for (const workspace of targets) {
      const { matrix, ...progress } = await workspace.progress(
        wanted ? workspace.relative(wanted) : undefined,
        { matrix: params.matrix === true },
      );
      const uriOf = (path: string) => context.clientUriOf(workspace.absolute(path));
      result.reviews.push({
        rootUri: pathToUri(workspace.root),
        title: progress.title,
        records: progress.records.map((record): RecordProgressInfo => ({
          uri: uriOf(record.path),
          ...record,
        })),
        totals: progress.totals,
        ...(matrix ? { matrix: { ...matrix, uris: recordUris(matrix, uriOf) } } : {}),
      });
    }
    return result;
  });

  onCustomRequest(
    connection,
    Requests.nextMissingField,
    { uri: 'string', position: 'position', backward: 'boolean?' },
    async ({ uri, position, backward }) => {
      const document = context.documents.get(uri);
      if (!document) return null;
      const governed = await context.schemaOf(document);
      if (!governed) return null;
      const file = context.parsedDocument(document);
      const review = await governed.session.current();
      const analysed = analysedFields(readAnalyses(review.config.synthesis.analyses));
      const { missing } = recordProgress(file, governed.schema, analysed);
      if (missing.length === 0) return null;
      const after = (p: { line: number; character: number }) =>
        p.line > position.line || (p.line === position.line && p.character > position.character);
      const before = (p: { line: number; character: number }) =>
        p.line < position.line || (p.line === position.line && p.character < position.character);
      const next = backward
        ? ([...missing].reverse().find((m) => before(m.range.start)) ?? missing[missing.length - 1]!)
        : (missing.find((m) => after(m.range.start)) ?? missing[0]!);
      const from = missing.indexOf(next);
      const ordered = [...missing.slice(from), ...missing.slice(0, from)];
      const selects =
        next.range.end.line !== next.range.start.line ||
        next.range.end.character !== next.range.start.character;
      return {
        position: next.range.start,
        ...(selects ? { selectionEnd: next.range.end } : {}),
        ...(next.edit ? { edit: next.edit } : {}),
        field: toIdPath(file.value, next.path),
        kind: next.kind,
        remaining: missing.length,
        left: ordered.map((m) => toIdPath(file.value, m.path)),
        ...withHelp(fieldHelp(governed.schema, file.value, next.path)),
      };
    },
  );
}

const withHelp = (help: string | undefined) => (help ? { help } : {});

/** The client URI of every record the matrix names: a click in the panel opens the file by it. */
function recordUris(matrix: ProgressMatrix, uriOf: (path: string) => string): Record<string, string> {
  const paths = matrix.rows.flatMap((row) =>
    row.cells.flatMap((cell) => ('path' in cell ? [cell.path] : [])),
  );
  return Object.fromEntries(paths.map((path) => [path, uriOf(path)]));
}
