// `inkzee rules` through the CLI, on SQLite and on PostgreSQL alike: rules added, listed, removed
// and applied to stored items; applied by `add` and `refresh` to the items they store, before they
// return; every bad rule refused in one line, nothing stored. The two engines print the same.
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cli, tempDir, type CliResult } from '../helpers.js';
import { rss, serve, startFeedServer, type FeedServer } from '../feed-server.js';
import { freshDatabase, pgAvailable } from '../pg.js';

type Backend = 'sqlite' | 'postgres';
const BACKENDS: Backend[] = pgAvailable ? ['sqlite', 'postgres'] : ['sqlite'];

// Fields that name a row or a moment, which two stores filled at different times cannot share.
const VOLATILE = new Set(['id', 'feedId', 'feedUrl', 'firstSeen', 'readAt', 'starredAt', 'createdAt', 'feed']);
const stable = (v: unknown): unknown =>
  Array.isArray(v)
    ? v.map(stable)
    : v && typeof v === 'object'
      ? Object.fromEntries(
          Object.entries(v)
            .filter(([k]) => !VOLATILE.has(k))
            .map(([k, x]) => [k, stable(x)]),
        )
      : v;
const lines = (r: CliResult) =>
  r.stdout
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as Record<string, any>);

let server: FeedServer;
const seen: Record<Backend, unknown[]> = { sqlite: [], postgres: [] };

const A = [
  { guid: 'a1', title: 'Sponsored: a deal for you', date: 'Mon, 05 Jan 2026 10:00:00 GMT', description: 'buy now' },
  { guid: 'a2', title: 'Rust 2.0 released', date: 'Mon, 05 Jan 2026 09:00:00 GMT', description: 'the rust compiler' },
  { guid: 'a3', title: 'Cooking pasta at home', date: 'Mon, 05 Jan 2026 08:00:00 GMT', description: 'pasta and sauce' },
];
const B = [
  { guid: 'b1', title: 'SPONSORED: another deal', date: 'Tue, 06 Jan 2026 10:00:00 GMT', description: 'deals' },
  { guid: 'b2', title: 'Why rust matters', date: 'Tue, 06 Jan 2026 09:00:00 GMT', description: 'rust and safety' },
  { guid: 'b3', title: 'Gardening notes', date: 'Tue, 06 Jan 2026 08:00:00 GMT', description: 'tomatoes' },
];

beforeAll(async () => {
  server = await startFeedServer();
  const tagged = (items: typeof A) =>
    rss('Feed', items).replace(/<item><guid>a3<\/guid>/, '<item><guid>a3</guid><category>Cooking</category>');
  server.route('/a', serve(200, tagged(A)));
  server.route('/b', serve(200, rss('Feed B', B)));
});
afterAll(async () => {
  await server?.close();
});

async function dbFor(b: Backend): Promise<string> {
  return b === 'postgres' ? freshDatabase() : path.join(tempDir(), 'inkzee.db');
}

const byTitle = (r: CliResult) => Object.fromEntries(lines(r).map((i) => [i.title, i]));

describe.each(BACKENDS)('rules on %s', (backend) => {
  let db: string;
  const run = (...args: string[]) => cli(['--db', db, ...args]);
  beforeAll(async () => {
    db = await dbFor(backend);
  });

  it('a rule marks what add and refresh store before they return; apply reaches what was stored before', async () => {
    expect((await run('rules', 'add', 'sponsored', '--do', 'read', '--title', '^sponsored:')).code).toBe(0);
    const added = await run('add', `${server.url}/a`);
    expect(added.code).toBe(0);
    expect(added.stderr).toContain('rule "sponsored": marked 1 new item read');
    let items = byTitle(await run('--json', 'items'));
    expect(items['Sponsored: a deal for you']).toMatchObject({ read: true });
    expect(items['Rust 2.0 released']).toMatchObject({ read: false, starred: false });

    // A second feed, subscribed without a fetch; a rule naming it by URL keeps its id.
    const dir = tempDir();
    const opml = path.join(dir, 'b.opml');
    fs.writeFileSync(opml, `<opml version="2.0"><body><outline text="B" xmlUrl="${server.url}/b"/></body></opml>`);
    expect((await run('import', opml, '--no-fetch')).code).toBe(0);
    expect((await run('rules', 'add', 'rust', '--do', 'star', '--feed', `${server.url}/b`, '--search', 'rust')).code).toBe(0);
    const refreshed = await run('--json', 'refresh');
    expect(refreshed.code).toBe(0);
    expect(refreshed.stdout).not.toContain('rule "'); // --json: stdout holds only the crawl's records
    // In place as soon as refresh has returned: no later step, no cron line.
    items = byTitle(await run('--json', 'items'));
    expect(items['SPONSORED: another deal']).toMatchObject({ read: true }); // the title rule, any case
    expect(items['Why rust matters']).toMatchObject({ starred: true, read: false });
    expect(items['Rust 2.0 released']).toMatchObject({ starred: false }); // feed a: not the rule's feed
    expect(items['Gardening notes']).toMatchObject({ read: false, starred: false });

    // A rule added later reaches stored items only through apply; --dry-run changes nothing.
    expect((await run('rules', 'add', 'cooking', '--do', 'read', '--tag', 'cooking')).code).toBe(0);
    const dry = await run('rules', 'apply', 'cooking', '--dry-run');
    expect(dry).toMatchObject({ code: 0, stdout: '' });
    expect(dry.stderr).toBe('rule "cooking": would mark 1 item read\n');
    const dryJson = await run('--json', 'rules', 'apply', 'cooking', '--dry-run');
    expect(lines(dryJson)).toHaveLength(1);
    expect(lines(dryJson)[0]).toMatchObject({ title: 'Cooking pasta at home', read: false, rule: 'cooking', categories: ['Cooking'] });
    // The items --json fields, every one of them.
    const itemFields = Object.keys(lines(await run('--json', 'items', '--limit', '1'))[0]);
    expect(Object.keys(lines(dryJson)[0])).toEqual([...itemFields, 'rule']);
    expect(byTitle(await run('--json', 'items'))['Cooking pasta at home']).toMatchObject({ read: false });
    const applied = await run('--json', 'rules', 'apply', '--all');
    expect(applied.code).toBe(0);
    expect(lines(applied).map((i) => [i.rule, i.title, i.read])).toEqual([['cooking', 'Cooking pasta at home', true]]);
    const again = await run('rules', 'apply', '--all');
    expect(again.stderr).toBe(
      'rule "cooking": marked 0 items read\nrule "rust": marked 0 items starred\nrule "sponsored": marked 0 items read\n',
    );

    const listed = await run('--json', 'rules', 'list');
    expect(lines(listed).map((r) => [r.name, r.action, r.filter, r.model])).toEqual([
      ['cooking', 'read', { tags: ['cooking'] }, null],
      ['rust', 'star', { feed: [expect.stringMatching(/^\d+$/)], search: 'rust' }, null],
      ['sponsored', 'read', { title: '^sponsored:' }, null],
    ]);
    const table = await run('rules', 'list');
    expect(table.stdout).toMatch(/^NAME\s+DO\s+FILTER\s+CREATED\n/);
    expect(table.stdout).toContain('--title "^sponsored:"');
    expect(await run('rules', 'remove', 'rust')).toMatchObject({ code: 0, stderr: 'rule "rust" removed\n' });
    expect(lines(await run('--json', 'rules', 'list')).map((r) => r.name)).toEqual(['cooking', 'sponsored']);
    seen[backend].push(stable(lines(listed)), stable(lines(await run('--json', 'items'))), stable(lines(dryJson)));
  }, 120_000);

  it.each([
    ['no filter', ['rules', 'add', 'x', '--do', 'read'], 1, 'rule "x": no filter: give --feed, --category, --tag'],
    [
      'an invalid regex',
      ['rules', 'add', 'x', '--do', 'read', '--title', '(unclosed'],
      1,
      'rule "x": --title (unclosed: not a valid regular expression',
    ],
    [
      'an invalid search query',
      ['rules', 'add', 'x', '--do', 'read', '--search', '""'],
      1,
      'rule "x": --search "": the query has no words',
    ],
    ['an unknown action', ['rules', 'add', 'x', '--do', 'delete', '--tag', 'a'], 1, 'rule "x": --do delete: not an action (read or star)'],
    ['no action', ['rules', 'add', 'x', '--tag', 'a'], 1, 'rule "x": --do "": not an action (read or star)'],
    ['a name taken', ['rules', 'add', 'sponsored', '--do', 'star', '--tag', 'a'], 1, 'rule "sponsored": a rule of that name exists'],
    ['an unknown feed', ['rules', 'add', 'x', '--do', 'read', '--feed', '999999'], 1, 'feed 999999: no such feed'],
    ['a bad name', ['rules', 'add', 'a b', '--do', 'read', '--tag', 'a'], 1, 'rule "a b": a rule name is 1 to 64 letters'],
    ['a bad enclosure kind', ['rules', 'add', 'x', '--do', 'read', '--has-enclosure', 'noise'], 2, '--has-enclosure noise: not audio'],
    ['remove of no rule', ['rules', 'remove', 'nothing'], 1, 'rule "nothing": no such rule'],
    ['apply of no rule', ['rules', 'apply', 'nothing'], 1, 'rule "nothing": no such rule'],
    ['apply of nothing named', ['rules', 'apply'], 2, 'rules apply: give rule names, or --all'],
  ])('refuses %s: one line, its exit code, nothing stored or changed', async (_name, args, code, message) => {
    const before = [(await run('--json', 'rules', 'list')).stdout, (await run('--json', 'items')).stdout];
    const r = await run(...args);
    expect(r.code).toBe(code);
    expect(r.stdout).toBe('');
    expect(r.stderr.split('\n').filter(Boolean)).toHaveLength(1);
    expect(r.stderr).toContain(`inkzee: ${message}`);
    expect([(await run('--json', 'rules', 'list')).stdout, (await run('--json', 'items')).stdout]).toEqual(before);
  });
});

describe.skipIf(!pgAvailable)('rules on both engines', () => {
  it('list the same rules and leave the same items in the same state', () => {
    expect(seen.postgres).toHaveLength(3);
    expect(seen.postgres).toEqual(seen.sqlite);
  });
});
