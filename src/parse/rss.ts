// RSS 0.9x, 1.0 (RDF) and 2.0, and Microsoft CDF, read from the XML tree into RawItems. Each field
// is read from every place feeds put it (RSS core, Dublin Core, iTunes, Media RSS, Atom inside RSS).
import {
  asHtml,
  asText,
  attr,
  firstText,
  hasElements,
  htmlBody,
  innerXml,
  kid,
  kids,
  text,
  textConstruct,
  type TextConstruct,
} from './dom.js';
import { toIsoDate } from './dates.js';
import { httpUrl, readExtras } from './extras.js';
import type { RawItem } from './normalize.js';
import type { XmlElement } from './xml.js';

/** MappedFeed is a document read into our fields, before items are normalized. */
export interface MappedFeed {
  title: string | null;
  /** Set when title is already plain text (Atom); RSS titles get one more entity decoding. */
  titleIsText: boolean;
  siteUrl: string | null;
  description: string | null;
  language: string | null;
  imageUrl: string | null;
  base: string;
  items: RawItem[];
}

/** firstDate reads the first element among els whose text is a valid date. */
export function firstDate(els: Iterable<XmlElement | null>): string | null {
  for (const el of els) {
    const d = el ? toIsoDate(text(el)) : null;
    if (d) return d;
  }
  return null;
}

/** atomLink picks an Atom link: rel="alternate" (or no rel) with an HTML type first; links without href are ignored. */
export function atomLink(links: XmlElement[]): string | null {
  let fallback: string | null = null;
  for (const l of links) {
    // Atom 0.3-era feeds sometimes put the URL in the element's text.
    const href = (attr(l, 'href') ?? text(l)).trim();
    if (!href) continue;
    const rel = (attr(l, 'rel') ?? 'alternate').trim().toLowerCase();
    if (rel !== 'alternate' && rel !== 'http://www.iana.org/assignments/relation/alternate') continue;
    const url = httpUrl(href, l.base);
    if (!url) continue;
    const type = (attr(l, 'type') ?? '').toLowerCase();
    if (!type || type.includes('html')) return url;
    fallback ??= url;
  }
  return fallback;
}

/** plain turns a description-like element into plain text. */
const plain = (el: XmlElement | null) => (el ? asText(htmlBody(el)) : null);

/** textOrHtml reads an element that is plain text unless it holds markup or says type="html" (Media RSS). */
function textOrHtml(el: XmlElement): TextConstruct {
  const type = (attr(el, 'type') ?? '').toLowerCase();
  if (type === 'html' || hasElements(el)) return htmlBody(el);
  return { type: 'text', value: text(el), base: el.base };
}

/** mediaDescription finds Media RSS's description of an item or entry, also inside media:group. */
export function mediaDescription(item: XmlElement): XmlElement | null {
  return (
    kid(item, 'media:description') ??
    kids(item, 'media:group')
      .map((g) => kid(g, 'media:description'))
      .find(Boolean) ??
    null
  );
}

/** personName reads an RSS author string: "me@example.com (Name)", "Name (me@example.com)", "Name <me@example.com>" give "Name". */
function personName(v: string | null): string | null {
  if (!v) return null;
  const s = v.trim();
  const m = /^\S+@\S+\s*\(([^)]+)\)$/.exec(s) ?? /^(.+?)\s*\(\S+@[^)\s]+\)$/.exec(s) ?? /^(.+?)\s*<\S+@[^>\s]+>$/.exec(s);
  return (m ? m[1].trim() : s) || null;
}

/**
 * guidUrl is the GUID as the link of an item without one: only a GUID that is an absolute http(s)
 * URL, as kept (a relative one marked isPermaLink="true" was resolved against xml:base by
 * permalinkGuid), and not marked isPermaLink="false". RSS 2.0 lets isPermaLink default to true,
 * but an opaque "p1" resolved as a path would be "<feed's directory>/p1", a page that never
 * existed; feedparser, too, takes a GUID as the link only when it looks like a URL.
 */
function guidUrl(guidEl: XmlElement | null, guid: string | null): string | null {
  if (!guidEl || !guid || !/^https?:\/\//i.test(guid) || (attr(guidEl, 'ispermalink') ?? '').trim().toLowerCase() === 'false') return null;
  return httpUrl(guid, guidEl.base);
}

// A GUID marked isPermaLink="true" is a URL (RSS 2.0): a relative one is resolved against xml:base,
// as a relative atom:id is. An unmarked GUID stays as written ("12345" is a name, not a path).
function permalinkGuid(guidEl: XmlElement): string {
  const guid = text(guidEl).trim();
  if ((attr(guidEl, 'ispermalink') ?? '').trim().toLowerCase() !== 'true' || /^[a-z][a-z0-9+.-]*:/i.test(guid)) return guid;
  return httpUrl(guid, guidEl.base) ?? guid;
}

function itemOf(item: XmlElement): RawItem {
  const guidEl = kids(item, ':guid').find((g) => text(g).trim()) ?? null;
  // RSS 1.0 names its items by rdf:about.
  const guid = guidEl ? permalinkGuid(guidEl) : attr(item, 'rdf:about')?.trim() || null;
  const linkEl = kids(item, ':link').find((l) => text(l).trim()) ?? null;
  const href = attr(item, 'href'); // CDF <ITEM HREF>
  const link =
    (linkEl ? httpUrl(text(linkEl), linkEl.base) : null) ??
    atomLink(kids(item, 'atom:link')) ??
    (href ? httpUrl(href, item.base) : null) ??
    guidUrl(guidEl, guid);

  const desc = kid(item, ':description') ?? kid(item, ':abstract');
  const summaryTc = desc
    ? htmlBody(desc)
    : ([kid(item, 'itunes:summary'), kid(item, 'dc:description'), mediaDescription(item)]
        .filter((e): e is XmlElement => !!e)
        .map(textOrHtml)
        .find((t) => t.value.trim()) ?? null);
  // Full bodies: content:encoded, an XHTML <body>, CDF-era <fullitem>, Atom content inside RSS.
  const body = kid(item, 'content:encoded') ?? kid(item, ':fullitem');
  const xbody = kid(item, 'xhtml:body', ':body');
  const atomContent = kid(item, 'atom:content');
  let contentTc: TextConstruct | null = body
    ? htmlBody(body)
    : xbody
      ? { type: 'html', value: innerXml(xbody), base: xbody.base }
      : atomContent
        ? textConstruct(atomContent)
        : null;
  let summary = summaryTc && summaryTc.value.trim() ? summaryTc : contentTc;
  // A non-standard <summary> beside <description>: the first of the two is the summary and the
  // other the body, unless the item has a body of its own (feedparser reads them so).
  const ownSummary = kid(item, ':summary');
  if (ownSummary && text(ownSummary).trim() && desc && summaryTc?.value.trim() && !contentTc) {
    const summaryFirst = item.children.indexOf(ownSummary) < item.children.indexOf(desc);
    contentTc = summaryFirst ? summaryTc : htmlBody(ownSummary);
    if (summaryFirst) summary = htmlBody(ownSummary);
  }

  const updated =
    firstDate([kid(item, 'atom:updated'), kid(item, 'dcterms:modified'), kid(item, 'dc:date')]) ?? toIsoDate(attr(item, 'lastmod'));
  const published = firstDate([
    kid(item, ':pubdate'),
    kid(item, 'dcterms:issued'),
    kid(item, 'dcterms:created'),
    kid(item, 'atom:published'),
    kid(item, 'dc:date'),
  ]);
  const atomAuthor = kid(item, 'atom:author');
  return {
    guid,
    link,
    title: firstText([kid(item, ':title'), kid(item, 'dc:title'), kid(item, 'itunes:title'), kid(item, 'media:title')]),
    author: personName(
      firstText([
        kid(item, ':author'),
        kid(item, 'dc:creator'),
        kid(item, 'dc:author'),
        kid(item, 'itunes:author'),
        kid(atomAuthor, 'atom:name'),
      ]),
    ),
    published: published ?? updated,
    updated,
    summary: asHtml(summary),
    summaryBase: summary?.base,
    content: asHtml(contentTc),
    contentBase: contentTc?.base,
    comments: firstText([kid(item, ':comments')]),
    ...readExtras(item),
  };
}

/** collectItems finds <item> elements anywhere below el (RSS 2.0 under channel, RSS 1.0 beside it, nested CDF channels). */
function collectItems(el: XmlElement, out: XmlElement[]): XmlElement[] {
  for (const c of el.children) {
    if (typeof c === 'string') continue;
    if (c.key === ':item') out.push(c);
    else if (c.ns === '' && c.local !== 'description' && c.children.length) collectItems(c, out);
  }
  return out;
}

/** mapRss reads an RSS, RDF or CDF document element. */
export function mapRss(root: XmlElement): MappedFeed {
  const channel = root.local === 'channel' ? root : (kid(root, ':channel') ?? root);
  const linkEl = kids(channel, ':link').find((l) => text(l).trim()) ?? null;
  // RSS 1.0 puts the <image> with its <url> beside the channel, which only refers to it.
  const image = [kid(channel, ':image'), kid(root, ':image')].find((i) => kid(i, ':url')) ?? kid(channel, ':image');
  const itunesImage = kid(channel, 'itunes:image') ?? kids(channel, 'itunes:link').find((l) => attr(l, 'rel') === 'image') ?? null;
  const subtitle = kid(channel, 'atom:subtitle');
  return {
    title: firstText([kid(channel, ':title'), kid(channel, 'dc:title'), kid(channel, 'atom:title')]),
    titleIsText: false,
    siteUrl:
      (linkEl ? httpUrl(text(linkEl), linkEl.base) : null) ??
      atomLink(kids(channel, 'atom:link')) ??
      (attr(channel, 'href') ? httpUrl(attr(channel, 'href'), channel.base) : null),
    description:
      [
        kid(channel, ':description'),
        kid(channel, ':abstract'),
        kid(channel, ':tagline'),
        kid(channel, 'dc:description'),
        kid(channel, 'itunes:summary'),
        kid(channel, 'itunes:subtitle'),
      ]
        .map(plain)
        .find((t) => t?.trim()) ?? (subtitle ? asText(textConstruct(subtitle)) : null),
    language: firstText([kid(channel, ':language'), kid(channel, 'dc:language')]) ?? channel.lang ?? root.lang,
    imageUrl:
      (image ? httpUrl(text(kid(image, ':url')) || attr(image, 'resource'), image.base) : null) ??
      (itunesImage ? httpUrl(attr(itunesImage, 'href') ?? attr(itunesImage, 'url') ?? text(itunesImage), itunesImage.base) : null) ??
      httpUrl(firstText([kid(channel, 'atom:logo'), kid(channel, 'atom:icon')]), channel.base),
    base: channel.base,
    items: collectItems(root, []).map(itemOf),
  };
}
