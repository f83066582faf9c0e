// Slows password guessing: an address that failed to log in too often lately is refused (429)
// until its oldest failure in the window has aged out, whatever password it sends meanwhile.

/** LoginLimiter counts failed logins per client address over a sliding window. */
export class LoginLimiter {
  private readonly failures = new Map<string, number[]>();

  constructor(
    readonly limit = 5,
    readonly windowMs = 60_000,
    private readonly clock: () => number = () => Date.now(),
  ) {}

  /** retryAfter is how many seconds an address must wait before trying again, or 0 if it may try now. */
  retryAfter(remote: string): number {
    const recent = this.recent(remote);
    if (recent.length < this.limit) return 0;
    return Math.max(1, Math.ceil((recent[recent.length - this.limit] + this.windowMs - this.clock()) / 1000));
  }

  /** failed records a failed login from an address. */
  failed(remote: string): void {
    const recent = this.recent(remote);
    recent.push(this.clock());
    this.failures.set(remote, recent);
    // Addresses that stopped failing are forgotten now and then, so the map stays small.
    if (this.failures.size > 10_000) for (const r of [...this.failures.keys()]) if (this.recent(r).length === 0) this.failures.delete(r);
  }

  /** forgive takes back the latest failure recorded for an address (an attempt counted before it was checked, that succeeded). */
  forgive(remote: string): void {
    this.recent(remote).pop();
  }

  private recent(remote: string): number[] {
    const since = this.clock() - this.windowMs;
    const kept = (this.failures.get(remote) ?? []).filter((t) => t > since);
    if (kept.length) this.failures.set(remote, kept);
    else this.failures.delete(remote);
    return kept;
  }
}
