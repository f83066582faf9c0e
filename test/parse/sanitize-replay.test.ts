import fc from 'fast-check';
import { Parser } from 'htmlparser2';
import { describe, expect, it } from 'vitest';
import { sanitizeHtml, sanitizeWithLibrary } from '../../src/parse/sanitize.js';
import { replayedSanitize } from '../../src/parse/sanitize-replay.js';
import { markup } from './html-arbitrary.js';

const BASES = [null, 'https://blog.example/2024/post/', 'http://host.example', 'relative/base/'];

describe('the sanitizer without sanitize-html for plain HTML', () => {
  it('writes exactly what sanitize-html writes, for any markup and base', () => {
    fc.assert(
      fc.property(markup, fc.constantFrom(...BASES), (html, base) => {
        expect(sanitizeHtml(html, base)).toBe(sanitizeWithLibrary(html, base));
      }),
      { numRuns: 4000 },
    );
  });

  it('writes exactly what sanitize-html writes for any string of markup characters', () => {
    const chars = [
      ...'<>/="\'!-&#;:ap bhrefi\t\n\r\f\v\0x',
      'href="',
      'src="',
      'javascript:',
      'http://',
      '<a ',
      '<p>',
      '</p>',
      '<!--',
      '-->',
      '&amp;',
      '&#0;',
      '\u00a0',
      '\ufeff',
    ];
    fc.assert(
      fc.property(
        fc.array(fc.constantFrom(...chars), { maxLength: 60 }).map((cs) => cs.join('')),
        fc.constantFrom(...BASES),
        (html, base) => {
          expect(sanitizeHtml(html, base)).toBe(sanitizeWithLibrary(html, base));
        },
      ),
      { numRuns: 6000 },
    );
  });

  // What in the output a browser could run or load: event handlers, script-like elements, URLs
  // with a script or data scheme (control characters and spaces dropped, as a browser does).
  const liveVectors = (out: string): string[] => {
    const found: string[] = [];
    new Parser({
      onopentag(name, attribs) {
        if (/^(script|style|iframe|object|embed|form|input|textarea|base|meta|link|svg|math)$/.test(name)) found.push(`<${name}>`);
        for (const [k, v] of Object.entries(attribs)) {
          const scheme = /^([a-z][a-z0-9+.-]*):/.exec(v.replace(/[\0-\x20\x7f]/g, '').toLowerCase())?.[1];
          if (k.startsWith('on')) found.push(k);
          else if (
            (scheme === 'javascript' || scheme === 'vbscript' || scheme === 'data') &&
            !(name === 'img' && k === 'src' && /^data:image\//i.test(v))
          )
            found.push(`${k}=${v}`);
        }
      },
    }).end(out);
    return found;
  };
  it('sees what is live in unsanitized markup (the check below is not vacuous)', () => {
    expect(liveVectors('<a href="java&#x09;script:x" onclick="y">a</a><img src="data:text/html,x"><svg></svg>')).toEqual([
      'href=java\tscript:x',
      'onclick',
      'src=data:text/html,x',
      '<svg>',
    ]);
  });
  it.each([
    ['no space between attributes', '<a href="https://x.example/"onclick="alert(1)">x</a>'],
    ['a slash between attributes', '<img src="https://x.example/i.png"/onerror="alert(1)">'],
    ['upper-case handlers', '<IMG SRC="https://x.example/i.png" ONERROR="alert(1)">'],
    ['an entity-encoded scheme', '<a href="&#106;avascript:alert(1)">x</a><a href="&#x6A;&#x61;vascript:x">y</a>'],
    [
      'a scheme split by a tab entity, NUL or a control character',
      '<a href="java&Tab;script:x">a</a><a href="java\0script:x">b</a><a href="\u0001javascript:x">c</a>',
    ],
    ['a safe href before an unsafe one of the same name', '<a href="https://x.example/" HREF="javascript:x">x</a>'],
    ['an unsafe href before a safe one', '<a HREF="vbscript:x" href="https://x.example/">x</a>'],
    ['a data: URL outside an image', '<a href="data:text/html,<script>alert(1)</script>">x</a><img src="data:image/png;base64,AA">'],
    ['markup in comments that end early or oddly', '<!--><img src="x" onerror="y">--><!---><b>b</b><!-- --!> <i onclick="z">i</i> -->'],
    ['CDATA in HTML', '<![CDATA[<img src=x onerror=y>]]>ok'],
    ['escaped markup in text and attributes', '<p title="&quot;&gt;&lt;script&gt;alert(1)&lt;/script&gt;">&lt;img src=x onerror=y&gt;</p>'],
    [
      'raw-text elements',
      '<xmp><img src=x onerror=y></xmp><title><b onclick=x></title><textarea><script>x</script></textarea><noscript><p title="</noscript><img src=x onerror=y>"></noscript>',
    ],
    ['stray and implied ends', '</p></br><p>a<div>b</p><li>c<li>d</P></BR>'],
    ['a tag cut off at the end', '<p>x<a href="https://x.example/" onclick="y"'],
    ['attributes named like Object members', '<a href="https://x.example/" __proto__="x" constructor="y" toString="z">x</a>'],
    ['NUL, lone surrogates and astral characters', '<p title="\0\ud800">\0\udc00 \ud83d\ude00</p>'],
    ['a long run of plain markup', '<p>a <a href="https://x.example/">b</a> &amp; c</p>'.repeat(2000)],
  ])("writes sanitize-html's output, with nothing live in it, for %s", (_name, html) => {
    for (const base of BASES) {
      const out = sanitizeHtml(html, base);
      expect(out).toBe(sanitizeWithLibrary(html, base));
      expect(liveVectors(out)).toEqual([]);
    }
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
