import fs from 'node:fs';
import path from 'node:path';
import { execFile } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Item } from '../../src/model.js';
import { openStore } from '../../src/store/sqlite/connect.js';
import { recordSuccess } from '../../src/store/sqlite/outcomes.js';
import { startFeedServer, type FeedServer } from '../feed-server.js';
import { cli, fixture, ROOT, tempDir } from '../helpers.js';
import { seed } from './seed.js';

// A small podcast library, served locally: two podcast feeds (test/fixtures/feeds/podcast*.rss)
// and their media files. The database is seeded through the store with the items those feeds
// hold, as the parser produces them, so these tests exercise storing and reading on their own.
let server: FeedServer;
let db: string;
const media = (name: string) => `media bytes of ${name}\n`;
const base = () => server.url;

function episodes(): Record<string, { category: string; title: string; items: Partial<Item>[] }> {
  const enc = (name: string, type: string, length: number) => ({ url: `${base()}/media/${name}`, type, length, duration: null });
  return {
    [`${base()}/radio.rss`]: {
      category: 'Podcasts',
      title: 'My kitchen show',
      items: [
        {
          guid: 'ktr-3',
          title: 'Episode 3: Bread',
          link: `${base()}/radio/3`,
          published: '2026-01-07T06:00:00.000Z',
          summary: 'We bake.',
          comments: `${base()}/radio/3#comments`,
          categories: ['Food', 'podcast-tag'],
          duration: 3723,
          episode: 3,
          season: 1,
          explicit: false,
          transcriptUrl: `${base()}/radio/3.vtt`,
          chaptersUrl: `${base()}/radio/3.chapters.json`,
          enclosures: [enc('ktr-3.mp3', 'audio/mpeg', 12345)],
        },
        {
          guid: 'ktr-2',
          title: 'Episode 2: Soup',
          link: `${base()}/radio/2`,
          published: '2025-12-31T06:00:00.000Z',
          summary: 'We cook.',
          categories: ['Food'],
          duration: 2700,
          explicit: true,
          enclosures: [enc('ktr-2.m4a', 'audio/x-m4a', 2345)],
        },
        {
          guid: 'ktr-1',
          title: 'Episode 1: Water',
          link: `${base()}/radio/1`,
          published: '2025-12-24T06:00:00.000Z',
          summary: 'We pour, on video.',
          enclosures: [enc('ktr-1.mp4', 'video/mp4', 345)],
        },
      ],
    },
    [`${base()}/night.rss`]: {
      category: 'Podcasts',
      title: 'Night Shift Notes',
      items: [
        {
          guid: 'night-2',
          title: 'Note 2',
          published: '2026-01-06T22:00:00.000Z',
          categories: ['Ökonomie'],
          duration: 300,
          enclosures: [enc('night-2.ogg', 'audio/ogg', 222)],
        },
        { guid: 'night-1', title: 'Note 1', published: '2026-01-05T22:00:00.000Z', enclosures: [enc('night-1.ogg', 'audio/ogg', 111)] },
        { guid: 'night-text', title: 'A written note, no audio', published: '2026-01-07T22:00:00.000Z', summary: 'Just text.' },
      ],
    },
  };
}

beforeAll(async () => {
  server = await startFeedServer();
  for (const [route, file] of [
    ['/radio.rss', 'podcast.rss'],
    ['/night.rss', 'podcast-2.rss'],
  ]) {
    const body = fs.readFileSync(fixture('feeds', file), 'utf8').replaceAll('{{BASE}}', server.url);
    server.route(route, (_req, res) => {
      res.writeHead(200, { 'content-type': 'application/rss+xml' });
      res.end(body);
    });
  }
  for (const name of ['ktr-3.mp3', 'ktr-2.m4a', 'ktr-1.mp4', 'night-2.ogg', 'night-1.ogg']) {
    server.route(`/media/${name}`, (_req, res) => {
      res.writeHead(200, { 'content-type': 'application/octet-stream' });
      res.end(media(name));
    });
  }
  db = path.join(tempDir(), 'podcasts.db');
  const store = openStore(db);
  seed(store, episodes());
  const radio = (store.prepare('SELECT id FROM feeds WHERE url = ?').get(`${base()}/radio.rss`) as { id: number }).id;
  recordSuccess(
    store,
    radio,
    {
      status: 200,
      error: null,
      nextCheckAt: null,
      siteUrl: `${base()}/radio/`,
      meta: {
        title: 'Kitchen Table Radio',
        description: "Two people, one table, and the week's news.",
        language: 'en-us',
        imageUrl: `${base()}/radio/cover.jpg`,
      },
    },
    '2026-01-10T00:00:00.000Z',
  );
  store.close();
});
afterAll(() => server.close());

const ndjson = (s: string) =>
  s
    .trim()
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l));
const titles = async (...args: string[]) => {
  const r = await cli(['--db', db, ...args, '--json']);
  expect(r.stderr).toBe('');
  return ndjson(r.stdout).map((i) => i.title);
};

describe('podcast items on the command line', () => {
  it('filters by item tag, ignoring case, every --tag required', async () => {
    expect(await titles('items', '--tag', 'food')).toEqual(['Episode 3: Bread', 'Episode 2: Soup']);
    expect(await titles('items', '--tag', 'FOOD', '--tag', 'Podcast-Tag')).toEqual(['Episode 3: Bread']);
    expect(await titles('items', '--tag', 'ökonomie')).toEqual(['Note 2']);
    expect(await titles('items', '--tag', 'Podcasts')).toEqual([]); // --category is the folder, --tag the item's own
    expect(await titles('items', '--category', 'Podcasts', '--tag', 'food', '--limit', '1')).toEqual(['Episode 3: Bread']);
  });

  it('filters by enclosure: any, a kind of media, or a MIME type', async () => {
    expect(await titles('items', '--has-enclosure')).toEqual([
      'Episode 3: Bread',
      'Note 2',
      'Note 1',
      'Episode 2: Soup',
      'Episode 1: Water',
    ]);
    expect(await titles('items', '--has-enclosure', 'audio')).toEqual(['Episode 3: Bread', 'Note 2', 'Note 1', 'Episode 2: Soup']);
    expect(await titles('items', '--has-enclosure', 'video')).toEqual(['Episode 1: Water']);
    expect(await titles('items', '--has-enclosure', 'audio/ogg', '--feed', `${base()}/night.rss`)).toEqual(['Note 2', 'Note 1']);
    expect(await titles('items', '--has-enclosure', 'image')).toEqual([]);
    const bad = await cli(['--db', db, 'items', '--has-enclosure', 'bread']);
    expect(bad).toMatchObject({ code: 2, stderr: 'inkzee: --has-enclosure bread: not audio, video, image or a MIME type (audio/mpeg)\n' });
  });

  it('finds items by their tags in search, with the same filters', async () => {
    expect(await titles('search', 'podcast-tag')).toEqual(['Episode 3: Bread']);
    expect(await titles('search', 'food', '--has-enclosure', 'audio', '--tag', 'podcast-tag')).toEqual(['Episode 3: Bread']);
    expect(await titles('search', 'we', '--has-enclosure', 'video')).toEqual(['Episode 1: Water']);
  });

  it('writes enclosures and podcast fields in NDJSON, null or [] when absent', async () => {
    const [bread] = ndjson((await cli(['--db', db, 'items', '--json', '--tag', 'podcast-tag'])).stdout);
    expect(bread).toMatchObject({
      enclosures: [{ url: `${base()}/media/ktr-3.mp3`, type: 'audio/mpeg', length: 12345, duration: null }],
      categories: ['Food', 'podcast-tag'],
      duration: 3723,
      comments: `${base()}/radio/3#comments`,
      episode: 3,
      season: 1,
      explicit: false,
      transcriptUrl: `${base()}/radio/3.vtt`,
      chaptersUrl: `${base()}/radio/3.chapters.json`,
    });
    const [text] = ndjson((await cli(['--db', db, 'search', 'just', '--json'])).stdout);
    expect(text).toMatchObject({
      enclosures: [],
      categories: [],
      duration: null,
      comments: null,
      episode: null,
      season: null,
      explicit: null,
      transcriptUrl: null,
      chaptersUrl: null,
    });
  });

  it('marks audio and video in tables, and leaves TSV as it was', async () => {
    const table = (await cli(['--db', db, 'items', '--feed', `${base()}/night.rss`])).stdout.split('\n');
    expect(table.find((l) => l.includes('Note 2'))).toMatch(/Note 2 ♪$/);
    expect(table.find((l) => l.includes('A written note'))).toMatch(/no audio$/);
    const hits = (await cli(['--db', db, 'search', 'bread'])).stdout;
    expect(hits).toContain('Episode 3: Bread ♪');
    const tsv = (await cli(['--db', db, 'items', '--tag', 'podcast-tag', '--format', 'tsv'])).stdout.trim().split('\t');
    expect(tsv.slice(1)).toEqual(['2026-01-07T06:00:00.000Z', 'My kitchen show', 'Episode 3: Bread', `${base()}/radio/3`]);
  });

  it('shows an item with its enclosures, tags and podcast fields', async () => {
    const [bread] = ndjson((await cli(['--db', db, 'items', '--json', '--tag', 'podcast-tag'])).stdout);
    const out = (await cli(['--db', db, 'show', String(bread.id)])).stdout;
    expect(out).toContain(`Enclosure: ${base()}/media/ktr-3.mp3  (audio/mpeg, 12.1 KiB)`);
    expect(out).toContain('Duration:  1:02:03');
    expect(out).toContain('Episode:   season 1, episode 3');
    expect(out).toContain('Tags:      Food, podcast-tag');
    expect(out).toContain('Explicit:  no');
    expect(out).toContain(`Transcript: ${base()}/radio/3.vtt`);
  });

  it("lists a feed's own metadata beside the name the user gave it", async () => {
    const feeds = ndjson((await cli(['--db', db, 'feeds', '--json'])).stdout);
    const radio = feeds.find((f) => f.url.endsWith('/radio.rss'));
    expect(radio).toMatchObject({
      title: 'My kitchen show',
      docTitle: 'Kitchen Table Radio',
      description: "Two people, one table, and the week's news.",
      language: 'en-us',
      imageUrl: `${base()}/radio/cover.jpg`,
      siteUrl: `${base()}/radio/`,
    });
    expect(feeds.find((f) => f.url.endsWith('/night.rss'))).toMatchObject({
      docTitle: null,
      description: null,
      language: null,
      imageUrl: null,
    });
    const table = (await cli(['--db', db, 'feeds'])).stdout;
    expect(table).toContain('My kitchen show');
    expect(table).not.toContain('Kitchen Table Radio');
    const one = (await cli(['--db', db, 'feeds', '--feed', String(radio.id)])).stdout;
    expect(one.split('\n').slice(0, 4)).toEqual([
      'My kitchen show',
      `URL:         ${base()}/radio.rss`,
      'Feed title:  Kitchen Table Radio',
      "Description: Two people, one table, and the week's news.",
    ]);
    expect(one).toContain('Language:    en-us');
  });

  it("downloads the newest episode of every podcast with the README's recipe, as written", async () => {
    const readme = fs.readFileSync(path.join(ROOT, 'README.md'), 'utf8');
    const recipe = /^Download the newest episode of every podcast[^]*?```sh\n([^]*?)```/m.exec(readme)![1];
    const dir = tempDir();
    // `inkzee` on the PATH is this build, on the test's database.
    fs.writeFileSync(path.join(dir, 'inkzee'), `#!/bin/sh\nexec "${process.execPath}" "${path.join(ROOT, 'bin', 'inkzee.js')}" "$@"\n`, {
      mode: 0o755,
    });
    const r = await new Promise<{ err: Error | null; stderr: string }>((resolve) =>
      execFile(
        'bash',
        ['-e', '-o', 'pipefail', '-c', recipe],
        { cwd: dir, env: { PATH: `${dir}:${process.env.PATH}`, HOME: dir, INKZEE_DB: db } },
        (err, _o, stderr) => resolve({ err, stderr }),
      ),
    );
    expect(r).toEqual({ err: null, stderr: '' });
    const ids = new Map(ndjson((await cli(['--db', db, 'items', '--json'])).stdout).map((i) => [i.guid, i.id]));
    const files = fs.readdirSync(path.join(dir, 'podcasts')).sort();
    expect(files).toEqual([`${ids.get('ktr-3')}-ktr-3.mp3`, `${ids.get('night-2')}-night-2.ogg`].sort());
    expect(fs.readFileSync(path.join(dir, 'podcasts', `${ids.get('night-2')}-night-2.ogg`), 'utf8')).toBe(media('night-2.ogg'));
  });

  it('stores what a served podcast feed says, end to end: import, then read', async () => {
    const dir = tempDir();
    const fresh = path.join(dir, 'crawled.db');
    fs.writeFileSync(
      path.join(dir, 'subs.opml'),
      `<?xml version="1.0"?><opml version="2.0"><head><title>s</title></head><body>
      <outline text="Podcasts"><outline type="rss" text="My kitchen show" xmlUrl="${base()}/radio.rss"/>
      <outline type="rss" text="Nights" xmlUrl="${base()}/night.rss"/></outline></body></opml>`,
    );
    expect((await cli(['--db', fresh, 'import', path.join(dir, 'subs.opml'), '--quiet'])).code).toBe(0);
    const items = ndjson((await cli(['--db', fresh, '--json', 'items', '--has-enclosure', 'audio'])).stdout);
    expect(items.map((i) => i.title)).toEqual(['Episode 3: Bread', 'Note 2', 'Note 1', 'Episode 2: Soup']);
    expect(items[0]).toMatchObject({
      enclosures: [{ url: `${base()}/media/ktr-3.mp3`, type: 'audio/mpeg', length: 12345 }],
      categories: ['Food', 'podcast-tag'],
      duration: 3723,
      episode: 3,
      season: 1,
      explicit: false,
      comments: `${base()}/radio/3#comments`,
      transcriptUrl: `${base()}/radio/3.vtt`,
      chaptersUrl: `${base()}/radio/3.chapters.json`,
    });
    expect(items[3]).toMatchObject({ duration: 2700, explicit: true });
    expect(ndjson((await cli(['--db', fresh, '--json', 'search', 'podcast-tag'])).stdout).map((i) => i.title)).toEqual([
      'Episode 3: Bread',
    ]);
    const feeds = ndjson((await cli(['--db', fresh, '--json', 'feeds'])).stdout);
    expect(feeds.map((f) => [f.title, f.docTitle, f.language])).toEqual([
      ['My kitchen show', 'Kitchen Table Radio', 'en-us'],
      ['Nights', 'Night Shift Notes', 'de'],
    ]);
    expect(feeds[0].description).toBe("Two people, one table, and the week's news.");
    expect(feeds[0].imageUrl).toMatch(new RegExp(`^${base()}/radio/(cover\\.jpg|logo\\.png)$`));
  });
});
