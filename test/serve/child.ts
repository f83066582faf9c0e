// Helpers for tests of `inkzee serve`: the built CLI as a child process, and a small HTTP client
// (one connection per request, so no keep-alive pool outlives a test).
import http from 'node:http';
import path from 'node:path';
import { spawn, type ChildProcess } from 'node:child_process';
import { expect } from 'vitest';
import { cli, ROOT } from '../helpers.js';

/** ServeChild is a running `inkzee serve`, its base URL and what it wrote so far. */
export interface ServeChild {
  url: string;
  port: number;
  child: ChildProcess;
  stdout(): string;
  stderr(): string;
  /** stop sends a signal (SIGTERM by default) and resolves with the exit code. */
  stop(signal?: NodeJS.Signals): Promise<number | null>;
}

const running = new Set<ChildProcess>();
process.on('exit', () => {
  for (const c of running) c.kill('SIGKILL');
});

/** startServe starts `inkzee --db DB serve --listen 127.0.0.1:0 …` (or the --listen in args) and waits for its start line. */
export function startServe(db: string, args: string[] = [], globals: string[] = []): Promise<ServeChild> {
  // --listen given in args replaces the default loopback one.
  const listen = args.includes('--listen') ? [] : ['--listen', '127.0.0.1:0'];
  const child = spawn(process.execPath, [path.join(ROOT, 'bin', 'inkzee.js'), '--db', db, ...globals, 'serve', ...listen, ...args], {
    env: { PATH: process.env.PATH, HOME: process.env.HOME, XDG_CONFIG_HOME: process.env.XDG_CONFIG_HOME },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  running.add(child);
  let out = '';
  let err = '';
  child.stdout.on('data', (c: Buffer) => (out += c.toString()));
  const exited = new Promise<number | null>((resolve) =>
    child.on('exit', (code) => {
      running.delete(child);
      resolve(code);
    }),
  );
  return new Promise((resolve, reject) => {
    child.stderr.on('data', (c: Buffer) => {
      err += c.toString();
      const m = /serving the Google Reader API at (http:\/\/(?:\[[^\]]+\]|[^:/\s]+):(\d+)\S*)/.exec(err);
      if (m)
        resolve({
          url: m[1],
          port: Number(m[2]),
          child,
          stdout: () => out,
          stderr: () => err,
          stop: (signal = 'SIGTERM') => {
            if (child.exitCode === null) child.kill(signal);
            return exited;
          },
        });
    });
    void exited.then((code) => reject(new Error(`inkzee serve exited with ${code} before listening: ${err}`)));
  });
}

/** setPassword runs `inkzee serve --set-password` with the password on standard input. */
export function setPassword(db: string, password: string, extra: string[] = []) {
  return cli(['--db', db, 'serve', '--set-password', ...extra], { input: `${password}\n` });
}

/** Reply is an HTTP response read in full. */
export interface Reply {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: string;
}

/** request sends one HTTP request on a fresh connection and reads the whole reply. */
export function request(
  method: string,
  url: string,
  o: { headers?: Record<string, string>; body?: string; auth?: string } = {},
): Promise<Reply> {
  const headers: Record<string, string> = { ...o.headers };
  if (o.auth) headers.Authorization = `GoogleLogin auth=${o.auth}`;
  if (o.body !== undefined) headers['Content-Type'] ??= 'application/x-www-form-urlencoded';
  return new Promise((resolve, reject) => {
    const req = http.request(url, { method, headers, agent: false }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (body += c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
    });
    req.on('error', reject);
    req.end(o.body);
  });
}

/** login posts ClientLogin and returns the Auth token, failing the test if the login fails. */
export async function login(base: string, user: string, password: string): Promise<string> {
  const r = await request('POST', `${base}/accounts/ClientLogin`, {
    body: new URLSearchParams({ Email: user, Passwd: password }).toString(),
  });
  const m = /^Auth=(.+)$/m.exec(r.body);
  if (r.status !== 200 || !m) throw new Error(`login failed: ${r.status} ${r.body}`);
  return m[1];
}

/** eventually retries a check until it passes or the deadline (well above any expected wait) is reached. */
export async function eventually<T>(check: () => Promise<T>, ok: (v: T) => boolean, deadlineMs = 30_000): Promise<T> {
  const end = Date.now() + deadlineMs;
  for (;;) {
    const v = await check();
    if (ok(v) || Date.now() > end) return v;
    await new Promise((r) => setTimeout(r, 200));
  }
}

/** unreadCount counts the unread items `inkzee items --unread` lists. */
export async function unreadCount(db: string): Promise<number> {
  const r = await cli(['--db', db, '--json', 'items', '--unread']);
  if (r.code !== 0) throw new Error(`inkzee items failed: ${r.stderr}`);
  return r.stdout.split('\n').filter(Boolean).length;
}

/**
 * checkWriteTokens runs the write-token cases against a served store holding unread items:
 * mark-all-as-read and edit-tag without T, or with a wrong T, get 401 and change nothing; with
 * the right T and newsboat's trailing newline, mark-all-as-read answers OK and reads everything.
 */
export async function checkWriteTokens(db: string, url: string, auth: string): Promise<void> {
  const before = await unreadCount(db);
  expect(before > 0).toBe(true);
  const t = (await request('GET', `${url}/reader/api/0/token`, { auth })).body;
  const all = 's=user%2F-%2Fstate%2Fcom.google%2Freading-list';
  for (const body of [all, `${all}&T=${encodeURIComponent(t.trim())}0`, `${all}&T=`]) {
    const r = await request('POST', `${url}/reader/api/0/mark-all-as-read`, { auth, body });
    expect(r.status).toBe(401);
    expect(r.headers['x-reader-google-bad-token']).toBe('true');
  }
  const edit = await request('POST', `${url}/reader/api/0/edit-tag`, { auth, body: 'i=1&a=user%2F-%2Fstate%2Fcom.google%2Fread' });
  expect(edit.status).toBe(401);
  expect(await unreadCount(db)).toBe(before);
  const ok = await request('POST', `${url}/reader/api/0/mark-all-as-read`, { auth, body: `${all}&T=${encodeURIComponent(t)}` });
  expect(ok.status).toBe(200);
  expect(ok.body).toBe('OK');
  expect(await unreadCount(db)).toBe(0);
}
