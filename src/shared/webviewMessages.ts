// Messages between the synthesis panel's page (src/webview) and its host (src/client/synthesisPanel.ts),
// sent with postMessage. The page sends `ready` once its script runs; the host answers with the view model
// and sends a new one after every change; the page acknowledges each model it has drawn with `rendered`.
import type { SynthesisViewModel } from '../core/synthesis/viewModel';

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
  | { type: 'status'; kind: 'loading' | 'error'; message: string; rootUri?: string };

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

/** What the host posts for each model: numbered in order. */
export class ModelPoster {
  private seq = 0;

  message(model: SynthesisViewModel, rootUri: string, exportFormats: string[]): HostMessage {
    return { type: 'model', seq: ++this.seq, rootUri, model, exportFormats };
  }
}

const isString = (v: unknown): v is string => typeof v === 'string';

/** The page is not trusted to send well-formed messages: anything else is ignored. */
export function parsePageMessage(data: unknown): PageMessage | undefined {
  if (typeof data !== 'object' || data === null) return undefined;
  const m = data as Record<string, unknown>;
  switch (m.type) {
    case 'ready':
      return { type: 'ready' };
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
