// Inkzee's output seen as feedparser's result: `feed[...]` and `entries[n][...]` keys that have a
// field in Inkzee's model resolve to a Val (the value, its field, how to compare it); any other
// key throws Unmappable, and a mapped value Inkzee did not store throws Missing when read.

/** Unmappable: the expression asks about something Inkzee's model has no field for. */
export class Unmappable extends Error {}
/** Missing: a mapped field that Inkzee did not store (the check fails). */
export class Missing extends Error {}

// An entry or list element that Inkzee did not store: keys are still mapped (so an unmappable
// clause stays unmappable), then reading a value fails the check.
const missing = (why) => ({ missing: why });

/** Val is a value read from Inkzee's output, with the field it belongs to and how to compare it. */
export class Val {
  constructor(field, kind, v) {
    this.field = field;
    this.kind = kind;
    this.v = v ?? null;
  }
}
const val = (field, kind, d, f) => new Val(field, kind, d?.missing ? d : f(d));

const ENTRY = {
  title: ['title', 'text', (it) => it.title],
  link: ['link', 'url', (it) => it.link],
  id: ['id', 'text', (it) => it.guid],
  guid: ['id', 'text', (it) => it.guid],
  author: ['author', 'text', (it) => it.author],
  published: ['published', 'date', (it) => it.published],
  published_parsed: ['published', 'date', (it) => it.published],
  issued: ['published', 'date', (it) => it.published],
  issued_parsed: ['published', 'date', (it) => it.published],
  updated: ['updated', 'date', (it) => it.updated],
  updated_parsed: ['updated', 'date', (it) => it.updated],
  modified: ['updated', 'date', (it) => it.updated],
  modified_parsed: ['updated', 'date', (it) => it.updated],
  summary: ['summary', 'html', (it) => it.summary],
  description: ['summary', 'html', (it) => it.summary],
  itunes_duration: ['duration', 'seconds', (it) => it.duration],
};
const ENTRY_DETAIL = {
  title_detail: ENTRY.title,
  summary_detail: ENTRY.summary,
  author_detail: ['author', 'text', (it) => it.author],
};
const FEED = {
  title: ['feed.title', 'text', (f) => f.docTitle],
  link: ['feed.link', 'url', (f) => f.siteUrl],
  subtitle: ['feed.description', 'text', (f) => f.description],
  tagline: ['feed.description', 'text', (f) => f.description],
  description: ['feed.description', 'text', (f) => f.description],
  language: ['feed.language', 'text', (f) => f.language],
};
const FEED_DETAIL = { title_detail: FEED.title, subtitle_detail: FEED.subtitle, tagline_detail: FEED.tagline };

// Which key of a *_detail dict is the value itself (`name` for authors).
const DETAIL_VALUE = {
  title_detail: 'value',
  summary_detail: 'value',
  subtitle_detail: 'value',
  tagline_detail: 'value',
  author_detail: 'name',
};

function has(obj, key) {
  return obj != null && Object.prototype.hasOwnProperty.call(obj, key);
}
function need(obj, key, field) {
  if (obj?.missing) return obj;
  return has(obj, key) ? obj[key] : missing(`${field}: no "${key}" in Inkzee's output`);
}
// guard passes a record on when it has the key (new fields a helper is adding), else marks it missing.
const guard = (obj, key, field) => (obj?.missing || has(obj, key) ? obj : missing(`${field}: no "${key}" in Inkzee's output`));

/** Node is a dict-like view on Inkzee's output that answers feedparser's keys it can map. */
export class Node {
  constructor(kind, data, extra, fields) {
    this.kind = kind;
    this.data = data;
    this.extra = extra;
    this.fields = fields;
  }
  /** get maps a key, records the field it reads, and fails the check when the value is not stored. */
  get(key) {
    const v = this.map(key);
    if (v instanceof Val) {
      this.fields.add(v.field);
      if (v.v?.missing) throw new Missing(v.v.missing);
    } else if (v.fieldName) this.fields.add(v.fieldName);
    return v;
  }
  node(kind, data, extra) {
    return new Node(kind, data, extra, this.fields);
  }
  map(key) {
    const d = this.data;
    switch (this.kind) {
      case 'feed': {
        if (FEED[key]) {
          const [field, kind, f] = FEED[key];
          return val(field, kind, key === 'title' ? guard(d, 'docTitle', field) : d, f);
        }
        if (FEED_DETAIL[key]) return this.node('detail', d, { spec: FEED_DETAIL[key], key, feed: true });
        if (key === 'image') return this.node('image', d);
        throw new Unmappable(`feed.${key}`);
      }
      case 'image':
        if (key === 'href' || key === 'url') return new Val('feed.image', 'url', need(d, 'imageUrl', 'feed.image'));
        throw new Unmappable(`feed.image.${key}`);
      case 'entries':
        if (typeof key !== 'number') throw new Unmappable('entries');
        return this.node(
          'entry',
          (key < 0 ? -key > d.length : key >= d.length) ? missing(`entries[${key}] not stored (${d.length} items)`) : d.at(key),
        );
      case 'entry': {
        if (ENTRY[key]) {
          const [field, kind, f] = ENTRY[key];
          return val(field, kind, field === 'duration' ? guard(d, 'duration', field) : d, f);
        }
        if (ENTRY_DETAIL[key]) return this.node('detail', d, { spec: ENTRY_DETAIL[key], key });
        if (key === 'content') return this.list(d, (x) => (x.content == null ? [] : [x.content]), 'content', 'content');
        if (key === 'enclosures') return this.list(d, (x) => need(x, 'enclosures', 'enclosures'), 'enclosure', 'enclosures');
        if (key === 'tags') return this.list(d, (x) => need(x, 'categories', 'tags'), 'tag', 'tags');
        if (key === 'authors') return this.node('authors', d);
        throw new Unmappable(`entries[].${key}`);
      }
      case 'detail':
        if (key === DETAIL_VALUE[this.extra.key]) {
          const [field, kind, f] = this.extra.spec;
          return val(field, kind, field === 'feed.title' ? guard(d, 'docTitle', field) : d, f);
        }
        throw new Unmappable(`${this.extra.key}.${key}`);
      case 'list': {
        if (typeof key !== 'number') throw new Unmappable(`${this.extra.field}.${key}`);
        return this.node(
          this.extra.item,
          d?.missing
            ? d
            : key >= d.length || -key > d.length
              ? missing(`${this.extra.field}[${key}] not stored (${d.length} stored)`)
              : d.at(key),
        );
      }
      case 'content':
        if (key === 'value') return new Val('content', 'html', d);
        throw new Unmappable(`content[].${key}`);
      case 'enclosure':
        if (key === 'href' || key === 'url') return val('enclosures', 'url', d, (x) => x.url);
        if (key === 'length') return val('enclosures', 'num', d, (x) => x.length);
        if (key === 'type') return val('enclosures', 'type', d, (x) => x.type);
        throw new Unmappable(`enclosures[].${key}`);
      case 'authors':
        // Inkzee keeps one author per item: the first
        if (key === 0) return this.node('detail', d, { spec: ENTRY.author, key: 'author_detail' });
        throw new Unmappable(`authors[${key}]`);
      case 'tag':
        if (key === 'term') return new Val('tags', 'text', d);
        throw new Unmappable(`tags[].${key}`);
      default:
        throw new Unmappable(this.kind);
    }
  }
  list(d, items, item, field) {
    const n = this.node('list', d?.missing ? d : items(d), { item, field });
    n.fieldName = field;
    return n;
  }
  /** present tells whether feedparser would have the key: Inkzee stores absent values as null. */
  present(key) {
    try {
      const v = this.get(key);
      return v instanceof Val ? v.v != null : true;
    } catch (e) {
      if (e instanceof Missing) return false;
      throw e;
    }
  }
  len() {
    if (this.data?.missing) throw new Missing(this.data.missing);
    if (this.kind === 'entries' || this.kind === 'list') return this.data.length;
    throw new Unmappable(`len(${this.kind})`);
  }
}
