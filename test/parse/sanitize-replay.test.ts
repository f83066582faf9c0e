import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { sanitizeHtml, sanitizeWithLibrary } from '../../src/parse/sanitize.js';
import { replayedSanitize } from '../../src/parse/sanitize-replay.js';
import { markup } from './html-arbitrary.js';

const BASES = [null, 'https://blog.example/2024/post/', 'http://host.example', 'relative/base/'];

describe('the sanitizer without sanitize-html for plain HTML', () => {
  it('writes exactly what sanitize-html writes, for any markup and base', () => {
    fc.assert(fc.property(markup, fc.constantFrom(...BASES), (html, base) => {
      expect(sanitizeHtml(html, base)).toBe(sanitizeWithLibrary(html, base));
    }), { numRuns: 4000 });
  });

  it('writes exactly what sanitize-html writes for any string of markup characters', () => {
    const chars = [...'<>/="\'!-&#;:ap bhrefi\t\n\r\f\v\0x', 'href="', 'src="', 'javascript:', 'http://', '<a ', '<p>', '</p>', '<!--', '-->', '&amp;', '&#0;', '\u00a0', '\ufeff'];
    fc.assert(fc.property(fc.array(fc.constantFrom(...chars), { maxLength: 60 }).map((cs) => cs.join('')), fc.constantFrom(...BASES), (html, base) => {
      expect(sanitizeHtml(html, base)).toBe(sanitizeWithLibrary(html, base));
    }), { numRuns: 6000 });
  });

  const keep = (_tag: string, attribs: Record<string, string>) => attribs;
  it.each([
    ['paragraphs and links', '<p>A <a href="https://x.example/a?b=1&amp;c=2" title="say &quot;hi&quot;">link</a></p><p>B &amp; C</p>'],
    ['implied ends', '<ul><li>one<li>two</ul><p>a<p>b'],
    ['void elements', 'a<br>b<BR/>c<img src="https://x.example/i.png" alt="">'],
    ['unknown elements unwrapped', '<main><nobr>kept</nobr></main>'],
    ['comments dropped', 'a<!-- hidden <b> -->b'],
    ['entities decoded and escaped again', 'caf&eacute; &lt;tag&gt; &copy 2024 AT&T'],
  ])('replays %s', (_name, html) => {
    const replayed = replayedSanitize(html, keep);
    expect(replayed).not.toBeNull();
    expect(sanitizeHtml(html, 'https://x.example/')).toBe(sanitizeWithLibrary(html, 'https://x.example/'));
  });

  it.each([
    ['a script', 'a<script>x()</script>'],
    ['SVG', '<svg><path d="M0"/></svg>'],
    ['a srcset', '<img srcset="a.png 1x">'],
    ['a relative URL', '<a href="/x">x</a>'],
    ['a single-quoted attribute', "<a title='x'>x</a>"],
    ['a template', '<template><p>x</p></template>'],
  ])('leaves %s to sanitize-html', (_name, html) => {
    expect(replayedSanitize(html, keep)).toBeNull();
  });
});
