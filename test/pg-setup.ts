// pg-setup — vitest globalSetup: one throwaway PostgreSQL cluster for the whole run, its admin URL
// provided to the test files (test/pg.ts), started only when one of the run's files needs it.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { TestProject } from 'vitest/node';
import { findPgBin, NOT_FOUND, startCluster } from '../scripts/pg-cluster.mjs';

declare module 'vitest' {
  export interface ProvidedContext {
    /** pgAdminUrl is the run's cluster superuser URL, or null when PostgreSQL is not installed here. */
    pgAdminUrl: string | null;
  }
}

const PG_TS = path.join(path.dirname(fileURLToPath(import.meta.url)), 'pg.ts');

// A start costs one to a few seconds (a busy machine), so a run none of whose files reaches
// test/pg.ts through relative imports goes without. vitest's state API (experimental) lists the
// run's files; in watch mode, or when that API is missing, the cluster starts anyway.
function runNeedsPostgres(project: TestProject): boolean {
  let files: string[];
  try {
    files = project.vitest.state.getPaths();
  } catch {
    return true;
  }
  if (project.vitest.config.watch || files.length === 0) return true;
  const seen = new Set<string>();
  const reaches = (file: string): boolean => {
    if (file === PG_TS) return true;
    if (seen.has(file) || !file.startsWith(path.dirname(PG_TS) + path.sep)) return false;
    seen.add(file);
    let text: string;
    try {
      text = fs.readFileSync(file, 'utf8');
    } catch {
      return false;
    }
    for (const [, spec] of text.matchAll(/['"](\.\.?\/[^'"\n]+)['"]/g)) {
      const target = path.resolve(path.dirname(file), spec);
      if (reaches(target) || reaches(target.replace(/\.js$/, '.ts'))) return true;
    }
    return false;
  };
  return files.some(reaches);
}

/** setup starts the run's cluster and returns its teardown; without PostgreSQL it fails in CI and lets suites skip elsewhere. */
export default async function setup(project: TestProject): Promise<(() => Promise<void>) | void> {
  if (!runNeedsPostgres(project)) return; // pgAdminUrl stays undefined: test/pg.ts says so, loudly
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
