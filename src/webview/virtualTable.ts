// The study characteristics table of the panel. A review of a thousand studies would put a thousand rows in
// the page, and laying them out is most of the time an update takes; so above VIRTUAL_FROM rows only the
// rows near the viewport are in the DOM, each of one fixed height (long text clamped, in full in its tooltip),
// with spacer rows above and below that keep the scroll height exact. Below it every row is there, as in the
// report. The rows come from core's element trees (present/tables.ts), built with DOM calls.
//
// Keyboard: one row is in the tab order (a roving tabindex); the arrow keys, Page Up/Down, Home and End
// move between rows, drawing the one reached; Enter opens it (main.ts).
import type { CharacteristicsTableData } from '../core/synthesis/characteristics';
import { characteristicsHead, characteristicsRow } from '../core/synthesis/present/tables';
import { h } from './dom';
import { el } from '../core/synthesis/present/svgTree';
import { materializeHtml, materializeSvg } from './svgDom';

type Row = CharacteristicsTableData['rows'][number];
type Columns = CharacteristicsTableData['columns'];

/** From this many rows on, only the rows near the viewport are drawn. */
const VIRTUAL_FROM = 200;
/** Rows drawn beyond the viewport on either side (scrolling a little draws nothing). */
const OVERSCAN = 12;
/** The row height until one is measured (CSS: three lines and padding). */
const ESTIMATED_ROW = 61;

interface Drawn {
  /** The row drawn (a patch keeps the object of an unchanged row) and its cells as JSON. */
  row: Row;
  cells: string;
  element: HTMLTableRowElement;
}

export class CharacteristicsTable {
  readonly element: HTMLTableElement;
  private readonly body = h('tbody', {});
  private columns: Columns = [];
  private columnsKey = '';
  private rows: Row[] = [];
  private readonly indexOf = new Map<string, number>();
  private readonly drawn = new Map<string, Drawn>();
  private rowHeight = 0;
  /** The row in the tab order, by study (kept across models while the study is there). */
  private active: string | undefined;
  private frame: number | undefined;

  constructor() {
    this.element = h('table', { class: 'data characteristics' });
    this.element.addEventListener('keydown', (event) => this.onKey(event));
    this.element.addEventListener('focusin', (event) => {
      const row = event.target instanceof Element ? event.target.closest('tr[data-study]') : null;
      const study = row?.getAttribute('data-study');
      if (study && study !== this.active) this.setActive(study);
    });
    const redraw = () => {
      if (!this.virtual || this.frame !== undefined) return;
      this.frame = requestAnimationFrame(() => {
        this.frame = undefined;
        this.draw();
      });
    };
    window.addEventListener('scroll', redraw, { passive: true });
    window.addEventListener('resize', () => {
      this.rowHeight = 0;
      redraw();
    });
  }

  get virtual(): boolean {
    return this.rows.length >= VIRTUAL_FROM;
  }

  /** Rows of the table (all of them, drawn or not). */
  get size(): number {
    return this.rows.length;
  }

  /** Rows in the DOM now. */
  get drawnRows(): number {
    return this.drawn.size;
  }

  /** Shows a new table: rows whose cells are unchanged keep their elements. */
  update(table: CharacteristicsTableData): void {
    const columnsKey = JSON.stringify(table.columns);
    if (columnsKey !== this.columnsKey) {
      this.columnsKey = columnsKey;
      this.columns = table.columns;
      this.drawn.clear();
      this.element.replaceChildren(materializeHtml(characteristicsHead(table.columns)), this.body);
    }
    this.rows = table.rows;
    this.indexOf.clear();
    table.rows.forEach((row, i) => this.indexOf.set(row.study, i));
    if (this.active !== undefined && !this.indexOf.has(this.active)) this.active = undefined;
    this.element.classList.toggle('virtual', this.virtual);
    this.element.setAttribute('aria-rowcount', String(table.rows.length + 1));
    this.draw();
  }

  /** Draws the rows in view (all rows when the table is small). */
  draw(): void {
    const n = this.rows.length;
    let wanted: number[];
    if (!this.virtual) wanted = this.rows.map((_, i) => i);
    else {
      const [start, end] = this.visibleRange();
      wanted = [];
      for (let i = start; i < end; i++) wanted.push(i);
      // The row with the keyboard focus stays drawn wherever it is, so that focus is never lost.
      const active = this.active === undefined ? undefined : this.indexOf.get(this.active);
      if (active !== undefined && (active < start || active >= end)) {
        wanted.push(active);
        wanted.sort((x, y) => x - y);
      }
    }
    const children: HTMLTableRowElement[] = [];
    const keep = new Set<string>();
    let next = 0;
    for (const i of wanted) {
      if (i > next) children.push(this.spacer(i - next));
      children.push(this.rowElement(i));
      keep.add(this.rows[i]!.study);
      next = i + 1;
    }
    if (next < n && this.virtual) children.push(this.spacer(n - next));
    for (const study of [...this.drawn.keys()]) if (!keep.has(study)) this.drawn.delete(study);
    // Kept rows are never detached (a detached row loses the keyboard focus): the others are removed, then
    // the new ones inserted in place.
    const wantedSet = new Set<Element>(children);
    for (const child of [...this.body.children]) if (!wantedSet.has(child)) child.remove();
    children.forEach((child, i) => {
      if (this.body.children[i] !== child) this.body.insertBefore(child, this.body.children[i] ?? null);
    });
    if (this.virtual && this.rowHeight === 0 && wanted.length > 0) {
      // Measured once the rows are in the page; spacers drawn with the estimate are redrawn with it.
      const measured = this.drawn.get(this.rows[wanted[0]!]!.study)!.element.getBoundingClientRect().height;
      if (measured > 0) {
        this.rowHeight = measured;
        if (Math.abs(measured - ESTIMATED_ROW) > 0.5) this.draw();
      }
    }
  }

  /** Rows [start, end) within the viewport, and OVERSCAN more on either side. */
  private visibleRange(): [number, number] {
    const n = this.rows.length;
    const height = this.rowHeight || ESTIMATED_ROW;
    const top = this.body.getBoundingClientRect().top;
    const viewport = window.innerHeight || document.documentElement.clientHeight;
    const first = Math.floor(-top / height);
    const last = Math.ceil((viewport - top) / height);
    const start = Math.min(n, Math.max(0, first - OVERSCAN));
    const end = Math.max(start, Math.min(n, last + OVERSCAN));
    return [start, end];
  }

  private spacer(rows: number): HTMLTableRowElement {
    // Sized by an empty drawing's height attribute: the panel's CSP allows no inline styles.
    const height = Math.round(rows * (this.rowHeight || ESTIMATED_ROW));
    return h(
      'tr',
      { class: 'spacer', 'aria-hidden': 'true' },
      h('td', { colspan: this.columns.length }, materializeSvg(el('svg', { width: 1, height }))),
    );
  }

  private rowElement(i: number): HTMLTableRowElement {
    const row = this.rows[i]!;
    let drawn = this.drawn.get(row.study);
    const cells = drawn?.row === row ? drawn.cells : JSON.stringify(row.cells);
    if (!drawn || drawn.cells !== cells) {
      const element = materializeHtml(characteristicsRow(row, this.columns)) as HTMLTableRowElement;
      element.setAttribute('title', `Open the record of ${row.study}`);
      if (this.virtual)
        for (const td of element.cells) {
          // Clamped to three lines: the whole text is in the cell's tooltip.
          td.setAttribute('title', td.textContent ?? '');
          td.replaceChildren(h('div', { class: 'cell' }, ...td.childNodes));
        }
      drawn = { row, cells, element };
      this.drawn.set(row.study, drawn);
    }
    drawn.row = row;
    const element = drawn.element;
    element.setAttribute('aria-rowindex', String(i + 2));
    const active = this.active ?? this.rows[0]?.study;
    element.setAttribute('tabindex', row.study === active ? '0' : '-1');
    return element;
  }

  private setActive(study: string): void {
    const previous = this.active ?? this.rows[0]?.study;
    this.active = study;
    if (previous !== undefined) this.drawn.get(previous)?.element.setAttribute('tabindex', '-1');
    this.drawn.get(study)?.element.setAttribute('tabindex', '0');
  }

  private onKey(event: KeyboardEvent): void {
    const row = event.target instanceof Element ? event.target.closest('tr[data-study]') : null;
    const study = row?.getAttribute('data-study');
    if (!row || row !== event.target || !study) return;
    const index = this.indexOf.get(study);
    if (index === undefined) return;
    const page = Math.max(1, Math.floor(window.innerHeight / (this.rowHeight || ESTIMATED_ROW)) - 1);
    const moves: Record<string, number> = {
      ArrowDown: index + 1,
      ArrowUp: index - 1,
      PageDown: index + page,
      PageUp: index - page,
      Home: 0,
      End: this.rows.length - 1,
    };
    const target = moves[event.key];
    if (target === undefined) return;
    event.preventDefault();
    this.focusRow(Math.max(0, Math.min(this.rows.length - 1, target)));
  }

  /** Moves the keyboard focus to row `i`, scrolling it into view (and drawing it) first. */
  focusRow(i: number): void {
    const study = this.rows[i]?.study;
    if (study === undefined) return;
    this.setActive(study);
    if (this.virtual) {
      const height = this.rowHeight || ESTIMATED_ROW;
      const top = this.body.getBoundingClientRect().top + i * height;
      if (top < 0) window.scrollBy(0, top);
      else if (top + height > window.innerHeight) window.scrollBy(0, top + height - window.innerHeight);
    }
    this.draw();
    const element = this.drawn.get(study)?.element;
    element?.focus({ preventScroll: this.virtual });
    if (!this.virtual) element?.scrollIntoView({ block: 'nearest' });
  }
}
