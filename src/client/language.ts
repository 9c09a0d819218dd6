/** The language id of study records (`*.study.yaml`), contributed in package.json. */
export const STUDY_RECORD_LANGUAGE = 'study-record';
