// The reader API's one user per database: the password kept as a scrypt hash, and the tokens
// clients hold (Auth, T) derived from a random secret kept beside it. A new password brings a new
// secret, so every token given out before stops working; every process serving the database
// derives the same tokens from the same stored secret, so clients may be sent to any of them.
import crypto from 'node:crypto';
import { promisify } from 'node:util';
import type { Store } from '../store/contract.js';

const scrypt = promisify(crypto.scrypt) as (
  password: crypto.BinaryLike,
  salt: crypto.BinaryLike,
  keylen: number,
  options: crypto.ScryptOptions,
) => Promise<Buffer>;

/** SETTINGS are the keys the reader API's credentials are stored under. */
export const SETTINGS = { user: 'reader.user', password: 'reader.password', secret: 'reader.secret' } as const;

/** DEFAULT_USER is the name clients log in with unless `--user` set another. */
export const DEFAULT_USER = 'inkzee';

// scrypt's cost: N = 2^15, r = 8, p = 1 takes 32 MiB and tens of milliseconds, once per login
// (clients keep the token), within the bounds RFC 7914 and OWASP give for interactive logins.
const COST = { N: 1 << 15, r: 8, p: 1 };
const KEY_BYTES = 32;
// Node refuses scrypt above 32 MiB unless told: 128 · N · r is exactly that, plus its own needs.
const maxmem = (c: { N: number; r: number; p: number }) => 128 * c.N * c.r * c.p + (1 << 20);

/** Credentials are the stored user, password hash and token secret. */
export interface Credentials {
  readonly user: string;
  readonly hash: string;
  readonly secret: Buffer;
}

/** hashPassword hashes a password with a fresh salt: "scrypt$N$r$p$salt$key", base64. */
export async function hashPassword(password: string): Promise<string> {
  const salt = crypto.randomBytes(16);
  const key = await scrypt(password.normalize('NFC'), salt, KEY_BYTES, { ...COST, maxmem: maxmem(COST) });
  return ['scrypt', COST.N, COST.r, COST.p, salt.toString('base64'), key.toString('base64')].join('$');
}

/** verifyPassword says whether a password matches a stored hash, comparing in constant time. */
export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const [kind, n, r, p, salt, key] = stored.split('$');
  if (kind !== 'scrypt' || key === undefined) return false;
  const cost = { N: Number(n), r: Number(r), p: Number(p) };
  const want = Buffer.from(key, 'base64');
  try {
    const got = await scrypt(password.normalize('NFC'), Buffer.from(salt, 'base64'), want.length, { ...cost, maxmem: maxmem(cost) });
    return crypto.timingSafeEqual(got, want);
  } catch {
    return false; // a hash with parameters this Node refuses: no password matches it
  }
}

/** sameText compares two strings in time that depends only on their lengths (which are public). */
export function sameText(given: string, expected: string): boolean {
  const a = Buffer.from(given, 'utf8');
  const b = Buffer.from(expected, 'utf8');
  return a.length === b.length && crypto.timingSafeEqual(a, b);
}

const mac = (c: Credentials, purpose: string) => crypto.createHmac('sha256', c.secret).update(`${purpose}\0${c.user}`).digest('hex');

// Tokens are checked on every request: each set of credentials derives its own once.
const derived = new WeakMap<Credentials, { auth: string; write: string }>();
const tokensOf = (c: Credentials) => {
  let t = derived.get(c);
  if (!t) derived.set(c, (t = { auth: `${c.user}/${mac(c, 'auth')}`, write: mac(c, 'write').slice(0, 57) }));
  return t;
};

/** authToken is the Auth token ClientLogin gives: "user/HMAC", as FreshRSS's "user/sha1". */
export function authToken(c: Credentials): string {
  return tokensOf(c).auth;
}

/** writeToken is the T token writes carry: 57 characters, as long as Google Reader's. */
export function writeToken(c: Credentials): string {
  return tokensOf(c).write;
}

/** storePassword sets the user and password, with a fresh secret (so every older token stops working). */
export async function storePassword(store: Store, user: string, password: string): Promise<void> {
  const hash = await hashPassword(password);
  await store.writeSettings({
    [SETTINGS.user]: user,
    [SETTINGS.password]: hash,
    [SETTINGS.secret]: crypto.randomBytes(32).toString('hex'),
  });
}

/** readCredentials reads the stored credentials; undefined when no password was ever set. */
export async function readCredentials(store: Store): Promise<Credentials | undefined> {
  const s = await store.readSettings();
  const hash = s[SETTINGS.password];
  const secret = s[SETTINGS.secret];
  if (!hash || !secret) return undefined;
  return { user: s[SETTINGS.user] || DEFAULT_USER, hash, secret: Buffer.from(secret, 'hex') };
}

/** RELOAD_MS: credentials are read again at most this often, so a new password counts without a restart. */
export const RELOAD_MS = 2000;

/**
 * Auth checks logins and tokens against the stored credentials, read again when older than
 * RELOAD_MS: another process (`inkzee serve --set-password`, or a second server) may have changed them.
 */
export class Auth {
  private cached: Credentials | undefined;
  private readAt = -Infinity;
  private reading: Promise<Credentials | undefined> | undefined;

  constructor(
    private readonly store: Store,
    private readonly clock: () => number = () => performance.now(),
  ) {}

  /** credentials returns the stored credentials, reading them again when they may be stale. */
  async credentials(): Promise<Credentials | undefined> {
    if (this.clock() - this.readAt < RELOAD_MS) return this.cached;
    this.reading ??= readCredentials(this.store)
      .then((c) => {
        this.cached = c;
        this.readAt = this.clock();
        return c;
      })
      .finally(() => {
        this.reading = undefined;
      });
    return this.reading;
  }

  /** login checks a user name and password and returns the Auth token, or undefined. */
  async login(user: string, password: string): Promise<string | undefined> {
    const c = await this.credentials();
    if (!c) return undefined;
    // The hash is checked even for a wrong user name, so the answer takes as long either way.
    const ok = await this.oneHashAtATime(() => verifyPassword(password, c.hash));
    return ok && sameText(user, c.user) ? authToken(c) : undefined;
  }

  // Each scrypt takes 32 MiB: logins arriving together wait for each other rather than add up.
  private hashing: Promise<unknown> = Promise.resolve();
  private oneHashAtATime<T>(fn: () => Promise<T>): Promise<T> {
    const run = this.hashing.then(fn, fn);
    this.hashing = run.catch(() => {});
    return run;
  }

  /** userFor returns the credentials an `Authorization: GoogleLogin auth=…` header proves, or undefined. */
  async userFor(header: string | undefined): Promise<Credentials | undefined> {
    const m = /^GoogleLogin\s+auth=(\S+)\s*$/i.exec(header ?? '');
    if (!m) return undefined;
    const c = await this.credentials();
    return c && sameText(m[1], authToken(c)) ? c : undefined;
  }

  /** writeAllowed says whether a T parameter (trailing whitespace trimmed: newsboat sends a newline) is the user's. */
  writeAllowed(c: Credentials, t: string | null): boolean {
    return t !== null && sameText(t.trimEnd(), writeToken(c));
  }
}
