// Items as the Google Reader API's JSON shows them (FreshRSS's shape): the long id, times as
// strings in ms and µs, published and updated as integers in seconds (NetNewsWire and FeedMe reject
// anything else), links, origin, the stored sanitized HTML as summary.content, and the item's
// reading-list, folder, state and topic as categories.
import type { Feed } from '../model.js';
import type { StoredItem } from '../store/contract.js';
import { longItemId } from './item-ids.js';
import { feedStreamId, folderStreamId, STATE, topicStreamId } from './streams.js';

/** ItemJson is one item of stream/contents and stream/items/contents. */
export interface ItemJson {
  id: string;
  crawlTimeMsec: string;
  timestampUsec: string;
  published: number;
  updated: number;
  title: string;
  canonical: { href: string }[];
  alternate: { href: string; type?: string }[];
  categories: string[];
  origin: { streamId: string; title: string; htmlUrl: string };
  summary: { content: string };
  author?: string;
  enclosure?: { href: string; type: string; length?: string }[];
}

/** ItemContext is what items need beside themselves: their feeds (for origin) and their topics. */
export interface ItemContext {
  feeds: ReadonlyMap<number, Feed>;
  topics: ReadonlyMap<number, string>;
}

const ms = (iso: string | null) => (iso === null ? NaN : Date.parse(iso));

/** itemCategories are an item's stream ids: reading-list, its folder and every folder above, its state, its topic. */
export function itemCategories(item: StoredItem, topic: string | undefined): string[] {
  const c = [`${STATE}reading-list`];
  if (item.category !== '') c.push(folderStreamId(item.category));
  if (item.read) c.push(`${STATE}read`);
  if (item.starred) c.push(`${STATE}starred`);
  if (topic !== undefined) c.push(topicStreamId(topic));
  return c;
}

/** itemJson shows one stored item. */
export function itemJson(item: StoredItem, ctx: ItemContext): ItemJson {
  // First seen, as FreshRSS's crawl time: what ot, nt and mark-all-as-read's ts compare with.
  const seen = ms(item.firstSeen);
  const published = Number.isFinite(ms(item.published)) ? ms(item.published) : seen;
  const updated = Number.isFinite(ms(item.updated)) ? ms(item.updated) : published;
  const feed = ctx.feeds.get(item.feedId);
  const links = item.link ? [{ href: item.link }] : [];
  const out: ItemJson = {
    id: longItemId(item.id),
    crawlTimeMsec: String(seen),
    timestampUsec: `${seen}000`,
    published: Math.floor(published / 1000),
    updated: Math.floor(updated / 1000),
    title: item.title ?? '',
    canonical: links,
    alternate: item.link ? [{ href: item.link, type: 'text/html' }] : [],
    categories: itemCategories(item, ctx.topics.get(item.id)),
    origin: {
      streamId: feedStreamId(item.feedId),
      title: feed?.title ?? feed?.meta.title ?? item.feedTitle ?? item.feedUrl,
      htmlUrl: feed?.siteUrl ?? item.feedUrl,
    },
    summary: { content: item.content ?? item.summary ?? '' },
  };
  if (item.author) out.author = item.author;
  if (item.enclosures.length)
    out.enclosure = item.enclosures.map((e) => ({
      href: e.url,
      type: e.type ?? 'application/octet-stream',
      ...(e.length !== null ? { length: String(e.length) } : {}),
    }));
  return out;
}
