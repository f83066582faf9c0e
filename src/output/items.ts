import type { Output } from './output.js';
import { renderTable, tsvLine, type Column, type Layout } from './table.js';
import type { StoredItem } from '../store/contract.js';

/** itemRecord is an item's stable NDJSON form (field names documented in the README). */
export function itemRecord(i: StoredItem & { snippet?: string }): object {
  const rec: Record<string, unknown> = {
    id: i.id,
    feedId: i.feedId,
    feedUrl: i.feedUrl,
    feedTitle: i.feedTitle,
    category: i.category,
    guid: i.guid,
    link: i.link,
    title: i.title,
    author: i.author,
    published: i.published,
    updated: i.updated,
    summary: i.summary,
    content: i.content,
    firstSeen: i.firstSeen,
    // Always present, null or [] when the feed says nothing: a stable schema for jq.
    enclosures: i.enclosures.map((e) => ({ url: e.url, type: e.type, length: e.length, duration: e.duration })),
    categories: i.categories,
    duration: i.duration,
    comments: i.comments,
    episode: i.episode,
    season: i.season,
    explicit: i.explicit,
    transcriptUrl: i.transcriptUrl,
    chaptersUrl: i.chaptersUrl,
    read: i.read,
    readAt: i.readAt,
    starred: i.starred,
    starredAt: i.starredAt,
  };
  if (i.label !== undefined) {
    rec.label = i.label;
    rec.confidence = i.confidence ?? null;
  }
  if (i.snippet !== undefined) rec.snippet = i.snippet;
  // Only in a --unique listing: the story's other copies (id, feedId, feedTitle), oldest first.
  if (i.alsoIn !== undefined) rec.alsoIn = i.alsoIn.map((c) => ({ id: c.id, feedId: c.feedId, feedTitle: c.feedTitle }));
  return rec;
}

/** hasMedia says whether an item carries audio or video (a podcast episode), which tables mark with ♪. */
export function hasMedia(i: Pick<StoredItem, 'enclosures'>): boolean {
  return i.enclosures.some((e) => e.type !== null && /^(audio|video)\//.test(e.type));
}

/** titleMarks are what follows a title in tables: ♪ for audio or video, +2 for a story with two more copies (--unique). */
export function titleMarks(i: Pick<StoredItem, 'enclosures' | 'alsoIn'>): string {
  const copies = i.alsoIn?.length ? `+${i.alsoIn.length}` : '';
  return [hasMedia(i) ? MEDIA_MARK : '', copies].filter(Boolean).join(' ');
}

/** MEDIA_MARK follows the title of an item with audio or video in tables. */
export const MEDIA_MARK = '♪';

/** clock renders seconds as h:mm:ss. */
export function clock(seconds: number): string {
  const s = Math.max(0, Math.round(seconds));
  return `${Math.floor(s / 3600)}:${String(Math.floor(s / 60) % 60).padStart(2, '0')}:${String(s % 60).padStart(2, '0')}`;
}

/** byteSize renders a size in bytes for people ("12.3 MiB"). */
export function byteSize(n: number): string {
  if (n < 1024) return `${n} B`;
  const units = ['KiB', 'MiB', 'GiB', 'TiB'];
  let v = n / 1024;
  let u = 0;
  while (v >= 1024 && u < units.length - 1) {
    v /= 1024;
    u++;
  }
  return `${v.toFixed(1)} ${units[u]}`;
}

/** UNREAD_MARK and STARRED_MARK head the rows of unread and starred items in tables. */
export const UNREAD_MARK = '•';
export const STARRED_MARK = '★';

/** stateMark is an item's mark in a table's narrow first column: • unread, ★ starred, both, or blank for a read item. */
export function stateMark(i: Pick<StoredItem, 'read' | 'starred'>): string {
  return `${i.read ? '' : UNREAD_MARK}${i.starred ? STARRED_MARK : ''}`;
}

const when = (i: StoredItem) => (i.published ?? i.firstSeen).slice(0, 16).replace('T', ' ');
const itemColumns: Column<StoredItem>[] = [
  { header: '', cell: stateMark },
  { header: 'ID', cell: (i) => i.id, align: 'right' },
  { header: 'DATE', cell: when, drop: 2 },
  { header: 'FEED', cell: (i) => i.feedTitle ?? i.feedUrl, max: 24, shrink: true, drop: 1 },
  { header: 'TITLE', cell: (i) => i.title ?? i.link ?? '(untitled)', flex: true, mark: titleMarks },
];

/**
 * forEach runs fn on every element of a stream; a stream that can also be read synchronously
 * (the SQLite store's) is, sparing a promise per row.
 */
export async function forEach<T>(items: AsyncIterable<T>, fn: (item: T) => void): Promise<void> {
  const sync = items as AsyncIterable<T> & Partial<Iterable<T>>;
  if (typeof sync[Symbol.iterator] === 'function') {
    for (const i of sync as Iterable<T>) fn(i);
    return;
  }
  for await (const i of items) fn(i);
}

// Tables need every row to size their columns; print people's tables in pages of this many rows.
const PAGE = 500;

/** printItems writes items as NDJSON (streamed row by row), TSV, or a table for people. */
export async function printItems(out: Output, items: AsyncIterable<StoredItem>, format: 'table' | 'tsv'): Promise<number> {
  let n = 0;
  if (out.cfg.json) {
    await forEach(items, (i) => {
      out.record(itemRecord(i));
      n++;
    });
    return n;
  }
  if (format === 'tsv') {
    await forEach(items, (i) => {
      out.line(tsvLine([i.id, i.published ?? i.firstSeen, i.feedTitle ?? i.feedUrl, i.title, i.link]));
      n++;
    });
    return n;
  }
  const width = out.cfg.stdoutIsTTY ? out.cfg.columns : undefined;
  let page: StoredItem[] = [];
  // On a terminal every page takes the first page's columns and widths, the title (last) all the
  // room left, so that no page drops a column the header shows or shifts one.
  let first: Layout | undefined;
  const title = itemColumns.findIndex((c) => c.flex);
  const sameAsFirst = (l: Layout): Layout => {
    if (!first) {
      const others = l.shown.filter((k) => k !== title).reduce((a, k) => a + l.widths[k], 0) + 2 * (l.shown.length - 1);
      first = { shown: l.shown, widths: l.widths.map((w, k) => (k === title && l.shown.includes(k) ? Math.max(w, width! - others) : w)) };
    }
    return first;
  };
  const flush = (header: boolean) => {
    const lines = renderTable(page, itemColumns, width, width === undefined ? undefined : sameAsFirst);
    for (const l of header ? lines : lines.slice(1)) out.line(l);
    page = [];
  };
  await forEach(items, (i) => {
    page.push(i);
    if (++n % PAGE === 0) flush(n === PAGE);
  });
  if (page.length) flush(n <= PAGE);
  return n;
}
