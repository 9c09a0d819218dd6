// The server's custom requests come from any client, so their params are checked before a handler sees
// them: a missing, null or mistyped param is answered with InvalidParams naming what was expected,
// never with an internal error.
import {
  ErrorCodes,
  ResponseError,
  type Connection,
  type RequestHandler,
  type RequestType,
} from 'vscode-languageserver/node';

/** What a param must be; a trailing `?` allows it to be absent (or null). */
type ParamKind =
  'string' | 'string?' | 'boolean?' | 'position' | 'position?' | 'object' | 'object?' | 'array?';
export type ParamsShape = Record<string, ParamKind>;

function isPosition(value: unknown): boolean {
  if (typeof value !== 'object' || value === null) return false;
  const { line, character } = value as { line?: unknown; character?: unknown };
  return [line, character].every((n) => typeof n === 'number' && Number.isInteger(n) && n >= 0);
}

function fits(value: unknown, kind: ParamKind): boolean {
  const optional = kind.endsWith('?');
  if (value === undefined || value === null) return optional;
  switch (kind.replace('?', '')) {
    case 'string':
      return typeof value === 'string';
    case 'boolean':
      return typeof value === 'boolean';
    case 'position':
      return isPosition(value);
    case 'array':
      return Array.isArray(value);
    default:
      return typeof value === 'object' && !Array.isArray(value);
  }
}

const KIND_TEXT: Record<string, string> = {
  string: 'a string',
  boolean: 'true or false',
  position: 'a position { line, character }',
  object: 'an object',
  array: 'a list',
};

/** Why `params` does not fit `shape`, or undefined when it does. */
function paramsProblem(params: unknown, shape: ParamsShape): string | undefined {
  const required = Object.entries(shape).filter(([, kind]) => !kind.endsWith('?'));
  if (params === undefined || params === null) {
    return required.length === 0
      ? undefined
      : `params must be an object with ${required.map(([name]) => `\`${name}\``).join(', ')}`;
  }
  if (typeof params !== 'object' || Array.isArray(params)) return 'params must be an object';
  for (const [name, kind] of Object.entries(shape)) {
    const value = (params as Record<string, unknown>)[name];
    if (!fits(value, kind))
      return `\`${name}\` must be ${KIND_TEXT[kind.replace('?', '')]}${kind.endsWith('?') ? ' when given' : ''}`;
  }
  return undefined;
}

/** Registers a custom request whose params are checked against `shape` first. */
export function onCustomRequest<P, R>(
  connection: Connection,
  type: RequestType<P, R, void>,
  shape: ParamsShape,
  handler: (params: P) => R | Promise<R>,
): void {
  const checked = (params: P) => {
    const problem = paramsProblem(params, shape);
    if (problem) return new ResponseError<void>(ErrorCodes.InvalidParams, `${type.method}: ${problem}.`);
    return handler((params ?? {}) as P);
  };
  // The generic result cannot be matched against the library's conditional handler type.
  connection.onRequest(type, checked as RequestHandler<P, R, void>);
}
