import { CSS_KEYWORDS, CSS_PROPERTIES, CSS_SHORTHAND_PREFIXES, SVG_CSS_PROPERTIES } from './sanitize-lists.js';

// feedparser's style rules, rewritten: a style attribute survives only if it is made of plain
// declarations whose values use a small character set (no escapes, no functions except rgb(),
// no url()), and only allowlisted properties are kept, re-serialized as "prop: value;".

// url(...) is removed first, so a background image never loads and never carries a scheme.
const URL_FUNCTION = /url\s*\(\s*[^\s)]+?\s*\)\s*/gi;
// Characters, hyphenated words, simple quoted names and digit-only parentheses (rgb()):
// anything else — backslash escapes, expression(), comments, "<" — rejects the whole attribute.
const SAFE_CHARACTERS = /^(?:[:,;#%.\sa-zA-Z0-9!]|\w-\w|'[\s\w]+'|"[\s\w]+"|\([\d,\s]+\))*$/;
const DECLARATION_LIST = /^\s*(?:[-\w]+\s*:[^:;]*(?:;\s*|$))*$/;
const DECLARATION = /([-\w]+)\s*:\s*([^:;]*)/g;
// A colour or a length of at most two digits each side of the point (so "99999em" fails).
const SHORT_VALUE = /^(?:#[0-9a-f]+|rgb\(\d+%?,\d*%?,?\d*%?\)?|\d{0,2}\.?\d{0,2}(?:cm|em|ex|in|mm|pc|pt|px|%|,|\))?)$/;
// Real styles are short; a longer one is dropped rather than scanned.
const MAX_STYLE_LENGTH = 4096;

/** sanitizeStyle keeps the allowed declarations of a style attribute, or returns '' for none. */
export function sanitizeStyle(style: string, inSvg: boolean): string {
  if (style.length > MAX_STYLE_LENGTH) return '';
  const css = style.replace(URL_FUNCTION, ' ');
  if (!SAFE_CHARACTERS.test(css) || !DECLARATION_LIST.test(css)) return '';
  const kept: string[] = [];
  for (const [, prop, value] of css.matchAll(DECLARATION)) {
    if (!value) continue;
    const name = prop.toLowerCase();
    if (CSS_PROPERTIES.has(name) || (inSvg && SVG_CSS_PROPERTIES.has(name))) {
      kept.push(`${prop}: ${value};`);
    } else if (CSS_SHORTHAND_PREFIXES.has(name.split('-')[0])) {
      const words = value.split(/\s+/).filter(Boolean);
      if (words.every((w) => CSS_KEYWORDS.has(w) || SHORT_VALUE.test(w))) kept.push(`${prop}: ${value};`);
    }
  }
  return kept.join(' ');
}
