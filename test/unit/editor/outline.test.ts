// The outline (document symbols), folding ranges and go to definition in process; each range is written
// as markers in the record it belongs to.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { definition, foldingRanges, outline, type OutlineSymbol } from '../../../src/core/editor/outline';
import { parseYaml } from '../../../src/core/yaml/yamlDocument';
import { block, caret, mark } from '../../support/caret';

const RECORD = block(`
  study: s-2020
  reviewer: ek
  citation:
    authors: [A]
    year: 2020
  total_n: 53   # src: p. 3
  arms:
    - id: online
      group: email
      n: 25
    - group: face-to-face
  outcomes:
    - id: o
      type: continuous
      instrument: WAI
      timepoint: post
      results:
        online: { mean: 1, sd: 1, n: 25 }
        all:
          mean: 2
          ci: { lower: 1, upper: 3 }
  notes: x
`);

const symbols = outline(parseYaml(RECORD));
const named = (list: OutlineSymbol[], name: string) => {
  const found = list.find((s) => s.name === name);
  if (!found) throw new Error(`no symbol ${name} in ${list.map((s) => s.name).join(', ')}`);
  return found;
};
/** The lines of RECORD that a symbol's range and selection range touch, marked. */
const marked = (symbol: OutlineSymbol) => {
  const lines = mark(RECORD, [symbol.range, symbol.selectionRange]).split('\n');
  return lines.slice(symbol.range.start.line, symbol.range.end.line + 1).join('\n');
};

describe('outline', () => {
  test('the top-level fields, with the value of a scalar as detail', () => {
    assert.deepEqual(
      symbols.map((s) => [s.name, s.kind, s.detail]),
      [
        ['study', 'field', 's-2020'],
        ['reviewer', 'field', 'ek'],
        ['citation', 'object', undefined],
        ['total_n', 'field', '53'],
        ['arms', 'list', undefined],
        ['outcomes', 'list', undefined],
        ['notes', 'field', 'x'],
      ],
    );
    assert.equal(marked(named(symbols, 'total_n')), '⟦⟦total_n⟧: 53⟧   # src: p. 3');
    assert.equal(marked(named(symbols, 'citation')), '⟦⟦citation⟧:\n  authors: [A]\n  year: 2020⟧');
    assert.equal(
      marked(named(symbols, 'arms')),
      '⟦⟦arms⟧:\n  - id: online\n    group: email\n    n: 25\n  - group: face-to-face⟧',
    );
  });

  test('arms by id with group and n; an arm without id by its position', () => {
    const arms = named(symbols, 'arms').children;
    assert.deepEqual(
      arms.map((a) => [a.name, a.kind, a.detail]),
      [
        ['online', 'arm', 'email · n=25'],
        ['#2', 'arm', 'face-to-face'],
      ],
    );
    assert.equal(marked(arms[0]!), '  - ⟦id: ⟦online⟧\n    group: email\n    n: 25⟧');
    assert.equal(marked(arms[1]!), '  - ⟦⟦group: face-to-face⟧⟧');
  });

  test('outcomes by id with type, instrument and time point; their results by arm', () => {
    const outcome = named(named(symbols, 'outcomes').children, 'o');
    assert.equal(outcome.kind, 'outcome');
    assert.equal(outcome.detail, 'continuous · WAI · post');
    assert.deepEqual(
      outcome.children.map((r) => [r.name, r.kind, r.detail]),
      [
        ['online', 'result', 'mean 1, sd 1, n 25'],
        ['all', 'result', 'mean 2'],
      ],
    );
    assert.equal(marked(outcome.children[0]!), '      ⟦⟦online⟧: { mean: 1, sd: 1, n: 25 }⟧');
    assert.equal(
      marked(outcome.children[1]!),
      '      ⟦⟦all⟧:\n        mean: 2\n        ci: { lower: 1, upper: 3 }⟧',
    );
  });

  test('every selection range lies inside its range', () => {
    const inside = (s: OutlineSymbol): boolean => {
      const before = (a: { line: number; character: number }, b: typeof a) =>
        a.line < b.line || (a.line === b.line && a.character <= b.character);
      return (
        before(s.range.start, s.selectionRange.start) &&
        before(s.selectionRange.end, s.range.end) &&
        s.children.every(inside)
      );
    };
    assert.ok(symbols.every(inside));
  });

  test('a text that is not a mapping has no outline', () => {
    assert.deepEqual(outline(parseYaml('')), []);
    assert.deepEqual(outline(parseYaml('- a\n- b\n')), []);
    assert.deepEqual(outline(parseYaml('just text')), []);
  });
});

describe('folding ranges', () => {
  test('every block that spans lines folds from its key line', () => {
    // Line 0 is left out: whether the whole record folds at its first key is the subject of a later fix.
    const ranges = foldingRanges(parseYaml(RECORD)).filter((r) => r.startLine > 0);
    const lines = RECORD.split('\n');
    assert.deepEqual(
      ranges.map((r) => `${lines[r.startLine]!.trim()} … ${lines[r.endLine]!.trim()}`),
      [
        'citation: … year: 2020',
        'arms: … - group: face-to-face',
        '- id: online … n: 25',
        'outcomes: … ci: { lower: 1, upper: 3 }',
        '- id: o … ci: { lower: 1, upper: 3 }',
        'results: … ci: { lower: 1, upper: 3 }',
        'all: … ci: { lower: 1, upper: 3 }',
      ],
    );
  });

  test('flow collections and one-line values do not fold', () => {
    assert.deepEqual(
      foldingRanges(parseYaml('study: s\ncitation: { authors: [A], year: 2020 }\nx: 1\n')).filter(
        (r) => r.startLine > 0,
      ),
      [],
    );
  });

  test('a record whose first field is a block folds that block, not the whole record', () => {
    // The whole record is no folding range: of two on one start line, the first would be kept.
    const ranges = foldingRanges(parseYaml('citation:\n  authors: [A]\n  year: 2020\nstudy: s\nnotes: x\n'));
    assert.deepEqual(ranges, [{ startLine: 0, endLine: 2 }]);
  });
});

describe('definition', () => {
  const at = (source: string) => {
    const { text, offset } = caret(source);
    const target = definition(parseYaml(text), offset);
    return target && mark(text, [target]).split('\n')[target.start.line];
  };
  const withCaret = (piece: string) => {
    const plain = piece.replace('‸', '');
    const index = RECORD.indexOf(plain);
    return RECORD.slice(0, index) + piece + RECORD.slice(index + plain.length);
  };

  test("from an arm id in `results` to the arm's id", () => {
    assert.equal(at(withCaret('on‸line: { mean')), '  - id: ⟦online⟧');
  });

  test('nothing from `all`, an arm that does not exist, a value or another key', () => {
    assert.equal(at(withCaret('a‸ll:')), undefined);
    assert.equal(at(withCaret('mean: ‸1')), undefined);
    assert.equal(at(withCaret('gr‸oup: email')), undefined);
    assert.equal(
      at('arms:\n  - id: a\n    group: email\noutcomes:\n  - id: o\n    results:\n      b‸: { n: 1 }\n'),
      undefined,
    );
  });
});
