import dns from 'node:dns';
import net from 'node:net';
import { buildConnector } from 'undici';

/** DenyRule says why a connection to an address is refused ("127.0.0.1 is a loopback address"), or null to allow it. */
export type DenyRule = (address: string, family: 4 | 6) => string | null;

/** PrivateNetworkRefused is a connection refused by the deny rule; its message is the rule's reason. */
export class PrivateNetworkRefused extends Error {
  readonly code = 'INKZEE_PRIVATE_NETWORK';
}

// Special-purpose ranges a crawler fetching URLs that users typed must not reach (IANA
// special-purpose registries, RFC 6890; RFC 1918 private, RFC 6598 shared, RFC 3927 and RFC 4291
// link-local, RFC 4193 unique-local, RFC 5771 and RFC 4291 multicast).
const RANGES: [kind: string, family: 4 | 6, subnets: [string, number][]][] = [
  ['a "this network" address', 4, [['0.0.0.0', 8]]],
  ['a loopback address', 4, [['127.0.0.0', 8]]],
  [
    'a private address',
    4,
    [
      ['10.0.0.0', 8],
      ['172.16.0.0', 12],
      ['192.168.0.0', 16],
    ],
  ],
  ['a shared (carrier-grade NAT) address', 4, [['100.64.0.0', 10]]],
  ['a link-local address', 4, [['169.254.0.0', 16]]],
  ['an IETF protocol assignment address', 4, [['192.0.0.0', 24]]],
  ['a benchmarking address', 4, [['198.18.0.0', 15]]],
  ['a multicast address', 4, [['224.0.0.0', 4]]],
  ['a reserved or broadcast address', 4, [['240.0.0.0', 4]]],
  ['the unspecified address', 6, [['::', 128]]],
  ['a loopback address', 6, [['::1', 128]]],
  ['a unique-local address', 6, [['fc00::', 7]]],
  ['a link-local address', 6, [['fe80::', 10]]],
  ['a multicast address', 6, [['ff00::', 8]]],
];

const TABLE = RANGES.map(([kind, family, subnets]) => {
  const list = new net.BlockList();
  const type: net.IPVersion = family === 4 ? 'ipv4' : 'ipv6';
  for (const [prefix, bits] of subnets) list.addSubnet(prefix, bits, type);
  return { kind, type, list };
});

/** IPv6 prefixes whose last 32 bits are an IPv4 address the packets reach: IPv4-mapped (RFC 4291) and NAT64 (RFC 6052). */
const EMBEDS_V4 = new net.BlockList();
EMBEDS_V4.addSubnet('::ffff:0:0', 96, 'ipv6');
EMBEDS_V4.addSubnet('64:ff9b::', 96, 'ipv6');

/** groups16 expands an IPv6 address (zone dropped, dotted tail allowed) into its eight 16-bit groups. */
function groups16(address: string): number[] {
  let text = address.replace(/%.*$/, '');
  const dotted = /(\d+)\.(\d+)\.(\d+)\.(\d+)$/.exec(text);
  if (dotted) {
    const [a, b, c, d] = dotted.slice(1).map(Number);
    text = `${text.slice(0, dotted.index)}${((a << 8) | b).toString(16)}:${((c << 8) | d).toString(16)}`;
  }
  const [head, tail] = text.split('::');
  const part = (s: string | undefined) => (s ? s.split(':').map((g) => parseInt(g, 16)) : []);
  const h = part(head),
    t = part(tail);
  return tail === undefined ? h : [...h, ...Array<number>(8 - h.length - t.length).fill(0), ...t];
}

/** embeddedV4 is the IPv4 address inside an IPv4-mapped or NAT64 IPv6 address, else null. */
function embeddedV4(address: string): string | null {
  if (!EMBEDS_V4.check(address, 'ipv6')) return null;
  const g = groups16(address);
  return `${g[6] >> 8}.${g[6] & 255}.${g[7] >> 8}.${g[7] & 255}`;
}

/**
 * privateNetworkRule refuses loopback, private, shared, link-local, unique-local, multicast,
 * reserved and other special-purpose addresses; an IPv4-mapped or NAT64 address counts as the
 * IPv4 address it carries.
 */
export const privateNetworkRule: DenyRule = (address, family) => {
  const v4 = family === 6 ? embeddedV4(address) : address;
  const [probe, type]: [string, net.IPVersion] = v4 ? [v4, 'ipv4'] : [address, 'ipv6'];
  const hit = TABLE.find((r) => r.type === type && r.list.check(probe, type));
  return hit ? `${address} is ${hit.kind}` : null;
};

const familyOf = (address: string): 4 | 6 => (net.isIPv6(address) ? 6 : 4);

type LookupCallback = (err: NodeJS.ErrnoException | null, address: string | dns.LookupAddress[], family?: number) => void;

/**
 * guardLookup wraps a `net.connect` lookup so the socket only ever sees allowed addresses: it asks
 * for all of a name's addresses, drops the denied ones, and fails when none is left. Checking the
 * very answer the socket connects to leaves no gap for DNS rebinding between a check and a connect.
 */
export function guardLookup(lookup: net.LookupFunction, isDenied: DenyRule): net.LookupFunction {
  return (host: string, options: dns.LookupOptions, callback: LookupCallback) => {
    lookup(host, { ...options, all: true }, (err: NodeJS.ErrnoException | null, found: string | dns.LookupAddress[], family?: number) => {
      if (err) return callback(err, '');
      const list = Array.isArray(found) ? found : [{ address: found, family: family ?? familyOf(found) }];
      const allowed = list.filter((a) => !isDenied(a.address, a.family === 6 ? 6 : 4));
      if (allowed.length === 0) {
        const first = list[0];
        return callback(
          new PrivateNetworkRefused(first ? isDenied(first.address, first.family === 6 ? 6 : 4)! : `${host} has no address`),
          '',
        );
      }
      if (options.all) callback(null, allowed);
      else callback(null, allowed[0].address, allowed[0].family);
    });
  };
}

/**
 * guardedConnector builds an undici connector whose every socket goes to an allowed address: an
 * IP literal is checked before connecting (`net.connect` does no lookup for one), a name through
 * `guardLookup`, and the connected socket's own remote address once more, as a last line.
 */
export function guardedConnector(o: { timeout: number; lookup?: net.LookupFunction }, isDenied: DenyRule | null): buildConnector.connector {
  if (!isDenied) return buildConnector({ timeout: o.timeout, ...(o.lookup && { lookup: o.lookup }) });
  const inner = buildConnector({ timeout: o.timeout, lookup: guardLookup(o.lookup ?? dns.lookup, isDenied) });
  return (opts, cb) => {
    const host = opts.hostname.replace(/^\[|\]$/g, '');
    const literal = net.isIP(host);
    const why = literal ? isDenied(host, literal === 6 ? 6 : 4) : null;
    if (why) return process.nextTick(cb, new PrivateNetworkRefused(why), null);
    inner(opts, (err, socket) => {
      if (err || !socket) return cb(err ?? new Error('connect failed'), null);
      const remote = socket.remoteAddress;
      const late = remote ? isDenied(remote, familyOf(remote)) : null;
      if (!late) return cb(null, socket);
      socket.destroy();
      cb(new PrivateNetworkRefused(late), null);
    });
  };
}
