import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { sanitizeHtml } from '../../src/parse/sanitize.js';
import { itemSearchText } from '../../src/store/search-text.js';
import { htmlToText, replayedText, storedHtmlToText } from '../../src/text/html.js';

// Random markup, well-formed or not: tags the sanitizer keeps, unwraps and drops, tags htmlparser2
// closes by itself (p, li, td, dd, a …), void and stray end tags, foreign content, attributes with
// quotes and entities, comments, and text with entities and every kind of space.
const TAGS = ['p', 'div', 'span', 'a', 'b', 'br', 'hr', 'img', 'li', 'ul', 'ol', 'dl', 'dd', 'dt', 'h1', 'h3', 'pre', 'blockquote',
  'table', 'tbody', 'thead', 'tfoot', 'tr', 'td', 'th', 'caption', 'figure', 'figcaption', 'section', 'header', 'nav', 'details',
  'summary', 'rt', 'rp', 'ruby', 'option', 'select', 'input', 'output', 'button', 'form', 'font', 'center', 'wbr', 'col', 'command',
  'script', 'style', 'noscript', 'template', 'iframe', 'object', 'textarea', 'title', 'xmp', 'head', 'body', 'html', 'svg', 'math',
  'path', 'mi', 'foreignObject', 'custom-tag', 'P', 'LI', 'image'];
const ATTRIBUTES = ['href="/x?a=1&amp;b=2"', 'href="javascript:alert(1)"', 'src="a.png"', 'title="a &quot;q&quot; > b"', "alt='it&#39;s'",
  'class=x', 'style="color: red"', 'onclick="x()"', 'width="10"', 'data-x="1"', 'hidden', 'srcset="a.png 1x, b.png 2x"'];
const TEXTS = ['Hello', ' world ', 'a &amp; b', '1 &lt; 2 &gt; 0', '&nbsp;x&nbsp;', '\u00a0', 'caf&eacute;', '&copy 2024', '&#8212;', '&#x1F600;',
  '&bogus;', 'AT&T', '\t tab\t', '\n\n', '\r\n', '\u2003em\u2003', ' \f\v ', '•', 'x < y', 'a > b', '&', '"quoted"', 'ünïcødé'];
const token = fc.oneof(
  { weight: 4, arbitrary: fc.constantFrom(...TEXTS) },
  { weight: 3, arbitrary: fc.tuple(fc.constantFrom(...TAGS), fc.subarray(ATTRIBUTES, { maxLength: 3 }), fc.boolean()).map(([t, a, self]) => `<${[t, ...a].join(' ')}${self ? ' /' : ''}>`) },
  { weight: 3, arbitrary: fc.constantFrom(...TAGS).map((t) => `</${t}>`) },
  { weight: 1, arbitrary: fc.constantFrom('<!-- note -->', '<![CDATA[x]]>', '</ p>', '<p', '< p>', '<>', '</>', '<!doctype html>') },
);
const markup = fc.array(token, { maxLength: 40 }).map((ts) => ts.join(''));

describe('storedHtmlToText', () => {
  it('reads whatever the sanitizer stores as htmlToText does, without an HTML parser unless there is SVG or MathML', () => {
    fc.assert(fc.property(markup, (html) => {
      const stored = sanitizeHtml(html, 'https://blog.example/post/');
      expect(storedHtmlToText(stored)).toBe(htmlToText(stored));
      if (!/<(svg|math)\b/.test(stored)) expect(replayedText(stored)).not.toBeNull();
    }), { numRuns: 3000 });
  });

  it('gives htmlToText\'s result for any other HTML too, as rows stored before the sanitizer hold', () => {
    fc.assert(fc.property(markup, (html) => {
      expect(storedHtmlToText(html)).toBe(htmlToText(html));
    }), { numRuns: 3000 });
  });

  it('folds and trims each line and keeps at most one empty line, as the split-and-trim definition does', () => {
    const reference = (s: string) => s.replace(/\u00a0/g, ' ').split('\n').map((l) => l.replace(/[ \t\r\f\v]+/g, ' ').trim())
      .join('\n').replace(/\n{3,}/g, '\n\n').trim();
    const chars = [...'ab \t\n\r\f\v', '\u00a0', '\u2003', '\u2028', '\u3000', '\ufeff', '\u200b', '\u0085', '•'];
    fc.assert(fc.property(fc.array(fc.constantFrom(...chars), { maxLength: 30 }).map((cs) => cs.join('')), (text) => {
      expect(htmlToText(text)).toBe(reference(text));
      expect(storedHtmlToText(text)).toBe(reference(text));
    }), { numRuns: 5000 });
  });

  it.each([
    ['block elements on their own lines', '<p>One</p><p>Two</p><div>Three</div>', 'One\n\nTwo\n\nThree'],
    ['list items bulleted', '<ul><li>a</li><li>b</li></ul>', '• a\n• b'],
    ['a paragraph closed by the block that opens inside it', '<p>a<div>b</div></p>c', 'a\n\nb\n\nc'],
    ['a stray </p> and </br> read as elements', 'a</p>b</br>c', 'a\n\nb\n\nc'],
    ['escaped text decoded', 'a &amp; b &lt;c&gt; d&nbsp;e', 'a & b <c> d e'],
    ['attribute values ignored even with > in them', '<a href="x" title="a > b">link</a>', 'link'],
    ['plain text folded', '  two   words\t\there  ', 'two words here'],
  ])('%s', (_name, html, expected) => {
    expect(replayedText(html)).not.toBeNull();
    expect(storedHtmlToText(html)).toBe(expected);
    expect(htmlToText(html)).toBe(expected);
  });

  it.each([
    ['SVG', '<p>a</p><svg><title>t</title><path d="M0"/></svg>b'],
    ['a script', 'a<script>if (a < b) x()</script>b'],
    ['a comment', 'a<!-- <p> -->b'],
    ['upper-case tags', '<P>a</P>b'],
    ['an unquoted attribute', '<a href=x>a</a>'],
  ])('hands %s to htmlToText', (_name, html) => {
    expect(replayedText(html)).toBeNull();
    expect(storedHtmlToText(html)).toBe(htmlToText(html));
  });
});

describe('itemSearchText', () => {
  it('indexes the title with the categories, and a content that repeats the summary once', () => {
    const t = itemSearchText({ title: 'Bread', summary: '<p>We bake.</p>', content: '<p>We bake.</p><p>At length.</p>', categories: ['Food'] });
    expect(t).toEqual({ title: 'Bread\nFood', body: 'We bake.\n\nAt length.' });
  });
});
