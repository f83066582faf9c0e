import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { sanitizeHtml } from '../../src/parse/sanitize.js';
import { itemSearchText } from '../../src/store/search-text.js';
import { htmlToText, replayedText, storedHtmlToText } from '../../src/text/html.js';
import { markup } from '../parse/html-arbitrary.js';


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

  it('reads a start tag with millions of attributes as htmlToText does, without overflowing the scan\'s stack', () => {
    for (const html of [`<p${' a="b"'.repeat(2_000_000)}>x</p>y`, `<p${' a'.repeat(3_000_000)}>x</p>y`]) {
      expect(storedHtmlToText(html)).toBe(htmlToText(html));
      expect(storedHtmlToText(html)).toBe('x\ny');
    }
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
    ['comments dropped', 'a<!-- <p> -->b<!-- x --!>c', 'abc'],
    ['upper-case tags read as lower-case', '<P>a</P><LI>b', 'a\n\n• b'],
  ])('%s', (_name, html, expected) => {
    expect(replayedText(html)).not.toBeNull();
    expect(storedHtmlToText(html)).toBe(expected);
    expect(htmlToText(html)).toBe(expected);
  });

  it.each([
    ['SVG', '<p>a</p><svg><title>t</title><path d="M0"/></svg>b'],
    ['a script', 'a<script>if (a < b) x()</script>b'],
    ['an unquoted attribute', '<a href=x>a</a>'],
    ['an abruptly closed comment', 'a<!-->b'],
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
