import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import { fastYamlValue, parseYaml } from '../../src/core/yaml/yamlDocument';

// The fast reader answers for clean records; the positioned parser is the definition. Whenever the fast
// reader gives data, the positioned parser must give the same data and have nothing to report, or a record
// could pass `check` and be read otherwise by `compare` or the synthesis. Generated texts: scalars in every
// spelling the YAML libraries read differently, alone and inside small records in block and flow style.

const SEED = 20_260_101;

/** Asserts the contract on one text; says whether the fast reader answered. */
function readersAgree(text: string): boolean {
  const fast = fastYamlValue(text);
  if (!fast) return false;
  const full = parseYaml(text);
  assert.ok(
    full.usable,
    `the positioned parser cannot use a text the fast reader read: ${JSON.stringify(text)}`,
  );
  assert.deepEqual(
    full.diagnostics.map((d) => `${d.code}: ${d.message}`),
    [],
    `the fast reader read a text the positioned parser reports on: ${JSON.stringify(text)}`,
  );
  assert.deepStrictEqual(fast.value, full.value, JSON.stringify(text));
  return true;
}

const digits = (min: number, max: number) =>
  fc.string({ unit: fc.constantFrom(...'0123456789'), minLength: min, maxLength: max });
const sign = fc.constantFrom('', '-', '+');
const oneOf = <T>(...items: T[]) => fc.constantFrom(...items);

/** Number spellings: YAML 1.2 core, YAML 1.1 leftovers and near misses. */
const numeral = fc.oneof(
  fc.tuple(sign, digits(1, 25)).map(([s, d]) => s + d),
  fc.tuple(sign, digits(0, 20), digits(0, 20)).map(([s, i, f]) => `${s}${i}.${f}`),
  fc
    .tuple(sign, digits(0, 6), fc.option(digits(0, 6)), oneOf('e', 'E'), sign, digits(0, 4))
    .map(([s, i, f, e, es, x]) => `${s}${i}${f === null ? '' : `.${f}`}${e}${es}${x}`),
  fc
    .tuple(
      sign,
      oneOf('0o', '0x', '0b', '0O', '0X'),
      fc.string({ unit: fc.constantFrom(...'0123789abcdefABF_') }),
    )
    .map(([s, p, d]) => s + p + d),
  fc.tuple(digits(1, 4), oneOf('_', '__'), digits(1, 4)).map(([a, u, b]) => a + u + b),
  fc
    .tuple(
      sign,
      oneOf('.inf', '.Inf', '.INF', '.nan', '.NaN', '.NAN', '.iNf', 'inf', 'nan', 'Infinity', 'NaN'),
    )
    .map(([s, w]) => s + w),
  oneOf(
    '1e400',
    '-1e400',
    '+1e400',
    '1e308',
    '1.8e308',
    '1.7976931348623157e308',
    '1e-400',
    '-0',
    '-0.0',
    '+0',
    '0.1000000000000000055511151231257827',
    '123456789012345678901234567890',
    '9007199254740993',
    '017',
    '08',
    '0x1F',
    '0o17',
    '1_000',
    '12:30',
    '190:20:30',
    '1.5.3',
    '.',
    '-',
    '+',
    '.e3',
    '1e',
    '5.',
  ),
);

const booleanOrNull = oneOf(
  'true',
  'True',
  'TRUE',
  'false',
  'False',
  'FALSE',
  'tRue',
  'y',
  'Y',
  'n',
  'N',
  'yes',
  'Yes',
  'YES',
  'no',
  'No',
  'on',
  'On',
  'ON',
  'off',
  'Off',
  '~',
  'null',
  'Null',
  'NULL',
  'nULL',
  'NR',
  'NA',
  'unclear',
  'pending',
);

const date = fc.oneof(
  fc
    .tuple(
      fc.integer({ min: 1900, max: 2100 }),
      fc.integer({ min: 1, max: 12 }),
      fc.integer({ min: 1, max: 31 }),
    )
    .map(([y, m, d]) => `${y}-${String(m).padStart(2, '0')}-${String(d).padStart(2, '0')}`),
  oneOf('2011-05-01T10:00:00Z', '2001-12-14t21:59:43.10-05:00', '2001-12-14 21:59:43.10 -5', '2002-1-1'),
);

/** Text a reviewer writes: words, page references, DOIs, characters that matter to YAML. */
const plainWords = fc
  .array(
    fc.oneof(
      {
        weight: 3,
        arbitrary: oneOf(
          'Table',
          'p.',
          '5',
          'WAI',
          'Preschl',
          'B',
          'email',
          'CBT',
          'é',
          '10.1186/1471-244X-11-189',
        ),
      },
      {
        weight: 1,
        arbitrary: fc.string({
          unit: fc.constantFrom(...'abcXYZ019.-_/%@`\'"|>=?:#,[]{}&*!\\'),
          minLength: 1,
          maxLength: 6,
        }),
      },
    ),
    { minLength: 1, maxLength: 4 },
  )
  .map((words) => words.join(' '));

const unicodeText = fc.string({ unit: 'grapheme', maxLength: 12 });

/** A JSON string is a valid YAML double-quoted scalar; YAML's own escapes are added. */
const doubleQuoted = fc.oneof(
  unicodeText.map((s) => JSON.stringify(s)),
  oneOf(
    '"\\x41"',
    '"\\u00e9"',
    '"\\U0001F600"',
    '"a\\tb"',
    '"\\N\\_\\L\\P"',
    '"\\/"',
    '"\\ "',
    '"\\e\\a\\b\\v\\0"',
    '"\\q"',
    '"a # b"',
    '""',
    '"line\\nbreak"',
  ),
);
const singleQuoted = fc.oneof(
  unicodeText.map((s) => `'${s.replace(/'/g, "''")}'`),
  oneOf("'it''s'", "''", "'a # b'", "'\\n'"),
);

/** A scalar written on one line, in any spelling. */
const inlineScalar = fc.oneof(
  { weight: 4, arbitrary: numeral },
  { weight: 2, arbitrary: booleanOrNull },
  { weight: 1, arbitrary: date },
  { weight: 2, arbitrary: plainWords },
  { weight: 1, arbitrary: doubleQuoted },
  { weight: 1, arbitrary: singleQuoted },
  { weight: 1, arbitrary: oneOf('', '""') },
);

/** Block scalars: the header, then lines that the renderer indents. */
const blockScalar = fc.record({
  header: fc
    .tuple(oneOf('|', '>'), oneOf('', '-', '+'), oneOf('', '', '2'))
    .map(([style, chomp, indent]) => style + indent + chomp),
  lines: fc.array(fc.oneof(plainWords, oneOf('', '  indented', '# not a comment', 'x  ', '\t tab')), {
    minLength: 1,
    maxLength: 4,
  }),
});

const key = fc.oneof(
  { weight: 6, arbitrary: oneOf('study', 'n', 'mean', 'sd', 'notes', 'year', 'id', 'results', 'a-b', 'x_y') },
  {
    weight: 2,
    arbitrary: oneOf(
      '1',
      '1.0',
      '0x1F',
      '-.5',
      'true',
      'True',
      'null',
      '~',
      'yes',
      '<<',
      '__proto__',
      '2011-05-01',
    ),
  },
  { weight: 1, arbitrary: oneOf('"n"', "'n'", '"1"', '"a: b"', '"null"', "'~'") },
);

type Tree =
  | { kind: 'scalar'; text: string; comment: boolean }
  | { kind: 'block'; header: string; lines: string[] }
  | { kind: 'map'; flow: boolean; entries: [string, Tree][] }
  | { kind: 'seq'; flow: boolean; items: Tree[] };

const trees = fc.letrec<{ tree: Tree; scalar: Tree; map: Tree; seq: Tree }>((tie) => ({
  tree: fc.oneof({ depthSize: 'small', withCrossShrink: true }, tie('scalar'), tie('map'), tie('seq')),
  scalar: fc.oneof(
    {
      weight: 5,
      arbitrary: fc.record({ kind: fc.constant('scalar'), text: inlineScalar, comment: fc.boolean() }),
    },
    {
      weight: 1,
      arbitrary: blockScalar.map(({ header, lines }) => ({ kind: 'block' as const, header, lines })),
    },
  ) as fc.Arbitrary<Tree>,
  map: fc.record({
    kind: fc.constant('map' as const),
    flow: fc.boolean(),
    entries: fc.array(fc.tuple(key, tie('tree')), { minLength: 1, maxLength: 4 }),
  }),
  seq: fc.record({
    kind: fc.constant('seq' as const),
    flow: fc.boolean(),
    items: fc.array(tie('tree'), { minLength: 1, maxLength: 4 }),
  }),
}));

interface Layout {
  width: number;
  /** Block sequences under a key start at the key's column (`a:\n- 1`) instead of deeper. */
  compactSequences: boolean;
  tabAfterColon: boolean;
}

const COMMENT = ' # src: p. 5, Table 2';

/** The node written in flow style (on one line). Block scalars cannot be: they are quoted there. */
function flow(tree: Tree): string {
  switch (tree.kind) {
    case 'scalar':
      // Mostly valid flow collections: text with flow indicators is quoted there.
      return /[,[\]{}]/.test(tree.text) && !/^["']/.test(tree.text) ? JSON.stringify(tree.text) : tree.text;
    case 'block':
      return JSON.stringify(tree.lines.join('\n'));
    case 'map':
      return `{ ${tree.entries.map(([k, v]) => `${k}: ${flow(v)}`).join(', ')} }`;
    case 'seq':
      return `[${tree.items.map(flow).join(', ')}]`;
  }
}

/** The lines of a node that follows `prefix` (a key and colon, a dash, or nothing at the top). */
function block(tree: Tree, indent: number, layout: Layout): { inline: string; lines: string[] } {
  const pad = ' '.repeat(indent);
  const space = layout.tabAfterColon ? '\t' : ' ';
  if (tree.kind === 'scalar')
    return { inline: `${space}${tree.text}${tree.comment ? COMMENT : ''}`, lines: [] };
  if (tree.kind === 'block') {
    const inner = ' '.repeat(indent + (tree.header.includes('2') ? 2 : layout.width));
    return { inline: ` ${tree.header}`, lines: tree.lines.map((line) => (line === '' ? '' : inner + line)) };
  }
  if (tree.flow) return { inline: ` ${flow(tree)}`, lines: [] };
  if (tree.kind === 'map') {
    const lines = tree.entries.flatMap(([k, v]) => {
      const child = block(v, indent + layout.width, layout);
      return [`${pad}${k}:${child.inline}`, ...child.lines];
    });
    return { inline: '', lines };
  }
  const lines = tree.items.flatMap((item) => {
    const child = block(item, indent + 2, layout);
    if (item.kind === 'map' && !item.flow) {
      // `- key: value` with the rest of the mapping aligned under the first key.
      const [first, ...rest] = child.lines;
      return [`${pad}- ${first!.trimStart()}`, ...rest];
    }
    return [`${pad}-${child.inline}`, ...child.lines];
  });
  return { inline: '', lines };
}

function renderDocument(tree: Tree, layout: Layout): string {
  if (tree.kind !== 'map' || tree.flow) {
    const top = block(tree, 0, layout);
    return [top.inline.trimStart(), ...top.lines].join('\n');
  }
  // Top-level mappings, as records are; nested sequences follow the layout's style.
  const lines = tree.entries.flatMap(([k, v]) => {
    const nested = v.kind === 'seq' && !v.flow && layout.compactSequences ? 0 : layout.width;
    const child = block(v, nested, layout);
    return [`${k}:${child.inline}`, ...child.lines];
  });
  return lines.join('\n');
}

const frame = fc.record({
  bom: fc.boolean(),
  crlf: fc.boolean(),
  start: oneOf('', '', '---\n', '--- # record\n', '# a comment\n', '%YAML 1.2\n---\n'),
  end: fc.oneof(
    { weight: 8, arbitrary: oneOf('\n', '', '\n...\n', '\n# end\n', '\n\n') },
    { weight: 1, arbitrary: oneOf('\n---\n', '\n---\nn: 2\n', '\n...\n---\n') },
  ),
});

const layout = fc.record({
  width: oneOf(2, 4),
  compactSequences: fc.boolean(),
  tabAfterColon: fc.boolean(),
});

const documents = fc.tuple(trees.tree, layout, frame).map(([tree, chosen, { bom, crlf, start, end }]) => {
  const body = start + renderDocument(tree, chosen) + end;
  return (bom ? '\ufeff' : '') + (crlf ? body.replace(/\n/g, '\r\n') : body);
});

/**
 * A valid-looking record changed slightly: a line moved left or right, a line broken at a space (a scalar
 * continued on the next line, at some indentation), two lines joined, or a fragment inserted. Near misses
 * are where a lax reader and a strict one part.
 */
const edit = fc.oneof(
  fc.record({ kind: fc.constant('indent' as const), at: fc.nat(), by: fc.integer({ min: -3, max: 3 }) }),
  fc.record({ kind: fc.constant('break' as const), at: fc.nat(), indent: fc.integer({ min: 0, max: 8 }) }),
  fc.record({ kind: fc.constant('join' as const), at: fc.nat() }),
  fc.record({
    kind: fc.constant('insert' as const),
    at: fc.nat(),
    text: fc.oneof(
      oneOf('? ', ': ', '- ', '[', ']', '{', '}', ',', ' #c', '#', '"', "'", '\n', '\n  ', '\n- ', '? [a]\n'),
      fc.tuple(key, inlineScalar).map(([k, v]) => `\n${k}: ${v}`),
      inlineScalar,
    ),
  }),
);

type Edit = typeof edit extends fc.Arbitrary<infer T> ? T : never;

function applyEdit(text: string, change: Edit): string {
  const lines = text.split('\n');
  const line = change.at % Math.max(1, lines.length);
  switch (change.kind) {
    case 'indent':
      lines[line] =
        change.by >= 0
          ? ' '.repeat(change.by) + lines[line]
          : lines[line]!.replace(new RegExp(`^ {0,${-change.by}}`), '');
      return lines.join('\n');
    case 'break': {
      const spaces = [...lines[line]!.matchAll(/ /g)].map((m) => m.index);
      if (spaces.length === 0) return text;
      const cut = spaces[change.at % spaces.length]!;
      const [before, after] = [lines[line]!.slice(0, cut), lines[line]!.slice(cut + 1)];
      lines.splice(line, 1, before, ' '.repeat(change.indent) + after);
      return lines.join('\n');
    }
    case 'join':
      if (line + 1 >= lines.length) return text;
      lines.splice(line, 2, `${lines[line]} ${lines[line + 1]!.trimStart()}`);
      return lines.join('\n');
    case 'insert': {
      const at = change.at % (text.length + 1);
      return text.slice(0, at) + change.text + text.slice(at);
    }
  }
}

describe('the fast reader and the positioned parser read the same data', () => {
  test('a scalar alone, and as the value of a key, in any spelling', () => {
    let answered = 0;
    fc.assert(
      fc.property(inlineScalar, (scalar) => {
        for (const text of [scalar, `v: ${scalar}\n`, `v: [${scalar}]\n`, `- ${scalar} # note\n`])
          if (readersAgree(text)) answered++;
      }),
      { seed: SEED, numRuns: 1500 },
    );
    // The property says nothing if the fast reader gave up on most texts.
    assert.ok(answered > 1500, `the fast reader answered only ${answered} of 6000 texts`);
  });

  test('a scalar as a key', () => {
    fc.assert(
      fc.property(inlineScalar, (scalar) => {
        readersAgree(`${scalar}: v\n`);
        readersAgree(`{ ${scalar}: v }\n`);
      }),
      { seed: SEED, numRuns: 800 },
    );
  });

  test('small records in block and flow style, with comments, markers, BOM and CRLF', () => {
    let answered = 0;
    const runs = 1500;
    fc.assert(
      fc.property(documents, (text) => {
        if (readersAgree(text)) answered++;
      }),
      { seed: SEED, numRuns: runs },
    );
    assert.ok(answered > runs / 3, `the fast reader answered only ${answered} of ${runs} records`);
  });

  test('records changed slightly: lines moved, broken, joined, fragments inserted', () => {
    fc.assert(
      fc.property(documents, fc.array(edit, { minLength: 1, maxLength: 3 }), (text, edits) => {
        readersAgree(edits.reduce(applyEdit, text));
      }),
      { seed: SEED, numRuns: 2000 },
    );
  });

  test('records assembled from arbitrary lines of YAML-like text', () => {
    const fragment = fc.oneof(
      inlineScalar,
      oneOf(
        ':',
        ': ',
        '- ',
        '-',
        '? ',
        '  ',
        '\t',
        '#',
        ' #c',
        ',',
        '[',
        ']',
        '{',
        '}',
        '"',
        "'",
        '|',
        '>',
        '\n',
      ),
      oneOf('---', '...', '&a', '*a', '!!str', '<<', 'key', 'n'),
    );
    const line = fc.array(fragment, { maxLength: 6 }).map((parts) => parts.join(''));
    fc.assert(
      fc.property(fc.array(line, { maxLength: 6 }), (lines) => {
        readersAgree(lines.join('\n'));
      }),
      { seed: SEED, numRuns: 3000 },
    );
  });
});
