import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { freshDatabase, pgAvailable } from '../pg.js';

// What the PostgreSQL tests stand on: the run's throwaway cluster (test/pg-setup.ts) is real,
// checks passwords, and hands every caller a database of its own.
describe.skipIf(!pgAvailable)('the test PostgreSQL cluster', () => {
  async function query<R extends pg.QueryResultRow>(url: string, sql: string): Promise<R[]> {
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    try {
      return (await client.query<R>(sql)).rows;
    } finally {
      await client.end();
    }
  }

  it('gives a fresh, empty database on 127.0.0.1 that the app role owns and can query', async () => {
    const url = await freshDatabase();
    const { hostname, username, pathname } = new URL(url);
    expect(hostname).toBe('127.0.0.1');
    expect(username).toBe('inkzee');
    const [row] = await query<{ one: number; who: string; db: string; owner: string; tables: string }>(
      url,
      `
      SELECT 1 AS one, current_user AS who, current_database() AS db,
             pg_get_userbyid((SELECT datdba FROM pg_database WHERE datname = current_database())) AS owner,
             (SELECT count(*) FROM pg_tables WHERE schemaname = 'public') AS tables`,
    );
    expect(row).toEqual({ one: 1, who: 'inkzee', db: pathname.slice(1), owner: 'inkzee', tables: '0' });
  });

  it("gives each call its own database, so one test file never sees another's tables", async () => {
    const [a, b] = await Promise.all([freshDatabase(), freshDatabase()]);
    expect(a).not.toBe(b);
    await query(a, 'CREATE TABLE only_in_a (x int)');
    const [{ n }] = await query<{ n: string }>(b, "SELECT count(*) AS n FROM pg_tables WHERE tablename = 'only_in_a'");
    expect(n).toBe('0');
  });

  it('refuses a wrong password with an error that names neither password', async () => {
    const url = new URL(await freshDatabase());
    const right = url.password;
    url.password = `wrong${right.slice(5)}`;
    const err = await query(url.href, 'SELECT 1').then(
      () => null,
      (e: unknown) => e as pg.DatabaseError,
    );
    expect(err).toBeInstanceOf(Error);
    expect(err?.code).toBe('28P01'); // invalid_password: scram checked it, it was not trusted
    expect(err?.message).toMatch(/password authentication failed for user "inkzee"/);
    expect(JSON.stringify({ ...err, message: err?.message, stack: err?.stack })).not.toContain(right.slice(5));
  });
});
