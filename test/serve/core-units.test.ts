// The server core's small rules, in-process: --listen and --base-path parsing, what counts as
// loopback, what the access log shows of a query, form parsing, the login limiter, the password hash.
import { describe, expect, it } from 'vitest';
import { isLoopback, parseBasePath, parseListen } from '../../src/commands/serve.js';
import { formParams, loggedPath } from '../../src/serve/server.js';
import { LoginLimiter } from '../../src/serve/limiter.js';
import { hashPassword, sameText, verifyPassword } from '../../src/serve/auth.js';
import { ApiError } from '../../src/serve/api.js';
import { UsageError } from '../../src/errors.js';

describe('serve flags', () => {
  it.each([
    ['127.0.0.1:8080', { host: '127.0.0.1', port: 8080 }],
    ['0.0.0.0:0', { host: '0.0.0.0', port: 0 }],
    ['[::1]:80', { host: '::1', port: 80 }],
    ['localhost:65535', { host: 'localhost', port: 65535 }],
    ['reader.example.org:8080', { host: 'reader.example.org', port: 8080 }],
  ])('--listen %s', (value, want) => expect(parseListen(value)).toEqual(want));

  it.each(['8080', ':8080', '127.0.0.1', '127.0.0.1:65536', '::1:80', '[nope]:80', 'a b:80', '127.0.0.1:-1', 'http://x:80'])(
    '--listen %j is a usage error',
    (value) => expect(() => parseListen(value)).toThrow(UsageError),
  );

  it.each([
    ['/api/greader', '/api/greader'],
    ['/api/greader/', '/api/greader'],
    ['/', ''],
    ['/reader', '/reader'],
  ])('--base-path %s', (value, want) => expect(parseBasePath(value)).toBe(want));

  it.each(['', 'api', '/a b', '/a?b', '/a/../b', '//x', '/a%20b', '/a#b'])('--base-path %j is a usage error', (value) =>
    expect(() => parseBasePath(value)).toThrow(UsageError),
  );

  it('knows loopback addresses from others', () => {
    for (const h of ['127.0.0.1', '127.1.2.3', '::1', 'localhost', '::ffff:127.0.0.1']) expect(isLoopback(h)).toBe(true);
    for (const h of ['0.0.0.0', '::', '192.168.1.2', 'reader.example.org', '128.0.0.1']) expect(isLoopback(h)).toBe(false);
  });
});

describe('serve requests', () => {
  it('the access log shows a query without the values of T, Auth and Passwd', () => {
    expect(loggedPath('/api/greader/accounts/ClientLogin?Email=a&Passwd=secret&passwd=x')).toBe(
      '/api/greader/accounts/ClientLogin?Email=a&Passwd=-&passwd=-',
    );
    expect(loggedPath('/x?T=abc&i=1&Auth=a%2Fb&n=5')).toBe('/x?T=-&i=1&Auth=-&n=5');
    expect(loggedPath('/x')).toBe('/x');
  });

  it('reads forms keeping repeated keys, and refuses bad percent-encoding', () => {
    const p = formParams('i=1&i=2&s=feed%2F3&t=a+b', 'body');
    expect(p.getAll('i')).toEqual(['1', '2']);
    expect(p.get('s')).toBe('feed/3');
    expect(p.get('t')).toBe('a b');
    for (const bad of ['a=%zz', 'a=%4', 'a=%FF', 'a=%E0%A4']) expect(() => formParams(bad, 'query')).toThrow(ApiError);
  });

  it('the limiter refuses an address after 5 failures in a minute, until the oldest is a minute old', () => {
    let now = 0;
    const l = new LoginLimiter(5, 60_000, () => now);
    for (let i = 0; i < 5; i++) {
      expect(l.retryAfter('a')).toBe(0);
      l.failed('a');
      now += 1000;
    }
    expect(l.retryAfter('a')).toBe(55);
    expect(l.retryAfter('b')).toBe(0);
    now = 60_001;
    expect(l.retryAfter('a')).toBe(0);
    l.failed('a');
    l.forgive('a');
    expect(l.retryAfter('a')).toBe(0);
  });

  it('hashes with scrypt and a fresh salt; verifies only the same password', async () => {
    const [a, b] = [await hashPassword('pässword'), await hashPassword('pässword')];
    expect(a).not.toBe(b);
    expect(await verifyPassword('pässword', a)).toBe(true);
    expect(await verifyPassword('pa\u0308ssword', a)).toBe(true); // the same text, decomposed
    expect(await verifyPassword('password', a)).toBe(false);
    expect(await verifyPassword('pässword', 'md5$x')).toBe(false);
    expect(sameText('abc', 'abc')).toBe(true);
    expect(sameText('abc', 'abd')).toBe(false);
    expect(sameText('abc', 'abcd')).toBe(false);
  });
});
