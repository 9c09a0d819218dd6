// The reviews the server knows, Check Review, and the text of a new record (the client writes the file).
import * as nodePath from 'node:path';
import { newRecord } from '../../core/review/newRecord';
import { resolveInsideReview } from '../../core/review/review';
import type { ReviewInfo } from '../../shared/protocol';
import { Requests } from '../../shared/requests';
import type { ServerContext } from '../context';
import { onCustomRequest } from '../customRequest';
import { pathToUri, uriToPath } from '../overlayFileSystem';

export function registerReviews(context: ServerContext): void {
  const { connection, reviews } = context;

  connection.onRequest(Requests.reviews, async () => {
    if (reviews.size === 0) await reviews.checkWorkspace();
    const infos: ReviewInfo[] = [];
    for (const workspace of reviews.workspaces()) {
      const review = await workspace.current();
      const studies = [
        ...new Set((await workspace.records()).map((r) => r.study).filter((s): s is string => !!s)),
      ].sort();
      infos.push({
        rootUri: pathToUri(workspace.root),
        title: review.config.title,
        reviewers: review.config.reviewers,
        consensus: review.config.consensus,
        studies,
      });
    }
    return infos;
  });

  onCustomRequest(
    connection,
    Requests.scaffoldRecord,
    { rootUri: 'string', study: 'string', reviewer: 'string' },
    async ({ rootUri, study, reviewer }) => {
      const root = uriToPath(rootUri);
      const workspace = root ? reviews.servedAt(root) : undefined;
      if (!workspace) return { error: 'No review is open at that folder.' };
      const record = newRecord(await workspace.current(), study, reviewer);
      if ('error' in record) return { error: record.error };
      const inside = await resolveInsideReview(workspace.root, record.path, context.fs);
      if ('refused' in inside) return { error: `The new record ${inside.message}.` };
      const full = nodePath.join(workspace.root, ...inside.relative.split('/'));
      if (await context.fs.stat(full))
        return { error: `A record already exists at ${workspace.relative(full)}.` };
      return { uri: pathToUri(full), text: record.text };
    },
  );

  connection.onRequest(Requests.checkReview, () => reviews.checkWorkspace());
}
