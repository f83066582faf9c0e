import { describe, expect, it } from 'vitest';
import { itemsCommand } from '../../src/commands/items.js';
import { searchCommand, showCommand, statsCommand } from '../../src/commands/read.js';
import { upsertItems } from '../../src/store/sqlite/upsert.js';
import { toFtsQuery } from '../../src/store/sqlite/search.js';
import { parseSearchQuery } from '../../src/store/shared/search-query.js';
import { htmlToText } from '../../src/text/html.js';
import { collect, testContext } from '../helpers.js';
import { seed } from './seed.js';

const now = () => new Date('2026-01-10T12:00:00Z');
function library() {
  const ctx = testContext({}, now);
  seed(ctx.db(), {
    'https://rust.example/feed': {
      category: 'Technology/Programming',
      title: 'Rust Blog',
      items: [
        {
          guid: 'r1',
          title: 'Announcing Rust 2.0',
          published: '2026-01-10T08:00:00.000Z',
          summary: '<p>The <b>compiler</b> got faster.</p>',
        },
        {
          guid: 'r2',
          title: 'Borrow checker tips',
          published: '2026-01-08T08:00:00.000Z',
          content: '<p>Rust lifetimes explained, with rust examples.</p>',
        },
        { guid: 'r3', title: 'Old post', published: '2025-06-01T08:00:00.000Z', summary: 'nothing about it' },
      ],
    },
    'https://news.example/rss': {
      category: 'News',
      title: 'World News',
      items: [
        { guid: 'n1', title: 'Elections today', published: '2026-01-10T06:00:00.000Z', summary: 'a mention of rust belt states' },
        { guid: 'n2', title: 'Café société', published: '2026-01-09T06:00:00.000Z', summary: 'Zürich naïve résumé' },
      ],
    },
    'https://sec.example/atom': {
      category: 'Technology/Security',
      title: 'Sec',
      items: [{ guid: 's1', title: 'Patch Tuesday', published: '2026-01-09T12:00:00.000Z', summary: '<script>evil()</script>CVE list' }],
    },
  });
  return ctx;
}
const titles = async (it: Promise<AsyncIterable<{ title: string | null }>>) => (await collect(it)).map((i) => i.title);

describe('inkzee items filters', () => {
  it('lists newest first', async () => {
    expect(await titles(itemsCommand(library(), {}))).toEqual([
      'Announcing Rust 2.0',
      'Elections today',
      'Patch Tuesday',
      'Café société',
      'Borrow checker tips',
      'Old post',
    ]);
  });

  it.each([
    [{ feed: 'https://news.example/rss' }, ['Elections today', 'Café société']],
    [{ category: 'Technology' }, ['Announcing Rust 2.0', 'Patch Tuesday', 'Borrow checker tips', 'Old post']],
    [{ category: 'Technology/Security' }, ['Patch Tuesday']],
    [{ category: 'Tech' }, []], // a prefix of a folder name is not the folder
    [{ since: '1d' }, ['Announcing Rust 2.0', 'Elections today', 'Patch Tuesday']],
    [{ since: '2026-01-09', until: '2026-01-10' }, ['Patch Tuesday', 'Café société']],
    [{ until: '30d' }, ['Old post']],
    [{ limit: '2' }, ['Announcing Rust 2.0', 'Elections today']],
  ])('filters with %j', async (flags, expected) => {
    expect(await titles(itemsCommand(library(), flags))).toEqual(expected);
  });

  it('filters by feed id and by --after-id, for pipelines that remember the last id', async () => {
    const ctx = library();
    const all = await collect(itemsCommand(ctx, {}));
    const rustId = String(all.find((i) => i.title === 'Announcing Rust 2.0')!.feedId);
    expect(await titles(itemsCommand(ctx, { feed: rustId }))).toEqual(['Announcing Rust 2.0', 'Borrow checker tips', 'Old post']);
    const maxId = Math.max(...all.map((i) => i.id));
    expect(await titles(itemsCommand(ctx, { afterId: String(maxId) }))).toEqual([]);
    expect(await titles(itemsCommand(ctx, { afterId: String(maxId - 1) }))).toHaveLength(1);
  });

  it('matches a folder name literally, even with LIKE wildcards in it', async () => {
    const ctx = testContext({}, now);
    seed(ctx.db(), {
      'https://a.example/': { category: '100%_Fun', items: [{ guid: 'a', title: 'in the folder' }] },
      'https://b.example/': { category: '100xxFun/Sub', items: [{ guid: 'b', title: 'look-alike' }] },
    });
    expect(await titles(itemsCommand(ctx, { category: '100%_Fun' }))).toEqual(['in the folder']);
    expect(await titles(itemsCommand(ctx, { category: '100xxFun' }))).toEqual(['look-alike']);
  });

  it('refuses a bad duration or count with a usage error', async () => {
    await expect(itemsCommand(library(), { since: 'yesterday' })).rejects.toThrow(
      '--since yesterday: not a duration (30m, 2h, 3d, 1w) or an ISO date (2024-05-01)',
    );
    await expect(itemsCommand(library(), { limit: '-3' })).rejects.toThrow('--limit -3: must be a whole number from 0 to 9007199254740991');
  });
});

describe('inkzee search', () => {
  it('ranks a title match above body matches, with a snippet', async () => {
    const hits = await collect(searchCommand(library(), 'rust', {}));
    expect(hits.map((h) => h.title)).toEqual(['Announcing Rust 2.0', 'Borrow checker tips', 'Elections today']);
    expect(hits[1].snippet).toContain('\u0002Rust\u0003 lifetimes');
    expect(hits[0].rank).toBeLessThan(hits[1].rank);
  });

  it('matches accents loosely, requires every word, and takes filters', async () => {
    const ctx = library();
    expect(await titles(searchCommand(ctx, 'zurich naive', {}))).toEqual(['Café société']);
    expect(await titles(searchCommand(ctx, 'rust compiler', {}))).toEqual(['Announcing Rust 2.0']);
    expect(await titles(searchCommand(ctx, 'rust', { category: 'News' }))).toEqual(['Elections today']);
    expect(await titles(searchCommand(ctx, 'borr*', {}))).toEqual(['Borrow checker tips']);
    expect((await titles(searchCommand(ctx, 'compiler OR cve', {}))).sort()).toEqual(['Announcing Rust 2.0', 'Patch Tuesday']);
  });

  it('indexes text, not markup or scripts', async () => {
    const ctx = library();
    expect(await titles(searchCommand(ctx, 'evil', {}))).toEqual([]);
    expect(await titles(searchCommand(ctx, 'b', {}))).toEqual([]);
  });

  it('keeps the index in sync when an item is edited in place', async () => {
    const ctx = library();
    const db = ctx.db();
    const feedId = (db.prepare("SELECT id FROM feeds WHERE url = 'https://sec.example/atom'").get() as { id: number }).id;
    upsertItems(
      db,
      feedId,
      [
        {
          key: 's1',
          guid: 's1',
          link: null,
          title: 'Patch Wednesday',
          author: null,
          published: '2026-01-09T12:00:00.000Z',
          updated: null,
          summary: 'kernel fixes',
          content: null,
        },
      ],
      '2026-01-11T00:00:00.000Z',
    );
    expect(await titles(searchCommand(ctx, 'tuesday', {}))).toEqual([]);
    expect(await titles(searchCommand(ctx, 'kernel wednesday', {}))).toEqual(['Patch Wednesday']);
  });

  it('treats punctuation as words, not query syntax', async () => {
    expect(toFtsQuery(parseSearchQuery('c++ "memory safety" foo-bar'))).toBe('("cplusplus" AND "memory safety" AND "foo bar")');
    expect(toFtsQuery(parseSearchQuery('a OR b*'))).toBe('("a") OR ("b"*)');
    expect(toFtsQuery(parseSearchQuery(': —'))).toBeUndefined();
    expect(() => parseSearchQuery('  ""  ')).toThrow('search: the query has no words');
    await expect(collect(searchCommand(library(), 'NEAR( AND :', {}))).resolves.toBeDefined();
  });
});

describe('inkzee show and stats', () => {
  it('shows one item, and names a missing one', async () => {
    const ctx = library();
    const id = (await collect(itemsCommand(ctx, { limit: '1' })))[0].id;
    expect(await showCommand(ctx, String(id))).toMatchObject({
      title: 'Announcing Rust 2.0',
      feedTitle: 'Rust Blog',
      category: 'Technology/Programming',
    });
    await expect(showCommand(ctx, '99999')).rejects.toThrow('item 99999: no such item');
    await expect(showCommand(ctx, 'abc')).rejects.toThrow(/an item id is a whole number/);
  });

  it('counts feeds by state, items per day and top feeds', async () => {
    const ctx = library();
    ctx
      .db()
      .prepare("UPDATE feeds SET last_fetched_at = '2026-01-10', consecutive_errors = 2 WHERE url = 'https://sec.example/atom'")
      .run();
    ctx.db().prepare("UPDATE feeds SET last_fetched_at = '2026-01-10' WHERE url = 'https://rust.example/feed'").run();
    const s = await statsCommand(ctx);
    expect(s.feeds).toEqual({ total: 3, ok: 1, failing: 1, disabled: 0, paused: 0, never: 1 });
    expect(s.items.total).toBe(6);
    expect(s.items.perDay).toEqual([
      { day: '2026-01-10', items: 2 },
      { day: '2026-01-09', items: 2 },
      { day: '2026-01-08', items: 1 },
    ]);
    expect(s.topFeeds[0]).toMatchObject({ title: 'Rust Blog', items: 3 });
    expect(s.database.bytes).toBeGreaterThan(0);
  });
});

describe('htmlToText', () => {
  it('turns HTML into readable text', async () => {
    expect(htmlToText('<p>One &amp; two&nbsp;three</p><ul><li>a</li><li>b</li></ul><script>x()</script><p>Caf&eacute;</p>')).toBe(
      'One & two three\n\n• a\n• b\n\nCafé',
    );
  });
});
