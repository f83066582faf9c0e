import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { resolveConfig, type Environment } from '../src/config.js';

const env = (vars: NodeJS.ProcessEnv, more: Partial<Environment> = {}): Environment => ({
  env: { HOME: '/home/u', ...vars },
  stdoutIsTTY: true,
  stderrIsTTY: true,
  columns: 80,
  ...more,
});

// The README's Configuration table, setting by setting.
describe('configuration', () => {
  it('takes --db over INKZEE_DB over XDG_DATA_HOME over ~/.local/share', () => {
    expect(resolveConfig({ db: '/a.db' }, env({ INKZEE_DB: '/b.db', XDG_DATA_HOME: '/x' })).dbPath).toBe('/a.db');
    expect(resolveConfig({}, env({ INKZEE_DB: '/b.db', XDG_DATA_HOME: '/x' })).dbPath).toBe('/b.db');
    expect(resolveConfig({}, env({ XDG_DATA_HOME: '/x' })).dbPath).toBe(path.join('/x', 'inkzee', 'inkzee.db'));
    expect(resolveConfig({}, env({ XDG_DATA_HOME: 'relative' })).dbPath).toBe(
      path.join('/home/u', '.local', 'share', 'inkzee', 'inkzee.db'),
    );
  });

  it('refuses an empty --db, an empty INKZEE_DB and a --db that is a flag', () => {
    expect(() => resolveConfig({ db: '' }, env({ INKZEE_DB: '/b.db' }))).toThrow(/^--db "": the database path is empty/);
    expect(() => resolveConfig({}, env({ INKZEE_DB: '' }))).toThrow('INKZEE_DB is set but empty');
    expect(() => resolveConfig({ db: '--json' }, env({}))).toThrow(/^--db --json: a database path, not a flag/);
    expect(resolveConfig({ db: './--json' }, env({})).dbPath).toBe('./--json');
  });

  it('colours stderr only on a terminal, without NO_COLOR (any value) and TERM=dumb', () => {
    expect(resolveConfig({ db: 'x' }, env({})).color).toBe(true);
    expect(resolveConfig({ db: 'x' }, env({ NO_COLOR: '1' })).color).toBe(false);
    expect(resolveConfig({ db: 'x' }, env({ TERM: 'dumb' })).color).toBe(false);
    expect(resolveConfig({ db: 'x' }, env({}, { stderrIsTTY: false })).color).toBe(false);
  });

  it('takes the terminal width however narrow, 100 when the terminal does not say', () => {
    expect(resolveConfig({ db: 'x' }, env({}, { columns: 20 })).columns).toBe(20);
    expect(resolveConfig({ db: 'x' }, env({}, { columns: 0 })).columns).toBe(100);
    expect(resolveConfig({ db: 'x' }, env({}, { columns: undefined })).columns).toBe(100);
  });

  it('is frozen', () => {
    expect(Object.isFrozen(resolveConfig({ db: 'x' }, env({})))).toBe(true);
  });
});
