import stringWidth from 'string-width';
import { oneLine } from './sanitize.js';

/** Column describes one table column: a header, how to get the cell, and how it gives way on a narrow terminal. */
export interface Column<T> {
  header: string;
  cell: (row: T) => string | number | null | undefined;
  /** The column that absorbs the terminal's width (titles); at most one per table. */
  flex?: boolean;
  /** Free text that may be cut (with "…") to fit a terminal; the flex column always may. */
  shrink?: boolean;
  /** On a terminal too narrow for every column, columns with a rank are left out, lowest rank first. */
  drop?: number;
  /** The widest the column ever is, terminal or not: longer cells are cut with "…". */
  max?: number;
  align?: 'left' | 'right';
  /** A short mark after the cell (♪) that truncation keeps: the cell is cut before it instead. */
  mark?: (row: T) => string;
}

const graphemes = new Intl.Segmenter(undefined, { granularity: 'grapheme' });

/**
 * truncate cuts text to a display width, marking the cut with "…". It cuts between grapheme
 * clusters, never inside one (an emoji, a flag, a letter and its accent stay whole), and counts
 * display columns (CJK and emoji take two).
 */
export function truncate(s: string, width: number): string {
  if (s.length * 2 <= width) return s; // no UTF-16 unit is ever more than two columns wide
  // Walk only as far as the width: a 100,000-character title is neither measured nor segmented
  // whole (Intl.Segmenter copies its input); the whole text only when the head of it fits.
  const head = s.slice(0, 4 * width + 64);
  if (head.length < s.length) {
    const cut = truncate(head, width);
    if (cut !== head) return cut;
  }
  let kept = '';
  let w = 0;
  let full = false; // the next cluster no longer fits beside the "…"
  for (const { segment } of graphemes.segment(s)) {
    const cw = stringWidth(segment);
    if (w + cw > width) return width < 1 ? '' : `${kept}…`;
    if (!full && w + cw <= width - 1) kept += segment;
    else full = true;
    w += cw;
  }
  return s;
}

/** widthUpTo is the display width of text, or any number above `limit` once it is wider: cheap on long text. */
export function widthUpTo(s: string, limit: number): number {
  if (s.length * 2 <= limit || !Number.isFinite(limit)) return stringWidth(s);
  return truncate(s, limit + 1) === s ? stringWidth(s) : limit + 1;
}

/** pad fills text to a display width. */
export function pad(s: string, width: number, align: 'left' | 'right' = 'left'): string {
  const gap = ' '.repeat(Math.max(0, width - stringWidth(s)));
  return align === 'right' ? gap + s : s + gap;
}

// A column cut below this many display columns says little; narrower terminals drop columns first.
const SHRINK_FLOOR = 10;
const GAP = 2;

/**
 * layout picks the columns shown and their widths so that a line fits `width`: cut free-text
 * columns (widest first) down to SHRINK_FLOOR; if that is not enough, leave out the column of
 * lowest drop rank and start again; with nothing left to drop, cut any column, then leave out
 * columns from the right, keeping at least one.
 */
export function layout(
  natural: readonly number[],
  columns: readonly Pick<Column<unknown>, 'flex' | 'shrink' | 'drop'>[],
  width: number,
): { shown: number[]; widths: number[] } {
  let shown = columns.map((_, k) => k);
  for (;;) {
    const widths = [...natural];
    const total = () => shown.reduce((a, k) => a + widths[k], 0) + GAP * (shown.length - 1);
    const cut = (floor: number, may: (k: number) => boolean) => {
      while (total() > width) {
        const [widest, next] = shown.filter((k) => may(k) && widths[k] > floor).sort((a, b) => widths[b] - widths[a]);
        if (widest === undefined) return;
        // Down to the next widest in one step (a 100,000-character title is not cut a column at a time).
        const to = Math.max(floor, next === undefined ? 0 : widths[next], widths[widest] - (total() - width));
        widths[widest] = to < widths[widest] ? to : widths[widest] - 1;
      }
    };
    cut(SHRINK_FLOOR, (k) => !!(columns[k].flex || columns[k].shrink));
    if (total() <= width) return { shown, widths };
    const next = shown.filter((k) => columns[k].drop !== undefined).sort((a, b) => columns[a].drop! - columns[b].drop!)[0];
    if (next !== undefined) {
      shown = shown.filter((k) => k !== next);
      continue;
    }
    cut(1, () => true);
    while (total() > width && shown.length > 1) shown = shown.slice(0, -1);
    return { shown, widths };
  }
}

/** Layout is which columns a table shows, and how wide each is. */
export interface Layout {
  shown: number[];
  widths: number[];
}

/**
 * renderTable lays rows out in aligned columns. With a width (a terminal), every line fits it:
 * text columns are cut and minor columns left out (see layout); without one (a pipe or a file),
 * nothing is cut but cells longer than their column's `max`. `fixed` lays a later page of a long
 * listing out as the first (see printItems), so its rows stay under the first page's header.
 */
export function renderTable<T>(rows: readonly T[], columns: readonly Column<T>[], width?: number, fixed?: (l: Layout) => Layout): string[] {
  const cells = rows.map((r) => columns.map((c) => oneLine(String(c.cell(r) ?? ''))));
  const marks = rows.map((r) => columns.map((c) => (c.mark ? oneLine(c.mark(r)) : '')));
  const full = (row: number, k: number) => (marks[row][k] ? `${cells[row][k]} ${marks[row][k]}` : cells[row][k]);
  // A cell wider than the terminal (or its column's max) is as good as infinitely wide: not measured whole.
  const natural = columns.map((c, k) =>
    Math.min(
      c.max ?? Infinity,
      Math.max(
        stringWidth(oneLine(c.header)),
        ...cells.map((_, row) => widthUpTo(full(row, k), Math.min(width ?? Infinity, c.max ?? Infinity))),
      ),
    ),
  );
  const chosen = width === undefined ? { shown: columns.map((_, k) => k), widths: natural } : layout(natural, columns, width);
  const { shown, widths } = fixed ? fixed(chosen) : chosen;
  const fit = (v: string, mark: string, k: number) => {
    if (!mark) return truncate(v, widths[k]);
    const room = widths[k] - stringWidth(mark) - 1;
    return room < 1 ? truncate(mark, widths[k]) : `${truncate(v, room)} ${mark}`;
  };
  const line = (vals: string[], ms: string[]) =>
    shown
      .map((k) => pad(fit(vals[k], ms[k], k), widths[k], columns[k].align))
      .join(' '.repeat(GAP))
      .trimEnd();
  // Headers can be data too (classify eval's confusion matrix is headed by the file's labels).
  return [
    line(
      columns.map((c) => oneLine(c.header)),
      columns.map(() => ''),
    ),
    ...cells.map((row, r) => line(row, marks[r])),
  ];
}

/** tsvLine renders one row as tab-separated values with tabs and newlines inside cells removed. */
export function tsvLine(values: readonly (string | number | null | undefined)[]): string {
  return values.map((v) => oneLine(String(v ?? '')).replace(/\t/g, ' ')).join('\t');
}
