import { randomBytes } from 'node:crypto';
import * as nodeFs from 'node:fs';
import * as nodePath from 'node:path';
import { userInfo } from 'node:os';
import {
  CodeAction,
  CodeActionKind,
  RequestType,
  RequestType0,
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
} from '../core/adjudicate';
import type { DiagnosticData } from '../core/diagnostic';
import { resolveIdPath } from '../core/idPath';
import { consensusTarget } from '../core/consensusTarget';
import { describeCompared, type StudyComparison } from '../core/studyPairs';
import { YamlLocator } from '../core/yamlDocument';
import {
  AdjudicationMethods,
  APPLY_RESOLUTION_COMMAND,
  type AdjudicateStudyParams,
  type AdjudicateStudyResult,
  type ApplyResolutionArgs,
  type AutoResolveParams,
  type AutoResolveResult,
  type DisagreementsResult,
  type StudyRecordsParams,
  type StudyRecordsResult,
} from '../shared/protocol';
import { pathToUri, uriToPath } from './overlayFileSystem';
import type { ReviewSession } from './reviewSession';

export interface AdjudicationContext {
  connection: Connection;
  sessionOf: (path: string) => Promise<ReviewSession | undefined>;
  sessions: () => ReviewSession[];
  /** Open buffer or file on disk. */
  readText: (path: string) => Promise<string | undefined>;
  openDocument: (uri: string) => TextDocument | undefined;
  clientUriOf: (path: string) => string;
  /** The adjudicator's name from the settings of the resource (empty: the system user). */
  adjudicatorName: (uri: string) => Promise<string>;
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

/** Writes a new file without ever replacing an existing one: a temporary file, then a hard link. */
function createFileAtomically(path: string, text: string): void {
  nodeFs.mkdirSync(nodePath.dirname(path), { recursive: true });
  const temporary = nodePath.join(
    nodePath.dirname(path),
    `.${nodePath.basename(path)}.${randomBytes(6).toString('hex')}.tmp`,
  );
  nodeFs.writeFileSync(temporary, text, { flag: 'wx' });
  try {
    nodeFs.linkSync(temporary, path);
  } finally {
    nodeFs.rmSync(temporary, { force: true });
  }
}

/** The study a record belongs to, with its session. */
async function studyOfUri(
  context: AdjudicationContext,
  uri: string,
): Promise<{ session: ReviewSession; study: StudyComparison; path: string } | undefined> {
  const path = uriToPath(uri);
  if (!path) return undefined;
  const session = await context.sessionOf(path);
  if (!session) return undefined;
  const role = await session.roleOf(path);
  if (role.role !== 'record' || !role.record.study) return undefined;
  const study = await session.study(role.record.study);
  return study ? { session, study, path } : undefined;
}

/** The edit that settles `field` in the consensus record at `uri` with one side's value. */
async function resolutionEdit(context: AdjudicationContext, args: ApplyResolutionArgs) {
  const found = await studyOfUri(context, args.uri);
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
    if (command !== APPLY_RESOLUTION_COMMAND || !args?.[0]) return;
    const input = args[0] as ApplyResolutionArgs;
    try {
      const edits = await resolutionEdit(context, input);
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
    const found = await studyOfUri(context, textDocument.uri);
    if (!found || !found.study.consensus) return [];
    const consensusFile = nodePath.join(found.session.root, found.study.consensus.record.path);
    if (consensusFile !== found.path) return [];
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

  connection.onRequest(
    new RequestType<AdjudicateStudyParams, AdjudicateStudyResult, void>(AdjudicationMethods.adjudicateStudy),
    async ({ rootUri, study: studyId }) => {
      const root = uriToPath(rootUri);
      const session = context.sessions().find((s) => s.root === root);
      if (!session) return { error: 'No review is open at that folder.' };
      const review = await session.current();
      const planned = consensusTarget(review, studyId, await session.study(studyId));
      if ('error' in planned) return { error: planned.error };
      const { study } = planned;
      const target = nodePath.join(session.root, planned.path);
      const existing = planned.exists ? await context.readText(target) : undefined;
      const text = consensusRecordText(
        study,
        review.config.consensus,
        review.config.compare.ignore,
        existing,
      );
      const added = unresolvedDisagreements(study).length;
      if (existing === undefined) {
        if (nodeFs.existsSync(target))
          return { error: `${session.relative(target)} already exists; it is never overwritten.` };
        createFileAtomically(target, text);
        await session.fileChanged(target);
        return { uri: context.clientUriOf(target), created: true, added };
      }
      if (text === existing) return { uri: context.clientUriOf(target), created: false, added: 0 };
      return { uri: context.clientUriOf(target), created: false, added, edits: lineEdits(existing, text) };
    },
  );

  connection.onRequest(
    new RequestType<AutoResolveParams, AutoResolveResult, void>(AdjudicationMethods.autoResolve),
    async ({ uri }) => {
      const found = await studyOfUri(context, uri);
      if (!found) return { error: 'Open a study record first.' };
      const consensus = found.study.consensus;
      if (!consensus)
        return { error: `${found.study.study} has no consensus record yet: adjudicate the study first.` };
      const path = nodePath.join(found.session.root, consensus.record.path);
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
    },
  );

  connection.onRequest(
    new RequestType<StudyRecordsParams, StudyRecordsResult | null, void>(AdjudicationMethods.studyRecords),
    async ({ uri }) => {
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
    },
  );

  connection.onRequest(
    new RequestType0<DisagreementsResult, void>(AdjudicationMethods.disagreements),
    async () => {
      const result: DisagreementsResult = { studies: [] };
      for (const session of context.sessions()) {
        await session.current();
        for (const study of session.allStudies().sort((x, y) => (x.study < y.study ? -1 : 1))) {
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
    },
  );
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
    for (const choice of data.disagreement.choices) {
      const shown = describeCompared(choice.value);
      const title = `Use ${choice.reviewer}'s value (${shown.length > 40 ? `${shown.slice(0, 39)}…` : shown})`;
      const edits = await resolutionEdit(context, {
        uri,
        field: data.disagreement.field,
        side: choice.side,
      }).catch(() => undefined);
      if (!edits) continue;
      const action = CodeAction.create(title, { changes: { [uri]: edits } }, CodeActionKind.QuickFix);
      action.diagnostics = [diagnostic];
      actions.push(action);
    }
  }
  return actions;
}
