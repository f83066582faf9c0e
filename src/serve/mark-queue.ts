// Group commit for the reader API's edit-tag: the marks that requests ask for while the store is
// busy with earlier ones (or within one turn of the event loop) are written together, one
// Store.mark (one transaction) per kind for all of them, and each request is answered only once
// the transaction holding its mark has committed, so an app that got "OK" finds its mark in every
// later answer. Requests waiting together are concurrent (none was answered before another was
// sent), so writing their marks kind by kind is one of the orders they could have run in: each
// request has one kind (an edit-tag of several kinds runs alone, in its own order), and the kinds of
// one column (read and unread, star and unstar) run in the order they were first asked for.
import type { MarkKind, Store } from '../store/contract.js';

interface Waiting {
  kind: MarkKind;
  ids: readonly number[];
  done: (err?: unknown) => void;
}

/** MarkQueue writes marks of item ids in groups; see the file comment. */
export class MarkQueue {
  private waiting: Waiting[] = [];
  private busy = false;
  private scheduled = false;

  constructor(
    private readonly store: Pick<Store, 'mark'>,
    private readonly now: () => Date,
  ) {}

  /** mark resolves once the items of ids (ids of no item skipped) carry the mark, committed; it rejects if that write failed. */
  mark(kind: MarkKind, ids: readonly number[]): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      this.waiting.push({ kind, ids, done: (err) => (err === undefined ? resolve() : reject(err)) });
      this.schedule();
    });
  }

  private schedule(): void {
    if (this.busy || this.scheduled) return;
    this.scheduled = true;
    // After the requests the event loop has read in this turn, so that they join the group.
    setImmediate(() => {
      this.scheduled = false;
      void this.flush();
    });
  }

  private async flush(): Promise<void> {
    const group = this.waiting;
    this.waiting = [];
    if (group.length === 0) return;
    this.busy = true;
    // One mark per kind, kinds in the order first asked for (a Map keeps insertion order).
    const byKind = new Map<MarkKind, Waiting[]>();
    for (const w of group) {
      const same = byKind.get(w.kind);
      if (same) same.push(w);
      else byKind.set(w.kind, [w]);
    }
    for (const [kind, ws] of byKind) {
      const ids = [...new Set(ws.flatMap((w) => w.ids))];
      let failed: unknown;
      try {
        // A filter by ids, not a list: ids of no item match nothing instead of refusing the mark.
        await this.store.mark(kind, { filter: { ids } }, { now: this.now().toISOString(), dryRun: false });
      } catch (err) {
        failed = err ?? new Error('mark failed');
      }
      for (const w of ws) w.done(failed);
    }
    this.busy = false;
    this.schedule();
  }
}
