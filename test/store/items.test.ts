import { describe, expect, it } from 'vitest';
import type { Item } from '../../src/model.js';
import { openStore, type Store } from '../../src/store/sqlite/connect.js';
import { addSubscriptions, listFeeds } from '../../src/store/sqlite/feeds.js';
import { iterateItems } from '../../src/store/sqlite/read.js';
import { upsertItems } from '../../src/store/sqlite/upsert.js';
import { recordSuccess } from '../../src/store/sqlite/outcomes.js';
import { searchItems } from '../../src/store/sqlite/search.js';

const NOW = '2026-01-10T12:00:00.000Z';
const blank: Omit<Item, 'key'> = {
  guid: null,
  link: null,
  title: null,
  author: null,
  published: null,
  updated: null,
  summary: null,
  content: null,
  enclosures: [],
  categories: [],
  duration: null,
  comments: null,
  episode: null,
  season: null,
  explicit: null,
  transcriptUrl: null,
  chaptersUrl: null,
};
const item = (key: string, fields: Partial<Item> = {}): Item => ({ ...blank, key, guid: key, ...fields });

const episode: Item = {
  key: 'ep-3',
  guid: 'ep-3',
  link: 'https://radio.example/3',
  title: 'Episode 3: Bread',
  author: 'Ann',
  published: '2026-01-07T06:00:00.000Z',
  updated: '2026-01-08T06:00:00.000Z',
  summary: '<p>We bake.</p>',
  content: '<p>We bake, at length.</p>',
  enclosures: [
    { url: 'https://cdn.example/ep3.mp3', type: 'audio/mpeg', length: 12345, duration: 3723 },
    { url: 'https://cdn.example/ep3.jpg', type: null, length: null, duration: null },
  ],
  categories: ['Food', 'podcast-tag', 'Ökonomie'],
  duration: 3723,
  comments: 'https://radio.example/3#comments',
  episode: 3,
  season: 1,
  explicit: false,
  transcriptUrl: 'https://radio.example/3.vtt',
  chaptersUrl: 'https://radio.example/3.chapters.json',
};

function store(): { db: Store; feedId: number } {
  const db = openStore(':memory:');
  const { added } = addSubscriptions(
    db,
    [{ url: 'https://radio.example/feed', title: 'My radio', siteUrl: null, category: 'Podcasts' }],
    NOW,
  );
  return { db, feedId: added[0].id };
}
const put = (db: Store, feedId: number, items: Item[], now = NOW) => db.transaction(() => upsertItems(db, feedId, items, now))();
const all = (db: Store) => [...iterateItems(db, {})];

describe('storing items with everything their feed says', () => {
  it('reads every field back as it was stored', () => {
    const { db, feedId } = store();
    put(db, feedId, [episode, item('plain', { title: 'Plain' })]);
    const [plain, ep] = all(db); // undated, so sorted by its first-seen time: now
    const { key, ...fields } = episode;
    expect(ep).toMatchObject({ ...fields, feedId, feedTitle: 'My radio', category: 'Podcasts', firstSeen: NOW });
    expect(plain).toMatchObject({ ...blank, guid: 'plain', title: 'Plain' });
    expect(db.prepare('SELECT explicit, enclosures, categories FROM items ORDER BY id').all()).toEqual([
      { explicit: 0, enclosures: JSON.stringify(episode.enclosures), categories: JSON.stringify(episode.categories) },
      { explicit: null, enclosures: '[]', categories: '[]' },
    ]);
    put(db, feedId, [{ ...episode, explicit: true }]);
    expect(all(db)[1].explicit).toBe(true);
  });

  it.each([
    ['its enclosures', { enclosures: [{ url: 'https://cdn.example/ep3-fixed.mp3', type: 'audio/mpeg', length: 12345, duration: 3723 }] }],
    ['an enclosure length', { enclosures: [{ ...episode.enclosures[0], length: 1 }, episode.enclosures[1]] }],
    ['its categories', { categories: ['Food'] }],
    ['the order of its categories', { categories: ['podcast-tag', 'Food', 'Ökonomie'] }],
    ['its duration', { duration: 60 }],
    ['its explicit flag', { explicit: null }],
    ['its episode number', { episode: 4 }],
    ['its transcript', { transcriptUrl: null }],
    ['its chapters', { chaptersUrl: 'https://radio.example/3.json' }],
    ['its comments page', { comments: null }],
  ] as [string, Partial<Item>][])('counts an item as updated when %s changed, and not when nothing did', (_what, change) => {
    const { db, feedId } = store();
    put(db, feedId, [episode]);
    expect(put(db, feedId, [episode])).toEqual({ added: 0, updated: 0 });
    expect(put(db, feedId, [{ ...episode, ...change }])).toEqual({ added: 0, updated: 1 });
    expect(all(db)[0]).toMatchObject(change);
  });

  it("stores a key repeated within one list once, as its later copy says, and finds only this feed's items by key", () => {
    const { db, feedId } = store();
    const other = addSubscriptions(db, [{ url: 'https://other.example/feed', title: null, siteUrl: null, category: '' }], NOW).added[0].id;
    put(db, other, [item('shared', { title: 'Elsewhere' })]);
    expect(
      put(db, feedId, [
        item('a', { title: 'First' }),
        item('shared', { title: 'Mine' }),
        item('a', { title: 'Second' }),
        item('a', { title: 'Second' }),
      ]),
    ).toEqual({ added: 2, updated: 1 });
    expect(
      all(db)
        .filter((i) => i.feedId === feedId)
        .map((i) => i.title)
        .sort(),
    ).toEqual(['Mine', 'Second']);
    expect([...searchItems(db, 'first', {})]).toHaveLength(0);
    expect([...searchItems(db, 'second', {})]).toHaveLength(1);
    expect(put(db, feedId, [item('shared', { title: 'Mine' }), item('a', { title: 'Second' }), item('b')])).toEqual({
      added: 1,
      updated: 0,
    });
    expect(put(db, other, [item('shared', { title: 'Elsewhere' })])).toEqual({ added: 0, updated: 0 });
  });

  it('sorts an item dated far in the future by when it was first seen, keeping its raw date', () => {
    const { db, feedId } = store();
    const seen = '2026-01-09T00:00:00.000Z';
    const inTwoDays = new Date(Date.parse(seen) + 3 * 86400_000).toISOString(); // tomorrow + 2 days
    const soon = new Date(Date.parse(seen) + 20 * 3600_000).toISOString(); // within a day: a clock a little ahead
    put(
      db,
      feedId,
      [
        item('old', { title: 'Yesterday', published: '2026-01-09T12:00:00.000Z' }),
        item('9999', { title: 'Pinned forever', published: '9999-12-31T00:00:00.000Z' }),
        item('later', { title: 'In three days', published: inTwoDays }),
        item('soon', { title: 'Twenty hours ahead', published: soon }),
      ],
      seen,
    );
    put(db, feedId, [item('new', { title: 'Today', published: NOW })]);
    expect(all(db).map((i) => i.title)).toEqual(['Today', 'Twenty hours ahead', 'Yesterday', 'In three days', 'Pinned forever']);
    expect(all(db).find((i) => i.title === 'Pinned forever')!.published).toBe('9999-12-31T00:00:00.000Z');
    const sortAt = (key: string) => (db.prepare('SELECT sort_at AS s FROM items WHERE key = ?').get(key) as { s: string }).s;
    expect(sortAt('9999')).toBe(seen);
    expect(sortAt('later')).toBe(seen);
    expect(sortAt('soon')).toBe(soon);
    // The same on update: the first-seen time, never the time of the update.
    put(db, feedId, [item('old', { title: 'Yesterday, edited', published: '9999-01-01T00:00:00.000Z' })], '2026-01-11T00:00:00.000Z');
    expect(sortAt('old')).toBe(seen);
    put(db, feedId, [item('later', { title: 'In three days, fixed', published: '2026-01-08T00:00:00.000Z' })], '2026-01-11T00:00:00.000Z');
    expect(sortAt('later')).toBe('2026-01-08T00:00:00.000Z');
    expect([...iterateItems(db, { since: '2026-01-09T12:00:00.000Z' })].map((i) => i.title)).toEqual(['Today', 'Twenty hours ahead']);
  });

  it('indexes item categories with the title, and forgets a category the feed dropped', () => {
    const { db, feedId } = store();
    put(db, feedId, [episode, item('other', { title: 'Unrelated', summary: 'text' })]);
    const hits = (q: string) => [...searchItems(db, q, {})].map((h) => h.title);
    expect(hits('podcast-tag')).toEqual(['Episode 3: Bread']);
    expect(hits('ökonomie')).toEqual(['Episode 3: Bread']);
    expect([...searchItems(db, 'bake', {})][0]).toMatchObject({ categories: episode.categories, explicit: false });
    put(db, feedId, [{ ...episode, categories: ['Food'] }]);
    expect(hits('podcast-tag')).toEqual([]);
    expect(hits('food')).toEqual(['Episode 3: Bread']);
  });
});

describe('filtering items by tag and enclosure', () => {
  function library() {
    const s = store();
    put(s.db, s.feedId, [
      episode,
      item('video', {
        title: 'Video',
        published: '2026-01-06T00:00:00.000Z',
        categories: ['FOOD'],
        enclosures: [{ url: 'https://cdn.example/v.mp4', type: 'video/mp4', length: null, duration: null }],
      }),
      item('playlist', {
        title: 'Playlist',
        published: '2026-01-05T00:00:00.000Z',
        enclosures: [{ url: 'https://cdn.example/p.m3u', type: 'audio/mpegurl', length: null, duration: null }],
      }),
      item('opus', {
        title: 'Opus',
        published: '2026-01-04T00:00:00.000Z',
        enclosures: [{ url: 'https://cdn.example/o.ogg', type: 'audio/ogg; codecs=opus', length: null, duration: null }],
      }),
      item('text', { title: 'Text', published: '2026-01-03T00:00:00.000Z', categories: ['Food_and_drink'] }),
    ]);
    return s;
  }
  const titles = (db: Store, f: Parameters<typeof iterateItems>[1]) => [...iterateItems(db, f)].map((i) => i.title);

  it.each([
    [{ tags: ['food'] }, ['Episode 3: Bread', 'Video']],
    [{ tags: ['ÖKONOMIE'] }, ['Episode 3: Bread']],
    [{ tags: ['food', 'podcast-tag'] }, ['Episode 3: Bread']],
    [{ tags: ['Foo'] }, []],
    [{ tags: ['food%'] }, []],
    [{ enclosure: true }, ['Episode 3: Bread', 'Video', 'Playlist', 'Opus']],
    [{ enclosure: 'audio/' }, ['Episode 3: Bread', 'Playlist', 'Opus']],
    [{ enclosure: 'video/' }, ['Video']],
    [{ enclosure: 'audio/mpeg' }, ['Episode 3: Bread']],
    [{ enclosure: 'audio/ogg' }, ['Opus']],
    [{ enclosure: 'image/' }, []],
    [{ enclosure: 'audio/', tags: ['food'] }, ['Episode 3: Bread']],
  ] as [Parameters<typeof iterateItems>[1], string[]][])('%j matches %j', (f, expected) => {
    expect(titles(library().db, f)).toEqual(expected);
  });

  it('filters search hits the same way', () => {
    const { db } = library();
    expect([...searchItems(db, 'food', { enclosure: 'video/' })].map((h) => h.title)).toEqual(['Video']);
  });
});

describe('recording what a feed document says about itself', () => {
  const meta = {
    title: 'Kitchen Table Radio',
    description: 'Two people, one table.',
    language: 'en-us',
    imageUrl: 'https://radio.example/cover.jpg',
  };
  const ok = { status: 200, error: null, nextCheckAt: null };

  it('keeps the name the user gave the feed beside the document title, and fills only what the OPML lacked', () => {
    const { db, feedId } = store();
    const { added } = addSubscriptions(db, [{ url: 'https://untitled.example/feed', title: null, siteUrl: null, category: '' }], NOW);
    recordSuccess(db, feedId, { ...ok, title: meta.title, siteUrl: 'https://radio.example/', meta }, NOW);
    recordSuccess(
      db,
      added[0].id,
      { ...ok, title: 'Untitled Feed', siteUrl: 'https://untitled.example/', meta: { ...meta, title: 'Untitled Feed' } },
      NOW,
    );
    const [radio, untitled] = listFeeds(db).sort((a, b) => a.id - b.id);
    expect(radio).toMatchObject({ title: 'My radio', siteUrl: 'https://radio.example/', meta });
    expect(untitled).toMatchObject({ title: 'Untitled Feed', meta: { title: 'Untitled Feed' } });
  });

  it('rewrites the metadata on every parse, and leaves it alone on a 304', () => {
    const { db, feedId } = store();
    recordSuccess(db, feedId, { ...ok, meta }, NOW);
    recordSuccess(db, feedId, { ...ok, status: 304 }, NOW);
    expect(listFeeds(db)[0].meta).toEqual(meta);
    recordSuccess(db, feedId, { ...ok, meta: { ...meta, description: null, language: 'de' } }, NOW);
    expect(listFeeds(db)[0].meta).toEqual({ ...meta, description: null, language: 'de' });
  });
});
