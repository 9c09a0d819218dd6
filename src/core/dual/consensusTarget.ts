// Where a study's consensus record goes, or why the study cannot be adjudicated yet: the rules of the
// editor's Adjudicate Study and of `study-extract adjudicate`.
import * as nodePath from 'node:path';
import type { ReviewFileSystem } from '../review/fileSystem';
import { recordPath } from '../review/recordTemplate';
import { resolveInsideReview, type Review } from '../review/review';
import type { StudyComparison } from './studyPairs';
import { closestMatch } from '../schema/suggest';

export type ConsensusTarget =
  | { error: string }
  | {
      study: StudyComparison;
      /** Relative to the review folder, with `/` separators. */
      path: string;
      /** Whether the study has a consensus record already (then it is extended). */
      exists: boolean;
    };

/**
 * The consensus record of `studyId`, given its comparison (`undefined`: no reviewer has a record of it).
 * `knownStudies`, when given, lets an unknown id suggest the one it most likely meant.
 */
export function consensusTarget(
  review: Review,
  studyId: string,
  study: StudyComparison | undefined,
  knownStudies: readonly string[] = [],
): ConsensusTarget {
  const template = review.template;
  if (!template?.hasStudy) return { error: 'The records template of review.yaml has no {study}.' };
  if (!study) {
    const meant = closestMatch(studyId, knownStudies);
    return { error: `No records of study "${studyId}".${meant ? ` Did you mean "${meant}"?` : ''}` };
  }
  if (study.state === 'single')
    return {
      error: `Only ${study.reviewers[0] ?? 'one reviewer'} has extracted ${studyId}; adjudication needs both records.`,
    };
  if (study.state === 'blinded')
    return { error: `${studyId} is blinded: both records must be complete before adjudication.` };
  return study.consensus
    ? { study, path: study.consensus.record.path, exists: true }
    : { study, path: recordPath(template, review.config.consensus, study.study), exists: false };
}

/**
 * The consensus record's file as the tool may write it: inside the review and reached through no symbolic
 * link at all, so that an edit meant for the consensus can never land in a reviewer's record or outside.
 * `relative` is the record's path relative to the review folder.
 */
export async function writableConsensusFile(
  root: string,
  relative: string,
  fs: ReviewFileSystem,
): Promise<{ path: string } | { error: string }> {
  const inside = await resolveInsideReview(root, relative, fs);
  if ('refused' in inside) return { error: `The consensus record ${inside.message}; nothing is written.` };
  const realRoot = await fs.realPath(root).catch(() => root);
  if (inside.path !== nodePath.join(realRoot, ...inside.relative.split('/')))
    return {
      error: `The consensus record "${inside.relative}" is reached through a symbolic link; it is never written through one.`,
    };
  return { path: nodePath.join(root, ...inside.relative.split('/')) };
}
