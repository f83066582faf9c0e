import http from 'node:http';
import type { AddressInfo } from 'node:net';

/** SeenRequest is what the client sent, recorded for assertions. */
export interface SeenRequest {
  method: string;
  path: string;
  headers: http.IncomingHttpHeaders;
}

/** Route answers one path; it may write anything, including nothing (a hang). */
export type Route = (req: http.IncomingMessage, res: http.ServerResponse) => void;

/** FeedServer is a local HTTP server on 127.0.0.x that records requests and open sockets. */
export interface FeedServer {
  url: string;
  requests: SeenRequest[];
  hits(path: string): number;
  connectionsHighWater: number;
  route(path: string, r: Route): void;
  close(): Promise<void>;
}

/** startFeedServer listens on a loopback address and port 0 with the given routes. */
export async function startFeedServer(routes: Record<string, Route> = {}, host = '127.0.0.1'): Promise<FeedServer> {
  const table = new Map(Object.entries(routes));
  const requests: SeenRequest[] = [];
  const sockets = new Set<import('node:net').Socket>();
  let hw = 0;
  const server = http.createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0];
    requests.push({ method: req.method ?? '', path, headers: req.headers });
    const r = table.get(path);
    if (r) r(req, res);
    else {
      res.writeHead(404, { 'content-type': 'text/plain' });
      res.end('not found');
    }
  });
  server.on('connection', (s) => {
    sockets.add(s);
    hw = Math.max(hw, sockets.size);
    s.on('close', () => sockets.delete(s));
  });
  await new Promise<void>((resolve) => server.listen(0, host, resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://${host}:${port}`,
    requests,
    hits: (p) => requests.filter((r) => r.path === p).length,
    get connectionsHighWater() {
      return hw;
    },
    route: (p, r) => {
      table.set(p, r);
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}

/** rss builds a small RSS 2.0 document. */
export function rss(
  title: string,
  items: { guid?: string; title: string; link?: string; date?: string; description?: string }[],
  extra = '',
): string {
  return (
    `<?xml version="1.0" encoding="UTF-8"?>\n<rss version="2.0"><channel><title>${title}</title><link>http://example.com/</link>${extra}\n` +
    items
      .map(
        (i) =>
          `<item>${i.guid ? `<guid>${i.guid}</guid>` : ''}<title>${i.title}</title>${i.link ? `<link>${i.link}</link>` : ''}` +
          `${i.date ? `<pubDate>${i.date}</pubDate>` : ''}${i.description ? `<description>${i.description}</description>` : ''}</item>`,
      )
      .join('\n') +
    '\n</channel></rss>\n'
  );
}

/** serve answers with a fixed status, headers and body. */
export const serve =
  (status: number, body: string | Buffer, headers: Record<string, string> = {}): Route =>
  (_req, res) => {
    res.writeHead(status, { 'content-type': 'application/rss+xml', ...headers });
    res.end(body);
  };
