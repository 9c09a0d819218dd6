/**
 * Custom requests between the VS Code client and the language server. Method names and payloads live
 * here once; each side wraps them in its own library's request type.
 */

interface Position {
  line: number;
  character: number;
}

export const Methods = {
  /** Extraction progress of one record or of every review in the workspace. */
  progress: 'studyExtraction/progress',
  /** Position of the next missing or empty required field after a position (wrapping around). */
  nextMissingField: 'studyExtraction/nextMissingField',
  /** The text and path of a new record (the client writes the file; the server never writes). */
  scaffoldRecord: 'studyExtraction/scaffoldRecord',
  /** The reviews the server knows, with their reviewers. */
  reviews: 'studyExtraction/reviews',
  /** Validates every file of every review now and publishes the diagnostics. */
  checkReview: 'studyExtraction/checkReview',
} as const;

export interface ProgressParams {
  /** One record; omitted for every record of every review. */
  uri?: string;
  /** Adds each review's studies × reviewers matrix (the Show Extraction Progress panel). */
  matrix?: boolean;
}

export interface RecordProgressInfo {
  uri: string;
  /** Relative to the review folder. */
  path: string;
  study?: string;
  reviewer?: string;
  status?: string;
  filled: number;
  required: number;
  notReported: number;
  errors: number;
}

interface ReviewProgress {
  rootUri: string;
  title: string;
  records: RecordProgressInfo[];
  totals: {
    records: number;
    complete: number;
    filled: number;
    required: number;
    notReported: number;
    errors: number;
  };
  /** Asked for with `matrix`: the whole review's matrix, and the URI of each record file it names. */
  matrix?: import('../core/workspace/progressMatrix').ProgressMatrix & { uris: Record<string, string> };
}

export interface ProgressResult {
  reviews: ReviewProgress[];
}

export interface NextMissingFieldParams {
  uri: string;
  position: Position;
  /** Previous Missing Field: the last one before `position` (wrapping round). */
  backward?: boolean;
}

export interface NextMissingFieldResult {
  /** Where the cursor goes once `insertSpace` is applied: where the value is typed. */
  position: Position;
  /** The end of the selection from `position`: a placeholder (`null`, `""`) that typing replaces. */
  selectionEnd?: Position;
  /**
   * What is written first: the blank a `key:` lacks after its colon (or `key: # note` before its `#`), or a
   * missing key at its place; `position` is in the text after it.
   */
  edit?: { range: { start: Position; end: Position }; newText: string };
  /** Id path of the field, e.g. `arms[online].group`. */
  field: string;
  kind: 'missing' | 'empty';
  /** How many fields the record still lacks: required ones and those the review's analyses read. */
  remaining: number;
  /** Id paths of the fields left, in the record's order, starting with `field`. */
  left: string[];
  /** What the field holds, from its schema description, for the status bar. */
  help?: string;
}

export interface ReviewInfo {
  rootUri: string;
  title: string;
  reviewers: string[];
  consensus: string;
  studies: string[];
}

export interface ScaffoldRecordParams {
  rootUri: string;
  study: string;
  reviewer: string;
}

export type ScaffoldRecordResult = { uri: string; text: string } | { error: string };

export interface CheckReviewResult {
  files: number;
  errors: number;
  warnings: number;
}

export const AdjudicationMethods = {
  /** Creates the study's consensus record (or marks new disagreements in the existing one). */
  adjudicateStudy: 'studyExtraction/adjudicateStudy',
  /** Settles every trivial difference (whitespace, case, number formatting) of a study in its consensus record. */
  autoResolve: 'studyExtraction/autoResolveTrivial',
  /** The records of the study a record belongs to. */
  studyRecords: 'studyExtraction/studyRecords',
  /** Every study's disagreements, for the Disagreements view. */
  disagreements: 'studyExtraction/disagreements',
} as const;

/** The server-side command behind the "Use …'s value" CodeLens and code actions. */
export const APPLY_RESOLUTION_COMMAND = 'studyExtraction.server.applyResolution';

export interface ApplyResolutionArgs {
  uri: string;
  field: string;
  side: 'a' | 'b';
}

export interface TextEditData {
  range: { start: Position; end: Position };
  newText: string;
}

export interface AdjudicateStudyParams {
  rootUri: string;
  study: string;
}

export type AdjudicateStudyResult =
  { uri: string; created: boolean; added: number; edits?: TextEditData[] } | { error: string };

export interface AutoResolveParams {
  /** A record (any reviewer's or the consensus) of the study. */
  uri: string;
}

export type AutoResolveResult = { uri: string; resolved: number; edits?: TextEditData[] } | { error: string };

export interface StudyRecordsParams {
  uri: string;
}

export interface StudyRecordsResult {
  rootUri: string;
  study: string;
  reviewers: { reviewer: string; uri: string }[];
  consensusUri?: string;
}

interface DisagreementLocation {
  uri: string;
  range: { start: Position; end: Position };
}

export interface StudyDisagreements {
  rootUri: string;
  study: string;
  state: 'compared' | 'blinded' | 'single';
  reviewers: string[];
  disagreements: { path: string; a: unknown; b: unknown; locations: DisagreementLocation[] }[];
  /** Settled in the consensus record. */
  resolved: number;
}

export interface DisagreementsResult {
  studies: StudyDisagreements[];
}

// ---------------------------------------------------------------------------------------------------
// The live synthesis panel

export const SynthesisMethods = {
  /** The synthesis panel's view model of one review, from the records as they are now (unsaved edits included). */
  synthesis: 'studyExtraction/synthesis',
  /** Where a study's record (consensus, else the first reviewer's) describes an outcome. */
  studyLocation: 'studyExtraction/studyLocation',
} as const;

export interface SynthesisParams {
  /** The review folder; omitted: the only (or first) review the server knows. */
  rootUri?: string;
  /**
   * List the record files and look at the disk again. Without it, only open buffers are looked at again
   * (the client asks for a rescan when its file watcher reports a change, and when the panel opens).
   */
  rescan?: boolean;
}

export type SynthesisResult =
  { rootUri: string; model: import('../core/synthesis/viewModel').SynthesisViewModel } | { error: string };

export interface StudyLocationParams {
  rootUri: string;
  study: string;
  /** An outcome id; omitted: the top of the record. */
  outcome?: string;
}

export type StudyLocationResult = {
  uri: string;
  /** Whose record: the consensus, or the first reviewer who has one. */
  reviewer: string;
  range: { start: Position; end: Position };
} | null;

export const EXPORT_SYNTHESIS_METHOD = 'studyExtraction/exportSynthesis';

export type ExportFormat = 'html' | 'csv' | 'json' | 'svg';

export interface ExportSynthesisParams {
  /** The review; omitted: the only (or first) review of the workspace. */
  rootUri?: string;
  format: ExportFormat;
  /** For `svg`: the analysis drawn (default: the first that can run). */
  analysis?: string;
}

export type ExportSynthesisResult = { text: string; fileName: string; rootUri: string } | { error: string };
