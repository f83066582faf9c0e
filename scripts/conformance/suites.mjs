// The suites whose expectations are JSON documents: gofeed (its RSS, Atom and JSON Feed models),
// rss-parser (`test/output/*.json`) and podcastparser (`tests/data/*.json`). Each expected
// value is mapped onto Inkzee's field of the same meaning; a field the suite's model has and
// ours does not is not checked. One check per (document, field, item).
import { diffAt, norm, same, show } from './compare.mjs';

/** OURS reads a field of a stored item (items --json) or feed (feeds --json); undefined = not output. */
export const OURS = {
  title: (it) => it.title,
  link: (it) => it.link,
  id: (it) => it.guid,
  author: (it) => it.author,
  published: (it) => it.published,
  updated: (it) => it.updated,
  summary: (it) => it.summary,
  content: (it) => it.content,
  enclosures: (it) => it.enclosures?.map((e) => e.url),
  'enclosure.type': (it) => it.enclosures?.map((e) => e.type),
  'enclosure.length': (it) => it.enclosures?.map((e) => e.length),
  duration: (it) => it.duration,
  tags: (it) => it.categories,
  'feed.title': (f) => f.docTitle,
  'feed.link': (f) => f.siteUrl,
  'feed.description': (f) => f.description,
  'feed.language': (f) => f.language,
  'feed.image': (f) => f.imageUrl,
};

function resolve(u, base) {
  if (typeof u !== 'string' || u.trim() === '') return u;
  try {
    return new URL(u.trim(), base).href;
  } catch {
    return u;
  }
}

/** misdecoded tells whether a suite's own output holds U+FFFD: its parser mis-decoded the document. */
const misdecoded = (v) => (Array.isArray(v) ? v.some(misdecoded) : typeof v === 'string' && v.includes('\uFFFD'));

/** KIND says how each field is compared. */
export const KIND = {
  title: 'text',
  link: 'url',
  id: 'text',
  author: 'text',
  published: 'date',
  updated: 'date',
  summary: 'html',
  content: 'html',
  enclosures: 'url',
  'enclosure.type': 'type',
  'enclosure.length': 'num',
  duration: 'seconds',
  tags: 'text',
  'feed.title': 'text',
  'feed.link': 'url',
  'feed.description': 'text',
  'feed.language': 'text',
  'feed.image': 'url',
  entries: 'num',
};

/**
 * check compares one expected value with what Inkzee stored and returns the check record.
 * doc.rawHtml, when set, adapts a suite's raw (unsanitized, unresolved) HTML to what Inkzee is
 * required to store: sanitized, relative URLs resolved against the document.
 */
export function check(suite, rel, field, index, expected, got, doc) {
  const kind = KIND[field];
  if (kind === 'html' && doc.rawHtml && typeof expected === 'string') expected = doc.rawHtml(expected);
  // a suite that keeps relative links means the same URL resolved against the document
  if (kind === 'url' && doc.base)
    expected = Array.isArray(expected) ? expected.map((u) => resolve(u, doc.base)) : resolve(expected, doc.base);
  const present = got !== undefined;
  const pass = present && same(kind, expected, got ?? null);
  const id = `${rel}|${field}${index == null ? '' : `|${index}`}`;
  let gotText = present ? show(got) : `no ${field} in Inkzee's output`;
  let expText = show(expected);
  if (present && !pass && typeof expected === 'string' && typeof got === 'string') {
    const d = diffAt(norm(kind, expected), norm(kind, got));
    if (d) {
      expText = d.expected;
      gotText = d.got;
    }
  }
  if (doc.refused && !pass) gotText = `refused: ${doc.refused}`;
  return { id, suite, file: rel, field, pass, expected: expText, got: pass ? undefined : gotText };
}

// The feed's fields, and a list of {field: expected} per item, turned into checks: one per
// (document, field), passing when the field is right on every item, so that a real feed with
// 700 episodes weighs as much as a one-item test document.
function compareDoc(suite, rel, doc, feedExp, itemsExp, { count = true, align, skip } = {}) {
  const out = [];
  for (const [field, exp] of Object.entries(feedExp)) {
    if (exp === undefined || misdecoded(exp)) continue;
    out.push(check(suite, rel, field, null, exp, doc.feed ? OURS[field](doc.feed) : null, doc));
  }
  if (!itemsExp) return out;
  // counted only when the suite expects items: an empty list is a test about feed-level fields
  if (count && itemsExp.length) out.push(check(suite, rel, 'entries', null, itemsExp.length, doc.items.length, doc));
  const perField = new Map();
  itemsExp.forEach((exp, i) => {
    const ours = align ? align(exp, i) : doc.items[i];
    for (const [field, e] of Object.entries(exp)) {
      if (e === undefined || misdecoded(e) || skip?.(field, ours)) continue;
      if (!perField.has(field)) perField.set(field, []);
      perField.get(field).push({ i, c: check(suite, rel, field, null, e, ours ? OURS[field](ours) : null, doc) });
    }
  });
  for (const list of perField.values()) {
    const bad = list.filter((x) => !x.c.pass);
    if (!bad.length) {
      out.push({ ...list[0].c, expected: `${list.length} items` });
      continue;
    }
    const { i, c } = bad[0];
    const more =
      bad.length > 1 ? ` (and ${bad.length - 1} more of ${list.length} items)` : list.length > 1 ? ` (1 of ${list.length} items)` : '';
    out.push({ ...c, expected: `item ${i}: ${c.expected}`, got: `${c.got}${more}` });
  }
  return out;
}

const first = (v) => (Array.isArray(v) ? v[0] : v);
const textOfConstruct = (c) => {
  if (c == null) return undefined;
  if (typeof c === 'string') return c;
  const v = c.value ?? '';
  // a text construct holds plain text: as HTML it is the escaped text
  return c.type === 'text' ? v.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;') : v;
};
const encl = (list, pick) => (list ? list.map(pick) : undefined);

function atomLink(links) {
  if (!links) return undefined;
  const l = links.find((x) => x.href && (!x.rel || x.rel === 'alternate'));
  return l ? l.href : undefined;
}

/** gofeedChecks compares a gofeed expected JSON (format model: rss, atom, json) with a document. */
export function gofeedChecks(rel, format, exp, doc) {
  if (format === 'json') {
    return compareDoc(
      'gofeed',
      rel,
      doc,
      {
        'feed.title': exp.title,
        'feed.link': exp.home_page_url,
        'feed.description': exp.description,
        'feed.language': exp.language,
        'feed.image': exp.icon,
      },
      (exp.items ?? []).map((it) => ({
        title: it.title,
        link: it.url,
        id: it.id,
        author: first(it.authors)?.name ?? it.author?.name,
        published: it.date_published,
        updated: it.date_modified,
        summary: it.summary,
        content: it.content_html ?? textOfConstruct(it.content_text == null ? undefined : { type: 'text', value: it.content_text }),
        enclosures: encl(it.attachments, (a) => a.url),
        'enclosure.type': encl(it.attachments, (a) => a.mime_type),
        'enclosure.length': encl(it.attachments, (a) => a.size_in_bytes),
        tags: it.tags,
        duration: it.attachments?.find((a) => a.duration_in_seconds)?.duration_in_seconds,
      })),
    );
  }
  if (format === 'atom') {
    return compareDoc(
      'gofeed',
      rel,
      doc,
      {
        'feed.title': exp.title,
        'feed.link': atomLink(exp.links),
        'feed.description': textOfConstruct(exp.subtitle),
        'feed.language': exp.language,
      },
      (exp.entries ?? []).map((e) => {
        const enc = e.links?.filter((l) => l.rel === 'enclosure' && l.href);
        return {
          title: e.title,
          link: atomLink(e.links),
          id: e.id,
          author: e.authors?.[0]?.name,
          published: e.published,
          updated: e.updated,
          summary: textOfConstruct(e.summary),
          content: textOfConstruct(e.content),
          enclosures: enc?.length ? enc.map((l) => l.href) : undefined,
          tags: e.categories?.map((c) => c.term).filter(Boolean),
        };
      }),
    );
  }
  return compareDoc(
    'gofeed',
    rel,
    doc,
    {
      'feed.title': exp.title,
      'feed.link': exp.link,
      'feed.description': exp.description,
      'feed.language': exp.language,
      'feed.image': exp.image?.url,
    },
    (exp.items ?? []).map((e) => ({
      title: e.title,
      link: e.link,
      id: e.guid?.value,
      author: e.author,
      published: e.pubDate,
      summary: e.description,
      content: e.content,
      enclosures: encl(e.enclosures, (x) => x.url),
      'enclosure.type': encl(e.enclosures, (x) => x.type),
      'enclosure.length': encl(e.enclosures, (x) => x.length),
      tags: e.categories?.map((c) => c.value),
      duration: e.itunesExt?.duration,
    })),
  );
}

/** rssParserChecks compares rss-parser's expected output with a document (atom: true for Atom inputs). */
export function rssParserChecks(rel, atom, exp, doc) {
  const f = exp.feed ?? exp;
  const cat = (c) => (typeof c === 'string' ? c : (c?._ ?? c?.$?.term));
  return compareDoc(
    'rss-parser',
    rel,
    doc,
    {
      'feed.title': f.title,
      'feed.link': f.link,
      'feed.description': f.description,
      'feed.language': f.language,
      'feed.image': f.image?.url,
    },
    (f.items ?? []).map((it) => ({
      title: it.title,
      link: it.link,
      id: atom ? it.id : it.guid,
      author: it.creator || it.author, // an empty dc:creator is absent (rss-parser reports <author> beside it)
      published: it.isoDate,
      summary: atom ? it.summary : it.content,
      content: atom ? it.content : it['content:encoded'],
      enclosures: it.enclosure ? [it.enclosure.url] : undefined,
      'enclosure.type': it.enclosure ? [it.enclosure.type] : undefined,
      'enclosure.length': it.enclosure ? [it.enclosure.length] : undefined,
      tags: it.categories?.map(cat),
      duration: it.itunes?.duration,
    })),
    { align: atom ? (e, i) => alignPublished(doc, i) : undefined },
  );
}

// rss-parser dates an Atom entry by `updated` when it has no `published`: ours keeps both apart.
function alignPublished(doc, i) {
  const it = doc.items[i];
  return it && { ...it, published: it.published ?? it.updated };
}

/**
 * podcastparserChecks compares podcastparser's expected JSON with a document served at base.
 * podcastparser invents values a document does not have (a guid from the enclosure URL or
 * link, an episode title from the file name, a feed title from the URL): those are not checked,
 * judged from the document's text (text), never from Inkzee's output.
 */
export function podcastparserChecks(rel, exp, doc, base, text = '') {
  const fix = (u) => (typeof u === 'string' ? u.replace(/^file:\/\/tests\/data\//, base) : u);
  const blocks = [...text.matchAll(/<(item|entry)[\s>][\s\S]*?<\/\1>/g)].map((m) => m[0]);
  const outside = text.replace(/<(item|entry)[\s>][\s\S]*?<\/\1>/g, '');
  const used = new Set();
  const align = (e, i) => {
    let k = doc.items.findIndex((it, j) => !used.has(j) && e.guid && it.guid && same('url', fix(it.guid), fix(e.guid)));
    if (k < 0) k = doc.items.findIndex((it, j) => !used.has(j) && e.title && it.title === e.title);
    if (k < 0) k = i < doc.items.length && !used.has(i) ? i : -1;
    if (k < 0) return null;
    used.add(k);
    return { ...doc.items[k], block: blocks[k] };
  };
  const out = compareDoc(
    'podcastparser',
    rel,
    doc,
    { 'feed.title': /<title\b/.test(outside) ? exp.title : undefined, 'feed.link': exp.link ? fix(exp.link) : undefined },
    (exp.episodes ?? []).map((e) => ({
      // a relative guid is an opaque string to Inkzee; podcastparser resolves it as a URL
      title: e.title,
      link: e.link ? fix(e.link) : null,
      id: typeof e.guid === 'string' ? e.guid.replace(/^file:\/\/tests\/data\//, '') : e.guid,
      published: e.published || null,
      enclosures: e.enclosures?.map((x) => fix(x.url)),
      'enclosure.type': e.enclosures?.map((x) => x.mime_type),
      'enclosure.length': e.enclosures?.map((x) => (x.file_size > 0 ? x.file_size : null)),
      duration: e.total_time || null,
    })),
    {
      count: false,
      align,
      skip: (field, ours) =>
        ours?.block !== undefined &&
        ((field === 'id' && !/<(guid|id)\b/.test(ours.block)) || (field === 'title' && !/<title\b/.test(ours.block))),
    },
  );
  return out;
}
