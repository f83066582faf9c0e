import type { Config } from '../config.js';
import type { Output } from '../output/output.js';
import { openStore, type Store } from '../store/db.js';

/** Context is what every command receives: resolved config, the output, a clock and the store. */
export interface Context {
  readonly cfg: Config;
  readonly out: Output;
  readonly now: () => Date;
  /** Aborts when the user interrupts (SIGINT/SIGTERM): stop starting work, keep what is done. */
  readonly signal: AbortSignal;
  /** store opens the database on first use and returns the same handle afterwards. */
  store(): Store;
  /** close releases the database if it was opened. */
  close(): void;
}

/** createContext builds the Context for one CLI invocation. */
export function createContext(cfg: Config, out: Output, now: () => Date = () => new Date(), signal: AbortSignal = new AbortController().signal): Context {
  let db: Store | undefined;
  return {
    cfg, out, now, signal,
    store: () => (db ??= openStore(cfg.dbPath)),
    close: () => { db?.close(); db = undefined; },
  };
}
