import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { Fetcher, type FetchSettings } from '../../src/fetch/http.js';
import { rss } from '../feed-server.js';

const settings: FetchSettings = { userAgent: 'Inkzee/test', timeoutMs: 5000, maxBodyBytes: 1 << 20, concurrency: 2, perHost: 1 };
const none = { etag: null, lastModified: null };
const signal = new AbortController().signal;

let server: http.Server | null = null;
let fetcher: Fetcher | null = null;
afterEach(async () => {
  await fetcher?.close();
  server?.closeAllConnections();
  await new Promise((resolve) => (server ? server.close(resolve) : resolve(null)));
  server = fetcher = null;
});

/**
 * A keep-alive server whose idle timeout races the client: it answers the first request of a
 * connection and closes the connection when a later request arrives on it, as a server does that
 * closes an idle socket at the moment the client reuses it. `requests` counts what reached it.
 */
async function racingServer(close: 'destroy' | 'end') {
  const seen = { requests: 0, connections: 0 };
  const perSocket = new WeakMap<object, number>();
  server = http.createServer((req, res) => {
    seen.requests++;
    const n = (perSocket.get(req.socket) ?? 0) + 1;
    perSocket.set(req.socket, n);
    if (n > 1) {
      if (close === 'destroy') req.socket.destroy();
      else req.socket.end();
      return;
    }
    res.writeHead(200, { 'content-type': 'application/rss+xml' });
    res.end(rss('T', [{ guid: 'a', title: 'A' }]));
  });
  server.keepAliveTimeout = 60_000;
  server.on('connection', () => {
    seen.connections++;
  });
  await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/feed`, seen };
}

describe('Fetcher on a kept-alive connection the server has just closed', () => {
  it.each(['destroy', 'end'] as const)('sends the GET again once on a new connection (server %ss the socket)', async (close) => {
    const { url, seen } = await racingServer(close);
    fetcher = new Fetcher(settings, {});
    expect(await fetcher.fetch(url, none, signal)).toMatchObject({ kind: 'ok', status: 200 });
    // the second fetch reuses the idle socket, which the server closes instead of answering
    expect(await fetcher.fetch(url, none, signal)).toMatchObject({ kind: 'ok', status: 200 });
    expect(seen).toEqual({ requests: 3, connections: 2 });
  });

  it('reports a server that resets every connection as a failure after one retry, not a loop', async () => {
    let requests = 0;
    server = http.createServer((req) => {
      requests++;
      req.socket.destroy();
    });
    await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
    fetcher = new Fetcher(settings, {});
    const out = await fetcher.fetch(`http://127.0.0.1:${(server.address() as AddressInfo).port}/feed`, none, signal);
    expect(out).toMatchObject({ kind: 'failed', error: 'connection reset by server' });
    expect(requests).toBe(2);
  });
});
