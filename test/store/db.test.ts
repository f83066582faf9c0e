import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { migrate, openStore } from '../../src/store/sqlite/connect.js';
import { migrations } from '../../src/store/sqlite/migrations.js';
import { StoreError } from '../../src/errors.js';
import { tempDir } from '../helpers.js';

describe('openStore', () => {
  it('creates missing directories, uses WAL and foreign keys, and records the schema version', () => {
    const file = path.join(tempDir(), 'a', 'b', 'inkzee.db');
    const db = openStore(file);
    expect(fs.existsSync(file)).toBe(true);
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(db.pragma('foreign_keys', { simple: true })).toBe(1);
    expect(db.pragma('user_version', { simple: true })).toBe(migrations.length);
    db.close();
  });

  it('refuses a database written by a newer Inkzee, without touching it', () => {
    const file = path.join(tempDir(), 'newer.db');
    const raw = new Database(file);
    raw.pragma(`user_version = ${migrations.length + 5}`);
    raw.close();
    expect(() => openStore(file)).toThrow(StoreError);
    expect(() => openStore(file)).toThrow(/schema version \d+ is newer than this Inkzee understands/);
    const again = new Database(file);
    expect(again.pragma('user_version', { simple: true })).toBe(migrations.length + 5);
    again.close();
  });

  it('refuses a file that is not a database with a one-line store error', () => {
    const file = path.join(tempDir(), 'junk.db');
    fs.writeFileSync(file, 'this is not sqlite, just text long enough to look like a header...'.repeat(10));
    expect(() => openStore(file)).toThrow(/^store: .*junk\.db: /);
  });

  it('upgrades an older database in place, keeping its rows', () => {
    const db = new Database(':memory:');
    const v1 = ['CREATE TABLE t (x INTEGER)'];
    migrate(db, 'mem', v1);
    db.prepare('INSERT INTO t VALUES (42)').run();
    migrate(db, 'mem', [...v1, "ALTER TABLE t ADD COLUMN y TEXT DEFAULT 'new'"]);
    expect(db.prepare('SELECT x, y FROM t').get()).toEqual({ x: 42, y: 'new' });
    expect(db.pragma('user_version', { simple: true })).toBe(2);
  });

  it('rolls a failing migration back entirely', () => {
    const db = new Database(':memory:');
    expect(() => migrate(db, 'mem', ['CREATE TABLE ok (x)', 'THIS IS NOT SQL'])).toThrow();
    expect(db.pragma('user_version', { simple: true })).toBe(0);
    expect(db.prepare("SELECT count(*) AS n FROM sqlite_master WHERE name = 'ok'").get()).toEqual({ n: 0 });
  });
});
