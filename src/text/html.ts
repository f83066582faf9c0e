import { decodeHTML } from 'entities';
import { Parser } from 'htmlparser2';
import { replayHtml } from './html-replay.js';

const BLOCK = new Set([
  'p',
  'div',
  'br',
  'ul',
  'ol',
  'h1',
  'h2',
  'h3',
  'h4',
  'h5',
  'h6',
  'blockquote',
  'pre',
  'tr',
  'table',
  'section',
  'article',
  'header',
  'footer',
  'figure',
  'figcaption',
  'hr',
  'dd',
  'dt',
  'dl',
]);
const SKIP = new Set(['script', 'style', 'noscript', 'template', 'head', 'iframe', 'svg']);

/**
 * TextCollector gathers an HTML document's text from its open/text/close events, whichever reader
 * gives them (htmlparser2 for any HTML, replayHtml for stored HTML): script and style skipped,
 * block elements on their own lines, list items bulleted. `out` is the text before tidying.
 */
class TextCollector {
  out = '';
  private skipping = 0;

  open(name: string): void {
    if (SKIP.has(name)) this.skipping++;
    else if (name === 'li') this.out += '\n• ';
    else if (BLOCK.has(name)) this.out += '\n';
  }

  text(t: string): void {
    if (!this.skipping) this.out += t;
  }

  get skipped(): boolean {
    return this.skipping > 0;
  }

  close(name: string): void {
    if (SKIP.has(name)) this.skipping = Math.max(0, this.skipping - 1);
    else if (BLOCK.has(name)) this.out += '\n';
  }
}

/**
 * htmlToText reduces HTML to readable plain text: tags removed, entities decoded, script and
 * style dropped, block elements on their own lines, list items bulleted, runs of spaces folded.
 */
export function htmlToText(html: string | null | undefined): string {
  if (!html) return '';
  const c = new TextCollector();
  const parser = new Parser(
    {
      onopentag: (name) => c.open(name),
      ontext: (t) => c.text(t),
      onclosetag: (name) => c.close(name),
    },
    { decodeEntities: true },
  );
  parser.write(html);
  parser.end();
  return tidy(c.out);
}

/** tidy folds each line's spaces, trims the lines and keeps at most one empty line between two. */
function tidy(raw: string): string {
  // Folding never crosses a line break, so it is done on the whole text at once, only where a run
  // is not a single space already; then each line is trimmed by hand, without splitting.
  const text = raw.replace(SPACE_RUN, ' ');
  let out = '';
  let breaks = 0; // line ends since the last line kept
  for (let i = 0; i <= text.length;) {
    let end = text.indexOf('\n', i);
    if (end < 0) end = text.length;
    let a = i;
    let b = end;
    while (a < b && isSpace(text.charCodeAt(a))) a++;
    while (b > a && isSpace(text.charCodeAt(b - 1))) b--;
    if (a < b) {
      if (out) out += breaks > 1 ? '\n\n' : '\n';
      out += text.slice(a, b);
      breaks = 0;
    }
    breaks++;
    i = end + 1;
  }
  return out;
}

// A run of spaces to fold into one (NBSP counts as a space), other than a single space.
const SPACE_RUN = /[\t\r\f\v\u00a0][ \t\r\f\v\u00a0]*| [ \t\r\f\v\u00a0]+/g;
// What String.prototype.trim removes (WhiteSpace and LineTerminator).
const isSpace = (c: number) =>
  c === 32 ||
  (c >= 9 && c <= 13) ||
  (c > 127 &&
    (c === 0xa0 ||
      c === 0x1680 ||
      (c >= 0x2000 && c <= 0x200a) ||
      c === 0x2028 ||
      c === 0x2029 ||
      c === 0x202f ||
      c === 0x205f ||
      c === 0x3000 ||
      c === 0xfeff));

// storedHtmlToText gives htmlToText's result for the HTML the store holds, the sanitizer's output
// (lower-case tags, double-quoted attributes, text escaped to &amp; &lt; &gt;, no raw-text
// elements), from replayHtml's one scan instead of a second htmlparser2 parse; markup the scan
// does not replay (SVG, MathML …) goes to htmlToText.

/** storedHtmlToText is htmlToText for stored (sanitized) HTML, in one scan without a parser. */
export function storedHtmlToText(html: string | null | undefined): string {
  if (!html) return '';
  const text = replayedText(html);
  return text === null ? htmlToText(html) : tidy(text);
}

/** replayedText is the text htmlToText collects before tidying it, or null for markup replayHtml does not replay. */
export function replayedText(html: string): string | null {
  const c = new TextCollector();
  const done = replayHtml(html, {
    text(start, end) {
      if (c.skipped) return; // no need to decode what is dropped
      const t = html.slice(start, end);
      c.text(t.includes('&') ? decodeHTML(t) : t);
    },
    open: (name) => c.open(name),
    close: (name) => c.close(name),
  });
  return done ? c.out : null;
}
