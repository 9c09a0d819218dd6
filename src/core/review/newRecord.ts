// A new study record, as both the editor's New Study Record and `study-extract new` make it.
import { recordPath } from './recordTemplate';
import type { Review } from './review';
import { scaffoldRecord } from '../editor/scaffold';

const STUDY_ID = /^[a-z0-9][a-z0-9._-]*$/;
/** As review.schema.json spells a reviewer id. */
const REVIEWER_ID = /^[A-Za-z0-9][A-Za-z0-9_.-]*$/;

/** Why `study` cannot name a study (it becomes a file name), or `undefined`. */
export function studyIdProblem(study: string): string | undefined {
  return STUDY_ID.test(study)
    ? undefined
    : 'A study id uses lower-case letters, digits, `.`, `_` and `-` (e.g. `preschl-2011`).';
}

/** Why `reviewer` cannot name a reviewer (it becomes a folder name), or `undefined`. */
export function reviewerIdProblem(reviewer: string): string | undefined {
  return REVIEWER_ID.test(reviewer) ? undefined : 'A reviewer id uses letters, digits, `.`, `_` and `-`.';
}

/**
 * The path (relative to the review folder) and text of a new record of `study` by `reviewer`, or why
 * there can be none. Whether a file already exists there is the caller's to check.
 */
export function newRecord(
  review: Review,
  study: string,
  reviewer: string,
): { path: string; text: string } | { error: string } {
  const problem = studyIdProblem(study) ?? reviewerIdProblem(reviewer);
  if (problem) return { error: problem };
  if (!review.template?.hasStudy)
    return { error: 'The records template of review.yaml has no {study}; fix it first.' };
  return {
    path: recordPath(review.template, reviewer, study),
    text: scaffoldRecord(review.schema, study, reviewer, review.config.version),
  };
}
