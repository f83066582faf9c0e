// A --label rule applied by `classify` to the labels it gives, on both engines; and a worker on
// PostgreSQL applying the rules and running the hook once per round that stored new items.
import fs from 'node:fs';
import path from 'node:path';
import { spawn } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cli, ROOT, tempDir, type CliResult } from '../helpers.js';
import { rss, serve, startFeedServer, type FeedServer } from '../feed-server.js';
import { freshDatabase, pgAvailable } from '../pg.js';
import { headlines } from '../classify/topics.js';

type Backend = 'sqlite' | 'postgres';
const BACKENDS: Backend[] = pgAvailable ? ['sqlite', 'postgres'] : ['sqlite'];

let server: FeedServer;
beforeAll(async () => {
  server = await startFeedServer();
  const topics = headlines(12, 5);
  for (const [p, label] of [
    ['/sports', 'sports'],
    ['/tech', 'technology'],
  ])
    server.route(
      p,
      serve(
        200,
        rss(
          `Feed ${p}`,
          topics
            .filter((t) => t.label === label)
            .map((t, k) => ({
              guid: `${p}-${k}`,
              title: t.title,
              description: t.description,
              date: new Date(Date.UTC(2026, 0, 1, 0, k)).toUTCString(),
            })),
        ),
      ),
    );
});
afterAll(async () => {
  await server?.close();
});

const lines = (r: CliResult) =>
  r.stdout
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as Record<string, any>);

describe.each(BACKENDS)('a --label rule on %s', (backend) => {
  it('marks read, as classify labels them, the items the model calls so, and nothing else', async () => {
    const db = backend === 'postgres' ? await freshDatabase() : path.join(tempDir(), 'inkzee.db');
    const run = (...args: string[]) => cli(['--db', db, ...args]);
    const opml = path.join(tempDir(), 'subs.opml');
    const o = (p: string) => `<outline text="Feed ${p}" xmlUrl="${server.url}${p}"/>`;
    fs.writeFileSync(
      opml,
      `<opml version="2.0"><body><outline text="Sport">${o('/sports')}</outline><outline text="Tech">${o('/tech')}</outline></body></opml>`,
    );
    expect((await run('import', opml)).code).toBe(0);
    expect((await run('classify', 'train', '--from-folders')).code).toBe(0);
    // A label the model does not give is a typo, refused: the rule would never match.
    const typo = await run('rules', 'add', 'sport', '--do', 'read', '--label', 'Sprot');
    expect(typo.code).toBe(1);
    expect(typo.stderr).toBe('inkzee: rule "sport": --label Sprot: model default has no such label (its labels: Sport, Tech)\n');
    const added = await run('--json', 'rules', 'add', 'sport', '--do', 'read', '--label', 'Sport');
    expect(lines(added)[0]).toMatchObject({ name: 'sport', action: 'read', filter: { label: 'Sport' }, model: 'default' });
    // Nothing marked yet: the items are not labelled.
    expect(lines(await run('--json', 'items', '--read'))).toHaveLength(0);
    const labelled = await run('classify');
    expect(labelled.code).toBe(0);
    const sport = lines(await run('--json', 'items', '--label', 'Sport'));
    expect(labelled.stderr).toContain(`rule "sport": marked ${sport.length} labelled items read`);
    expect(sport.length).toBeGreaterThan(0);
    expect(sport.every((i) => i.read)).toBe(true);
    const tech = lines(await run('--json', 'items', '--label', 'Tech'));
    expect(tech.length).toBeGreaterThan(0);
    expect(tech.some((i) => i.read)).toBe(false);
    // A rule reads its own model's labels: another model's "Sport" is not its business.
    expect((await run('classify', 'train', '--from-folders', '--model', 'other')).code).toBe(0);
    expect((await run('rules', 'add', 'tech-other', '--do', 'star', '--label', 'Tech', '--model', 'other')).code).toBe(0);
    expect((await run('rules', 'apply', 'tech-other', '--dry-run')).stderr).toBe('rule "tech-other": would mark 0 items starred\n');
    expect((await run('classify', '--model', 'other')).code).toBe(0);
    expect(
      lines(await run('--json', 'items', '--starred'))
        .map((i) => i.id)
        .sort(),
    ).toEqual(tech.map((i) => i.id).sort());
  }, 180_000);
});

describe.skipIf(!pgAvailable)('a worker on PostgreSQL', () => {
  it('applies the rules and runs the hook once per round, with that round’s new items only', async () => {
    const db = await freshDatabase();
    let round = 0;
    server.route('/rounds', (_req, res) => {
      round++;
      const items = [{ guid: 'r1', title: 'First story', date: 'Mon, 05 Jan 2026 10:00:00 GMT' }];
      if (round > 1) items.push({ guid: 'r2', title: 'Sponsored: second', date: 'Tue, 06 Jan 2026 10:00:00 GMT' });
      res.writeHead(200, { 'content-type': 'application/rss+xml' });
      res.end(rss('Rounds', items));
    });
    expect((await cli(['--db', db, 'add', '--no-fetch', `${server.url}/rounds`])).code).toBe(0);
    expect((await cli(['--db', db, 'rules', 'add', 'ads', '--do', 'read', '--title', '^sponsored'])).code).toBe(0);
    const out = path.join(tempDir(), 'hook.ndjson');
    const worker = spawn(
      process.execPath,
      [
        path.join(ROOT, 'bin', 'inkzee.js'),
        '--db',
        db,
        '--json',
        'worker',
        '--allow-private-networks',
        '--interval',
        '0.02',
        '--exec',
        'cat >> "$HOOK_OUT"; echo "--" >> "$HOOK_OUT"',
      ],
      { env: { ...process.env, HOOK_OUT: out }, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let stderr = '';
    worker.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    const exited = new Promise<number | null>((resolve) => worker.on('exit', (code) => resolve(code)));
    try {
      // Two rounds that stored something; later rounds store nothing new and run no hook.
      for (;;) {
        const text = fs.existsSync(out) ? fs.readFileSync(out, 'utf8') : '';
        if (text.split('\n').filter((l) => l === '--').length >= 2 && round >= 4) break;
        await new Promise((r) => setTimeout(r, 200));
      }
    } finally {
      worker.kill('SIGTERM');
    }
    expect(await exited).toBe(0);
    const rounds = fs
      .readFileSync(out, 'utf8')
      .split('--\n')
      .filter(Boolean)
      .map((chunk) =>
        chunk
          .split('\n')
          .filter(Boolean)
          .map((l) => JSON.parse(l) as Record<string, any>),
      );
    expect(rounds.map((r) => r.map((i) => [i.title, i.read]))).toEqual([[['First story', false]], [['Sponsored: second', true]]]);
    expect(stderr).not.toContain('hook "');
  }, 120_000);
});
