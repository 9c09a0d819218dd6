import * as nodePath from 'node:path';
import { userInfo } from 'node:os';
import {
  CodeAction,
  CodeActionKind,
  CreateFile,
  TextDocumentEdit,
  type CodeLens,
  type Connection,
  type Diagnostic as LspDiagnostic,
} from 'vscode-languageserver/node';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import {
  applyResolution,
  consensusRecordText,
  lineEdits,
  trivialResolutions,
  unresolvedDisagreements,
  type Adjudicator,
} from '../../core/dual/adjudicate';
import type { DiagnosticData } from '../../core/common/diagnostic';
import { resolveIdPath } from '../../core/record/idPath';
import { consensusTarget, writableConsensusFile } from '../../core/dual/consensusTarget';
import type { ReviewFileSystem } from '../../core/review/fileSystem';
import { describeCompared, type StudyComparison } from '../../core/dual/studyPairs';
import { YamlLocator } from '../../core/yaml/yamlDocument';
import {
  APPLY_RESOLUTION_COMMAND,
  type ApplyResolutionArgs,
  type DisagreementsResult,
} from '../../shared/protocol';
import { onCustomRequest } from '../customRequest';
import { Requests } from '../../shared/requests';
import { pathToUri, uriToPath } from '../overlayFileSystem';
import type { ReviewWorkspace } from '../../core/workspace/reviewWorkspace';

export interface AdjudicationContext {
  connection: Connection;
  sessionOf: (path: string) => Promise<ReviewWorkspace | undefined>;
  sessions: () => ReviewWorkspace[];
  /** Open buffer or file on disk. */
  readText: (path: string) => Promise<string | undefined>;
  openDocument: (uri: string) => TextDocument | undefined;
  clientUriOf: (path: string) => string;
  /** The adjudicator's name from the settings of the resource (empty: the system user). */
  adjudicatorName: (uri: string) => Promise<string>;
  fs: ReviewFileSystem;
  /** Whether the client applies a workspace edit that creates a file (`resourceOperations: create`). */
  canCreateFiles: () => boolean;
}

function today(): string {
  const now = new Date();
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${now.getFullYear()}-${pad(now.getMonth() + 1)}-${pad(now.getDate())}`;
}

async function adjudicator(context: AdjudicationContext, uri: string): Promise<Adjudicator> {
  let name = (await context.adjudicatorName(uri)).trim();
  if (!name) {
    try {
      name = userInfo().username;
    } catch {
      name = 'adjudicator';
    }
  }
  return { name, date: today() };
}

/** The study a record belongs to, with its session. */
async function studyOfUri(
  context: AdjudicationContext,
  uri: string,
): Promise<{ session: ReviewWorkspace; study: StudyComparison; path: string } | undefined> {
  const path = uriToPath(uri);
  if (!path) return undefined;
  const session = await context.sessionOf(path);
  if (!session) return undefined;
  const role = await session.roleOf(path);
  if (role.role !== 'record' || !role.record.study) return undefined;
  const study = await session.study(role.record.study);
  return study ? { session, study, path } : undefined;
}

/**
 * The study's consensus record when `uri` names it and it may be written: never a reviewer's record,
 * whatever URI a request or a diagnostic names, and never a file reached through a symbolic link.
 */
async function consensusAt(context: AdjudicationContext, uri: string) {
  const found = await studyOfUri(context, uri);
  const consensus = found?.study.consensus;
  if (!found || !consensus) return undefined;
  if (nodePath.join(found.session.root, consensus.record.path) !== found.path) return undefined;
  const writable = await writableConsensusFile(found.session.root, consensus.record.path, context.fs);
  return 'path' in writable ? found : undefined;
}

/** The edit that settles `field` in the consensus record at `uri` with one side's value. */
async function resolutionEdit(context: AdjudicationContext, args: ApplyResolutionArgs) {
  if (args.side !== 'a' && args.side !== 'b') return undefined;
  const found = await consensusAt(context, args.uri);
  if (!found) return undefined;
  const d = found.study.disagreements.find((x) => x.path === args.field);
  if (!d) return undefined;
  const text = await context.readText(found.path);
  if (text === undefined) return undefined;
  const value = args.side === 'a' ? d.a : d.b;
  const updated = applyResolution(
    text,
    { field: d.path, chosen: args.side, value },
    await adjudicator(context, args.uri),
  );
  return lineEdits(text, updated);
}

export function registerAdjudication(context: AdjudicationContext): void {
  const { connection } = context;

  connection.onExecuteCommand(async ({ command, arguments: args }) => {
    if (command !== APPLY_RESOLUTION_COMMAND) return;
    const input = args?.[0] as Partial<ApplyResolutionArgs> | null | undefined;
    if (typeof input?.uri !== 'string' || typeof input.field !== 'string') return;
    try {
      const edits = await resolutionEdit(context, input as ApplyResolutionArgs);
      if (edits)
        await connection.workspace.applyEdit({
          label: `Settle ${input.field}`,
          edit: { changes: { [input.uri]: edits } },
        });
    } catch (error) {
      void connection.window.showErrorMessage(
        `Study Extraction: ${error instanceof Error ? error.message : String(error)}`,
      );
    }
  });

  connection.onCodeLens(async ({ textDocument }) => {
    const found = await consensusAt(context, textDocument.uri);
    if (!found?.study.consensus) return [];
    const locator = new YamlLocator(found.study.consensus.file);
    const value = found.study.consensus.value;
    const lenses: CodeLens[] = [];
    for (const d of unresolvedDisagreements(found.study)) {
      const { path, matched, steps } = resolveIdPath(value, d.path);
      const range = matched === steps.length ? locator.valueRange(path) : locator.containerRange(path);
      (['a', 'b'] as const).forEach((side, i) => {
        const reviewer = found.study.reviewers[i]!;
        const shown = describeCompared(side === 'a' ? d.a : d.b);
        lenses.push({
          range,
          command: {
            title: `Use ${reviewer}'s value (${shown.length > 40 ? `${shown.slice(0, 39)}…` : shown})`,
            command: APPLY_RESOLUTION_COMMAND,
            arguments: [{ uri: textDocument.uri, field: d.path, side } satisfies ApplyResolutionArgs],
          },
        });
      });
    }
    return lenses;
  });

  onCustomRequest(
    connection,
    Requests.adjudicateStudy,
    { rootUri: 'string', study: 'string' },
    async ({ rootUri, study: studyId }) => {
      const root = uriToPath(rootUri);
      const session = context.sessions().find((s) => s.root === root);
      if (!session) return { error: 'No review is open at that folder.' };
      const review = await session.current();
      const planned = consensusTarget(review, studyId, await session.study(studyId));
      if ('error' in planned) return { error: planned.error };
      const { study } = planned;
      const writable = await writableConsensusFile(session.root, planned.path, context.fs);
      if ('error' in writable) return { error: writable.error };
      const target = writable.path;
      const existing = planned.exists ? await context.readText(target) : undefined;
      const text = consensusRecordText(
        study,
        review.config.consensus,
        review.config.compare.ignore,
        existing,
      );
      const added = unresolvedDisagreements(study).length;
      if (existing === undefined) {
        if (await context.fs.stat(target))
          return { error: `${session.relative(target)} already exists; it is never overwritten.` };
        if (!context.canCreateFiles())
          return {
            error: `This editor cannot create files for the server; create the record with: study-extract adjudicate ${study.study}`,
          };
        // The editor creates the file (never over an existing one) and fills it: undo, saving and
        // remote file systems stay the editor's.
        const uri = context.clientUriOf(target);
        const applied = await context.connection.workspace.applyEdit({
          label: `Adjudicate ${study.study}`,
          edit: {
            documentChanges: [
              CreateFile.create(uri, { overwrite: false, ignoreIfExists: false }),
              TextDocumentEdit.create({ uri, version: null }, [
                {
                  range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } },
                  newText: text,
                },
              ]),
            ],
          },
        });
        if (!applied.applied)
          return {
            error: `The editor did not create ${session.relative(target)}${applied.failureReason ? `: ${applied.failureReason}` : ''}.`,
          };
        await session.fileChanged(target, { listingChanged: true });
        return { uri, created: true, added };
      }
      if (text === existing) return { uri: context.clientUriOf(target), created: false, added: 0 };
      return { uri: context.clientUriOf(target), created: false, added, edits: lineEdits(existing, text) };
    },
  );

  onCustomRequest(connection, Requests.autoResolve, { uri: 'string' }, async ({ uri }) => {
    const found = await studyOfUri(context, uri);
    if (!found) return { error: 'Open a study record first.' };
    const consensus = found.study.consensus;
    if (!consensus)
      return { error: `${found.study.study} has no consensus record yet: adjudicate the study first.` };
    const writable = await writableConsensusFile(found.session.root, consensus.record.path, context.fs);
    if ('error' in writable) return { error: writable.error };
    const path = writable.path;
    const text = await context.readText(path);
    if (text === undefined) return { error: 'The consensus record cannot be read.' };
    const resolutions = trivialResolutions(found.study);
    const who = await adjudicator(context, uri);
    let updated = text;
    for (const resolution of resolutions) updated = applyResolution(updated, resolution, who);
    return {
      uri: context.clientUriOf(path),
      resolved: resolutions.length,
      edits: updated === text ? undefined : lineEdits(text, updated),
    };
  });

  onCustomRequest(connection, Requests.studyRecords, { uri: 'string' }, async ({ uri }) => {
    const path = uriToPath(uri);
    const session = path ? await context.sessionOf(path) : undefined;
    if (!session || !path) return null;
    const role = await session.roleOf(path);
    if (role.role !== 'record' || !role.record.study) return null;
    const review = await session.current();
    const records = (await session.records()).filter((r) => r.study === role.record.study);
    const toUri = (rel: string) => context.clientUriOf(nodePath.join(session.root, rel));
    const consensus = records.find((r) => r.reviewer === review.config.consensus);
    return {
      rootUri: pathToUri(session.root),
      study: role.record.study,
      reviewers: records
        .filter((r) => r.reviewer && review.config.reviewers.includes(r.reviewer))
        .sort(
          (x, y) =>
            review.config.reviewers.indexOf(x.reviewer!) - review.config.reviewers.indexOf(y.reviewer!),
        )
        .map((r) => ({ reviewer: r.reviewer!, uri: toUri(r.path) })),
      consensusUri: consensus ? toUri(consensus.path) : undefined,
    };
  });

  connection.onRequest(Requests.disagreements, async () => {
    const result: DisagreementsResult = { studies: [] };
    for (const session of context.sessions()) {
      await session.current();
      for (const study of (await session.allStudies()).sort((x, y) => (x.study < y.study ? -1 : 1))) {
        const [a, b] = study.records;
        // Each record is parsed with positions once, and only if it has a disagreement to place.
        const locators = new Map<unknown, YamlLocator>();
        const locate = (
          record: typeof a,
          docPath: (string | number)[] | undefined,
          anchor: (string | number)[],
        ) => {
          if (!record) return undefined;
          let locator = locators.get(record);
          if (!locator) locators.set(record, (locator = new YamlLocator(record.file)));
          return {
            uri: context.clientUriOf(nodePath.join(session.root, record.record.path)),
            range: docPath ? locator.valueRange(docPath) : locator.containerRange(anchor),
          };
        };
        const unresolved = new Set(unresolvedDisagreements(study).map((d) => d.path));
        result.studies.push({
          rootUri: pathToUri(session.root),
          study: study.study,
          state: study.state,
          reviewers: study.reviewers,
          disagreements: study.disagreements
            .filter((d) => unresolved.has(d.path))
            .map((d) => ({
              path: d.path,
              a: d.a,
              b: d.b,
              locations: [locate(a, d.docPathA, d.anchorA), locate(b, d.docPathB, d.anchorB)].filter(
                (l): l is NonNullable<typeof l> => !!l,
              ),
            })),
          resolved: study.disagreements.length - unresolved.size,
        });
      }
    }
    return result;
  });
}

/** Code actions "Use ek's value (28)" / "Use mk's value (25)" on unresolved disagreements of a consensus record. */
export async function resolutionActions(
  context: AdjudicationContext,
  uri: string,
  diagnostics: LspDiagnostic[],
): Promise<CodeAction[]> {
  const actions: CodeAction[] = [];
  for (const diagnostic of diagnostics) {
    const data = diagnostic.data as DiagnosticData | undefined;
    if (diagnostic.code !== 'unresolved-disagreement' || !data?.disagreement) continue;
    if (typeof data.disagreement.field !== 'string' || !Array.isArray(data.disagreement.choices)) continue;
    // What the diagnostic says is only a hint: the values and the target come from the server's comparison.
    const found = await consensusAt(context, uri);
    const d = found?.study.disagreements.find((x) => x.path === data.disagreement!.field);
    if (!found || !d) continue;
    for (const side of ['a', 'b'] as const) {
      const shown = describeCompared(side === 'a' ? d.a : d.b);
      const reviewer = found.study.reviewers[side === 'a' ? 0 : 1];
      const title = `Use ${reviewer}'s value (${shown.length > 40 ? `${shown.slice(0, 39)}…` : shown})`;
      const edits = await resolutionEdit(context, { uri, field: d.path, side }).catch(() => undefined);
      if (!edits) continue;
      const action = CodeAction.create(title, { changes: { [uri]: edits } }, CodeActionKind.QuickFix);
      action.diagnostics = [diagnostic];
      actions.push(action);
    }
  }
  return actions;
}
