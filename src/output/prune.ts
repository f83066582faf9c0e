import type { PruneResult, Reclaimed } from '../store/contract.js';
import type { PruneOutcome } from '../results.js';
import { byteSize } from './items.js';
import type { Output } from './output.js';

const count = (n: number, one: string, many = `${one}s`) => `${n.toLocaleString('en-US')} ${n === 1 ? one : many}`;

/** keptText is "kept 40 starred, 3,000 unread", naming only the reasons that kept something, or ''. */
function keptText(p: PruneResult): string {
  const parts = [
    p.keptStarred ? `${p.keptStarred.toLocaleString('en-US')} starred` : '',
    p.keptCorrected ? `${p.keptCorrected.toLocaleString('en-US')} with a classifier correction` : '',
    p.keptUnread ? `${p.keptUnread.toLocaleString('en-US')} unread` : '',
  ].filter(Boolean);
  return parts.length ? ` (kept ${parts.join(', ')})` : '';
}

/** prunedLine is the sentence for people: what went, what stayed, and what becomes of the space. */
function prunedLine(p: PruneResult, dryRun: boolean, vacuum: boolean): string {
  const what = `${count(p.items, 'item')} from ${count(p.feeds, 'feed')}${keptText(p)}`;
  if (dryRun) return `would prune ${what}; nothing changed (--dry-run)`;
  // With --vacuum the space is given back next, and that line says how much.
  if (vacuum || p.items === 0) return `pruned ${what}`;
  if (p.freeBytes === null) return `pruned ${what}; autovacuum makes the space reusable (inkzee prune --vacuum does it now)`;
  return p.freeBytes > 0 ? `pruned ${what}; ${byteSize(p.freeBytes)} can be given back: inkzee prune --vacuum` : `pruned ${what}`;
}

/** reclaimedLine says what VACUUM gave back. */
function reclaimedLine(r: Reclaimed): string {
  const sizes = `${byteSize(r.before)} before, ${byteSize(r.after)} after`;
  if (r.measured === 'file') return `vacuumed the database file: ${sizes} (${byteSize(Math.max(0, r.before - r.after))} given back)`;
  return `vacuumed the item tables: ${sizes}; PostgreSQL reuses the freed space for new items`;
}

/**
 * printPrune reports a prune: NDJSON records `pruned` and (with --vacuum) `vacuum` on stdout, or
 * lines for people on stderr.
 */
export function printPrune(out: Output, o: PruneOutcome, vacuum: boolean): void {
  if (out.cfg.json) {
    if (o.pruned) out.record({ type: 'pruned', firstSeenBefore: o.before, ...o.pruned, dryRun: o.dryRun });
    if (o.reclaimed)
      out.record({ type: 'vacuum', measured: o.reclaimed.measured, bytesBefore: o.reclaimed.before, bytesAfter: o.reclaimed.after });
    return;
  }
  if (o.pruned) out.info(prunedLine(o.pruned, o.dryRun, vacuum));
  if (o.reclaimed) out.info(reclaimedLine(o.reclaimed));
}
