import net from 'node:net';
import { request, EnvHttpProxyAgent, type Dispatcher } from 'undici';
import { HostPools, type Lease } from './pools.js';
import { BodyTooLarge, readBody } from './body.js';
import { dnsServersFrom, HostResolver } from './dns.js';
import { guardedConnector, PrivateNetworkRefused, privateNetworkRule, type DenyRule } from './networks.js';

/** FetchSettings are the crawl-wide HTTP settings. */
export interface FetchSettings {
  userAgent: string;
  /** Total time allowed for one feed, redirects and body included (ms). */
  timeoutMs: number;
  /** Largest decoded body accepted (bytes). */
  maxBodyBytes: number;
  concurrency: number;
  perHost: number;
  /** Refuse to connect to loopback, private, link-local and other special-purpose addresses (default false). */
  denyPrivateNetworks?: boolean;
  /** The rule used when denying (default `privateNetworkRule`); tests, whose servers are all on loopback, replace it. */
  isDenied?: DenyRule;
}

/** Validators are the stored conditional-GET headers of a feed (RFC 9110 §13.1). */
export interface Validators {
  etag: string | null;
  lastModified: string | null;
}

/** FetchOutcome is how a feed request ended; failures are values, not exceptions. */
export type FetchOutcome =
  | {
      kind: 'ok';
      url: string;
      status: number;
      body: Buffer;
      contentType: string;
      etag: string | null;
      lastModified: string | null;
      /** The final URL when every redirect was permanent (301/308): the subscription should move there. */
      movedTo: string | null;
      /** Content-Location and Content-Language as sent (the parser's base URI and fallback language). */
      contentLocation: string | null;
      contentLanguage: string | null;
    }
  | { kind: 'not-modified'; url: string; etag: string | null; lastModified: string | null; movedTo: string | null }
  | { kind: 'failed'; url: string; status: number | null; error: string; retryAfterSec: number | null; gone: boolean };

const MAX_REDIRECTS = 5;
const ACCEPT =
  'application/rss+xml, application/atom+xml, application/feed+json, application/json;q=0.9, application/xml;q=0.9, text/xml;q=0.8, */*;q=0.5';

/** retryAfterSeconds reads Retry-After as seconds or an HTTP date (RFC 9110 §10.2.3). */
export function retryAfterSeconds(value: string | undefined, now = Date.now()): number | null {
  if (!value) return null;
  if (/^\d+$/.test(value.trim())) return Number(value.trim());
  const at = Date.parse(value);
  return Number.isFinite(at) ? Math.max(0, Math.round((at - now) / 1000)) : null;
}

const header = (h: Record<string, string | string[] | undefined>, name: string) => {
  const v = h[name];
  return Array.isArray(v) ? v.join(', ') : v;
};

function describe(err: unknown, timeoutMs: number): string {
  const e = err as { code?: string; name?: string; message?: string; cause?: { code?: string; message?: string } };
  const code = e.code ?? e.cause?.code;
  if (e.name === 'TimeoutError' || code === 'UND_ERR_HEADERS_TIMEOUT' || code === 'UND_ERR_BODY_TIMEOUT')
    return `timed out after ${timeoutMs / 1000} s`;
  if (code === 'UND_ERR_CONNECT_TIMEOUT') return 'connect timed out';
  if (code === 'ENOTFOUND' || code === 'EAI_AGAIN') return 'host not found';
  if (code === 'ECONNREFUSED') return 'connection refused';
  if (code === 'ECONNRESET' || code === 'UND_ERR_SOCKET') return 'connection reset by server';
  if (err instanceof BodyTooLarge) return `response too large (over ${err.limit} bytes after decoding)`;
  const refusal = [err, e.cause].find((x) => x instanceof PrivateNetworkRefused);
  if (refusal) return refusedText((refusal as Error).message);
  if (e.name === 'AbortError') return 'aborted';
  return e.message ?? String(err);
}

const refusedText = (reason: string) => `refused: ${reason} (private networks are denied; --allow-private-networks permits them)`;

/** closedUnder tells a connection the server closed or reset under a request from other failures. */
function closedUnder(err: unknown): boolean {
  const e = err as { code?: string; cause?: { code?: string } };
  const code = e.code ?? e.cause?.code;
  return code === 'ECONNRESET' || code === 'EPIPE' || code === 'UND_ERR_SOCKET';
}

/** NetworkGate lends the crawl's network slots: `enter` before a feed request, `leave` once it is done. */
export interface NetworkGate {
  enter(url: string): Promise<void> | void;
  leave(url: string): void;
  /**
   * borrow, if set, is asked before each connection of a request (every hop: redirect targets
   * too) for the host of its URL, and resolves to a release called once the request is done; it
   * rejects when `signal` (the request's deadline) aborts first. Crawlers sharing a store lease
   * the host this way, so the per-host limit holds for the host actually connected to.
   */
  borrow?(url: string, signal: AbortSignal): Promise<() => void>;
}

/** Reach holds the host of a URL before a hop connects there (see NetworkGate.borrow). */
type Reach = ((url: string, deadline: AbortSignal) => Promise<void>) | null;

/**
 * deadlineFor is one request's signal: aborted by the crawl's signal (with its reason) or, after
 * `ms`, with a TimeoutError, as AbortSignal.any([signal, AbortSignal.timeout(ms)]) would be, at a
 * third of its CPU per request (one controller and one timer); `done` drops the timer and listener.
 */
function deadlineFor(signal: AbortSignal, ms: number): { signal: AbortSignal; done: () => void } {
  const c = new AbortController();
  const onAbort = () => c.abort(signal.reason);
  if (signal.aborted) onAbort();
  else signal.addEventListener('abort', onAbort, { once: true });
  const timer = setTimeout(() => c.abort(new DOMException('The operation was aborted due to timeout', 'TimeoutError')), ms);
  timer.unref(); // as AbortSignal.timeout's: a pending deadline alone does not keep the process running
  return {
    signal: c.signal,
    done: () => {
      clearTimeout(timer);
      signal.removeEventListener('abort', onAbort);
    },
  };
}

/** Resolves when the signal aborts (never rejects), to race against a lookup. */
const aborted = (signal: AbortSignal) =>
  new Promise<null>((resolve) => {
    if (signal.aborted) resolve(null);
    else signal.addEventListener('abort', () => resolve(null), { once: true });
  });

/**
 * Fetcher performs conditional GETs over bounded per-host keep-alive pools, following at most
 * five redirects itself (to tell 301/308 from 302/307 and to refuse non-http(s) targets). Host
 * names go through the crawl's own resolver (`dns.ts`), except behind a proxy, which resolves them.
 * With `denyPrivateNetworks`, every connection (first request, redirect hop, discovered feed) is
 * checked on the address it is about to use (`networks.ts`), and a refusal is a failed outcome.
 */
export class Fetcher {
  private readonly pools: HostPools;
  private readonly proxy: EnvHttpProxyAgent | null;
  /** The crawl's DNS cache; null behind a proxy. */
  readonly resolver: HostResolver | null;
  /** The crawl's network slots, when a pool lends them. */
  private gate: NetworkGate | null = null;
  private readonly isDenied: DenyRule | null;

  constructor(
    private readonly s: FetchSettings,
    env: NodeJS.ProcessEnv = process.env,
  ) {
    const httpProxy = env.HTTP_PROXY || env.http_proxy;
    const httpsProxy = env.HTTPS_PROXY || env.https_proxy;
    const connectTimeoutMs = Math.min(10_000, s.timeoutMs);
    this.isDenied = s.denyPrivateNetworks ? (s.isDenied ?? privateNetworkRule) : null;
    // Behind a proxy, the proxy resolves the names of proxied URLs, so the private-network check
    // can only see their IP literals (checked before sending, below); hosts in NO_PROXY are
    // connected to directly, through the same guarded connector as without a proxy.
    this.proxy =
      httpProxy || httpsProxy
        ? new EnvHttpProxyAgent({
            httpProxy,
            httpsProxy,
            noProxy: env.NO_PROXY ?? env.no_proxy,
            connections: s.concurrency,
            ...(this.isDenied && { connect: guardedConnector({ timeout: connectTimeoutMs }, this.isDenied) }),
          })
        : null;
    this.resolver = this.proxy ? null : new HostResolver({ servers: dnsServersFrom(env.INKZEE_DNS_SERVERS) });
    this.pools = new HostPools({
      budget: s.concurrency,
      perHost: s.perHost,
      connectTimeoutMs,
      lookup: this.resolver?.lookup,
      isDenied: this.isDenied,
    });
  }

  /** ahead starts resolving the host of a feed the crawl will fetch soon, so lookups overlap fetches. */
  ahead(url: string): void {
    if (this.proxy) return;
    let u: URL;
    try {
      u = new URL(url);
    } catch {
      return;
    } // a bad URL fails when fetched
    this.pools.expect(u.origin);
    this.resolver?.ahead(u.hostname);
  }

  /** useGate makes every fetch take a slot from the crawl's pool, or stops that (null). */
  useGate(gate: NetworkGate | null): void {
    this.gate = gate;
  }

  /** socketHighWater is the most sockets the fetcher ever held open at once. */
  get socketHighWater(): number {
    return this.pools.highWater;
  }

  /** fetch GETs a feed URL with its validators; never throws for network or HTTP trouble. */
  async fetch(startUrl: string, v: Validators, signal: AbortSignal): Promise<FetchOutcome> {
    const gate = this.gate;
    if (!gate) return this.fetchHops(startUrl, v, signal, null);
    await gate.enter(startUrl);
    const held: (() => void)[] = [];
    const reach: Reach = gate.borrow
      ? async (url, deadline) => {
          held.push(await gate.borrow!(url, deadline));
        }
      : null;
    try {
      return await this.fetchHops(startUrl, v, signal, reach);
    } finally {
      for (const release of held) release();
      gate.leave(startUrl);
    }
  }

  private async fetchHops(startUrl: string, v: Validators, signal: AbortSignal, reach: Reach): Promise<FetchOutcome> {
    const d = deadlineFor(signal, this.s.timeoutMs);
    try {
      return await this.hops(startUrl, v, signal, d.signal, reach);
    } finally {
      d.done();
    }
  }

  private async hops(startUrl: string, v: Validators, signal: AbortSignal, deadline: AbortSignal, reach: Reach): Promise<FetchOutcome> {
    const seen = new Set<string>();
    let url = startUrl;
    let permanent = true;
    let resent = false;
    try {
      this.pools.expect(new URL(startUrl).origin, true);
    } catch {
      /* refused below */
    }
    for (let hop = 0; ; hop++) {
      const u = new URL(url);
      if (u.protocol !== 'http:' && u.protocol !== 'https:') {
        return {
          kind: 'failed',
          url,
          status: null,
          error: `refused to follow a redirect to ${u.protocol} URL`,
          retryAfterSec: null,
          gone: false,
        };
      }
      seen.add(url);
      // An IP literal is refused before anything else; a name is checked by the connector, on the address it connects to.
      const ip = u.hostname.replace(/^\[|\]$/g, '');
      const why = this.isDenied && net.isIP(ip) ? this.isDenied(ip, net.isIPv6(ip) ? 6 : 4) : null;
      if (why) return { kind: 'failed', url, status: null, error: refusedText(why), retryAfterSec: null, gone: false };
      const headers: Record<string, string> = { 'user-agent': this.s.userAgent, accept: ACCEPT, 'accept-encoding': 'gzip, deflate, br' };
      if (v.etag) headers['if-none-match'] = v.etag;
      if (v.lastModified) headers['if-modified-since'] = v.lastModified;
      if (reach) {
        // Another crawler may hold the host: wait for it within the feed's time; a store that cannot
        // answer fails the feed with its reason.
        const why = await reach(url, deadline).then(
          () => null,
          (err: unknown) => err,
        );
        if (why !== null) {
          const error = signal.aborted
            ? describe(signal.reason, this.s.timeoutMs)
            : deadline.aborted
              ? `timed out after ${this.s.timeoutMs / 1000} s waiting for ${u.host}, which another crawler is crawling`
              : `cannot hold ${u.host}: ${(why as Error)?.message ?? why}`;
          return { kind: 'failed', url, status: null, error, retryAfterSec: null, gone: false };
        }
      }
      if (this.resolver) {
        const found = await Promise.race([this.resolver.resolve(u.hostname, true), aborted(deadline)]);
        if (!found)
          return {
            kind: 'failed',
            url,
            status: null,
            error: describe(signal.aborted ? signal.reason : deadline.reason, this.s.timeoutMs),
            retryAfterSec: null,
            gone: false,
          };
        if (!found.ok)
          return {
            kind: 'failed',
            url,
            status: null,
            error: `fetch: cannot resolve host ${u.hostname} (${found.reason})`,
            retryAfterSec: null,
            gone: false,
          };
      }
      let lease: Lease | null = null;
      let answered = false;
      try {
        const dispatcher: Dispatcher = this.proxy ?? (lease = await this.pools.acquire(u.origin, deadline)).dispatcher;
        const res = await request(url, {
          method: 'GET',
          headers,
          dispatcher,
          signal: deadline,
          headersTimeout: this.s.timeoutMs,
          bodyTimeout: this.s.timeoutMs,
        });
        answered = true;
        const status = res.statusCode;
        const h = res.headers;
        if (status >= 300 && status < 400 && status !== 304) {
          await res.body.dump().catch(() => {});
          const location = header(h, 'location');
          if (!location)
            return { kind: 'failed', url, status, error: `HTTP ${status} without a Location`, retryAfterSec: null, gone: false };
          const next = new URL(location, url).href;
          if (seen.has(next)) return { kind: 'failed', url, status, error: `redirect loop at ${next}`, retryAfterSec: null, gone: false };
          if (hop + 1 > MAX_REDIRECTS)
            return { kind: 'failed', url, status, error: `more than ${MAX_REDIRECTS} redirects`, retryAfterSec: null, gone: false };
          if (status !== 301 && status !== 308) permanent = false;
          url = next;
          continue;
        }
        const movedTo = url !== startUrl && permanent ? url : null;
        if (status === 304) {
          await res.body.dump().catch(() => {});
          return {
            kind: 'not-modified',
            url,
            etag: header(h, 'etag') ?? v.etag,
            lastModified: header(h, 'last-modified') ?? v.lastModified,
            movedTo,
          };
        }
        if (status < 200 || status >= 300) {
          await res.body.dump().catch(() => {});
          return {
            kind: 'failed',
            url,
            status,
            error: `HTTP ${status}`,
            retryAfterSec: status === 429 || status === 503 ? retryAfterSeconds(header(h, 'retry-after')) : null,
            gone: status === 410,
          };
        }
        const body = await readBody(res.body, header(h, 'content-encoding') ?? '', this.s.maxBodyBytes);
        return {
          kind: 'ok',
          url,
          status,
          body,
          contentType: header(h, 'content-type') ?? '',
          etag: header(h, 'etag') ?? null,
          lastModified: header(h, 'last-modified') ?? null,
          movedTo,
          contentLocation: header(h, 'content-location') ?? null,
          contentLanguage: header(h, 'content-language') ?? null,
        };
      } catch (err) {
        // A kept-alive connection the server closed as this request reused it (its idle timeout
        // raced ours): nothing was answered, so the GET goes once more, on a new connection
        // (RFC 9112 §9.3.1.1 allows it for idempotent requests).
        if (!answered && !resent && !deadline.aborted && closedUnder(err)) {
          resent = true;
          hop--;
          continue;
        }
        return {
          kind: 'failed',
          url,
          status: null,
          error: describe(signal.aborted ? (signal.reason ?? err) : err, this.s.timeoutMs),
          retryAfterSec: null,
          gone: false,
        };
      } finally {
        lease?.release();
      }
    }
  }

  /** close releases every connection. */
  async close(): Promise<void> {
    this.resolver?.close();
    await this.pools.close();
    await this.proxy?.close().catch(() => {});
  }
}
