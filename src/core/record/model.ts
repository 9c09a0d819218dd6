/** The value a reviewer writes when the source does not report a field (DESIGN.md, missing values). */
export const NOT_REPORTED = 'NR';
