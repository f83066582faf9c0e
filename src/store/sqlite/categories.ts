// The stored folder paths, read for shell completion (its counterpart is ../postgres/categories.ts):
// the file must exist — completing a word never creates a database — and is only read, never
// migrated, with none of the engine's other modules loaded. Not opened read-only: a read-only
// connection cannot remove the -wal and -shm files it makes beside a closed database.
import Database from 'better-sqlite3';

/** storedCategories lists the distinct category values (stored form) of an existing SQLite file. */
export function storedCategories(file: string): string[] {
  const db = new Database(file, { fileMustExist: true, timeout: 1000 });
  try {
    return db.prepare('SELECT DISTINCT category FROM feeds').pluck().all() as string[];
  } finally {
    db.close();
  }
}
