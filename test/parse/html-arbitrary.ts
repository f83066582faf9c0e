import fc from 'fast-check';

// Random markup, well-formed or not: tags the sanitizer keeps, unwraps and drops, tags htmlparser2
// closes by itself (p, li, td, dd, a …), void and stray end tags, foreign content, attributes with
// quotes and entities, comments, and text with entities and every kind of space.
const TAGS = ['p', 'div', 'span', 'a', 'b', 'br', 'hr', 'img', 'li', 'ul', 'ol', 'dl', 'dd', 'dt', 'h1', 'h3', 'pre', 'blockquote',
  'table', 'tbody', 'thead', 'tfoot', 'tr', 'td', 'th', 'caption', 'figure', 'figcaption', 'section', 'header', 'nav', 'details',
  'summary', 'rt', 'rp', 'ruby', 'option', 'select', 'input', 'output', 'button', 'form', 'font', 'center', 'wbr', 'col', 'command',
  'script', 'style', 'noscript', 'template', 'iframe', 'object', 'textarea', 'title', 'xmp', 'head', 'body', 'html', 'svg', 'math',
  'path', 'mi', 'foreignObject', 'custom-tag', 'P', 'LI', 'image', 'applet', 'embed', 'param', 'main', 'abbr', 'time', 'source',
  'video', 'audio', 'picture', 'area', 'map', 'o:p', 'IMG', 'Br'];
const ATTRIBUTES = ['href="/x?a=1&amp;b=2"', 'href="javascript:alert(1)"', 'src="a.png"', 'title="a &quot;q&quot; > b"', "alt='it&#39;s'",
  'class=x', 'style="color: red"', 'onclick="x()"', 'width="10"', 'data-x="1"', 'hidden', 'srcset="a.png 1x, b.png 2x"',
  'href="https://ex.example/a?b=1&c=2"', 'href="#note-1"', 'href="../up"', 'HREF="UP.html"', 'src="//cdn.example/x.png"',
  'href="mailto:a@b.example"', 'href=" java script:x"', 'href="java&#x09;script:alert(1)"', 'href="data:text/html,x"',
  'src="data:image/png;base64,AA"', 'cite="q.html"', 'poster="p.jpg"', 'longdesc="d.html"', 'class=""', 'class="a b"', 'title=""',
  'style="background: url(x.png); color: red"', 'lang="en"', "title='single'", 'title="dup" title="second"', 'id="__proto__"',
  '__proto__="x"', 'constructor="y"', 'alt="&lt;b&gt; &amp;c"', 'alt="a\nb"', 'width = "3"',
  // Obfuscated schemes, no space between attributes, control characters, a repeated name in capitals.
  'href="&#106;avascript:alert(1)"', 'href="JaVaScRiPt:x"', 'href="\u0001javascript:x"', 'href="vbscript:x"', 'href="https://x.example/"onclick="y"',
  'HREF="javascript:x" href="https://x.example/"', 'title="\0&#0;"', 'src="https&colon;//x.example/i.png"', 'title="\ud83d\ude00"'];
const TEXTS = ['Hello', ' world ', 'a &amp; b', '1 &lt; 2 &gt; 0', '&nbsp;x&nbsp;', '\u00a0', 'caf&eacute;', '&copy 2024', '&#8212;', '&#x1F600;',
  '&bogus;', 'AT&T', '\t tab\t', '\n\n', '\r\n', '\u2003em\u2003', ' \f\v ', '•', 'x < y', 'a > b', '&', '"quoted"', 'ünïcødé',
  '\0', '&#0;', '&#128;', '&notit;', '&amp', '\ud83d\ude00', '\ud800', '&lt;script&gt;'];
const token = fc.oneof(
  { weight: 4, arbitrary: fc.constantFrom(...TEXTS) },
  { weight: 3, arbitrary: fc.tuple(fc.constantFrom(...TAGS), fc.subarray(ATTRIBUTES, { maxLength: 3 }), fc.boolean()).map(([t, a, self]) => `<${[t, ...a].join(' ')}${self ? ' /' : ''}>`) },
  { weight: 3, arbitrary: fc.constantFrom(...TAGS).map((t) => `</${t}>`) },
  { weight: 1, arbitrary: fc.constantFrom('<!-- note -->', '<!---->', '<!-- a --!> b -->', '<!-->', '<!--->', '<!-- <p> -', '-->', '<![CDATA[x]]>', '</ p>', '<p', '< p>', '<>', '</>', '<!doctype html>',
    '<!-- --!-->', '<!----!>', '<!-- ---!>', '</p\n>', '</a x>', '<p/ >', '<a\0href="x">', '<br\v>', '<?php x ?>') },
);
/** markup is random feed HTML for property tests. */
export const markup = fc.array(token, { maxLength: 40 }).map((ts) => ts.join(''));

