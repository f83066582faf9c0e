import type { Output } from './output.js';
import type { Marked } from '../results.js';

// The mark as the end of "marked 3 items …".
const DONE = { read: 'read', unread: 'unread', star: 'starred', unstar: 'unstarred' } as const;

/** printMarked reports a mark: one NDJSON record, or "marked 120 items read" (would mark, in a dry run) on stderr. */
export function printMarked(out: Output, r: Marked): void {
  if (out.cfg.json) {
    out.record({ type: 'marked', mark: r.mark, items: r.items, dryRun: r.dryRun });
    return;
  }
  out.info(`${r.dryRun ? 'would mark' : 'marked'} ${r.items} item${r.items === 1 ? '' : 's'} ${DONE[r.mark]}`);
}
