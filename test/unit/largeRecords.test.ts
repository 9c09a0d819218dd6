// Records far larger than any trial needs, still under the 1 MB limit, are diagnosed and never freeze the
// checker: every step is linear in the record (keys indexed once per mapping, duplicate keys found with one
// set per mapping), and a mapping or list over YAML_LIMITS.maxEntries is reported instead of validated.
// The time bounds only catch a freeze (these inputs took 25 s to 82 s before); speed is measured by the bench.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { baseRecordValidator } from '../../src/core/schema/schema';
import { validateRecordText } from '../../src/core/record/validate';
import { YAML_LIMITS } from '../../src/core/yaml/yamlDocument';

const HEAD = 'study: big\nreviewer: ek\nstatus: draft\ncitation: { authors: [A], year: 2000 }\n';
const FREEZE_MS = 15_000;

function timed<T>(run: () => T): { result: T; ms: number } {
  const started = performance.now();
  const result = run();
  return { result, ms: performance.now() - started };
}

describe('records with very many entries', () => {
  test('50,000 unknown keys: one too-many-entries error at the top, and duplicate keys still found', () => {
    const text = `${HEAD}${Array.from({ length: 50_000 }, (_, i) => `unknown${i}: 1`).join('\n')}\nunknown7: 2\n`;
    assert.ok(text.length < YAML_LIMITS.maxLength);
    const { result, ms } = timed(() => validateRecordText(text, baseRecordValidator()));
    assert.ok(ms < FREEZE_MS, `${ms.toFixed(0)} ms`);
    const crowded = result.filter((d) => d.code === 'too-many-entries');
    assert.equal(crowded.length, 1);
    assert.match(crowded[0]!.message, /^The record has 50,004 entries; a record may have at most 2,000/);
    const duplicate = result.find((d) => d.code === 'duplicate-key');
    assert.ok(duplicate, 'the repeated key is reported');
    assert.equal(duplicate.range.start.line, 50_004);
  });

  test('50,000 arms: the error is at `arms`', () => {
    const arms = Array.from({ length: 50_000 }, (_, i) => `  - { id: a${i} }`).join('\n');
    const text = `${HEAD}arms:\n${arms}\noutcomes: []\n`;
    const { result, ms } = timed(() => validateRecordText(text, baseRecordValidator()));
    assert.ok(ms < FREEZE_MS, `${ms.toFixed(0)} ms`);
    const crowded = result.find((d) => d.code === 'too-many-entries');
    assert.ok(crowded, result.map((d) => d.code).join(', '));
    assert.match(crowded.message, /`arms` has 50,000 entries/);
    assert.equal(crowded.range.start.line, 4, 'on the `arms:` key');
  });

  test('200,000 list items: diagnosed, not frozen', () => {
    const text = `${HEAD}notes:\n${Array.from({ length: 200_000 }, () => '- 1').join('\n')}\n`;
    assert.ok(text.length < YAML_LIMITS.maxLength);
    const { result, ms } = timed(() => validateRecordText(text, baseRecordValidator()));
    assert.ok(ms < FREEZE_MS, `${ms.toFixed(0)} ms`);
    assert.ok(result.some((d) => d.code === 'too-many-entries' && /`notes` has 200,000/.test(d.message)));
  });

  test('20,000 unknown result keys under one outcome', () => {
    const results = Array.from({ length: 20_000 }, (_, i) => `      r${i}: { mean: 1, sd: 1, n: 1 }`).join(
      '\n',
    );
    const text = `${HEAD}arms:\n  - { id: a, group: g, n: 1 }\noutcomes:\n  - id: o\n    type: continuous\n    results:\n${results}\n`;
    const { result, ms } = timed(() => validateRecordText(text, baseRecordValidator()));
    assert.ok(ms < FREEZE_MS, `${ms.toFixed(0)} ms`);
    assert.ok(result.some((d) => d.code === 'too-many-entries' && /`results` has 20,000/.test(d.message)));
  });

  test('up to the limit, every entry is still checked as usual', () => {
    const keys = Array.from({ length: YAML_LIMITS.maxEntries - 10 }, (_, i) => `unknown${i}: 1`).join('\n');
    const result = validateRecordText(`${HEAD}${keys}\n`, baseRecordValidator());
    assert.equal(
      result.some((d) => d.code === 'too-many-entries'),
      false,
    );
    assert.ok(
      result.filter((d) => d.code === 'unknown-field').length >= 99,
      'unknown fields reported (capped)',
    );
  });

  test('a million `[`: too-deep at once, with memory to spare', () => {
    const text = `a: ${'['.repeat(1_000_000)}\n`;
    const before = process.memoryUsage().rss;
    const { result, ms } = timed(() => validateRecordText(text, baseRecordValidator()));
    const grew = (process.memoryUsage().rss - before) / 2 ** 20;
    assert.ok(ms < FREEZE_MS, `${ms.toFixed(0)} ms`);
    assert.deepEqual(
      result.map((d) => d.code),
      ['too-deep'],
    );
    // The parser took 950 MB on this text before the bracket scan.
    assert.ok(grew < 300, `${grew.toFixed(0)} MiB more`);
  });

  test('10,000 lists opened on one line (`- - - … x`): too-deep, and parsing it again does not abort', () => {
    const text = `${HEAD}notes:\n  ${'- '.repeat(10_000)}x\n`;
    // Before the scan, the second parse aborted the process (fatal out-of-memory in the parser).
    for (let i = 0; i < 3; i++)
      assert.deepEqual(
        validateRecordText(text, baseRecordValidator()).map((d) => d.code),
        ['too-deep'],
      );
  });
});
