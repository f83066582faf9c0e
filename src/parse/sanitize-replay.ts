import { decodeHTML, decodeHTMLAttribute } from 'entities';
import { replayHtml } from '../text/html-replay.js';
import { DROP_WITH_CONTENT, HTML_ELEMENTS, SELF_CLOSING } from './sanitize-lists.js';

// Most feed bodies are plain HTML: allowed tags with double-quoted attributes, text, comments. For
// them, replayedSanitize writes what sanitize-html writes with sanitize.ts's options, from
// replayHtml's events (the same events sanitize-html gets from htmlparser2) and the same attribute
// filter (sanitize.ts's cleanAttributes), without either library's per-tag cost. Anything else —
// SVG, MathML, raw-text elements, elements dropped with their content, a srcset (which
// sanitize-html rewrites), a URL whose scheme check is not plainly passed — makes it give up, and
// sanitize-html does the whole body. The property test in test/parse/sanitize-replay.test.ts holds
// the two to the same output.

/** Attributes is an element's attributes as htmlparser2 gives them (lower-cased names, first wins). */
export type Attributes = Record<string, string>;

// sanitize-html checks the scheme of these attributes once more (its allowedSchemesAppliedToAttributes
// default); an empty value or an http(s) URL always passes that check.
const SCHEME_CHECKED = new Set(
  (
    'href src cite action formaction data xlink:href poster background ping longdesc usemap codebase ' +
    'classid archive profile manifest itemid dynsrc lowsrc'
  ).split(' '),
);
const PLAINLY_SAFE = /^https?:/i;
const DROPPED = new Set(DROP_WITH_CONTENT);
const ATTRIBUTE = /[ \t\n\f\r]+([^\s"'<>/=]+)(?:="([^"]*)")?/g;

const escapeText = (s: string) => (/[&<>]/.test(s) ? s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;') : s);
const escapeValue = (s: string) => (/[&<>"]/.test(s) ? escapeText(s).replace(/"/g, '&quot;') : s);

/** replayedSanitize is sanitize-html's output for html with clean as its attribute transform, or null where it gives up. */
export function replayedSanitize(html: string, clean: (tag: string, attribs: Attributes) => Attributes): string | null {
  let out = '';
  const done = replayHtml(html, {
    text(start, end) {
      const t = html.slice(start, end);
      out += escapeText(t.includes('&') ? decodeHTML(t) : t);
    },
    open(name, source) {
      // Other elements are unwrapped, their text kept; those dropped with their text
      // (sanitize-lists.ts DROP_WITH_CONTENT) are left to sanitize-html.
      if (!HTML_ELEMENTS.has(name)) return !DROPPED.has(name);
      const attribs: Attributes = {};
      if (source) {
        for (const m of source.matchAll(ATTRIBUTE)) {
          const key = m[1].toLowerCase();
          const value = m[2] === undefined ? '' : m[2].includes('&') ? decodeHTMLAttribute(m[2]) : m[2];
          if (!Object.hasOwn(attribs, key)) attribs[key] = value;
        }
      }
      const kept = clean(name, attribs);
      let tag = `<${name}`;
      for (const key of Object.keys(kept)) {
        const value = kept[key];
        if (key === 'srcset' || (SCHEME_CHECKED.has(key) && value !== '' && !PLAINLY_SAFE.test(value))) return false;
        if (key === 'class' && value === '') continue; // sanitize-html drops an empty class
        tag += value ? ` ${key}="${escapeValue(value)}"` : ` ${key}=""`;
      }
      out += SELF_CLOSING.has(name) ? `${tag} />` : `${tag}>`;
      return true;
    },
    close(name) {
      if (HTML_ELEMENTS.has(name) && !SELF_CLOSING.has(name)) out += `</${name}>`;
    },
  });
  return done ? out : null;
}
