// How the sweep decides that two values of a field are "the same": HTML after canonical
// re-serialization (entities decoded, whitespace folded, attributes sorted), titles as text,
// dates as instants, URLs after WHATWG parsing, numbers as numbers. Each suite states its
// expectation in its own model; these functions make the comparison fair to both sides.
import { parseDocument } from 'htmlparser2';
import { textContent } from 'domutils';
import { decodeHTML } from 'entities';

const VOID = new Set(['area', 'base', 'br', 'col', 'embed', 'hr', 'img', 'input', 'link', 'meta', 'param', 'source', 'track', 'wbr']);
const esc = (s) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
const escAttr = (s) => esc(s).replace(/"/g, '&quot;');

function serialize(nodes) {
  let out = '';
  for (const n of nodes) {
    if (n.type === 'text') out += esc(n.data);
    else if (n.type === 'cdata') out += serialize(n.children);
    else if (n.type === 'tag' || n.type === 'script' || n.type === 'style') {
      const attrs = Object.entries(n.attribs)
        .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
        .map(([k, v]) => ` ${k}="${escAttr(v)}"`)
        .join('');
      out += `<${n.name}${attrs}>`;
      if (!VOID.has(n.name) || n.children.length) out += `${serialize(n.children)}</${n.name}>`;
    }
    // comments, doctypes and processing instructions carry no content a reader sees
  }
  return out;
}

/** normHtml canonicalizes an HTML fragment so that equivalent markup compares equal. */
export function normHtml(s) {
  if (s == null) return null;
  const doc = parseDocument(String(s), { recognizeSelfClosing: true, lowerCaseAttributeNames: true, lowerCaseTags: true });
  return serialize(doc.children).replace(/\s+/g, ' ').replace(/> </g, '><').trim() || null;
}

/** normText folds ASCII whitespace runs into one space and trims (titles, names, ids); empty is absent. */
export function normText(s) {
  if (s == null) return null;
  return (
    String(s)
      .replace(/[ \t\n\r\f]+/g, ' ')
      .replace(/^ | $/g, '') || null
  );
}

/** htmlText is the text content of an HTML fragment (what a reader sees, without markup). */
export function htmlText(s) {
  if (s == null) return null;
  return textContent(parseDocument(String(s), { recognizeSelfClosing: true }).children);
}

/** normUrl returns the WHATWG form of a URL, or the trimmed text when it does not parse. */
export function normUrl(s) {
  if (s == null) return null;
  const t = String(s).trim();
  if (t === '') return null;
  try {
    return new URL(t).href;
  } catch {
    return t;
  }
}

const ZONES = {
  UT: '+0000',
  UTC: '+0000',
  GMT: '+0000',
  Z: '+0000',
  EST: '-0500',
  EDT: '-0400',
  CST: '-0600',
  CDT: '-0500',
  MST: '-0700',
  MDT: '-0600',
  PST: '-0800',
  PDT: '-0700',
};

/** instant reads a date (ISO 8601, RFC 822, a Unix time, or a Python time tuple) as epoch ms, else null. */
export function instant(v) {
  if (v == null || v === '') return null;
  if (Array.isArray(v)) return v.length >= 6 ? Date.UTC(v[0], v[1] - 1, v[2], v[3], v[4], v[5]) : null;
  if (typeof v === 'number') return v === 0 ? null : v * 1000;
  let s = String(v).trim();
  if (/^\d{4}-\d\d-\d\d[T ]\d\d:\d\d(:\d\d(\.\d+)?)?$/.test(s)) s += 'Z'; // zone-less ISO is UTC in every suite
  s = s.replace(/\b([A-Z]{1,3}T|UTC?|Z)$/, (z) => ZONES[z] ?? z);
  const ms = Date.parse(s);
  return Number.isNaN(ms) ? null : ms;
}

/** seconds reads a duration (3600, "1:00:00", "60:00", "1:2:3") as whole seconds, else null. */
export function seconds(v) {
  if (v == null || v === '') return null;
  if (typeof v === 'number') return v > 0 ? Math.round(v) : null;
  const parts = String(v).trim().split(':');
  if (parts.length > 3 || parts.some((p) => !/^\d+(\.\d+)?$/.test(p))) return null;
  const n = parts.reduce((acc, p) => acc * 60 + Number(p), 0);
  return n > 0 ? Math.round(n) : null;
}

/** num reads a byte count or other integer; absent, zero and negative values are null. */
export function num(v) {
  if (v == null || v === '') return null;
  const n = Number(String(v).trim());
  return Number.isFinite(n) && n > 0 ? n : null;
}

/** NORMALIZERS maps a value kind to its canonical form. */
export const NORMALIZERS = {
  text: normText,
  html: normHtml,
  url: normUrl,
  date: instant,
  seconds,
  num,
  // application/octet-stream is RFC 2046's "unknown": podcastparser's default when a feed gives no type
  type: (v) => {
    const t = v == null ? '' : String(v).trim().toLowerCase();
    return t === '' || t === 'application/octet-stream' ? null : t;
  },
};

/** norm canonicalizes a value of a kind; a list (other than a date tuple) element by element. */
export function norm(kind, v) {
  const f = NORMALIZERS[kind] ?? ((x) => x);
  return Array.isArray(v) && kind !== 'date' ? v.map(f) : f(v);
}

/**
 * same compares an expected value (or list) with what Inkzee stored, after normalizing both.
 * Text fields are asymmetric: suites keep titles, names and descriptions as HTML (feedparser)
 * or as the raw markup of the document (gofeed, rss-parser), Inkzee stores text; the expected
 * value matches when its text content, or its markup with entities decoded, is what we stored.
 */
export function same(kind, expected, got) {
  if (kind === 'text') {
    const e = Array.isArray(expected) ? expected : [expected];
    const g = Array.isArray(got) ? got : [got];
    if (Array.isArray(expected) !== Array.isArray(got) || e.length !== g.length) return false;
    return e.every((x, i) => textCandidates(x).includes(normText(g[i])));
  }
  return JSON.stringify(norm(kind, expected)) === JSON.stringify(norm(kind, got));
}

function textCandidates(x) {
  if (x == null || typeof x !== 'string') return [normText(x)];
  return [normText(x), normText(htmlText(x)), normText(decodeHTML(x))];
}

/** diffAt shows two long normalized strings around their first difference, or null when short. */
export function diffAt(a, b, max = 160) {
  if (typeof a !== 'string' || typeof b !== 'string' || (a.length <= max && b.length <= max)) return null;
  let i = 0;
  while (i < a.length && a[i] === b[i]) i++;
  const from = Math.max(0, i - 40);
  const cut = (s) => `@${i}: ${from ? '…' : ''}${JSON.stringify(s.slice(from, from + 120))}${s.length > from + 120 ? '…' : ''}`;
  return { expected: cut(a), got: cut(b) };
}

/** show renders a value for a failure report, shortened. */
export function show(v, max = 160) {
  const s = typeof v === 'string' ? JSON.stringify(v) : (JSON.stringify(v) ?? String(v));
  return s.length > max ? `${s.slice(0, max)}…` : s;
}
