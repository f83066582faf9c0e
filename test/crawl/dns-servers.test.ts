import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { dnsServersFrom } from '../../src/fetch/dns.js';
import { cli, fixture, tempDir } from '../helpers.js';

describe('INKZEE_DNS_SERVERS', () => {
  it("takes ip, ip:port and [ipv6]:port, comma-separated; empty means the system's", () => {
    expect(dnsServersFrom('127.0.0.1, 127.0.0.1:5353,::1,[::1]:53')).toEqual(['127.0.0.1', '127.0.0.1:5353', '::1', '[::1]:53']);
    expect(dnsServersFrom('')).toBeUndefined();
    expect(dnsServersFrom(undefined)).toBeUndefined();
  });

  it.each(['abc', 'dns.example:53', '127.0.0.1:99999', '[127.0.0.1]:53', '1.2.3'])('refuses %j with a usage error naming it', (entry) => {
    expect(() => dnsServersFrom(`127.0.0.1,${entry}`)).toThrow(`INKZEE_DNS_SERVERS ${entry}: not an IP address, ip:port or [ipv6]:port`);
  });

  it('is a usage error on the command line, not an internal one', async () => {
    const r = await cli(['--db', path.join(tempDir(), 'd.db'), 'import', fixture('opml', 'nested.opml')], {
      env: { INKZEE_DNS_SERVERS: 'abc' },
    });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/inkzee: INKZEE_DNS_SERVERS abc: not an IP address, ip:port or \[ipv6\]:port\n$/);
  });
});
