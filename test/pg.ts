// pg — what a test file needs of the run's PostgreSQL cluster (started by test/pg-setup.ts).
import crypto from 'node:crypto';
import { inject } from 'vitest';
import { createDatabase } from '../scripts/pg-cluster.mjs';
import type {} from './pg-setup.js';

const adminUrl = inject('pgAdminUrl');
if (adminUrl === undefined) {
  throw new Error(
    'test/pg.ts: test/pg-setup.ts started no PostgreSQL cluster for this run (is it the globalSetup in vitest.config.ts, and does this file import test/pg.ts through relative imports?)',
  );
}

/** pgAvailable is true when this run has a PostgreSQL cluster; suites use describe.skipIf(!pgAvailable) (CI always has one). */
export const pgAvailable = typeof adminUrl === 'string';

/** freshDatabase creates a new, empty database owned by the app role `inkzee` and returns its postgres:// URL (with password). */
export async function freshDatabase(): Promise<string> {
  if (typeof adminUrl !== 'string') throw new Error('freshDatabase: PostgreSQL is not installed here (apt-get install -y postgresql)');
  return createDatabase(adminUrl, `t_${process.pid}_${crypto.randomBytes(5).toString('hex')}`);
}
