import fs from 'node:fs';
import fc from 'fast-check';
import { parseDocument } from 'htmlparser2';
import type { ChildNode } from 'domhandler';
import { describe, expect, it } from 'vitest';
import { sanitizeHtml } from '../../src/parse/sanitize.js';
import { parseFeedDocument } from '../../src/parse/feed.js';
import { fixture } from '../helpers.js';

interface Case {
  file: string;
  input: string;
  base: string;
  expected: string;
}
const cases = JSON.parse(fs.readFileSync(fixture('sanitize', 'feedparser-cases.json'), 'utf8')) as Case[];

// Markup compared as a parser sees it: entities decoded, attributes sorted, whitespace collapsed
// (feedparser writes <img ... />, &amp;, attribute order its own way).
function canonical(html: string): string {
  const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
  const walk = (n: ChildNode): string => {
    if (n.type === 'text') return esc(n.data);
    if (n.type === 'comment') return `<!--${n.data}-->`;
    if (!('attribs' in n)) return 'children' in n ? n.children.map(walk).join('') : '';
    const attrs = Object.entries(n.attribs)
      .sort(([a], [b]) => (a < b ? -1 : 1))
      .map(([k, v]) => ` ${k}="${esc(v)}"`)
      .join('');
    return `<${n.name}${attrs}>${n.children.map(walk).join('')}</${n.name}>`;
  };
  return parseDocument(html).children.map(walk).join('').replace(/\s+/g, ' ').trim();
}

// What "safe" means here, checked on the output as an HTML parser reads it.
const FORBIDDEN = new Set([
  'script',
  'style',
  'iframe',
  'object',
  'embed',
  'form',
  'input',
  'button',
  'textarea',
  'select',
  'meta',
  'base',
  'link',
  'frame',
  'frameset',
  'applet',
  'noscript',
  'template',
  'xmp',
]);
const URL_ATTRS = new Set([
  'href',
  'src',
  'xlink:href',
  'action',
  'formaction',
  'poster',
  'background',
  'data',
  'cite',
  'longdesc',
  'dynsrc',
  'lowsrc',
]);
function unsafeParts(html: string): string[] {
  const found: string[] = [];
  const schemeOf = (url: string) =>
    /^([a-z][a-z0-9+.-]*):/i.exec(url.replace(/[\t\n\r]/g, '').replace(/^[\0-\x20]+/, ''))?.[1].toLowerCase();
  const visit = (n: ChildNode) => {
    if (!('attribs' in n)) return;
    if (FORBIDDEN.has(n.name.toLowerCase())) found.push(`<${n.name}>`);
    for (const [k, v] of Object.entries(n.attribs)) {
      const name = k.toLowerCase();
      if (name.startsWith('on')) found.push(`${k}=`);
      const urls = name === 'srcset' ? v.split(',').map((c) => c.trim().split(/\s+/)[0]) : URL_ATTRS.has(name) ? [v] : [];
      for (const url of urls) {
        const scheme = schemeOf(url);
        const image = n.name === 'img' && (name === 'src' || name === 'srcset') && /^data:image\//i.test(url);
        if (scheme && ['javascript', 'vbscript', 'data', 'livescript'].includes(scheme) && !image) found.push(`${k}=${v}`);
      }
      if (name === 'style' && /expression|url\s*\(|\\|behavior|binding/i.test(v)) found.push(`style=${v}`);
      if (name === 'attributename' && /href/i.test(v)) found.push(`<${n.name} ${k}=${v}>`);
    }
    n.children.forEach(visit);
  };
  parseDocument(html).children.forEach(visit);
  return found;
}

describe('sanitizeHtml on feedparser’s own tests', () => {
  it.each(cases.map((c) => [c.file, c] as const))('gives feedparser’s result for %s', (_, c) => {
    expect(canonical(sanitizeHtml(c.input, c.base))).toBe(canonical(c.expected));
  });
});

describe('sanitizeHtml against attacks', () => {
  const base = 'https://blog.example/posts/1.html';
  it.each([
    ['an onerror handler', '<img src="x.png" onerror="alert(1)">', '<img src="https://blog.example/posts/x.png" />'],
    ['every on* attribute', '<b onclick="a()" onmouseover="b()" ONLOAD="c()">x</b>', '<b>x</b>'],
    ['a javascript: href', '<a href="javascript:alert(1)">x</a>', '<a href="">x</a>'],
    ['a mixed-case scheme', '<a href="JaVaScRiPt:alert(1)">x</a>', '<a href="">x</a>'],
    ['a scheme behind spaces and controls', '<a href=" \u0001 javascript:alert(1)">x</a>', '<a href="">x</a>'],
    ['a scheme written with entities', '<a href="&#106;&#x61;vascript&colon;alert(1)">x</a>', '<a href="">x</a>'],
    ['a tab entity inside the scheme', '<a href="jav&#x09;ascript:alert(1)">x</a>', '<a href="">x</a>'],
    ['a newline and a NUL inside the scheme', '<a href="java&#10;scr\u0000ipt:alert(1)">x</a>', '<a href="">x</a>'],
    ['vbscript:', '<a href="vbscript:msgbox(1)">x</a>', '<a href="">x</a>'],
    ['a data:text/html link', '<a href="data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==">x</a>', '<a href="">x</a>'],
    ['a data: image that is not an image', '<img src="data:text/html,<script>alert(1)</script>">', '<img src="" />'],
    ['svg onload', '<svg onload="alert(1)"><circle r="1"/></svg>', '<svg xmlns="http://www.w3.org/2000/svg"><circle r="1"></circle></svg>'],
    [
      'an svg animation that rewrites a link',
      '<svg><a><animate attributeName="href" values="javascript:alert(1)"/><text>x</text></a></svg>',
      '<svg xmlns="http://www.w3.org/2000/svg"><a><text>x</text></a></svg>',
    ],
    ['style expression()', '<div style="width: expression(alert(1))">x</div>', '<div>x</div>'],
    [
      'url(javascript:) in style (the whole attribute, as in feedparser)',
      '<div style="color: red; background: url(javascript:alert(1))">x</div>',
      '<div>x</div>',
    ],
    [
      'url() in style, keeping the rest',
      '<div style="color: red; background-image: url(/x.png)">x</div>',
      '<div style="color: red;">x</div>',
    ],
    ['CSS escapes in style', '<div style="color:red;width:\\65xpression(alert(1))">x</div>', '<div>x</div>'],
    ['a meta refresh', 'a<meta http-equiv="refresh" content="0;url=javascript:alert(1)">b', 'ab'],
    ['a base href', '<base href="https://evil.example/"><a href="x">x</a>', '<a href="https://blog.example/posts/x">x</a>'],
    ['a stylesheet link', '<link rel="stylesheet" href="https://evil.example/x.css">text', 'text'],
    ['script and style with their text', 'a<script>alert(1)</script><style>b{}</style>b', 'ab'],
    ['iframe, object and embed', '<iframe src="https://evil.example/"></iframe><object data="x.swf"></object><embed src="x.swf">ok', 'ok'],
    [
      'a form and its controls, keeping their words',
      '<form action="https://evil.example/"><input name="pw"><button>Send</button></form>',
      'Send',
    ],
    ['a script split by another tag', '<scr<script>ipt>alert(1)</script>', 'ipt&gt;alert(1)'],
    ['a conditional comment', '<!--[if IE]><script>alert(1)</script><![endif]-->ok', 'ok'],
    ['an empty comment opening', '<!--><script>alert(1)</script>-->ok', '--&gt;ok'],
    ['unclosed tags', '<p>one <b>two <i>three', '<p>one <b>two <i>three</i></b></p>'],
  ])('removes %s', (_, html, expected) => {
    const out = sanitizeHtml(html, base);
    expect(out).toBe(expected);
    expect(unsafeParts(out)).toEqual([]);
  });

  it.each([
    ['<svg><style><img src=x onerror=alert(1)></style></svg>'],
    ['<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>'],
    ['<noscript><p title="</noscript><img src=x onerror=alert(1)>">'],
    ['<textarea><img src=x onerror=alert(1)></textarea>'],
    ['<svg><set attributeName="xlink:href" to="javascript:alert(1)"/></svg>'],
    ['<math href="javascript:alert(1)"><mi xlink:href="javascript:alert(1)">x</mi></math>'],
    ['<svg><use xlink:href="data:image/svg+xml;base64,PHN2Zz48L3N2Zz4=#x"/></svg>'],
    ['<iframe srcdoc="<script>alert(1)</script>"></iframe>'],
  ])('leaves nothing live in the mutation trick %s', (html) => {
    expect(unsafeParts(sanitizeHtml(html, null))).toEqual([]);
    expect(sanitizeHtml(html, null)).not.toMatch(/<(img|script)\b/);
  });

  it('has a safety check that does flag the raw attacks', () => {
    for (const raw of [
      '<img src=x onerror=alert(1)>',
      '<a href="jav&#x09;ascript:alert(1)">x</a>',
      '<script>x</script>',
      '<div style="width: expression(1)">',
      '<svg><animate attributeName="href" values="javascript:alert(1)"/></svg>',
      '<iframe src="data:text/html,x"></iframe>',
    ]) {
      expect(unsafeParts(raw), raw).not.toEqual([]);
    }
  });

  // Not idempotence: HTML tree building may nest a re-parsed output differently (<a><a>).
  it('stays safe on random mixes of hostile fragments, and when sanitized twice', () => {
    const pieces = [
      '<a href="javascript:alert(1)">',
      '<img src=x onerror=alert(1)>',
      '<svg>',
      '</svg>',
      '<math>',
      '<mi>',
      '<style>',
      '</style>',
      '<script>',
      '</script>',
      '<!--',
      '-->',
      '<p>',
      '</p>',
      '<b>',
      '<table><tr><td>',
      '<noscript>',
      '</noscript>',
      '<textarea>',
      '<title>',
      '"',
      "'",
      '>',
      '<',
      '&amp;',
      '&#106;',
      'text',
      ' ',
      '<div style="color: red; x: expression(1)">',
      '<a href="/rel?a=1&b=2">',
      '<iframe>',
      '<form>',
      '<input>',
      '<![CDATA[',
      ']]>',
      '<math><mtext><mglyph>',
      '<img srcset="a.png 1x, javascript:x 2x">',
    ];
    fc.assert(
      fc.property(fc.array(fc.constantFrom(...pieces), { maxLength: 30 }), (parts) => {
        const once = sanitizeHtml(parts.join(''), 'https://blog.example/');
        expect(unsafeParts(once)).toEqual([]);
        expect(unsafeParts(sanitizeHtml(once, 'https://blog.example/'))).toEqual([]);
      }),
      { numRuns: 300, seed: 11 },
    );
  });
});

describe('sanitizeHtml on pathological nesting', () => {
  it('keeps a body nested far deeper than any post as plain text instead of parsing it', () => {
    const out = sanitizeHtml(`${'<div>'.repeat(100_000)}deep &amp; <script>x</script>`, null);
    expect(out.trim()).toBe('deep &amp; x');
  });

  it('reads a single tag of megabytes without running out of stack', () => {
    expect(sanitizeHtml(`<p${' '.repeat(9_000_000)}>x</p>`, null)).toBe('<p>x</p>');
    expect(sanitizeHtml(`<p${' a="b"'.repeat(1_500_000)}>x</p>`, null)).toBe('<p>x</p>');
  });

  it('still parses ordinary deep nesting, long lists and big inline SVGs', () => {
    expect(sanitizeHtml(`${'<div>'.repeat(1000)}x`, null)).toBe(`${'<div>'.repeat(1000)}x${'</div>'.repeat(1000)}`);
    expect(sanitizeHtml(`<ul>${'<li>i'.repeat(6000)}</ul>`, null)).toBe(`<ul>${'<li>i</li>'.repeat(6000)}</ul>`);
    const svg = sanitizeHtml(`<svg>${'<path d="M0 0"/>'.repeat(6000)}</svg>`, null);
    expect(svg.match(/<path /g)?.length).toBe(6000);
  });
});

describe('sanitizeHtml keeps and resolves', () => {
  it('keeps ordinary article markup unchanged', () => {
    const html =
      '<h2 id="s">Title</h2><p>A <a href="https://x.example/" title="t">link</a>, <code>code</code>, <abbr title="HyperText">HT</abbr>.</p>' +
      '<blockquote cite="https://q.example/"><p>quote</p></blockquote><ul><li>one</li></ul><pre>x &lt; y</pre>' +
      '<figure><img src="https://x.example/a.png" alt="A" width="10" /><figcaption>cap</figcaption></figure>' +
      '<table><thead><tr><th>h</th></tr></thead><tbody><tr><td colspan="2">d</td></tr></tbody></table>';
    expect(sanitizeHtml(html, 'https://blog.example/')).toBe(html);
  });

  it('resolves the relative URLs feedparser resolves, and srcset entries', () => {
    const out = sanitizeHtml(
      '<a href="../up">u</a><a href="#top">t</a><a href="//cdn.example/x">c</a><q cite="q">q</q>' +
        '<video poster="p.jpg" src="v.mp4"></video><img src="i.png" srcset="i.png 1x, /i2.png 2x">',
      'https://blog.example/dir/page.html',
    );
    expect(out).toBe(
      '<a href="https://blog.example/up">u</a><a href="https://blog.example/dir/page.html#top">t</a>' +
        '<a href="https://cdn.example/x">c</a><q cite="https://blog.example/dir/q">q</q>' +
        '<video poster="https://blog.example/dir/p.jpg" src="https://blog.example/dir/v.mp4"></video>' +
        '<img src="https://blog.example/dir/i.png" srcset="https://blog.example/dir/i.png 1x, https://blog.example/i2.png 2x" />',
    );
  });

  it('leaves absolute URLs alone and relative ones as they are without a base', () => {
    expect(sanitizeHtml('<a href="HTTP://X.example/a/../b">x</a><a href="mailto:me@x.example">m</a>', 'https://blog.example/')).toBe(
      '<a href="HTTP://X.example/a/../b">x</a><a href="mailto:me@x.example">m</a>',
    );
    expect(sanitizeHtml('<a href="/rel">x</a><img src="i.png">', null)).toBe('<a href="/rel">x</a><img src="i.png" />');
  });

  it('keeps data: images only in img', () => {
    expect(sanitizeHtml('<img src="data:image/png;base64,iVBORw0KGgo=">', null)).toBe('<img src="data:image/png;base64,iVBORw0KGgo=" />');
    expect(sanitizeHtml('<a href="data:image/png;base64,iVBORw0KGgo=">x</a>', null)).toBe('<a href="">x</a>');
  });

  it('unwraps unknown tags and keeps their text, as feedparser does', () => {
    expect(sanitizeHtml('<blink>safe</blink> <custom-tag>text</custom-tag><font color="red">f</font>', null)).toBe(
      'safe text<font color="red">f</font>',
    );
  });

  it('keeps escaped markup as text and returns plain text untouched', () => {
    expect(sanitizeHtml('&lt;script&gt;alert(1)&lt;/script&gt; &amp; more', null)).toBe('&lt;script&gt;alert(1)&lt;/script&gt; &amp; more');
    expect(sanitizeHtml('Just words, no markup.', null)).toBe('Just words, no markup.');
  });
});

describe('the parser', () => {
  it('stores every summary and content sanitized, with URLs resolved against the entry base', async () => {
    const doc = `<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/"><channel><title>t</title>
      <item><guid>1</guid><title>x</title>
      <description>safe&lt;script&gt;alert(1)&lt;/script&gt; &lt;img src="a.png" onerror="alert(1)"&gt;</description>
      <content:encoded><![CDATA[<p><a href="javascript:alert(1)">x</a> <a href="/post">post</a></p><iframe src="https://evil.example/"></iframe>]]></content:encoded>
      </item></channel></rss>`;
    const outcome = parseFeedDocument(doc, 'https://blog.example/feed.xml');
    if (outcome.kind !== 'feed') throw new Error(`not a feed: ${JSON.stringify(outcome)}`);
    const item = outcome.feed.items[0];
    expect(item.summary).toBe('safe <img src="https://blog.example/a.png" />');
    expect(item.content).toBe('<p><a href="">x</a> <a href="https://blog.example/post">post</a></p>');
  });
});
