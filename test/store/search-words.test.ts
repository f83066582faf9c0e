// Search finds the same words on SQLite and on PostgreSQL (issue 21): c++, c# and .net are words
// of their own; Chinese and Japanese text is found by its words; Søren, Straße, æon, œuvre, the fi
// ligature and accented Greek are found without their special letters; a phrase never runs from
// the title into the body; a query too long is refused with one line; snippets show the original
// text. Each case runs on both stores, written through the contract as a crawl writes them.
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Item } from '../../src/model.js';
import type { Store } from '../../src/store/contract.js';
import { openPostgres } from '../../src/store/postgres/index.js';
import { openSqlite } from '../../src/store/sqlite/index.js';
import { cli, tempDir, itemOf } from '../helpers.js';
import { freshDatabase, pgAvailable } from '../pg.js';

const item = (key: string, title: string, summary: string | null = null, categories: string[] = []): Item =>
  itemOf({
    key,
    guid: key,
    title,
    summary,
    categories,
  });

const ITEMS = [
  item('c', 'Learning C', '<p>Pointers in plain C, the language.</p>'),
  item('csharp', 'What is new in C#', '<p>Records and pattern matching.</p>'),
  item('cpp', 'Modern C++ templates', '<p>Concepts arrive in C++20.</p>'),
  item('dotnet', 'Shipping .NET 9', '<p>The runtime got faster.</p>'),
  item('node', 'Streams in Node.js', '<p>Backpressure explained.</p>'),
  item('nodeonly', 'A node in a graph', '<p>Trees and edges; the JS bits are elsewhere.</p>'),
  item('tokyo', '東京タワーの話', '<p>展望台からの眺め。</p>'),
  item('kyoto', '京都の寺', '<p>古い寺の写真。</p>'),
  item('thai', 'ภาษาไทยง่ายนิดเดียว', null),
  item('soren', 'Søren Kierkegaard', '<p>Either/Or, read again.</p>'),
  item('strasse', 'Die Straße', '<p>Eine lange Geschichte.</p>'),
  item('aeon', 'An æon of œuvre', '<p>The ﬁnal word.</p>'),
  item('greek', 'Ελληνικά άρθρα', '<p>Καλημέρα κόσμε.</p>'),
  item('rust', 'Why I like rust', '<p>a language that helps.</p>'),
  item('rusta', 'Notes', '<p>Rust a lot, said the blacksmith.</p>'),
];

const stores: [string, Store][] = [];
const where: Record<string, string> = {};
beforeAll(async () => {
  where.sqlite = path.join(tempDir(), 'words.db');
  stores.push(['sqlite', openSqlite(where.sqlite)]);
  if (pgAvailable) stores.push(['postgres', await openPostgres((where.postgres = await freshDatabase()))]);
  for (const [, s] of stores) {
    const { added } = await s.addSubscriptions(
      [{ url: 'https://w.example/', title: null, siteUrl: null, category: '' }],
      '2026-01-01T00:00:00.000Z',
    );
    await s.recordFetch(
      added[0].id,
      { movedTo: null, state: { status: 200, error: null, nextCheckAt: null }, items: ITEMS },
      '2026-01-01T00:00:00.000Z',
    );
  }
}, 60_000);
afterAll(async () => {
  for (const [, s] of stores) await s.close();
});

const all = async <T>(it: AsyncIterable<T>) => {
  const out: T[] = [];
  for await (const x of it) out.push(x);
  return out;
};
const keys = async (s: Store, q: string) => (await all(s.search(q, {}))).map((h) => h.guid).sort();

describe.each(['sqlite', 'postgres'])('search words on %s', (engine) => {
  const store = () => stores.find(([e]) => e === engine)?.[1];
  it.skipIf(engine === 'postgres' && !pgAvailable).each([
    ['c', ['c']],
    ['c++', ['cpp']],
    ['C#', ['csharp']],
    ['.net', ['dotnet']],
    ['.NET OR c#', ['csharp', 'dotnet']],
    ['node.js', ['node']],
    ['node', ['node', 'nodeonly']],
    ['c++20', ['cpp']],
  ])('finds %j as its own word: %j', async (q, found) => {
    expect(await keys(store()!, q)).toStrictEqual(found);
  });

  it.skipIf(engine === 'postgres' && !pgAvailable).each([
    ['東京', ['tokyo']],
    ['タワー', ['tokyo']],
    ['京', ['kyoto', 'tokyo']],
    ['東京タワー', ['tokyo']],
    ['京都', ['kyoto']],
    ['寺', ['kyoto']],
    ['ไทย', ['thai']],
  ])('finds %j in text written without spaces: %j', async (q, found) => {
    expect(await keys(store()!, q)).toStrictEqual(found);
  });

  it.skipIf(engine === 'postgres' && !pgAvailable).each([
    ['soren', ['soren']],
    ['Søren', ['soren']],
    ['SØREN', ['soren']],
    ['strasse', ['strasse']],
    ['STRASSE', ['strasse']],
    ['straße', ['strasse']],
    ['aeon', ['aeon']],
    ['oeuvre', ['aeon']],
    ['final', ['aeon']],
    ['ﬁnal', ['aeon']],
    ['ελληνικα', ['greek']],
    ['αρθρα', ['greek']],
    ['ΚΑΛΗΜΕΡΑ', ['greek']],
    ['kierke*', ['soren']],
  ])('folds %j as PostgreSQL folds it: %j', async (q, found) => {
    expect(await keys(store()!, q)).toStrictEqual(found);
  });

  it.skipIf(engine === 'postgres' && !pgAvailable)('matches a phrase within the title or within the body, never across them', async () => {
    expect(await keys(store()!, '"rust a"')).toStrictEqual(['rusta']);
    expect(await keys(store()!, '"rust a*"')).toStrictEqual(['rusta']);
    expect(await keys(store()!, '"like rust"')).toStrictEqual(['rust']);
    expect(await keys(store()!, 'rust a')).toStrictEqual(['rust', 'rusta']);
  });

  it.skipIf(engine === 'postgres' && !pgAvailable)('refuses a query of more than 64 words, and takes one of 64', async () => {
    const words = (n: number) => Array.from({ length: n }, (_, k) => `w${k}`).join(' ');
    expect(() => store()!.search(words(5000), {})).toThrow('search: the query has 5000 words; at most 64');
    expect(() => store()!.search(`"${words(65)}"`, {})).toThrow('search: the query has 65 words; at most 64');
    expect(await keys(store()!, words(64))).toStrictEqual([]);
    expect(await keys(store()!, ['rust', ...Array(63).fill('OR rust')].join(' '))).toStrictEqual(['rust', 'rusta']);
  });

  it.skipIf(engine === 'postgres' && !pgAvailable)('says so in one line with exit 2 through the CLI', async () => {
    const words = Array.from({ length: 5000 }, (_, k) => `w${k}`).join(' ');
    expect(await cli(['--db', where[engine], 'search', words])).toStrictEqual({
      code: 2,
      stdout: '',
      stderr: 'inkzee: search: the query has 5000 words; at most 64\n',
    });
  });

  it.skipIf(engine === 'postgres' && !pgAvailable)('shows the original text in snippets, matched words marked', async () => {
    const snippet = async (q: string) => (await all(store()!.search(q, {})))[0].snippet;
    expect(await snippet('c++')).toBe('Modern \u0002C++\u0003 templates');
    expect(await snippet('soren')).toBe('\u0002Søren\u0003 Kierkegaard');
    expect(await snippet('strasse')).toBe('Die \u0002Straße\u0003');
    expect(await snippet('東京')).toBe('\u0002東京\u0003タワーの話');
    expect(await snippet('final')).toBe('The \u0002ﬁnal\u0003 word.');
    expect(await snippet('"rust a"')).toBe('\u0002Rust\u0003 \u0002a\u0003 lot, said the blacksmith.');
    expect(await snippet('.net')).toBe('Shipping \u0002.NET\u0003 9');
  });
});

describe.skipIf(!pgAvailable)('search on both stores', () => {
  it('gives the same hits, ranks aside, and the same snippets for every query above', async () => {
    const queries = [
      'c',
      'c++',
      'c#',
      '.net',
      'node.js',
      'node',
      '東京',
      '京',
      'soren',
      'strasse',
      'aeon',
      'oeuvre',
      'final',
      'αρθρα',
      '"rust a"',
      'rust',
      'rust OR 寺',
      'ru* OR kierke*',
    ];
    for (const q of queries) {
      const [mine, theirs] = await Promise.all(
        stores.map(async ([, s]) => (await all(s.search(q, {}))).map((h) => [h.guid, h.snippet]).sort()),
      );
      expect([q, mine]).toStrictEqual([q, theirs]);
    }
  });
});
