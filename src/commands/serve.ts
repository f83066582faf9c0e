// `inkzee serve`: the Google Reader API over the store, for reader apps (src/serve/), and
// `inkzee serve --set-password`, which sets the one user's password.
import fs from 'node:fs';
import net from 'node:net';
import { InkzeeError, InputError, shownValue, UsageError } from '../errors.js';
import type { Context } from './context.js';
import { AnswerCache } from '../serve/answer-cache.js';
import { MarkQueue } from '../serve/mark-queue.js';
import { Auth, DEFAULT_USER, readCredentials, storePassword } from '../serve/auth.js';
import { startServer, type AccessEntry } from '../serve/server.js';
import { sessionRoutes } from '../serve/session.js';
import { apiRoutes } from '../serve/routes.js';
import { isPostgresUrl } from '../store/open.js';

/** DEFAULT_LISTEN and DEFAULT_BASE_PATH are where `inkzee serve` answers unless told otherwise. */
export const DEFAULT_LISTEN = '127.0.0.1:8080';
export const DEFAULT_BASE_PATH = '/api/greader';

/** Listen is a parsed --listen: a host (an IP address or a name) and a port (0: any free one). */
export interface Listen {
  host: string;
  port: number;
}

/** parseListen reads HOST:PORT ([::1]:8080 for IPv6), or exits 2 naming the value. */
export function parseListen(value: string): Listen {
  const m = /^(?:\[([0-9A-Fa-f:.]+)\]|([^:[\]\s/]+)):(\d{1,5})$/.exec(value);
  const host = m ? (m[1] ?? m[2]) : '';
  const port = m ? Number(m[3]) : NaN;
  const hostOk = m?.[1]
    ? net.isIPv6(host)
    : net.isIPv4(host) || /^(?=.{1,253}$)[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?(\.[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?)*$/.test(host);
  if (!m || !hostOk || !(port >= 0 && port <= 65535))
    throw new UsageError(`--listen ${shownValue(value)}: must be HOST:PORT, e.g. 127.0.0.1:8080 or [::1]:8080 (port 0 to 65535)`);
  return { host, port };
}

/** isLoopback tells whether a host only this machine can reach. */
export function isLoopback(host: string): boolean {
  return host === 'localhost' || host === '::1' || /^127\.\d+\.\d+\.\d+$/.test(host) || /^::ffff:127\./i.test(host);
}

/** parseBasePath reads --base-path: "/" or "/a/b" of plain URL characters; a trailing "/" is dropped. */
export function parseBasePath(value: string): string {
  if (value === '/') return '';
  if (!/^(\/[A-Za-z0-9._~!$&'()*+,;=:@-]+)+\/?$/.test(value) || /\/\.\.?(\/|$)/.test(value))
    throw new UsageError(
      `--base-path ${shownValue(value)}: must be a URL path such as /api/greader (letters, digits, - . _ ~ between slashes)`,
    );
  return value.replace(/\/$/, '');
}

/** ServeOptions are `inkzee serve`'s flags, parsed. */
export interface ServeOptions {
  listen: Listen;
  basePath: string;
  headersTimeoutMs?: number;
  requestTimeoutMs?: number;
  /** Called once per request answered (the access log). */
  log?: (e: AccessEntry) => void;
  /** Called once the server listens, with its base URL and the database it serves. */
  started?: (url: string, database: string) => void;
}

/**
 * serveCommand serves the reader API until SIGINT/SIGTERM, then stops accepting connections and
 * returns once the requests in flight are answered. It refuses to listen beyond this machine
 * while no password is set (anyone could try to log in with none).
 */
export async function serveCommand(ctx: Context, o: ServeOptions): Promise<void> {
  const where = `--listen ${o.listen.host.includes(':') ? `[${o.listen.host}]` : o.listen.host}:${o.listen.port}`;
  const noPassword = () =>
    new InkzeeError(
      `${where}: no password is set, and this address is reachable from other machines; set one first with \`inkzee serve --set-password\``,
      'no-password',
    );
  // A SQLite file that does not exist holds no password: refused before opening it, which would create it, empty.
  const db = ctx.cfg.dbPath;
  if (!isLoopback(o.listen.host) && !isPostgresUrl(db) && !fs.existsSync(db)) throw noPassword();
  const store = await ctx.store();
  if (!(await readCredentials(store))) {
    if (!isLoopback(o.listen.host)) throw noPassword();
    ctx.out.warn('no password is set: every login fails until you set one with `inkzee serve --set-password`');
  }
  const auth = new Auth(store);
  const routes = [...sessionRoutes(auth), ...apiRoutes()];
  let server;
  try {
    server = await startServer(
      routes,
      // Pages are kept while the store's data is unchanged (any commit, of any process, drops them).
      // edit-tags waiting together are written in one transaction per kind (group commit).
      { store, cfg: ctx.cfg, now: ctx.now, cache: new AnswerCache(store), marks: new MarkQueue(store, ctx.now) },
      {
        host: o.listen.host,
        port: o.listen.port,
        basePath: o.basePath,
        auth,
        headersTimeoutMs: o.headersTimeoutMs,
        requestTimeoutMs: o.requestTimeoutMs,
        log: o.log,
        fault: (line) => ctx.out.error(`serve: ${line}`),
      },
    );
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    const problem =
      code === 'EADDRINUSE'
        ? 'the address is in use (another server on that port?)'
        : code === 'EACCES'
          ? 'permission denied (ports below 1024 need privileges)'
          : code === 'EADDRNOTAVAIL'
            ? 'this machine has no such address'
            : code === 'ENOTFOUND' || code === 'EAI_AGAIN'
              ? 'no such host'
              : `cannot listen (${code ?? (err as Error).message})`;
    throw new InputError(where, problem, 'listen');
  }
  o.started?.(server.url, store.location);
  if (!ctx.signal.aborted) await new Promise((resolve) => ctx.signal.addEventListener('abort', resolve, { once: true }));
  await server.close();
}

/** checkUser refuses a user name clients could not send or tokens could not carry (exit 2). */
export function checkUser(name: string): string {
  if (!/^[A-Za-z0-9._@+-]{1,64}$/.test(name))
    throw new UsageError(`--user ${shownValue(name)}: must be 1 to 64 letters, digits or . _ @ + -`);
  return name;
}

/** setPasswordCommand stores the user and a hash of the password (never the password), with a fresh token secret. */
export async function setPasswordCommand(ctx: Context, user: string | undefined, password: string): Promise<string> {
  if (password === '') throw new InputError('stdin', 'the password is empty; nothing was changed', 'empty-password');
  const store = await ctx.store();
  const name = user ?? (await readCredentials(store))?.user ?? DEFAULT_USER;
  await storePassword(store, name, password);
  return name;
}
