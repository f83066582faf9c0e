import stringWidth from 'string-width';
import { oneLine } from './sanitize.js';

/** Column describes one table column: a header, how to get the cell, and whether it may shrink. */
export interface Column<T> {
  header: string;
  cell: (row: T) => string | number | null | undefined;
  /** The column that absorbs the terminal's width (titles); at most one per table. */
  flex?: boolean;
  align?: 'left' | 'right';
  /** A short mark after the cell (♪) that truncation keeps: the cell is cut before it instead. */
  mark?: (row: T) => string;
}

/** truncate cuts text to a display width, marking the cut with "…" (CJK counts double). */
export function truncate(s: string, width: number): string {
  if (stringWidth(s) <= width) return s;
  let out = '';
  let w = 0;
  for (const ch of s) {
    const cw = stringWidth(ch);
    if (w + cw > width - 1) break;
    out += ch;
    w += cw;
  }
  return `${out}…`;
}

/** pad fills text to a display width. */
export function pad(s: string, width: number, align: 'left' | 'right' = 'left'): string {
  const gap = ' '.repeat(Math.max(0, width - stringWidth(s)));
  return align === 'right' ? gap + s : s + gap;
}

/**
 * renderTable lays rows out in aligned columns. With a width (a terminal), the flex column is
 * truncated so no line wraps; without one (a pipe or file), nothing is cut.
 */
export function renderTable<T>(rows: readonly T[], columns: readonly Column<T>[], width?: number): string[] {
  const cells = rows.map((r) => columns.map((c) => oneLine(String(c.cell(r) ?? ''))));
  const marks = rows.map((r) => columns.map((c) => (c.mark ? oneLine(c.mark(r)) : '')));
  const full = (row: number, k: number) => (marks[row][k] ? `${cells[row][k]} ${marks[row][k]}` : cells[row][k]);
  const widths = columns.map((c, k) => Math.max(stringWidth(c.header), ...cells.map((_, row) => stringWidth(full(row, k)))));
  const flex = columns.findIndex((c) => c.flex);
  if (width !== undefined && flex >= 0) {
    const others = widths.reduce((a, w, k) => (k === flex ? a : a + w), 0) + 2 * (columns.length - 1);
    widths[flex] = Math.max(8, Math.min(widths[flex], width - others));
  }
  const fit = (v: string, mark: string, k: number) => {
    if (!mark) return truncate(v, widths[k]);
    const room = widths[k] - stringWidth(mark) - 1;
    return `${truncate(v, Math.max(1, room))} ${mark}`;
  };
  const line = (vals: string[], ms: string[]) => vals.map((v, k) => pad(fit(v, ms[k], k), widths[k], columns[k].align)).join('  ').trimEnd();
  return [line(columns.map((c) => c.header), columns.map(() => '')), ...cells.map((row, r) => line(row, marks[r]))];
}

/** tsvLine renders one row as tab-separated values with tabs and newlines inside cells removed. */
export function tsvLine(values: readonly (string | number | null | undefined)[]): string {
  return values.map((v) => oneLine(String(v ?? '')).replace(/\t/g, ' ')).join('\t');
}
