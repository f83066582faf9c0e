// The HTTP server of `inkzee serve` (node:http): it strips the base path, reads the query and a
// form body into params, authenticates, runs the route's handler and writes its reply. A bad
// request is answered with a 4xx and a one-line reason; nothing a client sends ends the process.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { ApiError, type ApiReply, type ApiRequest, type Route, type ServeEnv } from './api.js';
import { matchRoute } from './dispatch.js';
import type { Auth } from './auth.js';
import { StoreError } from '../errors.js';

/** AccessEntry is one answered request, as the access log records it (no token or password in it). */
export interface AccessEntry {
  time: string;
  remote: string;
  method: string;
  /** The path as sent, with the values of T, Auth and Passwd in its query replaced by "-". */
  path: string;
  status: number;
  /** Bytes of the response body. */
  bytes: number;
  ms: number;
  /** The user the request authenticated as, '' if none. */
  user: string;
}

/** ServerOptions say where to listen and how the server treats requests. */
export interface ServerOptions {
  host: string;
  port: number;
  /** The path the API lives under, without a trailing slash ("/api/greader"; "" for the root). */
  basePath: string;
  auth: Auth;
  /** Largest request body read, in bytes (default 1 MiB): larger ones get 413. */
  bodyLimit?: number;
  /** A client must send its headers within this long (default 20 s)… */
  headersTimeoutMs?: number;
  /** …and its whole request within this long (default 60 s), else it gets 408 and is cut off. */
  requestTimeoutMs?: number;
  /** How long close() waits for requests in flight before closing their connections (default 30 s). */
  closeGraceMs?: number;
  /** Called once per request answered. */
  log?: (e: AccessEntry) => void;
  /** Called with one line when a handler fails unexpectedly (the client only gets "internal error"). */
  fault?: (message: string) => void;
}

/** RunningServer is a listening server: its base URL, and close(), which lets requests in flight finish. */
export interface RunningServer {
  url: string;
  close(): Promise<void>;
}

const BAD_TOKEN = { 'X-Reader-Google-Bad-Token': 'true' };
const unauthorized = () => new ApiError(401, 'Unauthorized', BAD_TOKEN);
const SECRET_PARAMS = new Set(['t', 'auth', 'passwd']);
const TYPES = { json: 'application/json; charset=utf-8', text: 'text/plain; charset=utf-8', xml: 'application/atom+xml; charset=utf-8' };

/** loggedPath is a request target with the values of secret parameters replaced by "-". */
export function loggedPath(target: string): string {
  const q = target.indexOf('?');
  if (q < 0) return target;
  const parts = target
    .slice(q + 1)
    .split('&')
    .map((kv) => {
      const eq = kv.indexOf('=');
      const key = eq < 0 ? kv : kv.slice(0, eq);
      return eq >= 0 && SECRET_PARAMS.has(key.toLowerCase()) ? `${key}=-` : kv;
    });
  return `${target.slice(0, q)}?${parts.join('&')}`;
}

/** formParams reads application/x-www-form-urlencoded text, refusing a malformed percent-escape (400). */
export function formParams(text: string, where: string, into = new URLSearchParams()): URLSearchParams {
  if (text === '') return into;
  let ok = !/%(?![0-9A-Fa-f]{2})/.test(text);
  if (ok)
    for (const part of text.split('&'))
      try {
        decodeURIComponent(part.replaceAll('+', ' ')); // an escape that is not UTF-8 would become U+FFFD
      } catch {
        ok = false;
        break;
      }
  if (!ok) throw new ApiError(400, `bad percent-encoding in the ${where}`);
  for (const [k, v] of new URLSearchParams(text)) into.append(k, v);
  return into;
}

const unavailable = (err: unknown) =>
  err instanceof StoreError || /^SQLITE_(BUSY|LOCKED)/.test(String((err as { code?: unknown })?.code ?? ''));

// Apps in a browser may call the API too: it is authenticated by a header, never a cookie, so any
// origin may (as FreshRSS allows).
const CORS = { 'Access-Control-Allow-Origin': '*' };
const PREFLIGHT = {
  ...CORS,
  'Access-Control-Allow-Methods': 'GET, POST',
  'Access-Control-Allow-Headers': 'Authorization, Content-Type',
  'Access-Control-Max-Age': '600',
};

/** multipartParams adds a multipart/form-data body's text fields to params (files are ignored); a malformed one is 400. */
async function multipartParams(body: Buffer, contentType: string, into: URLSearchParams): Promise<void> {
  let form: FormData;
  try {
    form = await new Response(new Uint8Array(body), {
      headers: { 'Content-Type': contentType },
    }).formData();
  } catch {
    throw new ApiError(400, 'malformed multipart/form-data body');
  }
  for (const [k, v] of form) if (typeof v === 'string') into.append(k, v);
}

/** clientAddress is the peer's address; behind a proxy on this machine, the one the proxy says it forwards for. */
function clientAddress(req: http.IncomingMessage): string {
  const peer = req.socket.remoteAddress ?? '';
  const forwarded = req.headers['x-forwarded-for'];
  // Only a proxy on this machine is believed (one elsewhere could be anyone): the last address is the one it added.
  if (forwarded && /^(127\.|::1$|::ffff:127\.)/.test(peer)) return String(forwarded).split(',').at(-1)!.trim() || peer;
  return peer;
}

function readBody(req: http.IncomingMessage, limit: number): Promise<Buffer> {
  const declared = Number(req.headers['content-length'] ?? 0);
  if (declared > limit) return Promise.reject(new ApiError(413, `request body over ${limit} bytes`));
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > limit) {
        // The rest is read and dropped (requestTimeout bounds how long): a connection closed with
        // unread data is reset, and the client could lose the 413 before reading it.
        req.removeAllListeners('data');
        req.resume();
        reject(new ApiError(413, `request body over ${limit} bytes`));
      } else chunks.push(c);
    });
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

/** startServer listens and serves routes below the base path; it resolves once listening. */
export async function startServer(routes: readonly Route[], env: ServeEnv, o: ServerOptions): Promise<RunningServer> {
  const bodyLimit = o.bodyLimit ?? 1 << 20;
  const headersTimeout = o.headersTimeoutMs ?? 20_000;
  const requestTimeout = Math.max(o.requestTimeoutMs ?? 60_000, headersTimeout);
  let closing = false;

  // The API as FreshRSS serves it is at …/api/greader.php: clients told to append that suffix find it here too.
  const prefixes = o.basePath === '' ? [''] : [o.basePath, `${o.basePath}.php`];
  const below = (path: string): string | undefined => {
    for (const p of prefixes) if (path.startsWith(`${p}/`)) return path.slice(p.length);
    return undefined;
  };

  async function answer(req: http.IncomingMessage, remote: string, seen: { user: string; closeAfter: boolean }): Promise<ApiReply> {
    const target = req.url ?? '/';
    const q = target.indexOf('?');
    const path = below(q < 0 ? target : target.slice(0, q));
    if (path === undefined) throw new ApiError(404, 'not found');
    try {
      decodeURIComponent(path);
    } catch {
      throw new ApiError(400, 'bad percent-encoding in the path');
    }
    const method = req.method ?? 'GET';
    if (method === 'OPTIONS') return { status: 204, text: '', headers: PREFLIGHT };
    const { route, captures } = matchRoute(routes, method, path);
    const params = formParams(q < 0 ? '' : target.slice(q + 1), 'query');
    let body: Buffer;
    try {
      body = await readBody(req, bodyLimit);
    } catch (err) {
      seen.closeAfter = true; // the rest of the body is never read: the connection cannot carry another request
      throw err;
    }
    const type = (req.headers['content-type'] ?? '').split(';')[0].trim().toLowerCase();
    // Clients that send a form without saying so (curl's default) are read too; so is a
    // multipart form, which PHP (and so FreshRSS) reads like any other.
    if (type === '' || type === 'application/x-www-form-urlencoded') formParams(body.toString('utf8'), 'body', params);
    else if (type === 'multipart/form-data') await multipartParams(body, req.headers['content-type']!, params);
    let user = '';
    if (route.access !== 'none') {
      const c = await o.auth.userFor(req.headers.authorization);
      if (!c) throw unauthorized();
      if (route.access === 'write' && !o.auth.writeAllowed(c, params.get('T'))) throw unauthorized();
      user = seen.user = c.user;
    }
    const apiReq: ApiRequest = { method: method === 'HEAD' ? 'GET' : method, path, captures, params, user, remote };
    return route.handler(apiReq, env);
  }

  const server = http.createServer(
    {
      headersTimeout,
      requestTimeout,
      // How often Node looks for connections over those limits (30 s by default: too coarse for short limits).
      connectionsCheckingInterval: Math.max(50, Math.min(30_000, Math.floor(headersTimeout / 4))),
      keepAliveTimeout: 5_000,
    },
    (req, res) => {
      const started = performance.now();
      const remote = clientAddress(req);
      const seen = { user: '', closeAfter: false };
      const send = (status: number, body: string | readonly Buffer[], type: string, headers: Record<string, string>) => {
        const bytes = typeof body === 'string' ? Buffer.byteLength(body) : body.reduce((n, b) => n + b.length, 0);
        if (closing || seen.closeAfter) res.shouldKeepAlive = false;
        // RFC 9110 §8.6: a 204 has no Content-Length (nor a body to type).
        res.writeHead(
          status,
          status === 204
            ? { ...CORS, ...headers }
            : { ...CORS, ...headers, 'Content-Type': type, 'Content-Length': bytes, 'Cache-Control': 'no-store' },
        );
        if (typeof body === 'string') res.end(body);
        else {
          // The parts go out in one write (end() uncorks): a cached page is sent without copying it.
          res.cork();
          for (const b of body) res.write(b);
          res.end();
        }
        o.log?.({
          time: new Date().toISOString(),
          remote,
          method: req.method ?? '',
          path: loggedPath(req.url ?? ''),
          status,
          bytes,
          ms: Math.round((performance.now() - started) * 10) / 10,
          user: seen.user,
        });
      };
      const failed = (err: unknown) => {
        o.fault?.(`${req.method} ${loggedPath(req.url ?? '').split('?')[0]}: ${(err as Error)?.message ?? String(err)}`);
        if (res.headersSent) res.destroy();
        // The database out of reach (PostgreSQL down, SQLite locked past its busy timeout): the app may try again.
        else if (unavailable(err)) send(503, 'the database is unavailable; try again later\n', TYPES.text, { 'Retry-After': '5' });
        else send(500, 'internal error\n', TYPES.text, {});
      };
      answer(req, remote, seen)
        .then(
          (r) => {
            if ('json' in r) send(r.status ?? 200, JSON.stringify(r.json), TYPES.json, r.headers ?? {});
            else if ('jsonBytes' in r) send(r.status ?? 200, r.jsonBytes, TYPES.json, r.headers ?? {});
            else if ('xml' in r) send(r.status ?? 200, r.xml, TYPES.xml, r.headers ?? {});
            else send(r.status ?? 200, r.text, TYPES.text, r.headers ?? {});
          },
          (err: unknown) => {
            if (err instanceof ApiError) send(err.status, `${err.message}\n`, TYPES.text, err.headers);
            else failed(err);
          },
        )
        // A reply that cannot be written (a header value a handler got wrong) must not end the process either.
        .catch(failed)
        .catch(() => res.destroy());
    },
  );
  // A socket error (a client resetting mid-request) concerns that client only.
  // Node's own answers to a client too slow (408) or whose headers are too large (431) are kept.
  server.on('clientError', (err: NodeJS.ErrnoException, socket) => {
    if (!socket.writable || err.code === 'ECONNRESET') return void socket.destroy();
    const status =
      err.code === 'ERR_HTTP_REQUEST_TIMEOUT'
        ? '408 Request Timeout'
        : err.code === 'HPE_HEADER_OVERFLOW'
          ? '431 Request Header Fields Too Large'
          : '400 Bad Request';
    socket.end(`HTTP/1.1 ${status}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(o.port, o.host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const a = server.address() as AddressInfo;
  const host = a.family === 'IPv6' ? `[${a.address}]` : a.address;
  return {
    url: `http://${host}:${a.port}${o.basePath}`,
    close: () =>
      new Promise<void>((resolve) => {
        closing = true;
        // Requests in flight are answered; one that is still not after the grace period (a
        // handler stuck on a database that stopped answering) has its connection closed.
        const cut = setTimeout(() => server.closeAllConnections(), o.closeGraceMs ?? 30_000);
        server.close(() => {
          clearTimeout(cut);
          resolve();
        });
        server.closeIdleConnections();
      }),
  };
}
