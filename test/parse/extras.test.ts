import { describe, expect, it } from 'vitest';
import { parseFeedDocument, type ParseOutcome } from '../../src/parse/feed.js';
import { parseDuration, toExplicit } from '../../src/parse/extras.js';

const itemOf = (o: ParseOutcome) => {
  if (o.kind !== 'feed') throw new Error(`not a feed: ${JSON.stringify(o)}`);
  return o.feed.items[0];
};
const NS =
  ' xmlns:itunes="http://www.itunes.com/dtds/podcast-1.0.dtd" xmlns:media="http://search.yahoo.com/mrss/" xmlns:atom="http://www.w3.org/2005/Atom" xmlns:dc="http://purl.org/dc/elements/1.1/"';
const rssItem = (xml: string) =>
  itemOf(
    parseFeedDocument(
      `<rss version="2.0"${NS}><channel><title>p</title><item><guid>g</guid>${xml}</item></channel></rss>`,
      'https://pod.example/feed',
    ),
  );

describe('itunes:duration', () => {
  it.each([
    ['3600', 3600],
    ['1:00:00', 3600],
    ['60:00', 3600],
    ['1:2:3', 3723],
    ['01:02:03', 3723],
    ['0:59', 59],
    ['90.6', 91],
    [' 42 ', 42],
    ['5:00.5', 300],
  ])('reads %j as %i seconds', (v, secs) => {
    expect(parseDuration(v)).toBe(secs);
    expect(rssItem(`<itunes:duration>${v}</itunes:duration>`).duration).toBe(secs);
  });

  it.each(['', 'junk', '1:60', '1:60:00', '-5', '1::2', '1:2:3:4', 'PT1H'])('gives null for %j', (v) => {
    expect(parseDuration(v)).toBeNull();
  });
});

describe('itunes:explicit', () => {
  it.each([
    ['yes', true],
    ['true', true],
    ['explicit', true],
    ['Yes', true],
    ['no', false],
    ['false', false],
    ['clean', false],
    ['maybe', null],
    ['', null],
  ])('maps %j to %s', (v, expected) => {
    expect(toExplicit(v)).toBe(expected);
  });
});

describe('enclosures', () => {
  it('keeps several RSS enclosures in order, absolute http(s) only, the first of each URL', () => {
    const it0 =
      rssItem(`<enclosure url="/a.mp3" length="10" type="audio/mpeg"/><enclosure url="data:audio/mpeg;base64,AAAA" type="audio/mpeg"/>
      <enclosure url="https://cdn.example/b.mp3" length="junk" type="audio/mpeg"/><enclosure url="/a.mp3" length="10" type="audio/mpeg"/>`);
    expect(it0.enclosures).toEqual([
      { url: 'https://pod.example/a.mp3', type: 'audio/mpeg', length: 10, duration: null },
      { url: 'https://cdn.example/b.mp3', type: 'audio/mpeg', length: null, duration: null },
    ]);
  });

  it('reads Atom rel="enclosure" links and Media RSS content, in media:group too, with their own durations', () => {
    const it0 =
      rssItem(`<itunes:duration>100</itunes:duration><atom:link rel="enclosure" href="https://x.example/1.mp3" length="5" type="audio/mpeg"/>
      <media:content url="https://x.example/2.mp4" fileSize="7" type="video/mp4" duration="20"/>
      <media:group><media:content url="https://x.example/3.ogg" type="audio/ogg"/></media:group>`);
    expect(it0.enclosures).toEqual([
      { url: 'https://x.example/1.mp3', type: 'audio/mpeg', length: 5, duration: 100 },
      { url: 'https://x.example/2.mp4', type: 'video/mp4', length: 7, duration: 20 },
      { url: 'https://x.example/3.ogg', type: 'audio/ogg', length: null, duration: 100 },
    ]);
  });

  it('reads JSON Feed attachments with size and duration', () => {
    const doc = JSON.stringify({
      version: 'https://jsonfeed.org/version/1.1',
      title: 'j',
      items: [
        { id: '1', attachments: [{ url: 'https://j.example/1.mp3', mime_type: 'audio/mpeg', size_in_bytes: 99, duration_in_seconds: 61 }] },
      ],
    });
    const it0 = itemOf(parseFeedDocument(doc, 'https://j.example/feed.json'));
    expect(it0.enclosures).toEqual([{ url: 'https://j.example/1.mp3', type: 'audio/mpeg', length: 99, duration: 61 }]);
    expect(it0.duration).toBe(61);
  });
});

describe('categories', () => {
  it('reads RSS category, dc:subject, itunes:category (nested), itunes:keywords and media:category, trimmed and deduplicated', () => {
    const it0 = rssItem(`<category domain="x"> News </category><dc:subject>news</dc:subject><dc:subject>News</dc:subject>
      <itunes:category text="Technology"><itunes:category text="Podcasting"/></itunes:category>
      <itunes:keywords>a, b,,News , c</itunes:keywords><media:category>m</media:category>`);
    expect(it0.categories).toEqual(['News', 'news', 'Technology', 'Podcasting', 'a', 'b', 'c', 'm']);
  });

  it('reads Atom category terms', () => {
    const doc =
      '<feed xmlns="http://www.w3.org/2005/Atom"><entry><id>1</id><category term="t1" label="Label"/><category term=" t2 "/><category label="no term"/></entry></feed>';
    expect(itemOf(parseFeedDocument(doc, 'https://e.example/')).categories).toEqual(['t1', 't2']);
  });

  it('reads JSON Feed tags', () => {
    const doc = JSON.stringify({ version: 'https://jsonfeed.org/version/1', title: 'j', items: [{ id: 1, tags: ['x', ' y ', 'x', 3] }] });
    expect(itemOf(parseFeedDocument(doc, 'https://e.example/')).categories).toEqual(['x', 'y', '3']);
  });
});

describe('podcast fields', () => {
  it('reads comments, episode, season, explicit, transcript and chapters', () => {
    const it0 =
      rssItem(`<comments>/c/1</comments><itunes:episode> 12 </itunes:episode><itunes:season>x</itunes:season><itunes:explicit>true</itunes:explicit>
      <podcast:transcript xmlns:podcast="https://podcastindex.org/namespace/1.0" url="/t.vtt" type="text/vtt"/>
      <podcast:chapters xmlns:podcast="https://podcastindex.org/namespace/1.0" url="javascript:alert(1)"/>`);
    expect(it0).toMatchObject({
      comments: 'https://pod.example/c/1',
      episode: 12,
      season: null,
      explicit: true,
      transcriptUrl: 'https://pod.example/t.vtt',
      chaptersUrl: null,
    });
  });
});
