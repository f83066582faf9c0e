import type { Store } from './contract.js';

export { storeIsDown } from './shared/faults.js';

/** isPostgresUrl tells a PostgreSQL connection URL from a SQLite file path. */
export function isPostgresUrl(location: string): boolean {
  return /^postgres(ql)?:\/\//i.test(location);
}

/**
 * openStoreAt opens the store a location names: a `postgres://` URL is the shared PostgreSQL
 * store, anything else a SQLite file (created if missing). Each engine's module (and its driver)
 * is loaded only when a store of that engine is opened.
 */
export async function openStoreAt(location: string): Promise<Store> {
  if (isPostgresUrl(location)) {
    const { openPostgres } = await import('./postgres/index.js');
    return openPostgres(location);
  }
  const { openSqlite } = await import('./sqlite/index.js');
  return openSqlite(location);
}
