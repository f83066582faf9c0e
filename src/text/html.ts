import { decodeHTML } from 'entities';
import { Parser } from 'htmlparser2';

const BLOCK = new Set(['p', 'div', 'br', 'ul', 'ol', 'h1', 'h2', 'h3', 'h4', 'h5', 'h6', 'blockquote', 'pre', 'tr',
  'table', 'section', 'article', 'header', 'footer', 'figure', 'figcaption', 'hr', 'dd', 'dt', 'dl']);
const SKIP = new Set(['script', 'style', 'noscript', 'template', 'head', 'iframe', 'svg']);

/**
 * htmlToText reduces HTML to readable plain text: tags removed, entities decoded, script and
 * style dropped, block elements on their own lines, list items bulleted, runs of spaces folded.
 */
export function htmlToText(html: string | null | undefined): string {
  if (!html) return '';
  let out = '';
  let skipping = 0;
  const parser = new Parser({
    onopentag(name) {
      if (SKIP.has(name)) skipping++;
      else if (name === 'li') out += '\n• ';
      else if (BLOCK.has(name)) out += '\n';
    },
    ontext(t) { if (!skipping) out += t; },
    onclosetag(name) {
      if (SKIP.has(name)) skipping = Math.max(0, skipping - 1);
      else if (BLOCK.has(name)) out += '\n';
    },
  }, { decodeEntities: true });
  parser.write(html);
  parser.end();
  return tidy(out);
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
const isSpace = (c: number) => c === 32 || (c >= 9 && c <= 13) || (c > 127 && (c === 0xa0 || c === 0x1680 || (c >= 0x2000 && c <= 0x200a)
  || c === 0x2028 || c === 0x2029 || c === 0x202f || c === 0x205f || c === 0x3000 || c === 0xfeff));

// storedHtmlToText gives htmlToText's result without htmlparser2 for the HTML the store holds:
// sanitize-html's output is lower-case tags with double-quoted attributes, text escaped to
// &amp; &lt; &gt;, no comments, no raw-text elements. One scan reads that shape and replays what
// htmlparser2 12 does with the tags (its implied closes, void elements, a stray </p> or </br>),
// so the events, and the text, are the same. At the first thing outside that shape (other markup,
// <svg>/<math>, whose names and self-closing tags parse differently, raw-text elements, a bare
// "<") it hands the whole string to htmlToText instead.

// Elements closed by htmlparser2 when one of the listed elements opens while they are the
// current element (written here per closed element).
const CLOSED_BY = new Map<string, Set<string>>();
for (const line of [
  'p: p h1 h2 h3 h4 h5 h6 address article aside blockquote details div dl fieldset figcaption figure footer form header hr main nav ol pre section table ul',
  'h1 h2 h3 h4 h5 h6: h1 h2 h3 h4 h5 h6',
  'tr: tr', 'th: tr th td', 'td: tr td', 'thead: td tbody tfoot', 'tbody: tbody tfoot', 'head link script: body', 'a: a', 'li: li',
  'input option optgroup select button datalist textarea: select input output button datalist textarea',
  'option: option optgroup', 'optgroup: optgroup', 'dd dt: dd dt', 'rt rp: rt rp',
]) {
  const [closed, openers] = line.split(':');
  for (const name of closed.trim().split(' ')) {
    const set = CLOSED_BY.get(name) ?? new Set<string>();
    for (const opener of openers.trim().split(' ')) set.add(opener);
    CLOSED_BY.set(name, set);
  }
}
const VOID = new Set('area base basefont br col command embed frame hr img input isindex keygen link meta param source track wbr'.split(' '));
// Tags this scan does not replay: foreign content, raw-text and RCDATA elements, a nested <form>
// (ignored by htmlparser2) and <image> (read as <img>).
const NOT_REPLAYED = new Set('svg math script style title textarea xmp iframe noembed noframes plaintext form image'.split(' '));
// A start tag as sanitize-html writes it (and as htmlparser2 reads it the same way), and an end tag.
const START_TAG = /<([a-z][a-z0-9-]*)(?:[ \t\n\f\r]+[^\s"'<>/=]+(?:="[^"]*")?)*[ \t\n\f\r]*\/?>/y;
const END_TAG = /<\/([a-z][a-z0-9-]*)>/y;

/** storedHtmlToText is htmlToText for stored (sanitized) HTML, in one scan without a parser. */
export function storedHtmlToText(html: string | null | undefined): string {
  if (!html) return '';
  const text = replayedText(html);
  return text === null ? htmlToText(html) : tidy(text);
}

/** replayedText is the text htmlToText collects before tidying it, or null for markup this scan does not replay. */
export function replayedText(html: string): string | null {
  let out = '';
  let skipping = 0;
  const stack: string[] = []; // open elements, the current one last
  const open = (name: string) => {
    if (SKIP.has(name)) skipping++;
    else if (name === 'li') out += '\n• ';
    else if (BLOCK.has(name)) out += '\n';
  };
  const close = (name: string) => {
    if (SKIP.has(name)) skipping = Math.max(0, skipping - 1);
    else if (BLOCK.has(name)) out += '\n';
  };
  let i = 0;
  for (;;) {
    const lt = html.indexOf('<', i);
    const end = lt < 0 ? html.length : lt;
    if (end > i && !skipping) {
      const t = html.slice(i, end);
      out += t.includes('&') ? decodeHTML(t) : t;
    }
    if (lt < 0) break;
    if (html.charCodeAt(lt + 1) === 47 /* / */) {
      END_TAG.lastIndex = lt;
      const m = END_TAG.exec(html);
      if (!m || NOT_REPLAYED.has(m[1])) return null;
      const name = m[1];
      i = END_TAG.lastIndex;
      if (!VOID.has(name)) {
        const at = stack.lastIndexOf(name);
        if (at >= 0) while (stack.length > at) close(stack.pop()!);
        else if (name === 'p') { open('p'); close('p'); } // a stray </p> is read as <p></p>
      } else if (name === 'br') { open('br'); close('br'); } // and a </br> as <br>
    } else {
      START_TAG.lastIndex = lt;
      const m = START_TAG.exec(html);
      if (!m || NOT_REPLAYED.has(m[1])) return null;
      const name = m[1];
      i = START_TAG.lastIndex;
      while (stack.length && CLOSED_BY.get(stack[stack.length - 1])?.has(name)) close(stack.pop()!);
      open(name);
      if (VOID.has(name)) close(name);
      else stack.push(name);
    }
  }
  while (stack.length) close(stack.pop()!);
  return out;
}
