// The hook on new items (`refresh --exec`, `on_new_items`): run once per crawl with the crawl's new
// items as NDJSON (the `items --json` fields, state after the rules), never when nothing is new;
// its failure or timeout is one line and changes neither the exit code nor what is stored. The
// README's mail and ntfy examples are run as written.
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import type { AddressInfo } from 'node:net';
import { execFile } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cli, ROOT, tempDir, type CliResult } from '../helpers.js';
import { rss, serve, startFeedServer, type FeedServer } from '../feed-server.js';

let server: FeedServer;

const ITEMS = [
  { guid: 'h1', title: 'Sponsored: buy this', date: 'Mon, 05 Jan 2026 10:00:00 GMT', link: 'http://example.com/1' },
  { guid: 'h2', title: 'A real story', date: 'Mon, 05 Jan 2026 09:00:00 GMT', link: 'http://example.com/2' },
  { guid: 'h3', title: 'Another story', date: 'Mon, 05 Jan 2026 08:00:00 GMT', link: 'http://example.com/3' },
];

beforeAll(async () => {
  server = await startFeedServer();
  server.route('/feed', serve(200, rss('Hooked', ITEMS)));
  server.route('/more', serve(200, rss('More', [{ guid: 'm1', title: 'More news', date: 'Tue, 06 Jan 2026 08:00:00 GMT' }])));
  server.route('/broken', serve(500, 'no'));
});
afterAll(async () => {
  await server?.close();
});

const lines = (text: string) =>
  text
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as Record<string, any>);

/** fresh makes a database subscribed to the given paths of the feed server (not fetched yet). */
async function fresh(...paths: string[]): Promise<string> {
  const db = path.join(tempDir(), 'inkzee.db');
  const r = await cli(['--db', db, 'add', '--no-fetch', ...paths.map((p) => `${server.url}${p}`)]);
  expect(r.code).toBe(0);
  return db;
}

const read = (f: string) => (fs.existsSync(f) ? fs.readFileSync(f, 'utf8') : '');

describe('refresh --exec', () => {
  it('runs the command once with every new item as NDJSON, after the rules; not at all when nothing is new', async () => {
    const db = await fresh('/feed', '/more');
    const out = path.join(tempDir(), 'hook.ndjson');
    const runs = path.join(tempDir(), 'runs');
    const env = { HOOK_OUT: out, HOOK_RUNS: runs };
    expect((await cli(['--db', db, 'rules', 'add', 'ads', '--do', 'read', '--title', '^sponsored'])).code).toBe(0);
    const exec = 'cat >> "$HOOK_OUT"; echo run >> "$HOOK_RUNS"';
    const r = await cli(['--db', db, '--json', 'refresh', '--exec', exec], { env });
    expect(r.code).toBe(0);
    expect(read(runs)).toBe('run\n');
    const got = lines(read(out));
    expect(got.map((i) => i.title).sort()).toEqual(['A real story', 'Another story', 'More news', 'Sponsored: buy this']);
    // In id order, exactly the fields of `items --unique --json`, the rule already applied.
    expect(got.map((i) => i.id)).toEqual([...got.map((i) => i.id)].sort((a, b) => a - b));
    const listed = lines((await cli(['--db', db, '--json', 'items', '--unique'])).stdout);
    const byId = new Map(listed.map((i) => [i.id, i]));
    for (const i of got) expect(i).toEqual(byId.get(i.id));
    expect(got.find((i) => i.title === 'Sponsored: buy this')).toMatchObject({ read: true, readAt: expect.any(String) });
    expect(got.find((i) => i.title === 'A real story')).toMatchObject({ read: false, feedTitle: 'Hooked', link: 'http://example.com/2' });

    // Nothing new: the feeds answer the same items again, and the command is not run.
    const again = await cli(['--db', db, 'refresh', '--force', '--exec', exec], { env });
    expect(again.code).toBe(0);
    expect(read(runs)).toBe('run\n');
  });

  it("sends the command's output to stderr, so that --json stdout stays NDJSON", async () => {
    const db = await fresh('/feed');
    const r = await cli(['--db', db, '--json', 'refresh', '--exec', 'echo "from the hook"; wc -l']);
    expect(r.code).toBe(0);
    for (const l of r.stdout.split('\n').filter(Boolean)) expect(() => JSON.parse(l)).not.toThrow();
    expect(r.stdout).not.toContain('from the hook');
    expect(r.stderr).toMatch(/from the hook\n\s*3\n/);
  });

  it.each([
    ['exits non-zero', 'cat > /dev/null; exit 3', 'hook "cat > /dev/null; exit 3": exited with status 3; the new items are stored'],
    [
      'is not found',
      'no-such-command-inkzee',
      'hook "no-such-command-inkzee": exited with status 127 (command not found); the new items are stored',
    ],
    ['is killed by a signal', 'kill -TERM $$', 'hook "kill -TERM $$": killed by SIGTERM; the new items are stored'],
  ])('reports a command that %s in one line, exit code and items unchanged', async (_what, exec, message) => {
    const db = await fresh('/feed');
    const r = await cli(['--db', db, '--quiet', 'refresh', '--exec', exec]);
    expect(r.code).toBe(0);
    const ours = r.stderr.split('\n').filter((l) => l.includes('hook "'));
    expect(ours).toEqual([`warning: ${message}`]);
    expect(lines((await cli(['--db', db, '--json', 'items'])).stdout)).toHaveLength(3);
  });

  it('keeps the exit code of a crawl with a failed feed (3) when the hook fails too', async () => {
    const db = await fresh('/feed', '/broken');
    const r = await cli(['--db', db, 'refresh', '--exec', 'exit 1']);
    expect(r.code).toBe(3);
    expect(r.stderr).toContain('warning: hook "exit 1": exited with status 1; the new items are stored');
  });

  it('kills the whole process group of a command still running after --exec-timeout', async () => {
    const db = await fresh('/feed');
    const pidFile = path.join(tempDir(), 'pid');
    const exec = `sleep 300 & echo $! > "${pidFile}"; wait`;
    const r = await cli(['--db', db, 'refresh', '--exec', exec, '--exec-timeout', '1']);
    expect(r.code).toBe(0);
    expect(r.stderr).toContain(
      `warning: hook ${JSON.stringify(exec)}: still running after 1 s (--exec-timeout), killed; the new items are stored`,
    );
    const pid = Number(read(pidFile));
    expect(pid).toBeGreaterThan(0);
    // The backgrounded sleep went with its group: gone, or a zombie left for init to reap.
    const stat = fs.existsSync(`/proc/${pid}/stat`) ? fs.readFileSync(`/proc/${pid}/stat`, 'utf8') : '';
    expect(stat === '' || /^\d+ \(sleep\) Z /.test(stat)).toBe(true);
    expect(lines((await cli(['--db', db, '--json', 'items'])).stdout)).toHaveLength(3);
  });

  it('refuses a bad --exec-timeout before crawling (exit 2)', async () => {
    const db = await fresh('/feed');
    const r = await cli(['--db', db, 'refresh', '--exec', 'cat', '--exec-timeout', '0']);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe('inkzee: --exec-timeout 0: must be a number of seconds above 0 and at most 86400 (a day)\n');
    expect(lines((await cli(['--db', db, '--json', 'items'])).stdout)).toHaveLength(0);
  });
});

describe('on_new_items in the config file', () => {
  it('runs after refresh, shows in `inkzee config`, and gives way to --exec', async () => {
    const db = await fresh('/feed');
    const runs = path.join(tempDir(), 'runs');
    const config = path.join(tempDir(), 'config.toml');
    fs.writeFileSync(config, `on_new_items = "cat > /dev/null; echo config >> '${runs}'"\n`);
    const shown = lines((await cli(['--config', config, '--json', 'config'])).stdout).find((s) => s.key === 'on-new-items');
    expect(shown).toMatchObject({ value: `cat > /dev/null; echo config >> '${runs}'`, source: 'file', line: 1 });
    expect((await cli(['config'])).stdout).toMatch(/\non-new-items +none +default\n/);
    const table = await cli(['--config', config, 'config']);
    expect(table.stdout).toMatch(/on-new-items\s+cat > \/dev\/null; echo config/);
    // --exec "" runs nothing, whatever the file says.
    const off = await cli(['--config', config, '--db', db, 'refresh', '--exec', '']);
    expect(off.code).toBe(0);
    expect(read(runs)).toBe('');
    const db2 = await fresh('/feed');
    expect((await cli(['--config', config, '--db', db2, 'refresh'])).code).toBe(0);
    expect(read(runs)).toBe('config\n');
    const db3 = await fresh('/feed');
    expect((await cli(['--config', config, '--db', db3, 'refresh', '--exec', `cat > /dev/null; echo flag >> '${runs}'`])).code).toBe(0);
    expect(read(runs)).toBe('config\nflag\n');
    // The variable sits between the flag and the file.
    const db4 = await fresh('/feed');
    const env = { INKZEE_ON_NEW_ITEMS: `cat > /dev/null; echo env >> '${runs}'` };
    expect((await cli(['--config', config, '--db', db4, 'refresh'], { env })).code).toBe(0);
    expect(read(runs)).toBe('config\nflag\nenv\n');
  });

  it('refuses an on_new_items that is not a string in one line (exit 1)', async () => {
    const config = path.join(tempDir(), 'config.toml');
    fs.writeFileSync(config, 'on_new_items = 3\n');
    const r = await cli(['--config', config, 'config']);
    expect(r).toMatchObject({ code: 1, stderr: `inkzee: ${config}:1: on-new-items: must be a string, not number\n` });
  });
});

/**
 * readmeLine is the one line of README.md that runs `inkzee` and contains `needle`, as written there
 * (a crontab line's five time fields left out: the command is what cron gives to sh).
 */
function readmeLine(needle: string): string {
  const found = fs
    .readFileSync(path.join(ROOT, 'README.md'), 'utf8')
    .split('\n')
    .filter((l) => l.includes(needle))
    .map((l) => /^(?:[\d*/,-]+\s+){5}(inkzee .*)$/.exec(l)?.[1] ?? (l.startsWith('inkzee ') ? l : undefined))
    .filter((l) => l !== undefined);
  // Where the README shows it twice (Pipelines, Reading less), it is the same command.
  expect(new Set(found).size).toBe(1);
  return found[0];
}

/** shell runs a README line through sh, with `inkzee` (this build) and the stubs given first on PATH. */
function shell(line: string, env: NodeJS.ProcessEnv, stubs?: string): Promise<CliResult> {
  const bin = path.join(tempDir(), 'bin');
  fs.mkdirSync(bin, { recursive: true });
  fs.writeFileSync(path.join(bin, 'inkzee'), `#!/bin/sh\nexec "${process.execPath}" "${path.join(ROOT, 'bin', 'inkzee.js')}" "$@"\n`, {
    mode: 0o755,
  });
  const PATH = [bin, stubs, process.env.PATH].filter(Boolean).join(':');
  return new Promise((resolve) => {
    execFile(
      'sh',
      ['-c', line],
      { env: { PATH, HOME: process.env.HOME, XDG_CONFIG_HOME: process.env.XDG_CONFIG_HOME, ...env } },
      (error, stdout, stderr) => resolve({ code: error ? Number((error as { code?: number }).code ?? 1) : 0, stdout, stderr }),
    );
  });
}

describe("the README's examples, as written", () => {
  it('the mail one-liner mails the new items once, with a stub mail on PATH', async () => {
    const line = readmeLine('mail -s');
    const db = await fresh('/feed');
    const stubs = path.join(tempDir(), 'stubs');
    fs.mkdirSync(stubs);
    const mailed = path.join(tempDir(), 'mailed');
    fs.writeFileSync(
      path.join(stubs, 'mail'),
      `#!/bin/sh\nprintf 'ARGS %s|' "$@" >> "${mailed}"; echo >> "${mailed}"; cat >> "${mailed}"\n`,
      {
        mode: 0o755,
      },
    );
    const r = await shell(line, { INKZEE_DB: db }, stubs);
    expect(r.code).toBe(0);
    const text = read(mailed);
    expect(text.match(/^ARGS /gm)).toHaveLength(1); // one mail for the crawl, not one per item
    expect(text).toContain('ARGS -s|ARGS Inkzee: new items|ARGS me@example.com|');
    expect(text).toContain('Hooked\tA real story\thttp://example.com/2');
    expect(text.split('\n').filter((l) => l.startsWith('Hooked\t'))).toHaveLength(3);
    // Nothing new the next time: no mail at all.
    const again = await shell(line, { INKZEE_DB: db }, stubs);
    expect(again.code).toBe(0);
    expect(read(mailed).match(/^ARGS /gm)).toHaveLength(1);
  });

  it('the ntfy one-liner PUTs the new titles to the ntfy URL (a local listener here)', async () => {
    const line = readmeLine('NTFY_URL');
    const got: { method: string; url: string; title: string | undefined; body: string }[] = [];
    const listener = http.createServer((req, res) => {
      let body = '';
      req.on('data', (c: Buffer) => (body += c.toString('utf8')));
      req.on('end', () => {
        got.push({ method: req.method ?? '', url: req.url ?? '', title: req.headers.title as string | undefined, body });
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end('{"id":"x"}\n');
      });
    });
    await new Promise<void>((resolve) => listener.listen(0, '127.0.0.1', resolve));
    try {
      const db = await fresh('/feed');
      const url = `http://127.0.0.1:${(listener.address() as AddressInfo).port}/my-inkzee`;
      const r = await shell(line, { INKZEE_DB: db, NTFY_URL: url });
      expect(r).toMatchObject({ code: 0, stdout: '', stderr: '' });
      expect(got).toHaveLength(1);
      expect(got[0]).toMatchObject({ method: 'PUT', url: '/my-inkzee', title: 'Inkzee: new items' });
      expect(got[0].body.split('\n').filter(Boolean).sort()).toEqual(['A real story', 'Another story', 'Sponsored: buy this']);
    } finally {
      await new Promise<void>((resolve) => listener.close(() => resolve()));
    }
  });
});
