// The invariants the fuzzers check: what each reader promises about any input whatsoever.
import { expect } from 'vitest';
import { readOpml } from '../../src/opml/read.js';
import { InputError } from '../../src/errors.js';
import { decodeDocument } from '../../src/text/charset.js';
import { parseFeedDocument } from '../../src/parse/feed.js';
import { Parser } from 'htmlparser2';
import { cpuMs } from './mutate.js';

// What a stored summary or content must never hold (the sanitizer rules).
const UNSAFE_ELEMENTS = new Set(['script', 'iframe', 'object', 'embed', 'form', 'style', 'meta', 'base', 'frame', 'frameset', 'applet']);
const URL_ATTRIBUTES = new Set([
  'href',
  'src',
  'action',
  'formaction',
  'xlink:href',
  'background',
  'poster',
  'cite',
  'longdesc',
  'lowsrc',
  'dynsrc',
]);

/** unsafeHtml names the first unsafe thing in stored HTML, or returns null when it is safe to embed. */
export function unsafeHtml(html: string): string | null {
  let found: string | null = null;
  const p = new Parser(
    {
      onopentag(name, attrs) {
        if (found) return;
        if (UNSAFE_ELEMENTS.has(name)) found = `<${name}>`;
        for (const [a, v] of Object.entries(attrs)) {
          const url = v.replace(/[\u0000-\u0020\u007f]+/g, '').toLowerCase();
          if (/^on/.test(a)) found ??= `${a}= on <${name}>`;
          else if (URL_ATTRIBUTES.has(a) && /^(javascript|vbscript|data):/.test(url) && !(name === 'img' && url.startsWith('data:image/')))
            found ??= `${a}="${v.slice(0, 40)}" on <${name}>`;
          else if (a === 'style' && /expression\(|url\(\s*['"]?\s*javascript:/i.test(v)) found ??= `style="${v.slice(0, 40)}"`;
        }
      },
    },
    { decodeEntities: true, lowerCaseTags: true, lowerCaseAttributeNames: true },
  );
  p.end(html);
  return found;
}

/** checkOpml asserts everything readOpml promises about any bytes. */
export function checkOpml(bytes: Uint8Array): void {
  const { value: r, ms } = cpuMs(() => {
    try {
      return readOpml(bytes, 'fuzz.opml');
    } catch (err) {
      if (!(err instanceof InputError)) throw err; // a crash: anything but the declared refusal
      return err;
    }
  });
  expect(ms).toBeLessThan(2000);
  if (r instanceof InputError) {
    expect(r.message).toMatch(/^fuzz\.opml: [^\n\r]+$/);
    expect(r.message.length).toBeLessThan(500);
    return;
  }
  expect(r.title === null || (typeof r.title === 'string' && !/[\n\r]/.test(r.title))).toBe(true);
  expect(r.subscriptions.length).toBeLessThanOrEqual(bytes.length / 8);
  const urls = new Set<string>();
  for (const s of r.subscriptions) {
    expect(/^https?:$/.test(new URL(s.url).protocol)).toBe(true);
    expect(urls.has(s.url)).toBe(false);
    urls.add(s.url);
    expect(typeof s.category).toBe('string');
    expect(s.title === null || typeof s.title === 'string').toBe(true);
  }
  for (const n of Object.values(r.skipped)) expect(Number.isInteger(n) && n > 0).toBe(true);
  expect(Number.isInteger(r.duplicates) && r.duplicates >= 0).toBe(true);
}

const CHARSETS = [undefined, 'utf-8', 'iso-8859-1', 'utf-16', 'utf-16le', 'koi8-r', 'x-bogus', 'windows-1252'];
const TYPES = ['', 'application/rss+xml', 'application/atom+xml', 'application/json', 'text/html', 'text/plain'];
const str = (v: unknown) => v === null || typeof v === 'string';

/** checkFeed asserts everything decode → parse promises about any bytes. */
export function checkFeed(bytes: Uint8Array): void {
  // The HTTP charset and Content-Type vary with the bytes, so one input replays exactly.
  const pick = bytes.length ? bytes[bytes.length >> 1] : 0;
  const { value, ms } = cpuMs(() => {
    const decoded = decodeDocument(bytes, CHARSETS[pick % CHARSETS.length]);
    return { decoded, outcome: parseFeedDocument(decoded.text, 'http://fuzz.test/feed', TYPES[pick % TYPES.length]) };
  });
  expect(ms).toBeLessThan(2000);
  expect(typeof value.decoded.text).toBe('string');
  const o = value.outcome;
  expect(['feed', 'html', 'invalid']).toContain(o.kind);
  if (o.kind === 'invalid') {
    expect(o.reason).toMatch(/^[^\n\r]+$/);
    expect(o.reason.length).toBeLessThan(500);
  } else if (o.kind === 'html') {
    for (const a of o.alternates) expect(typeof a).toBe('string');
  } else {
    expect(typeof o.recovered).toBe('boolean');
    expect(str(o.feed.title) && str(o.feed.siteUrl)).toBe(true);
    // Output is bounded by the input (entity expansion included), not by what entities could make.
    expect(JSON.stringify(o.feed).length).toBeLessThan(20 * value.decoded.text.length + 1_000_000);
    for (const it of o.feed.items) {
      expect(typeof it.key === 'string' && it.key.length > 0).toBe(true);
      expect([it.guid, it.link, it.title, it.author, it.published, it.updated, it.summary, it.content].every(str)).toBe(true);
      for (const html of [it.summary, it.content]) if (html) expect(unsafeHtml(html), html.slice(0, 300)).toBeNull();
      if (it.link) expect(/^https?:/i.test(it.link), it.link).toBe(true);
    }
  }
}
