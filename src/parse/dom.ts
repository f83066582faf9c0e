// Reading the XML tree: children by namespace key, text, inline markup, and Atom text constructs
// (RFC 4287 §3.1; Atom 0.3 "mode").
import { Parser } from 'htmlparser2';
import type { XmlElement, XmlNode } from './xml.js';

/** kids lists the child elements whose "ns:local" key is one of keys, in document order. */
export function kids(el: XmlElement | null | undefined, ...keys: string[]): XmlElement[] {
  if (!el) return [];
  const out: XmlElement[] = [];
  for (const c of el.children) if (typeof c !== 'string' && keys.includes(c.key)) out.push(c);
  return out;
}

/** kid is the first child element with one of the keys, or null. */
export function kid(el: XmlElement | null | undefined, ...keys: string[]): XmlElement | null {
  if (!el) return null;
  for (const c of el.children) if (typeof c !== 'string' && keys.includes(c.key)) return c;
  return null;
}

/** attr reads an attribute by lower-cased name, else by local name under any prefix ("rdf:resource"). */
export function attr(el: XmlElement | null | undefined, name: string): string | null {
  if (!el) return null;
  const v = el.attrs[name];
  if (v !== undefined) return v;
  for (const k in el.attrs) if (k.endsWith(`:${name}`) && !k.startsWith('xmlns')) return el.attrs[k];
  return null;
}

/** text is the concatenated text of an element and its descendants. */
export function text(el: XmlElement | null | undefined): string {
  if (!el) return '';
  let s = '';
  for (const c of el.children) s += typeof c === 'string' ? c : text(c);
  return s;
}

/** firstText is the trimmed text of the first of the elements that has any, or null. */
export function firstText(els: Iterable<XmlElement | null>): string | null {
  for (const el of els) {
    const t = el ? text(el).trim() : '';
    if (t) return t;
  }
  return null;
}

const VOID = new Set(['area', 'base', 'br', 'col', 'embed', 'hr', 'img', 'input', 'link', 'meta', 'param', 'source', 'track', 'wbr']);
const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
const escAttr = (s: string) => esc(s).replace(/"/g, '&quot;');

/** escapeHtml turns plain text into HTML text. */
export const escapeHtml = esc;

// SVG and MathML inside XHTML keep their namespace, declared where it starts (as feedparser writes them).
const FOREIGN = new Set(['http://www.w3.org/2000/svg', 'http://www.w3.org/1998/math/mathml']);
const XLINK = 'http://www.w3.org/1999/xlink';

function serialize(n: XmlNode): string {
  if (typeof n === 'string') return esc(n);
  const foreign = FOREIGN.has(n.ns.toLowerCase());
  // XHTML, SVG and MathML elements lose their prefix ("xhtml:b" → "b"); other vocabularies keep theirs.
  const name = n.ns === 'xhtml' || foreign ? n.name.slice(n.name.indexOf(':') + 1) : n.name;
  let a = '';
  if (foreign && n.parent?.ns !== n.ns) a += ` xmlns="${escAttr(n.ns)}"`;
  for (const k in n.attrs) {
    if (k === 'xmlns' || k.startsWith('xmlns:') || k === 'xml:base' || k === 'xml:lang') continue;
    a += ` ${n.names?.[k] ?? k}="${escAttr(n.attrs[k])}"`;
    if (k.startsWith('xlink:') && !a.includes(' xmlns:xlink=')) a += ` xmlns:xlink="${XLINK}"`;
  }
  if (!n.children.length && (VOID.has(n.local) || foreign)) return `<${name}${a} />`;
  return `<${name}${a}>${innerXml(n)}</${name}>`;
}

/** innerXml serializes an element's children as markup (inline XHTML or unescaped HTML in a feed). */
export function innerXml(el: XmlElement): string {
  let s = '';
  for (const c of el.children) s += serialize(c);
  return s;
}

/** hasElements tells whether an element has child elements (not only text). */
export const hasElements = (el: XmlElement) => el.children.some((c) => typeof c !== 'string');

/** TextConstruct is a text-bearing element's value: markup ("html") or plain text. */
export interface TextConstruct {
  type: 'html' | 'text';
  value: string;
  base: string;
}

const BASE64 = /^[A-Za-z0-9+/=\s]*$/;

function decodeBase64(s: string): string {
  return Buffer.from(s.replace(/\s+/g, ''), 'base64').toString('utf8');
}

/**
 * textConstruct reads an Atom text construct: type text/html/xhtml (xhtml → the inner XHTML of the
 * wrapping div, RFC 4287 §3.1.1.3), MIME types, and Atom 0.3 mode="escaped|base64|xml".
 */
export function textConstruct(el: XmlElement): TextConstruct {
  const type = (attr(el, 'type') ?? 'text').trim().toLowerCase();
  const mode = (el.attrs.mode ?? '').trim().toLowerCase();
  const base = el.base;
  const hasEls = hasElements(el);
  // The whole subtree's text, only for the branches that read it (xhtml and XML content do not).
  let raw: string | undefined;
  const rawText = () => (raw ??= text(el));
  // A non-text, non-XML MIME type on <content> means base64 (RFC 4287 §4.1.3.3); on other text
  // constructs only application/octet-stream does (feedparser), an unknown type stays text (gofeed).
  const binary =
    !hasEls &&
    type.includes('/') &&
    !type.startsWith('text/') &&
    !type.endsWith('xml') &&
    (el.local === 'content' || type === 'application/octet-stream');
  // Text that cannot be base64 ("{"a":1}" typed application/json) is kept as the text it is.
  if (mode === 'base64' || (binary && BASE64.test(rawText()))) {
    const decoded = decodeBase64(rawText());
    // Atom 0.3 base64 bodies were HTML in practice; only an explicit text type makes them text.
    const explicit = attr(el, 'type')?.trim().toLowerCase();
    return { type: explicit === 'text' || explicit === 'text/plain' ? 'text' : 'html', value: decoded, base };
  }
  // type="html" is escaped markup: its text is the HTML, even inside a stray <div> (feedparser).
  if (mode === 'escaped' || ((type === 'html' || type === 'text/html') && !hasEls)) return { type: 'html', value: rawText(), base };
  if (type === 'html') {
    // Escaped markup inside a stray XHTML div is still escaped markup (feedparser); real child elements are markup.
    const div = kids(el, 'xhtml:div', ':div')[0];
    const onlyDiv = div && !hasElements(div) && el.children.every((c) => c === div || (typeof c === 'string' && !c.trim()));
    return { type: 'html', value: onlyDiv ? text(div) : innerXml(el), base };
  }
  if (type === 'xhtml') {
    // RFC 4287 §3.1.1.3: the content is the inner XHTML of the one wrapping div.
    const div = kids(el, 'xhtml:div', ':div')[0];
    const onlyDiv = div && el.children.every((c) => c === div || (typeof c === 'string' && !c.trim()));
    return { type: 'html', value: innerXml(onlyDiv ? div : el), base };
  }
  // Atom 0.3 mode="xml" (the default) and XML media types: the child elements are the content.
  if (type.endsWith('xml') || hasEls) return { type: 'html', value: innerXml(el), base };
  return { type: 'text', value: rawText(), base };
}

/** htmlBody reads an RSS element that holds HTML: escaped or CDATA text, or unescaped inline markup. */
export function htmlBody(el: XmlElement): TextConstruct {
  return { type: 'html', value: hasElements(el) ? innerXml(el) : text(el), base: el.base };
}

/** stripTags strips tags and decodes entities ("Example <b>Atom</b>" → "Example Atom"); unlike src/text/html.ts it keeps no line structure. */
function stripTags(html: string): string {
  if (!html.includes('<') && !html.includes('&')) return html;
  let out = '';
  let skip = 0; // inside <script>/<style>, whose text is not text
  const p = new Parser(
    {
      onopentag(n) {
        if (n === 'script' || n === 'style') skip++;
      },
      onclosetag(n) {
        if ((n === 'script' || n === 'style') && skip) skip--;
      },
      ontext(t) {
        if (!skip) out += t;
      },
    },
    { decodeEntities: true },
  );
  p.write(html);
  p.end();
  return out;
}

/** asText gives a text construct as plain text. */
export const asText = (tc: TextConstruct | null): string | null => (tc ? (tc.type === 'text' ? tc.value : stripTags(tc.value)) : null);
/** asHtml gives a text construct as HTML. */
export const asHtml = (tc: TextConstruct | null): string | null => (tc ? (tc.type === 'html' ? tc.value : esc(tc.value)) : null);
