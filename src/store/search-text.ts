import { storedHtmlToText } from '../text/html.js';

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
export function itemSearchText(i: { title: string | null; summary: string | null; content: string | null; categories?: readonly string[] }): { title: string; body: string } {
  const summary = storedHtmlToText(i.summary);
  // A summary that fell back to the content is the very same text (normalize.ts): read it once.
  const content = i.content === i.summary ? summary : storedHtmlToText(i.content);
  // Content usually repeats the summary; index it once.
  const body = content.includes(summary) ? content : `${summary}\n${content}`.trim();
  return { title: upTo([i.title ?? '', ...(i.categories ?? [])].join('\n').trim(), MAX_TITLE_BYTES), body: upTo(body, MAX_BODY_BYTES) };
}
