import dgram from 'node:dgram';
import fs from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { HostResolver, parseHostsFile, type Address } from '../../src/fetch/dns.js';
import { Fetcher } from '../../src/fetch/http.js';
import { startFeedServer, serve, rss, type FeedServer } from '../feed-server.js';

/** A DNS server on 127.0.0.1 that answers A/AAAA from a table, and can delay or drop queries. */
interface DnsStub {
  server: string;
  /** Queries seen per lower-cased name ("name/A", "name/AAAA"). */
  queries: Map<string, number>;
  seen(name: string): number;
  close(): Promise<void>;
}

interface StubBehaviour {
  a?: Record<string, string>;
  aaaa?: Record<string, Buffer>;
  /** Delay (ms) before answering a name. */
  delay?: Record<string, number>;
  /** How many first queries of a name go unanswered. */
  drop?: Record<string, number>;
  /** Names answered REFUSED. */
  refuse?: string[];
}

async function startDnsStub(b: StubBehaviour): Promise<DnsStub> {
  const sock = dgram.createSocket('udp4');
  const queries = new Map<string, number>();
  const perName = new Map<string, number>();
  sock.on('message', (msg, from) => {
    let o = 12;
    const labels: string[] = [];
    while (msg[o]) {
      labels.push(msg.toString('latin1', o + 1, o + 1 + msg[o]));
      o += msg[o] + 1;
    }
    const qtype = msg.readUInt16BE(o + 1);
    const question = msg.subarray(12, o + 5);
    const name = labels.join('.').toLowerCase();
    const type = qtype === 28 ? 'AAAA' : 'A';
    queries.set(`${name}/${type}`, (queries.get(`${name}/${type}`) ?? 0) + 1);
    const n = (perName.get(name) ?? 0) + 1;
    perName.set(name, n);
    if (n <= (b.drop?.[name] ?? 0)) return;
    const v4 = b.a?.[name],
      v6 = b.aaaa?.[name];
    const data = type === 'A' ? (v4 ? Buffer.from(v4.split('.').map(Number)) : null) : (v6 ?? null);
    const exists = v4 !== undefined || v6 !== undefined;
    const header = Buffer.alloc(12);
    header.writeUInt16BE(msg.readUInt16BE(0), 0);
    header.writeUInt16BE(0x8180 | (b.refuse?.includes(name) ? 5 : exists ? 0 : 3), 2); // response, RD + RA; NXDOMAIN when unknown
    header.writeUInt16BE(1, 4);
    header.writeUInt16BE(data ? 1 : 0, 6);
    const answer = data
      ? Buffer.concat([Buffer.from([0xc0, 0x0c]), u16(qtype), u16(1), Buffer.from([0, 0, 0, 60]), u16(data.length), data])
      : Buffer.alloc(0);
    const reply = Buffer.concat([header, question, answer]);
    setTimeout(() => sock.send(reply, from.port, from.address), b.delay?.[name] ?? 0);
  });
  await new Promise<void>((resolve) => sock.bind(0, '127.0.0.1', resolve));
  return {
    server: `127.0.0.1:${sock.address().port}`,
    queries,
    seen: (name) => (queries.get(`${name}/A`) ?? 0) + (queries.get(`${name}/AAAA`) ?? 0),
    close: () => new Promise((resolve) => sock.close(() => resolve())),
  };
}
const u16 = (n: number) => {
  const b = Buffer.alloc(2);
  b.writeUInt16BE(n);
  return b;
};
const LOOPBACK6 = Buffer.from([0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1]);

let stub: DnsStub | undefined;
let resolver: HostResolver | undefined;
let fetcher: Fetcher | undefined;
let feeds: FeedServer | undefined;
afterEach(async () => {
  resolver?.close();
  await fetcher?.close();
  await feeds?.close();
  await stub?.close();
  resolver = fetcher = feeds = stub = undefined;
});

const tmpHosts = (text: string) => {
  const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'inkzee-hosts-')), 'hosts');
  fs.writeFileSync(file, text);
  return file;
};
const systemCalls: string[] = [];
const fakeSystem = async (host: string): Promise<Address[]> => {
  systemCalls.push(host);
  if (['printer', 'localhost', 'blocked.example'].includes(host)) return [{ address: '127.0.0.9', family: 4 }];
  throw Object.assign(new Error('not found'), { code: 'ENOTFOUND' });
};

describe('HostResolver', () => {
  it('asks the name server once per host, however many lookups want it at once or later', async () => {
    stub = await startDnsStub({ a: { 'feeds.test': '10.0.0.1', 'other.test': '10.0.0.2' }, delay: { 'feeds.test': 50 } });
    resolver = new HostResolver({ servers: [stub.server], hostsFile: tmpHosts('') });
    const answers = await Promise.all(Array.from({ length: 10 }, (_, k) => resolver!.resolve(k % 2 ? 'feeds.test' : 'FEEDS.test.')));
    expect(answers.every((a) => a.ok && a.addresses[0].address === '10.0.0.1')).toBe(true);
    expect(await resolver.resolve('other.test')).toEqual({ ok: true, addresses: [{ address: '10.0.0.2', family: 4 }] });
    await resolver.resolve('feeds.test');
    expect([stub.seen('feeds.test'), stub.seen('other.test')]).toEqual([1, 1]);
  });

  it('retries a dropped query after the short timeout instead of waiting seconds', async () => {
    stub = await startDnsStub({ a: { 'lossy.test': '10.0.0.3' }, drop: { 'lossy.test': 1 } });
    resolver = new HostResolver({ servers: [stub.server], hostsFile: tmpHosts('') }); // the crawl's 1 s timeout
    const started = Date.now();
    expect(await resolver.resolve('lossy.test')).toMatchObject({ ok: true, addresses: [{ address: '10.0.0.3' }] });
    expect(Date.now() - started).toBeLessThan(2500);
    expect(stub.seen('lossy.test')).toBe(2);
  });

  it('gives up on a name server that never answers after its tries, and remembers that', async () => {
    stub = await startDnsStub({ a: { 'dead.test': '10.0.0.4' }, drop: { 'dead.test': 99 } });
    resolver = new HostResolver({ servers: [stub.server], hostsFile: tmpHosts(''), timeoutMs: 200, tries: 2 });
    expect(await resolver.resolve('dead.test')).toEqual({ ok: false, reason: 'DNS timed out' });
    expect(await resolver.resolve('dead.test')).toEqual({ ok: false, reason: 'DNS timed out' });
    expect(stub.seen('dead.test')).toBe(2);
  });

  it('remembers that a host does not exist (one query, the same answer twice)', async () => {
    stub = await startDnsStub({});
    resolver = new HostResolver({ servers: [stub.server], hostsFile: tmpHosts(''), systemLookup: fakeSystem });
    expect(await resolver.resolve('gone.example.test')).toEqual({ ok: false, reason: 'not found' });
    expect(await resolver.resolve('gone.example.test')).toEqual({ ok: false, reason: 'not found' });
    expect(stub.seen('gone.example.test')).toBe(1);
  });

  it('does not let one slow answer hold up the other hosts', async () => {
    stub = await startDnsStub({
      a: { 'slow.test': '10.0.0.5', 'fast1.test': '10.0.0.6', 'fast2.test': '10.0.0.7' },
      delay: { 'slow.test': 1500 },
    });
    resolver = new HostResolver({ servers: [stub.server], hostsFile: tmpHosts(''), timeoutMs: 3000, concurrency: 4 });
    const slow = resolver.resolve('slow.test');
    const started = Date.now();
    await Promise.all([resolver.resolve('fast1.test'), resolver.resolve('fast2.test')]);
    expect(Date.now() - started).toBeLessThan(1000);
    expect(await slow).toMatchObject({ ok: true });
  });

  it('asks for AAAA only when a name has no A record', async () => {
    stub = await startDnsStub({ a: { 'both.test': '10.0.0.8' }, aaaa: { 'v6.test': LOOPBACK6, 'both.test': LOOPBACK6 } });
    resolver = new HostResolver({ servers: [stub.server], hostsFile: tmpHosts('') });
    expect(await resolver.resolve('v6.test')).toEqual({ ok: true, addresses: [{ address: '::1', family: 6 }] });
    expect(await resolver.resolve('both.test')).toEqual({ ok: true, addresses: [{ address: '10.0.0.8', family: 4 }] });
    expect([stub.queries.get('v6.test/AAAA'), stub.queries.get('both.test/AAAA')]).toEqual([1, undefined]);
  });

  it('answers hosts-file names, localhost and IP literals without a DNS query', async () => {
    stub = await startDnsStub({ a: { 'intranet.example': '10.9.9.9' } });
    systemCalls.length = 0;
    resolver = new HostResolver({
      servers: [stub.server],
      hostsFile: tmpHosts('# comment\n10.1.2.3  intranet.example intranet # office\n::1 v6box\n'),
      systemLookup: fakeSystem,
    });
    expect(await resolver.resolve('Intranet.Example')).toEqual({ ok: true, addresses: [{ address: '10.1.2.3', family: 4 }] });
    expect(await resolver.resolve('v6box')).toEqual({ ok: true, addresses: [{ address: '::1', family: 6 }] });
    expect(await resolver.resolve('192.0.2.7')).toEqual({ ok: true, addresses: [{ address: '192.0.2.7', family: 4 }] });
    expect(await resolver.resolve('[::1]')).toEqual({ ok: true, addresses: [{ address: '::1', family: 6 }] });
    expect(await resolver.resolve('localhost')).toMatchObject({ ok: true, addresses: [{ address: '127.0.0.9' }] });
    expect(stub.queries.size).toBe(0);
    expect(systemCalls).toEqual(['localhost']);
  });

  it('lets the system resolver complete a single-label name that DNS does not know (search domains)', async () => {
    stub = await startDnsStub({});
    systemCalls.length = 0;
    resolver = new HostResolver({ servers: [stub.server], hostsFile: tmpHosts(''), systemLookup: fakeSystem });
    expect(await resolver.resolve('printer')).toEqual({ ok: true, addresses: [{ address: '127.0.0.9', family: 4 }] });
    expect(await resolver.resolve('nowhere.test')).toEqual({ ok: false, reason: 'not found' });
    expect(systemCalls).toEqual(['printer']); // a dotted name that DNS denies is not asked again
  });

  it('leaves a name to the system resolver when the name server refuses to answer', async () => {
    stub = await startDnsStub({ refuse: ['blocked.example'] });
    systemCalls.length = 0;
    resolver = new HostResolver({ servers: [stub.server], hostsFile: tmpHosts(''), systemLookup: fakeSystem });
    expect(await resolver.resolve('blocked.example')).toEqual({ ok: true, addresses: [{ address: '127.0.0.9', family: 4 }] });
    expect([stub.seen('blocked.example'), systemCalls]).toEqual([1, ['blocked.example']]);
  });

  it('reads hosts(5) files: comments, aliases, IPv6, and lines that are not entries', () => {
    const m = parseHostsFile(
      '127.0.0.1 localhost\n# 10.0.0.1 commented\n10.0.0.2 a.example a # alias\nbogus line\n999.1.1.1 notanaddress\nfe80::1 linklocal\n',
    );
    expect([...m.keys()]).toEqual(['localhost', 'a.example', 'a', 'linklocal']);
    expect([m.get('a'), m.get('linklocal')]).toEqual([[{ address: '10.0.0.2', family: 4 }], [{ address: 'fe80::1', family: 6 }]]);
  });
});

describe('Fetcher name resolution', () => {
  it('connects through the crawl resolver (INKZEE_DNS_SERVERS) and reports an unknown host as a failed outcome', async () => {
    stub = await startDnsStub({ a: { 'feeds.test': '127.0.0.1' } });
    feeds = await startFeedServer({ '/feed': serve(200, rss('Named', [])) });
    const port = new URL(feeds.url).port;
    fetcher = new Fetcher(
      { userAgent: 'Inkzee/test', timeoutMs: 5000, maxBodyBytes: 1 << 20, concurrency: 4, perHost: 2 },
      { INKZEE_DNS_SERVERS: stub.server },
    );
    const signal = new AbortController().signal;
    const none = { etag: null, lastModified: null };
    expect(await fetcher.fetch(`http://feeds.test:${port}/feed`, none, signal)).toMatchObject({ kind: 'ok', status: 200 });
    expect(await fetcher.fetch(`http://feeds.test:${port}/feed`, none, signal)).toMatchObject({ kind: 'ok' });
    expect(await fetcher.fetch(`http://missing.test:${port}/feed`, none, signal)).toEqual({
      kind: 'failed',
      url: `http://missing.test:${port}/feed`,
      status: null,
      error: 'fetch: cannot resolve host missing.test (not found)',
      retryAfterSec: null,
      gone: false,
    });
    expect([stub.seen('feeds.test'), stub.seen('missing.test'), feeds.hits('/feed')]).toEqual([1, 1, 2]);
  });

  it('resolves nothing itself behind a proxy: the proxy gets the host name', async () => {
    stub = await startDnsStub({ a: { 'feeds.test': '127.0.0.1' } });
    feeds = await startFeedServer({ '/feed': serve(200, rss('Proxied', [])) });
    const target = new URL(feeds.url);
    const asked: string[] = [];
    // A forward proxy that knows feeds.test itself: absolute-form requests and CONNECT tunnels.
    const proxy = http.createServer((req, res) => {
      asked.push(req.url ?? '');
      http.get(`${feeds!.url}${new URL(req.url ?? '').pathname}`, (up) => {
        res.writeHead(up.statusCode ?? 502, up.headers);
        up.pipe(res);
      });
    });
    proxy.on('connect', (req, client: net.Socket) => {
      asked.push(req.url ?? '');
      const up = net.connect(Number(target.port), '127.0.0.1', () => {
        client.write('HTTP/1.1 200 Connection Established\r\n\r\n');
        up.pipe(client).pipe(up);
      });
      client.on('error', () => up.destroy());
      up.on('error', () => client.destroy());
    });
    await new Promise<void>((resolve) => proxy.listen(0, '127.0.0.1', resolve));
    try {
      const proxyUrl = `http://127.0.0.1:${(proxy.address() as net.AddressInfo).port}`;
      fetcher = new Fetcher(
        { userAgent: 'Inkzee/test', timeoutMs: 5000, maxBodyBytes: 1 << 20, concurrency: 4, perHost: 2 },
        { HTTP_PROXY: proxyUrl, INKZEE_DNS_SERVERS: stub.server },
      );
      fetcher.ahead(`http://feeds.test:${target.port}/feed`);
      expect(
        await fetcher.fetch(`http://feeds.test:${target.port}/feed`, { etag: null, lastModified: null }, new AbortController().signal),
      ).toMatchObject({ kind: 'ok' });
      expect(asked.length).toBe(1);
      expect(asked[0]).toContain(`feeds.test:${target.port}`);
      expect(stub.queries.size).toBe(0);
    } finally {
      await fetcher?.close();
      fetcher = undefined;
      proxy.closeAllConnections?.();
      await new Promise((resolve) => proxy.close(resolve));
    }
  });
});
