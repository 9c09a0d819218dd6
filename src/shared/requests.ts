// One request type per custom request, used by the server to answer and by the client to ask: a change of
// a method name or a payload type is a compile error on both sides. (The webview never imports this file:
// it talks to the extension by messages, src/shared/webviewMessages.ts.)
import { RequestType, RequestType0 } from 'vscode-jsonrpc';
import {
  AdjudicationMethods,
  EXPORT_SYNTHESIS_METHOD,
  Methods,
  SynthesisMethods,
  type AdjudicateStudyParams,
  type AdjudicateStudyResult,
  type AutoResolveParams,
  type AutoResolveResult,
  type CheckReviewResult,
  type DisagreementsResult,
  type ExportSynthesisParams,
  type ExportSynthesisResult,
  type NextMissingFieldParams,
  type NextMissingFieldResult,
  type ProgressParams,
  type ProgressResult,
  type ReviewInfo,
  type ScaffoldRecordParams,
  type ScaffoldRecordResult,
  type StudyLocationParams,
  type StudyLocationResult,
  type StudyRecordsParams,
  type StudyRecordsResult,
  type SynthesisParams,
  type SynthesisResult,
} from './protocol';

export const Requests = {
  progress: new RequestType<ProgressParams, ProgressResult, void>(Methods.progress),
  nextMissingField: new RequestType<NextMissingFieldParams, NextMissingFieldResult | null, void>(
    Methods.nextMissingField,
  ),
  scaffoldRecord: new RequestType<ScaffoldRecordParams, ScaffoldRecordResult, void>(Methods.scaffoldRecord),
  reviews: new RequestType0<ReviewInfo[], void>(Methods.reviews),
  checkReview: new RequestType0<CheckReviewResult, void>(Methods.checkReview),
  adjudicateStudy: new RequestType<AdjudicateStudyParams, AdjudicateStudyResult, void>(
    AdjudicationMethods.adjudicateStudy,
  ),
  autoResolve: new RequestType<AutoResolveParams, AutoResolveResult, void>(AdjudicationMethods.autoResolve),
  studyRecords: new RequestType<StudyRecordsParams, StudyRecordsResult | null, void>(
    AdjudicationMethods.studyRecords,
  ),
  disagreements: new RequestType0<DisagreementsResult, void>(AdjudicationMethods.disagreements),
  synthesis: new RequestType<SynthesisParams, SynthesisResult, void>(SynthesisMethods.synthesis),
  studyLocation: new RequestType<StudyLocationParams, StudyLocationResult, void>(
    SynthesisMethods.studyLocation,
  ),
  exportSynthesis: new RequestType<ExportSynthesisParams, ExportSynthesisResult, void>(
    EXPORT_SYNTHESIS_METHOD,
  ),
} as const;
