// The import boundaries of issue 17, checked on every run: dependency-cruiser's rules
// (.dependency-cruiser.cjs) over src/, and what opening each engine actually loads.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { freshDatabase, pgAvailable } from './pg.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const depcruise = path.join(root, 'node_modules', '.bin', 'depcruise');
const openJs = path.join(root, 'dist', 'store', 'open.js');

/** cruise runs dependency-cruiser with args in the project root, returning its exit code and output. */
function cruise(args: string[]): { code: number; out: string } {
  try {
    return { code: 0, out: execFileSync(depcruise, args, { cwd: root, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }) };
  } catch (err) {
    const e = err as { status: number | null; stdout?: string; stderr?: string };
    return { code: e.status ?? 1, out: `${e.stdout ?? ''}${e.stderr ?? ''}` };
  }
}

/**
 * loadedBy opens a store at location in a fresh node process (the compiled dist/store/open.js),
 * lists its feeds, closes it and returns the CommonJS packages that process loaded (better-sqlite3
 * and sanitize-html are CommonJS: importing them from ESM goes through require's cache).
 */
function loadedBy(location: string): string[] {
  const script = `
    import { createRequire } from 'node:module';
    const { openStoreAt } = await import(${JSON.stringify(openJs)});
    const store = await openStoreAt(${JSON.stringify(location)});
    await store.listFeeds();
    await store.close();
    const cache = createRequire(import.meta.url).cache;
    const names = new Set(Object.keys(cache).map((f) => /[\\\\/]node_modules[\\\\/]((?:@[^\\\\/]+[\\\\/])?[^\\\\/]+)/.exec(f)?.[1]).filter(Boolean));
    process.stdout.write(JSON.stringify([...names].sort()));`;
  return JSON.parse(execFileSync(process.execPath, ['--input-type=module', '-e', script], { cwd: root, encoding: 'utf8' })) as string[];
}

describe('import boundaries', () => {
  it('src/ keeps every rule of .dependency-cruiser.cjs (npm run lint:deps)', () => {
    const { code, out } = cruise(['src', '--config', '.dependency-cruiser.cjs']);
    expect(code, out).toBe(0);
  }, 120_000);

  it('the compiled PostgreSQL engine reaches neither better-sqlite3, sanitize-html nor the SQLite engine', () => {
    // dist/ has no type-only imports: this is the graph node walks when it loads the engine.
    const { code, out } = cruise(['dist/store/postgres/index.js', '--no-config', '--output-type', 'json']);
    expect(code, out).toBe(0);
    const modules = (JSON.parse(out) as { modules: { source: string }[] }).modules.map((m) => m.source);
    expect(modules.some((s) => s.endsWith('dist/store/postgres/index.js'))).toBe(true);
    expect(
      modules.filter((s) => /node_modules\/(better-sqlite3|sanitize-html)\/|dist\/store\/sqlite\/|dist\/parse\/sanitize/.test(s)),
    ).toEqual([]);
  }, 120_000);

  it('opening a SQLite store loads better-sqlite3 (what the PostgreSQL check below looks for)', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'inkzee-arch-'));
    try {
      expect(loadedBy(path.join(dir, 'db.sqlite'))).toContain('better-sqlite3');
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  }, 60_000);

  it.skipIf(!pgAvailable)(
    'opening a PostgreSQL store loads neither better-sqlite3 nor sanitize-html',
    async () => {
      const loaded = loadedBy(await freshDatabase());
      expect(loaded).toContain('pg');
      expect(loaded).not.toContain('better-sqlite3');
      expect(loaded).not.toContain('sanitize-html');
    },
    60_000,
  );
});
