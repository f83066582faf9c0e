// Host leases on PostgreSQL, for crawlers on many machines: a worker claims whole hosts (every due
// feed of a host goes to one worker, so the per-host limit holds across the fleet) with row locks
// — SELECT … FOR UPDATE SKIP LOCKED — and a lease on the database's clock, which expires if the
// worker dies. Feed timestamps stay the caller's `now`, as everywhere else.
import type { Feed } from '../../model.js';
import type { ClaimRequest, DueFilter, HostHold } from '../contract.js';
import { query, transaction, type Pg } from './connect.js';
import { dueWhere } from './feeds.js';
import { Params } from './item-where.js';
import { type FeedRow, toFeed } from '../shared/rows.js';

/**
 * claimHosts leases up to maxHosts hosts that have a due feed and no live lease, in the order of
 * their first due feed, and returns those hosts' due feeds in id order. Rows another claimer has
 * locked are skipped, and a row it has just leased fails the lease check when re-read after its
 * commit (READ COMMITTED re-checks a locked row's new version), so two claimers never win one host.
 */
export async function claimHosts(db: Pg, c: ClaimRequest): Promise<Feed[]> {
  if (c.maxHosts <= 0) return [];
  return transaction(db, async (client) => {
    const p = new Params();
    const due = dueWhere(c, p);
    const won = await client.query<{ host: string }>(
      `WITH due AS (SELECT f.host, min(f.id) AS first FROM feeds f WHERE ${due} GROUP BY f.host),
            free AS (SELECT h.host FROM hosts h JOIN due d ON d.host = h.host
                     WHERE h.lease_until IS NULL OR h.lease_until < now()
                     ORDER BY d.first LIMIT ${p.add(c.maxHosts)} FOR UPDATE OF h SKIP LOCKED)
       UPDATE hosts h SET worker = ${p.add(c.worker)}, lease_until = now() + ${p.add(c.leaseMs)} * interval '1 millisecond'
       FROM free WHERE h.host = free.host RETURNING h.host`,
      p.values,
    );
    if (won.rows.length === 0) return [];
    const q = new Params();
    const rows = await client.query<FeedRow>(
      `SELECT f.* FROM feeds f WHERE ${dueWhere(c, q)} AND f.host = ANY(${q.add(won.rows.map((r) => r.host))}::text[]) ORDER BY f.id`,
      q.values,
    );
    return rows.rows.map(toFeed);
  });
}

/** renewLeases extends the leases this worker still holds (live, not taken over) and returns those hosts. */
export async function renewLeases(db: Pg, worker: string, hosts: readonly string[], leaseMs: number): Promise<string[]> {
  if (hosts.length === 0) return [];
  const rows = await query<{ host: string }>(
    db,
    `UPDATE hosts SET lease_until = now() + $3 * interval '1 millisecond'
     WHERE host = ANY($1::text[]) AND worker = $2 AND lease_until >= now() RETURNING host`,
    [hosts, worker, leaseMs],
    'write',
  );
  const held = new Set(rows.map((r) => r.host));
  return hosts.filter((h) => held.has(h));
}

/** releaseHosts ends this worker's leases on hosts (a lease another worker took over stays). */
export async function releaseHosts(db: Pg, worker: string, hosts: readonly string[]): Promise<void> {
  if (hosts.length === 0) return;
  await query(
    db,
    'UPDATE hosts SET worker = NULL, lease_until = NULL WHERE host = ANY($1::text[]) AND worker = $2',
    [hosts, worker],
    'write',
  );
}

/** leasedElsewhere lists hosts with due feeds under another worker's live lease, with their due counts, soonest free first. */
export async function leasedElsewhere(db: Pg, f: DueFilter & { worker: string }): Promise<HostHold[]> {
  const p = new Params();
  const due = dueWhere(f, p);
  return query<HostHold>(
    db,
    `SELECT h.host, h.worker, to_char(h.lease_until AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AS until,
            greatest(0, round(extract(epoch FROM h.lease_until - now()) * 1000))::int8 AS "leftMs", count(*)::int8 AS feeds
     FROM feeds f JOIN hosts h ON h.host = f.host
     WHERE ${due} AND h.lease_until >= now() AND h.worker IS DISTINCT FROM ${p.add(f.worker)}
     GROUP BY h.host, h.worker, h.lease_until ORDER BY h.lease_until, h.host`,
    p.values,
  );
}

/**
 * borrowHost leases a host for a request that leads there unless another worker's lease on it is
 * live, adding the host's row if no feed lives there. Two borrowers of one host serialize on its
 * row: the second re-checks the lease the first has just taken, and loses.
 */
export async function borrowHost(db: Pg, worker: string, host: string, leaseMs: number): Promise<boolean> {
  const rows = await query(
    db,
    `INSERT INTO hosts AS h (host, worker, lease_until) VALUES ($1, $2, now() + $3 * interval '1 millisecond')
     ON CONFLICT (host) DO UPDATE SET worker = excluded.worker, lease_until = excluded.lease_until
     WHERE h.lease_until IS NULL OR h.lease_until < now() OR h.worker = excluded.worker RETURNING h.host`,
    [host, worker, leaseMs],
    'write',
  );
  return rows.length > 0;
}
