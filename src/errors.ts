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

/** UsageError is a bad flag, argument or combination of them (exit 2). */
export class UsageError extends InkzeeError {
  constructor(message: string) {
    super(message, 'usage', EXIT.usage);
  }
}

/** InputError names an input (file, URL, stdin) that cannot be used, e.g. a file that is not OPML. */
export class InputError extends InkzeeError {
  constructor(readonly input: string, problem: string, code = 'bad-input') {
    super(`${input}: ${problem}`, code, EXIT.failure);
  }
}

/** StoreError is a database that cannot be opened, migrated or written. */
export class StoreError extends InkzeeError {
  constructor(message: string, options?: { cause?: unknown }) {
    super(`store: ${message}`, 'store', EXIT.failure, options);
  }
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

/** PartialFailure ends a crawl in which some feeds failed while the rest were stored (exit 3). */
export class PartialFailure extends InkzeeError {
  constructor(message: string) {
    super(message, 'partial', EXIT.partial);
  }
}
