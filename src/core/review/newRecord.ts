// A new study record, as both the editor's New Study Record and `study-extract new` make it.
import { recordPath } from './recordTemplate';
import { REVIEW_FILE, type Review } from './review';
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
  const refused = templateRefusal(review);
  if (refused || !review.template) return { error: refused ?? NO_LAYOUT };
  return {
    path: recordPath(review.template, reviewer, study),
    text: scaffoldRecord(review.schema, study, reviewer, review.config.version),
  };
}

const NO_STUDY = 'The records template of review.yaml has no {study}; fix it first.';
const NO_REVIEWER =
  "The records template of review.yaml has no {reviewer}: the two reviewers' records of a study could not be told apart; fix it first.";
const NO_LAYOUT =
  'The records template of review.yaml cannot lay out records (see the problems of review.yaml); fix it first.';

/**
 * Why the review's records template cannot place a new record, in the words of the review's own check of
 * review.yaml (a template it refuses lists no records, and a record made by it would not be read).
 */
function templateRefusal(review: Review): string | undefined {
  const problems = (review.fileDiagnostics.get(REVIEW_FILE) ?? []).filter((d) => d.severity === 'error');
  const has = (code: string) => problems.some((d) => d.code === code);
  if ((review.template && !review.template.hasStudy) || has('template-missing-study')) return NO_STUDY;
  if ((review.template && !review.template.hasReviewer) || has('template-missing-reviewer'))
    return NO_REVIEWER;
  if (review.template) return undefined;
  const layout = problems.find(
    (d) =>
      d.code === 'template-invalid' ||
      (d.code === 'outside-review' && d.message.startsWith('The records folder')),
  );
  if (!layout) return NO_LAYOUT;
  const reason = layout.message.replace(/\s*No record is checked until it is fixed\.$/, '');
  return `${reason} Fix the records template of review.yaml first.`;
}
