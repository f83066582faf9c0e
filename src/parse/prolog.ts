// The XML prolog: declaration, comments, processing instructions and the DOCTYPE, whose internal
// subset may declare entities (XML 1.0 §2.8, §4.2). htmlparser2 reads a DOCTYPE only up to its first
// ">", so the prolog is scanned here and the parser starts at the document element.

/** EntityDecl is one general entity from the internal subset: replacement text, or external. */
export type EntityDecl = { value: string } | { external: true };

/** Prolog is where the document element starts and the entities the DOCTYPE declares. */
interface Prolog {
  rootStart: number;
  entities: Map<string, EntityDecl>;
}

const isSpace = (c: number) => c === 32 || c === 9 || c === 10 || c === 13;

/** skipDoctype returns the index after a DOCTYPE that starts at i, honouring quotes and "[…]". */
function skipDoctype(text: string, i: number): { end: number; subset: string | null } {
  let quote = '';
  let subsetStart = -1;
  for (let k = i + 9; k < text.length; k++) {
    const c = text[k];
    if (quote) {
      if (c === quote) quote = '';
      continue;
    }
    if (c === '"' || c === "'") quote = c;
    else if (c === '[' && subsetStart < 0) subsetStart = k + 1;
    else if (c === ']' && subsetStart >= 0) {
      const close = text.indexOf('>', k);
      return { end: close < 0 ? text.length : close + 1, subset: text.slice(subsetStart, k) };
    } else if (c === '<' && subsetStart >= 0 && text.startsWith('<!--', k)) {
      const e = text.indexOf('-->', k + 4);
      k = e < 0 ? text.length : e + 2;
    } else if (c === '>' && subsetStart < 0) return { end: k + 1, subset: null };
  }
  return { end: text.length, subset: subsetStart >= 0 ? text.slice(subsetStart) : null };
}

const ENTITY_DECL = /<!ENTITY\s+(%\s+)?([^\s%"'>]+)\s+(?:"([^"]*)"|'([^']*)'|(SYSTEM|PUBLIC)\b[^>]*)\s*>/g;
const CHAR_REF = /&#(x[0-9a-fA-F]{1,6}|[0-9]{1,7});/g;

// &#128;–&#159; name C1 controls, but feeds mean windows-1252 by them ("&#146;" for ’), as HTML5 reads them.
const CP1252 =
  '\u20ac\x81\u201a\u0192\u201e\u2026\u2020\u2021\u02c6\u2030\u0160\u2039\u0152\x8d\u017d\x8f\x90\u2018\u2019\u201c\u201d\u2022\u2013\u2014\u02dc\u2122\u0161\u203a\u0153\x9d\u017e\u0178';

/** charRef decodes a numeric character reference body ("x26", "38"); invalid code points give U+FFFD. */
export function charRef(body: string): string {
  const n = body[0] === 'x' || body[0] === 'X' ? parseInt(body.slice(1), 16) : parseInt(body, 10);
  if (n >= 0x80 && n <= 0x9f) return CP1252[n - 0x80];
  return n > 0 && n <= 0x10ffff && !(n >= 0xd800 && n <= 0xdfff) ? String.fromCodePoint(n) : '\uFFFD';
}

/** parseEntities reads the general entity declarations of an internal subset (parameter entities are ignored). */
function parseEntities(subset: string): Map<string, EntityDecl> {
  const out = new Map<string, EntityDecl>();
  for (const m of subset.matchAll(ENTITY_DECL)) {
    if (m[1] || out.has(m[2])) continue; // parameter entity, or a later duplicate (XML 1.0 §4.2: the first binds)
    if (m[5]) out.set(m[2], { external: true });
    // Character references in a literal are replaced when it is declared (XML 1.0 §4.5).
    else out.set(m[2], { value: (m[3] ?? m[4] ?? '').replace(CHAR_REF, (_, b: string) => charRef(b)) });
  }
  return out;
}

/** readProlog skips whitespace, the XML declaration, comments, PIs and the DOCTYPE before the document element. */
export function readProlog(text: string): Prolog {
  let i = 0;
  let entities = new Map<string, EntityDecl>();
  while (i < text.length) {
    while (i < text.length && isSpace(text.charCodeAt(i))) i++;
    if (text.startsWith('<?', i)) {
      const e = text.indexOf('?>', i + 2);
      i = e < 0 ? text.length : e + 2;
    } else if (text.startsWith('<!--', i)) {
      const e = text.indexOf('-->', i + 4);
      i = e < 0 ? text.length : e + 3;
    } else if (text.slice(i, i + 9).toUpperCase() === '<!DOCTYPE') {
      const d = skipDoctype(text, i);
      if (d.subset) entities = parseEntities(d.subset);
      i = d.end;
    } else break;
  }
  return { rootStart: i, entities };
}

/** rootNameAt reads the element name at i ("rdf:RDF"), or "" when no element starts there. */
export function rootNameAt(text: string, i: number): string {
  return /^<([A-Za-z_][\w:.-]*)/.exec(text.slice(i, i + 200))?.[1] ?? '';
}
