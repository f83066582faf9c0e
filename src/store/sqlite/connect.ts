import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { StoreError, errnoText, storeFault } from '../../errors.js';
import { migrations, type Migration } from './migrations.js';

/** Db is an open Inkzee database. */
export type Db = Database.Database;

/** BUSY_TIMEOUT_MS is how long a write waits for another program's lock before giving up. */
const BUSY_TIMEOUT_MS = 10_000;

// Statements a crawl runs for every feed, prepared once per connection: preparing one (an FTS5
// statement especially) costs more CPU than running it.
const statements = new WeakMap<Db, Map<string, Database.Statement>>();

/** prepared returns db's statement for sql, preparing it on first use (for statements run per feed). */
export function prepared(db: Db, sql: string): Database.Statement {
  let m = statements.get(db);
  if (!m) statements.set(db, (m = new Map()));
  let st = m.get(sql);
  if (!st) m.set(sql, (st = db.prepare(sql)));
  return st;
}

/** StoreOptions tune openStore; tests shorten the busy timeout. */
export interface StoreOptions {
  busyTimeoutMs?: number;
}

const cannotOpen = (file: string, cause: string, err?: unknown) => new StoreError(`cannot open ${file}: ${cause}`, { cause: err });

/** kindOf stats p without throwing: 'dir', 'file', 'other', 'missing', or the errno of a failed stat. */
function kindOf(p: string): 'dir' | 'file' | 'other' | 'missing' | NodeJS.ErrnoException {
  try {
    const st = fs.statSync(p, { throwIfNoEntry: false });
    if (!st) return 'missing';
    return st.isDirectory() ? 'dir' : st.isFile() ? 'file' : 'other';
  } catch (err) {
    // ENOTDIR: a component above is a file; the walk up finds and names it.
    return (err as NodeJS.ErrnoException).code === 'ENOTDIR' ? 'missing' : (err as NodeJS.ErrnoException);
  }
}

function writable(p: string): NodeJS.ErrnoException | null {
  try {
    fs.accessSync(p, fs.constants.R_OK | fs.constants.W_OK);
    return null;
  } catch (err) {
    return err as NodeJS.ErrnoException;
  }
}

/**
 * prepareDbPath makes sure file can hold a database, or throws a one-line StoreError naming it
 * and the cause: its directory is created one level at a time (Node's recursive mkdir loops
 * forever on procfs, where mkdir answers ENOENT), and a directory, a path under a file, and a
 * read-only file or directory are refused before SQLite sees them.
 */
export function prepareDbPath(file: string): void {
  if (file === ':memory:') return;
  const abs = path.resolve(file);
  const target = kindOf(abs);
  if (target === 'dir' || /[\\/]$/.test(file)) {
    throw cannotOpen(
      file,
      `${target === 'dir' ? 'it is a directory' : 'it ends with a slash, naming a directory'}; name a file inside it, e.g. --db ${path.join(file, 'inkzee.db')}`,
    );
  }
  if (target === 'other') throw cannotOpen(file, 'not a regular file');
  if (typeof target === 'object') throw cannotOpen(file, `cannot reach it (${errnoText(target)})`, target);
  const dir = path.dirname(abs);
  const missing: string[] = [];
  let up = dir;
  for (let k = kindOf(up); k !== 'dir'; k = kindOf(up)) {
    if (k === 'file' || k === 'other') throw cannotOpen(file, `${up} is not a directory`);
    if (typeof k === 'object') throw cannotOpen(file, `cannot reach ${up} (${errnoText(k)})`, k);
    missing.unshift(up);
    up = path.dirname(up);
  }
  for (const d of missing) {
    try {
      fs.mkdirSync(d);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'EEXIST' && kindOf(d) === 'dir') continue; // made by a concurrent run
      throw cannotOpen(file, `no such directory ${dir} (creating ${d}: ${errnoText(err)})`, err);
    }
  }
  // SQLite writes the -wal and -shm files beside the database, so both must be writable.
  const roFile = target === 'file' ? writable(abs) : null;
  if (roFile) throw cannotOpen(file, `the file is read-only (${errnoText(roFile)})`, roFile);
  const roDir = writable(dir);
  if (roDir)
    throw cannotOpen(file, `its directory ${dir} is read-only; SQLite writes its -wal and -shm files there (${errnoText(roDir)})`, roDir);
}

/**
 * beginImmediate makes db.transaction(fn)() start with BEGIN IMMEDIATE (write lock taken at once,
 * waiting through the busy timeout) instead of a deferred BEGIN. A deferred transaction that
 * reads and then writes fails at once with SQLITE_BUSY_SNAPSHOT when another process (a
 * `classify` labelling during a `refresh`) committed in between: in WAL mode the busy handler
 * cannot help a stale snapshot (https://sqlite.org/isolation.html, https://sqlite.org/lang_transaction.html).
 * Nested calls still become savepoints, and .deferred stays available for read-only snapshots.
 */
function beginImmediate(db: Db): void {
  const make = db.transaction.bind(db);
  db.transaction = ((fn: (...args: any[]) => unknown) => {
    const t = make(fn);
    const run = (...args: unknown[]) => t.immediate(...args);
    return Object.assign(run, { default: run, deferred: t.deferred, immediate: t.immediate, exclusive: t.exclusive });
  }) as Db['transaction'];
}

/**
 * openStore opens (creating if needed) the database at file, or an in-memory one for ":memory:",
 * sets WAL mode and foreign keys, and brings the schema up to date. A database written by a newer
 * Inkzee is refused rather than misread; an unusable path, a file that is not a database, a lock
 * held too long by another program or a full disk is a one-line StoreError naming the file.
 */
export function openStore(file: string, o: StoreOptions = {}): Db {
  prepareDbPath(file);
  const timeout = o.busyTimeoutMs ?? BUSY_TIMEOUT_MS;
  let db: Db | undefined;
  try {
    db = new Database(file, { timeout });
    // WAL: readers (items, search) never wait for a crawl that is writing, nor block it.
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = NORMAL');
    db.pragma('foreign_keys = ON');
    // A 4 MiB page cache instead of better-sqlite3's 16 MiB: storing 2,000 farm feeds cost the same
    // CPU with either (the OS caches the file too), and a crawl's peak RSS is 12-16 MB lower.
    db.pragma('cache_size = -4000');
    beginImmediate(db);
    migrate(db, file);
  } catch (err) {
    db?.close();
    throw storeFault(file, err, 'open') ?? err;
  }
  return db;
}

/** migrate runs, in one transaction, every migration the database has not seen yet. */
export function migrate(db: Db, file: string, list: readonly Migration[] = migrations): void {
  let version: number;
  try {
    version = db.pragma('user_version', { simple: true }) as number;
  } catch (err) {
    throw storeFault(file, err, 'open') ?? err;
  }
  if (version > list.length) {
    throw new StoreError(
      `cannot open ${file}: database schema version ${version} is newer than this Inkzee understands (${list.length}); upgrade Inkzee`,
    );
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
