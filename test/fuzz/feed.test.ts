// decode → parse on mutated feed fixtures: decodeDocument always gives text, and
// parseFeedDocument always answers feed, html or invalid (with a one-line reason), within bounds.
import { describe, expect, it } from 'vitest';
import { checkFeed, unsafeHtml } from './checks.js';
import { corpus, fuzz, FUZZ } from './mutate.js';

describe('decode and parse under fuzzing', () => {
  it.each([
    ['<p>ok <a href="https://x.test/">x</a><img src="data:image/png;base64,AA"></p>', null],
    ['<p><script>alert(1)</script></p>', '<script>'],
    ['<a href=" jav&#x09;ascript:alert(1)">x</a>', 'href'],
    ['<img src=x onerror=alert(1)>', 'onerror'],
    ['<div style="width: expression(alert(1))">', 'style'],
    ['<a href="data:text/html,x">', 'href'],
  ])('the safety check itself judges %s', (html, found) => {
    const r = unsafeHtml(html);
    if (found === null) expect(r).toBeNull();
    else expect(r).toContain(found);
  });

  it(
    'answer feed, html or a one-line invalid, never an exception, on mutated feed fixtures',
    () => {
      expect(fuzz('feed', corpus('feeds'), checkFeed)).toBeGreaterThan(0);
    },
    (FUZZ.seconds + 60) * 1000,
  );

  it(
    'do the same on OPML fixtures and on feed fixtures treated as OPML-like text',
    () => {
      expect(fuzz('feed-x', corpus('opml', 'feeds/golden'), checkFeed)).toBeGreaterThan(0);
    },
    (FUZZ.seconds + 60) * 1000,
  );
});
