import type { Store } from './contract.js';
import { openSqlite } from './sqlite.js';

/** isPostgresUrl tells a PostgreSQL connection URL from a SQLite file path. */
export function isPostgresUrl(location: string): boolean {
  return /^postgres(ql)?:\/\//i.test(location);
}

/**
 * openStoreAt opens the store a location names: a `postgres://` URL is the shared PostgreSQL
 * store (its module loaded only then), anything else a SQLite file (created if missing).
 */
export async function openStoreAt(location: string): Promise<Store> {
  if (isPostgresUrl(location)) {
    const { openPostgres } = await import('./postgres/index.js');
    return openPostgres(location);
  }
  return openSqlite(location);
}
