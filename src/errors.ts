/** Exit codes shared by every command; the README documents them. */
export const EXIT = {
  ok: 0,
  failure: 1,
  usage: 2,
  partial: 3, // some feeds failed, the rest were stored
  locked: 75, // EX_TEMPFAIL: another run holds the lock
  interrupted: 130, // 128 + SIGINT
} as const;

/** InkzeeError is the root of every error the CLI reports as one line without a stack trace. */
export class InkzeeError extends Error {
  /** Stable machine-readable code, printed in --json error events. */
  readonly code: string;
  readonly exitCode: number;
  constructor(message: string, code = 'failure', exitCode: number = EXIT.failure, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
    this.code = code;
    this.exitCode = exitCode;
  }
}

/** shownValue is a user's value as a message quotes it: bare when plain, else as a JSON string (so '' and spaces show). */
export function shownValue(value: string): string {
  return /^[\x21-\x7e]+$/.test(value) ? value : JSON.stringify(value);
}

/** UsageError is a bad flag, argument or combination of them (exit 2). */
export class UsageError extends InkzeeError {
  constructor(message: string) {
    super(message, 'usage', EXIT.usage);
  }
}

/** InputError names an input (file, URL, stdin) that cannot be used, e.g. a file that is not OPML. */
export class InputError extends InkzeeError {
  constructor(
    readonly input: string,
    problem: string,
    code = 'bad-input',
  ) {
    super(`${input === '' ? '""' : input}: ${problem}`, code, EXIT.failure); // an empty name (an unset variable) still shows
  }
}

/** StoreError is a database that cannot be opened, migrated or written. */
export class StoreError extends InkzeeError {
  constructor(message: string, options?: { cause?: unknown }) {
    super(`store: ${message}`, 'store', EXIT.failure, options);
  }
}

/** errnoText is "ENOENT, no such file or directory" for a Node system error, else its message. */
export function errnoText(err: unknown): string {
  const e = err as NodeJS.ErrnoException;
  const words = /^[A-Z0-9_]+: ([^,]+)/.exec(e?.message ?? '')?.[1];
  return e?.code ? `${e.code}${words ? `, ${words}` : ''}` : String(e?.message ?? err);
}

// SQLite's primary result codes (https://sqlite.org/rescode.html) as the user's words for them.
const SQLITE_CAUSES: Record<string, string> = {
  SQLITE_BUSY: 'the database is locked by another program and stayed locked longer than the busy timeout',
  SQLITE_LOCKED: 'the database is locked by another program and stayed locked longer than the busy timeout',
  SQLITE_FULL: 'the disk is full; what was stored before is intact, free some space and run again',
  SQLITE_READONLY: 'the database is read-only',
  SQLITE_CANTOPEN: 'the file cannot be opened',
  SQLITE_NOTADB: 'not a SQLite database',
  SQLITE_CORRUPT: 'the database is corrupt',
  SQLITE_IOERR: 'an I/O error',
  SQLITE_PERM: 'permission denied',
};

/**
 * storeFault turns a SQLite error (better-sqlite3's SqliteError, recognised by name so that
 * this module loads no driver) into a one-line StoreError naming the database file and the
 * cause; any other error gives undefined. Without `doing` (a fault met after opening) only
 * faults of the file count, and are reported as a failed write: reads neither wait on locks in
 * WAL mode nor fill a disk.
 */
export function storeFault(file: string, err: unknown, doing?: 'open' | 'read' | 'write'): StoreError | undefined {
  if (err instanceof StoreError) return err;
  const e = err as { name?: string; code?: unknown; message?: string };
  if (e?.name !== 'SqliteError' || typeof e.code !== 'string') return undefined;
  const primary = /^SQLITE_[A-Z]+/.exec(e.code)?.[0] ?? e.code;
  // Met mid-command, only a fault of the file or its surroundings is the store's to report; a
  // constraint or SQL error there is a bug, and stays an internal error with its stack.
  if (doing === undefined && !(primary in SQLITE_CAUSES)) return undefined;
  const cause =
    e.code === 'SQLITE_BUSY_SNAPSHOT'
      ? 'another program wrote the database in the middle of this transaction'
      : (SQLITE_CAUSES[primary] ?? 'SQLite failed');
  doing ??= primary === 'SQLITE_NOTADB' || primary === 'SQLITE_CORRUPT' ? 'read' : 'write';
  const detail = (e.message ?? '').replace(/\s+/g, ' ').trim();
  return new StoreError(`cannot ${doing} ${file}: ${cause} (${detail ? `${detail}, ` : ''}${e.code})`, { cause: err });
}

/** LockedError means another inkzee run holds the database's run lock. */
export class LockedError extends InkzeeError {
  constructor(message: string) {
    super(message, 'locked', EXIT.locked);
  }
}

/** InterruptedError ends a run stopped by SIGINT/SIGTERM after committing what was done. */
export class InterruptedError extends InkzeeError {
  constructor(message = 'interrupted') {
    super(message, 'interrupted', EXIT.interrupted);
  }
}

/** PipeClosed ends output quietly when the reader of stdout went away (`inkzee items | head -1`). */
export class PipeClosed extends InkzeeError {
  constructor() {
    super('stdout closed', 'pipe-closed', EXIT.ok);
  }
}

/**
 * StdoutError is standard output that cannot be written: a full disk (`> /dev/full`), a closed or
 * read-only descriptor. One line and exit 1, like any output that cannot be written.
 */
export class StdoutError extends InkzeeError {
  constructor(cause: unknown) {
    super(
      `cannot write to standard output (${(cause as NodeJS.ErrnoException)?.code ?? String((cause as Error)?.message ?? cause)})`,
      'stdout',
      EXIT.failure,
      { cause },
    );
  }
}

/** PartialFailure ends a crawl in which some feeds failed while the rest were stored (exit 3). */
export class PartialFailure extends InkzeeError {
  constructor(message: string) {
    super(message, 'partial', EXIT.partial);
  }
}
