// feedparser's suite: every test file carries `Expect: <python expression>` over feedparser's
// result (`feed`, `entries`, `bozo`, `encoding` …). The expression is split on its top-level
// `and`s; each conjunct that touches only fields Inkzee's model has becomes one check, evaluated
// against what the CLI stored. Conjuncts about anything else (bozo, encoding, namespaces,
// *_detail languages, links lists …) are not checks and are counted as unmappable.
import { conjuncts, parse } from './pyexpr.mjs';
import { norm, same, show } from './compare.mjs';

class Unmappable extends Error {}
class Missing extends Error {}
// An entry or list element that Inkzee did not store: keys are still mapped (so an unmappable
// clause stays unmappable), then reading a value fails the check.
const MISSING = { missing: 'not stored' };
const missing = (why) => ({ missing: why });

/** Val is a value read from Inkzee's output, with the field it belongs to and how to compare it. */
class Val {
  constructor(field, kind, v) { this.field = field; this.kind = kind; this.v = v ?? null; }
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
  title_detail: ENTRY.title, summary_detail: ENTRY.summary, author_detail: ['author', 'text', (it) => it.author],
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
const DETAIL_VALUE = { title_detail: 'value', summary_detail: 'value', subtitle_detail: 'value', tagline_detail: 'value', author_detail: 'name' };

function has(obj, key) { return obj != null && Object.prototype.hasOwnProperty.call(obj, key); }
function need(obj, key, field) {
  if (obj?.missing) return obj;
  return has(obj, key) ? obj[key] : missing(`${field}: no "${key}" in Inkzee's output`);
}
// guard passes a record on when it has the key (new fields a helper is adding), else marks it missing.
const guard = (obj, key, field) => (obj?.missing || has(obj, key) ? obj : missing(`${field}: no "${key}" in Inkzee's output`));

/** Node is a dict-like view on Inkzee's output that answers feedparser's keys it can map. */
class Node {
  constructor(kind, data, extra, fields) { this.kind = kind; this.data = data; this.extra = extra; this.fields = fields; }
  /** get maps a key, records the field it reads, and fails the check when the value is not stored. */
  get(key) {
    const v = this.map(key);
    if (v instanceof Val) {
      this.fields.add(v.field);
      if (v.v?.missing) throw new Missing(v.v.missing);
    } else if (v.fieldName) this.fields.add(v.fieldName);
    return v;
  }
  node(kind, data, extra) { return new Node(kind, data, extra, this.fields); }
  map(key) {
    const d = this.data;
    switch (this.kind) {
      case 'feed': {
        if (FEED[key]) { const [field, kind, f] = FEED[key]; return val(field, kind, key === 'title' ? guard(d, 'docTitle', field) : d, f); }
        if (FEED_DETAIL[key]) return this.node('detail', d, { spec: FEED_DETAIL[key], key, feed: true });
        if (key === 'image') return this.node('image', d);
        throw new Unmappable(`feed.${key}`);
      }
      case 'image':
        if (key === 'href' || key === 'url') return new Val('feed.image', 'url', need(d, 'imageUrl', 'feed.image'));
        throw new Unmappable(`feed.image.${key}`);
      case 'entries':
        if (typeof key !== 'number') throw new Unmappable('entries');
        return this.node('entry', (key < 0 ? -key > d.length : key >= d.length) ? MISSING : d.at(key));
      case 'entry': {
        if (ENTRY[key]) { const [field, kind, f] = ENTRY[key]; return val(field, kind, field === 'duration' ? guard(d, 'duration', field) : d, f); }
        if (ENTRY_DETAIL[key]) return this.node('detail', d, { spec: ENTRY_DETAIL[key], key });
        if (key === 'content') return this.list(d, (x) => (x.content == null ? [] : [x.content]), 'content', 'content');
        if (key === 'enclosures') return this.list(d, (x) => need(x, 'enclosures', 'enclosures'), 'enclosure', 'enclosures');
        if (key === 'tags') return this.list(d, (x) => need(x, 'categories', 'tags'), 'tag', 'tags');
        if (key === 'authors') return this.node('authors', d);
        throw new Unmappable(`entries[].${key}`);
      }
      case 'detail':
        if (key === DETAIL_VALUE[this.extra.key]) { const [field, kind, f] = this.extra.spec; return val(field, kind, field === 'feed.title' ? guard(d, 'docTitle', field) : d, f); }
        throw new Unmappable(`${this.extra.key}.${key}`);
      case 'list': {
        if (typeof key !== 'number') throw new Unmappable(`${this.extra.field}.${key}`);
        return this.node(this.extra.item, d?.missing ? d : key >= d.length || -key > d.length ? MISSING : d.at(key));
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
      default: throw new Unmappable(this.kind);
    }
  }
  list(d, items, item, field) {
    const n = this.node('list', d?.missing ? d : items(d), { item, field });
    n.fieldName = field;
    return n;
  }
  /** present tells whether feedparser would have the key: Inkzee stores absent values as null. */
  present(key) {
    try { const v = this.get(key); return v instanceof Val ? v.v != null : true; } catch (e) { if (e instanceof Missing) return false; throw e; }
  }
  len() {
    if (this.data?.missing) throw new Missing(this.data.missing);
    if (this.kind === 'entries' || this.kind === 'list') return this.data.length;
    throw new Unmappable(`len(${this.kind})`);
  }
}

function cmpValues(op, a, b, fields) {
  const kind = a instanceof Val ? a.kind : b instanceof Val ? b.kind : null;
  for (const x of [a, b]) if (x instanceof Val) fields.add(x.field);
  if (a instanceof Node || b instanceof Node) throw new Unmappable('comparison of a whole dict');
  // one side read from Inkzee, the other the suite's literal: compare as the field's kind says
  if (['==', '!=', 'is', 'is not'].includes(op) && (a instanceof Val) !== (b instanceof Val) && kind) {
    const ours = a instanceof Val ? a : b;
    const eq = same(kind, a instanceof Val ? b : a, ours.v);
    return op === '==' || op === 'is' ? eq : !eq;
  }
  const na = a instanceof Val ? norm(a.kind, a.v) : kind ? norm(kind, a) : a;
  const nb = b instanceof Val ? norm(b.kind, b.v) : kind ? norm(kind, b) : b;
  switch (op) {
    case '==': case 'is': return JSON.stringify(na) === JSON.stringify(nb);
    case '!=': case 'is not': return JSON.stringify(na) !== JSON.stringify(nb);
    case '<': return na < nb;
    case '>': return na > nb;
    case '<=': return na <= nb;
    case '>=': return na >= nb;
    default: throw new Unmappable(op);
  }
}

function evaluate(n, env, fields) {
  const ev = (x) => evaluate(x, env, fields);
  switch (n.k) {
    case 'lit': return typeof n.v === 'string' ? env.rewrite(n.v) : n.v;
    case 'name':
      if (n.n === 'feed') return env.feed;
      if (n.n === 'entries') { fields.add('entries'); return env.entries; }
      throw new Unmappable(n.n);
    case 'tuple': return n.items.map(ev);
    case 'dict': throw new Unmappable('dict literal');
    case 'neg': return -ev(n.e);
    case 'arith': throw new Unmappable('arithmetic');
    case 'not': return !truthy(ev(n.e));
    case 'and': return truthy(ev(n.l)) && truthy(ev(n.r));
    case 'or': return truthy(ev(n.l)) || truthy(ev(n.r));
    case 'sub': case 'attr': {
      const base = ev(n.e);
      if (!(base instanceof Node)) throw new Unmappable('subscript of a value');
      return base.get(n.k === 'attr' ? n.n : ev(n.i));
    }
    case 'call': {
      if (n.f.k === 'name' && n.f.n === 'len' && n.args.length === 1) {
        const v = ev(n.args[0]);
        if (v instanceof Node) return v.len();
        throw new Unmappable('len of a value');
      }
      if (n.f.k === 'attr' && (n.f.n === 'get' || n.f.n === 'has_key')) {
        const base = ev(n.f.e);
        const key = ev(n.args[0]);
        if (!(base instanceof Node)) throw new Unmappable(n.f.n);
        if (n.f.n === 'has_key') return base.present(key);
        return base.present(key) ? base.get(key) : n.args.length > 1 ? ev(n.args[1]) : null;
      }
      throw new Unmappable('call');
    }
    case 'cmp': {
      if (n.op === 'in' || n.op === 'not in') {
        const hay = ev(n.r);
        const key = ev(n.l);
        if (!(hay instanceof Node) || typeof key !== 'string') throw new Unmappable('in');
        const r = hay.present(key);
        return n.op === 'in' ? r : !r;
      }
      return cmpValues(n.op, ev(n.l), ev(n.r), fields);
    }
    case 'chain': {
      const vals = n.operands.map(ev);
      return n.ops.every((op, i) => cmpValues(op, vals[i], vals[i + 1], fields));
    }
    default: throw new Unmappable(n.k);
  }
}

function truthy(v) {
  if (v instanceof Val) return v.v != null && v.v !== '' && !(Array.isArray(v.v) && !v.v.length);
  if (v instanceof Node) return v.kind === 'list' || v.kind === 'entries' ? v.data.length > 0 : true;
  return Array.isArray(v) ? v.length > 0 : !!v;
}

/** expectOf finds the Expect: line in a feedparser test document (any encoding with an ASCII comment). */
export function expectOf(bytes) {
  const s = bytes.toString('latin1').replace(/\0/g, '');
  const m = /Expect:[ \t]*(.*?)[ \t]*(?:-->|\r?$)/m.exec(s);
  return m ? m[1] : null;
}

/**
 * feedparserChecks evaluates one test's Expect line against a crawled document. Returns the
 * checks (one per mappable conjunct) and the number of conjuncts that could not be mapped.
 */
export function feedparserChecks(rel, expr, doc, origin) {
  const envFor = (fields) => ({
    rewrite: (s) => s.replaceAll('http://127.0.0.1:8097', origin),
    feed: new Node('feed', doc.feed ?? {}, undefined, fields),
    entries: new Node('entries', doc.items, undefined, fields),
  });
  let tree;
  try { tree = parse(expr); } catch { return { checks: [], unmappable: 1, reasons: ['unparsable'] }; }
  const checks = [];
  let unmappable = 0;
  const reasons = [];
  conjuncts(tree).forEach((c, k) => {
    const fields = new Set();
    const env = envFor(fields);
    let pass, got;
    try {
      pass = truthy(evaluate(c, env, fields));
      got = pass ? undefined : describe(c, envFor(new Set()));
    } catch (e) {
      if (e instanceof Unmappable) { unmappable++; reasons.push(e.message.replace(/\[-?\d+\]/g, '[n]')); return; }
      if (!(e instanceof Missing)) throw e;
      pass = false;
      got = e.message;
    }
    fields.delete('entries');
    const field = fields.size ? [...fields].sort().join('+') : 'entries';
    if (doc.refused && !pass) got = `refused: ${doc.refused}`;
    checks.push({ id: `${rel}#${k}`, suite: 'feedparser', file: rel, field, pass, expected: exprText(expr, c, k), got });
  });
  return { checks, unmappable, reasons };
}

function exprText(expr, c, k) {
  const parts = expr.split(/\s+and\s+/);
  return parts.length === conjuncts(parse(expr)).length ? parts[k] : expr;
}

// For a failure report: the value(s) Inkzee had for the fields a failing conjunct read.
function describe(c, env) {
  const vals = [];
  const walk = (n) => {
    if (!n || typeof n !== 'object') return;
    if (n.k === 'sub' || n.k === 'attr') {
      try { const v = evaluate(n, env, new Set()); if (v instanceof Val) { vals.push(show(v.v)); return; } } catch { /* reported elsewhere */ }
    }
    for (const x of Object.values(n)) if (Array.isArray(x)) x.forEach(walk); else walk(x);
  };
  walk(c);
  return vals.join(' | ') || 'false';
}
