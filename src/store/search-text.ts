import { htmlToText } from '../text/html.js';

/**
 * itemSearchText is what the full-text index holds for an item: its title with its categories
 * (so a tag finds the item, ranked like a title word), and its body as text.
 */
export function itemSearchText(i: { title: string | null; summary: string | null; content: string | null; categories?: readonly string[] }): { title: string; body: string } {
  const summary = htmlToText(i.summary);
  const content = htmlToText(i.content);
  // Content usually repeats the summary; index it once.
  const body = content.includes(summary) ? content : `${summary}\n${content}`.trim();
  return { title: [i.title ?? '', ...(i.categories ?? [])].join('\n').trim(), body };
}
