// Which failures of a crawl's write are the store's as a whole and which are one feed's. A feed
// whose rows the store refuses (a constraint, a value it cannot hold, a statement cut short by a
// deadlock, a bug met with that feed's data) fails alone and the run goes on; a store that cannot
// be reached, is full, read-only or corrupt would fail every feed alike, so the run ends with
// that one line instead of writing an error streak onto every feed. Both engines' errors are
// read here by their codes, without loading either driver.
import { StoreError } from '../../errors.js';

// SQLSTATE classes (https://www.postgresql.org/docs/current/errcodes-appendix.html) that one
// statement's data or timing causes: 21 cardinality, 22 data exception (invalid byte sequence,
// value too long), 23 integrity constraint, 40 transaction rollback (serialization failure,
// deadlock), 54 program limit (an index row over its maximum size, a tsvector over 1 MB).
const ONE_FEEDS = new Set(['21', '22', '23', '40', '54']);

// pg's own messages, without a code, for a connection lost or never made.
const CONNECTION =
  /connection terminated|connection timeout|timeout exceeded when trying to connect|timeout expired|client was closed|client has encountered a connection error|cannot use a pool after calling end/i;

/**
 * storeIsDown tells whether an error thrown by a crawl's write (recordFetch, recordFailure) means
 * the store itself is out of service rather than refusing one feed's rows. SQLite's StoreErrors
 * are faults of the file (storeFault names only those mid-command; a constraint stays a raw
 * SqliteError); PostgreSQL's StoreErrors wrap every error, so their cause's SQLSTATE decides.
 */
export function storeIsDown(err: unknown): boolean {
  if (!(err instanceof StoreError)) return false;
  type Cause = { name?: unknown; code?: unknown; message?: unknown; errors?: unknown };
  let cause = err.cause as Cause | null | undefined;
  if (!cause || typeof cause !== 'object') return true;
  // A host name with several addresses fails to connect with an AggregateError, one error per address.
  if (Array.isArray(cause.errors) && cause.errors.length) cause = cause.errors[0] as Cause;
  if (!cause || typeof cause !== 'object') return true;
  if (cause.name === 'SqliteError') return true;
  const code = typeof cause.code === 'string' ? cause.code : '';
  if (/^[0-9A-Z]{5}$/.test(code) && /\d/.test(code)) return !ONE_FEEDS.has(code.slice(0, 2));
  // ECONNREFUSED, ETIMEDOUT, EPIPE …: the way to the server.
  if (code) return true;
  return CONNECTION.test(typeof cause.message === 'string' ? cause.message : '');
}
