// The Atom form of a stream, as Google Reader served it at /reader/atom/<stream> and FeedHQ and
// The Old Reader still do. newsboat before 2.22 (the one Debian 12 ships) reads items only this
// way in its `feedhq` and `oldreader` modes: each entry's <id> is the id it sends back to
// edit-tag, and its state comes from the Google Reader <category> elements (rss/atomparser.cpp,
// src/rssparser.cpp at newsboat r2.21). renderAtom is a pure function of items already read; the
// route reads them through streams.ts, with the parameters of stream/contents.
import { escapeXml } from '../opml/write.js';
import type { StoredItem } from '../store/contract.js';
import { ApiError, type ApiReply, type ApiRequest, type ServeEnv, type Route } from './api.js';
import { longItemId } from './item-ids.js';
import {
  encodeContinuation,
  feedStreamId,
  LABEL,
  folderStreamId,
  pageFilter,
  parseStreamId,
  STATE,
  streamFilter,
  topicStreamId,
  type Stream,
} from './streams.js';
import { wellFormed } from '../text/well-formed.js';

/** GR_SCHEME is the scheme of Google Reader's state and label categories. */
const GR_SCHEME = 'http://www.google.com/reader/';
const TAG = 'tag:google.com,2005:reader/';

/** AtomStream describes the stream a feed document renders: its id, title and where to continue. */
export interface AtomStream {
  /** The stream id: "feed/12", "user/-/label/Tech", "user/-/state/com.google/reading-list", … */
  id: string;
  title: string;
  /** The feed's own URL and site, for a feed/<id> stream. */
  feedUrl?: string;
  siteUrl?: string | null;
  /** An opaque string that fetches the next page (`c`), when there is one. */
  continuation?: string;
}

/** AtomEntryState is what the Atom form shows beside a stored item. */
export interface AtomEntryState {
  /** Marked unread on purpose by a client (Google Reader's kept-unread), when the store keeps that. */
  keptUnread?: boolean;
  /** The label the default model gave the item (its topic). */
  topic?: string;
}

/** renderAtom renders a stream's items as one well-formed Atom 1.0 document with Google Reader's extensions. */
export function renderAtom(stream: AtomStream, items: readonly (StoredItem & AtomEntryState)[], now: Date): string {
  const head = [
    '<?xml version="1.0" encoding="utf-8"?>',
    '<feed xmlns="http://www.w3.org/2005/Atom" xmlns:gr="http://www.google.com/schemas/reader/atom/">',
    '<generator>Inkzee</generator>',
    `<id>${x(streamAtomId(stream))}</id>`,
    `<title type="text">${x(stream.title)}</title>`,
  ];
  if (stream.continuation) head.push(`<gr:continuation>${x(stream.continuation)}</gr:continuation>`);
  if (stream.siteUrl) head.push(`<link rel="alternate" type="text/html" href="${x(stream.siteUrl)}"/>`);
  head.push(`<updated>${now.toISOString()}</updated>`);
  return `${head.join('\n')}\n${items.map(entry).join('')}</feed>\n`;
}

/** streamAtomId is the document's <id>: a feed stream by its URL (as Google Reader named feeds), any other by its stream id. */
function streamAtomId(s: AtomStream): string {
  return s.feedUrl ? `${TAG}feed/${s.feedUrl}` : `${TAG}${s.id}`;
}

/** entry renders one item. */
function entry(it: StoredItem & AtomEntryState): string {
  const crawled = Date.parse(it.firstSeen);
  const published = it.published ?? it.firstSeen;
  const lines = [
    `<entry${Number.isFinite(crawled) ? ` gr:crawl-timestamp-msec="${crawled}"` : ''}>`,
    `<id gr:original-id="${x(it.guid ?? it.link ?? '')}">${longItemId(it.id)}</id>`,
    ...categories(it),
    `<title type="text">${x(it.title ?? '')}</title>`,
    `<published>${x(published)}</published>`,
    `<updated>${x(it.updated ?? published)}</updated>`,
  ];
  if (it.link) lines.push(`<link rel="alternate" type="text/html" href="${x(it.link)}"/>`);
  if (it.comments) lines.push(`<link rel="replies" type="text/html" href="${x(it.comments)}"/>`);
  for (const e of it.enclosures) {
    const type = e.type ? ` type="${x(e.type)}"` : '';
    const length = e.length != null ? ` length="${e.length}"` : '';
    lines.push(`<link rel="enclosure" href="${x(e.url)}"${type}${length}/>`);
  }
  // The stored HTML is already sanitized; as type="html" it travels escaped, never as CDATA, so a
  // "]]>" in it cannot end anything early.
  if (it.content) lines.push(`<content type="html">${x(it.content)}</content>`);
  else if (it.summary) lines.push(`<summary type="html">${x(it.summary)}</summary>`);
  if (it.author) lines.push(`<author><name>${x(it.author)}</name></author>`);
  lines.push(
    `<source gr:stream-id="${feedStreamId(it.feedId)}"><id>${x(`${TAG}feed/${it.feedUrl}`)}</id>` +
      `<title type="text">${x(it.feedTitle ?? it.feedUrl)}</title></source>`,
  );
  lines.push('</entry>\n');
  return lines.join('\n');
}

/** categories are an entry's state, its folder and its own tags as Atom categories. */
function categories(it: StoredItem & AtomEntryState): string[] {
  const gr = (term: string, label: string) => `<category term="${x(term)}" scheme="${GR_SCHEME}" label="${x(label)}"/>`;
  const out = [gr(`${STATE}reading-list`, 'reading-list')];
  if (it.read) out.push(gr(`${STATE}read`, 'read'));
  else {
    // newsboat (2.21, rssparser.cpp) keeps its own idea of an entry it has seen unless a category
    // says "read", "fresh" or "kept-unread": without one of them an item marked unread in Inkzee
    // after newsboat read it would stay read there. Google Reader called unread items "fresh".
    out.push(gr(`${STATE}fresh`, 'fresh'));
    if (it.keptUnread) out.push(gr(`${STATE}kept-unread`, 'kept-unread'));
  }
  if (it.starred) out.push(gr(`${STATE}starred`, 'starred'));
  // Folders and topics go without Google Reader's scheme: newsboat reads the label of every
  // category in that scheme as a state, so a folder named "read" would mark its items read there.
  const label = (term: string) => `<category term="${x(term)}" label="${x(term.slice(LABEL.length))}"/>`;
  if (it.category) out.push(label(folderStreamId(it.category)));
  if (it.topic !== undefined) out.push(label(topicStreamId(it.topic)));
  for (const c of it.categories) out.push(`<category term="${x(c)}"/>`);
  return out;
}

/** x escapes text for XML: lone surrogates become U+FFFD and the characters XML 1.0 forbids go, so any stored text gives well-formed XML. */
function x(s: string): string {
  return escapeXml(wellFormed(s));
}

/** atomRoutes is the Atom form of every stream: GET /reader/atom/<stream>, read access. */
export function atomRoutes(): Route[] {
  return [{ methods: ['GET'], pattern: /^\/reader\/atom\/(.+)$/s, access: 'read', handler: atomStream }];
}

/**
 * SHARING_STATES are Google Reader's sharing streams, which newsboat's special feeds ("People you
 * follow", "Shared items") read on every reload: Inkzee shares nothing, so they are empty rather
 * than errors shown each time.
 */
const SHARING_STATES = new Set([`${STATE}broadcast`, `${STATE}broadcast-friends`]);

/** atomStream answers one Atom request with the parameters of stream/contents (n, r=o, c, xt, it, ot, nt). */
async function atomStream(req: ApiRequest, env: ServeEnv): Promise<ApiReply> {
  let id: string;
  try {
    id = decodeURIComponent(req.captures[0] ?? '');
  } catch {
    throw new ApiError(400, 'stream id: not percent-encoded UTF-8');
  }
  const shared = SHARING_STATES.has(id.replace(/^user\/[^/]*\//, 'user/-/'));
  const stream = shared ? undefined : parseStreamId(id);
  const base = stream ? await streamFilter(stream, env.store, env.cfg.model) : undefined;
  // Parameters are read (and refused when bad) even for an empty stream.
  const { filter, n } = pageFilter(base ?? {}, req.params);
  const items: StoredItem[] = [];
  if (base) for await (const it of env.store.items(filter)) items.push(it);
  const page = items.slice(0, n);
  const last = page.at(-1);
  const continuation = items.length > n && last?.sortAt ? encodeContinuation({ id: last.id, sortAt: last.sortAt }) : undefined;
  const topics = await env.store.labelsOf(
    env.cfg.model,
    page.map((it) => it.id),
  );
  const entries = page.map((it) => ({ ...it, topic: topics.get(it.id) }));
  const xml = renderAtom({ id, continuation, ...(await describe(stream, id, env)) }, entries, env.now());
  return { xml, headers: { 'Content-Type': 'application/atom+xml; charset=utf-8' } };
}

/** describe gives a stream its title, and a feed its URL and site; a sharing stream (no Stream) is titled by its state. */
async function describe(s: Stream | undefined, id: string, env: ServeEnv): Promise<Omit<AtomStream, 'id'>> {
  switch (s?.kind) {
    case 'feed': {
      const [f] = await env.store.listFeeds({ feed: s.feed });
      return { title: f ? (f.title ?? f.meta.title ?? f.url) : s.feed, feedUrl: f?.url, siteUrl: f?.siteUrl };
    }
    case 'folder':
      return { title: s.path };
    case 'topic':
      return { title: s.label };
    case 'state':
      return { title: s.state === 'reading-list' ? 'Reading list' : s.state === 'starred' ? 'Starred items' : s.state };
    default:
      return { title: id.slice(id.lastIndexOf('/') + 1) };
  }
}
