// Atom 1.0 (RFC 4287) and Atom 0.3 read from the XML tree. Atom 0.3 documents without a namespace
// are read too: their elements have the empty namespace key.
import { asHtml, asText, attr, firstText, htmlBody, kid, kids, text, textConstruct, type TextConstruct } from './dom.js';
import { httpUrl, readExtras } from './extras.js';
import type { RawItem } from './normalize.js';
import { atomLink, firstDate, mediaDescription, type MappedFeed } from './rss.js';
import type { XmlElement } from './xml.js';

/** A lists the keys of an Atom element: in the Atom namespace, or in none. */
const A = (local: string) => [`atom:${local}`, `:${local}`];
const one = (el: XmlElement | null, local: string) => kid(el, ...A(local));

function tc(el: XmlElement | null): TextConstruct | null {
  return el ? textConstruct(el) : null;
}

function entryOf(entry: XmlElement): RawItem {
  const title = tc(one(entry, 'title'));
  const contentEl = one(entry, 'content');
  // content with src= points elsewhere (RFC 4287 §4.1.3.2): there is no inline body.
  const content = contentEl && !attr(contentEl, 'src') ? textConstruct(contentEl) : null;
  const summaryEl = one(entry, 'summary');
  const media = mediaDescription(entry);
  const itunes = kid(entry, 'itunes:summary');
  let summary = summaryEl ? textConstruct(summaryEl) : null;
  if (!summary?.value.trim())
    summary = (itunes && { type: 'text' as const, value: text(itunes), base: itunes.base }) || (media && htmlBody(media)) || null;
  // An entry with only <content>: its summary is the content, as feedparser and most readers show it.
  if (!summary?.value.trim()) summary = content;
  const author = one(entry, 'author');
  const updated = firstDate([one(entry, 'updated'), one(entry, 'modified'), kid(entry, 'dcterms:modified')]);
  const published = firstDate([
    one(entry, 'published'),
    one(entry, 'issued'),
    kid(entry, 'dcterms:issued'),
    one(entry, 'created'),
    kid(entry, 'dc:date'),
  ]);
  const idEl = one(entry, 'id');
  const id = idEl ? text(idEl).trim() || null : null;
  return {
    // atom:id is an IRI (RFC 4287 §4.2.6); a relative one is resolved against xml:base, as feedparser does.
    // A bare token ("right", "a") is kept as it is: only a path is a relative reference.
    guid: id && idEl && id.includes('/') && !/^[a-z][a-z0-9+.-]*:/i.test(id) ? (httpUrl(id, idEl.base) ?? id) : id,
    link: atomLink(kids(entry, ...A('link'))),
    title: asText(title),
    titleIsText: true,
    author: firstText([
      kid(author, ...A('name')),
      kid(entry, 'dc:creator'),
      kid(entry, 'dc:author'),
      kid(entry, 'itunes:author'),
      kid(author, ...A('email')),
    ]),
    published: published ?? updated,
    updated,
    summary: asHtml(summary),
    summaryBase: summary?.base,
    content: asHtml(content),
    contentBase: content?.base,
    comments: null,
    ...readExtras(entry),
  };
}

/** mapAtom reads an Atom feed element (or a lone Atom entry document). */
export function mapAtom(root: XmlElement): MappedFeed {
  const entries = root.local === 'entry' ? [root] : kids(root, ...A('entry'));
  const subtitle = one(root, 'subtitle') ?? one(root, 'tagline') ?? kid(root, 'itunes:summary');
  const itunesImage = kid(root, 'itunes:image');
  const logo = one(root, 'logo') ?? one(root, 'icon');
  return {
    title: asText(tc(one(root, 'title'))),
    titleIsText: true,
    siteUrl: atomLink(kids(root, ...A('link'))),
    description: subtitle ? asText(textConstruct(subtitle)) : null,
    language: root.lang ?? firstText([kid(root, 'dc:language')]),
    imageUrl: (logo ? httpUrl(text(logo), logo.base) : null) ?? (itunesImage ? httpUrl(attr(itunesImage, 'href'), itunesImage.base) : null),
    base: root.base,
    items: entries.map(entryOf),
  };
}
