// decode → parse on mutated feed fixtures: decodeDocument always gives text, and
// parseFeedDocument always answers feed, html or invalid (with a one-line reason), within bounds.
import { describe, expect, it } from 'vitest';
import { checkFeed } from './checks.js';
import { corpus, fuzz, FUZZ } from './mutate.js';

describe('decode and parse under fuzzing', () => {
  it('answer feed, html or a one-line invalid, never an exception, on mutated feed fixtures', () => {
    expect(fuzz('feed', corpus('feeds'), checkFeed)).toBeGreaterThan(0);
  }, (FUZZ.seconds + 60) * 1000);

  it('do the same on OPML fixtures and on feed fixtures treated as OPML-like text', () => {
    expect(fuzz('feed-x', corpus('opml', 'feeds/golden'), checkFeed)).toBeGreaterThan(0);
  }, (FUZZ.seconds + 60) * 1000);
});
