import { storedHtmlToText } from '../text/html.js';
import { indexedText } from './search-terms.js';

/**
 * itemSearchText is what the full-text index holds for an item: its title with its categories
 * (so a tag finds the item, ranked like a title word), and its body as text. Stored bodies are the
 * sanitizer's output, which storedHtmlToText reads without a second HTML parse.
 */
export function itemSearchText(i: { title: string | null; summary: string | null; content: string | null; categories?: readonly string[] }): { title: string; body: string } {
  const summary = storedHtmlToText(i.summary);
  // A summary that fell back to the content is the very same text (normalize.ts): read it once.
  const content = i.content === i.summary ? summary : storedHtmlToText(i.content);
  // Content usually repeats the summary; index it once.
  const body = content.includes(summary) ? content : `${summary}\n${content}`.trim();
  return { title: [i.title ?? '', ...(i.categories ?? [])].join('\n').trim(), body };
}

/** itemIndexText is what the full-text index is given for an item: itemSearchText's title and body as folded terms. */
export function itemIndexText(i: Parameters<typeof itemSearchText>[0]): { title: string; body: string } {
  const t = itemSearchText(i);
  return { title: indexedText(t.title), body: indexedText(t.body) };
}
