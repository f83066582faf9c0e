import pLimit from 'p-limit';
import type { Feed } from '../model.js';

/** PoolSettings bound the crawl: total requests in flight, and per host. */
export interface PoolSettings {
  concurrency: number;
  perHost: number;
  signal: AbortSignal;
}

const hostOf = (url: string) => {
  try { return new URL(url).host; } catch { return url; }
};

/**
 * crawlAll runs `work` for every feed under a p-limit pool of `concurrency` workers fed from one
 * queue in subscription order. A worker takes the first queued feed whose host has fewer than
 * `perHost` requests in flight, so a big host is never hammered and never blocks the others.
 * Once the signal aborts, no new feed is started.
 */
export async function crawlAll<R>(feeds: readonly Feed[], s: PoolSettings, work: (feed: Feed) => Promise<R>, onResult: (r: R) => void): Promise<void> {
  const queue = [...feeds];
  const active = new Map<string, number>();
  let wake: (() => void) | null = null;
  let changed: Promise<void> = new Promise((r) => (wake = r));
  const signalChange = () => {
    const w = wake;
    changed = new Promise((r) => (wake = r));
    w?.();
  };
  s.signal.addEventListener('abort', signalChange, { once: true });

  async function next(): Promise<Feed | null> {
    for (;;) {
      if (s.signal.aborted || queue.length === 0) return null;
      const k = queue.findIndex((f) => (active.get(hostOf(f.url)) ?? 0) < s.perHost);
      if (k >= 0) return queue.splice(k, 1)[0];
      await changed; // every remaining feed's host is busy: wait for a slot to free
    }
  }

  const limit = pLimit(s.concurrency);
  await Promise.all(feeds.map(() => limit(async () => {
    const feed = await next();
    if (!feed) return;
    const host = hostOf(feed.url);
    active.set(host, (active.get(host) ?? 0) + 1);
    try {
      onResult(await work(feed));
    } finally {
      active.set(host, (active.get(host) ?? 1) - 1);
      signalChange();
    }
  })));
  s.signal.removeEventListener('abort', signalChange);
}
