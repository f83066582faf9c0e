// The hook and the user's interrupt: SIGINT/SIGTERM while the hook runs kill its whole process
// group at once (refresh exits 130 saying every feed was stored, a worker exits 0), a second
// interrupt's fast exit kills it too, and the items it was given — or, interrupted before it
// started, the crawl's new items — go to the next crawl's hook, once. Both engines.
import fs from 'node:fs';
import path from 'node:path';
import { spawn, type ChildProcess } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cli, ROOT, tempDir } from '../helpers.js';
import { rss, serve, startFeedServer, type FeedServer } from '../feed-server.js';
import { freshDatabase, pgAvailable } from '../pg.js';

let server: FeedServer;
const ITEMS = ['one', 'two', 'three'].map((t, k) => ({ guid: `g${k}`, title: t, date: `Mon, 05 Jan 2026 1${k}:00:00 GMT` }));

beforeAll(async () => {
  server = await startFeedServer();
  server.route('/feed', serve(200, rss('Hooked', ITEMS)));
  server.route('/slow', (req, res) => {
    const t = setTimeout(() => serve(200, rss('Slow', [{ guid: 's', title: 'slow one' }]))(req, res), 2500);
    res.on('close', () => clearTimeout(t));
  });
});
afterAll(async () => {
  await server?.close();
});

type Engine = 'sqlite' | 'postgres';
const engines: Engine[] = pgAvailable ? ['sqlite', 'postgres'] : ['sqlite'];
async function fresh(e: Engine, ...paths: string[]): Promise<string> {
  const db = e === 'sqlite' ? path.join(tempDir(), 'inkzee.db') : await freshDatabase();
  const r = await cli(['--db', db, 'add', '--no-fetch', ...paths.map((p) => `${server.url}${p}`)]);
  expect(r.code, r.stderr).toBe(0);
  return db;
}

/** start runs the built CLI in the background, collecting what it prints. */
function start(args: string[]): { child: ChildProcess; out: () => string; err: () => string; exit: Promise<number | null> } {
  const child = spawn(process.execPath, [path.join(ROOT, 'bin', 'inkzee.js'), ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  child.stdout.on('data', (d) => (out += d));
  child.stderr.on('data', (d) => (err += d));
  const exit = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return { child, out: () => out, err: () => err, exit };
}
async function until(what: () => boolean, ms = 20_000): Promise<void> {
  for (const end = Date.now() + ms; !what();) {
    if (Date.now() > end) throw new Error('timed out waiting');
    await new Promise((r) => setTimeout(r, 50));
  }
}
const read = (f: string) => (fs.existsSync(f) ? fs.readFileSync(f, 'utf8') : '');
/** gone says whether a process no longer runs (or is a zombie waiting for init). */
const gone = (pid: number) => {
  const stat = read(`/proc/${pid}/stat`);
  return stat === '' || / Z /.test(stat);
};
const titles = (ndjson: string) =>
  ndjson
    .split('\n')
    .filter(Boolean)
    .map((l) => (JSON.parse(l) as { title: string }).title)
    .sort();

/** A hook that takes its input, then waits on a backgrounded sleep whose pid it writes down. */
function stuckHook(dir: string): { exec: string; pidFile: string; input: string } {
  const pidFile = path.join(dir, 'pid');
  const input = path.join(dir, 'input');
  return { exec: `cat > "${input}"; sleep 300 & echo $! > "${pidFile}"; wait`, pidFile, input };
}

describe.each(engines)('the hook and an interrupt (%s)', (e) => {
  it.each([
    ['SIGINT', 'refresh', 130],
    ['SIGTERM', 'refresh', 130],
    ['SIGTERM', 'worker', 0],
  ] as const)(
    '%s while the hook runs under %s: its group is killed at once, and its items go to the next hook',
    async (sig, command, code) => {
      const db = await fresh(e, '/feed');
      const dir = tempDir();
      const hook = stuckHook(dir);
      const extra = command === 'worker' ? ['--allow-private-networks'] : [];
      const run = start(['--db', db, command, ...extra, '--exec', hook.exec, '--exec-timeout', '600']);
      await until(() => read(hook.pidFile).trim() !== '');
      const sleeper = Number(read(hook.pidFile));
      expect(gone(sleeper)).toBe(false);
      run.child.kill(sig);
      expect(await run.exit).toBe(code);
      expect(gone(sleeper)).toBe(true);
      expect(run.err()).toContain(
        `warning: hook ${JSON.stringify(hook.exec)}: stopped by the interrupt; the new items are stored and go to the next crawl's hook`,
      );
      if (command === 'refresh') expect(run.err()).toContain('inkzee: interrupted: the one feed crawled and stored\n');
      expect(titles(read(hook.input))).toEqual(['one', 'three', 'two']);
      // Nothing is new now, but the three wait for a hook: the next crawl gives them, once.
      const got = path.join(dir, 'got');
      const next = await cli(['--db', db, 'refresh', '--exec', `cat > "${got}"`]);
      expect(next.code, next.stderr).toBe(0);
      expect(titles(read(got))).toEqual(['one', 'three', 'two']);
      fs.rmSync(got);
      expect((await cli(['--db', db, 'refresh', '--exec', `cat > "${got}"`])).code).toBe(0);
      expect(fs.existsSync(got)).toBe(false);
    },
    60_000,
  );

  it('a crawl interrupted before its hook leaves its new items to the next crawl, with that crawl’s own', async () => {
    const db = await fresh(e, '/feed', '/slow');
    const dir = tempDir();
    const first = path.join(dir, 'first');
    const run = start(['--db', db, '--json', 'refresh', '--exec', `cat > "${first}"`]);
    await until(() => run.out().includes('"type":"feed"'));
    run.child.kill('SIGINT');
    expect(await run.exit).toBe(130);
    expect(fs.existsSync(first)).toBe(false);
    expect(run.err()).toContain(
      `warning: hook "cat > \\"${first}\\"": not run (interrupted); 3 new items stored, for the next crawl's hook`,
    );
    expect(run.err()).toContain('inkzee: interrupted: 1 of 2 feeds crawled and stored; `inkzee refresh` finishes the rest');
    const got = path.join(dir, 'got');
    const next = await cli(['--db', db, 'refresh', '--exec', `cat > "${got}"`]);
    expect(next.code, next.stderr).toBe(0);
    expect(titles(read(got))).toEqual(['one', 'slow one', 'three', 'two']);
  }, 60_000);
});

it('a second interrupt exits at once and takes the hook’s group with it', async () => {
  const db = await fresh('sqlite', '/feed');
  const hook = stuckHook(tempDir());
  // A hook that ignores SIGTERM and SIGINT: only the kill of its group ends it.
  const exec = `trap '' TERM INT; ${hook.exec}`;
  const run = start(['--db', db, 'refresh', '--exec', exec, '--exec-timeout', '600']);
  await until(() => read(hook.pidFile).trim() !== '');
  const sleeper = Number(read(hook.pidFile));
  run.child.kill('SIGINT');
  run.child.kill('SIGINT');
  expect([130]).toContain(await run.exit);
  expect(gone(sleeper)).toBe(true);
  // The lock is free and nothing was lost: the items are there.
  const items = await cli(['--db', db, '--json', 'items']);
  expect(titles(items.stdout)).toEqual(['one', 'three', 'two']);
}, 60_000);
