// Folder paths are lists of names: a folder named "UI / UX" is one folder that `--category`
// selects and export → import keeps, and `--category` matches a folder and its subfolders with
// Unicode case folding, on both engines (the rule lives once, in src/store/shared/folders.ts).
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { displayPath, folderKeys, folderNames, pathKey, storedPath } from '../../src/store/shared/folders.js';
import { cli, fixture, tempDir } from '../helpers.js';
import { rss, serve, startFeedServer, type FeedServer } from '../feed-server.js';
import { freshDatabase, pgAvailable } from '../pg.js';

describe('folder paths', () => {
  it.each([[['UI / UX']], [['Tech', 'Sub']], [['a\\b', 'c/d', '/']], [[]]])('stores %j and reads the same names back', (names) => {
    expect(folderNames(storedPath(names))).toEqual(names);
  });

  it('shows names joined by "/" and keys each folder on the path, case folded', () => {
    expect(storedPath(['UI / UX', 'Tools'])).toBe('UI \\/ UX/Tools');
    expect(displayPath('UI \\/ UX/Tools')).toBe('UI / UX/Tools');
    expect(folderKeys(storedPath(['Économie', 'Straße']))).toEqual(['économie', 'économie/strasse']);
    expect(pathKey(' ÉCONOMIE / STRASSE ')).toBe('économie/strasse');
    expect(pathKey('E\u0301conomie')).toBe('économie'); // NFD as some file systems and keyboards give it
  });
});

let server: FeedServer;
beforeAll(async () => {
  server = await startFeedServer({});
  for (const p of ['tech', 'sub', 'technology', 'eco']) server.route(`/${p}`, serve(200, rss(p, [{ guid: `${p}-1`, title: `${p} news` }])));
});
afterAll(async () => {
  await server?.close();
});

const lines = (stdout: string) =>
  stdout
    .trim()
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as Record<string, unknown>);
const engines = [
  { engine: 'SQLite', db: async () => path.join(tempDir(), 'inkzee.db') },
  ...(pgAvailable ? [{ engine: 'PostgreSQL', db: freshDatabase }] : []),
];

describe.each(engines)('folders on $engine', ({ db: newDb }) => {
  const run = async (db: string, ...args: string[]) => {
    const r = await cli(['--db', db, ...args]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    return r.stdout;
  };

  it('a folder named "UI / UX" (awesome-rss-feeds) is one folder: --category selects it, export → import keeps it', async () => {
    const db = await newDb();
    await run(db, 'import', fixture('opml', 'real', 'ui-ux.opml'), '--no-fetch', '--quiet');
    for (const spelling of ['UI / UX', 'ui/ux', ' UI /UX ']) {
      const listed = lines(await run(db, '--json', 'feeds', '--category', spelling));
      expect(listed).toHaveLength(11);
      expect(listed[0]).toMatchObject({ category: 'UI / UX', folders: ['UI / UX'] });
    }
    const exported = await run(db, 'export');
    expect(exported.match(/<outline text="[^"]*" title="[^"]*">/g)).toEqual(['<outline text="UI / UX" title="UI / UX">']);
    const file = path.join(tempDir(), 'export.opml');
    fs.writeFileSync(file, exported);
    const again = await newDb();
    await run(again, 'import', file, '--no-fetch', '--quiet');
    const reimported = lines(await run(again, '--json', 'feeds'));
    expect(reimported).toHaveLength(11);
    expect(new Set(reimported.map((f) => JSON.stringify(f.folders)))).toEqual(new Set(['["UI / UX"]']));
    const undated = (opml: string) => opml.replace(/<dateCreated>.*<\/dateCreated>/, '');
    expect(undated(await run(again, 'export'))).toBe(undated(exported));
  }, 120_000);

  it('--category matches the folder and its subfolders, any case in any script, for feeds, refresh and items', async () => {
    const db = await newDb();
    const file = path.join(tempDir(), 'subs.opml');
    const feed = (p: string) => `<outline text="${p}" xmlUrl="${server.url}/${p}"/>`;
    fs.writeFileSync(
      file,
      `<opml version="2.0"><body><outline text="Tech">${feed('tech')}<outline text="Sub">${feed('sub')}</outline></outline>
      <outline text="Technology">${feed('technology')}</outline><outline text="Économie">${feed('eco')}</outline></body></opml>`,
    );
    await run(db, 'import', file, '--no-fetch', '--quiet');
    const titles = async (...args: string[]) =>
      lines(await run(db, '--json', ...args))
        .map((r) => r.title ?? r.feedTitle)
        .sort();
    expect(await titles('feeds', '--category', 'tech')).toEqual(['sub', 'tech']);
    expect(await titles('feeds', '--category', 'TECH/sub')).toEqual(['sub']);
    expect(await titles('feeds', '--category', 'ÉCONOMIE')).toEqual(['eco']);
    const refreshed = lines(await run(db, '--json', 'refresh', '--category', 'tech'));
    expect(refreshed.at(-1)).toMatchObject({ type: 'summary', feeds: 2, newItems: 2 });
    await run(db, 'refresh', '--quiet');
    expect(
      lines(await run(db, '--json', 'items', '--category', 'tech'))
        .map((i) => i.title)
        .sort(),
    ).toEqual(['sub news', 'tech news']);
    expect(lines(await run(db, '--json', 'items', '--category', 'économie')).map((i) => i.title)).toEqual(['eco news']);
    expect(lines(await run(db, '--json', 'search', 'news', '--category', 'Tech/Sub')).map((i) => i.title)).toEqual(['sub news']);
  }, 120_000);
});
