import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { StoreError } from '../errors.js';
import { migrations, type Migration } from './migrations.js';

/** Store is an open Inkzee database. */
export type Store = Database.Database;

/**
 * openStore opens (creating if needed) the database at file, or an in-memory one for ":memory:",
 * sets WAL mode and foreign keys, and brings the schema up to date. A database written by a newer
 * Inkzee is refused rather than misread.
 */
export function openStore(file: string): Store {
  if (file !== ':memory:') {
    try {
      fs.mkdirSync(path.dirname(path.resolve(file)), { recursive: true });
    } catch (err) {
      throw new StoreError(`${file}: cannot create its directory (${(err as NodeJS.ErrnoException).code})`, { cause: err });
    }
  }
  let db: Store;
  try {
    db = new Database(file);
    db.pragma('journal_mode = WAL');
    db.pragma('busy_timeout = 10000');
    db.pragma('synchronous = NORMAL');
    db.pragma('foreign_keys = ON');
  } catch (err) {
    throw new StoreError(`${file}: cannot open database (${(err as Error).message})`, { cause: err });
  }
  try {
    migrate(db, file);
  } catch (err) {
    db.close();
    throw err;
  }
  return db;
}

/** migrate runs, in one transaction, every migration the database has not seen yet. */
export function migrate(db: Store, file: string, list: readonly Migration[] = migrations): void {
  let version: number;
  try {
    version = db.pragma('user_version', { simple: true }) as number;
  } catch (err) {
    throw new StoreError(`${file}: not an Inkzee database (${(err as Error).message})`, { cause: err });
  }
  if (version > list.length) {
    throw new StoreError(`${file}: database schema version ${version} is newer than this Inkzee understands (${list.length}); upgrade Inkzee`);
  }
  if (version === list.length) return;
  db.transaction(() => {
    for (let v = version; v < list.length; v++) {
      const step = list[v];
      if (typeof step === 'string') db.exec(step);
      else step(db);
    }
    db.pragma(`user_version = ${list.length}`);
  }).immediate();
}
