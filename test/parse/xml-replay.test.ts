import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseXmlTree, type XmlNode } from '../../src/parse/xml.js';

// Feed-like XML, well-formed or not: namespaced and repeated elements, entries left open, stray
// and mismatched end tags, self-closing tags, quoted and unquoted attributes, CDATA, comments,
// processing instructions, entities, bare "&" and "<".
const NAMES = ['rss', 'channel', 'item', 'entry', 'title', 'link', 'description', 'content:encoded', 'dc:creator', 'atom:link', 'media:content', 'Item', 'x'];
const ATTRIBUTES = ['href="http://a.example/?a=1&amp;b=2"', "rel='alternate'", 'xmlns="http://www.w3.org/2005/Atom"', 'xmlns:content="http://purl.org/rss/1.0/modules/content/"',
  'xmlns:dc="http://purl.org/dc/elements/1.1"', 'xml:base="sub/"', 'xml:lang="fr"', 'url = "u.mp3"', 'isPermaLink="false"', 'a="1" a="2"', 'flag', 'v=bare', 'q="a>b"', "s='x\"y'", '__proto__="p"'];
const TEXTS = ['Hello', ' &amp; ', '&lt;p&gt;Hi&lt;/p&gt;', '&eacute;', '&#8217;', '&#x2019;', '&bogus;', 'AT&T', '\u0092', '\n  ', 'a < b', ']]>', '&nbsp;'];
const token = fc.oneof(
  { weight: 4, arbitrary: fc.constantFrom(...TEXTS) },
  { weight: 3, arbitrary: fc.tuple(fc.constantFrom(...NAMES), fc.subarray(ATTRIBUTES, { maxLength: 3 }), fc.constantFrom('>', '/>', ' />', '/ >'))
    .map(([n, a, end]) => `<${[n, ...a].join(' ')}${end}`) },
  { weight: 3, arbitrary: fc.constantFrom(...NAMES).map((n) => `</${n}>`) },
  { weight: 1, arbitrary: fc.constantFrom('<![CDATA[<b>bold</b> & more]]>', '<![CDATA[]]>', '<!-- c -->', '<!-- a --!> b', '<!-->', '<?pi x?>', '<!DOCTYPE x>',
    '</ x>', '</x >', '<>', '</>', '<', '<![cdata[x]]>', '</item') },
);
const document = fc.array(token, { maxLength: 40 }).map((ts) => `<rss>${ts.join('')}`);

// The tree without its back references, as plain data.
const plain = (n: XmlNode | null): unknown => (n === null || typeof n === 'string' ? n
  : { name: n.name, key: n.key, attrs: n.attrs, names: n.names, base: n.base, lang: n.lang, children: n.children.map(plain) });

describe('parseXmlTree without htmlparser2 for the common shape', () => {
  it('builds the same tree, and says the same about repairs, as through htmlparser2', () => {
    fc.assert(fc.property(document, (xml) => {
      const entities = new Map([['custom', { value: 'Custom &amp; co' }]]);
      const replayed = parseXmlTree(xml, 0, 'http://feed.example/rss', entities);
      const parsed = parseXmlTree(xml, 0, 'http://feed.example/rss', entities, false);
      expect(plain(replayed.root)).toEqual(plain(parsed.root));
      expect(replayed.recovered).toBe(parsed.recovered);
    }), { numRuns: 4000 });
  });
});
