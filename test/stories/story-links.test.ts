// The one normalization both engines compare story links by (src/store/shared/story-links.ts):
// each rule it applies, and the differences it keeps, since a false merge hides a post.
import { describe, expect, it } from 'vitest';
import { isTracking, storyLink, storyLinks } from '../../src/store/shared/story-links.js';
import { placeCopies } from '../../src/store/shared/stories.js';

describe('storyLink', () => {
  it.each([
    ['scheme and host case', 'HTTPS://Blog.Example.COM/a/post', 'https://blog.example.com/a/post'],
    ['http and https as one', 'http://blog.example.com/a/post', 'https://blog.example.com/a/post'],
    ['the default port of http', 'http://blog.example.com:80/a/post', 'https://blog.example.com/a/post'],
    ['the default port of https', 'https://blog.example.com:443/a/post', 'http://blog.example.com/a/post'],
    ['a link to the comments section', 'https://blog.example.com/a/post#comments', 'https://blog.example.com/a/post'],
    [
      'the fragment (one page, different anchors: the accepted merge)',
      'https://blog.example.com/a/post#part-2',
      'https://blog.example.com/a/post#part-1',
    ],
    [
      'utm_* parameters',
      'https://blog.example.com/a/post?utm_source=feedburner&utm_medium=feed&utm_campaign=x',
      'https://blog.example.com/a/post',
    ],
    ['click ids', 'https://blog.example.com/a/post?fbclid=1&gclid=2&dclid=3&msclkid=4&yclid=5&igshid=6', 'https://blog.example.com/a/post'],
    ['mail trackers', 'https://blog.example.com/a/post?mc_cid=1&mc_eid=2&_hsenc=3&_hsmi=4&mkt_tok=5', 'https://blog.example.com/a/post'],
    [
      'trackers among other parameters, which stay',
      'https://blog.example.com/a?p=12&utm_source=x',
      'https://blog.example.com/a?utm_medium=y&p=12',
    ],
    ['tracking names in any case', 'https://blog.example.com/a/post?UTM_Source=x&FBCLID=y', 'https://blog.example.com/a/post'],
  ])('ignores %s', (_rule, a, b) => {
    expect(storyLink(a)).not.toBeNull();
    expect(storyLink(a)).toBe(storyLink(b));
  });

  it.each([
    ['a different ?id', 'https://blog.example.com/page?id=1', 'https://blog.example.com/page?id=2'],
    ['a different ?p', 'https://blog.example.com/?p=12', 'https://blog.example.com/?p=13'],
    ['ref, which can name content', 'https://blog.example.com/a?ref=one', 'https://blog.example.com/a?ref=two'],
    ['source, which can name content', 'https://blog.example.com/a?source=one', 'https://blog.example.com/a'],
    ['a comment (WordPress), which is not the post', 'https://blog.example.com/why-rust/#comment-12', 'https://blog.example.com/why-rust/'],
    ['two comments', 'https://blog.example.com/why-rust/#comment-12', 'https://blog.example.com/why-rust/#comment-13'],
    ['a comment (Blogger)', 'https://x.blogspot.com/2026/12/post.html#c1234567890', 'https://x.blogspot.com/2026/12/post.html'],
    ['path case', 'https://blog.example.com/Post', 'https://blog.example.com/post'],
    ['a trailing slash', 'https://blog.example.com/post/', 'https://blog.example.com/post'],
    ['the order of other parameters', 'https://blog.example.com/a?x=1&y=2', 'https://blog.example.com/a?y=2&x=1'],
    ['a non-default port', 'https://blog.example.com:8443/a', 'https://blog.example.com/a'],
    ['www', 'https://www.example.com/a', 'https://example.com/a'],
    ['another host', 'https://a.example.com/post', 'https://b.example.com/post'],
  ])('keeps %s apart', (_rule, a, b) => {
    expect(storyLink(a)).not.toBeNull();
    expect(storyLink(a)).not.toBe(storyLink(b));
  });

  it.each([
    ['no link', null],
    ['an empty one', ''],
    ['a relative one', '/a/post'],
    ['another scheme', 'ftp://example.com/a'],
    ['a tag: GUID', 'tag:example.com,2024:post-1'],
    ['a site front page (some feeds give it to every item)', 'https://blog.example.com/'],
    ['a front page with only trackers', 'https://blog.example.com/?utm_source=x#top'],
  ])('names no story for %s', (_what, raw) => {
    expect(storyLink(raw)).toBeNull();
  });

  it('keeps a front page with a parameter that can name content (?p=12)', () => {
    expect(storyLink('https://blog.example.com/?p=12')).toBe('blog.example.com/?p=12');
  });

  it('lists the trackers and leaves ref, source and id', () => {
    for (const n of ['utm_source', 'utm_anything', 'fbclid', 'gclid', 'mc_cid', 'mc_eid']) expect(isTracking(n)).toBe(true);
    for (const n of ['ref', 'source', 'id', 'p', 'page', 'q']) expect(isTracking(n)).toBe(false);
  });
});

describe('storyLinks', () => {
  it('takes the original link, the link and a GUID that is a URL, once each', () => {
    expect(
      storyLinks({
        origLink: 'https://blog.example.com/post?utm_source=feedburner',
        link: 'http://feeds.feedburner.com/~r/blog/~3/abc',
        guid: 'https://blog.example.com/post',
      }),
    ).toEqual(['blog.example.com/post', 'feeds.feedburner.com/~r/blog/~3/abc']);
  });

  it('leaves out a GUID that is no URL', () => {
    expect(storyLinks({ link: 'https://blog.example.com/post', guid: 'post-17' })).toEqual(['blog.example.com/post']);
  });
});

describe('placeCopies', () => {
  it("joins the story its first link names, unless the copy's feed already has a copy of it", () => {
    const linked = new Map([
      ['x/1', 10],
      ['x/3', 5],
    ]);
    const facts = new Map([
      [10, { feeds: new Set([1]), readAt: '2026-01-01T00:00:00.000Z', starredAt: null }],
      [5, { feeds: new Set([3]), readAt: null, starredAt: null }],
    ]);
    const placed = placeCopies(
      [
        { id: 20, feedId: 2, links: ['x/1'] },
        // Its own link names story 10; its GUID the older story 5: the link wins.
        { id: 22, feedId: 4, links: ['x/1', 'x/3'] },
        // Story 10's own feed gives x/1 to a second item: x/1 is shared in feed 1, names no story now.
        { id: 21, feedId: 1, links: ['x/1', 'x/2'] },
        { id: 23, feedId: 5, links: ['x/1'] },
      ],
      linked,
      facts,
    );
    // 20 joins story 10 and arrives read, 22 too; 21 and 23 start their own.
    expect(placed.joined).toEqual([
      { id: 20, storyId: 10, readAt: '2026-01-01T00:00:00.000Z', starredAt: null },
      { id: 22, storyId: 10, readAt: '2026-01-01T00:00:00.000Z', starredAt: null },
    ]);
    expect(placed.links).toEqual([['x/2', 21]]);
    expect(placed.ambiguous).toEqual(['x/1']);
  });

  it('takes a link two items of one feed give (a show page, a feed URL as GUID) as naming no story, from then on', () => {
    const linked = new Map([['x/show', 10]]);
    const facts = new Map([[10, { feeds: new Set([1]), readAt: null, starredAt: null }]]);
    const first = placeCopies(
      [
        { id: 20, feedId: 2, links: ['x/show', 'x/e1'] },
        { id: 21, feedId: 2, links: ['x/show', 'x/e2'] },
        { id: 22, feedId: 3, links: ['x/e1'] },
      ],
      linked,
      facts,
    );
    // Neither episode joins story 10 by the show page; 22 still joins 20 by its own link.
    expect(first.joined).toEqual([{ id: 22, storyId: 20, readAt: null, starredAt: null }]);
    expect(first.ambiguous).toEqual(['x/show']);
    expect(first.links).toEqual([
      ['x/e1', 20],
      ['x/e2', 21],
    ]);
    const later = placeCopies([{ id: 30, feedId: 4, links: ['x/show'] }], linked, facts);
    expect(later).toEqual({ joined: [], links: [], ambiguous: [] });
  });
});
