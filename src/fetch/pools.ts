import type net from 'node:net';
import { Client, type Dispatcher, type buildConnector } from 'undici';
import { guardedConnector, type DenyRule } from './networks.js';

/** How long a half-closed socket waits for the server's FIN (a starved local server can take 100s of ms) before it is destroyed. */
const FIN_WAIT_MS = 2_000;
/** How long a socket closed without the server's FIN still counts: its FIN or RST is on its way. */
const CLOSE_GRACE_MS = 25;

/** One keep-alive connection: an undici Client with at most one socket. */
interface Conn {
  client: Client;
  origin: string;
  busy: boolean;
  socket: net.Socket | null;
  lastUsed: number;
  /** Closes the open socket gracefully (its slot counts until the server has seen the close). */
  closeSocket: (() => void) | null;
}

/** Lease is one request's hold on a connection; release it once the response body is consumed. */
export interface Lease {
  dispatcher: Dispatcher;
  release(): void;
}

/** HostPoolOptions are the limits and the name lookup of the connections. */
export interface HostPoolOptions {
  /** Sockets open at once across all origins, counting those still closing. */
  budget: number;
  /** Sockets open at once to one origin, counting those still closing. */
  perHost: number;
  connectTimeoutMs: number;
  /** A `net.connect` lookup function (the crawl's DNS cache); the system's when absent. */
  lookup?: net.LookupFunction;
  /** Refuses connections to the addresses it names a reason for (see `networks.ts`); none when absent. */
  isDenied?: DenyRule | null;
}

/**
 * HostPools keeps at most `perHost` keep-alive sockets per origin and at most `budget` in all,
 * counting a socket until the server has seen it close, so the server never counts more either.
 * A request reuses an idle connection of its origin; a new socket takes a free slot, else the
 * least recently used idle connection is closed for it. Closing is a half-close that the server
 * answers with its own FIN (about a millisecond on loopback, a round trip elsewhere), and while the
 * budget is full an idle connection whose origin has no feed coming up (see `expect`) is closed as
 * soon as it is released, so that wait overlaps the work in between instead of delaying the next
 * request.
 */
export class HostPools {
  private readonly origins = new Map<string, Conn[]>();
  private readonly originWaiters = new Map<string, (() => void)[]>();
  /** Sockets (open, opening or closing) per origin. */
  private readonly originSlots = new Map<string, number>();
  /** Feeds announced by the crawl and not yet started, per origin. */
  private readonly upcoming = new Map<string, number>();
  private readonly retiring = new Set<Conn>();
  private readonly connector: buildConnector.connector;
  private readonly slotWaiters: { origin: string; go: () => void }[] = [];
  /** Sockets open, opening, or closing until the server has seen it. */
  private slots = 0;
  /** Slots that will free without anything more being closed. */
  private freeing = 0;
  /** Pending timers: they keep the process alive while a connection waits on them; close clears them. */
  private readonly timers = new Set<NodeJS.Timeout>();
  /** The most sockets ever open at once (for tests and the benchmark). */
  highWater = 0;

  constructor(private readonly o: HostPoolOptions) {
    // buildConnector hands its options on to net.connect, lookup included.
    this.connector = guardedConnector({ timeout: o.connectTimeoutMs, lookup: o.lookup }, o.isDenied ?? null);
  }

  /** expect notes that a request to the origin is coming (`starting` = it starts now). */
  expect(origin: string, starting = false): void {
    const n = (this.upcoming.get(origin) ?? 0) + (starting ? -1 : 1);
    if (n > 0) this.upcoming.set(origin, n);
    else this.upcoming.delete(origin);
  }

  /** acquire leases a connection to the origin, waiting only if all its connections are busy. */
  async acquire(origin: string, signal: AbortSignal): Promise<Lease> {
    for (;;) {
      const conns = this.origins.get(origin) ?? [];
      let pick: Conn | null = null;
      for (const c of conns) {
        if (c.busy) continue;
        // An open socket beats a closed one; among open ones, the most recently used.
        if (!pick || (c.socket && !pick.socket) || (!!c.socket === !!pick.socket && c.lastUsed > pick.lastUsed)) pick = c;
      }
      if (pick) return this.lease(pick);
      if (conns.length < Math.min(this.o.perHost, this.o.budget)) {
        const conn = this.create(origin);
        this.origins.set(origin, [...conns, conn]);
        return this.lease(conn);
      }
      // Only a redirect or autodiscovery into another busy host gets here: wait for a connection.
      signal.throwIfAborted();
      await new Promise<void>((resolve, reject) => {
        const list = this.originWaiters.get(origin) ?? [];
        const wake = () => {
          signal.removeEventListener('abort', stop);
          resolve();
        };
        const stop = () => {
          list.splice(list.indexOf(wake) >>> 0, 1);
          reject(signal.reason);
        };
        list.push(wake);
        this.originWaiters.set(origin, list);
        signal.addEventListener('abort', stop, { once: true });
      });
    }
  }

  private lease(conn: Conn): Lease {
    conn.busy = true;
    let done = false;
    return {
      dispatcher: conn.client,
      release: () => {
        if (done) return;
        done = true;
        conn.busy = false;
        conn.lastUsed = performance.now();
        const waiter = this.originWaiters.get(conn.origin)?.shift();
        if (waiter) return waiter();
        if (this.slotWaiters.length) this.reclaim();
        // The budget is full: free a slot now for the next new origin, if an idle socket has no feed coming.
        else if (this.slots - this.freeing >= this.o.budget) this.retireIdle(false);
      },
    };
  }

  private create(origin: string): Conn {
    const conn: Conn = { client: undefined as unknown as Client, origin, busy: false, socket: null, lastUsed: 0, closeSocket: null };
    conn.client = new Client(origin, {
      connect: (opts, cb) => this.connect(conn, opts, cb),
      pipelining: 1,
      keepAliveTimeout: 4_000,
      keepAliveMaxTimeout: 30_000,
    });
    return conn;
  }

  private connect(conn: Conn, opts: buildConnector.Options, cb: buildConnector.Callback): void {
    const origin = conn.origin;
    const go = () => {
      this.slots++;
      this.originSlots.set(origin, (this.originSlots.get(origin) ?? 0) + 1);
      this.highWater = Math.max(this.highWater, this.slots);
      let closing = false,
        freed = false,
        peerEnded = false,
        retiredAt = 0;
      const startClosing = () => {
        if (closing || freed) return;
        closing = true;
        this.freeing++;
      };
      const free = () => {
        if (freed) return;
        freed = true;
        if (closing) this.freeing--;
        this.slots--;
        const left = this.originSlots.get(origin)! - 1;
        if (left) this.originSlots.set(origin, left);
        else this.originSlots.delete(origin);
        this.wake();
      };
      this.connector(opts, (err, socket) => {
        if (err || !socket) {
          free();
          return cb(err ?? new Error('connect failed'), null);
        }
        const s = socket;
        let finWait: NodeJS.Timeout | null = null;
        conn.socket = s;
        s.once('end', () => {
          peerEnded = true;
        });
        s.once('close', () => {
          if (conn.socket === s) {
            conn.socket = null;
            conn.closeSocket = null;
          }
          startClosing();
          // The server's FIN means it has seen the close; otherwise ours is still on its way.
          if (finWait) this.clear(finWait);
          if (peerEnded || retiredAt) free();
          else this.later(free, CLOSE_GRACE_MS);
          if (this.retiring.delete(conn)) void conn.client.destroy().catch(() => {});
        });
        conn.closeSocket = () => {
          startClosing();
          retiredAt = performance.now();
          s.end(); // half-close: an idle keep-alive server answers with its FIN at once
          finWait = this.later(() => s.destroy(), FIN_WAIT_MS);
        };
        cb(null, socket);
      });
    };
    if (this.slots < this.o.budget && (this.originSlots.get(origin) ?? 0) < this.o.perHost) return go();
    this.slotWaiters.push({ origin, go });
    this.reclaim();
  }

  private later(fn: () => void, ms: number): NodeJS.Timeout {
    const t = setTimeout(() => {
      this.timers.delete(t);
      fn();
    }, ms);
    this.timers.add(t);
    return t;
  }

  private clear(t: NodeJS.Timeout): void {
    clearTimeout(t);
    this.timers.delete(t);
  }

  /** wake starts the waiting connections that now have a slot, in arrival order. */
  private wake(): void {
    for (let k = 0; k < this.slotWaiters.length && this.slots < this.o.budget; k++) {
      const w = this.slotWaiters[k];
      if ((this.originSlots.get(w.origin) ?? 0) >= this.o.perHost) continue; // its origin's old socket is still closing
      this.slotWaiters.splice(k--, 1);
      w.go();
    }
    if (this.slotWaiters.length) this.reclaim();
  }

  /** reclaim closes idle connections until every waiting socket has a slot coming. */
  private reclaim(): void {
    while (this.slotWaiters.length > this.freeing + (this.o.budget - this.slots)) {
      if (!this.retireIdle(true)) return; // every socket is busy or closing: a release or a close calls again
    }
  }

  /**
   * retireIdle closes the least recently used idle connection whose origin has no feed coming up,
   * else (with `evenIfExpected`) the least recently used idle one; false when there is none.
   */
  private retireIdle(evenIfExpected: boolean): boolean {
    let pick: Conn | null = null;
    let pickExpected = true;
    for (const conns of this.origins.values()) {
      for (const c of conns) {
        if (c.busy || !c.socket) continue;
        const expected = this.upcoming.has(c.origin);
        if (expected && !evenIfExpected) continue;
        if (!pick || (pickExpected && !expected) || (pickExpected === expected && c.lastUsed < pick.lastUsed)) {
          pick = c;
          pickExpected = expected;
        }
      }
    }
    if (pick) this.retire(pick);
    return pick !== null;
  }

  private retire(conn: Conn): void {
    const conns = this.origins.get(conn.origin)!.filter((c) => c !== conn);
    if (conns.length) this.origins.set(conn.origin, conns);
    else this.origins.delete(conn.origin);
    if (conn.closeSocket) {
      this.retiring.add(conn);
      conn.closeSocket();
    } else void conn.client.destroy().catch(() => {});
  }

  /** close shuts every connection down. */
  async close(): Promise<void> {
    const all = [...[...this.origins.values()].flat(), ...this.retiring];
    this.origins.clear();
    this.retiring.clear();
    this.slotWaiters.length = 0;
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
    await Promise.all(all.map((c) => c.client.destroy().catch(() => {})));
  }
}
