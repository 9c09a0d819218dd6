import type { CheckReport } from '../core/check';
import type { Diagnostic, Severity } from '../core/diagnostic';

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
  return `${JSON.stringify({ files, summary: report.summary }, null, 2)}\n`;
}

export function formatCheckText(report: CheckReport, display: DisplayPath): string {
  const lines: string[] = [];
  for (const file of report.files) {
    for (const d of file.diagnostics) {
      lines.push(
        `${display(file.path)}:${d.range.start.line + 1}:${d.range.start.character + 1}: ${d.severity}: ${d.message} [${d.code}]`,
      );
    }
  }
  const { files, errors, warnings } = report.summary;
  const infos = report.files.reduce(
    (sum, f) => sum + f.diagnostics.filter((d) => d.severity === 'information').length,
    0,
  );
  const counts = [
    plural(errors, 'error'),
    plural(warnings, 'warning'),
    ...(infos > 0 ? [plural(infos, 'note')] : []),
  ].join(', ');
  lines.push(
    errors + warnings + infos === 0
      ? `${plural(files, 'file')} checked: no problems.`
      : `${plural(files, 'file')} checked: ${counts}.`,
  );
  return `${lines.join('\n')}\n`;
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
  lines.push(`${plural(files, 'file')} checked: ${plural(errors, 'error')}, ${plural(warnings, 'warning')}.`);
  return `${lines.join('\n')}\n`;
}

function escapeData(value: string): string {
  return value.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A');
}

function escapeProperty(value: string): string {
  return escapeData(value).replace(/:/g, '%3A').replace(/,/g, '%2C');
}

/** SARIF 2.1.0, as GitHub code scanning and other SARIF viewers read it. */
export function formatCheckSarif(report: CheckReport, display: DisplayPath, toolVersion: string): string {
  const level: Record<Severity, string> = { error: 'error', warning: 'warning', information: 'note' };
  const ruleIds = [...new Set(report.files.flatMap((f) => f.diagnostics.map((d) => d.code)))].sort();
  const results = report.files.flatMap((file) =>
    file.diagnostics.map((d: Diagnostic) => ({
      ruleId: d.code,
      ruleIndex: ruleIds.indexOf(d.code),
      level: level[d.severity],
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
            rules: ruleIds.map((id) => ({
              id,
              name: id,
              shortDescription: { text: `study-extract check: ${id}` },
            })),
          },
        },
        columnKind: 'utf16CodeUnits',
        results,
      },
    ],
  };
  return `${JSON.stringify(sarif, null, 2)}\n`;
}
