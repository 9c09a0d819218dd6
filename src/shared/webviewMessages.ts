// Messages between the synthesis panel's page (src/webview) and its host (src/client/synthesisPanel.ts),
// sent with postMessage. The page sends `ready` once its script runs; the host answers with the view model
// and, after every change, with a patch of what changed (a whole model of a large review is some 600 KB,
// which VS Code copies to the page each time); the page acknowledges each model it has drawn with
// `rendered`, and asks for a whole model (`resync`) when a patch is not of the model it has.
import type { AnalysisResult } from '../core/synthesis/analysis';
import type { CharacteristicsTableData } from '../core/synthesis/characteristics';
import type { SynthesisDashboard, SynthesisViewModel } from '../core/synthesis/viewModel';

export const SYNTHESIS_VIEW_TYPE = 'studyExtraction.synthesis';

/** Host → page. */
export type HostMessage =
  | {
      type: 'model';
      /** Increases with every model posted to this page. */
      seq: number;
      /** The review the model is of (kept in the page state, so that a restored panel asks for it again). */
      rootUri: string;
      model: SynthesisViewModel;
      /** Export formats offered (empty: no export command is available). */
      exportFormats: string[];
    }
  | {
      type: 'patch';
      seq: number;
      /** The model this patch applies to (the `seq` it was posted with). */
      base: number;
      rootUri: string;
      patch: ModelPatch;
      exportFormats: string[];
    }
  | { type: 'status'; kind: 'loading' | 'error'; message: string; rootUri?: string };

/** What changed from one model to the next; what is left out is as it was. */
export interface ModelPatch {
  title?: string;
  generatedAt: string;
  dashboard?: SynthesisDashboard;
  /**
   * Every analysis in order: its id alone when unchanged, else its id and the fields that changed; a list
   * that keeps runs of its items (the excluded studies after one more is excluded) comes as `lists`.
   */
  analyses: (
    | string
    | { id: string; fields: Partial<AnalysisResult>; lists?: Record<string, ListPatch>; whole: boolean }
  )[];
  /** Left out when unchanged; null when there is no table now. */
  characteristics?: {
    columns?: CharacteristicsTableData['columns'];
    /** The studies in order, when they changed. */
    studies?: string[];
    /** Rows new or changed. */
    rows: CharacteristicsTableData['rows'];
  } | null;
}

type Row = CharacteristicsTableData['rows'][number];

/** A list as runs of the old list's items (`keep`: from, count) and new items. */
type ListPatch = ({ keep: [number, number] } | { item: unknown })[];

/** The JSON of a value, and of each item when it is a list (the value's JSON is theirs joined). */
interface Part {
  json: string;
  items?: string[];
}

function partOf(value: unknown): Part {
  if (!Array.isArray(value)) return { json: JSON.stringify(value) ?? 'undefined' };
  const items = value.map((v) => JSON.stringify(v) ?? 'null');
  return { json: `[${items.join(',')}]`, items };
}

/** `after` as runs of `before`'s items, when at least half of it is kept; else undefined. */
function listPatch(before: string[], after: string[], values: unknown[]): ListPatch | undefined {
  const at = new Map<string, number[]>();
  before.forEach((json, i) => at.set(json, [...(at.get(json) ?? []), i]));
  const out: ListPatch = [];
  let kept = 0;
  after.forEach((json, j) => {
    const last = out[out.length - 1];
    const candidates = at.get(json);
    if (!candidates || candidates.length === 0) return out.push({ item: values[j] });
    // Continue the run when the next old item matches, else start one at the first unused match.
    const next = last && 'keep' in last ? last.keep[0] + last.keep[1] : -1;
    const i = candidates.includes(next) ? next : candidates[0]!;
    candidates.splice(candidates.indexOf(i), 1);
    kept++;
    if (last && 'keep' in last && i === next) last.keep[1]++;
    else out.push({ keep: [i, 1] });
  });
  return kept * 2 >= after.length && kept > 0 ? out : undefined;
}

function applyList(base: unknown, patch: ListPatch): unknown[] {
  if (!Array.isArray(base)) throw new Error('the patch keeps items of a list the page does not have');
  return patch.flatMap((segment) => {
    if ('item' in segment) return [segment.item];
    const [from, count] = segment.keep;
    if (from + count > base.length) throw new Error('the patch keeps items the page does not have');
    return base.slice(from, from + count);
  });
}

/** The JSON of each part of a model, to tell what the next one changes. */
interface ModelParts {
  title: string;
  dashboard: string;
  analyses: Map<string, Map<string, Part>>;
  order: string;
  characteristics: { columns: string; studies: string; rows: Map<string, string> } | null;
}

function partsOf(model: SynthesisViewModel): ModelParts {
  const c = model.characteristics;
  return {
    title: model.title,
    dashboard: JSON.stringify(model.dashboard),
    analyses: new Map(
      model.analyses.map((a) => [
        a.id,
        new Map(Object.entries(a).map(([key, value]) => [key, partOf(value)])),
      ]),
    ),
    order: JSON.stringify(model.analyses.map((a) => a.id)),
    characteristics: c && {
      columns: JSON.stringify(c.columns),
      studies: JSON.stringify(c.rows.map((r) => r.study)),
      rows: new Map(c.rows.map((r) => [r.study, JSON.stringify(r.cells)])),
    },
  };
}

/**
 * Makes each model the host posts after the first a patch of the one before. `reset()` starts again with a
 * whole model (a fresh page, or one that asked with `resync`).
 */
export class ModelPoster {
  private last: { seq: number; parts: ModelParts } | undefined;

  reset(): void {
    this.last = undefined;
  }

  /**
   * The message for `model`: the whole model first (and after `reset()`), then patches. Undefined when it
   * shows the same as the last one posted (whatever its time), unless `force`.
   */
  message(
    seq: number,
    model: SynthesisViewModel,
    rootUri: string,
    exportFormats: string[],
    force = true,
  ): HostMessage | undefined {
    const parts = partsOf(model);
    const last = this.last;
    if (!force && last && sameParts(last.parts, parts)) return undefined;
    this.last = { seq, parts };
    if (!last) return { type: 'model', seq, rootUri, model, exportFormats };
    return {
      type: 'patch',
      seq,
      base: last.seq,
      rootUri,
      patch: diff(last.parts, parts, model),
      exportFormats,
    };
  }
}

function sameParts(a: ModelParts, b: ModelParts): boolean {
  const same = (x: Map<string, string>, y: Map<string, string>) =>
    x.size === y.size && [...x].every(([k, v]) => y.get(k) === v);
  return (
    a.title === b.title &&
    a.dashboard === b.dashboard &&
    a.order === b.order &&
    [...a.analyses].every(([id, fields]) => {
      const other = b.analyses.get(id);
      return (
        !!other && other.size === fields.size && [...fields].every(([k, v]) => other.get(k)?.json === v.json)
      );
    }) &&
    (a.characteristics === null
      ? b.characteristics === null
      : b.characteristics !== null &&
        a.characteristics.columns === b.characteristics.columns &&
        a.characteristics.studies === b.characteristics.studies &&
        same(a.characteristics.rows, b.characteristics.rows))
  );
}

function diff(before: ModelParts, after: ModelParts, model: SynthesisViewModel): ModelPatch {
  const patch: ModelPatch = { generatedAt: model.generatedAt, analyses: [] };
  if (before.title !== after.title) patch.title = model.title;
  if (before.dashboard !== after.dashboard) patch.dashboard = model.dashboard;
  for (const a of model.analyses) {
    const was = before.analyses.get(a.id);
    const now = after.analyses.get(a.id)!;
    const keys = [...now.keys()];
    const json = (parts: Map<string, Part>, k: string) => parts.get(k)?.json;
    // A field that became undefined would be dropped on the way (messages are JSON): send all of it then.
    const whole =
      !was ||
      was.size !== now.size ||
      keys.some((k) => !was.has(k) || (json(was, k) !== json(now, k) && json(now, k) === 'undefined'));
    const changed = whole ? keys : keys.filter((k) => json(was, k) !== json(now, k));
    if (changed.length === 0) {
      patch.analyses.push(a.id);
      continue;
    }
    const record = a as unknown as Record<string, unknown>;
    const fields: Record<string, unknown> = {};
    const lists: Record<string, ListPatch> = {};
    for (const k of changed) {
      const before = was?.get(k)?.items;
      const after = now.get(k)!.items;
      const list = !whole && before && after ? listPatch(before, after, record[k] as unknown[]) : undefined;
      if (list) lists[k] = list;
      else fields[k] = record[k];
    }
    patch.analyses.push({
      id: a.id,
      fields,
      ...(Object.keys(lists).length > 0 ? { lists } : {}),
      whole,
    });
  }
  const c = model.characteristics;
  const was = before.characteristics;
  const now = after.characteristics;
  if (!c || !now) {
    if (was) patch.characteristics = null;
  } else if (!was || was.columns !== now.columns) {
    patch.characteristics = { columns: c.columns, studies: c.rows.map((r) => r.study), rows: c.rows };
  } else {
    const rows = c.rows.filter((r) => was.rows.get(r.study) !== now.rows.get(r.study));
    const studies = was.studies !== now.studies ? c.rows.map((r) => r.study) : undefined;
    if (rows.length > 0 || studies) patch.characteristics = { rows, ...(studies ? { studies } : {}) };
  }
  return patch;
}

/**
 * The model a patch makes of `base`. What the patch leaves out keeps its object, so that the page can tell
 * by identity what is unchanged.
 */
export function applyPatch(base: SynthesisViewModel, patch: ModelPatch): SynthesisViewModel {
  const analyses = new Map(base.analyses.map((a) => [a.id, a]));
  const model: SynthesisViewModel = {
    title: patch.title ?? base.title,
    generatedAt: patch.generatedAt,
    dashboard: patch.dashboard ?? base.dashboard,
    analyses: patch.analyses.map((entry) => {
      if (typeof entry === 'string') {
        const a = analyses.get(entry);
        if (!a) throw new Error(`the patch keeps an analysis the page does not have (${entry})`);
        return a;
      }
      const a = analyses.get(entry.id);
      if (!entry.whole && !a)
        throw new Error(`the patch changes an analysis the page does not have (${entry.id})`);
      if (entry.whole) return { ...entry.fields } as AnalysisResult;
      const changed: Record<string, unknown> = { ...a, ...entry.fields };
      for (const [k, list] of Object.entries(entry.lists ?? {}))
        changed[k] = applyList((a as unknown as Record<string, unknown>)[k], list);
      return changed as unknown as AnalysisResult;
    }),
    characteristics: base.characteristics,
  };
  const c = patch.characteristics;
  if (c === null) model.characteristics = null;
  else if (c) {
    const table = base.characteristics;
    if (!table && !c.columns)
      throw new Error('the patch changes a characteristics table the page does not have');
    const rows = new Map<string, Row>(table?.rows.map((r) => [r.study, r]));
    for (const row of c.rows) rows.set(row.study, row);
    const studies = c.studies ?? table!.rows.map((r) => r.study);
    model.characteristics = {
      columns: c.columns ?? table!.columns,
      rows: studies.map((study) => {
        const row = rows.get(study);
        if (!row) throw new Error(`the patch lists a study without its row (${study})`);
        return row;
      }),
    };
  }
  return model;
}

/** What the page drew for a model, for tests and for the host's own checks. */
export interface RenderSummary {
  seq: number;
  analyses: number;
  /** `.fp-square` elements (one per included study and analysis). */
  squares: number;
  /** Overall `.fp-diamond` elements (subgroup diamonds not counted). */
  diamonds: number;
  /** Rows of the study characteristics table. */
  characteristics: number;
  /** Of them, the rows in the page now (a long table draws only the rows near the viewport). */
  characteristicsDrawn: number;
  /** The page's vertical scroll position after drawing. */
  scrollY: number;
}

/** Page → host. */
export type PageMessage =
  | { type: 'ready' }
  /** The page could not apply a patch: it wants the whole model. */
  | { type: 'resync' }
  | ({ type: 'rendered' } & RenderSummary)
  | { type: 'openStudy'; study: string; outcome?: string }
  | { type: 'export'; format: string };

/** What the page keeps with `setState` (restored after a window reload by the panel serializer). */
export interface PageState {
  rootUri?: string;
  scrollY?: number;
  /** Ids of collapsed sections (`dashboard`, `analysis:<id>`, `characteristics`). */
  collapsed?: string[];
  /** Ids of opened lists that start closed (`excluded:<analysis id>`). */
  expanded?: string[];
}

const isString = (v: unknown): v is string => typeof v === 'string';

/** The page is not trusted to send well-formed messages: anything else is ignored. */
export function parsePageMessage(data: unknown): PageMessage | undefined {
  if (typeof data !== 'object' || data === null) return undefined;
  const m = data as Record<string, unknown>;
  switch (m.type) {
    case 'ready':
      return { type: 'ready' };
    case 'resync':
      return { type: 'resync' };
    case 'openStudy':
      if (!isString(m.study)) return undefined;
      return { type: 'openStudy', study: m.study, ...(isString(m.outcome) ? { outcome: m.outcome } : {}) };
    case 'export':
      return isString(m.format) ? { type: 'export', format: m.format } : undefined;
    case 'rendered': {
      const numbers = [
        'seq',
        'analyses',
        'squares',
        'diamonds',
        'characteristics',
        'characteristicsDrawn',
        'scrollY',
      ] as const;
      if (!numbers.every((k) => typeof m[k] === 'number')) return undefined;
      const summary = Object.fromEntries(numbers.map((k) => [k, m[k] as number])) as unknown as RenderSummary;
      return { type: 'rendered', ...summary };
    }
    default:
      return undefined;
  }
}
