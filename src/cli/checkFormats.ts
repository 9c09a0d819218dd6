import type { CheckReport } from '../core/workspace/check';
import type { Diagnostic, Severity } from '../core/common/diagnostic';
import {
  DIAGNOSTIC_CODE_GROUPS,
  DIAGNOSTIC_CODES,
  diagnosticCodeInfo,
  type DiagnosticCodeInfo,
} from '../core/common/diagnosticCodes';

/** A path as a reader or CI should see it: relative to where the command runs. */
export type DisplayPath = (reviewRelative: string) => string;

export function formatCheckJson(report: CheckReport): string {
  const files = report.files.map((file) => ({
    path: file.path,
    diagnostics: file.diagnostics.map(({ severity, message, code, range }) => ({
      severity,
      message,
      code,
      range,
    })),
  }));
  return jsonDocument({ files, summary: report.summary });
}

/**
 * Characters that would break a line of text output or change how it is read: C0 controls (newlines
 * included), DEL, C1 controls, the Unicode line and paragraph separators, and the bidirectional overrides
 * and isolates (which reorder what a terminal shows).
 */
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const INVISIBLE = /[\u0000-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g;
const NAMED_ESCAPES: Record<string, string> = { '\n': '\\n', '\r': '\\r', '\t': '\\t' };

/**
 * One line of text output, whatever the record, file name or value it quotes: control characters are
 * written visibly (`\n`, `\u0007`), and nothing in it can be taken for a GitHub Actions workflow command
 * (`::command` at the start of a line, after blanks; the legacy `##[command]` anywhere).
 */
export function textLine(line: string): string {
  return visibleText(line)
    .replace(/##\[/g, '##\\u005b')
    .replace(/^(\s*):(?=:)/, '$1\\u003a');
}

/** Control characters written as escapes (`\n`, `\r`, `\t`, `\u0007`), so that the text stays on one line. */
function visibleText(text: string): string {
  return text.replace(
    INVISIBLE,
    (c) => NAMED_ESCAPES[c] ?? `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`,
  );
}

/** Pretty JSON; `##[` inside strings is written `##\u005b` (the same JSON) so that a CI log cannot read it. */
export function jsonDocument(value: unknown): string {
  return `${JSON.stringify(value, null, 2).replace(/##\[/g, '##\\u005b')}\n`;
}

export function formatCheckText(report: CheckReport, display: DisplayPath): string {
  const lines: string[] = [];
  for (const file of report.files) {
    for (const d of file.diagnostics) {
      lines.push(
        textLine(
          `${display(file.path)}:${d.range.start.line + 1}:${d.range.start.character + 1}: ${d.severity}: ${d.message} [${d.code}]`,
        ),
      );
    }
  }
  const { files, errors, warnings } = report.summary;
  const notes = countNotes(report);
  const counts = [
    plural(errors, 'error'),
    plural(warnings, 'warning'),
    ...(notes > 0 ? [plural(notes, 'note')] : []),
  ].join(', ');
  lines.push(
    errors + warnings + notes === 0
      ? `${plural(files, 'file')} checked: no problems.`
      : `${plural(files, 'file')} checked: ${counts}.`,
  );
  return `${lines.join('\n')}\n`;
}

/** Information diagnostics, which the report's summary does not count. */
function countNotes(report: CheckReport): number {
  return report.files.reduce(
    (sum, f) => sum + f.diagnostics.filter((d) => d.severity === 'information').length,
    0,
  );
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

/** GitHub Actions workflow commands: annotations on the pull request's files. */
export function formatCheckGithub(report: CheckReport, display: DisplayPath): string {
  const command: Record<Severity, string> = { error: 'error', warning: 'warning', information: 'notice' };
  const lines: string[] = [];
  for (const file of report.files) {
    for (const d of file.diagnostics) {
      const properties = [
        `file=${escapeProperty(display(file.path))}`,
        `line=${d.range.start.line + 1}`,
        `endLine=${d.range.end.line + 1}`,
        `col=${d.range.start.character + 1}`,
        `endColumn=${d.range.end.character + 1}`,
        `title=${escapeProperty(`study-extract ${d.code}`)}`,
      ];
      lines.push(`::${command[d.severity]} ${properties.join(',')}::${escapeData(d.message)}`);
    }
  }
  const { files, errors, warnings } = report.summary;
  lines.push(
    `${plural(files, 'file')} checked: ${plural(errors, 'error')}, ${plural(warnings, 'warning')}, ${plural(countNotes(report), 'note')}.`,
  );
  return `${lines.join('\n')}\n`;
}

/** Workflow command data: `%`, CR and LF percent-encoded, as the runner decodes them. */
function escapeData(value: string): string {
  return value.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A');
}

/** A workflow command property: also `:` and `,`, which end a property. */
function escapeProperty(value: string): string {
  return escapeData(value).replace(/:/g, '%3A').replace(/,/g, '%2C');
}

/** SARIF 2.1.0, as GitHub code scanning and other SARIF viewers read it. */
export function formatCheckSarif(report: CheckReport, display: DisplayPath, toolVersion: string): string {
  // Every code the tool knows is a rule, so a rule's index is the same in every log; a code missing from
  // the table still gets a rule of its own.
  const occurring = report.files.flatMap((f) => f.diagnostics.map((d) => d.code));
  const unknown = [...new Set(occurring.filter((code) => !diagnosticCodeInfo(code)))].sort();
  const rules = [...DIAGNOSTIC_CODES.map(sarifRule), ...unknown.map(unknownSarifRule)];
  const ruleIndex = new Map(rules.map((rule, index) => [rule.id, index]));
  const results = report.files.flatMap((file) =>
    file.diagnostics.map((d: Diagnostic) => ({
      ruleId: d.code,
      ruleIndex: ruleIndex.get(d.code),
      level: SARIF_LEVEL[d.severity],
      message: { text: d.message },
      locations: [
        {
          physicalLocation: {
            artifactLocation: { uri: encodeURI(display(file.path)), uriBaseId: '%SRCROOT%' },
            region: {
              startLine: d.range.start.line + 1,
              startColumn: d.range.start.character + 1,
              endLine: d.range.end.line + 1,
              endColumn: d.range.end.character + 1,
            },
          },
        },
      ],
    })),
  );
  const sarif = {
    $schema: 'https://json.schemastore.org/sarif-2.1.0.json',
    version: '2.1.0',
    runs: [
      {
        tool: {
          driver: {
            name: 'study-extract',
            version: toolVersion,
            informationUri: 'https://github.com/study-extraction/study-extraction',
            rules,
          },
        },
        columnKind: 'utf16CodeUnits',
        results,
      },
    ],
  };
  return jsonDocument(sarif);
}

const SARIF_LEVEL: Record<Severity, string> = { error: 'error', warning: 'warning', information: 'note' };

function sarifRule(info: DiagnosticCodeInfo) {
  return {
    id: info.code,
    name: info.code,
    shortDescription: { text: info.short },
    fullDescription: { text: `${info.short} ${info.help}` },
    // The help is written to read as plain text and to render as Markdown.
    help: { text: info.help, markdown: info.help },
    defaultConfiguration: { level: SARIF_LEVEL[info.severity] },
    properties: { tags: [DIAGNOSTIC_CODE_GROUPS[info.group]] },
  };
}

function unknownSarifRule(code: string) {
  const text = `study-extract check reports \`${code}\`; the message says what is wrong.`;
  return {
    id: code,
    name: code,
    shortDescription: { text },
    fullDescription: { text },
    help: { text, markdown: text },
    defaultConfiguration: { level: 'warning' },
    properties: { tags: [] as string[] },
  };
}
