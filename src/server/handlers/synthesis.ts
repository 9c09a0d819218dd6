// The live synthesis panel's requests, answered by the review's core workspace (which keeps each record's
// data and each study's comparison up to date as files change): an edit costs one parse, one validation and
// one comparison, then core's analyses over values already in memory.
import { type Connection } from 'vscode-languageserver/node';
import { runAnalyses } from '../../core/synthesis/analysis';
import { studyCharacteristics } from '../../core/synthesis/characteristics';
import {
  formatSynthesizeCsv,
  formatSynthesizeJson,
  formatSynthesizeSvg,
} from '../../core/synthesis/present/exportFormats';
import { synthesisHtmlReport } from '../../core/synthesis/present/report';
import { type ExportFormat } from '../../shared/protocol';
import { onCustomRequest } from '../customRequest';
import { Requests } from '../../shared/requests';
import { uriToPath } from '../overlayFileSystem';
import type { ReviewWorkspace } from '../../core/workspace/reviewWorkspace';

export interface SynthesisContext {
  connection: Connection;
  sessions: () => ReviewWorkspace[];
  /** Finds the reviews of the workspace when none is known yet. */
  discover: () => Promise<void>;
  clientUriOf: (path: string) => string;
}

async function sessionFor(context: SynthesisContext, rootUri?: string): Promise<ReviewWorkspace | undefined> {
  if (context.sessions().length === 0) await context.discover();
  const sessions = context.sessions();
  if (!rootUri) return [...sessions].sort((a, b) => (a.root < b.root ? -1 : 1))[0];
  const root = uriToPath(rootUri);
  return sessions.find((s) => s.root === root);
}

const EXPORT_FORMATS: readonly string[] = ['html', 'csv', 'json', 'svg'] satisfies ExportFormat[];

export function registerSynthesis(context: SynthesisContext): void {
  const { connection } = context;

  // Exports of the synthesis as it stands, unsaved edits included: the same formats as the CLI.
  onCustomRequest(
    connection,
    Requests.exportSynthesis,
    { rootUri: 'string?', format: 'string', analysis: 'string?' },
    async ({ rootUri, format, analysis }) => {
      if (!EXPORT_FORMATS.includes(format))
        return { error: `Unknown export format "${format}" (expected ${EXPORT_FORMATS.join(', ')}).` };
      const session = await sessionFor(context, rootUri);
      if (!session) return { error: 'No review.yaml found.' };
      const review = await session.current();
      const studies = await session.studyRecords();
      const report = runAnalyses(review, studies);
      let text: string;
      if (format === 'svg') {
        const drawn =
          report.analyses.find((a) => a.id === analysis) ?? report.analyses.find((a) => a.runnable);
        if (!drawn) return { error: 'review.yaml defines no analysis to draw.' };
        text = formatSynthesizeSvg(drawn);
        return { text, fileName: `forest-${drawn.id}.svg`, rootUri: context.clientUriOf(session.root) };
      }
      if (format === 'html') {
        text = synthesisHtmlReport({
          title: review.config.title,
          generated: new Date().toISOString().slice(0, 10),
          report,
          characteristics: studyCharacteristics(studies, review.config),
        });
      } else text = format === 'csv' ? formatSynthesizeCsv(report) : formatSynthesizeJson(report);
      return { text, fileName: `synthesis.${format}`, rootUri: context.clientUriOf(session.root) };
    },
  );

  onCustomRequest(
    connection,
    Requests.synthesis,
    { rootUri: 'string?', rescan: 'boolean?' },
    async ({ rootUri, rescan }) => {
      const session = await sessionFor(context, rootUri);
      if (!session) return { error: rootUri ? 'No review is open at that folder.' : 'No review.yaml found.' };
      if (rescan === true) await session.checkAll();
      const model = await session.synthesisModel(new Date().toISOString());
      return { rootUri: context.clientUriOf(session.root), model };
    },
  );

  onCustomRequest(
    connection,
    Requests.studyLocation,
    { rootUri: 'string', study: 'string', outcome: 'string?' },
    async ({ rootUri, study, outcome }) => {
      const session = await sessionFor(context, rootUri);
      if (!session) return null;
      const found = await session.studyLocation(study, outcome);
      return found
        ? {
            uri: context.clientUriOf(session.absolute(found.path)),
            reviewer: found.reviewer,
            range: found.range,
          }
        : null;
    },
  );
}
