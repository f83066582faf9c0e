// The fetcher asks its crawl to hold every host it connects to (NetworkGate.borrow), redirect
// targets included, for as long as the request lasts; a host it cannot get in time fails the feed.
import { afterAll, describe, expect, it } from 'vitest';
import { Fetcher } from '../../src/fetch/http.js';
import { feedHost } from '../../src/model.js';
import { rss, startFeedServer, type FeedServer } from '../feed-server.js';

const servers: FeedServer[] = [];
afterAll(async () => {
  for (const s of servers) await s.close();
});

const settings = { userAgent: 'test', timeoutMs: 1000, maxBodyBytes: 1 << 20, concurrency: 4, perHost: 2 };

describe('holding the hosts a request connects to', () => {
  it("holds the feed's host, then the redirect target's, before connecting to each, and lets both go once the request is done", async () => {
    const target = await startFeedServer(
      {
        '/feed': (_q, res) => {
          res.writeHead(200, { 'content-type': 'application/rss+xml' });
          res.end(rss('t', [{ guid: 'g', title: 'x' }]));
        },
      },
      '127.0.0.3',
    );
    const source = await startFeedServer(
      {
        '/old': (_q, res) => {
          res.writeHead(302, { location: `${target.url}/feed` });
          res.end();
        },
      },
      '127.0.0.2',
    );
    servers.push(target, source);
    const log: string[] = [];
    const fetcher = new Fetcher(settings);
    fetcher.useGate({
      enter: () => {},
      leave: () => {
        log.push('leave');
      },
      borrow: async (url) => {
        const h = feedHost(url);
        log.push(`hold ${h} (${target.requests.length + source.requests.length} requests so far)`);
        return () => log.push(`let go ${h}`);
      },
    });
    try {
      const res = await fetcher.fetch(`${source.url}/old`, { etag: null, lastModified: null }, new AbortController().signal);
      expect(res.kind).toBe('ok');
      const [a, b] = [feedHost(source.url), feedHost(target.url)];
      expect(log).toEqual([`hold ${a} (0 requests so far)`, `hold ${b} (1 requests so far)`, `let go ${a}`, `let go ${b}`, 'leave']);
    } finally {
      await fetcher.close();
    }
  });

  it("fails the feed, without connecting, when the redirect target stays held by another crawler past the feed's timeout", async () => {
    const target = await startFeedServer(
      {
        '/feed': (_q, res) => {
          res.writeHead(200);
          res.end('x');
        },
      },
      '127.0.0.3',
    );
    const source = await startFeedServer(
      {
        '/old': (_q, res) => {
          res.writeHead(302, { location: `${target.url}/feed` });
          res.end();
        },
      },
      '127.0.0.2',
    );
    servers.push(target, source);
    const fetcher = new Fetcher(settings);
    const busy = feedHost(target.url);
    fetcher.useGate({
      enter: () => {},
      leave: () => {},
      borrow: (url, signal) =>
        new Promise((resolve, reject) => {
          if (feedHost(url) !== busy) return resolve(() => {});
          signal.addEventListener('abort', () => reject(signal.reason), { once: true });
        }),
    });
    try {
      const res = await fetcher.fetch(`${source.url}/old`, { etag: null, lastModified: null }, new AbortController().signal);
      expect(res).toMatchObject({
        kind: 'failed',
        status: null,
        error: `timed out after 1 s waiting for ${busy}, which another crawler is crawling`,
      });
      expect(target.requests).toHaveLength(0);
    } finally {
      await fetcher.close();
    }
  });
});
