// The connection to a PostgreSQL store: a bounded pg.Pool with its own type parsers, the
// database's name for messages (never the password), one-line errors, and transactions on one
// pooled client.
import pg from 'pg';
import { StoreError } from '../../errors.js';

/** Pg is an open PostgreSQL store's pool with the names it goes by in messages. */
export interface Pg {
  pool: pg.Pool;
  /** The URL without its password (Store.location). */
  location: string;
  /** host:port/database, as connection errors name it. */
  where: string;
  /** How long one statement may go unanswered before it is an error (ms). */
  timeoutMs?: number;
  /** How long opening a connection may take (ms). */
  connectTimeoutMs?: number;
}

/** PgOptions tune openPostgres; tests shorten the timeouts. */
export interface PgOptions {
  /** Most connections the pool opens at once (default 10, or the URL's ?pool=N). */
  max?: number;
  /** How long opening a connection may take (default: the answer timeout). */
  connectionTimeoutMs?: number;
  /** How long a statement may go unanswered (default 30 s, or the URL's ?timeout=S). */
  timeoutMs?: number;
}

/**
 * ANSWER_TIMEOUT_MS bounds every wait on the database: a connection, or one statement's answer.
 * A server that stops answering (a frozen VM, a half-open connection) would otherwise hang a
 * worker for good; ?timeout=S in the URL changes it.
 */
const ANSWER_TIMEOUT_MS = 30_000;
/** Idle connections are probed by TCP keepalive after this long, so a vanished server is noticed. */
const KEEPALIVE_MS = 10_000;

// int8 (ids, count(*)) and numeric (sum of bigint) come back as JS numbers, not strings: ids stay
// far below 2^53. Set on this pool's own types so other users of pg in the process are unaffected.
const types = {
  getTypeParser(oid: number, format?: 'text' | 'binary') {
    if (oid === 20 || oid === 1700) return (v: string) => Number(v);
    return pg.types.getTypeParser(oid, format);
  },
};

/** libpq's sslmode values (https://www.postgresql.org/docs/current/libpq-ssl.html). */
const SSL_MODES = new Set(['disable', 'allow', 'prefer', 'require', 'verify-ca', 'verify-full']);

const invalid = (why: string) => new StoreError(`cannot open PostgreSQL: the URL is not valid: ${why}`);

/** UrlParts are what a postgres:// URL names, as connectPool uses it. */
export interface UrlParts {
  location: string;
  where: string;
  connectionString: string;
  pool?: number;
  timeoutMs?: number;
}

/**
 * describeUrl parses a postgres:// URL into what a Pg names it by, the pool size and answer
 * timeout it asks for (?pool=N, ?timeout=S, both Inkzee's own and not passed on), and the
 * connection string pg is given. libpq's forms are accepted: `postgres://user@/db?host=/run/postgresql`
 * (a Unix socket directory, no host in the authority) and `?sslmode=` with libpq's meanings.
 */
export function describeUrl(url: string): UrlParts {
  // Never echo the text in an error: it may hold a password.
  if (/%(?![0-9a-fA-F]{2})/.test(url)) throw invalid('a % must start an escape such as %25 (a literal %) or %40 (@)');
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    // WHATWG URLs refuse an empty host after a user name (libpq's socket form): parse it with a
    // placeholder host, which a ?host= parameter overrides (pg-connection-string does the same).
    try {
      u = new URL(url.replace(/^(postgres(?:ql)?:\/\/[^/?#]*@)(?=[/?#]|$)/i, '$1localhost'));
    } catch {
      throw invalid('expected postgres://user@host:port/database');
    }
    if (!u.searchParams.get('host')) throw invalid('no host (give one, or ?host=/socket/directory)');
  }
  if (u.protocol !== 'postgres:' && u.protocol !== 'postgresql:') throw invalid('expected postgres://user@host:port/database');
  const pool = u.searchParams.get('pool');
  const timeout = u.searchParams.get('timeout');
  u.searchParams.delete('pool');
  u.searchParams.delete('timeout');
  const db = decodeURIComponent(u.pathname.replace(/^\//, '')) || decodeURIComponent(u.username) || 'postgres';
  // ?host=/run/postgresql names a Unix socket directory instead of the URL's host.
  const where = `${u.searchParams.get('host') || u.hostname || 'localhost'}:${u.searchParams.get('port') || u.port || '5432'}/${db}`;
  const sslmode = u.searchParams.get('sslmode');
  if (sslmode !== null) {
    if (!SSL_MODES.has(sslmode))
      throw new StoreError(`cannot open ${where}: ?sslmode=${sslmode} is not one of ${[...SSL_MODES].join(', ')}`);
    if (sslmode === 'verify-ca' && !u.searchParams.get('sslrootcert'))
      throw new StoreError(`cannot open ${where}: ?sslmode=verify-ca needs ?sslrootcert=FILE (the CA to verify against)`);
    // libpq's meanings, without pg's nine-line deprecation warning about its own: 'require' encrypts
    // without verifying, 'verify-full' verifies the name too. pg cannot fall back to plain
    // text, so 'allow' (plain first) is plain text, and 'prefer' is 'require'.
    if (sslmode === 'allow') u.searchParams.set('sslmode', 'disable');
    if (!u.searchParams.has('uselibpqcompat')) u.searchParams.set('uselibpqcompat', 'true');
  }
  const connectionString = u.href;
  u.password = '';
  u.searchParams.delete('password');
  u.searchParams.delete('uselibpqcompat');
  if (sslmode !== null) u.searchParams.set('sslmode', sslmode);
  // Digits only, as for flags: Number() would take '0x10' as 16 and '1e2' as 100.
  const n = pool === null ? undefined : /^\d+$/.test(pool) ? Number(pool) : NaN;
  if (n !== undefined && !(Number.isInteger(n) && n >= 1 && n <= 1000))
    throw new StoreError(`cannot open ${where}: ?pool=${pool} is not a whole number from 1 to 1000`);
  const t = timeout === null ? undefined : /^\d+(\.\d+)?$/.test(timeout) ? Number(timeout) : NaN;
  if (t !== undefined && !(t > 0 && t <= 86_400))
    throw new StoreError(`cannot open ${where}: ?timeout=${timeout} is not a number of seconds from 0 to 86400`);
  return { location: u.href, where, connectionString, pool: n, timeoutMs: t === undefined ? undefined : Math.round(t * 1000) };
}

/** connectPool makes the pool (connections open lazily, on first use). */
export function connectPool(url: string, o: PgOptions = {}): Pg {
  const d = describeUrl(url);
  const timeoutMs = o.timeoutMs ?? d.timeoutMs ?? ANSWER_TIMEOUT_MS;
  const connectTimeoutMs = o.connectionTimeoutMs ?? timeoutMs;
  const pool = new pg.Pool({
    connectionString: d.connectionString,
    max: o.max ?? d.pool ?? 10,
    types,
    connectionTimeoutMillis: connectTimeoutMs,
    query_timeout: timeoutMs,
    keepAlive: true,
    keepAliveInitialDelayMillis: KEEPALIVE_MS,
    application_name: 'inkzee',
  });
  // An idle connection the server drops (restart, idle timeout) must not crash the process: the
  // pool discards it, and the next query opens another or reports a one-line error.
  pool.on('error', () => {});
  // Nor may a checked-out one that the server ends (idle in a transaction too long, an admin's
  // pg_terminate_backend): pg then emits 'error' on it with no listener; its query fails anyway.
  pool.on('connect', (client) => {
    client.on('error', () => {});
  });
  return { pool, location: d.location, where: d.where, timeoutMs, connectTimeoutMs };
}

// SQLSTATEs (https://www.postgresql.org/docs/15/errcodes-appendix.html) met while connecting.
const CONNECT_CAUSES: Record<string, string> = {
  ECONNREFUSED: 'connection refused',
  ENOTFOUND: 'unknown host',
  EAI_AGAIN: 'the host name could not be resolved',
  ETIMEDOUT: 'timed out',
  EHOSTUNREACH: 'host unreachable',
  ECONNRESET: 'the connection was reset',
};

/** isConnectFault says whether err happened reaching or logging into the server. */
function isConnectFault(e: { code?: unknown; message?: string }): boolean {
  const code = typeof e?.code === 'string' ? e.code : '';
  return (
    code in CONNECT_CAUSES ||
    code.startsWith('28') ||
    code === '3D000' ||
    code.startsWith('08') ||
    code === '57P03' ||
    /connection timeout|timeout expired|Connection terminated|timeout exceeded when trying to connect|does not support SSL/i.test(
      e?.message ?? '',
    )
  );
}

/**
 * pgFault turns a pg error into a one-line StoreError naming host:port/database (never the
 * password): "cannot connect to PostgreSQL at 127.0.0.1:5999/inkzee: connection refused", or for a
 * statement "cannot write 127.0.0.1:5432/inkzee: <message> (SQLSTATE 23505)".
 */
export function pgFault(
  db: Pick<Pg, 'where' | 'timeoutMs' | 'connectTimeoutMs'>,
  err: unknown,
  doing: 'open' | 'read' | 'write' = 'write',
): StoreError {
  if (err instanceof StoreError) return err;
  const within = (ms: number | undefined) => (ms === undefined ? '' : ` within ${ms / 1000} s`);
  // pg's query_timeout: the server took the statement and went quiet (stopped, overloaded, cut off).
  if (/^Query read timeout$/.test((err as Error)?.message ?? ''))
    return new StoreError(`PostgreSQL at ${db.where} did not answer${within(db.timeoutMs)}`, { cause: err });
  const e = err as { code?: unknown; message?: string; errors?: unknown[] };
  // A host name with several addresses fails with an AggregateError of one error per address.
  const first = (Array.isArray(e?.errors) && e.errors.length ? e.errors[0] : e) as { code?: unknown; message?: string };
  const code = typeof first?.code === 'string' ? first.code : '';
  const text = (first?.message ?? String(err)).replace(/\s+/g, ' ').trim();
  if (isConnectFault(first)) {
    const cause =
      CONNECT_CAUSES[code] ??
      (/timeout/i.test(text) && !code ? (db.connectTimeoutMs ? `it did not answer${within(db.connectTimeoutMs)}` : 'timed out') : text);
    return new StoreError(`cannot connect to PostgreSQL at ${db.where}: ${cause}`, { cause: err });
  }
  return new StoreError(`cannot ${doing} ${db.where}: ${text}${/^[0-9A-Z]{5}$/.test(code) ? ` (SQLSTATE ${code})` : ''}`, { cause: err });
}

/** query runs one statement with bound parameters and returns its rows, or throws a one-line StoreError. */
export async function query<R extends object = Record<string, any>>(
  db: Pg,
  sql: string,
  params: unknown[] = [],
  doing: 'read' | 'write' = 'read',
): Promise<R[]> {
  try {
    return (await db.pool.query(sql, params)).rows as R[];
  } catch (err) {
    throw pgFault(db, err, doing);
  }
}

/**
 * transaction runs fn inside BEGIN … COMMIT on one pooled client, rolling back if it throws; the
 * client goes back to the pool either way (destroyed if the rollback itself failed). A
 * transaction left waiting on its client for half the answer timeout is ended by the server.
 */
export async function transaction<T>(db: Pg, fn: (c: pg.PoolClient) => Promise<T>): Promise<T> {
  let client: pg.PoolClient;
  try {
    client = await db.pool.connect();
  } catch (err) {
    throw pgFault(db, err, 'write');
  }
  let broken: Error | undefined;
  try {
    // A process that stalls inside a transaction (a frozen VM) would hold its row locks, and stop
    // every other crawler, for as long as it stalls: the server ends such a transaction once it
    // has waited on the client for half the answer timeout, well before the others give up.
    const idleMs = Math.max(1, Math.round((db.timeoutMs ?? ANSWER_TIMEOUT_MS) / 2));
    await client.query(`BEGIN; SET LOCAL idle_in_transaction_session_timeout = ${idleMs}`); // a number of ours: nothing to bind
    const result = await fn(client);
    await client.query('COMMIT');
    return result;
  } catch (err) {
    await client.query('ROLLBACK').catch((e: Error) => {
      broken = e;
    });
    throw pgFault(db, err, 'write');
  } finally {
    client.release(broken);
  }
}

/** CONFLICT_TRIES is how many times retryingTransaction runs a transaction PostgreSQL ended for a conflict. */
const CONFLICT_TRIES = 5;

/**
 * retryingTransaction is transaction, run again when PostgreSQL ended it for a deadlock (SQLSTATE
 * 40P01) or a serialization failure (40001): such a transaction changed nothing, and another try
 * usually passes. Two writers that lock overlapping rows in different orders meet so — two marks,
 * a mark and a crawl, two crawlers filing copies of one story. fn must be safe to run again.
 */
export async function retryingTransaction<T>(db: Pg, fn: (c: pg.PoolClient) => Promise<T>, tries = CONFLICT_TRIES): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await transaction(db, fn);
    } catch (err) {
      const code = ((err as { cause?: { code?: unknown } }).cause ?? {}).code;
      if (attempt >= tries || (code !== '40P01' && code !== '40001')) throw err;
    }
  }
}
