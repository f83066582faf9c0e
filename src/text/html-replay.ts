// replayHtml reads the common shape of feed HTML — lower- or upper-case tags with double-quoted
// attributes, text, comments — in one scan, and replays what htmlparser2 12 (HTML mode) makes of
// its tags: implied closes, void elements, a stray </p> or </br>, the elements left open at the
// end. The events it gives are the ones htmlparser2's Parser would give for the same string, so a
// consumer of those events gets the same result without the tokenizer. At the first thing outside
// that shape (an unquoted or single-quoted attribute, <svg>/<math>, whose names and self-closing
// tags parse differently, raw-text elements, a doctype, a bare "<") it stops and says so, and the
// caller parses the string with htmlparser2 instead. The property tests beside each consumer hold
// it to htmlparser2's output.

// Elements htmlparser2 closes when one of the listed elements opens while they are the current
// element (written here per closed element).
const CLOSED_BY = new Map<string, Set<string>>();
for (const line of [
  'p: p h1 h2 h3 h4 h5 h6 address article aside blockquote details div dl fieldset figcaption figure footer form header hr main nav ol pre section table ul',
  'h1 h2 h3 h4 h5 h6: h1 h2 h3 h4 h5 h6',
  'tr: tr',
  'th: tr th td',
  'td: tr td',
  'thead: td tbody tfoot',
  'tbody: tbody tfoot',
  'head link script: body',
  'a: a',
  'li: li',
  'input option optgroup select button datalist textarea: select input output button datalist textarea',
  'option: option optgroup',
  'optgroup: optgroup',
  'dd dt: dd dt',
  'rt rp: rt rp',
]) {
  const [closed, openers] = line.split(':');
  for (const name of closed.trim().split(' ')) {
    const set = CLOSED_BY.get(name) ?? new Set<string>();
    for (const opener of openers.trim().split(' ')) set.add(opener);
    CLOSED_BY.set(name, set);
  }
}
/** VOID_ELEMENTS never stay open: htmlparser2 closes them right after their start tag. */
export const VOID_ELEMENTS = new Set(
  'area base basefont br col command embed frame hr img input isindex keygen link meta param source track wbr'.split(' '),
);
// Tags not replayed: foreign content, raw-text and RCDATA elements, a nested <form> (ignored by
// htmlparser2) and <image> (read as <img>).
const NOT_REPLAYED = new Set('svg math script style title textarea xmp iframe noembed noframes plaintext form image'.split(' '));
// A start tag whose attributes are double-quoted or bare (read the same way by htmlparser2), an end
// tag without anything after its name, a comment that is not one of the degenerate <!--> forms.
// At most 1,000 attributes: the expression keeps a backtracking entry per attribute, and a tag
// with a million or two would overflow its stack (RangeError); htmlparser2 reads such a tag instead.
const START_TAG = /<([a-zA-Z][a-zA-Z0-9-]*)((?:[ \t\n\f\r]+[^\s"'<>/=]+(?:="[^"]*")?){0,1000})[ \t\n\f\r]*\/?>/y;
const END_TAG = /<\/([a-zA-Z][a-zA-Z0-9-]*)>/y;
const COMMENT_END = /--!?>/g;

/** TagHandler receives the replayed events. */
export interface TagHandler {
  /** text gets the undecoded text between start and end. */
  text(start: number, end: number): void;
  /** open gets a start tag's name (lower-cased) and its attributes' source; false stops the replay. */
  open(name: string, attributes: string): boolean | void;
  /** close gets an element's end, written or implied. */
  close(name: string): void;
}

/** replayHtml replays html's events to handler, and says whether it could replay all of it. */
export function replayHtml(html: string, handler: TagHandler): boolean {
  const stack: string[] = []; // open elements, the current one last
  let i = 0;
  for (;;) {
    const lt = html.indexOf('<', i);
    const end = lt < 0 ? html.length : lt;
    if (end > i) handler.text(i, end);
    if (lt < 0) break;
    const next = html.charCodeAt(lt + 1);
    if (next === 33 /* ! */) {
      // A comment ends at the first "-->" or "--!>" after "<!--"; it gives no text.
      if (!html.startsWith('<!--', lt) || html.startsWith('<!-->', lt) || html.startsWith('<!--->', lt)) return false;
      COMMENT_END.lastIndex = lt + 4;
      if (!COMMENT_END.test(html)) return false;
      i = COMMENT_END.lastIndex;
    } else if (next === 47 /* / */) {
      END_TAG.lastIndex = lt;
      const m = END_TAG.exec(html);
      if (!m) return false;
      const name = m[1].toLowerCase();
      if (NOT_REPLAYED.has(name)) return false;
      i = END_TAG.lastIndex;
      if (!VOID_ELEMENTS.has(name)) {
        const at = stack.lastIndexOf(name);
        if (at >= 0) while (stack.length > at) handler.close(stack.pop()!);
        else if (name === 'p') {
          // a stray </p> is read as <p></p>
          if (handler.open('p', '') === false) return false;
          handler.close('p');
        }
      } else if (name === 'br') {
        // and a </br> as <br>
        if (handler.open('br', '') === false) return false;
        handler.close('br');
      }
    } else {
      START_TAG.lastIndex = lt;
      const m = START_TAG.exec(html);
      if (!m) return false;
      const name = m[1].toLowerCase();
      if (NOT_REPLAYED.has(name)) return false;
      i = START_TAG.lastIndex;
      while (stack.length && CLOSED_BY.get(stack[stack.length - 1])?.has(name)) handler.close(stack.pop()!);
      if (handler.open(name, m[2]) === false) return false;
      if (VOID_ELEMENTS.has(name)) handler.close(name);
      else stack.push(name);
    }
  }
  while (stack.length) handler.close(stack.pop()!);
  return true;
}
