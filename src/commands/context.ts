import type { Config } from '../config.js';
import type { Output } from '../output/output.js';
import type { Store } from '../store/contract.js';

/** Context is what every command receives: resolved config, the output, a clock and the store. */
export interface Context {
  readonly cfg: Config;
  readonly out: Output;
  readonly now: () => Date;
  /** Aborts when the user interrupts (SIGINT/SIGTERM): stop starting work, keep what is done. */
  readonly signal: AbortSignal;
  /** store opens the database on first use and returns the same store afterwards. */
  store(): Promise<Store>;
  /** close releases the database if it was opened. */
  close(): Promise<void>;
}

/** createContext builds the Context for one CLI invocation. */
export function createContext(
  cfg: Config,
  out: Output,
  now: () => Date = () => new Date(),
  signal: AbortSignal = new AbortController().signal,
): Context {
  let opening: Promise<Store> | undefined;
  return {
    cfg,
    out,
    now,
    signal,
    // The store's modules (SQLite, its migrations) load on first use: --help, --version and usage
    // errors never pay for them.
    store: () => (opening ??= import('../store/open.js').then((m) => m.openStoreAt(cfg.dbPath))),
    close: async () => {
      const s = opening;
      opening = undefined;
      // A store that failed to open has nothing to close.
      await s?.then(
        (store) => store.close(),
        () => {},
      );
    },
  };
}
