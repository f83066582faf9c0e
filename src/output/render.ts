import type { Feed } from '../model.js';
import type { FeedListing } from '../store/feeds.js';
import type { ImportResult } from '../commands/import.js';
import type { Output } from './output.js';
import { renderTable, tsvLine, type Column } from './table.js';

/** skippedText renders skip counts as "2 no-url, 1 vfolder". */
export function skippedText(skipped: Partial<Record<string, number>>): string {
  return Object.entries(skipped).map(([k, n]) => `${n} ${k}`).join(', ');
}

/** printImport reports an import: an NDJSON summary, or one line for people on stderr. */
export function printImport(out: Output, r: ImportResult): void {
  const skippedTotal = Object.values(r.skipped).reduce((a, n) => a + (n ?? 0), 0);
  if (out.cfg.json) {
    out.record({ type: 'import', source: r.source, title: r.title, found: r.found, added: r.added, present: r.present,
      duplicates: r.duplicates, skipped: skippedTotal, skippedByReason: r.skipped });
    return;
  }
  let msg = `${r.source}: ${r.added} added, ${r.present} already present, ${skippedTotal} skipped`;
  if (skippedTotal) msg += ` (${skippedText(r.skipped)})`;
  if (r.duplicates) msg += `, ${r.duplicates} duplicate${r.duplicates === 1 ? '' : 's'} merged`;
  out.info(msg);
}

/** feedRecord is a feed's stable NDJSON form. */
export function feedRecord(f: Feed, extra: object = {}): object {
  return { id: f.id, url: f.url, title: f.title, siteUrl: f.siteUrl, category: f.category, addedAt: f.addedAt,
    etag: f.etag, lastModified: f.lastModified, lastStatus: f.lastStatus, lastFetchedAt: f.lastFetchedAt,
    consecutiveErrors: f.consecutiveErrors, lastError: f.lastError, nextCheckAt: f.nextCheckAt,
    disabledReason: f.disabledReason, ...extra };
}

const feedColumns: Column<FeedListing>[] = [
  { header: 'ID', cell: (f) => f.id, align: 'right' },
  { header: 'STATE', cell: (f) => f.state },
  { header: 'HTTP', cell: (f) => f.lastStatus ?? '', align: 'right' },
  { header: 'ITEMS', cell: (f) => f.itemCount, align: 'right' },
  { header: 'FETCHED', cell: (f) => f.lastFetchedAt?.slice(0, 16).replace('T', ' ') ?? '' },
  { header: 'CATEGORY', cell: (f) => f.category },
  { header: 'TITLE', cell: (f) => f.title ?? '', flex: true },
  { header: 'URL / LAST ERROR', cell: (f) => (f.lastError && f.state !== 'ok' ? `${f.url}  ${f.disabledReason ?? f.lastError}` : f.url) },
];

/** printFeeds lists feeds as NDJSON, TSV or a table. */
export function printFeeds(out: Output, feeds: FeedListing[], format: 'table' | 'tsv'): void {
  if (out.cfg.json) for (const f of feeds) out.record(feedRecord(f, { state: f.state, itemCount: f.itemCount }));
  else if (format === 'tsv') for (const f of feeds) out.line(tsvLine(feedColumns.map((c) => c.cell(f))));
  else for (const l of renderTable(feeds, feedColumns, out.cfg.stdoutIsTTY ? out.cfg.columns : undefined)) out.line(l);
}
