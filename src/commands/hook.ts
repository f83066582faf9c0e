// The hook on new items: after a crawl (a worker's round), one command run through the shell with
// the crawl's new items on standard input as NDJSON, as `items --json` writes them and as they are
// after the rules. Bounded in time; its failure is one line on stderr and changes nothing else.
import { spawn } from 'node:child_process';
import { constants } from 'node:os';
import type { Writable } from 'node:stream';
import type { Store } from '../store/contract.js';
import type { Output } from '../output/output.js';
import { itemRecord } from '../output/items.js';
import { DEFAULTS } from '../config.js';

/** DEFAULT_EXEC_TIMEOUT is how long the hook may run (seconds) when --exec-timeout is not given. */
export const DEFAULT_EXEC_TIMEOUT = DEFAULTS.execTimeout;

/** HookRun is how a hook ended: exit status 0, another status, a signal, a timeout, stopped by the user's interrupt, or not started. */
export type HookRun =
  | { kind: 'ok' }
  | { kind: 'interrupted' }
  | { kind: 'status'; status: number }
  | { kind: 'signal'; signal: string }
  | { kind: 'timeout'; seconds: number }
  | { kind: 'error'; error: string };

/** hookProblem is the one line a hook that did not end well is reported with, or undefined for one that did. */
export function hookProblem(cmd: string, r: HookRun): string | undefined {
  const name = `hook ${JSON.stringify(cmd)}`;
  const kept = 'the new items are stored';
  if (r.kind === 'ok') return undefined;
  if (r.kind === 'status') return `${name}: exited with status ${r.status}${r.status === 127 ? ' (command not found)' : ''}; ${kept}`;
  if (r.kind === 'signal') return `${name}: killed by ${r.signal}; ${kept}`;
  if (r.kind === 'timeout') return `${name}: still running after ${r.seconds} s (--exec-timeout), killed; ${kept}`;
  if (r.kind === 'interrupted') return `${name}: stopped by the interrupt; ${kept} and go to the next crawl's hook`;
  return `${name}: could not be started (${r.error}); ${kept}`;
}

// write resolves once the chunk is taken (or the pipe is gone: a hook need not read all of it).
async function write(w: Writable, text: string): Promise<boolean> {
  if (w.destroyed || w.writableEnded) return false;
  if (w.write(text)) return true;
  await new Promise<void>((resolve) => {
    const done = () => {
      w.off('drain', done).off('close', done).off('error', done);
      resolve();
    };
    w.on('drain', done).on('close', done).on('error', done);
  });
  return !w.destroyed;
}

/**
 * runHook runs `sh -c CMD` in a process group of its own with the items `ids` (in id order; each
 * the first of its story among them, see newStories) on its standard input, as NDJSON with alsoIn. Its standard output goes to Inkzee's standard error, so that it never
 * mixes with `--json` records; its standard error too. After `timeoutSec` its whole group is killed;
 * likewise at once when `signal` aborts (the user's SIGINT/SIGTERM: the group is in no terminal's
 * way to get it) and when Inkzee exits before it (a second interrupt's fast exit).
 */
export async function runHook(
  store: Store,
  cmd: string,
  ids: readonly number[],
  timeoutSec: number,
  signal?: AbortSignal,
): Promise<HookRun> {
  const child = spawn('sh', ['-c', cmd], { stdio: ['pipe', 2, 2], detached: true });
  let exited = false;
  const killOnExit = () => {
    if (!exited) killGroup(child.pid);
  };
  process.on('exit', killOnExit);
  const ended = new Promise<HookRun>((resolve) => {
    child.once('error', (err) => resolve({ kind: 'error', error: err.message }));
    child.once('exit', (code, sig) => {
      exited = true;
      resolve(code === 0 ? { kind: 'ok' } : code !== null ? { kind: 'status', status: code } : { kind: 'signal', signal: sig ?? '?' });
    });
  });
  let timedOut = false;
  let interrupted = false;
  const timer = setTimeout(() => {
    timedOut = true;
    killGroup(child.pid);
  }, timeoutSec * 1000);
  const onAbort = () => {
    interrupted = true;
    killGroup(child.pid);
  };
  if (signal?.aborted) onAbort();
  else signal?.addEventListener('abort', onAbort, { once: true });
  // A hook that exits without reading its input closes the pipe: EPIPE is its business, not an error here.
  const stdin = child.stdin!;
  stdin.on('error', () => {});
  const feeding = (async () => {
    try {
      for await (const it of store.items({ ids, afterId: 0, unique: true })) {
        if (!(await write(stdin, `${JSON.stringify(itemRecord(it))}\n`))) break;
        if (timedOut || interrupted) break;
      }
    } finally {
      stdin.end();
    }
  })().catch(() => {}); // a store that fails while the items are read: the hook gets what was read, then EOF
  try {
    const r = await ended;
    await feeding;
    return interrupted ? { kind: 'interrupted' } : timedOut ? { kind: 'timeout', seconds: timeoutSec } : r;
  } finally {
    clearTimeout(timer);
    signal?.removeEventListener('abort', onAbort);
    process.off('exit', killOnExit);
    // What the hook left running in its group (a backgrounded `sleep`) does not outlive it when it was cut short.
    if (timedOut || interrupted) killGroup(child.pid);
  }
}

function killGroup(pid: number | undefined): void {
  if (pid === undefined) return;
  try {
    process.kill(-pid, constants.signals.SIGKILL);
  } catch {
    /* gone already */
  }
}

/**
 * newStories picks, from new items, one per story (as `items --unique`: copies stored together come
 * once) and none of a story stored before them (its first copy older than all of them): no news.
 */
export async function newStories(store: Store, ids: readonly number[]): Promise<number[]> {
  const out: number[] = [];
  for await (const it of store.items({ ids, afterId: 0, unique: true })) if (!it.alsoIn?.some((c) => c.id < it.id)) out.push(it.id);
  return out;
}

/** hookOnNew runs the hook with a crawl's new stories, if there is a hook and there are any, and reports a failure as one line. */
export async function hookOnNew(
  out: Output,
  store: Store,
  cmd: string | undefined,
  ids: readonly number[],
  timeoutSec: number,
  signal?: AbortSignal,
): Promise<HookRun | undefined> {
  if (!cmd || ids.length === 0) return undefined;
  const stories = await newStories(store, ids);
  if (stories.length === 0) return undefined;
  out.flush(); // what Inkzee printed so far comes before what the hook prints
  const r = await runHook(store, cmd, stories, timeoutSec, signal);
  const problem = hookProblem(cmd, r);
  // Not silenced by --quiet: from cron, a hook that failed is what the mail should say.
  if (problem) out.stderr.write(`${out.paint('33', 'warning:')} ${problem}\n`);
  return r;
}
