import { storedHtmlToText } from './html.js';
import { indexedText } from './search-terms.js';

// What the index holds of one item, at most, in UTF-8 bytes: PostgreSQL refuses a tsvector over
// 1 MB (54000, "string is too long for tsvector"), and distinct short words cost up to about 2.6
// bytes of it per byte of text (each lexeme its bytes, an entry and a position), while SQLite's
// FTS5 takes any length. An item of megabytes would be stored on one engine and fail on the
// other; both index its beginning.
const MAX_TITLE_BYTES = 30_000;
const MAX_BODY_BYTES = 300_000;

/** upTo cuts text to at most n bytes of UTF-8, at a character boundary. */
function upTo(s: string, n: number): string {
  if (s.length * 3 <= n) return s;
  const b = Buffer.from(s);
  if (b.length <= n) return s;
  let end = n;
  while (end > 0 && (b[end] & 0xc0) === 0x80) end--; // not inside a character
  return b.subarray(0, end).toString('utf8');
}

/**
 * itemSearchText is what the full-text index holds for an item: its title with its categories
 * (so a tag finds the item, ranked like a title word), and its body as text, each cut to a size
 * both engines index. Stored bodies are the sanitizer's output, which storedHtmlToText reads
 * without a second HTML parse.
 */
export function itemSearchText(i: {
  title: string | null;
  summary: string | null;
  content: string | null;
  categories?: readonly string[];
}): { title: string; body: string } {
  const summary = storedHtmlToText(i.summary);
  // A summary that fell back to the content is the very same text (normalize.ts): read it once.
  const content = i.content === i.summary ? summary : storedHtmlToText(i.content);
  // Content usually repeats the summary; index it once.
  const body = content.includes(summary) ? content : `${summary}\n${content}`.trim();
  return { title: upTo([i.title ?? '', ...(i.categories ?? [])].join('\n').trim(), MAX_TITLE_BYTES), body: upTo(body, MAX_BODY_BYTES) };
}

/** itemIndexText is what the full-text index is given for an item: itemSearchText's title and body as folded terms. */
export function itemIndexText(i: Parameters<typeof itemSearchText>[0]): { title: string; body: string } {
  const t = itemSearchText(i);
  return { title: capped(indexedText(t.title)), body: capped(indexedText(t.body)) };
}

/**
 * MAX_INDEXED_TERMS and MAX_INDEXED_CHARS bound what is indexed of a title or a body, alike on both
 * engines: PostgreSQL keeps word positions up to 16,383 only (a phrase further on never matched
 * there, while FTS5 found it) and refuses a tsvector over 1 MB (an item of 200,000 distinct words
 * failed to store). A longer text is found by its first 16,383 words.
 */
export const MAX_INDEXED_TERMS = 16_383;
export const MAX_INDEXED_CHARS = 250_000;

/** capped cuts indexed text (terms separated by single spaces) to the bounds, at a space. */
function capped(s: string): string {
  if (s.length > MAX_INDEXED_CHARS) s = s.slice(0, Math.max(0, s.lastIndexOf(' ', MAX_INDEXED_CHARS)));
  if (s.length < 2 * MAX_INDEXED_TERMS) return s;
  let at = -1;
  for (let n = 0; n < MAX_INDEXED_TERMS; n++) if ((at = s.indexOf(' ', at + 1)) < 0) return s;
  return s.slice(0, at);
}
