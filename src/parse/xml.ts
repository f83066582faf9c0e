// A lenient, namespace-aware XML tree built in one pass, by xml-replay.ts's scan for the common
// shape of feeds and by htmlparser2's tokenizer otherwise (the same events either way). Lenience is
// part of building: bare "&" stays text, end tags close what was left open, an entry opened inside
// an unclosed sibling entry becomes its sibling, and entries cut off by the end of the document
// are dropped. Entities are decoded here (not by htmlparser2) so that internal DTD entities expand
// with a bound and external ones are never read.
import { decodeHTMLStrict } from 'entities';
import { Parser } from 'htmlparser2';
import { charRef, type EntityDecl } from './prolog.js';
import { nsKey } from './namespaces.js';
import { replayXml } from './xml-replay.js';

/** XmlElement is one element: its namespace key, lower-cased local name, decoded attributes and inherited base/lang. */
export interface XmlElement {
  /** The name as written ("itunes:duration"), for serializing inline markup. */
  name: string;
  /** Lower-cased local name ("duration"). */
  local: string;
  /** Namespace key ("atom", "itunes", … for known URIs, "" for none/RSS, else the URI) and local: "itunes:duration". */
  key: string;
  ns: string;
  /** Attributes by lower-cased name as written ("xml:base", "href"), values decoded. */
  attrs: Record<string, string>;
  /** The names as written, for the attributes whose name has capitals ("viewBox"). */
  names?: Record<string, string>;
  children: XmlNode[];
  parent: XmlElement | null;
  /** xml:base in effect (RFC 3986 §5.1, inherited), absolute. */
  base: string;
  /** xml:lang in effect, inherited. */
  lang: string | null;
  scope: Map<string, string>;
}
/** XmlNode is an element or a run of decoded text. */
export type XmlNode = XmlElement | string;

/** XmlTree is the parsed document element and whether the markup needed repair. */
interface XmlTree {
  root: XmlElement | null;
  recovered: boolean;
}

/** LimitError says why a hostile document was refused (billion laughs, recursive entities, absurd nesting). */
export class LimitError extends Error {}

const ENTRY = new Set(['item', 'entry']);
const C1 = /[\x80-\x9f]/;
const C1G = /[\x80-\x9f]/g;
// HTML 4 meanings where HTML5 changed a name (feedparser, like the feeds of its time, uses HTML 4).
const HTML4: Record<string, string> = { lang: '\u2329', rang: '\u232a' };
const XML5: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };
/** The deepest element nesting kept in the tree. */
const MAX_DEPTH = 200;
const MAX_IGNORED = 5000;
/** The most replacement text the DTD entities of one document may produce. */
const MAX_ENTITY_EXPANSION = 1_000_000;
const ENT_AT = /&(?:(#[0-9]{1,7}|#[xX][0-9a-fA-F]{1,6})|([A-Za-z_][\w.:-]{0,63}))?(;?)/y;
// The name of the XML entity reference ("lt" for "lt;") that starts at i, or "".
const xmlEntityAt = (s: string, i: number): string => {
  switch (s.charCodeAt(i)) {
    case 108:
      return s.startsWith('lt;', i) ? 'lt' : '';
    case 103:
      return s.startsWith('gt;', i) ? 'gt' : '';
    case 97:
      return s.startsWith('amp;', i) ? 'amp' : s.startsWith('apos;', i) ? 'apos' : '';
    case 113:
      return s.startsWith('quot;', i) ? 'quot' : '';
    default:
      return '';
  }
};

function resolve(ref: string, base: string): string {
  try {
    return new URL(ref.trim(), base).href;
  } catch {
    return base;
  }
}

/** parseXmlTree builds the tree of the document element found at rootStart (with replay false,
 * always through htmlparser2: the reference the tests hold xml-replay.ts to). */
export function parseXmlTree(text: string, rootStart: number, url: string, entities: Map<string, EntityDecl>, replay = true): XmlTree {
  const src = rootStart ? text.slice(rootStart) : text;
  // The common shape is read by replayXml's scan, anything else by htmlparser2: same events, same tree.
  let slash = false;
  const replayed = treeBuilder(src, url, entities, () => slash);
  const ok =
    replay &&
    replayXml(
      src,
      {
        open(name, attribs, selfClosing) {
          slash = selfClosing;
          replayed.handler.onopentag(name, attribs);
        },
        close(name, implied) {
          replayed.handler.onclosetag(name, implied);
        },
        text(raw) {
          replayed.handler.ontext(raw);
        },
        cdata(raw) {
          replayed.handler.oncdatastart();
          replayed.handler.ontext(raw);
          replayed.handler.oncdataend();
        },
      },
      replayed.finished,
    );
  if (ok) return replayed.finish();
  let parser: Parser | null = null;
  const parsed = treeBuilder(src, url, entities, () => src.charCodeAt(parser!.endIndex - 1) === 47 /* "/>" */);
  parser = new Parser(parsed.handler, { xmlMode: true, decodeEntities: false, recognizeCDATA: true, recognizeSelfClosing: true });
  parser.write(src);
  const tree = parsed.finish();
  parser.end();
  return tree;
}

// The tree builder: htmlparser2's callbacks, fed by htmlparser2 or by replayXml. selfClosing says
// whether the start tag just read ended in "/>".
function treeBuilder(src: string, url: string, entities: Map<string, EntityDecl>, selfClosingTag: () => boolean) {
  let recovered = false;
  let expanded = 0;
  const memo = new Map<string, string>();

  // Replacement text of a declared entity, entities inside it expanded (XML 1.0 §4.4.2), bounded.
  const expand = (name: string, depth: number): string => {
    const hit = memo.get(name);
    if (hit !== undefined) return hit;
    const decl = entities.get(name)!;
    if (!('value' in decl)) return ''; // external: never fetched (XXE)
    if (depth > 16) throw new LimitError('entity references nest deeper than 16 levels (recursive entity?)');
    const out = decodeWith(decl.value, depth + 1);
    if (out.length > MAX_ENTITY_EXPANSION)
      throw new LimitError(`entity expansion exceeds ${MAX_ENTITY_EXPANSION} characters (billion laughs?)`);
    memo.set(name, out);
    return out;
  };
  // One reference (an ENT match) replaced.
  const reference = (m: string, num: string | undefined, name: string | undefined, semi: string, depth: number): string => {
    if (num) {
      if (!semi) recovered = true;
      return charRef(num.slice(1));
    }
    if (!name || !semi) {
      recovered = true;
      return m;
    } // a bare "&": keep it as text
    const x = XML5[name];
    if (x) return x;
    if (entities.has(name)) {
      const v = expand(name, depth);
      expanded += v.length;
      if (expanded > MAX_ENTITY_EXPANSION)
        throw new LimitError(`entity expansion exceeds ${MAX_ENTITY_EXPANSION} characters (billion laughs?)`);
      return v;
    }
    // Undeclared HTML entities (&nbsp; &eacute;) are decoded, as feedparser's loose parser does.
    if (HTML4[name]) return HTML4[name];
    const h = decodeHTMLStrict(m);
    return h === m ? m : h;
  };
  // Every "&" starts an ENT match, so the references are taken in turn from one "&" to the next;
  // the five XML entities, most of the references in feeds (escaped HTML), without the expression.
  const decodeWith = (raw: string, depth: number): string => {
    let at = raw.indexOf('&');
    if (at < 0) return raw;
    let out = '';
    let last = 0;
    while (at >= 0) {
      const name = xmlEntityAt(raw, at + 1);
      let end: number;
      let value: string;
      if (name) {
        value = XML5[name];
        end = at + name.length + 2;
      } else {
        ENT_AT.lastIndex = at;
        const m = ENT_AT.exec(raw)!;
        end = at + m[0].length; // before reference, which may decode an entity's text with ENT_AT
        value = reference(m[0], m[1], m[2], m[3], depth);
      }
      out += raw.slice(last, at) + value;
      last = end;
      at = raw.indexOf('&', end);
    }
    return out + raw.slice(last);
  };
  const decode = (raw: string) => decodeWith(raw, 0);

  let root: XmlElement | null = null;
  const stack: XmlElement[] = [];
  const selfClosing = new Set<XmlElement>();
  let inCdata = false;
  let ignored = 0;
  const popTo = (k: number) => {
    if (k < stack.length - 1) recovered = true;
    stack.length = k;
  };
  let coreUri: string | null = null;
  // A document declares a handful of namespaces on thousands of elements: each URI is keyed once.
  const keys = new Map<string, string>();
  const keyOf = (uri: string) => {
    let key = keys.get(uri);
    if (key === undefined) keys.set(uri, (key = nsKey(uri)));
    return key;
  };

  const handler = {
    onopentag(name: string, rawAttrs: Record<string, string>) {
      if (!stack.length && root) return; // content after the document element
      // Deeper than any feed nests: the tags are dropped (their text kept), so that reading the
      // tree never recurses without bound.
      if (stack.length >= MAX_DEPTH || ignored) {
        recovered = true;
        // htmlparser2's own stack costs O(depth) per tag: stop before that turns quadratic.
        if (++ignored > MAX_IGNORED) throw new LimitError(`elements nest deeper than ${MAX_DEPTH + MAX_IGNORED} levels`);
        return;
      }
      const colon = name.indexOf(':');
      const local = (colon < 0 ? name : name.slice(colon + 1)).toLowerCase();
      // An entry opened while a sibling entry is still open: the sibling was never closed (RSS
      // items do not nest), so close it and make this one its sibling.
      if (ENTRY.has(local)) {
        for (let k = stack.length - 1; k >= 0; k--) {
          if (stack[k].local === local && stack[k].name === name) {
            popTo(k);
            recovered = true;
            break;
          }
        }
      }
      const parent = stack[stack.length - 1] ?? null;
      let scope = parent?.scope ?? new Map<string, string>();
      const attrs: Record<string, string> = {};
      let names: Record<string, string> | undefined;
      for (const k in rawAttrs) {
        const lk = k.toLowerCase();
        if (lk !== k) (names ??= {})[lk] = k;
        const v = decode(rawAttrs[k]);
        attrs[lk] = v;
        if (lk === 'xmlns' || lk.startsWith('xmlns:')) {
          if (scope === parent?.scope || !parent) scope = new Map(scope);
          scope.set(lk === 'xmlns' ? '' : lk.slice(6), v);
        }
      }
      const prefix = colon < 0 ? '' : name.slice(0, colon).toLowerCase();
      const declared = scope.get(prefix);
      // Undeclared prefixes keep their name as the key: the common ones ("dc", "itunes", …) then
      // match the namespace they always stand for.
      let ns = declared !== undefined ? keyOf(declared) : prefix;
      // A document element in a namespace we do not know (<feed xmlns="http://example.com/newformat#">)
      // is still read as the format its name says: its namespace counts as the core one.
      if (!parent && ns.includes(':')) coreUri = ns;
      if (ns === coreUri) ns = '';
      const pBase = parent?.base ?? url;
      const el: XmlElement = {
        name,
        local,
        ns,
        key: `${ns}:${local}`,
        attrs,
        names,
        children: [],
        parent,
        scope,
        base: attrs['xml:base'] !== undefined ? resolve(attrs['xml:base'], pBase) : pBase,
        lang: attrs['xml:lang'] ?? parent?.lang ?? null,
      };
      if (parent) parent.children.push(el);
      else root = el;
      stack.push(el);
      if (selfClosingTag()) selfClosing.add(el);
    },
    onclosetag(name: string, implied: boolean) {
      // Ignored elements are always the innermost open ones, so they close first.
      if (ignored) {
        ignored--;
        return;
      }
      for (let k = stack.length - 1; k >= 0; k--) {
        if (stack[k].name !== name) continue;
        if (implied && !selfClosing.has(stack[k])) recovered = true;
        popTo(k);
        return;
      }
    },
    ontext(raw: string) {
      const top = stack[stack.length - 1];
      if (!top) return;
      let t = inCdata ? raw : decode(raw);
      // C1 controls in text are windows-1252 bytes read as Latin-1 ("don\u0092t"): what was meant is "don’t".
      if (C1.test(t)) t = t.replace(C1G, (c) => charRef(String(c.charCodeAt(0))));
      const last = top.children.length - 1;
      if (last >= 0 && typeof top.children[last] === 'string') top.children[last] += t;
      else top.children.push(t);
    },
    oncdatastart() {
      inCdata = true;
    },
    oncdataend() {
      inCdata = false;
    },
  };
  // Once the document element is closed, nothing after it is read.
  const finished = () => !stack.length && root !== null;
  // At the end of the text: whatever is still open was cut off by the end of the document, and a
  // partial entry is dropped rather than stored half.
  const finish = (): XmlTree => {
    if (stack.length) {
      recovered = true;
      for (const el of stack) {
        if (ENTRY.has(el.local) && el.parent) el.parent.children = el.parent.children.filter((c) => c !== el);
      }
    }
    stack.length = 0;
    return { root, recovered };
  };
  return { handler, finished, finish };
}
