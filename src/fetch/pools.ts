import type net from 'node:net';
import { buildConnector, Pool, type Dispatcher } from 'undici';

const RELEASE_GRACE_MS = 25;

interface HostPool {
  pool: Pool;
  /** Requests in flight on this pool. */
  inflight: number;
  /** Sockets this pool has open (or opening). */
  sockets: number;
}

/**
 * HostPools hands out one keep-alive connection pool per origin and keeps the total number of
 * open sockets, across all origins, at or below a budget (the crawl's concurrency). Requests in
 * flight never exceed the budget, so when a new socket is needed and the budget is spent, some
 * socket is idle: a pool with nothing in flight is destroyed, and a busy pool holding more sockets
 * than requests is retired (destroyed as soon as its requests finish) and replaced.
 */
export class HostPools {
  private readonly pools = new Map<string, HostPool>();
  private readonly retired = new Map<Dispatcher, HostPool>();
  private open = 0;
  private readonly waiters: (() => void)[] = [];
  private readonly connector: buildConnector.connector;
  private recheck: NodeJS.Timeout | null = null;
  /** The most sockets ever open at once (for tests and the benchmark). */
  highWater = 0;

  constructor(private readonly budget: number, private readonly perHost: number, connectTimeoutMs: number) {
    this.connector = buildConnector({ timeout: connectTimeoutMs });
  }

  /** acquire returns the pool for an origin and counts a request in flight on it. */
  acquire(origin: string): Dispatcher {
    let hp = this.pools.get(origin);
    if (!hp) {
      const fresh: HostPool = { pool: undefined as unknown as Pool, inflight: 0, sockets: 0 };
      fresh.pool = new Pool(origin, {
        connections: Math.min(this.perHost, this.budget),
        connect: (opts, cb) => this.connect(fresh, opts, cb),
        keepAliveTimeout: 4_000,
        keepAliveMaxTimeout: 30_000,
      });
      hp = fresh;
      this.pools.set(origin, hp);
    }
    hp.inflight++;
    return hp.pool;
  }

  /** release marks a request on the origin as finished. */
  release(origin: string, pool: Dispatcher): void {
    const current = this.pools.get(origin);
    const hp = current?.pool === pool ? current : this.retired.get(pool);
    if (!hp) return;
    hp.inflight--;
    if (this.retired.has(pool) && hp.inflight === 0) {
      this.retired.delete(pool);
      void hp.pool.destroy().catch(() => {});
    }
    if (this.waiters.length) this.reclaim();
  }

  private connect(hp: HostPool, opts: buildConnector.Options, cb: buildConnector.Callback): void {
    const go = () => {
      this.open++;
      hp.sockets++;
      this.highWater = Math.max(this.highWater, this.open);
      let counted = true;
      const done = () => {
        if (!counted) return;
        counted = false;
        hp.sockets--;
        // Give the server a moment to see the close (our FIN or RST is still in flight) before the
        // slot opens a new socket, so that the server never counts more than the budget either.
        setTimeout(() => { this.open--; this.wakeOne(); }, RELEASE_GRACE_MS);
      };
      this.connector(opts, (err, socket) => {
        if (err || !socket) { done(); return cb(err ?? new Error('connect failed'), null); }
        (socket as net.Socket).once('close', done);
        cb(null, socket);
      });
    };
    if (this.open < this.budget) return go();
    this.waiters.push(go);
    this.reclaim();
  }

  private wakeOne(): void {
    if (this.waiters.length && this.open < this.budget) this.waiters.shift()!();
  }

  /** reclaim frees idle sockets so that waiting connections can open. */
  private reclaim(): void {
    for (const [origin, hp] of this.pools) {
      if (hp.sockets <= hp.inflight) continue; // every socket of this pool is (about to be) busy
      this.pools.delete(origin);
      if (hp.inflight === 0) void hp.pool.destroy().catch(() => {});
      else this.retired.set(hp.pool, hp);
    }
    // A request's bookkeeping can trail its socket by a tick: look again shortly while anyone waits.
    if (this.waiters.length && !this.recheck) {
      this.recheck = setTimeout(() => { this.recheck = null; if (this.waiters.length) this.reclaim(); }, 25);
    }
  }

  /** close shuts every pool down. */
  async close(): Promise<void> {
    if (this.recheck) clearTimeout(this.recheck);
    const all = [...this.pools.values(), ...this.retired.values()].map((hp) => hp.pool.destroy().catch(() => {}));
    this.pools.clear();
    this.retired.clear();
    await Promise.all(all);
  }
}
