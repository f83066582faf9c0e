import type { Store } from './contract.js';
import { folderNames } from './shared/folders.js';

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

/**
 * storedFolderPaths lists the folder paths feeds are filed under, each with the folders above it
 * (`--category Technology` takes in Technology/Programming), as people write them, sorted: for
 * shell completion. It only reads — a SQLite file must exist (it is not created) and no schema is
 * migrated — and loads only the engine's small reader, not the store.
 */
export async function storedFolderPaths(location: string): Promise<string[]> {
  const stored = isPostgresUrl(location)
    ? await (await import('./postgres/categories.js')).storedCategories(location)
    : (await import('./sqlite/categories.js')).storedCategories(location);
  const paths = new Set<string>();
  for (const category of stored) {
    const names = folderNames(category);
    for (let depth = 1; depth <= names.length; depth++) paths.add(names.slice(0, depth).join('/'));
  }
  return [...paths].sort();
}
