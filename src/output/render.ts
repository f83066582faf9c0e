import type { Feed } from '../model.js';
import type { Output } from './output.js';
import { oneLine } from './sanitize.js';
import { renderTable, tsvLine, type Column } from './table.js';
import type { FeedListing } from '../store/contract.js';
import type { ImportResult } from '../results.js';

/** skippedText renders skip counts as "2 no-url, 1 vfolder". */
export function skippedText(skipped: Partial<Record<string, number>>): string {
  return Object.entries(skipped)
    .map(([k, n]) => `${n} ${k}`)
    .join(', ');
}

/** printImport reports an import: an NDJSON summary, or one line for people on stderr. */
export function printImport(out: Output, r: ImportResult): void {
  const skippedTotal = Object.values(r.skipped).reduce((a, n) => a + (n ?? 0), 0);
  if (out.cfg.json) {
    out.record({
      type: 'import',
      source: r.source,
      title: r.title,
      found: r.found,
      added: r.added,
      present: r.present,
      duplicates: r.duplicates,
      skipped: skippedTotal,
      skippedByReason: r.skipped,
    });
    return;
  }
  let msg = `${r.source}: ${r.added} added, ${r.present} already present, ${skippedTotal} skipped`;
  if (skippedTotal) msg += ` (${skippedText(r.skipped)})`;
  if (r.duplicates) msg += `, ${r.duplicates} duplicate${r.duplicates === 1 ? '' : 's'} merged`;
  out.info(msg);
}

/**
 * feedRecord is a feed's stable NDJSON form: `title` is the name the user gave it (or the
 * document's, when the OPML had none); `docTitle` and what follows are what the document says.
 */
export function feedRecord(f: Feed, extra: object = {}): object {
  return {
    id: f.id,
    url: f.url,
    title: f.title,
    siteUrl: f.siteUrl,
    category: f.category,
    folders: f.folders,
    addedAt: f.addedAt,
    etag: f.etag,
    lastModified: f.lastModified,
    lastStatus: f.lastStatus,
    lastFetchedAt: f.lastFetchedAt,
    consecutiveErrors: f.consecutiveErrors,
    lastError: f.lastError,
    nextCheckAt: f.nextCheckAt,
    disabledReason: f.disabledReason,
    ...extra,
    docTitle: f.meta.title,
    description: f.meta.description,
    language: f.meta.language,
    imageUrl: f.meta.imageUrl,
  };
}

// Unread beside the item count in the table; in TSV after the columns scripts already cut by number.
const UNREAD_COLUMN: Column<FeedListing> = { header: 'UNREAD', cell: (f) => f.unreadCount, align: 'right', drop: 3.5 };
const feedColumns: Column<FeedListing>[] = [
  { header: 'ID', cell: (f) => f.id, align: 'right' },
  { header: 'STATE', cell: (f) => f.state, drop: 6 },
  { header: 'HTTP', cell: (f) => f.lastStatus ?? '', align: 'right', drop: 2 },
  { header: 'ITEMS', cell: (f) => f.itemCount, align: 'right', drop: 3 },
  UNREAD_COLUMN,
  { header: 'FETCHED', cell: (f) => f.lastFetchedAt?.slice(0, 16).replace('T', ' ') ?? '', drop: 1 },
  { header: 'CATEGORY', cell: (f) => f.category, shrink: true, drop: 4 },
  { header: 'TITLE', cell: (f) => f.title ?? '', flex: true },
  {
    header: 'URL / LAST ERROR',
    cell: (f) => (f.lastError && f.state !== 'ok' ? `${f.url}  ${f.disabledReason ?? f.lastError}` : f.url),
    shrink: true,
    drop: 5,
  },
];

const TSV_COLUMNS = [...feedColumns.filter((c) => c !== UNREAD_COLUMN), UNREAD_COLUMN];

/**
 * printFeeds lists feeds as NDJSON, TSV or a table; `detail` (one feed asked for by --feed) shows
 * the feed in full instead of a table row, the user's name beside what the document says.
 */
export function printFeeds(out: Output, feeds: FeedListing[], format: 'table' | 'tsv', detail = false): void {
  if (out.cfg.json) for (const f of feeds) out.record(feedRecord(f, { state: f.state, itemCount: f.itemCount, unread: f.unreadCount }));
  else if (format === 'tsv') for (const f of feeds) out.line(tsvLine(TSV_COLUMNS.map((c) => c.cell(f))));
  else if (detail) for (const f of feeds) for (const l of feedLines(f)) out.line(l);
  else for (const l of renderTable(feeds, feedColumns, out.cfg.stdoutIsTTY ? out.cfg.columns : undefined)) out.line(l);
}

/** feedLines shows one feed in full, for people. */
function feedLines(f: FeedListing): string[] {
  const lines = [oneLine(f.title ?? f.meta.title ?? f.url), `URL:         ${oneLine(f.url)}`];
  const add = (label: string, v: string | number | null) => {
    if (v !== null && v !== '') lines.push(`${label.padEnd(13)}${oneLine(String(v))}`);
  };
  add('Feed title:', f.meta.title);
  add('Description:', f.meta.description);
  add('Site:', f.siteUrl);
  add('Language:', f.meta.language);
  add('Image:', f.meta.imageUrl);
  add('Folder:', f.category);
  add('State:', `${f.state}${f.lastStatus !== null ? ` (HTTP ${f.lastStatus})` : ''}, ${f.itemCount} items, ${f.unreadCount} unread`);
  add('Fetched:', f.lastFetchedAt);
  add('Last error:', f.state === 'ok' ? null : (f.disabledReason ?? f.lastError));
  lines.push('');
  return lines;
}
