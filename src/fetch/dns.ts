import dns from 'node:dns';
import fs from 'node:fs';
import net from 'node:net';
import { shownValue, UsageError } from '../errors.js';

/** Address is one resolved address of a host. */
export interface Address {
  address: string;
  family: 4 | 6;
}

/** Resolution is how a host name lookup ended; failure is a value, with a short reason. */
export type Resolution = { ok: true; addresses: Address[] } | { ok: false; reason: string };

/** ResolverOptions tune the resolver; every field has a default fit for a crawl. */
export interface ResolverOptions {
  /** Name servers (`ip` or `ip:port`); default: the system's (resolv.conf). */
  servers?: string[];
  /** Per-try query timeout in ms (c-ares doubles it on the retry). */
  timeoutMs?: number;
  tries?: number;
  /** Queries in flight at once. */
  concurrency?: number;
  /** The hosts file, read once on first use. */
  hostsFile?: string;
  /** The system resolver (getaddrinfo), for what only it knows; replaceable in tests. */
  systemLookup?: (host: string) => Promise<Address[]>;
}

const systemLookup = async (host: string): Promise<Address[]> =>
  (await dns.promises.lookup(host, { all: true })).map((a) => ({ address: a.address, family: a.family === 6 ? 6 : 4 }));

const REASONS: Record<string, string> = {
  ENOTFOUND: 'not found',
  ENODATA: 'no address',
  ETIMEOUT: 'DNS timed out',
  ESERVFAIL: 'DNS server failure',
  EREFUSED: 'DNS query refused',
  ECONNREFUSED: 'DNS server unreachable',
  EAI_AGAIN: 'DNS timed out',
  EBADNAME: 'not a valid host name',
};
const reasonOf = (err: unknown) => {
  const code = (err as { code?: string }).code ?? '';
  return REASONS[code] ?? ((err as Error).message || code || 'lookup failed');
};

/** parseHostsFile reads hosts(5) text into name → addresses (names lower-cased, first entries first). */
export function parseHostsFile(text: string): Map<string, Address[]> {
  const map = new Map<string, Address[]>();
  for (const raw of text.split('\n')) {
    const [ip, ...names] = raw.replace(/#.*/, '').trim().split(/\s+/);
    const family = net.isIP(ip ?? '');
    if (!family) continue;
    for (const name of names) {
      const key = name.toLowerCase().replace(/\.$/, '');
      const list = map.get(key) ?? [];
      if (!list.some((a) => a.address === ip)) list.push({ address: ip, family: family === 6 ? 6 : 4 });
      map.set(key, list);
    }
  }
  return map;
}

type Job = { run: () => void; urgent: boolean; started: boolean };

/** A small FIFO semaphore whose waiting jobs can be promoted to the front. */
class Gate {
  private running = 0;
  private readonly waiting: Job[] = [];
  private readonly urgent: Job[] = [];
  constructor(private readonly limit: number) {}

  run<T>(job: () => Promise<T>, urgent: boolean): { result: Promise<T>; promote: () => void } {
    let entry!: Job;
    const result = new Promise<T>((resolve, reject) => {
      entry = {
        urgent,
        started: false,
        run: () => {
          job()
            .then(resolve, reject)
            .finally(() => {
              this.running--;
              this.next();
            });
        },
      };
    });
    (urgent ? this.urgent : this.waiting).push(entry);
    this.next();
    return {
      result,
      promote: () => {
        if (!entry.started && !entry.urgent) {
          entry.urgent = true;
          this.urgent.push(entry);
          this.next();
        }
      },
    };
  }

  private next(): void {
    while (this.running < this.limit) {
      const e = this.take(this.urgent) ?? this.take(this.waiting);
      if (!e) return;
      e.started = true;
      this.running++;
      e.run();
    }
  }

  private take(list: Job[]): Job | undefined {
    while (list.length) {
      const e = list.shift()!;
      if (!e.started) return e;
    }
    return undefined;
  }
}

/**
 * HostResolver resolves host names for one crawl: through c-ares (`dns.Resolver`, short timeouts,
 * its own concurrency, none of libuv's four threads) with a cache holding one promise per host,
 * answers included, failures included. The system resolver keeps what only it knows: the hosts
 * file (read once), localhost and `.local`, and single-label names its search domains may complete.
 */
export class HostResolver {
  private readonly resolver: dns.promises.Resolver;
  private readonly gate: Gate;
  private readonly systemGate = new Gate(2); // getaddrinfo holds a libuv thread that zlib needs too
  private readonly cache = new Map<string, { result: Promise<Resolution>; promote: () => void }>();
  private hosts: Map<string, Address[]> | null = null;
  private readonly system: (host: string) => Promise<Address[]>;
  /** Counts, for tests and the benchmark: DNS queries sent, system lookups made, answers from the cache. */
  readonly counts = { queries: 0, system: 0, cached: 0 };

  constructor(private readonly o: ResolverOptions = {}) {
    this.resolver = new dns.promises.Resolver({ timeout: o.timeoutMs ?? 1000, tries: o.tries ?? 2 });
    if (o.servers?.length) this.resolver.setServers(o.servers);
    this.gate = new Gate(o.concurrency ?? 16);
    this.system = o.systemLookup ?? systemLookup;
  }

  /** resolve answers for a host name; `urgent` puts a queued lookup ahead of those made in advance. */
  resolve(name: string, urgent = false): Promise<Resolution> {
    const host = name
      .toLowerCase()
      .replace(/^\[|\]$/g, '')
      .replace(/\.$/, '');
    const family = net.isIP(host);
    if (family) return Promise.resolve({ ok: true, addresses: [{ address: host, family: family === 6 ? 6 : 4 }] });
    const known = this.cache.get(host);
    if (known) {
      this.counts.cached++;
      if (urgent) known.promote();
      return known.result;
    }
    const entry = this.lookupOnce(host, urgent);
    this.cache.set(host, entry);
    return entry.result;
  }

  /** ahead starts resolving a host that a request will want soon. */
  ahead(name: string): void {
    void this.resolve(name);
  }

  /** lookup is a `net.connect` lookup function answering from the same cache. */
  readonly lookup = (hostname: string, options: dns.LookupOptions, cb: (...args: any[]) => void): void => {
    this.resolve(hostname, true).then((r) => {
      if (!r.ok) return cb(Object.assign(new Error(`cannot resolve host ${hostname} (${r.reason})`), { code: 'ENOTFOUND', hostname }));
      const wanted = options.family === 4 || options.family === 6 ? r.addresses.filter((a) => a.family === options.family) : r.addresses;
      if (wanted.length === 0)
        return cb(Object.assign(new Error(`no IPv${options.family} address for ${hostname}`), { code: 'ENOTFOUND', hostname }));
      if (options.all) cb(null, wanted);
      else cb(null, wanted[0].address, wanted[0].family);
    }, cb);
  };

  /** close cancels the queries still in flight. */
  close(): void {
    this.resolver.cancel();
  }

  private lookupOnce(host: string, urgent: boolean): { result: Promise<Resolution>; promote: () => void } {
    this.hosts ??= this.readHosts();
    const listed = this.hosts.get(host);
    if (listed) return { result: Promise.resolve({ ok: true, addresses: listed }), promote: () => {} };
    // RFC 6761 §6.3: localhost names never go to DNS; mDNS (.local) is the system's business.
    if (host === 'localhost' || host.endsWith('.localhost') || host.endsWith('.local')) return this.viaSystem(host, urgent);
    const queued = this.gate.run(() => this.query(host), urgent);
    let fallback: { result: Promise<Resolution>; promote: () => void } | null = null;
    const result = queued.result.then((r) => {
      // A single-label name is not found in DNS as it stands, but the search domains may complete
      // it; and a name server that refuses us leaves the name to whatever else the system uses.
      if (r.ok) return r;
      const unknownShortName = !host.includes('.') && (r.reason === 'not found' || r.reason === 'no address');
      if (unknownShortName || r.reason === 'DNS server unreachable' || r.reason === 'DNS query refused') {
        fallback = this.viaSystem(host, urgent);
        return fallback.result;
      }
      return r;
    });
    return {
      result,
      promote: () => {
        queued.promote();
        fallback?.promote();
      },
    };
  }

  /** query asks DNS for A records, and for AAAA only when the name has no A record. */
  private async query(host: string): Promise<Resolution> {
    this.counts.queries++;
    try {
      return { ok: true, addresses: (await this.resolver.resolve4(host)).map((address) => ({ address, family: 4 })) };
    } catch (err) {
      if ((err as { code?: string }).code !== 'ENODATA') return { ok: false, reason: reasonOf(err) };
    }
    this.counts.queries++;
    try {
      return { ok: true, addresses: (await this.resolver.resolve6(host)).map((address) => ({ address, family: 6 })) };
    } catch (err) {
      return { ok: false, reason: reasonOf(err) };
    }
  }

  private viaSystem(host: string, urgent: boolean) {
    return this.systemGate.run(async (): Promise<Resolution> => {
      this.counts.system++;
      try {
        const addresses = await this.system(host);
        return addresses.length ? { ok: true, addresses } : { ok: false, reason: 'no address' };
      } catch (err) {
        return { ok: false, reason: reasonOf(err) };
      }
    }, urgent);
  }

  private readHosts(): Map<string, Address[]> {
    try {
      return parseHostsFile(fs.readFileSync(this.o.hostsFile ?? '/etc/hosts', 'latin1'));
    } catch {
      return new Map();
    }
  }
}

/**
 * dnsServersFrom reads a comma-separated server list (INKZEE_DNS_SERVERS: ip, ip:port or
 * [ipv6]:port); empty means the system's. Anything else is a usage error naming the entry, where
 * c-ares's setServers would throw an internal error.
 */
export function dnsServersFrom(value: string | undefined): string[] | undefined {
  const list = (value ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  for (const s of list) {
    const port = /^(?:\[([^\]]+)\]|([^:]+)):(\d{1,5})$/.exec(s);
    const ok =
      net.isIP(s) !== 0 ||
      (port !== null && Number(port[3]) <= 65535 && (port[1] !== undefined ? net.isIPv6(port[1]) : net.isIPv4(port[2])));
    if (!ok) throw new UsageError(`INKZEE_DNS_SERVERS ${shownValue(s)}: not an IP address, ip:port or [ipv6]:port`);
  }
  return list.length ? list : undefined;
}
