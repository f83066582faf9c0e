// What `rules add` refuses beyond the first checks — a search of no word, an empty title pattern,
// a flag given twice, a model that is not trained — and `rules apply --json` listing exactly the
// items its count counts: the matched ones and the other copies of their stories a mark reaches.
// SQLite and PostgreSQL.
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cli, tempDir, type CliResult } from '../helpers.js';
import { rss, serve, startFeedServer, type FeedServer } from '../feed-server.js';
import { freshDatabase, pgAvailable } from '../pg.js';

let server: FeedServer;
beforeAll(async () => {
  server = await startFeedServer();
  // One post in two feeds (a tracking parameter apart), titled differently; and one post of A's own.
  server.route(
    '/a',
    serve(
      200,
      rss('A', [
        { guid: 'a1', title: 'Sponsored: the launch', link: 'https://blog.example.com/launch?utm_source=a' },
        { guid: 'a2', title: 'Sponsored: a second one', link: 'https://blog.example.com/second' },
      ]),
    ),
  );
  server.route('/b', serve(200, rss('B', [{ guid: 'b1', title: 'The launch', link: 'https://blog.example.com/launch' }])));
});
afterAll(async () => {
  await server?.close();
});

type Engine = 'sqlite' | 'postgres';
const engines: Engine[] = pgAvailable ? ['sqlite', 'postgres'] : ['sqlite'];
const lines = (r: CliResult) =>
  r.stdout
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as Record<string, any>);

describe.each(engines)('rules on %s', (e) => {
  let db = '';
  const run = (...args: string[]) => cli(['--db', db, ...args]);
  beforeAll(async () => {
    db = e === 'sqlite' ? path.join(tempDir(), 'inkzee.db') : await freshDatabase();
    for (const p of ['/a', '/b']) expect((await run('add', `${server.url}${p}`)).code).toBe(0);
  });

  it.each([
    [['--search', '('], '--search (: no word to search for, so it would match nothing'],
    [['--search', '* :'], '--search "* :": no word to search for, so it would match nothing'],
    [['--title', ''], '--title "": an empty pattern matches every title; give a pattern'],
    [['--label', 'Sport'], '--model default: no such model (train it first'],
    [['--label', 'Sport', '--model', 'nosuch'], '--model nosuch: no such model (train it first'],
  ])('refuses %j: exit 1, one line, nothing stored', async (flags, message) => {
    const r = await run('rules', 'add', 'bad', '--do', 'read', ...flags);
    expect(r.code).toBe(1);
    expect(r.stderr.split('\n').filter(Boolean)).toHaveLength(1);
    expect(r.stderr).toContain(`inkzee: rule "bad": ${message}`);
    expect(lines(await run('--json', 'rules', 'list'))).toEqual([]);
  });

  it.each([
    ['--title', 'a', 'b'],
    ['--search', 'a', 'b'],
    ['--do', 'read', 'star'],
  ])('refuses %s given twice (exit 2), nothing stored', async (flag, first, second) => {
    const args = ['rules', 'add', 'twice', '--title', 'x', '--do', 'read'].filter((_, k, a) => a[k] !== flag && a[k - 1] !== flag);
    const r = await run(...args, flag, first, flag, second);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`given twice ("${first}", then "${second}"); give it once`);
    expect(lines(await run('--json', 'rules', 'list'))).toEqual([]);
  });

  it('apply --json lists what its count counts: the matched items and their stories’ other copies', async () => {
    expect((await run('rules', 'add', 'sponsored', '--do', 'read', '--title', '^sponsored:')).code).toBe(0);
    const dry = await run('rules', 'apply', 'sponsored', '--dry-run');
    expect(dry.stderr).toBe('rule "sponsored": would mark 3 items read\n');
    const listed = lines(await run('--json', 'rules', 'apply', 'sponsored', '--dry-run'));
    expect(listed.map((i) => i.guid).sort()).toEqual(['a1', 'a2', 'b1']);
    expect(listed.every((i) => i.rule === 'sponsored' && !i.read)).toBe(true);
    const done = lines(await run('--json', 'rules', 'apply', 'sponsored'));
    expect(done.map((i) => i.guid).sort()).toEqual(['a1', 'a2', 'b1']);
    expect(done.every((i) => i.read)).toBe(true);
    expect((await run('rules', 'apply', 'sponsored', '--dry-run')).stderr).toBe('rule "sponsored": would mark 0 items read\n');
  });
});
