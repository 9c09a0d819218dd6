/**
 * Every diagnostic code the tool emits, with its default severity, a one-line description and a help
 * text. The SARIF rules of `check` and the README's table of codes are both read from here; a test scans
 * core's source so that a new code cannot be emitted without an entry.
 */
import type { Severity } from './diagnostic';

export const DIAGNOSTIC_CODE_GROUPS = {
  files: 'Files and YAML',
  schema: 'Fields against the schema',
  record: 'Record rules',
  dual: 'Dual extraction',
  review: 'review.yaml',
  extractionSchema: 'The extraction schema',
  analyses: 'Analyses of review.yaml',
} as const;

type DiagnosticCodeGroup = keyof typeof DIAGNOSTIC_CODE_GROUPS;

export interface DiagnosticCodeInfo {
  code: string;
  /** The severity it is reported with. */
  severity: Severity;
  group: DiagnosticCodeGroup;
  /** One line: what the problem is. */
  short: string;
  /**
   * What it means for the review and how to fix it. Names are in backticks and nothing else is marked
   * up, so the same text reads as plain text and renders as Markdown.
   */
  help: string;
}

export const DIAGNOSTIC_CODES: readonly DiagnosticCodeInfo[] = [
  // Files and YAML
  {
    code: 'file-too-large',
    severity: 'error',
    group: 'files',
    short: 'The file is over 1 MB and is not checked.',
    help: 'A record is a few kilobytes; a file over the limit is not read, so nothing in it is checked. Split it, or check that the records template does not match a file that is not a record.',
  },
  {
    code: 'not-text',
    severity: 'error',
    group: 'files',
    short: 'The file is not UTF-8 text (binary, or NUL bytes) and is not checked.',
    help: 'The file was saved in another encoding or is not a text file. Save it as UTF-8, or move it out of the records folder if it is not a record.',
  },
  {
    code: 'unreadable',
    severity: 'error',
    group: 'files',
    short: 'The file cannot be read.',
    help: 'The file is missing, is not a regular file, or cannot be opened (permissions). The message gives the reason; fix the file or its permissions and check again.',
  },
  {
    code: 'too-deep',
    severity: 'error',
    group: 'files',
    short: 'The YAML is nested more than 64 levels deep and is not checked.',
    help: 'A record needs about six levels of nesting; deeper files are refused so that a broken or hostile file cannot exhaust the checker. Flatten the structure.',
  },
  {
    code: 'too-many-entries',
    severity: 'error',
    group: 'files',
    short: 'A mapping or list holds more than 2,000 entries; the record is not checked further.',
    help: 'A trial has a handful of arms and outcomes and at most some hundreds of authors. A record with thousands of entries in one place is almost certainly generated or broken; it is refused so that it cannot stall the checker. Split or remove the entries.',
  },
  {
    code: 'alias-limit',
    severity: 'error',
    group: 'files',
    short: 'The YAML expands more than 100 aliases and is not checked.',
    help: 'YAML anchors (`&name`) and aliases (`*name`) can multiply a small file into a huge one, so expansion is limited. Write the repeated values out instead of using aliases.',
  },
  {
    code: 'outside-review',
    severity: 'error',
    group: 'files',
    short: 'A path matching the records template leads outside the review folder and is not read.',
    help: 'A symbolic link under the records folder points outside the review, so the file is not read. Copy the record into the review folder instead of linking to it.',
  },
  {
    code: 'not-a-file',
    severity: 'error',
    group: 'files',
    short: 'A path matches the records template but is not a file.',
    help: 'Something named like a record (for example a folder `x.study.yaml`) is not a file. Rename or remove it; each record is one `.study.yaml` file.',
  },
  {
    code: 'invalid-record-name',
    severity: 'error',
    group: 'files',
    short: "A record's file or folder name is not a valid study or reviewer id.",
    help: 'Record paths are built from ids, so a name must be one: a study id in lower-case letters, digits, `.`, `_` and `-` (e.g. `preschl-2011`), a reviewer id in letters, digits, `.`, `_` and `-`, each starting with a letter or digit. Rename the file or folder; its records are not checked until then.',
  },
  {
    code: 'yaml-syntax',
    severity: 'error',
    group: 'files',
    short: 'The YAML cannot be parsed at this point.',
    help: 'The text is not valid YAML here: usually a wrong indentation, a missing space after `:`, an unclosed quote or bracket, or an alias without its anchor. Values after the error may not be checked until it is fixed.',
  },
  {
    code: 'duplicate-key',
    severity: 'error',
    group: 'files',
    short: 'A key appears twice in one mapping.',
    help: 'YAML keeps only the last of two equal keys, so one of the values would be lost silently. Remove or rename one of them.',
  },
  {
    code: 'yaml-warning',
    severity: 'warning',
    group: 'files',
    short: 'The YAML parser warns about a construct.',
    help: 'The file parses, but the parser flags something that may not mean what it looks like (for example an unknown tag). Rewrite the value in plain YAML.',
  },
  {
    code: 'not-a-mapping',
    severity: 'error',
    group: 'files',
    short: 'The file is a list or a single value, not a mapping of fields.',
    help: 'A record and review.yaml are mappings of `key: value` lines at the top level. Remove a leading `-` or wrap the content in the fields the schema expects.',
  },
  {
    code: 'too-many-diagnostics',
    severity: 'information',
    group: 'files',
    short: 'More than 100 problems in one file; the rest are not listed.',
    help: 'Only the first 100 problems of a file are listed (errors first). Fix those and check again; often one early mistake, such as a wrong indentation, causes many.',
  },
  // Fields against the schema
  {
    code: 'required',
    severity: 'error',
    group: 'schema',
    short: 'Required fields are missing.',
    help: "The base schema or the review's schema requires these fields here. Add them; in a draft they may stay empty (reported as not extracted yet). In the editor, a quick fix adds them.",
  },
  {
    code: 'unknown-field',
    severity: 'error',
    group: 'schema',
    short: "A field that neither the base nor the review's schema declares.",
    help: "Every field must be declared, so that a typo such as `armss` never passes silently. Rename it to the suggested field (a quick fix in the editor), or declare it in the review's schema if the protocol extracts it.",
  },
  {
    code: 'type',
    severity: 'error',
    group: 'schema',
    short: 'A value of the wrong type.',
    help: 'The value is not of the kind the schema expects (a number, text, a list, a mapping). Write it in the expected form; if the source does not report it, write `NR`.',
  },
  {
    code: 'enum',
    severity: 'error',
    group: 'schema',
    short: "A value outside the field's vocabulary.",
    help: "The field takes one of a fixed set of values (the review's vocabulary). Choose one of them; the closest is suggested and offered as a quick fix. If the protocol needs a new value, add it to the schema.",
  },
  {
    code: 'const',
    severity: 'error',
    group: 'schema',
    short: 'A value other than the one the schema fixes.',
    help: 'The schema allows exactly one value here. Write that value.',
  },
  {
    code: 'range',
    severity: 'error',
    group: 'schema',
    short: 'A number below the minimum, above the maximum or not a multiple of the step.',
    help: 'The number is outside what the schema allows (for example a negative `n`). Check it against the source; a value that is really reported this way means the schema needs changing.',
  },
  {
    code: 'pattern',
    severity: 'error',
    group: 'schema',
    short: 'Text not in the expected form.',
    help: "The text does not match the form the schema prescribes (an id in lowercase with hyphens, a DOI). The message quotes the field's description where it has one.",
  },
  {
    code: 'format',
    severity: 'error',
    group: 'schema',
    short: 'Text that is not a valid date, URI or other format.',
    help: 'The field has a format (such as `date`, written `2026-12-02`). Write the value in that format.',
  },
  {
    code: 'length',
    severity: 'error',
    group: 'schema',
    short: 'Text that is empty, too short or too long.',
    help: 'The schema limits the length of this text; most often it must not be empty. Fill it in, or leave the key out if the value is not extracted yet.',
  },
  {
    code: 'items',
    severity: 'error',
    group: 'schema',
    short: 'A list with too few or too many items.',
    help: 'The schema limits how many items the list holds (for example at least one author). Add or remove items.',
  },
  {
    code: 'unique',
    severity: 'error',
    group: 'schema',
    short: 'A list holds the same value twice.',
    help: 'The items of this list must differ. Remove the repeated item.',
  },
  {
    code: 'one-of',
    severity: 'error',
    group: 'schema',
    short: 'A value matches more than one of the allowed forms.',
    help: 'The schema accepts one of several forms here, and the value fits more than one, so it is ambiguous. Remove the fields that belong to the other form.',
  },
  {
    code: 'schema',
    severity: 'error',
    group: 'schema',
    short: 'The value breaks another rule of the schema.',
    help: 'The value fails a schema rule without a message of its own; the message gives the rule. Compare the value with the field in the schema.',
  },
  {
    code: 'not-extracted',
    severity: 'information',
    group: 'schema',
    short: 'An empty value in a draft: not extracted yet.',
    help: 'In a `draft` record an empty value is a placeholder, not a mistake. Fill it in before setting `status: complete`, where it becomes an error; write `NR` if the source does not report it.',
  },
  {
    code: 'schema-recursion',
    severity: 'error',
    group: 'schema',
    short: 'The schema recurses without end on this file.',
    help: "Validation of this file does not terminate because the review's schema refers to itself in a loop. Fix the `$ref`s of the schema.",
  },
  // Record rules
  {
    code: 'study-mismatch',
    severity: 'error',
    group: 'record',
    short: "`study` differs from the file's name.",
    help: "A record is named for its study: `preschl-2011.study.yaml` holds `study: preschl-2011`. Correct the value or rename the file, so that the two reviewers' records of a study are paired.",
  },
  {
    code: 'reviewer-mismatch',
    severity: 'error',
    group: 'record',
    short: "`reviewer` differs from the record's folder.",
    help: "A record lives in its reviewer's folder: `records/ek/` holds `reviewer: ek`. Correct the value or move the file.",
  },
  {
    code: 'unknown-reviewer',
    severity: 'warning',
    group: 'record',
    short: "The record's folder is neither a reviewer nor the consensus folder.",
    help: 'review.yaml lists the reviewers and names the consensus folder; a record elsewhere is checked but never compared or pooled. Add the reviewer to `reviewers`, or move the record.',
  },
  {
    code: 'protocol-version',
    severity: 'warning',
    group: 'record',
    short: "The record's `protocol_version` differs from review.yaml's `version`.",
    help: 'The record was extracted under another version of the protocol. Review the fields that changed between the versions, then set `protocol_version` to the current one.',
  },
  {
    code: 'reserved-arm-id',
    severity: 'error',
    group: 'record',
    short: 'The arm id `all` is reserved for the whole sample.',
    help: 'Results keyed `all` belong to the whole sample, so no arm may be called `all`. Choose another id and rename its results keys.',
  },
  {
    code: 'duplicate-arm-id',
    severity: 'error',
    group: 'record',
    short: 'Two arms have the same id.',
    help: 'Arms are identified by `id` in results, comparisons and adjudication. Give each arm its own id.',
  },
  {
    code: 'duplicate-outcome-id',
    severity: 'error',
    group: 'record',
    short: 'Two outcomes have the same id.',
    help: 'Outcomes are identified by `id` in analyses, comparisons and adjudication. Give each outcome its own id, for example with the time point in it.',
  },
  {
    code: 'unknown-arm',
    severity: 'error',
    group: 'record',
    short: 'A key of `results` is neither an arm id nor `all`.',
    help: "An outcome's results are keyed by the ids of the record's arms (or `all`). Correct the key, or add the arm.",
  },
  {
    code: 'n-exceeds-arm',
    severity: 'error',
    group: 'record',
    short: "A result's `n` is larger than its arm's randomized `n`.",
    help: 'An outcome cannot be measured on more participants than the arm randomized. Check both numbers against the source (the arm holds the randomized n, the result the analysed n).',
  },
  {
    code: 'events-exceed-n',
    severity: 'error',
    group: 'record',
    short: '`events` is larger than `n`.',
    help: 'A dichotomous result cannot have more events than participants. Check both numbers against the source.',
  },
  {
    code: 'sd-not-positive',
    severity: 'error',
    group: 'record',
    short: 'An SD of 0 or less.',
    help: 'A standard deviation is greater than 0. Check the source; write `NR` if it does not report the SD.',
  },
  {
    code: 'se-not-positive',
    severity: 'error',
    group: 'record',
    short: 'An SE of 0 or less.',
    help: 'A standard error is greater than 0. Check the source; write `NR` if it does not report the SE.',
  },
  {
    code: 'ci-invalid',
    severity: 'error',
    group: 'record',
    short: "A confidence interval's `lower` is above its `upper`.",
    help: 'The limits are probably swapped. Check them against the source.',
  },
  {
    code: 'scale-invalid',
    severity: 'error',
    group: 'record',
    short: "A scale's `min` is not below its `max`.",
    help: "The outcome's `scale` gives the instrument's range, lowest first. Check both limits against the instrument.",
  },
  {
    code: 'mean-outside-scale',
    severity: 'error',
    group: 'record',
    short: "A mean outside the outcome's scale.",
    help: "A mean cannot lie outside the instrument's range. Check the mean and the scale against the source (a total score reported on an item-mean scale is a common cause).",
  },
  // Dual extraction
  {
    code: 'disagreement',
    severity: 'information',
    group: 'dual',
    short: "The two reviewers' records of a study differ on this value (in the editor).",
    help: 'Shown on both records once the review is not blinded or both records are complete. Check the value against the source; what remains is settled by adjudication in the consensus record.',
  },
  {
    code: 'unresolved-disagreement',
    severity: 'warning',
    group: 'dual',
    short: 'The consensus record has not settled a disagreement.',
    help: "The reviewers disagree on this field and the consensus record does not record a decision. Choose a reviewer's value or enter another (code action or CodeLens); the choice is logged in `adjudication` with its rationale.",
  },
  // review.yaml
  {
    code: 'template-invalid',
    severity: 'error',
    group: 'review',
    short: 'The records template is empty, absolute, leaves the review folder or has an unknown placeholder.',
    help: 'The `records` template says where records live, relative to review.yaml, with the placeholders `{reviewer}` and `{study}` once each, for example `records/{reviewer}/{study}.study.yaml`. No record is checked until it is fixed.',
  },
  {
    code: 'template-missing-study',
    severity: 'error',
    group: 'review',
    short: 'The records template has no `{study}`.',
    help: 'Every record is named for its study, so the template needs `{study}`, for example `records/{reviewer}/{study}.study.yaml`.',
  },
  {
    code: 'template-missing-reviewer',
    severity: 'error',
    group: 'review',
    short: 'The records template has no `{reviewer}`.',
    help: "Without `{reviewer}` the two reviewers' records of a study could not be told apart. Add it, for example `records/{reviewer}/{study}.study.yaml`.",
  },
  {
    code: 'consensus-is-reviewer',
    severity: 'error',
    group: 'review',
    short: '`consensus` is also the name of a reviewer.',
    help: "The consensus folder holds adjudicated records; if it were a reviewer's folder, that reviewer's records would be taken for consensus. Give it a name no reviewer has (the default is `consensus`).",
  },
  {
    code: 'schema-outside-review',
    severity: 'error',
    group: 'review',
    short: 'The `schema` path leaves the review folder.',
    help: 'The extraction schema must be inside the review folder, so that the review is self-contained. Move the schema in and correct `schema`; until then records are checked against the base schema only.',
  },
  {
    code: 'schema-not-found',
    severity: 'error',
    group: 'review',
    short: 'The extraction schema named by `schema` does not exist or cannot be read.',
    help: 'Correct the path in `schema` (relative to review.yaml) or create the file; until then records are checked against the base schema only.',
  },
  {
    code: 'untrusted-workspace',
    severity: 'information',
    group: 'review',
    short: "In an untrusted workspace the review's schema is not compiled (in the editor).",
    help: "Compiling a schema runs generated code, so the editor does not do it for a workspace it does not trust: the review's fields are known, but values are checked against the base schema only. Trust the workspace to check them fully.",
  },
  // The extraction schema
  {
    code: 'schema-invalid-json',
    severity: 'error',
    group: 'extractionSchema',
    short: 'The extraction schema is not valid JSON.',
    help: 'The schema file must be plain JSON (no comments, no trailing commas). Fix the syntax at the position given; until then records are checked against the base schema only.',
  },
  {
    code: 'schema-invalid',
    severity: 'error',
    group: 'extractionSchema',
    short: 'The extraction schema is not a valid JSON Schema 2020-12 or cannot be compiled.',
    help: "The message names the keyword or place at fault; the schema must also have an `$id` of its own, not the base schema's. Until it is fixed, records are checked against the base schema only.",
  },
  {
    code: 'schema-ref-cycle',
    severity: 'error',
    group: 'extractionSchema',
    short: 'A `$ref` cycle that describes no field.',
    help: 'The `$ref`s named in the message refer back to themselves without any schema in between. Break the cycle; until then records are checked against the base schema only.',
  },
  {
    code: 'schema-ref-unresolved',
    severity: 'error',
    group: 'extractionSchema',
    short: 'A `$ref` that points nowhere.',
    help: 'Only the bundled base schema and references inside the file resolve; nothing is fetched from the network. Correct the reference; until then records are checked against the base schema only.',
  },
  {
    code: 'schema-draft-unsupported',
    severity: 'error',
    group: 'extractionSchema',
    short: 'The extraction schema names a `$schema` other than JSON Schema 2020-12.',
    help: 'Only JSON Schema 2020-12 (`https://json-schema.org/draft/2020-12/schema`) is supported. Convert the schema (from draft-07: `definitions` become `$defs`, a list of `items` becomes `prefixItems`) and change `$schema`; until then records are checked against the base schema only.',
  },
  {
    code: 'schema-too-large',
    severity: 'error',
    group: 'extractionSchema',
    short: 'The extraction schema is over 1 MB, or an `enum` in it lists over 2,000 values.',
    help: 'Limits keep checking fast whatever the schema holds; a real form stays far below them. Shorten the vocabulary or check that `schema` names the right file; until then records are checked against the base schema only.',
  },
  {
    code: 'schema-too-deep',
    severity: 'error',
    group: 'extractionSchema',
    short: 'The extraction schema nests more than 64 levels deep, in its JSON or through `$ref`s.',
    help: 'A form needs about ten levels; deeper nesting is refused so that a schema cannot exhaust the checker. Flatten the schema or shorten its chains of `$ref`s; until then records are checked against the base schema only.',
  },
  {
    code: 'schema-too-complex',
    severity: 'error',
    group: 'extractionSchema',
    short: 'A subschema expands to more than 20,000 subschemas when its `$ref`s are followed.',
    help: 'For example `anyOf` branches that refer to the same definition again at every level double the work of checking a value with each level. Simplify the references; until then records are checked against the base schema only.',
  },
  {
    code: 'schema-pattern-unsupported',
    severity: 'error',
    group: 'extractionSchema',
    short: 'A `pattern` that cannot be matched in linear time (lookaround or a backreference).',
    help: 'Patterns run on a linear-time engine, so that no schema can make checking hang. Rewrite the pattern without lookaround and backreferences; until then records are checked against the base schema only.',
  },
  // Analyses of review.yaml
  {
    code: 'analysis-duplicate-id',
    severity: 'error',
    group: 'analyses',
    short: 'Two analyses have the same id.',
    help: 'Analyses are named by `id` on the command line and in exports. Give each analysis its own id.',
  },
  {
    code: 'analysis-group-both-sides',
    severity: 'error',
    group: 'analyses',
    short: 'An arm group is listed as both experimental and control.',
    help: 'An arm cannot be compared with itself, so the analysis cannot run. Remove the group from one side.',
  },
  {
    code: 'analysis-duplicate-group',
    severity: 'warning',
    group: 'analyses',
    short: 'An arm group is listed twice on one side.',
    help: 'Listing a group twice changes nothing. Remove the repetition.',
  },
  {
    code: 'analysis-hksj-common',
    severity: 'warning',
    group: 'analyses',
    short: '`ci: hksj` with a common-effect model.',
    help: 'The Knapp-Hartung adjustment is meant for random-effects models; with `model: common` it still rescales the standard error. Use `model: random`, or `ci: z` for a common-effect model.',
  },
  {
    code: 'analysis-method-ignored',
    severity: 'information',
    group: 'analyses',
    short: '`method` is set but a common-effect model does not use it.',
    help: 'The tau² estimator (`method`) only matters for random-effects models. Remove it, or use `model: random`.',
  },
  {
    code: 'analysis-unknown-outcome',
    severity: 'warning',
    group: 'analyses',
    short: "No record has the analysis's outcome id.",
    help: "The analysis finds no study. Correct `outcome` to an id the records use (the message lists them), or the records' outcome ids.",
  },
  {
    code: 'analysis-outcome-type',
    severity: 'warning',
    group: 'analyses',
    short: 'The measure does not fit the type the records give the outcome.',
    help: "For example `SMD` needs continuous results, `RR` dichotomous ones; studies of the other type are excluded. Correct `measure`, or the outcome's `type` in the records.",
  },
  {
    code: 'analysis-unknown-group',
    severity: 'warning',
    group: 'analyses',
    short: 'No record has an arm in this group.',
    help: "The group contributes no arm to the analysis. Correct the group name, or the arms' `group` in the records.",
  },
];

const BY_CODE = new Map(DIAGNOSTIC_CODES.map((info) => [info.code, info]));

export function diagnosticCodeInfo(code: string): DiagnosticCodeInfo | undefined {
  return BY_CODE.get(code);
}

/** The README's tables of codes stand between these lines. */
export const CODES_TABLE_START = '<!-- codes:start -->';
export const CODES_TABLE_END = '<!-- codes:end -->';

/** The README's tables of codes: one per group, one row per code, laid out as Prettier lays out tables. */
export function diagnosticCodesMarkdown(): string {
  const sections = Object.entries(DIAGNOSTIC_CODE_GROUPS).map(([group, title]) => {
    const rows = DIAGNOSTIC_CODES.filter((info) => info.group === group).map((info) => [
      `\`${info.code}\``,
      info.severity,
      tableCell(info.short),
    ]);
    return [`**${title}**`, '', ...markdownTable(['code', 'severity', 'what'], rows)].join('\n');
  });
  return `${sections.join('\n\n')}\n`;
}

function markdownTable(header: string[], rows: string[][]): string[] {
  const widths = header.map((h, i) => Math.max(3, h.length, ...rows.map((row) => row[i]!.length)));
  const line = (cells: string[]) => `| ${cells.map((cell, i) => cell.padEnd(widths[i]!)).join(' | ')} |`;
  return [line(header), `| ${widths.map((w) => '-'.repeat(w)).join(' | ')} |`, ...rows.map(line)];
}

function tableCell(text: string): string {
  return text.replace(/\|/g, '\\|');
}

/** `readme` with the text between the markers replaced by the tables; `undefined` without the markers. */
export function withCodesTable(readme: string): string | undefined {
  const start = readme.indexOf(CODES_TABLE_START);
  const end = readme.indexOf(CODES_TABLE_END);
  if (start < 0 || end < start) return undefined;
  const before = readme.slice(0, start + CODES_TABLE_START.length);
  return `${before}\n\n${diagnosticCodesMarkdown()}\n${readme.slice(end)}`;
}
