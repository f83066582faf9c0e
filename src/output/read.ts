import stringWidth from 'string-width';
import type { SearchHit, StoredItem, StoreStats } from '../store/contract.js';
import { SNIPPET_CLOSE, SNIPPET_OPEN } from '../store/contract.js';
import { htmlToText } from '../text/html.js';
import { byteSize, clock, forEach, itemRecord, stateMark, titleMarks } from './items.js';
import type { Output } from './output.js';
import { oneLine, stripControls } from './sanitize.js';
import { pad, renderTable, tsvLine, truncate } from './table.js';

const marks = new RegExp(`[${SNIPPET_OPEN}${SNIPPET_CLOSE}]`, 'g');

/** snippetText renders snippet markers as «…» (or bold on a colour terminal). */
export function snippetText(s: string, bold = false): string {
  return s.replace(marks, (m) => (m === SNIPPET_OPEN ? (bold ? '\u0001' : '«') : bold ? '\u0004' : '»'));
}

/** printHits writes search hits: NDJSON with a snippet, TSV, or a table with the snippet under each title. */
export async function printHits(out: Output, hits: AsyncIterable<SearchHit>, format: 'table' | 'tsv'): Promise<number> {
  let n = 0;
  const bold = out.cfg.stdoutIsTTY && out.cfg.color;
  await forEach(hits, (h) => {
    n++;
    if (out.cfg.json) {
      out.record({ ...itemRecord({ ...h, snippet: snippetText(h.snippet) }), rank: h.rank });
      return;
    }
    if (format === 'tsv') {
      out.line(tsvLine([h.id, h.published ?? h.firstSeen, h.feedTitle ?? h.feedUrl, h.title, h.link, snippetText(h.snippet)]));
      return;
    }
    const width = out.cfg.stdoutIsTTY ? out.cfg.columns : 10_000;
    // On a narrow terminal the feed, then the date, leave their room to the title (at least 20 wide).
    const date = width >= 9 + 12 + 20 ? `${(h.published ?? h.firstSeen).slice(0, 10)}  ` : '';
    const feed = width >= 9 + 12 + 26 + 20 ? `${pad(truncate(oneLine(h.feedTitle ?? h.feedUrl), 24), 24)}  ` : '';
    // The unread and starred marks take the room the id leaves of its 7 columns, as far as they can.
    const state = stateMark(h);
    const head = `${state}${String(h.id).padStart(7 - state.length)}  ${date}${feed}`;
    const after = titleMarks(h);
    const mark = after ? ` ${after}` : '';
    out.line(
      head + truncate(oneLine(h.title ?? h.link ?? '(untitled)'), Math.max(1, width - stringWidth(head) - stringWidth(mark))) + mark,
    );
    // Sanitize the text between the match markers, not the markers: oneLine strips them (they are
    // control characters), which left a colour terminal without any highlight.
    const clean = h.snippet.split(marks).map((s) => stripControls(s).replace(/\s+/g, ' '));
    const joined = [...h.snippet.matchAll(marks)].reduce((s, m, k) => s + m[0] + clean[k + 1], clean[0]).trim();
    const snippet = truncate(snippetText(joined, bold), Math.max(1, width - 9));
    // A cut can fall inside a match: bold ends with the line either way.
    out.line(`         ${snippet.replace(/\u0001/g, '\u001b[1m').replace(/\u0004/g, '\u001b[22m')}${bold ? '\u001b[22m' : ''}`);
  });
  return n;
}

/** printItem shows one item in full: raw fields as JSON, or readable text for people. */
export function printItem(out: Output, i: StoredItem): void {
  if (out.cfg.json) {
    out.record(itemRecord(i));
    return;
  }
  const lines = [
    out.cfg.stdoutIsTTY && out.cfg.color ? `\u001b[1m${oneLine(i.title ?? '(untitled)')}\u001b[22m` : oneLine(i.title ?? '(untitled)'),
    `Feed:      ${oneLine(i.feedTitle ?? '')} <${oneLine(i.feedUrl)}>${i.category ? `  [${oneLine(i.category)}]` : ''}`,
  ];
  if (i.author) lines.push(`Author:    ${oneLine(i.author)}`);
  lines.push(`Published: ${i.published ?? 'unknown'}   (first seen ${i.firstSeen})`);
  lines.push(`State:     ${i.read ? `read ${i.readAt}` : 'unread'}${i.starred ? `, starred ${i.starredAt}` : ''}`);
  if (i.link) lines.push(`Link:      ${oneLine(i.link)}`);
  lines.push(...mediaLines(i));
  lines.push('');
  const body = htmlToText(i.content) || htmlToText(i.summary);
  lines.push(stripControls(body) || '(no text)');
  for (const l of lines) out.line(l);
}

/** mediaLines lists what an item carries beyond its text: enclosures, categories, podcast fields. */
function mediaLines(i: StoredItem): string[] {
  const lines: string[] = [];
  if (i.comments) lines.push(`Comments:  ${oneLine(i.comments)}`);
  const episode = [i.season !== null ? `season ${i.season}` : '', i.episode !== null ? `episode ${i.episode}` : '']
    .filter(Boolean)
    .join(', ');
  if (episode) lines.push(`Episode:   ${episode}`);
  if (i.duration !== null) lines.push(`Duration:  ${clock(i.duration)}`);
  if (i.explicit !== null) lines.push(`Explicit:  ${i.explicit ? 'yes' : 'no'}`);
  if (i.categories.length) lines.push(`Tags:      ${i.categories.map(oneLine).join(', ')}`);
  for (const [k, e] of i.enclosures.entries()) {
    const about = [e.type ?? 'type unknown', e.length !== null ? byteSize(e.length) : '', e.duration !== null ? clock(e.duration) : '']
      .filter(Boolean)
      .map(oneLine)
      .join(', ');
    lines.push(`${k === 0 ? 'Enclosure: ' : '           '}${oneLine(e.url)}  (${about})`);
  }
  if (i.transcriptUrl) lines.push(`Transcript: ${oneLine(i.transcriptUrl)}`);
  if (i.chaptersUrl) lines.push(`Chapters:  ${oneLine(i.chaptersUrl)}`);
  return lines;
}

/** printStats shows the statistics: one JSON object, or a compact report. */
export function printStats(out: Output, s: StoreStats): void {
  if (out.cfg.json) {
    out.record(s);
    return;
  }
  const f = s.feeds;
  out.line(
    `Feeds      ${f.total} (${f.ok} ok, ${f.failing} failing, ${f.disabled} disabled, ${f.paused} paused, ${f.never} never fetched)`,
  );
  out.line(`Items      ${s.items.total} (${s.items.unread} unread, ${s.items.starred} starred)`);
  out.line(`Database   ${(s.database.bytes / 1024 / 1024).toFixed(1)} MiB  ${s.database.path}`);
  if (s.items.perDay.length) {
    out.line('');
    out.line('Items per day (by publication date, last 4 weeks):');
    const max = Math.max(...s.items.perDay.map((d) => d.items));
    // The bars are 40 wide, less on a terminal narrower than the 22 columns before them and 40 more.
    const bar = out.cfg.stdoutIsTTY ? Math.max(1, Math.min(40, out.cfg.columns - 22)) : 40;
    for (const d of s.items.perDay) out.line(`  ${d.day}  ${String(d.items).padStart(6)}  ${'#'.repeat(Math.ceil((d.items / max) * bar))}`);
  }
  if (s.folders.length) {
    out.line('');
    out.line('Unread by folder:');
    for (const l of renderTable(
      s.folders,
      [
        { header: 'UNREAD', cell: (t) => t.unread, align: 'right' },
        { header: 'ITEMS', cell: (t) => t.items, align: 'right' },
        { header: 'FOLDER', cell: (t) => t.folder || '(no folder)', flex: true },
      ],
      out.cfg.stdoutIsTTY ? out.cfg.columns - 2 : undefined,
    ))
      out.line(`  ${l}`);
  }
  if (s.topFeeds.length) {
    out.line('');
    out.line('Top feeds by items:');
    for (const l of renderTable(
      s.topFeeds,
      [
        { header: 'ID', cell: (t) => t.id, align: 'right' },
        { header: 'ITEMS', cell: (t) => t.items, align: 'right' },
        { header: 'TITLE', cell: (t) => t.title ?? t.url, flex: true },
      ],
      out.cfg.stdoutIsTTY ? out.cfg.columns - 2 : undefined,
    ))
      out.line(`  ${l}`);
  }
}
