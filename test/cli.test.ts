import fs from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { rss, startFeedServer } from './feed-server.js';
import { cli, fixture, tempDir } from './helpers.js';

// These run the compiled program (bin/inkzee.js → dist/), as a user would.
describe('the inkzee command', () => {
  let db: string;
  beforeAll(() => {
    db = path.join(tempDir(), 'cli.db');
  });

  it('imports a file, reports a summary on stderr, and keeps stdout clean', async () => {
    const r = await cli(['--db', db, 'import', fixture('opml', 'nested.opml'), '--no-fetch']);
    expect(r).toMatchObject({ code: 0, stdout: '' });
    expect(r.stderr).toMatch(/nested\.opml: 6 added, 0 already present, 1 skipped \(1 no-url\)\n$/);
  });

  it('reads OPML from stdin with "-" and writes an NDJSON summary with --json', async () => {
    const input = fs.readFileSync(fixture('opml', 'skips.opml'));
    const r = await cli(['--db', db, '--json', 'import', '-', '--no-fetch'], { input });
    expect(r.code).toBe(0);
    const lines = r.stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(lines).toEqual([expect.objectContaining({ type: 'import', source: 'stdin', added: 4, duplicates: 1, skipped: 10 })]);
  });

  it('lists feeds as NDJSON, one object per line, filtered by category and its subfolders', async () => {
    const r = await cli(['--db', db, 'feeds', '--category', 'Technology/Programming', '--json']);
    const feeds = r.stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(feeds.map((f) => f.url).sort()).toEqual(['https://news.ycombinator.com/rss', 'https://this-week-in-rust.org/rss.xml']);
    expect(Object.keys(feeds[0])).toEqual([
      'id',
      'url',
      'title',
      'siteUrl',
      'category',
      'folders',
      'addedAt',
      'etag',
      'lastModified',
      'lastStatus',
      'lastFetchedAt',
      'consecutiveErrors',
      'lastError',
      'nextCheckAt',
      'disabledReason',
      'state',
      'itemCount',
      'unread',
      'docTitle',
      'description',
      'language',
      'imageUrl',
    ]);
    expect(feeds[0]).toMatchObject({ state: 'never', itemCount: 0, lastFetchedAt: null, docTitle: null, imageUrl: null });
  });

  it('prints a plain table and TSV for people and scripts', async () => {
    const table = await cli(['--db', db, 'feeds', '--category', 'Culture & Arts']);
    expect(table.stdout.split('\n')[0]).toMatch(/^\s*ID\s+STATE\s+HTTP\s+ITEMS\s+UNREAD\s+FETCHED\s+CATEGORY\s+TITLE\s+URL \/ LAST ERROR$/);
    expect(table.stdout).toContain('Film & TV');
    const tsv = await cli(['--db', db, 'feeds', '--category', 'Culture & Arts', '--format', 'tsv']);
    expect(tsv.stdout).toMatch(/^\d+\tnever\t\t0\t\tCulture & Arts\tFilm & TV\thttps:\/\/film\.example\/feed\t0\n$/);
  });

  it('exports OPML to stdout when no file is given', async () => {
    const r = await cli(['--db', db, 'export']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^<\?xml version="1.0" encoding="UTF-8"\?>\n<opml version="2.0">/);
    expect(r.stdout).toContain('<outline text="Rust" title="Rust">');
  });

  it.each([
    [['import', 'no-such-file.opml', '--no-fetch'], 1, /^inkzee: no-such-file\.opml: no such file\n$/],
    [
      ['import', fixture('opml', 'not-opml.html'), '--no-fetch'],
      1,
      /^inkzee: .*not-opml\.html: not an OPML document \(root element is <html>\)\n$/,
    ],
    [['import', fixture('opml'), '--no-fetch'], 1, /^inkzee: .*opml: is a directory, not a file\n$/],
    [['import'], 2, /^inkzee: missing required argument 'file'\n/],
    [['frobnicate'], 2, /^inkzee: unknown command 'frobnicate'\n/],
    [['feeds', '--format', 'xml'], 2, /^inkzee: option '--format <format>' argument 'xml' is invalid/],
  ])('fails %j with exit %i and a one-line error', async (args, code, stderr) => {
    const r = await cli(['--db', db, ...args]);
    expect(r.code).toBe(code);
    expect(r.stderr).toMatch(stderr);
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });

  it('strips control characters from the values commander quotes in its errors', async () => {
    const r = await cli(['--db', db, 'feeds', '--format', 'x\u001b]0;owned\u0007\u001b[2J']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^inkzee: option '--format <format>' argument 'x' is invalid/);
    expect(r.stderr).not.toMatch(/[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/);
  });

  it('refuses a database from a newer Inkzee with exit 1 and one line', async () => {
    const r = await cli(['--db', fixture('opml', 'plain-text.opml'), 'feeds']);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^inkzee: store: .*plain-text\.opml: /);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
  });

  it('finds its database through INKZEE_DB, else XDG_DATA_HOME', async () => {
    const dir = tempDir();
    await cli(['import', fixture('opml', 'utf8-bom.opml'), '--no-fetch'], { env: { INKZEE_DB: path.join(dir, 'env.db') } });
    expect(fs.existsSync(path.join(dir, 'env.db'))).toBe(true);
    await cli(['import', fixture('opml', 'utf8-bom.opml'), '--no-fetch'], { env: { XDG_DATA_HOME: dir } });
    expect(fs.existsSync(path.join(dir, 'inkzee', 'inkzee.db'))).toBe(true);
  });

  it('refuses an empty --db or INKZEE_DB instead of falling back to the real database', async () => {
    const dir = tempDir();
    const env = { INKZEE_DB: path.join(dir, 'env.db'), XDG_DATA_HOME: dir };
    const empty = await cli(['--db', '', 'import', fixture('opml', 'nested.opml'), '--no-fetch'], { env });
    expect(empty).toMatchObject({ code: 2, stdout: '' });
    expect(empty.stderr).toMatch(/^inkzee: --db "": the database path is empty[^\n]*\n$/);
    const unset = await cli(['import', fixture('opml', 'nested.opml'), '--no-fetch'], { env: { INKZEE_DB: '', XDG_DATA_HOME: dir } });
    expect(unset).toMatchObject({
      code: 2,
      stderr: 'inkzee: INKZEE_DB is set but empty; give it a path, or unset it for the default database\n',
    });
    expect(fs.readdirSync(dir)).toEqual([]);
  });

  it('refuses a --db followed by a flag instead of creating a file named after the flag', async () => {
    const dir = tempDir();
    const r = await cli(['--db', '--json', 'feeds'], { cwd: dir, env: { XDG_DATA_HOME: dir } });
    expect(r).toMatchObject({ code: 2, stdout: '' });
    expect(r.stderr).toMatch(
      /^inkzee: --db --json: a database path, not a flag, must follow --db \(for a file so named, write \.\/--json\)\n$/,
    );
    expect(fs.readdirSync(dir)).toEqual([]);
  });

  it('stays silent with --quiet while more than ten requests are in flight at once', async () => {
    // Each request listens to the run's interrupt signal while it lasts: 16 at once must not warn.
    const slow = (k: number) => (_req: unknown, res: import('node:http').ServerResponse) => {
      setTimeout(
        () => res.writeHead(200, { 'content-type': 'application/rss+xml' }).end(rss(`Feed ${k}`, [{ guid: `g${k}`, title: `Post ${k}` }])),
        200,
      );
    };
    const server = await startFeedServer(Object.fromEntries(Array.from({ length: 20 }, (_, k) => [`/f${k}`, slow(k)])));
    try {
      const opml = path.join(tempDir(), 'many.opml');
      fs.writeFileSync(
        opml,
        `<opml version="2.0"><body>${Array.from({ length: 20 }, (_, k) => `<outline type="rss" text="F${k}" xmlUrl="${server.url}/f${k}"/>`).join('')}</body></opml>`,
      );
      const run = await cli([
        '--db',
        path.join(tempDir(), 'many.db'),
        '--quiet',
        'import',
        opml,
        '--concurrency',
        '16',
        '--per-host',
        '16',
      ]);
      expect(run).toMatchObject({ code: 0, stdout: '', stderr: '' });
      expect(server.connectionsHighWater).toBeGreaterThan(10);
    } finally {
      await server.close();
    }
  });

  it('is silent with --quiet and shows examples in --help', async () => {
    const quiet = await cli(['--db', db, '--quiet', 'import', fixture('opml', 'nested.opml'), '--no-fetch']);
    expect(quiet).toMatchObject({ code: 0, stdout: '', stderr: '' });
    const help = await cli(['import', '--help']);
    expect(help.code).toBe(0);
    expect(help.stdout).toContain('$ inkzee import');
  });
});
