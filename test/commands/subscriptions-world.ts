// What the subscription tests (subscriptions.test.ts on SQLite, subscriptions-pg.test.ts on both
// engines) serve and run: feeds, a page linking to one, the bad inputs `inkzee add` must refuse,
// and a feed whose answer a test holds back while it removes the feed.
import { spawn } from 'node:child_process';
import path from 'node:path';
import type http from 'node:http';
import { cli, ROOT, type CliResult } from '../helpers.js';
import { rss, serve, startFeedServer, type FeedServer } from '../feed-server.js';

/** World is a feed server with the routes the subscription tests use, and a port where nothing listens. */
export interface World {
  server: FeedServer;
  url(p: string): string;
  /** An http URL on a port that refuses connections. */
  down: string;
  /** Resolves once /slow has been asked for; release() answers it. */
  slowAsked(): Promise<void>;
  release(): void;
}

const items = (tag: string, n: number) =>
  Array.from({ length: n }, (_, k) => ({
    guid: `${tag}-${k}`,
    title: `${tag} item ${k}`,
    description: `words about ${tag} number ${k}`,
    date: new Date(Date.UTC(2026, 0, 1, k)).toUTCString(),
  }));

/** startWorld serves /a (3 items), /b (2 items), /c (1 item), /page (links to /a), /nolink, /text, /gone (410) and /slow. */
export async function startWorld(): Promise<World> {
  const server = await startFeedServer({
    '/a': serve(200, rss('Feed A', items('a', 3))),
    '/b': serve(200, rss('Feed B', items('b', 2))),
    '/c': serve(200, rss('Feed C', items('c', 1))),
    '/page': serve(200, '<html><head><link rel="alternate" type="application/rss+xml" href="/a"></head><body>blog</body></html>', {
      'content-type': 'text/html',
    }),
    '/nolink': serve(200, '<html><head><title>no feed</title></head><body>nothing</body></html>', { 'content-type': 'text/html' }),
    '/text': serve(200, 'just some words, not a feed at all', { 'content-type': 'text/plain' }),
    '/gone': serve(410, 'gone', { 'content-type': 'text/plain' }),
  });
  const closed = await startFeedServer();
  const down = `${closed.url}/feed`;
  await closed.close();
  let asked: () => void = () => {};
  let askedP = new Promise<void>((r) => (asked = r));
  let held: http.ServerResponse[] = [];
  server.route('/slow', (_req, res) => {
    held.push(res);
    asked();
  });
  return {
    server,
    url: (p) => `${server.url}${p}`,
    down,
    slowAsked: () => askedP,
    release: () => {
      for (const res of held) serve(200, rss('Slow', items('slow', 4)))(_reqStub, res);
      held = [];
      askedP = new Promise<void>((r) => (asked = r));
    },
  };
}

const _reqStub = {} as http.IncomingMessage;

/** inkzee runs the CLI on a database. */
export const inkzee = (db: string, args: string[], input?: string): Promise<CliResult> => cli(['--db', db, ...args], { input });

/** records parses a run's NDJSON stdout. */
export const records = (r: CliResult): Record<string, unknown>[] =>
  r.stdout
    .trim()
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as Record<string, unknown>);

/** lines are a run's stderr lines. */
export const lines = (r: CliResult): string[] => r.stderr.trim().split('\n').filter(Boolean);

/** background starts the CLI without waiting for it; `done` resolves when it exits. */
export function background(db: string, args: string[]): Promise<CliResult> {
  const child = spawn(process.execPath, [path.join(ROOT, 'bin', 'inkzee.js'), '--db', db, ...args], {
    env: { PATH: process.env.PATH, HOME: process.env.HOME, XDG_CONFIG_HOME: process.env.XDG_CONFIG_HOME },
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d) => (stdout += d));
  child.stderr.on('data', (d) => (stderr += d));
  return new Promise((resolve) => child.on('exit', (code) => resolve({ code: code ?? 1, stdout, stderr })));
}
