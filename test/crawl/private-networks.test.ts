import dgram from 'node:dgram';
import fs from 'node:fs';
import http from 'node:http';
import type net from 'node:net';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { Fetcher, type FetchSettings } from '../../src/fetch/http.js';
import { guardedConnector, guardLookup, privateNetworkRule, PrivateNetworkRefused, type DenyRule } from '../../src/fetch/networks.js';
import { startFeedServer, serve, rss, type FeedServer } from '../feed-server.js';
import { cli, tempDir } from '../helpers.js';

/** A DNS server on 127.0.0.1 answering A queries from a table (the pattern of dns.test.ts, A records only). */
async function startDnsStub(a: Record<string, string>): Promise<{ server: string; close(): Promise<void> }> {
  const sock = dgram.createSocket('udp4');
  sock.on('message', (msg, from) => {
    let o = 12;
    const labels: string[] = [];
    while (msg[o]) {
      labels.push(msg.toString('latin1', o + 1, o + 1 + msg[o]));
      o += msg[o] + 1;
    }
    const qtype = msg.readUInt16BE(o + 1);
    const v4 = a[labels.join('.').toLowerCase()];
    const data = qtype === 1 && v4 ? Buffer.from(v4.split('.').map(Number)) : null;
    const header = Buffer.alloc(12);
    header.writeUInt16BE(msg.readUInt16BE(0), 0);
    header.writeUInt16BE(0x8180 | (v4 ? 0 : 3), 2); // a response, NXDOMAIN for unknown names
    header.writeUInt16BE(1, 4);
    header.writeUInt16BE(data ? 1 : 0, 6);
    const u16 = (n: number) => {
      const b = Buffer.alloc(2);
      b.writeUInt16BE(n);
      return b;
    };
    const answer = data
      ? Buffer.concat([Buffer.from([0xc0, 0x0c]), u16(1), u16(1), Buffer.from([0, 0, 0, 60]), u16(4), data])
      : Buffer.alloc(0);
    sock.send(Buffer.concat([header, msg.subarray(12, o + 5), answer]), from.port, from.address);
  });
  await new Promise<void>((resolve) => sock.bind(0, '127.0.0.1', resolve));
  return { server: `127.0.0.1:${sock.address().port}`, close: () => new Promise((resolve) => sock.close(() => resolve())) };
}

const SETTINGS: FetchSettings = { userAgent: 'Inkzee/test', timeoutMs: 5000, maxBodyBytes: 1 << 20, concurrency: 4, perHost: 2 };
const NONE = { etag: null, lastModified: null };
const SUFFIX = '(private networks are denied; --allow-private-networks permits them)';
/** Every test server is on loopback: this rule lets 127.0.0.1 through and denies the rest of 127/8. */
const only127001: DenyRule = (address) => (address === '127.0.0.1' ? null : `${address} is not 127.0.0.1`);

let fetcher: Fetcher | undefined;
const servers: { close(): Promise<void> }[] = [];
afterEach(async () => {
  await fetcher?.close();
  fetcher = undefined;
  await Promise.all(servers.splice(0).map((s) => s.close()));
});
const feedServer = async (routes: Parameters<typeof startFeedServer>[0], host?: string): Promise<FeedServer> => {
  const s = await startFeedServer(routes, host);
  servers.push(s);
  return s;
};
const fetch = (url: string) => fetcher!.fetch(url, NONE, new AbortController().signal);

describe('the fetcher with private networks denied', () => {
  it('refuses a feed on 127.0.0.1 with a one-line reason, and nothing reaches the server', async () => {
    const feeds = await feedServer({ '/feed': serve(200, rss('Local', [])) });
    fetcher = new Fetcher({ ...SETTINGS, denyPrivateNetworks: true }, {});
    expect(await fetch(`${feeds.url}/feed`)).toEqual({
      kind: 'failed',
      url: `${feeds.url}/feed`,
      status: null,
      retryAfterSec: null,
      gone: false,
      error: `refused: 127.0.0.1 is a loopback address ${SUFFIX}`,
    });
    expect([feeds.requests.length, feeds.connectionsHighWater]).toEqual([0, 0]);
  });

  it('fetches the same feed when the option is off', async () => {
    const feeds = await feedServer({ '/feed': serve(200, rss('Local', [])) });
    fetcher = new Fetcher({ ...SETTINGS, denyPrivateNetworks: false }, {});
    expect(await fetch(`${feeds.url}/feed`)).toMatchObject({ kind: 'ok', status: 200 });
    expect(feeds.hits('/feed')).toBe(1);
  });

  it('refuses IPv6 literals: loopback, and IPv4-mapped loopback', async () => {
    fetcher = new Fetcher({ ...SETTINGS, denyPrivateNetworks: true }, {});
    expect(await fetch('http://[::1]:9/feed')).toMatchObject({ kind: 'failed', error: `refused: ::1 is a loopback address ${SUFFIX}` });
    expect(await fetch('http://[::ffff:127.0.0.1]:9/feed')).toMatchObject({
      kind: 'failed',
      error: expect.stringMatching(/^refused: ::ffff:7f00:1 is a loopback address/),
    });
  });

  it('refuses a redirect from an allowed address to a denied one at the hop', async () => {
    const denied = await feedServer({ '/feed': serve(200, rss('Inside', [])) }, '127.0.0.2');
    const allowed = await feedServer({ '/go': serve(302, '', { location: `${denied.url}/feed` }) });
    fetcher = new Fetcher({ ...SETTINGS, denyPrivateNetworks: true, isDenied: only127001 }, {});
    expect(await fetch(`${allowed.url}/go`)).toMatchObject({
      kind: 'failed',
      url: `${denied.url}/feed`,
      status: null,
      error: `refused: 127.0.0.2 is not 127.0.0.1 ${SUFFIX}`,
    });
    expect([allowed.hits('/go'), denied.requests.length, denied.connectionsHighWater]).toEqual([1, 0, 0]);
  });

  it('checks the address a name resolves to, on the first request and on a redirect hop', async () => {
    const stub = await startDnsStub({ 'feeds.test': '127.0.0.1', 'inside.test': '127.0.0.2' });
    servers.push(stub);
    const denied = await feedServer({ '/feed': serve(200, rss('Inside', [])) }, '127.0.0.2');
    const port = new URL(denied.url).port;
    const allowed = await feedServer({
      '/feed': serve(200, rss('Out', [])),
      '/go': serve(301, '', { location: `http://inside.test:${port}/feed` }),
    });
    const env = { INKZEE_DNS_SERVERS: stub.server };
    fetcher = new Fetcher({ ...SETTINGS, denyPrivateNetworks: true }, env);
    const named = `http://feeds.test:${new URL(allowed.url).port}/feed`;
    expect(await fetch(named)).toMatchObject({ kind: 'failed', error: `refused: 127.0.0.1 is a loopback address ${SUFFIX}` });
    expect(allowed.connectionsHighWater).toBe(0);
    await fetcher.close();

    fetcher = new Fetcher({ ...SETTINGS, denyPrivateNetworks: true, isDenied: only127001 }, env);
    expect(await fetch(named)).toMatchObject({ kind: 'ok' });
    expect(await fetch(`http://feeds.test:${new URL(allowed.url).port}/go`)).toMatchObject({
      kind: 'failed',
      url: `http://inside.test:${port}/feed`,
      error: `refused: 127.0.0.2 is not 127.0.0.1 ${SUFFIX}`,
    });
    expect([allowed.hits('/feed'), allowed.hits('/go'), denied.connectionsHighWater]).toEqual([1, 1, 0]);
  });

  it('checks names the system resolver answers too (localhost)', async () => {
    const feeds = await feedServer({ '/feed': serve(200, rss('Local', [])) });
    fetcher = new Fetcher({ ...SETTINGS, denyPrivateNetworks: true }, {});
    const res = await fetch(`http://localhost:${new URL(feeds.url).port}/feed`);
    expect(res).toMatchObject({
      kind: 'failed',
      error: expect.stringMatching(/^refused: (127\.0\.0\.1|::1) is a loopback address \(private/),
    });
    expect(feeds.connectionsHighWater).toBe(0);
  });

  it('behind a proxy, refuses IP literals before sending and checks NO_PROXY hosts it connects to itself', async () => {
    const feeds = await feedServer({ '/feed': serve(200, rss('Local', [])) });
    const asked: string[] = [];
    // A proxy that turns every request down: absolute-form GETs with 502, CONNECT tunnels with 403.
    const proxy = http.createServer((req, res) => {
      asked.push(req.url ?? '');
      res.writeHead(502);
      res.end();
    });
    proxy.on('connect', (req, client: net.Socket) => {
      asked.push(req.url ?? '');
      client.end('HTTP/1.1 403 Forbidden\r\n\r\n');
    });
    await new Promise<void>((resolve) => proxy.listen(0, '127.0.0.1', resolve));
    servers.push({
      close: () =>
        new Promise((resolve) => {
          proxy.closeAllConnections();
          proxy.close(() => resolve());
        }),
    });
    const port = new URL(feeds.url).port;
    fetcher = new Fetcher(
      { ...SETTINGS, denyPrivateNetworks: true },
      { HTTP_PROXY: `http://127.0.0.1:${(proxy.address() as net.AddressInfo).port}`, NO_PROXY: 'localhost' },
    );
    expect(await fetch(`${feeds.url}/feed`)).toMatchObject({ kind: 'failed', error: `refused: 127.0.0.1 is a loopback address ${SUFFIX}` });
    expect(await fetch(`http://localhost:${port}/feed`)).toMatchObject({
      kind: 'failed',
      error: expect.stringMatching(/^refused: .* is a loopback address/),
    });
    expect(await fetch(`http://elsewhere.test:${port}/feed`)).toMatchObject({ kind: 'failed' }); // a name: the proxy's business (this one turns it down)
    expect([asked, feeds.connectionsHighWater]).toEqual([[`elsewhere.test:${port}`], 0]);
  });
});

describe('guardLookup', () => {
  const twoAnswers = ((_host: string, _o: unknown, cb: (e: null, a: { address: string; family: number }[]) => void) =>
    cb(null, [
      { address: '127.0.0.2', family: 4 },
      { address: '127.0.0.1', family: 4 },
    ])) as unknown as net.LookupFunction;
  const ask = (rule: DenyRule, all: boolean) =>
    new Promise<unknown[]>((resolve) => guardLookup(twoAnswers, rule)('x.test', { all }, (...args: unknown[]) => resolve(args)));

  it('hands the socket only the allowed addresses of a name', async () => {
    expect(await ask(only127001, true)).toEqual([null, [{ address: '127.0.0.1', family: 4 }]]);
    expect(await ask(only127001, false)).toEqual([null, '127.0.0.1', 4]);
  });

  it("fails with the first address's reason when every address is denied", async () => {
    const [err] = await ask(privateNetworkRule, false);
    expect(err).toBeInstanceOf(PrivateNetworkRefused);
    expect((err as Error).message).toBe('127.0.0.2 is a loopback address');
  });
});

describe('guardedConnector', () => {
  it('refuses an IP literal before connecting (net.connect does no lookup for one), and connects to an allowed one', async () => {
    const denied = await feedServer({}, '127.0.0.2');
    const allowed = await feedServer({});
    const connect = guardedConnector({ timeout: 1000 }, only127001);
    const dial = (url: string) =>
      new Promise<[Error | null, net.Socket | null]>((resolve) => {
        const u = new URL(url);
        connect({ hostname: u.hostname, host: u.host, protocol: u.protocol, port: u.port }, (err, socket) => resolve([err, socket]));
      });
    const [err] = await dial(denied.url);
    expect([err instanceof PrivateNetworkRefused, err?.message]).toEqual([true, '127.0.0.2 is not 127.0.0.1']);
    const [ok, socket] = await dial(allowed.url);
    expect([ok, socket?.remoteAddress]).toEqual([null, '127.0.0.1']);
    socket?.destroy();
    expect([denied.connectionsHighWater, allowed.connectionsHighWater]).toEqual([0, 1]);
  });
});

describe('privateNetworkRule', () => {
  it.each([
    ['0.255.255.255', 'a "this network" address'],
    ['1.0.0.0', null],
    ['9.255.255.255', null],
    ['10.0.0.0', 'a private address'],
    ['10.255.255.255', 'a private address'],
    ['11.0.0.0', null],
    ['100.63.255.255', null],
    ['100.64.0.0', 'a shared (carrier-grade NAT) address'],
    ['100.127.255.255', 'a shared (carrier-grade NAT) address'],
    ['100.128.0.0', null],
    ['126.255.255.255', null],
    ['127.0.0.1', 'a loopback address'],
    ['127.255.255.255', 'a loopback address'],
    ['128.0.0.0', null],
    ['169.253.255.255', null],
    ['169.254.169.254', 'a link-local address'],
    ['169.255.0.0', null],
    ['172.15.255.255', null],
    ['172.16.0.0', 'a private address'],
    ['172.31.255.255', 'a private address'],
    ['172.32.0.0', null],
    ['191.255.255.255', null],
    ['192.0.0.0', 'an IETF protocol assignment address'],
    ['192.0.0.255', 'an IETF protocol assignment address'],
    ['192.0.1.0', null],
    ['192.167.255.255', null],
    ['192.168.0.0', 'a private address'],
    ['192.168.255.255', 'a private address'],
    ['192.169.0.0', null],
    ['198.17.255.255', null],
    ['198.18.0.0', 'a benchmarking address'],
    ['198.19.255.255', 'a benchmarking address'],
    ['198.20.0.0', null],
    ['223.255.255.255', null],
    ['224.0.0.0', 'a multicast address'],
    ['239.255.255.255', 'a multicast address'],
    ['240.0.0.0', 'a reserved or broadcast address'],
    ['255.255.255.255', 'a reserved or broadcast address'],
    ['8.8.8.8', null],
    ['93.184.215.14', null],
  ])('IPv4 %s → %s', (address, kind) => {
    expect(privateNetworkRule(address, 4)).toBe(kind && `${address} is ${kind}`);
  });

  it.each([
    ['::', 'the unspecified address'],
    ['::1', 'a loopback address'],
    ['::2', null],
    ['fbff:ffff:ffff:ffff:ffff:ffff:ffff:ffff', null],
    ['fc00::', 'a unique-local address'],
    ['fdff:ffff:ffff:ffff:ffff:ffff:ffff:ffff', 'a unique-local address'],
    ['fe00::', null],
    ['fe7f:ffff:ffff:ffff:ffff:ffff:ffff:ffff', null],
    ['fe80::', 'a link-local address'],
    ['fe80::1%eth0', 'a link-local address'],
    ['febf:ffff:ffff:ffff:ffff:ffff:ffff:ffff', 'a link-local address'],
    ['fec0::', null],
    ['feff:ffff:ffff:ffff:ffff:ffff:ffff:ffff', null],
    ['ff00::', 'a multicast address'],
    ['ff02::1', 'a multicast address'],
    ['::ffff:127.0.0.1', 'a loopback address'],
    ['::ffff:7f00:1', 'a loopback address'],
    ['::ffff:a9fe:a9fe', 'a link-local address'],
    ['::ffff:8.8.8.8', null],
    ['::fffe:7f00:1', null],
    ['64:ff9b::10.0.0.1', 'a private address'],
    ['64:ff9b::808:808', null],
    ['2001:4860:4860::8888', null],
    ['2a00:1450::1', null],
  ])('IPv6 %s → %s', (address, kind) => {
    expect(privateNetworkRule(address, 6)).toBe(kind && `${address} is ${kind}`);
  });
});

describe('the crawl flags', () => {
  const opml = (url: string) => {
    const file = path.join(tempDir(), 'subs.opml');
    fs.writeFileSync(file, `<opml version="2.0"><body><outline type="rss" xmlUrl="${url}"/></body></opml>`);
    return file;
  };

  it('import --deny-private-networks records a refused feed as a failure with its reason; the default crawls it', async () => {
    const feeds = await feedServer({ '/feed': serve(200, rss('Local', [{ guid: '1', title: 'one' }])) });
    const denied = await cli([
      '--db',
      path.join(tempDir(), 'd.db'),
      '--json',
      'import',
      opml(`${feeds.url}/feed`),
      '--deny-private-networks',
    ]);
    expect(denied.code).toBe(3);
    const event = denied.stdout
      .split('\n')
      .filter(Boolean)
      .map((l) => JSON.parse(l))
      .find((e) => e.type === 'feed');
    expect(event).toMatchObject({ outcome: 'failed', error: `refused: 127.0.0.1 is a loopback address ${SUFFIX}` });
    expect(feeds.requests.length).toBe(0);
    expect(
      (await cli(['--db', path.join(tempDir(), 'a.db'), '--quiet', 'import', opml(`${feeds.url}/feed`), '--allow-private-networks'])).code,
    ).toBe(0);
    expect(feeds.hits('/feed')).toBe(1);
  });

  it('refuses both flags at once', async () => {
    const r = await cli(['--db', path.join(tempDir(), 'b.db'), 'refresh', '--deny-private-networks', '--allow-private-networks']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/cannot be used with/);
  });
});
