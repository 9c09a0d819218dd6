// What the host posts to the synthesis panel: the whole model first, then patches of what changed, which
// the page applies to the model it has. Messages travel as JSON, so every patch is round-tripped here.
import { before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { SynthesisViewModel } from '../../src/core/synthesis/viewModel';
import { applyPatch, ModelPoster, type HostMessage, type ModelPatch } from '../../src/shared/webviewMessages';
import { BCG, viewModelOf } from '../webview/harness';

const ROOT = 'file:///reviews/bcg';
const json = <T>(value: T): T => JSON.parse(JSON.stringify(value)) as T;

function patchOf(message: HostMessage | undefined): { base: number; patch: ModelPatch } {
  assert.ok(message && message.type === 'patch', `a patch, not ${message?.type}`);
  return { base: message.base, patch: json(message.patch) };
}

let bcg: SynthesisViewModel;

before(async () => {
  bcg = await viewModelOf(BCG);
});

describe('ModelPoster and applyPatch', () => {
  test('the whole model first, then a patch that makes the next model of it', () => {
    const poster = new ModelPoster();
    const first = poster.message(1, bcg, ROOT, ['html']);
    assert.equal(first?.type, 'model');
    const next = structuredClone(bcg);
    next.generatedAt = '2024-05-04T12:00:05.000Z';
    const dl = next.analyses.find((a) => a.id === 'rr-dl')!;
    const [gone] = dl.studies.splice(2, 1);
    dl.excluded.push({ study: gone!.study, reason: 'removed for the test' });
    dl.k = dl.studies.length;
    next.characteristics!.rows[4]!.cells.record = 'provisional (ek): changed';
    const { base, patch } = patchOf(poster.message(2, next, ROOT, ['html']));
    assert.equal(base, 1);
    // Only what changed travels: one analysis' changed fields, one row.
    assert.deepEqual(
      patch.analyses.filter((a) => typeof a !== 'string').map((a) => typeof a !== 'string' && a.id),
      ['rr-dl'],
    );
    const fields = patch.analyses.find((a) => typeof a !== 'string');
    assert.ok(typeof fields !== 'string' && fields && !fields.whole);
    assert.deepEqual(Object.keys(fields.fields).sort(), ['excluded', 'k']);
    // The 13 studies less the third: runs of the old list, not the studies again.
    assert.deepEqual(fields.lists, {
      studies: [{ keep: [0, 2] }, { keep: [3, 10] }],
    });
    assert.equal(patch.dashboard, undefined);
    assert.deepEqual(
      patch.characteristics?.rows.map((r) => r.study),
      [bcg.characteristics!.rows[4]!.study],
    );
    assert.equal(patch.characteristics?.studies, undefined);
    const base1 = json(bcg);
    const applied = applyPatch(base1, patch);
    assert.deepEqual(applied, json(next));
    // What the patch leaves out keeps its object: the page tells unchanged parts by identity.
    assert.equal(applied.analyses[0], base1.analyses[0]);
    assert.notEqual(applied.analyses[1], base1.analyses[1]);
    assert.equal(applied.analyses[1]!.studies[2], base1.analyses[1]!.studies[3]);
    assert.equal(applied.dashboard, base1.dashboard);
    assert.equal(applied.characteristics!.rows[0], base1.characteristics!.rows[0]);
    assert.notEqual(applied.characteristics!.rows[4], base1.characteristics!.rows[4]);
    assert.ok(JSON.stringify(patch).length * 3 < JSON.stringify(next).length);
  });

  test('nothing new but the time: no message unless forced, and then an empty patch', () => {
    const poster = new ModelPoster();
    poster.message(1, bcg, ROOT, []);
    const later = { ...structuredClone(bcg), generatedAt: '2024-05-04T13:00:00.000Z' };
    assert.equal(poster.message(2, later, ROOT, [], false), undefined);
    const { patch } = patchOf(poster.message(2, later, ROOT, [], true));
    assert.deepEqual(patch, {
      generatedAt: '2024-05-04T13:00:00.000Z',
      analyses: bcg.analyses.map((a) => a.id),
    });
  });

  test('rows added, removed and reordered; analyses reordered and gone', () => {
    const poster = new ModelPoster();
    poster.message(1, bcg, ROOT, []);
    const next = structuredClone(bcg);
    const rows = next.characteristics!.rows;
    rows.reverse();
    rows.splice(0, 1);
    rows.push({ study: 'new-study', cells: { study: 'New 2024', record: 'consensus' } });
    next.analyses = [next.analyses[2]!, next.analyses[0]!];
    const { patch } = patchOf(poster.message(2, next, ROOT, []));
    assert.deepEqual(
      patch.characteristics?.studies,
      rows.map((r) => r.study),
    );
    assert.deepEqual(
      patch.characteristics?.rows.map((r) => r.study),
      ['new-study'],
    );
    assert.deepEqual(patch.analyses, [bcg.analyses[2]!.id, bcg.analyses[0]!.id]);
    assert.deepEqual(applyPatch(json(bcg), patch), json(next));
  });

  test('a field that becomes undefined, a new analysis, the table gone: sent whole', () => {
    const poster = new ModelPoster();
    poster.message(1, bcg, ROOT, []);
    const next = structuredClone(bcg);
    const titled = next.analyses[0]!;
    assert.ok(titled.title);
    delete (titled as { title?: string }).title;
    next.analyses.push({ ...structuredClone(next.analyses[1]!), id: 'added' });
    next.characteristics = null;
    const { patch } = patchOf(poster.message(2, next, ROOT, []));
    const entries = patch.analyses.filter((a) => typeof a !== 'string');
    assert.deepEqual(
      entries.map((a) => typeof a !== 'string' && [a.id, a.whole]),
      [
        [titled.id, true],
        ['added', true],
      ],
    );
    assert.equal(patch.characteristics, null);
    const applied = applyPatch(json(bcg), patch);
    assert.equal(applied.analyses[0]!.title, undefined);
    assert.deepEqual(applied, json(next));
  });

  test('after reset the whole model again; a patch of an unknown analysis is refused', () => {
    const poster = new ModelPoster();
    poster.message(1, bcg, ROOT, []);
    poster.reset();
    assert.equal(poster.message(2, bcg, ROOT, [])?.type, 'model');
    const { patch } = patchOf(poster.message(3, bcg, ROOT, []));
    const other = { ...json(bcg), analyses: [] };
    assert.throws(() => applyPatch(other, patch), /does not have/);
  });

  test('a list whose items all change is sent as it is; one that keeps most of them as runs', () => {
    const poster = new ModelPoster();
    poster.message(1, bcg, ROOT, []);
    const next = structuredClone(bcg);
    const reml = next.analyses[0]!;
    for (const s of reml.studies) s.weight = (s.weight ?? 0) + 0.5;
    const dl = next.analyses[1]!;
    dl.studies.push({ ...structuredClone(dl.studies[0]!), study: 'added', label: 'Added 2024' });
    const { patch } = patchOf(poster.message(2, next, ROOT, []));
    const [first, second] = patch.analyses;
    assert.ok(typeof first !== 'string' && typeof second !== 'string');
    assert.equal(first!.fields.studies?.length, 13);
    assert.equal(first!.lists, undefined);
    assert.deepEqual(second!.lists?.studies?.[0], { keep: [0, 13] });
    assert.equal((second!.lists?.studies?.[1] as { item: { study: string } }).item.study, 'added');
    assert.deepEqual(applyPatch(json(bcg), patch), json(next));
  });
});
