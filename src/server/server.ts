// The language server's entry: one connection, the shared context, and every handler registered on it.
// The handlers (handlers/*.ts) map the review workspaces' answers (src/core/workspace) to LSP types.
import { writeSync } from 'node:fs';
import { setFlagsFromString } from 'node:v8';
import { createConnection, ProposedFeatures } from 'vscode-languageserver/node';
import { ServerContext } from './context';
import { registerAdjudication, type AdjudicationContext } from './handlers/adjudication';
import { registerCodeActions } from './handlers/codeActions';
import { registerCompletion } from './handlers/completion';
import { registerDocuments } from './handlers/documents';
import { registerHover } from './handlers/hover';
import { registerLifecycle } from './handlers/lifecycle';
import { registerOutline } from './handlers/outline';
import { registerProgress } from './handlers/progress';
import { registerReviews } from './handlers/reviews';
import { registerSynthesis } from './handlers/synthesis';
import { hasTransportArgument, LAUNCH_USAGE } from './launch';

if (!hasTransportArgument(process.argv.slice(2))) {
  // Written synchronously: the process exits right after.
  writeSync(2, `${LAUNCH_USAGE}\n`);
  process.exit(2);
}

// A plain copy of the environment: the YAML parser looks up a variable for every token, and each lookup on
// Node's own process.env is a call into the system. The server only reads its environment.
process.env = { ...process.env };

// A long-lived process that is idle most of the time: without this V8 leaves the garbage of indexing in the
// heap until the next allocation burst (10,000 records: 460 MiB resident instead of 255, and no slower).
setFlagsFromString('--optimize-for-size');

const connection = createConnection(ProposedFeatures.all);
const context = new ServerContext(connection);
const { reviews } = context;

const adjudication: AdjudicationContext = {
  connection,
  sessionOf: (path) => reviews.sessionOf(path),
  sessions: () => reviews.workspaces(),
  readText: (path) => context.readText(path),
  openDocument: (uri) => context.documents.get(uri),
  clientUriOf: (path) => context.clientUriOf(path),
  adjudicatorName: async (uri) => (await context.settingsFor(uri)).adjudicator,
  fs: context.fs,
  canCreateFiles: () => context.support.fileCreation,
};

registerLifecycle(context);
registerDocuments(context);
registerCompletion(context);
registerHover(context);
registerCodeActions(context, adjudication);
registerOutline(context);
registerProgress(context);
registerReviews(context);
registerAdjudication(adjudication);
registerSynthesis({
  connection,
  sessions: () => reviews.workspaces(),
  discover: async () => void (await reviews.checkWorkspace()),
  clientUriOf: (path) => context.clientUriOf(path),
});

context.documents.listen(connection);
connection.listen();
