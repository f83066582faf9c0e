// replayXml reads the common shape of a feed document — tags with quoted attributes, text, CDATA
// sections, comments — in one scan and gives the events htmlparser2 12 gives in XML mode with
// entities left undecoded (xml.ts's settings): an end tag closes the elements opened after its own
// (implied) and is ignored when nothing matches, "<x/>" opens and closes (implied), a CDATA
// section is its text between start and end. At the first thing outside that shape (an unquoted
// attribute, a processing instruction or declaration, a "<" that starts no tag, a tag cut off by
// the end) it says so, and xml.ts builds the tree with htmlparser2 instead. The property test in
// test/parse/xml-replay.test.ts holds the two to the same tree.

/** XmlEvents receives the replayed events. */
export interface XmlEvents {
  /** open gets a start tag's name, its attributes (raw values, first of a name wins) and whether it ended in "/>". */
  open(name: string, attribs: Record<string, string>, selfClosing: boolean): void;
  close(name: string, implied: boolean): void;
  /** text gets raw text; cdata the raw content of a CDATA section. */
  text(raw: string): void;
  cdata(raw: string): void;
}

// At most 1,000 attributes: the expression keeps a backtracking entry per attribute, and a tag
// with a million or two would overflow its stack (RangeError); htmlparser2 reads such a tag instead.
const START_TAG =
  /<([A-Za-z_][\w.:-]*)((?:[ \t\n\f\r]+[^\s"'<>/=]+(?:[ \t\n\f\r]*=[ \t\n\f\r]*(?:"[^"]*"|'[^']*'))?){0,1000})[ \t\n\f\r]*(\/?)>/y;
const ATTRIBUTE = /[ \t\n\f\r]+([^\s"'<>/=]+)(?:[ \t\n\f\r]*=[ \t\n\f\r]*(?:"([^"]*)"|'([^']*)'))?/g;
const END_TAG = /<\/([A-Za-z_][\w.:-]*)[ \t\n\f\r]*>/y;
const COMMENT_END = /--!?>/g;

/** replayXml replays src to events until finished() says the rest cannot matter, and says whether it could. */
export function replayXml(src: string, events: XmlEvents, finished: () => boolean): boolean {
  const stack: string[] = []; // htmlparser2's open elements, the current one last
  let i = 0;
  for (;;) {
    const lt = src.indexOf('<', i);
    if (lt < 0) {
      if (i < src.length) events.text(src.slice(i));
      return true;
    }
    if (lt > i) events.text(src.slice(i, lt));
    const next = src.charCodeAt(lt + 1);
    if (next === 33 /* ! */) {
      if (src.startsWith('<![CDATA[', lt)) {
        const end = src.indexOf(']]>', lt + 9);
        if (end < 0) return false;
        events.cdata(src.slice(lt + 9, end));
        i = end + 3;
      } else if (src.startsWith('<!--', lt)) {
        COMMENT_END.lastIndex = lt + 4;
        if (!COMMENT_END.test(src)) return false;
        i = COMMENT_END.lastIndex;
      } else {
        return false;
      }
    } else if (next === 47 /* / */) {
      END_TAG.lastIndex = lt;
      const m = END_TAG.exec(src);
      if (!m) return false;
      i = END_TAG.lastIndex;
      const at = stack.lastIndexOf(m[1]);
      if (at >= 0) {
        while (stack.length > at + 1) events.close(stack.pop()!, true);
        events.close(stack.pop()!, false);
        if (finished()) return true;
      }
    } else {
      START_TAG.lastIndex = lt;
      const m = START_TAG.exec(src);
      if (!m) return false;
      i = START_TAG.lastIndex;
      const name = m[1];
      const attribs: Record<string, string> = {};
      if (m[2]) {
        for (const a of m[2].matchAll(ATTRIBUTE)) {
          if (!Object.hasOwn(attribs, a[1])) attribs[a[1]] = a[2] ?? a[3] ?? '';
        }
      }
      events.open(name, attribs, m[3] === '/');
      if (m[3] === '/') {
        events.close(name, true);
        if (finished()) return true;
      } else {
        stack.push(name);
      }
    }
  }
}
