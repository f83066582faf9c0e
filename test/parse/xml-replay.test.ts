import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decodeHTMLStrict } from 'entities';
import { charRef } from '../../src/parse/prolog.js';
import { parseXmlTree, type XmlNode } from '../../src/parse/xml.js';

// Feed-like XML, well-formed or not: namespaced and repeated elements, entries left open, stray
// and mismatched end tags, self-closing tags, quoted and unquoted attributes, CDATA, comments,
// processing instructions, entities, bare "&" and "<".
const NAMES = [
  'rss',
  'channel',
  'item',
  'entry',
  'title',
  'link',
  'description',
  'content:encoded',
  'dc:creator',
  'atom:link',
  'media:content',
  'Item',
  'x',
];
const ATTRIBUTES = [
  'href="http://a.example/?a=1&amp;b=2"',
  "rel='alternate'",
  'xmlns="http://www.w3.org/2005/Atom"',
  'xmlns:content="http://purl.org/rss/1.0/modules/content/"',
  'xmlns:dc="http://purl.org/dc/elements/1.1"',
  'xml:base="sub/"',
  'xml:lang="fr"',
  'url = "u.mp3"',
  'isPermaLink="false"',
  'a="1" a="2"',
  'flag',
  'v=bare',
  'q="a>b"',
  "s='x\"y'",
  '__proto__="p"',
];
const TEXTS = [
  'Hello',
  ' &amp; ',
  '&lt;p&gt;Hi&lt;/p&gt;',
  '&eacute;',
  '&#8217;',
  '&#x2019;',
  '&bogus;',
  'AT&T',
  '\u0092',
  '\n  ',
  'a < b',
  ']]>',
  '&nbsp;',
];
const token = fc.oneof(
  { weight: 4, arbitrary: fc.constantFrom(...TEXTS) },
  {
    weight: 3,
    arbitrary: fc
      .tuple(fc.constantFrom(...NAMES), fc.subarray(ATTRIBUTES, { maxLength: 3 }), fc.constantFrom('>', '/>', ' />', '/ >'))
      .map(([n, a, end]) => `<${[n, ...a].join(' ')}${end}`),
  },
  { weight: 3, arbitrary: fc.constantFrom(...NAMES).map((n) => `</${n}>`) },
  {
    weight: 1,
    arbitrary: fc.constantFrom(
      '<![CDATA[<b>bold</b> & more]]>',
      '<![CDATA[]]>',
      '<!-- c -->',
      '<!-- a --!> b',
      '<!-->',
      '<?pi x?>',
      '<!DOCTYPE x>',
      '</ x>',
      '</x >',
      '<>',
      '</>',
      '<',
      '<![cdata[x]]>',
      '</item',
    ),
  },
);
const document = fc.array(token, { maxLength: 40 }).map((ts) => `<rss>${ts.join('')}`);

// The tree without its back references, as plain data.
const plain = (n: XmlNode | null): unknown =>
  n === null || typeof n === 'string'
    ? n
    : { name: n.name, key: n.key, attrs: n.attrs, names: n.names, base: n.base, lang: n.lang, children: n.children.map(plain) };

describe('parseXmlTree without htmlparser2 for the common shape', () => {
  it('builds the same tree, and says the same about repairs, as through htmlparser2', () => {
    fc.assert(
      fc.property(document, (xml) => {
        const entities = new Map([['custom', { value: 'Custom &amp; co' }]]);
        const replayed = parseXmlTree(xml, 0, 'http://feed.example/rss', entities);
        const parsed = parseXmlTree(xml, 0, 'http://feed.example/rss', entities, false);
        expect(plain(replayed.root)).toEqual(plain(parsed.root));
        expect(replayed.recovered).toBe(parsed.recovered);
      }),
      { numRuns: 4000 },
    );
  });
});

describe('parseXmlTree on a feed cut off or damaged anywhere', () => {
  const FEED = `<rss version="2.0" xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:atom="http://www.w3.org/2005/Atom">
<channel xml:base="http://b.example/dir/" xml:lang="en"><title>T &amp; co &custom; &#8217;</title><atom:link href="http://x.example/feed" rel='self' type="application/rss+xml"/>
<!-- a comment -- with dashes --!><item><title><![CDATA[<b>Bold</b> & ]]]]></title><link>http://x.example/1</link><dc:creator>Me</dc:creator>
<description>&lt;p&gt;Hi &amp;amp; bye&lt;/p&gt;</description><enclosure url = "a.mp3" length="1" __proto__="p" /></item>
<item><title a="1" a="2" A="3" q="x>y">Two</title><guid isPermaLink="false">g&lt;2&gt;</guid></item><item><title>unclosed<item><title>next</title></item>
</channel></rss>`;
  const entities = new Map([['custom', { value: 'Custom &amp; co' }]]);
  const same = (xml: string) => {
    const replayed = parseXmlTree(xml, 0, 'http://feed.example/rss', entities);
    const parsed = parseXmlTree(xml, 0, 'http://feed.example/rss', entities, false);
    expect(plain(replayed.root)).toEqual(plain(parsed.root));
    expect(replayed.recovered).toBe(parsed.recovered);
  };
  it("reads a start tag with millions of attributes as htmlparser2 does, without overflowing the scan's stack", () => {
    const xml = `<rss><x${' a'.repeat(3_000_000)} b="c"/><y>t</y></rss>`;
    same(xml);
    expect(plain(parseXmlTree(xml, 0, 'http://feed.example/rss', entities).root)).toMatchObject({
      children: [{ attrs: { a: '', b: 'c' } }, { children: ['t'] }],
    });
  });
  it('builds the same tree as htmlparser2 for every prefix (tags, attributes, CDATA and comments cut off)', () => {
    for (let i = 0; i <= FEED.length; i++) same(FEED.slice(0, i));
  });
  it('builds the same tree as htmlparser2 with any one character removed or a markup character inserted anywhere', () => {
    for (let i = 0; i < FEED.length; i++) same(FEED.slice(0, i) + FEED.slice(i + 1));
    for (const c of ['<', '>', '"', "'", '/', '&', '!', '?', ' ', '\0', ']]>', '<!--', '</item>']) {
      for (let i = 0; i < FEED.length; i += 5) same(FEED.slice(0, i) + c + FEED.slice(i));
    }
  });
});

describe('entity references in XML text', () => {
  // The definition the scan must keep: every ENT match replaced in turn (xml.ts before the scan).
  const ENT = /&(?:(#[0-9]{1,7}|#[xX][0-9a-fA-F]{1,6})|([A-Za-z_][\w.:-]{0,63}))?(;?)/g;
  const XML5: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };
  const HTML4: Record<string, string> = { lang: '\u2329', rang: '\u232a' };
  const reference = (raw: string) =>
    raw.replace(ENT, (m, num: string | undefined, name: string | undefined, semi: string) => {
      if (num) return charRef(num.slice(1));
      if (!name || !semi) return m;
      if (XML5[name]) return XML5[name];
      if (name === 'custom') return 'Custom & co';
      if (name === 'nested') return '[Custom & coA]';
      if (HTML4[name]) return HTML4[name];
      const h = decodeHTMLStrict(m);
      return h === m ? m : h;
    });
  const pieces = [
    '&',
    'amp',
    'lt',
    'gt',
    'quot',
    'apos',
    ';',
    '#',
    'x',
    '39',
    '2019',
    'eacute',
    'nbsp',
    'lang',
    'custom',
    'nested',
    'AT',
    ' ',
    'ampx',
    '&amp;lt;',
    '&nested;x',
  ];
  it('are decoded as the ENT expression replaced them, the XML five included', () => {
    fc.assert(
      fc.property(
        fc.array(fc.constantFrom(...pieces), { maxLength: 30 }).map((ps) => ps.join('')),
        (raw) => {
          const entities = new Map([
            ['custom', { value: 'Custom &amp; co' }],
            ['nested', { value: '[&custom;&#65;]' }],
          ]);
          const tree = parseXmlTree(`<t>${raw.replace(/</g, '')}</t>`, 0, 'http://feed.example/', entities);
          expect(tree.root!.children.join('')).toBe(reference(raw));
        },
      ),
      { numRuns: 5000 },
    );
  });
});
