// What the live synthesis panel shows, as plain JSON: the analyses as core ran them, the study
// characteristics and an extraction dashboard. Built from inputs the caller has already computed (the
// language server keeps them cached between edits), so this stays pure and cheap.
import type { AgreementFigures } from '../dual/compare';
import type { StudyState } from '../dual/studyPairs';
import type { AnalysisResult } from './analysis';
import type { CharacteristicsTableData } from './characteristics';

/** Records of one reviewer (or of the consensus), by status. */
interface ReviewerCounts {
  reviewer: string;
  /** The adjudicated records (review.yaml's `consensus`). */
  consensus: boolean;
  records: number;
  complete: number;
  /** Every record not marked `complete` (drafts, and records whose status is missing or unknown). */
  draft: number;
}

export interface SynthesisDashboard {
  /** Studies with at least one record. */
  studies: number;
  records: number;
  complete: number;
  draft: number;
  /** The protocol's reviewers in order, then the consensus (when it has records or is configured). */
  reviewers: ReviewerCounts[];
  /** Error diagnostics in records, review.yaml and the extraction schema. */
  validationErrors: number;
  /** Files with at least one error. */
  filesWithErrors: number;
  /** Disagreements between the two reviewers that no consensus record settles yet. */
  openDisagreements: number;
  studiesWithOpenDisagreements: number;
  /** Studies whose disagreements are hidden until both records are complete. */
  blindedStudies: number;
  /** Percent agreement and Cohen's kappa over every compared field of complete record pairs. */
  agreement: AgreementFigures;
}

export interface SynthesisViewModel {
  title: string;
  /** ISO 8601, supplied by the caller (core reads no clock). */
  generatedAt: string;
  /** Every analysis of review.yaml; POMP summaries are in each analysis' `descriptive`. */
  analyses: AnalysisResult[];
  /** The study characteristics table as text cells (characteristics.ts), one row per study. */
  characteristics: CharacteristicsTableData | null;
  dashboard: SynthesisDashboard;
}

/** One record file as the dashboard counts it. */
export interface DashboardRecord {
  reviewer: string | undefined;
  status: string | undefined;
  /** Error diagnostics of the file. */
  errors: number;
}

/** One study's comparison as the dashboard counts it. */
export interface DashboardStudy {
  study: string;
  /** `undefined` for a study with a consensus record only. */
  state: StudyState | undefined;
  /** Unsettled disagreements (0 unless `compared`). */
  openDisagreements: number;
}

export interface SynthesisViewModelInputs {
  title: string;
  generatedAt: string;
  reviewers: readonly string[];
  consensus: string;
  analyses: AnalysisResult[];
  characteristics: CharacteristicsTableData | null;
  records: readonly DashboardRecord[];
  studies: readonly DashboardStudy[];
  agreement: AgreementFigures;
  /** Error diagnostics of review.yaml and the extraction schema (files that are not records). */
  protocolErrors: { path: string; errors: number }[];
}

/** Assembles the panel's view model; counts what the dashboard shows. */
export function buildSynthesisViewModel(inputs: SynthesisViewModelInputs): SynthesisViewModel {
  const byReviewer = new Map<string, ReviewerCounts>();
  const counts = (reviewer: string): ReviewerCounts => {
    let entry = byReviewer.get(reviewer);
    if (!entry) {
      entry = { reviewer, consensus: reviewer === inputs.consensus, records: 0, complete: 0, draft: 0 };
      byReviewer.set(reviewer, entry);
    }
    return entry;
  };
  for (const reviewer of inputs.reviewers) counts(reviewer);
  let complete = 0;
  let errors = 0;
  let filesWithErrors = 0;
  for (const record of inputs.records) {
    const done = record.status === 'complete';
    if (done) complete++;
    if (record.errors > 0) filesWithErrors++;
    errors += record.errors;
    if (record.reviewer === undefined) continue;
    const entry = counts(record.reviewer);
    entry.records++;
    if (done) entry.complete++;
    else entry.draft++;
  }
  for (const file of inputs.protocolErrors) {
    errors += file.errors;
    if (file.errors > 0) filesWithErrors++;
  }
  // The protocol's reviewers first (in order), the consensus next, then anyone else (unknown reviewers).
  const rank = (r: ReviewerCounts) => {
    const i = inputs.reviewers.indexOf(r.reviewer);
    return i >= 0 ? i : r.consensus ? inputs.reviewers.length : inputs.reviewers.length + 1;
  };
  const reviewers = [...byReviewer.values()]
    .filter((r) => r.records > 0 || inputs.reviewers.includes(r.reviewer))
    .sort((x, y) => rank(x) - rank(y) || (x.reviewer < y.reviewer ? -1 : x.reviewer > y.reviewer ? 1 : 0));
  const open = inputs.studies.filter((s) => s.openDisagreements > 0);
  return {
    title: inputs.title,
    generatedAt: inputs.generatedAt,
    analyses: inputs.analyses,
    characteristics: inputs.characteristics,
    dashboard: {
      studies: inputs.studies.length,
      records: inputs.records.length,
      complete,
      draft: inputs.records.length - complete,
      reviewers,
      validationErrors: errors,
      filesWithErrors,
      openDisagreements: open.reduce((sum, s) => sum + s.openDisagreements, 0),
      studiesWithOpenDisagreements: open.length,
      blindedStudies: inputs.studies.filter((s) => s.state === 'blinded').length,
      agreement: inputs.agreement,
    },
  };
}
