// pg-setup — vitest globalSetup: one throwaway PostgreSQL cluster for the whole run (about a
// second or two to initdb and start), its admin URL provided to the test files (test/pg.ts).
import type { TestProject } from 'vitest/node';
import { findPgBin, NOT_FOUND, startCluster } from '../scripts/pg-cluster.mjs';

declare module 'vitest' {
  export interface ProvidedContext {
    /** pgAdminUrl is the run's cluster superuser URL, or null when PostgreSQL is not installed here. */
    pgAdminUrl: string | null;
  }
}

/** setup starts the run's cluster and returns its teardown; without PostgreSQL it fails in CI and lets suites skip elsewhere. */
export default async function setup(project: TestProject): Promise<(() => Promise<void>) | void> {
  if (!findPgBin()) {
    // CI must run the PostgreSQL suites: a missing server there is a broken build, not a skip.
    if (process.env.CI) throw new Error(`${NOT_FOUND} (CI is set, so the PostgreSQL tests must run)`);
    console.warn(`${NOT_FOUND} — skipping the PostgreSQL tests`);
    project.provide('pgAdminUrl', null);
    return;
  }
  const cluster = await startCluster();
  project.provide('pgAdminUrl', cluster.adminUrl);
  return () => cluster.stop();
}
