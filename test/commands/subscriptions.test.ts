// `inkzee add`, `remove`, `edit`, `pause` and `resume` through the CLI on SQLite: what each does,
// and each bad input refused with one line, its exit code, and nothing changed.
import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { tempDir } from '../helpers.js';
import { background, inkzee, lines, records, startWorld, type World } from './subscriptions-world.js';

// Each test runs the CLI several times, a second or more each on a busy machine.
let w: World;
let db: string;
beforeAll(async () => {
  w = await startWorld();
});
afterAll(async () => {
  await w.server.close();
});
beforeEach(() => {
  db = path.join(tempDir(), 'inkzee.db');
});

/** rows reads tables straight from the file (read-only), to see exactly what a command left. */
function rows(sql: string, ...params: unknown[]): Record<string, unknown>[] {
  const d = new Database(db, { readonly: true });
  try {
    return d.prepare(sql).all(...params) as Record<string, unknown>[];
  } finally {
    d.close();
  }
}
const count = (table: string) => Number(rows(`SELECT count(*) AS n FROM ${table}`)[0].n);
/** everything is the whole content of the subscription tables, to assert that nothing changed. */
const everything = () =>
  ['feeds', 'feed_urls', 'items', 'items_fts', 'item_labels', 'corrections'].map((t) => rows(`SELECT * FROM ${t} ORDER BY 1, 2`));

describe('inkzee add', { timeout: 120_000 }, () => {
  it('subscribes to a feed URL, stores its items before returning, and says so', async () => {
    const r = await inkzee(db, ['add', w.url('/a')]);
    expect(r.code).toBe(0);
    expect(lines(r)).toEqual(['added feed 1 "Feed A" (3 items)']);
    expect(rows('SELECT id, url, title, category, last_status FROM feeds')).toEqual([
      { id: 1, url: w.url('/a'), title: 'Feed A', category: '', last_status: 200 },
    ]);
    expect(count('items')).toBe(3);
    const json = await inkzee(db, ['--json', 'add', w.url('/b')]);
    expect(records(json)).toEqual([
      { type: 'added', given: w.url('/b'), id: 2, url: w.url('/b'), title: 'Feed B', category: '', items: 2 },
    ]);
  });

  it('finds the feed a web page links to and subscribes under the feed URL; the page or the feed again: already subscribed, nothing changed', async () => {
    const r = await inkzee(db, ['add', w.url('/page'), '--category', 'Tech/Blogs', '--title', 'My blog']);
    expect(r.code).toBe(0);
    expect(lines(r)).toEqual(['added feed 1 "My blog" (3 items)']);
    expect(rows('SELECT url, title, category FROM feeds')).toEqual([{ url: w.url('/a'), title: 'My blog', category: 'Tech/Blogs' }]);
    const before = everything();
    // The page, the feed, and the feed's URL written otherwise (scheme in capitals, a fragment).
    for (const again of [w.url('/page'), w.url('/a'), `${w.url('/a').replace('http://', 'HTTP://')}#top`]) {
      const a = await inkzee(db, ['add', again]);
      expect(a.code).toBe(0);
      expect(lines(a)).toEqual([`${again}: already subscribed as 1`]);
    }
    expect(records(await inkzee(db, ['--json', 'add', w.url('/page')]))).toEqual([
      { type: 'present', given: w.url('/page'), id: 1, url: w.url('/a'), title: 'My blog' },
    ]);
    expect(everything()).toEqual(before);
    // The folder and the name show in feeds and export.
    expect((await inkzee(db, ['export'])).stdout).toMatch(
      /<outline text="Tech"[^>]*>\s*<outline text="Blogs"[^>]*>\s*<outline [^>]*text="My blog"/,
    );
  });

  it.each([
    ['a page with no feed link', '/nolink', /: parse: an HTML page, not a feed, and it links to no feed$/],
    ['a document that is not a feed', '/text', /: parse: /],
    ['a 404', '/missing', /: HTTP 404/],
    ['a 410', '/gone', /: HTTP 410/],
  ])('refuses %s: exit 1, one line naming the URL and the cause, nothing stored', async (_name, p, cause) => {
    await inkzee(db, ['add', w.url('/b')]);
    const before = everything();
    const r = await inkzee(db, ['add', w.url(p)]);
    expect(r.code).toBe(1);
    expect(lines(r)).toHaveLength(1);
    expect(lines(r)[0]).toMatch(new RegExp(`^inkzee: ${w.url(p).replace(/[.?]/g, '\\$&')}${cause.source}`));
    expect(everything()).toEqual(before);
  });

  it('refuses a host that does not answer, and what is not an http(s) URL: exit 1, one line, nothing stored', async () => {
    const down = await inkzee(db, ['add', w.down]);
    expect(down.code).toBe(1);
    expect(lines(down)).toEqual([`inkzee: ${w.down}: connection refused`]);
    for (const bad of ['ftp://example.com/feed', 'mailto:me@example.com', '|cat feed.xml']) {
      const r = await inkzee(db, ['add', bad]);
      expect(r.code).toBe(1);
      expect(lines(r)).toEqual([`inkzee: ${bad}: not an http(s) URL`]);
    }
    expect(count('feeds')).toBe(0);
  });

  it('honours --deny-private-networks: a loopback feed is refused, nothing stored', async () => {
    const r = await inkzee(db, ['add', w.url('/a'), '--deny-private-networks']);
    expect(r.code).toBe(1);
    expect(lines(r)).toHaveLength(1);
    expect(lines(r)[0]).toContain(w.url('/a'));
    expect(count('feeds')).toBe(0);
  });

  it('takes several URLs, and - for standard input (blank lines and # comments skipped): each gets its line, exit 1 if any failed', async () => {
    const r = await inkzee(
      db,
      ['add', w.url('/a'), w.url('/missing'), '-'],
      `# my list\n\n${w.url('/b')}\n  ${w.url('/a')}  \n${w.url('/text')}\n`,
    );
    expect(r.code).toBe(1);
    expect(lines(r)).toEqual([
      'added feed 1 "Feed A" (3 items)',
      `inkzee: ${w.url('/missing')}: HTTP 404`,
      'added feed 2 "Feed B" (2 items)',
      `${w.url('/a')}: already subscribed as 1`,
      expect.stringMatching(new RegExp(`^inkzee: ${w.url('/text').replace('.', '\\.')}: parse: `)),
      'inkzee: 2 of 5 URLs failed, nothing stored for them',
    ]);
    expect(rows('SELECT url FROM feeds ORDER BY id').map((f) => f.url)).toEqual([w.url('/a'), w.url('/b')]);
    const ok = await inkzee(db, ['add', '-'], `${w.url('/c')}\n`);
    expect(ok.code).toBe(0);
    expect(lines(ok)).toEqual(['added feed 3 "Feed C" (1 item)']);
  });

  it('--no-fetch stores the subscription without fetching it; a URL still has to be one', async () => {
    const hits = w.server.requests.length;
    const r = await inkzee(db, ['--json', 'add', w.url('/missing'), '--no-fetch', '--category', 'Later']);
    expect(r.code).toBe(0);
    expect(records(r)).toEqual([
      { type: 'added', given: w.url('/missing'), id: 1, url: w.url('/missing'), title: null, category: 'Later', items: 0 },
    ]);
    expect(w.server.requests.length).toBe(hits);
    expect(records(await inkzee(db, ['--json', 'feeds']))[0]).toMatchObject({ state: 'never', category: 'Later' });
    const bad = await inkzee(db, ['add', 'file:///etc/passwd', '--no-fetch']);
    expect(bad.code).toBe(1);
    expect(lines(bad)).toEqual(['inkzee: file:///etc/passwd: not an http(s) URL']);
    expect(count('feeds')).toBe(1);
  });

  it('refuses no URL at all (exit 2), and a bad crawl flag before anything is fetched (exit 2)', async () => {
    expect((await inkzee(db, ['add'])).code).toBe(2);
    const empty = await inkzee(db, ['add', '-'], '\n# nothing\n');
    expect(empty.code).toBe(2);
    expect(lines(empty)).toEqual([expect.stringMatching(/^inkzee: add: no URL given/)]);
    const titled = await inkzee(db, ['add', w.url('/a'), w.url('/b'), '--title', 'Both']);
    expect(titled.code).toBe(2);
    expect(lines(titled)).toEqual(['inkzee: add --title: names one feed, but 2 URLs were given']);
    const flag = await inkzee(db, ['add', w.url('/a'), '--timeout', '0']);
    expect(flag.code).toBe(2);
    expect(fs.existsSync(db) ? count('feeds') : 0).toBe(0);
  });
});

describe('inkzee remove', { timeout: 120_000 }, () => {
  /** seed subscribes /a in X and /b in Y, labels every item, teaches one, and remembers a pruned key of /a. */
  async function seed() {
    expect((await inkzee(db, ['add', w.url('/a'), '--category', 'X'])).code).toBe(0);
    expect((await inkzee(db, ['add', w.url('/b'), '--category', 'Y'])).code).toBe(0);
    expect((await inkzee(db, ['classify', 'train', '--from-folders'])).code).toBe(0);
    expect((await inkzee(db, ['classify'])).code).toBe(0);
    expect((await inkzee(db, ['classify', 'teach', '1', 'Y'])).code).toBe(0);
    const d = new Database(db);
    d.prepare("INSERT INTO pruned_keys (feed_id, key, pruned_at) VALUES (1, 'old', '2026-01-01T00:00:00Z')").run();
    d.close();
  }

  it('removes a feed with its items, search rows, labels, corrections, former URLs and pruned keys, in one go', async () => {
    await seed();
    expect((await inkzee(db, ['items', '--json'])).stdout).toContain('a item 0');
    const r = await inkzee(db, ['remove', '1']);
    expect(r.code).toBe(0);
    expect(lines(r)).toEqual(['removed feed 1 "Feed A" and its 3 items']);
    expect(rows('SELECT id FROM feeds')).toEqual([{ id: 2 }]);
    expect(rows('SELECT count(*) AS n FROM items WHERE feed_id = 1')).toEqual([{ n: 0 }]);
    expect(count('items_fts')).toBe(2);
    expect(count('item_labels')).toBe(2);
    expect(count('corrections')).toBe(0);
    expect(count('pruned_keys')).toBe(0);
    expect(rows('SELECT feed_id FROM feed_urls')).toEqual([{ feed_id: 2 }]);
    expect((await inkzee(db, ['search', 'about'])).stdout).not.toContain('a item');
    // Subscribed again, it is a new feed with its items fetched anew.
    expect(lines(await inkzee(db, ['add', w.url('/a')]))).toEqual(['added feed 3 "Feed A" (3 items)']);
  });

  it('takes URLs and several feeds, and reports each as NDJSON', async () => {
    await seed();
    const r = await inkzee(db, ['--json', 'remove', w.url('/b'), '1']);
    expect(r.code).toBe(0);
    expect(records(r)).toEqual([
      { type: 'removed', id: 2, url: w.url('/b'), title: 'Feed B', items: 2 },
      { type: 'removed', id: 1, url: w.url('/a'), title: 'Feed A', items: 3 },
    ]);
    expect(count('feeds') + count('items') + count('items_fts') + count('feed_urls')).toBe(0);
  });

  it('refuses an unknown feed among others: exit 1, one line, nothing removed', async () => {
    await seed();
    const before = everything();
    for (const bad of ['99', 'https://nowhere.example/feed']) {
      const r = await inkzee(db, ['remove', '1', bad]);
      expect(r.code).toBe(1);
      expect(lines(r)).toEqual([`inkzee: feed ${bad}: no such feed (give an id or URL from \`inkzee feeds\`)`]);
    }
    expect(everything()).toEqual(before);
  });

  it('removes a whole folder only with --yes; without it, says how many and removes nothing (exit 2)', async () => {
    await seed();
    await inkzee(db, ['add', w.url('/c'), '--category', 'X/Sub']);
    const before = everything();
    const no = await inkzee(db, ['remove', '--category', 'x']);
    expect(no.code).toBe(2);
    expect(lines(no)).toEqual(['inkzee: remove --category x: would remove 2 feeds with their items; add --yes to remove them']);
    expect(everything()).toEqual(before);
    const none = await inkzee(db, ['remove', '--category', 'Nowhere', '--yes']);
    expect(none.code).toBe(1);
    expect(lines(none)).toEqual(['inkzee: Nowhere: no feeds in this category']);
    const yes = await inkzee(db, ['remove', '--category', 'x', '--yes']);
    expect(yes.code).toBe(0);
    expect(lines(yes)).toEqual(['removed feed 1 "Feed A" and its 3 items', 'removed feed 3 "Feed C" and its 1 item']);
    expect(rows('SELECT id FROM feeds')).toEqual([{ id: 2 }]);
  });

  it('refuses nothing to remove, and feeds with --category (exit 2)', async () => {
    await seed();
    const before = everything();
    expect((await inkzee(db, ['remove'])).code).toBe(2);
    expect((await inkzee(db, ['remove', '1', '--category', 'X', '--yes'])).code).toBe(2);
    expect(everything()).toEqual(before);
  });

  it('is safe while a refresh runs: the late fetch of a removed feed is dropped, never re-creates it', async () => {
    await inkzee(db, ['add', w.url('/slow'), '--no-fetch']);
    await inkzee(db, ['add', w.url('/b')]);
    const refresh = background(db, ['--json', 'refresh', '--force']);
    await w.slowAsked();
    const r = await inkzee(db, ['remove', '1']);
    expect(r.code).toBe(0);
    expect(lines(r)).toEqual([`removed feed 1 ${w.url('/slow')} and its 0 items`]);
    w.release();
    const done = await refresh;
    expect(done.code).toBe(0);
    expect(rows('SELECT id FROM feeds')).toEqual([{ id: 2 }]);
    expect(rows('SELECT DISTINCT feed_id FROM items')).toEqual([{ feed_id: 2 }]);
    expect(rows('SELECT feed_id FROM feed_urls')).toEqual([{ feed_id: 2 }]);
  });
});

describe('inkzee edit', { timeout: 120_000 }, () => {
  it('renames a feed, moves it to a folder and back to the top level; export reflects it', async () => {
    await inkzee(db, ['add', w.url('/a')]);
    const r = await inkzee(db, ['edit', '1', '--title', 'Daily A', '--category', 'News/Daily']);
    expect(r.code).toBe(0);
    expect(lines(r)).toEqual(['edited feed 1 "Daily A": renamed, moved to News/Daily']);
    expect((await inkzee(db, ['export'])).stdout).toMatch(
      /<outline text="News"[^>]*>\s*<outline text="Daily"[^>]*>\s*<outline [^>]*text="Daily A"/,
    );
    expect(records(await inkzee(db, ['--json', 'feeds', '--category', 'news']))).toHaveLength(1);
    const top = await inkzee(db, ['--json', 'edit', w.url('/a'), '--category', '']);
    expect(records(top)).toEqual([{ type: 'edited', id: 1, url: w.url('/a'), title: 'Daily A', category: '', changed: ['category'] }]);
    expect(records(await inkzee(db, ['--json', 'feeds', '--category', 'news']))).toHaveLength(0);
    // An empty title goes back to the feed's own.
    expect(lines(await inkzee(db, ['edit', '1', '--title', '']))).toEqual(['edited feed 1 "Feed A": renamed']);
  });

  it("changes a feed's URL: items stay, it is fetched from there, and the old URL still names it (a re-import adds nothing)", async () => {
    await inkzee(db, ['add', w.url('/a')]);
    const d = new Database(db);
    d.prepare("UPDATE items SET read_at = '2026-01-02T00:00:00Z', starred_at = '2026-01-03T00:00:00Z' WHERE id = 2").run();
    d.close();
    const r = await inkzee(db, ['edit', '1', '--url', w.url('/c')]);
    expect(r.code).toBe(0);
    expect(lines(r)).toEqual([`edited feed 1 "Feed A": URL now ${w.url('/c')}`]);
    expect(count('items')).toBe(3);
    expect(rows('SELECT id FROM items WHERE read_at IS NOT NULL AND starred_at IS NOT NULL')).toEqual([{ id: 2 }]);
    expect(rows('SELECT etag, next_check_at FROM feeds')).toEqual([{ etag: null, next_check_at: null }]);
    expect((await inkzee(db, ['refresh'])).code).toBe(0);
    expect(count('items')).toBe(4);
    expect(records(await inkzee(db, ['--json', 'feeds', '--feed', w.url('/a')]))[0]).toMatchObject({ id: 1, url: w.url('/c') });
    const opml = path.join(tempDir(), 'old.opml');
    fs.writeFileSync(opml, `<opml version="2.0"><body><outline text="A" xmlUrl="${w.url('/a')}"/></body></opml>`);
    expect((await inkzee(db, ['import', opml, '--no-fetch'])).code).toBe(0);
    expect(count('feeds')).toBe(1);
    expect(lines(await inkzee(db, ['add', w.url('/a')]))).toEqual([`${w.url('/a')}: already subscribed as 1`]);
  });

  it('refuses a URL another feed has, or had: exit 1, one line, nothing changed', async () => {
    await inkzee(db, ['add', w.url('/page')]); // feed 1 is /a, and had /page
    await inkzee(db, ['add', w.url('/b')]);
    const before = everything();
    for (const taken of [w.url('/a'), w.url('/page')]) {
      const r = await inkzee(db, ['edit', '2', '--url', taken, '--title', 'X']);
      expect(r.code).toBe(1);
      expect(lines(r)).toEqual([`inkzee: ${taken}: already subscribed as 1; nothing changed`]);
    }
    expect(everything()).toEqual(before);
  });

  it('refuses nothing to change (exit 2), an unknown feed and a URL that is not one (exit 1), changing nothing', async () => {
    await inkzee(db, ['add', w.url('/a')]);
    const before = everything();
    const none = await inkzee(db, ['edit', '1']);
    expect(none.code).toBe(2);
    expect(lines(none)).toEqual(['inkzee: edit: nothing to change (give --title, --category or --url)']);
    const unknown = await inkzee(db, ['edit', '7', '--title', 'X']);
    expect(unknown.code).toBe(1);
    expect(lines(unknown)).toEqual(['inkzee: feed 7: no such feed (give an id or URL from `inkzee feeds`)']);
    for (const bad of ['not a url', 'ftp://example.com/feed']) {
      const r = await inkzee(db, ['edit', '1', '--url', bad]);
      expect(r.code).toBe(1);
      expect(lines(r)).toEqual([`inkzee: ${bad}: not an absolute http(s) URL`]);
    }
    expect(everything()).toEqual(before);
  });
});

describe('inkzee pause and resume', { timeout: 120_000 }, () => {
  it('a paused feed shows as paused and is never fetched, not even with --force; refresh --feed says so; resume makes it due at once', async () => {
    await inkzee(db, ['add', w.url('/a')]);
    await inkzee(db, ['add', w.url('/b')]);
    const p = await inkzee(db, ['pause', '1']);
    expect(p.code).toBe(0);
    expect(lines(p)).toEqual(['paused feed 1 "Feed A"']);
    expect(lines(await inkzee(db, ['pause', w.url('/a')]))).toEqual(['feed 1 "Feed A": paused already']);
    expect(records(await inkzee(db, ['--json', 'feeds'])).map((f) => [f.id, f.state])).toEqual([
      [1, 'paused'],
      [2, 'ok'],
    ]);
    expect((await inkzee(db, ['feeds'])).stdout).toMatch(/^\s*1\s+paused\s/m);
    expect((await inkzee(db, ['stats', '--json'])).stdout).toContain('"paused":1');
    const hits = () => w.server.hits('/a');
    const before = hits();
    for (const args of [['refresh'], ['refresh', '--force'], ['refresh', '--category', '']]) expect((await inkzee(db, args)).code).toBe(0);
    const named = await inkzee(db, ['--json', 'refresh', '--feed', '1']);
    expect(named.code).toBe(0);
    expect(lines(named)).toEqual(['feed 1 "Feed A": paused (inkzee resume 1)']);
    expect(records(named)).toEqual([expect.objectContaining({ type: 'summary', feeds: 0 })]);
    const worker = await inkzee(db, ['--json', 'worker', '--exit-when-idle', '--allow-private-networks']);
    expect(worker.code).toBe(0);
    expect(hits()).toBe(before);
    const r = await inkzee(db, ['--json', 'resume', '1', '2']);
    expect(records(r)).toEqual([
      { type: 'resumed', id: 1, url: w.url('/a'), title: 'Feed A', changed: true },
      { type: 'resumed', id: 2, url: w.url('/b'), title: 'Feed B', changed: false },
    ]);
    expect(lines(await inkzee(db, ['resume', '2']))).toEqual(['feed 2 "Feed B": not paused']);
    expect((await inkzee(db, ['refresh'])).code).toBe(0);
    expect(hits()).toBe(before + 1);
    expect(records(await inkzee(db, ['--json', 'feeds', '--feed', '1']))[0]).toMatchObject({ state: 'ok', pausedAt: null });
  });

  it('pauses and resumes a whole folder; resume enables a feed a 410 disabled', async () => {
    await inkzee(db, ['add', w.url('/a'), '--category', 'Pod']);
    await inkzee(db, ['add', w.url('/b'), '--category', 'Pod/Sub']);
    await inkzee(db, ['add', w.url('/gone'), '--no-fetch']);
    expect(lines(await inkzee(db, ['pause', '--category', 'pod']))).toEqual(['paused feed 1 "Feed A"', 'paused feed 2 "Feed B"']);
    await inkzee(db, ['refresh']);
    expect(records(await inkzee(db, ['--json', 'feeds', '--feed', '3']))[0]).toMatchObject({ state: 'disabled' });
    expect(lines(await inkzee(db, ['resume', '3']))).toEqual([`resumed feed 3 ${w.url('/gone')}`]);
    expect(rows('SELECT disabled_reason, consecutive_errors, next_check_at FROM feeds WHERE id = 3')).toEqual([
      { disabled_reason: null, consecutive_errors: 0, next_check_at: null },
    ]);
    expect(records(await inkzee(db, ['--json', 'resume', '--category', 'Pod'])).map((f) => f.changed)).toEqual([true, true]);
  });

  it('refuses an unknown feed, a folder with no feeds (exit 1) and nothing given (exit 2), changing nothing', async () => {
    await inkzee(db, ['add', w.url('/a')]);
    const before = everything();
    for (const cmd of ['pause', 'resume']) {
      const unknown = await inkzee(db, [cmd, '1', '42']);
      expect(unknown.code).toBe(1);
      expect(lines(unknown)).toEqual(['inkzee: feed 42: no such feed (give an id or URL from `inkzee feeds`)']);
      const empty = await inkzee(db, [cmd, '--category', 'Nowhere']);
      expect(empty.code).toBe(1);
      expect(lines(empty)).toEqual(['inkzee: Nowhere: no feeds in this category']);
      expect((await inkzee(db, [cmd])).code).toBe(2);
    }
    expect(everything()).toEqual(before);
  });
});
