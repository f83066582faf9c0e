// Host leases on SQLite. One machine, one writer at a time (BEGIN IMMEDIATE), so a claim is a
// plain read-then-write; the PostgreSQL store does the same with row locks for many machines.
import type { Feed } from '../../model.js';
import type { ClaimRequest, DueFilter, HostHold } from '../contract.js';
import type { Db } from './connect.js';
import { dueWhere } from './outcomes.js';
import { type FeedRow, toFeed } from '../shared/rows.js';

/** claimHosts leases up to maxHosts hosts with due feeds and no live lease, and returns their due feeds in id order. */
export function claimHosts(db: Db, c: ClaimRequest, nowMs = Date.now()): Feed[] {
  const w = dueWhere(c);
  const due = w.sql ? `${w.sql} AND` : 'WHERE';
  return db.transaction(() => {
    const hosts = (
      db
        .prepare(
          `SELECT host, min(id) AS first FROM feeds ${due}
        host NOT IN (SELECT host FROM host_leases WHERE lease_until > @nowMs)
        GROUP BY host ORDER BY first LIMIT @max`,
        )
        .all({ ...w.params, nowMs, max: c.maxHosts }) as { host: string }[]
    ).map((h) => h.host);
    if (hosts.length === 0) return [];
    const lease = db.prepare(`INSERT INTO host_leases (host, worker, lease_until) VALUES (?, ?, ?)
        ON CONFLICT(host) DO UPDATE SET worker = excluded.worker, lease_until = excluded.lease_until`);
    for (const h of hosts) lease.run(h, c.worker, nowMs + c.leaseMs);
    const rows = db
      .prepare(`SELECT * FROM feeds ${due} host IN (SELECT value FROM json_each(@hosts)) ORDER BY id`)
      .all({ ...w.params, hosts: JSON.stringify(hosts) }) as FeedRow[];
    return rows.map(toFeed);
  })();
}

/** renewLeases extends the worker's leases it still holds and returns those hosts. */
export function renewLeases(db: Db, worker: string, hosts: readonly string[], leaseMs: number, nowMs = Date.now()): string[] {
  return db.transaction(() => {
    const renew = db.prepare('UPDATE host_leases SET lease_until = ? WHERE host = ? AND worker = ? AND lease_until > ?');
    return hosts.filter((h) => renew.run(nowMs + leaseMs, h, worker, nowMs).changes > 0);
  })();
}

/** releaseHosts ends the worker's leases on hosts (a lease another worker took over stays). */
export function releaseHosts(db: Db, worker: string, hosts: readonly string[]): void {
  const del = db.prepare('DELETE FROM host_leases WHERE host = ? AND worker = ?');
  db.transaction(() => {
    for (const h of hosts) del.run(h, worker);
  })();
}

/** leasedElsewhere lists hosts with due feeds under another worker's live lease, with their due counts, soonest free first. */
export function leasedElsewhere(db: Db, f: DueFilter & { worker: string }, nowMs = Date.now()): HostHold[] {
  const w = dueWhere(f);
  const due = w.sql ? `${w.sql} AND` : 'WHERE';
  const rows = db
    .prepare(
      `SELECT l.host, l.worker, l.lease_until AS untilMs, count(*) AS feeds
      FROM feeds JOIN host_leases l ON l.host = feeds.host ${due} l.lease_until > @nowMs AND l.worker <> @worker
      GROUP BY l.host ORDER BY l.lease_until, l.host`,
    )
    .all({ ...w.params, nowMs, worker: f.worker }) as { host: string; worker: string; untilMs: number; feeds: number }[];
  return rows.map((r) => ({
    host: r.host,
    worker: r.worker,
    until: new Date(r.untilMs).toISOString(),
    leftMs: r.untilMs - nowMs,
    feeds: r.feeds,
  }));
}

/** borrowHost leases a host for a request that leads there unless another worker's lease on it is live; true if won. */
export function borrowHost(db: Db, worker: string, host: string, leaseMs: number, nowMs = Date.now()): boolean {
  return (
    db
      .prepare(
        `INSERT INTO host_leases (host, worker, lease_until) VALUES (@host, @worker, @until)
      ON CONFLICT(host) DO UPDATE SET worker = excluded.worker, lease_until = excluded.lease_until
      WHERE host_leases.lease_until <= @nowMs OR host_leases.worker = excluded.worker`,
      )
      .run({ host, worker, until: nowMs + leaseMs, nowMs }).changes > 0
  );
}
