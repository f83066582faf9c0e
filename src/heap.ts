// V8 settings that keep the process's memory near what it holds live. V8's defaults are tuned for
// long-running servers: a young generation that grows to 2 x 16 MB and an old generation allowed
// to grow to several times its live data before the next full collection. A crawl keeps ~20-40 MB
// live but passed 180 MB of RSS with them (issue 12, part 3). These flags are applied at run
// time, before any of it is allocated, since `inkzee` is also started as `node bin/inkzee.js`
// where a shebang's flags would not reach it.
import v8 from 'node:v8';
import type { Worker } from 'node:worker_threads';

/**
 * LEAN_FLAGS are what each setting buys, measured on the 698-feed farm import (bench:cpu):
 * - `--liftoff-only`: undici's HTTP parser (llhttp, WebAssembly) stays on V8's baseline compiler;
 *   optimizing it took a ~35 MB transient spike and ~10 MB kept, for no measurable CPU.
 * - `--heap-growing-percent=30`: a full collection once the old generation has grown 30 % past
 *   what the last one left live (V8 lets it reach 1.1-4 x): old space ~64 -> ~28 MB.
 * - `--semi-space-growth-factor=1`: the young generation stays at its initial 2 x 1 MB instead of
 *   growing to 2 x 16 MB (`--max-semi-space-size` cannot be changed once V8 runs; a growth factor
 *   of 1 stops the growth instead).
 * Each is left out when the user's own node flags set it (`node --max-semi-space-size=16 …`).
 */
const LEAN_FLAGS: ReadonlyArray<{ flag: string; unlessUser: RegExp }> = [
  { flag: '--liftoff-only', unlessUser: /^--(no-)?liftoff|^--(no-)?wasm-tier-up/ },
  { flag: '--heap-growing-percent=30', unlessUser: /^--heap[-_]growing[-_]percent/ },
  { flag: '--semi-space-growth-factor=1', unlessUser: /^--(max|min)[-_]semi[-_]space[-_]size|^--semi[-_]space[-_]growth[-_]factor/ },
];

/** leanHeap applies LEAN_FLAGS to this process; `userFlags` are node's own flags (execArgv and NODE_OPTIONS). */
export function leanHeap(userFlags: string[] = [...process.execArgv, ...(process.env.NODE_OPTIONS ?? '').split(/\s+/)]): void {
  const flags = LEAN_FLAGS.filter((f) => !userFlags.some((u) => f.unlessUser.test(u))).map((f) => f.flag);
  const apply = () => {
    for (const f of flags) v8.setFlagsFromString(f);
  };
  apply();
  // V8 raises the growth factor back to 2 whenever a new isolate configures its heap, as each parse
  // worker's does: set it again once the worker runs.
  if (flags.some((f) => f.startsWith('--semi-space'))) process.on('worker', (w: Worker) => w.once('online', apply));
}
