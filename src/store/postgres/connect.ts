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
}

/** PgOptions tune openPostgres; tests shorten the connection timeout. */
export interface PgOptions {
  /** Most connections the pool opens at once (default 10, or the URL's ?pool=N). */
  max?: number;
  connectionTimeoutMs?: number;
}

/** CONNECT_TIMEOUT_MS is how long opening a connection may take before it is a one-line error. */
const CONNECT_TIMEOUT_MS = 10_000;

// int8 (ids, count(*)) and numeric (sum of bigint) come back as JS numbers, not strings: ids stay
// far below 2^53. Set on this pool's own types so other users of pg in the process are unaffected.
const types = {
  getTypeParser(oid: number, format?: 'text' | 'binary') {
    if (oid === 20 || oid === 1700) return (v: string) => Number(v);
    return pg.types.getTypeParser(oid, format);
  },
};

/** describeUrl parses a postgres:// URL into what a Pg names it by, and the pool size it asks for. */
export function describeUrl(url: string): { location: string; where: string; connectionString: string; pool?: number } {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    // Never echo the text: it may hold a password.
    throw new StoreError('cannot open PostgreSQL: the URL is not valid (postgres://user@host:port/database)');
  }
  const pool = u.searchParams.get('pool');
  u.searchParams.delete('pool');
  const connectionString = u.href;
  const db = decodeURIComponent(u.pathname.replace(/^\//, '')) || decodeURIComponent(u.username) || 'postgres';
  // ?host=/run/postgresql names a Unix socket directory instead of the URL's host.
  const where = `${u.searchParams.get('host') || u.hostname || 'localhost'}:${u.searchParams.get('port') || u.port || '5432'}/${db}`;
  u.password = '';
  u.searchParams.delete('password');
  // Digits only, as for flags: Number() would take '0x10' as 16 and '1e2' as 100.
  const n = pool === null ? undefined : /^\d+$/.test(pool) ? Number(pool) : NaN;
  if (n !== undefined && !(Number.isInteger(n) && n >= 1 && n <= 1000)) throw new StoreError(`cannot open ${where}: ?pool=${pool} is not a whole number from 1 to 1000`);
  return { location: u.href, where, connectionString, pool: n };
}

/** connectPool makes the pool (connections open lazily, on first use). */
export function connectPool(url: string, o: PgOptions = {}): Pg {
  const d = describeUrl(url);
  const pool = new pg.Pool({
    connectionString: d.connectionString, max: o.max ?? d.pool ?? 10, types,
    connectionTimeoutMillis: o.connectionTimeoutMs ?? CONNECT_TIMEOUT_MS, application_name: 'inkzee',
  });
  // An idle connection the server drops (restart, idle timeout) must not crash the process: the
  // pool discards it, and the next query opens another or reports a one-line error.
  pool.on('error', () => {});
  return { pool, location: d.location, where: d.where };
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
  return code in CONNECT_CAUSES || code.startsWith('28') || code === '3D000' || code.startsWith('08') || code === '57P03'
    || /connection timeout|timeout expired|Connection terminated/i.test(e?.message ?? '');
}

/**
 * pgFault turns a pg error into a one-line StoreError naming host:port/database (never the
 * password): "cannot connect to PostgreSQL at 127.0.0.1:5999/inkzee: connection refused", or for a
 * statement "cannot write 127.0.0.1:5432/inkzee: <message> (SQLSTATE 23505)".
 */
export function pgFault(db: Pick<Pg, 'where'>, err: unknown, doing: 'open' | 'read' | 'write' = 'write'): StoreError {
  if (err instanceof StoreError) return err;
  const e = err as { code?: unknown; message?: string; errors?: unknown[] };
  // A host name with several addresses fails with an AggregateError of one error per address.
  const first = (Array.isArray(e?.errors) && e.errors.length ? e.errors[0] : e) as { code?: unknown; message?: string };
  const code = typeof first?.code === 'string' ? first.code : '';
  const text = (first?.message ?? String(err)).replace(/\s+/g, ' ').trim();
  if (isConnectFault(first)) {
    const cause = CONNECT_CAUSES[code] ?? (/timeout/i.test(text) && !code ? 'timed out' : text);
    return new StoreError(`cannot connect to PostgreSQL at ${db.where}: ${cause}`, { cause: err });
  }
  return new StoreError(`cannot ${doing} ${db.where}: ${text}${/^[0-9A-Z]{5}$/.test(code) ? ` (SQLSTATE ${code})` : ''}`, { cause: err });
}

/** query runs one statement with bound parameters and returns its rows, or throws a one-line StoreError. */
export async function query<R extends object = Record<string, any>>(db: Pg, sql: string, params: unknown[] = [], doing: 'read' | 'write' = 'read'): Promise<R[]> {
  try {
    return (await db.pool.query(sql, params)).rows as R[];
  } catch (err) {
    throw pgFault(db, err, doing);
  }
}

/**
 * transaction runs fn inside BEGIN … COMMIT on one pooled client, rolling back if it throws; the
 * client goes back to the pool either way (destroyed if the rollback itself failed).
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
    await client.query('BEGIN');
    const result = await fn(client);
    await client.query('COMMIT');
    return result;
  } catch (err) {
    await client.query('ROLLBACK').catch((e: Error) => { broken = e; });
    throw pgFault(db, err, 'write');
  } finally {
    client.release(broken);
  }
}
