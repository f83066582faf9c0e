import { decodeHTML, escapeText } from 'entities';

// htmlparser2 keeps its open elements in an array it unshifts into, and sanitize-html walks its
// own stack, so a body of 100,000 nested <div>s costs seconds of CPU (50,000: about half a
// second) — a cheap way for a hostile feed to stall a crawl. No real post nests thousands deep,
// so a body that would is stored as its text instead of being parsed.

/** MAX_NESTING is the estimated element depth above which a body is kept as text only. */
const MAX_NESTING = 5000;

// Elements that never stay open (void), or that the parser closes by itself when the next one
// starts (p, li, td …): counting them would mistake a long list for deep nesting.
const NOT_NESTING = new Set(
  (
    'area base br col embed hr img input link meta source track wbr param keygen ' +
    'p li dt dd tr td th option optgroup tbody thead tfoot colgroup rb rt rp rtc'
  ).split(' '),
);
// No part of a match crosses a "<", so each scan stops at the next tag and the whole pass is
// linear. A run of plain characters is taken whole and never given back (the lookahead and its
// back-reference act as an atomic group), and a tag is read for at most 1,000 such parts: a
// quantifier per character kept a backtracking entry per character, and a single 9 MB tag
// overflowed the stack. A longer tag is not counted (it takes over 1 KB, so a body within
// --max-size cannot nest thousands of them).
const TAG = /<(\/?)([a-zA-Z][^\s/<>]*)(?:(?=([^<>"'/]+))\3|\/(?!>)|"[^<"]*"|'[^<']*'){0,1000}(\/?)>/g;

/** tooDeep says whether html may nest more than MAX_NESTING elements. It over-estimates (an end
 * tag closes only its own name here, where a parser may close several), never under-estimates
 * by much, and reads the string once. */
export function tooDeep(html: string): boolean {
  if (html.length < MAX_NESTING * 3) return false; // not even room for that many start tags
  const open = new Map<string, number>();
  let depth = 0;
  for (const m of html.matchAll(TAG)) {
    const name = m[2].toLowerCase();
    if (NOT_NESTING.has(name) || m[4]) continue;
    const count = open.get(name) ?? 0;
    if (m[1]) {
      if (count > 0) {
        open.set(name, count - 1);
        depth--;
      }
    } else {
      open.set(name, count + 1);
      if (++depth > MAX_NESTING) return true;
    }
  }
  return false;
}

/** asText turns HTML into escaped text without an HTML parser, in one linear pass: tags
 * removed, entities decoded then re-escaped. */
export function asText(html: string): string {
  return escapeText(decodeHTML(html.replace(/<[^<>]*>?/g, ' '))).replace(/[ \t]{2,}/g, ' ');
}
