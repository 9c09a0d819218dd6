// The study-record TextMate grammar (syntaxes/study-record.tmLanguage.json), run by the real engine VS Code
// uses: vscode-textmate with the Oniguruma regex library compiled to WebAssembly (vscode-oniguruma).
//
// The grammar adds nothing of its own to YAML: it includes source.yaml and injects three patterns, so what is
// worth testing is that the injections land where they should inside the YAML grammar's rules (comments,
// flow mappings, block mappings and sequences) and nowhere else (quoted strings, longer words
// and plain scalars, comments).
// VS Code's own YAML grammar is not installed here, so STAND_IN_YAML below stands in for it: a compact
// grammar with the same shape as VS Code's (extensions/yaml/syntaxes/yaml-1.2.tmLanguage.json): a stream
// rule that spans the whole file, block mappings, sequences and values that span lines through `while`, keys,
// plain scalars, flow collections, quoted strings and comments as `begin`/`end` rules, and the same scope
// names. An injection only reaches inside such rules when its selector matches their scopes, which is what
// these tests check; a grammar of flat `match` rules would prove little.
import { before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import * as oniguruma from 'vscode-oniguruma';
import {
  INITIAL,
  Registry,
  parseRawGrammar,
  type IGrammar,
  type IOnigLib,
  type StateStack,
} from 'vscode-textmate';

const ROOT = path.resolve(__dirname, '../..');

const NOT_REPORTED = 'constant.language.not-reported.study-record';
const PROVENANCE = 'keyword.other.provenance.study-record';
const PROVENANCE_TEXT = 'string.unquoted.provenance.study-record';
const PROVENANCE_COLON = 'punctuation.separator.provenance.study-record';
const REVIEW_NOTE = 'keyword.other.review-note.study-record';
const COMMENT = 'comment.line.number-sign.yaml';

// Regex fragments of the stand-in, after YAML 1.2 (https://yaml.org/spec/1.2.2/): the first character of a
// plain scalar outside flow collections (ns-plain-first), the rest of a plain one-line key, and a block key
// followed by `:` and white space (an implicit key).
const PLAIN_FIRST = String.raw`(?:[^-?:,\[\]{}#&*!|>'"%@\x60\s]|[?:-](?![\r\n\t ]))`;
const PLAIN_FIRST_IN = String.raw`(?:[^-?:,\[\]{}#&*!|>'"%@\x60\s]|[?:-](?![\r\n\t ,\[\]{}]))`;
const KEY =
  String.raw`(?:"(?:[^"\\]|\\.)*+"|'(?:[^']|'')*+'|` +
  PLAIN_FIRST +
  String.raw`(?:[^:#\r\n]|:(?![\r\n\t ])|(?<![\t ])#)*+)`;
/** Ends a scalar of the core schema (null, booleans, numbers) outside and inside flow collections. */
const OUT_END = String.raw`(?=[\t ]++#|[\t ]*+(?:$|:[\r\n\t ]))`;
const IN_END = String.raw`(?=[\t ]++#|[\t ]*+(?:[\r\n,\]}]|:[\r\n\t ,\[\]{}]))`;

function implicitTypes(end: string) {
  return [
    { match: String.raw`\G(?:null|Null|NULL|~)` + end, name: 'constant.language.null.yaml' },
    {
      match: String.raw`\G(?:true|True|TRUE|false|False|FALSE)` + end,
      name: 'constant.language.boolean.yaml',
    },
    { match: String.raw`\G[+-]?+[0-9]++` + end, name: 'constant.numeric.integer.decimal.yaml' },
    {
      match: String.raw`\G[+-]?+(?:\.[0-9]++|[0-9]++(?:\.[0-9]*+)?+)(?:[eE][+-]?+[0-9]++)?+` + end,
      name: 'constant.numeric.float.yaml',
    },
  ];
}

/** A stand-in for VS Code's YAML grammar: its rule structure and scope names, much less of its detail. */
const STAND_IN_YAML = {
  name: 'YAML (test stand-in)',
  scopeName: 'source.yaml',
  patterns: [{ include: '#stream' }],
  repository: {
    stream: {
      patterns: [
        // `^(?!\G)` on the first line only; `while: '^'` keeps it open over every later line.
        {
          begin: String.raw`^(?!\G)`,
          while: '^',
          name: 'meta.stream.yaml',
          patterns: [{ include: '#block-node' }],
        },
        {
          begin: String.raw`\G`,
          while: String.raw`\G`,
          name: 'meta.stream.yaml',
          patterns: [{ include: '#block-node' }],
        },
      ],
    },
    'block-node': {
      patterns: [
        { include: '#block-sequence' },
        { include: '#block-mapping' },
        { include: '#double' },
        { include: '#single' },
        { include: '#flow-mapping' },
        { include: '#flow-sequence' },
        { include: '#block-plain-out' },
        { include: '#presentation-detail' },
      ],
    },
    // Indentation is relative: a nested rule's `\G` stands just after the indentation its parents' `while`
    // consumed. Group 1 counts the column of a `- `, `? ` or `: ` that the collection starts after.
    'block-sequence': {
      begin: String.raw`(?=((?<=[-?:]) )?+)\G( *+)(-)(?=[\r\n\t ])`,
      while: String.raw`\G(?>(\1\2)(?!-[\r\n\t ])|(?=[\t ]*+(?:#|$)))`,
      beginCaptures: {
        2: { name: 'punctuation.whitespace.indentation.yaml' },
        3: { name: 'punctuation.definition.block.sequence.item.yaml' },
      },
      whileCaptures: { 1: { name: 'punctuation.whitespace.indentation.yaml' } },
      name: 'meta.block.sequence.yaml',
      patterns: [{ include: '#block-node' }],
    },
    'block-mapping': {
      begin:
        String.raw`(?=((?<=[-?:]) )?+)(?<![^\t ][\t ]*+:|---)\G( *+)(?=` +
        KEY +
        String.raw`[\t ]*+:[\r\n\t ])`,
      while: String.raw`\G(?>(\1\2)|(?=[\t ]*+(?:#|$)))`,
      beginCaptures: { 2: { name: 'punctuation.whitespace.indentation.yaml' } },
      whileCaptures: { 1: { name: 'punctuation.whitespace.indentation.yaml' } },
      name: 'meta.mapping.yaml',
      patterns: [
        { include: '#block-map-key-double' },
        { include: '#block-map-key-single' },
        { include: '#block-map-key-plain' },
        { include: '#block-map-value' },
        { include: '#presentation-detail' },
      ],
    },
    'block-map-key-double': {
      begin: String.raw`\G"`,
      end: '"',
      name: 'meta.map.key.yaml string.quoted.double.yaml entity.name.tag.yaml',
    },
    'block-map-key-single': {
      begin: String.raw`\G'`,
      end: "'(?!')",
      name: 'meta.map.key.yaml string.quoted.single.yaml entity.name.tag.yaml',
    },
    'block-map-key-plain': {
      begin: String.raw`\G(?=` + PLAIN_FIRST + ')',
      end: String.raw`(?=[\t ]*+:[\r\n\t ]|(?>[\t ]++|\G)#)`,
      name: 'meta.map.key.yaml string.unquoted.plain.yaml entity.name.tag.yaml',
    },
    // A value goes on over the next lines while they are indented deeper than its key (or blank, or
    // comments, or a `- ` sequence at the key's indentation).
    'block-map-value': {
      begin: String.raw`:(?=[\r\n\t ])`,
      while: String.raw`\G(?![^\t \r\n#-]|-[^\r\n\t ])`,
      beginCaptures: { 0: { name: 'punctuation.separator.map.value.yaml' } },
      name: 'meta.map.value.yaml',
      patterns: [{ include: '#block-node' }],
    },
    'block-plain-out': {
      begin: '(?=' + PLAIN_FIRST + ')',
      while: String.raw`\G`,
      patterns: [
        {
          begin: String.raw`\G`,
          end: String.raw`(?=(?>[\t ]++|\G)#)`,
          name: 'string.unquoted.plain.out.yaml',
          patterns: [
            ...implicitTypes(OUT_END),
            { match: String.raw`[\t ]++$`, name: 'punctuation.whitespace.separator.yaml' },
          ],
        },
        { begin: String.raw`(?!\G)`, while: String.raw`\G`, patterns: [{ include: '#presentation-detail' }] },
      ],
    },
    'flow-mapping': {
      begin: '{',
      end: '}',
      beginCaptures: { 0: { name: 'punctuation.definition.mapping.begin.yaml' } },
      endCaptures: { 0: { name: 'punctuation.definition.mapping.end.yaml' } },
      name: 'meta.flow.mapping.yaml',
      patterns: [
        { match: ',', name: 'punctuation.separator.mapping.yaml' },
        {
          begin: '(?=' + PLAIN_FIRST_IN + ')',
          end: String.raw`(?=[,\[\]{}])`,
          name: 'meta.flow.map.implicit.yaml',
          patterns: [
            { include: '#flow-key-plain-in' },
            { include: '#flow-map-value' },
            { include: '#presentation-detail' },
          ],
        },
        { include: '#flow-node' },
      ],
    },
    'flow-sequence': {
      begin: String.raw`\[`,
      end: ']',
      beginCaptures: { 0: { name: 'punctuation.definition.sequence.begin.yaml' } },
      endCaptures: { 0: { name: 'punctuation.definition.sequence.end.yaml' } },
      name: 'meta.flow.sequence.yaml',
      patterns: [{ match: ',', name: 'punctuation.separator.sequence.yaml' }, { include: '#flow-node' }],
    },
    'flow-key-plain-in': {
      begin: String.raw`\G(?![\r\n\t #])`,
      end: String.raw`(?=[\t ]*+(?:[:][\r\n\t ,\[\]{}]|[,\[\]{}])|[\t ]++#)`,
      name: 'meta.flow.map.key.yaml string.unquoted.plain.in.yaml entity.name.tag.yaml',
    },
    'flow-map-value': {
      begin: String.raw`:(?=[\r\n\t ,\[\]{}])`,
      end: String.raw`(?=[,\]}])`,
      beginCaptures: { 0: { name: 'punctuation.separator.map.value.yaml' } },
      name: 'meta.flow.pair.value.yaml',
      patterns: [{ include: '#flow-node' }],
    },
    'flow-node': {
      patterns: [
        { include: '#flow-mapping' },
        { include: '#flow-sequence' },
        { include: '#double' },
        { include: '#single' },
        { include: '#flow-plain-in' },
        { include: '#presentation-detail' },
      ],
    },
    'flow-plain-in': {
      begin: '(?=' + PLAIN_FIRST_IN + ')',
      end: String.raw`(?=(?>[\t ]++|\G)#|[\t ]*+[,\[\]{}])`,
      name: 'string.unquoted.plain.in.yaml',
      patterns: implicitTypes(IN_END),
    },
    double: {
      begin: '"',
      end: '"',
      beginCaptures: { 0: { name: 'punctuation.definition.string.begin.yaml' } },
      endCaptures: { 0: { name: 'punctuation.definition.string.end.yaml' } },
      name: 'string.quoted.double.yaml',
      patterns: [{ match: String.raw`\\.`, name: 'constant.character.escape.yaml' }],
    },
    single: {
      begin: "'",
      end: "'(?!')",
      beginCaptures: { 0: { name: 'punctuation.definition.string.begin.yaml' } },
      endCaptures: { 0: { name: 'punctuation.definition.string.end.yaml' } },
      name: 'string.quoted.single.yaml',
      patterns: [{ match: "''", name: 'constant.character.escape.single-quote.yaml' }],
    },
    'presentation-detail': {
      patterns: [
        { match: String.raw`[\t ]++`, name: 'punctuation.whitespace.separator.yaml' },
        { include: '#comment' },
      ],
    },
    comment: {
      begin: String.raw`(?<=[\x{FEFF}\t ]|^)#`,
      end: String.raw`\r|\n`,
      captures: { 0: { name: 'punctuation.definition.comment.yaml' } },
      name: COMMENT,
    },
  },
};

/** The grammar file that package.json contributes for the study-record language. */
function contributedGrammarPath(): string {
  const manifest = JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as {
    contributes: { grammars: { language?: string; scopeName: string; path: string }[] };
  };
  const entry = manifest.contributes.grammars.find((g) => g.scopeName === 'source.study-record');
  assert.ok(entry, 'package.json contributes no grammar with scopeName source.study-record');
  assert.equal(entry.language, 'study-record');
  return path.join(ROOT, entry.path);
}

/** Oniguruma as WebAssembly, from the wasm file the npm package ships; loaded once per test process. */
const onigLib = (async (): Promise<IOnigLib> => {
  const wasm = readFileSync(path.join(ROOT, 'node_modules/vscode-oniguruma/release/onig.wasm'));
  await oniguruma.loadWASM(wasm.buffer.slice(wasm.byteOffset, wasm.byteOffset + wasm.byteLength));
  return {
    createOnigScanner: (patterns) => oniguruma.createOnigScanner(patterns),
    createOnigString: (text) => oniguruma.createOnigString(text),
  };
})();

/** source.study-record as VS Code loads it, with the stand-in as the source.yaml it includes. */
async function loadGrammar(): Promise<IGrammar> {
  const grammarPath = contributedGrammarPath();
  const sources: Record<string, () => ReturnType<typeof parseRawGrammar>> = {
    'source.study-record': () => parseRawGrammar(readFileSync(grammarPath, 'utf8'), grammarPath),
    'source.yaml': () => parseRawGrammar(JSON.stringify(STAND_IN_YAML), 'stand-in-yaml.json'),
  };
  const registry = new Registry({
    onigLib,
    loadGrammar: async (scopeName) => sources[scopeName]?.() ?? null,
  });
  const grammar = await registry.loadGrammar('source.study-record');
  assert.ok(grammar, 'source.study-record did not load');
  return grammar;
}

interface Token {
  text: string;
  start: number;
  end: number;
  scopes: string[];
}

let grammar: IGrammar;

before(async () => {
  grammar = await loadGrammar();
});

/** Tokenizes lines in order, each from the state the previous one ended in, as an editor does. */
function tokenizeLines(lines: string[], using: IGrammar = grammar): Token[][] {
  let state: StateStack = INITIAL;
  return lines.map((line) => {
    const result = using.tokenizeLine(line, state);
    state = result.ruleStack;
    // The last token ends one past the line: vscode-textmate tokenizes the line with its `\n`.
    return result.tokens.map((t) => ({
      text: line.slice(t.startIndex, t.endIndex),
      start: t.startIndex,
      end: Math.min(t.endIndex, line.length),
      scopes: t.scopes,
    }));
  });
}

/** One line on its own, from the initial state. */
function tokenize(line: string): Token[] {
  return tokenizeLines([line])[0]!;
}

/** Whether a scope list holds `selector` or a scope under it (`comment` holds `comment.line.number-sign.yaml`). */
function has(scopes: string[], selector: string): boolean {
  return scopes.some((s) => s === selector || s.startsWith(selector + '.'));
}

/** A scope that one of the study-record injections gives (not the root scope, source.study-record). */
function isInjected(scope: string): boolean {
  return scope.endsWith('.study-record') && scope !== 'source.study-record';
}

function describeTokens(tokens: Token[]): string {
  return tokens.map((t) => `  ${JSON.stringify(t.text)}: ${t.scopes.join(' ')}`).join('\n');
}

/**
 * The token that is exactly the `occurrence`-th (from 0) `needle` of the line: a scope that an injection
 * gives a word covers that word and nothing more.
 */
function tokenAt(tokens: Token[], line: string, needle: string, occurrence = 0): Token {
  let start = -1;
  for (let i = 0; i <= occurrence; i++) {
    start = line.indexOf(needle, start + 1);
    assert.notEqual(
      start,
      -1,
      `${JSON.stringify(line)} has no occurrence ${occurrence} of ${JSON.stringify(needle)}`,
    );
  }
  const token = tokens.find((t) => t.start === start && t.end === start + needle.length);
  assert.ok(
    token,
    `${JSON.stringify(needle)} is not one token of ${JSON.stringify(line)}:\n${describeTokens(tokens)}`,
  );
  return token;
}

function assertScope(token: Token, scope: string): void {
  assert.ok(
    has(token.scopes, scope),
    `${JSON.stringify(token.text)} lacks ${scope}: ${token.scopes.join(' ')}`,
  );
}

function assertNoScope(token: Token, scope: string): void {
  assert.ok(
    !has(token.scopes, scope),
    `${JSON.stringify(token.text)} has ${scope}: ${token.scopes.join(' ')}`,
  );
}

/** No token of the line carries `scope`. */
function assertNowhere(tokens: Token[], scope: string): void {
  for (const token of tokens) assertNoScope(token, scope);
}

/** Every token that overlaps the first `needle` of the line. */
function tokensOver(tokens: Token[], line: string, needle: string): Token[] {
  const start = line.indexOf(needle);
  assert.notEqual(start, -1, `${JSON.stringify(line)} has no ${JSON.stringify(needle)}`);
  return tokens.filter((t) => t.start < start + needle.length && t.end > start);
}

describe('study-record grammar: contribution', () => {
  test('package.json contributes the grammar file for the study-record language, and it builds on YAML', () => {
    const raw = JSON.parse(readFileSync(contributedGrammarPath(), 'utf8')) as {
      scopeName: string;
      patterns: { include?: string }[];
      injections: Record<string, unknown>;
    };
    assert.equal(raw.scopeName, 'source.study-record');
    assert.deepEqual(raw.patterns, [{ include: 'source.yaml' }]);
    // Every injection is scoped to study records, so none leaks into other languages' YAML.
    for (const selector of Object.keys(raw.injections)) assert.match(selector, /^L:source\.study-record /);
  });

  test('the YAML stand-in alone gives no study-record scopes: they come from the injections', async () => {
    const registry = new Registry({
      onigLib,
      loadGrammar: async (scopeName) =>
        scopeName === 'source.yaml'
          ? parseRawGrammar(JSON.stringify(STAND_IN_YAML), 'stand-in-yaml.json')
          : null,
    });
    const yaml = await registry.loadGrammar('source.yaml');
    assert.ok(yaml);
    const line = '  n: NR   # src: p. 5  TODO: check';
    const tokens = tokenizeLines([line], yaml)[0]!;
    assert.ok(!tokens.some((t) => t.scopes.some(isInjected)), describeTokens(tokens));
    assertScope(tokenAt(tokens, line, '#'), 'punctuation.definition.comment.yaml');
    assertScope(tokenAt(tokens, line, 'n'), 'entity.name.tag.yaml');
  });
});

describe('study-record grammar: `# src:` provenance', () => {
  test('after a flow mapping: keyword, separator and location, all inside the comment', () => {
    const line = '      online: { mean: 5.9, sd: 0.8, n: 25 }   # src: p. 5, Table 2';
    const tokens = tokenize(line);

    const hash = tokenAt(tokens, line, '#');
    assertScope(hash, COMMENT);
    assertScope(hash, 'punctuation.definition.comment.yaml');

    const src = tokenAt(tokens, line, 'src');
    assertScope(src, PROVENANCE);
    assertScope(src, COMMENT);

    const colon = tokenAt(tokens, line, ':', 4); // after online, mean, sd and n
    assert.equal(colon.start, src.end);
    assertScope(colon, PROVENANCE_COLON);
    assertScope(colon, COMMENT);

    const where = tokenAt(tokens, line, 'p. 5, Table 2');
    assertScope(where, PROVENANCE_TEXT);
    assertScope(where, COMMENT);

    // The YAML before the comment is YAML as usual, untouched by the comment injection.
    assertScope(tokenAt(tokens, line, 'online'), 'entity.name.tag.yaml');
    assertScope(tokenAt(tokens, line, 'mean'), 'entity.name.tag.yaml');
    assertScope(tokenAt(tokens, line, '5.9'), 'constant.numeric.float.yaml');
    assertScope(tokenAt(tokens, line, '5.9'), 'meta.flow.mapping.yaml');
    for (const token of tokens.filter((t) => t.end <= hash.start)) {
      assertNoScope(token, COMMENT);
      assert.ok(!token.scopes.some(isInjected), `${token.text}: ${token.scopes.join(' ')}`);
    }
  });

  test('a `src:` key outside a comment is no provenance', () => {
    const line = '  src: p. 5';
    const tokens = tokenize(line);
    assertScope(tokenAt(tokens, line, 'src'), 'entity.name.tag.yaml');
    assertNowhere(tokens, PROVENANCE);
    assertNowhere(tokens, PROVENANCE_TEXT);
    assertScope(tokenAt(tokens, line, 'p. 5'), 'string.unquoted.plain.out.yaml');
  });
});

describe('study-record grammar: TODO and QUERY notes', () => {
  test('a QUERY note after an NR value: NR is the constant outside the comment, QUERY the note inside it', () => {
    const line = '  n: NR   # QUERY: check Table 3';
    const tokens = tokenize(line);
    const nr = tokenAt(tokens, line, 'NR');
    assertScope(nr, NOT_REPORTED);
    assertNoScope(nr, 'comment');
    const query = tokenAt(tokens, line, 'QUERY:');
    assertScope(query, REVIEW_NOTE);
    assertScope(query, COMMENT);
    assertNoScope(tokenAt(tokens, line, ' check Table 3'), REVIEW_NOTE);
  });

  test('a TODO comment on a line of its own', () => {
    const line = '  # TODO: extract the SDs';
    const tokens = tokenize(line);
    assertScope(tokenAt(tokens, line, '#'), 'punctuation.definition.comment.yaml');
    const todo = tokenAt(tokens, line, 'TODO:');
    assertScope(todo, REVIEW_NOTE);
    assertScope(todo, COMMENT);
    assertNoScope(tokenAt(tokens, line, ' extract the SDs'), REVIEW_NOTE);
  });

  test('TODO as a value outside a comment is no note', () => {
    const line = '  status: TODO';
    const tokens = tokenize(line);
    assertNowhere(tokens, REVIEW_NOTE);
    assertScope(tokenAt(tokens, line, 'TODO'), 'string.unquoted.plain.out.yaml');
  });
});

describe('study-record grammar: NR (not reported)', () => {
  test('each NR value of a flow mapping is the constant, and the numbers beside them are not', () => {
    const line = '      f2f: { mean: NR, sd: NR, n: 28 }';
    const tokens = tokenize(line);
    for (const occurrence of [0, 1]) {
      const nr = tokenAt(tokens, line, 'NR', occurrence);
      assertScope(nr, NOT_REPORTED);
      assertScope(nr, 'meta.flow.mapping.yaml'); // the injection reached inside the flow mapping rule
      assertNoScope(nr, 'string');
    }
    assertScope(tokenAt(tokens, line, 'f2f'), 'entity.name.tag.yaml');
    assertScope(tokenAt(tokens, line, 'sd'), 'entity.name.tag.yaml');
    assertNoScope(tokenAt(tokens, line, '28'), NOT_REPORTED);
    assertScope(tokenAt(tokens, line, '28'), 'constant.numeric.integer.decimal.yaml');
  });

  test('a block-mapping value', () => {
    const line = '  n: NR';
    const nr = tokenAt(tokenize(line), line, 'NR');
    assertScope(nr, NOT_REPORTED);
    assertScope(nr, 'meta.map.value.yaml');
  });

  test('a list item', () => {
    const line = '  - NR';
    const tokens = tokenize(line);
    assertScope(tokenAt(tokens, line, '-'), 'punctuation.definition.block.sequence.item.yaml');
    const nr = tokenAt(tokens, line, 'NR');
    assertScope(nr, NOT_REPORTED);
    assertScope(nr, 'meta.block.sequence.yaml');
  });

  test('items of a flow sequence', () => {
    const line = '  sds: [NR, 3, NR]';
    const tokens = tokenize(line);
    for (const occurrence of [0, 1]) assertScope(tokenAt(tokens, line, 'NR', occurrence), NOT_REPORTED);
    assertNoScope(tokenAt(tokens, line, '3'), NOT_REPORTED);
  });

  for (const line of ['  label: "NR group"', "  label: 'NR group'", '  notes: "a, NR, b"']) {
    test(`not inside a quoted string: ${line.trim()}`, () => {
      const tokens = tokenize(line);
      assertNowhere(tokens, NOT_REPORTED);
      const quoted = line.includes('"') ? 'string.quoted.double.yaml' : 'string.quoted.single.yaml';
      for (const token of tokensOver(tokens, line, 'NR')) assertScope(token, quoted);
    });
  }

  for (const line of ['  notes: NRX', '  notes: ANR']) {
    test(`not as part of a longer word: ${line.trim()}`, () => {
      const tokens = tokenize(line);
      assertNowhere(tokens, NOT_REPORTED);
      for (const token of tokensOver(tokens, line, 'NR'))
        assertScope(token, 'string.unquoted.plain.out.yaml');
    });
  }

  test('not as the last word of a longer plain scalar: the value is `waitlist, NR`, not NR', () => {
    const line = '  comparator: waitlist, NR';
    const tokens = tokenize(line);
    assertNowhere(tokens, NOT_REPORTED);
    for (const token of tokensOver(tokens, line, 'NR')) assertScope(token, 'string.unquoted.plain.out.yaml');
  });

  test('not in a comment', () => {
    const line = '  # n: NR, sd: NR';
    const tokens = tokenize(line);
    assertNowhere(tokens, NOT_REPORTED);
    for (const token of tokensOver(tokens, line, 'NR')) assertScope(token, COMMENT);
  });
});

describe('study-record grammar: a whole record, line after line', () => {
  // As an editor tokenizes it: each line starts from the rule stack the previous one ended with, so the
  // injections here reach into mappings, sequences and values opened on earlier lines.
  const record = [
    'study: smith-2011',
    'reviewer: ek',
    'status: in-progress',
    'citation: { authors: [Smith J, Jones K], year: 2011 }   # src: p. 1',
    'arms:',
    '  - { id: online, group: "NR group", n: 25 }',
    '  - { id: f2f, group: face-to-face, n: NR }   # QUERY: 28 in the abstract',
    'outcomes:',
    '  - id: alliance',
    '    type: continuous',
    '    # TODO: extract the SDs',
    '    results:',
    '      online: { mean: 5.9, sd: 0.8, n: 25 }   # src: p. 5, Table 2',
    '      f2f: { mean: NR, sd: NR, n: 28 }',
    '    missing:',
    '      - NR',
    '    notes: ANR scores, NR',
  ];

  test('every annotation lands where it belongs, and only there', () => {
    const lines = tokenizeLines(record);
    const found = lines.flatMap((tokens, row) =>
      tokens
        .filter((t) => t.scopes.some(isInjected))
        .map((t) => `${row}: ${t.text} ${t.scopes[t.scopes.length - 1]}`),
    );
    assert.deepEqual(found, [
      `3: src ${PROVENANCE}`,
      `3: : ${PROVENANCE_COLON}`,
      `3: p. 1 ${PROVENANCE_TEXT}`,
      `6: NR ${NOT_REPORTED}`,
      `6: QUERY: ${REVIEW_NOTE}`,
      `10: TODO: ${REVIEW_NOTE}`,
      `12: src ${PROVENANCE}`,
      `12: : ${PROVENANCE_COLON}`,
      `12: p. 5, Table 2 ${PROVENANCE_TEXT}`,
      `13: NR ${NOT_REPORTED}`,
      `13: NR ${NOT_REPORTED}`,
      `15: NR ${NOT_REPORTED}`,
    ]);
    // The annotations sit inside the YAML structure the earlier lines opened, not at the top level.
    assertScope(tokenAt(lines[13]!, record[13]!, 'NR'), 'meta.block.sequence.yaml');
    assertScope(tokenAt(lines[13]!, record[13]!, 'NR'), 'meta.flow.mapping.yaml');
    assertScope(tokenAt(lines[12]!, record[12]!, 'src'), 'meta.map.value.yaml');
    assertScope(tokenAt(lines[15]!, record[15]!, 'NR'), 'meta.block.sequence.yaml');
    assertScope(tokenAt(lines[15]!, record[15]!, 'NR'), 'meta.map.value.yaml');
    assertScope(tokenAt(lines[10]!, record[10]!, 'TODO:'), COMMENT);
  });
});
