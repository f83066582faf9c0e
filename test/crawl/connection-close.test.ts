import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cli, tempDir } from '../helpers.js';
import { rss } from '../feed-server.js';

// Servers that answer in HTTP/1.0 and close the connection after every response (as Python's
// http.server does) free the crawler's sockets from their side; every feed must still be crawled,
// and the run must end with its summary (an earlier build lost track of such sockets, its event
// loop ran dry and the process exited 0 after three feeds).
const FEEDS = 40;
let server: net.Server;
let base = '';

beforeAll(async () => {
  server = net.createServer((socket) => {
    let head = '';
    socket.on('data', (chunk) => {
      head += chunk.toString('latin1');
      if (!head.includes('\r\n\r\n')) return;
      const n = /GET \/f(\d+)\.xml/.exec(head)?.[1] ?? 'x';
      const body = rss(`Feed ${n}`, [{ guid: `g${n}`, title: `Item of feed ${n}` }]);
      socket.write(`HTTP/1.0 200 OK\r\nContent-Type: application/rss+xml\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n`);
      setTimeout(() => socket.end(body), 5);
    });
    socket.on('error', () => {});
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

describe('a crawl against an HTTP/1.0 server that closes every connection', () => {
  it('crawls every feed and ends the run with its summary', async () => {
    const dir = tempDir();
    const opml = path.join(dir, 'list.opml');
    fs.writeFileSync(
      opml,
      `<opml version="2.0"><body>${Array.from({ length: FEEDS }, (_, i) => `<outline xmlUrl="${base}/f${i}.xml"/>`).join('')}</body></opml>`,
    );
    const db = path.join(dir, 'db.sqlite');
    const r = await cli(['--db', db, '--json', 'import', opml]);
    expect(r.code).toBe(0);
    const lines = r.stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { type: string; outcome?: string; feeds?: number });
    expect(lines.filter((l) => l.type === 'feed' && l.outcome === 'updated')).toHaveLength(FEEDS);
    expect(lines.at(-1)).toMatchObject({ type: 'summary', feeds: FEEDS });
    const again = await cli(['--db', db, '--json', 'refresh', '--force']);
    expect(again.stdout.trim().split('\n').at(-1)).toContain(`"feeds":${FEEDS}`);
  });
});
