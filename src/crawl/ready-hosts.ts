// The crawl pool's bookkeeping per host: which hosts may start a feed now, earliest queued feed first.

/** HostQueue is a host's queued feeds (positions in arrival order), its network slots in use, and its feeds queued or under way. */
export interface HostQueue {
  key: string;
  positions: number[];
  head: number;
  active: number;
  feeds: number;
  counted: number; // its share of the feeds that could start now
  inHeap: boolean;
}

/** ReadyHosts is a binary min-heap of hosts keyed by their first queued position. */
export class ReadyHosts {
  private readonly a: HostQueue[] = [];
  private key = (h: HostQueue) => h.positions[h.head];
  private swap(i: number, j: number) {
    [this.a[i], this.a[j]] = [this.a[j], this.a[i]];
  }

  push(h: HostQueue): void {
    h.inHeap = true;
    this.a.push(h);
    for (let k = this.a.length - 1; k > 0 && this.key(this.a[(k - 1) >> 1]) > this.key(this.a[k]); k = (k - 1) >> 1)
      this.swap(k, (k - 1) >> 1);
  }

  pop(): HostQueue | undefined {
    const top = this.a[0];
    const last = this.a.pop();
    if (this.a.length && last) {
      this.a[0] = last;
      for (let k = 0; ;) {
        const l = 2 * k + 1,
          r = l + 1;
        let m = k;
        if (l < this.a.length && this.key(this.a[l]) < this.key(this.a[m])) m = l;
        if (r < this.a.length && this.key(this.a[r]) < this.key(this.a[m])) m = r;
        if (m === k) break;
        this.swap(m, k);
        k = m;
      }
    }
    if (top) top.inHeap = false;
    return top;
  }

  clear(): void {
    for (const h of this.a.splice(0)) h.inHeap = false;
  }
}

/** trim drops the consumed front of a queue once it is at least half of it (amortised O(1) an item); returns the new head. */
export const trim = <T>(list: T[], used: number): number => {
  if (used < 1024 || 2 * used < list.length) return used;
  list.splice(0, used);
  return 0;
};
