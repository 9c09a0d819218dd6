// The table of diagnostic codes against the codes core can emit, found by reading core's source with the
// TypeScript checker: a diagnostic's `code` may be a literal, a literal-typed expression (a ternary, a union
// field), a template over literal unions, or a helper's parameter (then every call of the helper counts).
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import * as prettier from 'prettier';
import ts from 'typescript';
import {
  CODES_TABLE_END,
  CODES_TABLE_START,
  DIAGNOSTIC_CODES,
  diagnosticCodeInfo,
  diagnosticCodesMarkdown,
  withCodesTable,
} from '../../src/core/common/diagnosticCodes';

const REPO = path.resolve(__dirname, '..', '..');
const CORE = path.join(REPO, 'src', 'core');

interface Emission {
  code: string;
  /** `undefined` where the severity is not a literal the source fixes. */
  severity: string | undefined;
  /** `file:line` of the diagnostic's `code`, for messages. */
  at: string;
}

function typeScriptFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory()
      ? typeScriptFiles(path.join(dir, entry.name))
      : entry.name.endsWith('.ts')
        ? [path.join(dir, entry.name)]
        : [],
  );
}

class Unresolved extends Error {}

/** Every diagnostic code (with its severity) that the object literals of src/core can produce. */
function emittedCodes(): { emissions: Emission[]; unresolved: string[] } {
  const program = ts.createProgram(typeScriptFiles(CORE), {
    target: ts.ScriptTarget.ES2022,
    module: ts.ModuleKind.Node16,
    moduleResolution: ts.ModuleResolutionKind.Node16,
    strict: true,
    resolveJsonModule: true,
    esModuleInterop: true,
    skipLibCheck: true,
    noEmit: true,
    types: ['node'],
  });
  const checker = program.getTypeChecker();
  const coreFiles = program.getSourceFiles().filter((f) => f.fileName.startsWith(CORE));
  const where = (node: ts.Node) => {
    const file = node.getSourceFile();
    const { line } = file.getLineAndCharacterOfPosition(node.getStart());
    return `${path.relative(REPO, file.fileName)}:${line + 1}`;
  };

  // Calls by the function they resolve to, so a helper's `code` parameter can be traced to its callers.
  const callsOf = new Map<ts.Node, ts.CallExpression[]>();
  const literals: ts.ObjectLiteralExpression[] = [];
  const visit = (node: ts.Node): void => {
    if (ts.isCallExpression(node)) {
      const declaration = checker.getResolvedSignature(node)?.declaration;
      if (declaration) callsOf.set(declaration, [...(callsOf.get(declaration) ?? []), node]);
    }
    if (ts.isObjectLiteralExpression(node) && property(node, 'code') && property(node, 'message'))
      literals.push(node);
    ts.forEachChild(node, visit);
  };
  for (const file of coreFiles) visit(file);

  const parameterOf = (expression: ts.Expression): ts.ParameterDeclaration | undefined => {
    if (!ts.isIdentifier(expression)) return undefined;
    const symbol = ts.isShorthandPropertyAssignment(expression.parent)
      ? checker.getShorthandAssignmentValueSymbol(expression.parent)
      : checker.getSymbolAtLocation(expression);
    const declaration = symbol?.valueDeclaration;
    return declaration && ts.isParameter(declaration) ? declaration : undefined;
  };
  const argumentFor = (call: ts.CallExpression, parameter: ts.ParameterDeclaration) => {
    const index = (parameter.parent as ts.SignatureDeclaration).parameters.indexOf(parameter);
    const argument = call.arguments[index];
    if (!argument) throw new Unresolved(`${where(call)}: no argument for \`${parameter.name.getText()}\``);
    return argument;
  };

  /** The strings an expression can be; a helper's parameter is bound by `binding` or by all its calls. */
  const valuesOf = (
    expression: ts.Expression,
    binding: Map<ts.ParameterDeclaration, ts.Expression>,
    seen: Set<ts.Node>,
  ): string[] => {
    // A helper's parameter: the argument of the call being followed, else the arguments of all its calls.
    const parameter = parameterOf(expression);
    const calls = parameter ? (callsOf.get(parameter.parent) ?? []) : [];
    if (parameter && (binding.has(parameter) || calls.length > 0)) {
      const bound = binding.get(parameter);
      if (bound) return valuesOf(bound, new Map(), seen);
      if (seen.has(parameter)) return [];
      const next = new Set(seen).add(parameter);
      return calls.flatMap((call) => valuesOf(argumentFor(call, parameter), new Map(), next));
    }
    const shorthand = ts.isShorthandPropertyAssignment(expression.parent) ? expression.parent : undefined;
    const valueSymbol = shorthand && checker.getShorthandAssignmentValueSymbol(shorthand);
    const type = valueSymbol
      ? checker.getTypeOfSymbolAtLocation(valueSymbol, expression)
      : checker.getTypeAtLocation(expression);
    const parts = type.isUnion() ? type.types : [type];
    if (parts.every((t) => t.isStringLiteral())) return parts.map((t) => (t as ts.StringLiteralType).value);
    if (ts.isTemplateExpression(expression)) {
      let results = [expression.head.text];
      for (const span of expression.templateSpans) {
        const values = valuesOf(span.expression, binding, seen);
        results = results.flatMap((prefix) => values.map((value) => prefix + value + span.literal.text));
      }
      return results;
    }
    throw new Unresolved(`${where(expression)}: \`${expression.getText()}\` is not a known set of strings`);
  };

  const emissions: Emission[] = [];
  const unresolved: string[] = [];
  for (const literal of literals) {
    const code = valueExpression(property(literal, 'code')!);
    const severityProperty = property(literal, 'severity');
    const severity = severityProperty && valueExpression(severityProperty);
    // A copy of another diagnostic's code (`code: d.code`) emits nothing new.
    if (ts.isPropertyAccessExpression(code) && code.name.text === 'code') continue;
    // A helper's code and severity are paired call by call.
    const helper = [code, severity].map((e) => e && parameterOf(e)).find((p) => p !== undefined)?.parent;
    const calls = helper ? (callsOf.get(helper) ?? []) : [];
    const bindings = calls.length > 0 ? calls.map((call) => bindArguments(helper!, call)) : [new Map()];
    for (const binding of bindings) {
      try {
        const codes = valuesOf(code, binding, new Set());
        let severities: string[] | undefined;
        try {
          severities = severity ? valuesOf(severity, binding, new Set()) : undefined;
        } catch (error) {
          if (!(error instanceof Unresolved)) throw error;
        }
        for (const value of codes) {
          emissions.push({
            code: value,
            severity: severities?.length === 1 ? severities[0] : undefined,
            at: where(code),
          });
        }
      } catch (error) {
        if (!(error instanceof Unresolved)) throw error;
        unresolved.push(error.message);
      }
    }
  }
  return { emissions, unresolved };
}

function bindArguments(
  helper: ts.SignatureDeclaration,
  call: ts.CallExpression,
): Map<ts.ParameterDeclaration, ts.Expression> {
  return new Map(
    helper.parameters.flatMap((p, i) => (call.arguments[i] ? [[p, call.arguments[i]] as const] : [])),
  );
}

function property(literal: ts.ObjectLiteralExpression, name: string) {
  return literal.properties.find(
    (p): p is ts.PropertyAssignment | ts.ShorthandPropertyAssignment =>
      (ts.isPropertyAssignment(p) || ts.isShorthandPropertyAssignment(p)) &&
      ts.isIdentifier(p.name) &&
      p.name.text === name,
  );
}

function valueExpression(p: ts.PropertyAssignment | ts.ShorthandPropertyAssignment): ts.Expression {
  return ts.isPropertyAssignment(p) ? p.initializer : p.name;
}

describe('the table of diagnostic codes', () => {
  const { emissions, unresolved } = emittedCodes();

  test('every code in the source can be read off it', () => {
    assert.deepEqual(unresolved, []);
    // The scan itself must find the diagnostics core is known to emit, through each way of naming a code.
    const found = new Set(emissions.map((e) => e.code));
    for (const code of ['unknown-field', 'too-deep', 'sd-not-positive', 'range', 'not-a-file', 'unreadable'])
      assert.ok(found.has(code), `the scan misses ${code}`);
  });

  test('lists every code core can emit', () => {
    const missing = [
      ...new Set(emissions.filter((e) => !diagnosticCodeInfo(e.code)).map((e) => e.at + ' ' + e.code)),
    ];
    assert.deepEqual(missing, []);
  });

  test('lists no code that core cannot emit', () => {
    const found = new Set(emissions.map((e) => e.code));
    assert.deepEqual(
      DIAGNOSTIC_CODES.map((c) => c.code).filter((code) => !found.has(code)),
      [],
    );
  });

  test('gives each code the severity the source emits it with', () => {
    const wrong = emissions
      .filter((e) => e.severity !== undefined && e.severity !== diagnosticCodeInfo(e.code)?.severity)
      .map((e) => `${e.at} ${e.code}: ${e.severity}, the table says ${diagnosticCodeInfo(e.code)?.severity}`);
    assert.deepEqual(wrong, []);
  });

  test('each code once, with a short description and a help text', () => {
    const codes = DIAGNOSTIC_CODES.map((c) => c.code);
    assert.equal(new Set(codes).size, codes.length, 'a code is listed twice');
    for (const info of DIAGNOSTIC_CODES) {
      assert.match(info.code, /^[a-z0-9]+(-[a-z0-9]+)*$/, info.code);
      assert.ok(info.short.length > 0 && !info.short.includes('\n'), `${info.code}: short description`);
      assert.ok(
        info.help.length > info.short.length,
        `${info.code}: help says more than the short description`,
      );
      assert.ok(info.group.length > 0, `${info.code}: group`);
    }
  });

  test('an unknown code has no entry', () => {
    assert.equal(diagnosticCodeInfo('no-such-code'), undefined);
    assert.equal(diagnosticCodeInfo('unknown-field')?.severity, 'error');
  });
});

describe("README.md's table of codes", () => {
  const readme = readFileSync(path.join(REPO, 'README.md'), 'utf8');

  test('is the one generated from the table (node --import tsx scripts/codes-table.ts --write)', () => {
    const start = readme.indexOf(CODES_TABLE_START);
    const end = readme.indexOf(CODES_TABLE_END);
    assert.ok(start >= 0 && end > start, 'README.md has <!-- codes:start --> and <!-- codes:end -->');
    assert.equal(readme.slice(start + CODES_TABLE_START.length, end), `\n\n${diagnosticCodesMarkdown()}\n`);
    assert.equal(withCodesTable(readme), readme);
  });

  test('names every code once', () => {
    for (const { code } of DIAGNOSTIC_CODES) {
      assert.equal(readme.split(`| \`${code}\` `).length - 1, 1, code);
    }
  });

  test('stays as it is when Prettier formats the README', async () => {
    const options = JSON.parse(readFileSync(path.join(REPO, '.prettierrc.json'), 'utf8')) as prettier.Options;
    const generated = diagnosticCodesMarkdown();
    assert.equal(await prettier.format(generated, { ...options, parser: 'markdown' }), generated);
  });

  test('replacing the section keeps the rest of the file', () => {
    const text = `# Title\n\nbefore\n\n${CODES_TABLE_START}\nstale-table-text\n${CODES_TABLE_END}\n\nafter\n`;
    const updated = withCodesTable(text)!;
    assert.ok(updated.startsWith(`# Title\n\nbefore\n\n${CODES_TABLE_START}\n\n**Files and YAML**\n`));
    assert.ok(updated.endsWith(`|\n\n${CODES_TABLE_END}\n\nafter\n`));
    assert.ok(!updated.includes('stale-table-text'));
    assert.equal(withCodesTable('no markers'), undefined);
  });
});
