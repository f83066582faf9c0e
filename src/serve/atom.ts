// The Atom form of a stream, as Google Reader served it at /reader/atom/<stream> and FeedHQ and
// The Old Reader still do. newsboat before 2.22 (the one Debian 12 ships) reads items only this
// way in its `feedhq` and `oldreader` modes: each entry's <id> is the id it sends back to
// edit-tag, and its state comes from the Google Reader <category> elements (rss/atomparser.cpp,
// src/rssparser.cpp at newsboat r2.21). A pure function of items already read from the store.
import { escapeXml } from '../opml/write.js';
import type { ItemFilter, StoredItem } from '../store/contract.js';
import { ApiError, type ApiRequest, type ServeEnv, type Route } from './api.js';
import { wellFormed } from '../text/well-formed.js';

/** GR_SCHEME is the scheme of Google Reader's state and label categories. */
const GR_SCHEME = 'http://www.google.com/reader/';
const TAG = 'tag:google.com,2005:reader/';

/** longItemId is an item's Google Reader id: tag:google.com,2005:reader/item/ and 16 hex digits. */
export function longItemId(id: number): string {
  return `${TAG}item/${id.toString(16).padStart(16, '0')}`;
}

/** AtomStream describes the stream a feed document renders: its id, title and where to continue. */
export interface AtomStream {
  /** The stream id: "feed/12", "user/-/label/Tech", "user/-/state/com.google/reading-list", … */
  id: string;
  title: string;
  /** The feed's own URL and site, for a feed/<id> stream. */
  feedUrl?: string;
  siteUrl?: string | null;
  /** The request's own URL, for rel="self". */
  self?: string;
  /** An opaque string that fetches the next page (`c`), when there is one. */
  continuation?: string;
}

/** AtomEntryState is state the store keeps beside an item that the Atom form shows. */
export interface AtomEntryState {
  /** Marked unread on purpose by a client (Google Reader's kept-unread). */
  keptUnread?: boolean;
}

/** renderAtom renders a stream's items as one well-formed Atom 1.0 document with Google Reader's extensions. */
export function renderAtom(stream: AtomStream, items: readonly (StoredItem & AtomEntryState)[], now: Date): string {
  const head = [
    '<?xml version="1.0" encoding="utf-8"?>',
    '<feed xmlns="http://www.w3.org/2005/Atom" xmlns:gr="http://www.google.com/schemas/reader/atom/" xmlns:media="http://search.yahoo.com/mrss/">',
    '<generator uri="https://github.com/inkzee/inkzee">Inkzee</generator>',
    `<id>${x(streamAtomId(stream))}</id>`,
    `<title type="text">${x(stream.title)}</title>`,
  ];
  if (stream.continuation) head.push(`<gr:continuation>${x(stream.continuation)}</gr:continuation>`);
  if (stream.self) head.push(`<link rel="self" href="${x(stream.self)}"/>`);
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
    `<source gr:stream-id="feed/${it.feedId}"><id>${x(`${TAG}feed/${it.feedUrl}`)}</id>` +
      `<title type="text">${x(it.feedTitle ?? it.feedUrl)}</title></source>`,
  );
  lines.push('</entry>\n');
  return lines.join('\n');
}

/** categories are an entry's state, its folder and its own tags as Atom categories. */
function categories(it: StoredItem & AtomEntryState): string[] {
  const gr = (term: string, label: string) => `<category term="${x(term)}" scheme="${GR_SCHEME}" label="${x(label)}"/>`;
  const out = [gr('user/-/state/com.google/reading-list', 'reading-list')];
  if (it.read) out.push(gr('user/-/state/com.google/read', 'read'));
  else {
    // newsboat (2.21, rssparser.cpp) keeps its own idea of an entry it has seen unless a category
    // says "read", "fresh" or "kept-unread": without one of them an item marked unread in Inkzee
    // after newsboat read it would stay read there. Google Reader called unread items "fresh".
    out.push(gr('user/-/state/com.google/fresh', 'fresh'));
    if (it.keptUnread) out.push(gr('user/-/state/com.google/kept-unread', 'kept-unread'));
  }
  if (it.starred) out.push(gr('user/-/state/com.google/starred', 'starred'));
  if (it.category) out.push(gr(`user/-/label/${it.category}`, it.category));
  for (const c of it.categories) out.push(`<category term="${x(c)}"/>`);
  return out;
}

/** x escapes text for XML: lone surrogates become U+FFFD and the characters XML 1.0 forbids go, so any stored text gives well-formed XML. */
function x(s: string): string {
  return escapeXml(wellFormed(s));
}

/** atomRoutes is the Atom form of every stream: GET /reader/atom/<stream>, read access. */
export function atomRoutes(): Route[] {
  return [{ methods: ['GET'], pattern: /^\/reader\/atom\/(.+)$/, access: 'read', handler: atomStream }];
}

/** DEFAULT_N and MAX_N bound a page: Google Reader's default of 20 items, and a cap so one request cannot read the whole store. */
const DEFAULT_N = 20;
const MAX_N = 1000;

/** atomStream answers one Atom request: the stream's newest n items (unread only with xt=…/read). */
async function atomStream(req: ApiRequest, env: ServeEnv) {
  let id: string;
  try {
    id = decodeURIComponent(req.captures[0] ?? '');
  } catch {
    throw new ApiError(400, 'bad stream id: not percent-encoded UTF-8');
  }
  const n = pageSize(req.params.get('n'));
  const { title, filter, feedUrl, siteUrl } = await resolveStream(id, env);
  const xt = req.params.getAll('xt');
  for (const t of xt) if (t !== 'user/-/state/com.google/read') throw new ApiError(400, `unsupported xt: ${t}`);
  const items: StoredItem[] = [];
  if (filter) for await (const it of env.store.items({ ...filter, unread: xt.length > 0 || undefined, limit: n })) items.push(it);
  const xml = renderAtom({ id, title, feedUrl, siteUrl }, items, env.now());
  return { xml, headers: { 'Content-Type': 'application/atom+xml; charset=utf-8' } };
}

/** pageSize reads `n`: a whole number from 1, capped at MAX_N; absent, DEFAULT_N. */
function pageSize(v: string | null): number {
  if (v === null || v === '') return DEFAULT_N;
  if (!/^\d{1,9}$/.test(v) || Number(v) < 1) throw new ApiError(400, `bad n: ${v.slice(0, 40)} (a whole number from 1)`);
  return Math.min(Number(v), MAX_N);
}

/** ResolvedStream is a stream id as the store reads it; no filter means a stream that is always empty. */
interface ResolvedStream {
  title: string;
  filter?: ItemFilter;
  feedUrl?: string;
  siteUrl?: string | null;
}

/** resolveStream maps a stream id to an item filter (feed, folder label, reading list, starred); unknown ones are 404. */
async function resolveStream(id: string, env: ServeEnv): Promise<ResolvedStream> {
  const state = /^user\/[^/]+\/state\/com\.google\/(.+)$/.exec(id)?.[1];
  if (state === 'reading-list') return { title: 'Reading list', filter: {} };
  if (state === 'starred') return { title: 'Starred items', filter: { starred: true } };
  // Inkzee has no sharing: newsboat's special feeds "People you follow" and "Shared items" are
  // empty, not errors it would show on every reload.
  if (state === 'broadcast' || state === 'broadcast-friends') return { title: state };
  const label = /^user\/[^/]+\/label\/(.+)$/.exec(id)?.[1];
  if (label !== undefined) return { title: label, filter: { category: label } };
  const feed = /^feed\/(\d{1,15})$/.exec(id)?.[1];
  if (feed !== undefined) {
    const [f] = await env.store.listFeeds({ feed });
    if (f) return { title: f.title ?? f.meta.title ?? f.url, filter: { feed }, feedUrl: f.url, siteUrl: f.siteUrl };
  }
  throw new ApiError(404, `no such stream: ${id.slice(0, 200)}`);
}
