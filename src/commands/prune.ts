import { shownValue, UsageError } from '../errors.js';
import type { PruneOutcome } from '../results.js';
import type { Context } from './context.js';
import { parseWhen } from './when.js';

/** PruneFlags are `inkzee prune`'s flags as typed. */
export interface PruneFlags {
  olderThan?: string;
  keepUnread?: boolean;
  dryRun?: boolean;
  vacuum?: boolean;
  /** Wait for a crawl under way (SQLite's run lock) instead of exiting with 75. */
  wait?: boolean;
}

/**
 * cutoff reads --older-than: a duration back from now as --since takes it (12h, 30d, 12w) or an
 * ISO date. Minutes and seconds are refused: "6m" reads as six months to a person pruning, and
 * would delete everything older than six minutes; a date to come would delete everything.
 */
export function cutoff(value: string, now: Date): string {
  const unit = /^\d+(?:\.\d+)?\s*([sm])$/i.exec(value.trim())?.[1];
  if (unit !== undefined)
    throw new UsageError(
      `--older-than ${shownValue(value)}: "${unit}" means ${unit.toLowerCase() === 'm' ? 'minutes' : 'seconds'}; give hours, days or weeks (90d, 12w) or an ISO date`,
    );
  let before: string;
  try {
    before = parseWhen('--older-than', value, now);
  } catch {
    // parseWhen's own message offers minutes (30m), which --older-than refuses.
    throw new UsageError(
      `--older-than ${shownValue(value)}: not a duration in hours, days or weeks (12h, 90d, 12w) or an ISO date (2024-05-01)`,
    );
  }
  if (before > now.toISOString()) throw new UsageError(`--older-than ${shownValue(value)}: a date to come; give one in the past`);
  return before;
}

/**
 * pruneCommand deletes the items first seen longer ago than --older-than (never starred ones,
 * nor ones with a classifier correction; unread ones kept with --keep-unread), remembering
 * their keys so a refresh does not bring them back, then with --vacuum gives the space back.
 * `--vacuum` alone only gives space back.
 */
export async function pruneCommand(ctx: Context, f: PruneFlags): Promise<PruneOutcome> {
  const dryRun = !!f.dryRun;
  if (f.olderThan === undefined) {
    if (f.keepUnread || dryRun) throw new UsageError(`prune: ${f.keepUnread ? '--keep-unread' : '--dry-run'} needs --older-than DURATION`);
    if (!f.vacuum)
      throw new UsageError('prune: say which items go with --older-than DURATION (e.g. --older-than 90d), or give --vacuum alone');
  }
  if (f.vacuum && dryRun) throw new UsageError('prune: --dry-run changes nothing, so it cannot --vacuum; leave one of them out');
  const now = ctx.now();
  const before = f.olderThan === undefined ? undefined : cutoff(f.olderThan, now);
  const store = await ctx.store();
  // On SQLite a prune or a VACUUM of a big database holds the write lock longer than a crawl's
  // writes wait for it (the busy timeout): like a crawl, it takes the run lock, so the two take
  // turns instead of failing each other. PostgreSQL has no run lock; its rows are locked one by one.
  const lock = dryRun ? undefined : await store.runLock(!!f.wait);
  try {
    const outcome: PruneOutcome = { before, dryRun };
    if (before !== undefined) outcome.pruned = await store.prune({ before, keepUnread: !!f.keepUnread, dryRun, now: now.toISOString() });
    if (f.vacuum) outcome.reclaimed = await store.reclaimSpace();
    return outcome;
  } finally {
    lock?.release();
  }
}
