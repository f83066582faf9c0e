import sanitize from 'sanitize-html';
import { sanitizeStyle } from './sanitize-css.js';
import { asText, tooDeep } from './sanitize-deep.js';
import {
  DROP_WITH_CONTENT,
  HTML_ATTRIBUTES,
  HTML_ELEMENTS,
  MATHML_ATTRIBUTES,
  MATHML_ELEMENTS,
  RELATIVE_URIS,
  SELF_CLOSING,
  SVG_ATTRIBUTES,
  SVG_ELEMENTS,
  URI_SCHEMES,
  URL_ATTRIBUTES,
} from './sanitize-lists.js';
import { replayedSanitize } from './sanitize-replay.js';
import { cleanSrcset, isSafeUri, resolveUri } from './sanitize-url.js';

// Feed HTML is sanitized once, at store time, with sanitize-html driven by feedparser's
// allowlists (sanitize-lists.ts). sanitize-html cannot make an allowlist depend on context, so
// our transform does the per-element work: MathML/SVG names count only inside <math>/<svg>,
// attributes are filtered per vocabulary, style is rewritten, URLs are resolved then checked.
// sanitize-html then applies its own scheme check, escapes every text and attribute, and drops
// comments, as a second line of defence.

const SVG_NS = 'http://www.w3.org/2000/svg';
const MATHML_NS = 'http://www.w3.org/1998/Math/MathML';
const XLINK_NS = 'http://www.w3.org/1999/xlink';
// Per-call state read by the transform; sanitizeHtml is synchronous, so one call at a time.
let svgDepth = 0;
let mathDepth = 0;
let currentBase: string | null = null;
// sanitize-html looks every tag up in allowedTags (indexOf), so the common tags come first, and
// the MathML/SVG names are put in front only while a <math>/<svg> is open. (Renaming
// out-of-context tags instead trips a sanitize-html bug: the rename of a discarded tag sticks
// to the next sibling's end tag.)
const COMMON =
  'p a br span div img li em strong b i code pre blockquote ul ol h2 h3 h4 h1 h5 h6 td tr table th tbody thead figure figcaption sup sub hr small'.split(
    ' ',
  );
const HTML_ORDER = [...new Set([...COMMON, ...HTML_ELEMENTS])];
const SVG_ORDER = [...SVG_ELEMENTS];
const MATHML_ORDER = [...MATHML_ELEMENTS];
const allowedTags: string[] = [...HTML_ORDER];
let foreignAllowed = false;
function setAllowedTags(): void {
  if (!foreignAllowed && svgDepth <= 0 && mathDepth <= 0) return; // the common case: plain HTML
  allowedTags.length = 0;
  if (mathDepth > 0) for (const t of MATHML_ORDER) allowedTags.push(t);
  if (svgDepth > 0) for (const t of SVG_ORDER) allowedTags.push(t);
  foreignAllowed = allowedTags.length > 0;
  for (const t of HTML_ORDER) allowedTags.push(t);
}

// Browsers drop tabs and newlines inside a URL, and an HTML parser turns NUL into U+FFFD; we
// drop them all first, so the URL we check and resolve is the one a browser would follow.
const URL_NOISE = /[\0-\x08\x0b\x0c\x0e-\x1f\x7f\t\n\r]/g;

function cleanUrl(tag: string, attr: string, value: string): string {
  let url = value.replace(URL_NOISE, '').trim();
  // An empty URL stays empty (it is what an unsafe one becomes), so sanitizing twice changes nothing.
  if (url !== '' && currentBase !== null && RELATIVE_URIS.has(`${tag}@${attr}`)) url = resolveUri(url, currentBase);
  // As feedparser does, an unsafe URL is emptied rather than the attribute removed.
  return isSafeUri(url, tag === 'img' && attr === 'src') ? url : '';
}

function cleanAttributes(tag: string, vocabulary: 'html' | 'svg' | 'math', attribs: sanitize.Attributes): sanitize.Attributes {
  const out: sanitize.Attributes = {};
  for (const [key, value] of Object.entries(attribs)) {
    let name: string | undefined = key;
    if (key === 'style') {
      const style = sanitizeStyle(value, svgDepth > 0);
      if (style) out.style = style;
      continue;
    }
    if (vocabulary === 'svg')
      name = SVG_ATTRIBUTES.get(key.toLowerCase()); // the parser lower-cases viewBox
    else if (vocabulary === 'math') name = MATHML_ATTRIBUTES.has(key) ? key : undefined;
    else if (!HTML_ATTRIBUTES.has(key)) name = undefined;
    if (name === undefined) continue;
    if (name === 'srcset') {
      const srcset = cleanSrcset(value, currentBase);
      if (srcset) out.srcset = srcset;
    } else {
      out[name] = URL_ATTRIBUTES.has(name) ? cleanUrl(tag, name, value) : value;
    }
  }
  if (vocabulary === 'svg' && tag === 'svg' && !out.xmlns) out.xmlns = SVG_NS;
  if (vocabulary === 'math' && tag === 'math' && !out.xmlns) out.xmlns = MATHML_NS;
  if (vocabulary !== 'html' && !out['xmlns:xlink'] && Object.keys(out).some((k) => k.startsWith('xlink:'))) out['xmlns:xlink'] = XLINK_NS;
  return out;
}

const cleanHtmlAttributes = (tag: string, attribs: sanitize.Attributes) => cleanAttributes(tag, 'html', attribs);

function transform(tagName: string, attribs: sanitize.Attributes): sanitize.Tag {
  if (mathDepth > 0 && MATHML_ELEMENTS.has(tagName)) return { tagName, attribs: cleanAttributes(tagName, 'math', attribs) };
  if (svgDepth > 0 && SVG_ELEMENTS.has(tagName)) return { tagName, attribs: cleanAttributes(tagName, 'svg', attribs) };
  if (HTML_ELEMENTS.has(tagName)) return { tagName, attribs: cleanAttributes(tagName, 'html', attribs) };
  // Not allowed here: sanitize-html unwraps it, or drops it with its text (script, style…).
  return { tagName, attribs: {} };
}

const allAttributeNames = [...new Set([...HTML_ATTRIBUTES, ...MATHML_ATTRIBUTES, ...SVG_ATTRIBUTES.values(), 'style'])];

// sanitize-html 2.18 options its type package does not list yet.
type Options = sanitize.IOptions & { allowedEmptyAttributes: string[] };

// Built once: this runs on every summary and content of every item.
const OPTIONS: Options = {
  allowedTags,
  allowedAttributes: false, // filtered per vocabulary by the transform
  allowedEmptyAttributes: allAttributeNames,
  nonBooleanAttributes: [],
  allowedSchemes: [...URI_SCHEMES],
  allowedSchemesByTag: { img: [...URI_SCHEMES, 'data'] },
  allowProtocolRelative: true,
  parseStyleAttributes: false, // rewritten by sanitizeStyle instead
  nonTextTags: DROP_WITH_CONTENT,
  disallowedTagsMode: 'discard',
  selfClosing: [...SELF_CLOSING],
  transformTags: { '*': transform },
  onOpenTag: (name: string) => {
    if (name === 'svg' && ++svgDepth === 1) setAllowedTags();
    else if (name === 'math' && ++mathDepth === 1) setAllowedTags();
  },
  onCloseTag: (name: string) => {
    if (name === 'svg' && --svgDepth === 0) setAllowedTags();
    else if (name === 'math' && --mathDepth === 0) setAllowedTags();
  },
  parser: { decodeEntities: true },
};

/** sanitizeHtml makes feed HTML safe to embed and resolves its relative URLs against baseUrl. */
export function sanitizeHtml(html: string, baseUrl: string | null): string {
  return sanitizeWith(html, baseUrl, true);
}

/** sanitizeWithLibrary is sanitizeHtml with every body through sanitize-html: the reference for sanitize-replay.ts. */
export function sanitizeWithLibrary(html: string, baseUrl: string | null): string {
  return sanitizeWith(html, baseUrl, false);
}

function sanitizeWith(html: string, baseUrl: string | null, replay: boolean): string {
  // Plain text has nothing to remove or resolve, and is returned as it came.
  if (!/[<>&]/.test(html)) return html;
  if (tooDeep(html)) return asText(html);
  svgDepth = 0;
  mathDepth = 0;
  setAllowedTags();
  currentBase = baseUrl;
  // Plain HTML (most bodies) is written the same way without sanitize-html's parse (sanitize-replay.ts).
  return (replay ? replayedSanitize(html, cleanHtmlAttributes) : null) ?? sanitize(html, OPTIONS);
}
