import type { StoredItem } from '../store/items.js';
import type { Output } from './output.js';
import { renderTable, tsvLine, type Column } from './table.js';

/** itemRecord is an item's stable NDJSON form (field names documented in the README). */
export function itemRecord(i: StoredItem & { snippet?: string }): object {
  const rec: Record<string, unknown> = {
    id: i.id, feedId: i.feedId, feedUrl: i.feedUrl, feedTitle: i.feedTitle, category: i.category, guid: i.guid,
    link: i.link, title: i.title, author: i.author, published: i.published, updated: i.updated,
    summary: i.summary, content: i.content, firstSeen: i.firstSeen,
  };
  if (i.label !== undefined) { rec.label = i.label; rec.confidence = i.confidence ?? null; }
  if (i.snippet !== undefined) rec.snippet = i.snippet;
  return rec;
}

const when = (i: StoredItem) => (i.published ?? i.firstSeen).slice(0, 16).replace('T', ' ');
const itemColumns: Column<StoredItem>[] = [
  { header: 'ID', cell: (i) => i.id, align: 'right' },
  { header: 'DATE', cell: when },
  { header: 'FEED', cell: (i) => (i.feedTitle ?? i.feedUrl).slice(0, 24) },
  { header: 'TITLE', cell: (i) => i.title ?? i.link ?? '(untitled)', flex: true },
];

// Tables need every row to size their columns; print people's tables in pages of this many rows.
const PAGE = 500;

/** printItems writes items as NDJSON (streamed row by row), TSV, or a table for people. */
export function printItems(out: Output, items: Iterable<StoredItem>, format: 'table' | 'tsv'): number {
  let n = 0;
  if (out.cfg.json) {
    for (const i of items) { out.record(itemRecord(i)); n++; }
    return n;
  }
  if (format === 'tsv') {
    for (const i of items) { out.line(tsvLine([i.id, i.published ?? i.firstSeen, i.feedTitle ?? i.feedUrl, i.title, i.link])); n++; }
    return n;
  }
  const width = out.cfg.stdoutIsTTY ? out.cfg.columns : undefined;
  let page: StoredItem[] = [];
  const flush = (header: boolean) => {
    const lines = renderTable(page, itemColumns, width);
    for (const l of header ? lines : lines.slice(1)) out.line(l);
    page = [];
  };
  for (const i of items) {
    page.push(i);
    if (++n % PAGE === 0) flush(n === PAGE);
  }
  if (page.length) flush(n <= PAGE);
  return n;
}
