// Unusable database paths and faults met while writing: each is one line naming the file and the
// cause, exit 1, and what was stored before stays whole. The read-only and full-disk cases need
// a mount (root) or a non-root user; they skip, saying why, only where neither is possible.
import fs from 'node:fs';
import path from 'node:path';
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { openStore, type Store } from '../../src/store/sqlite/connect.js';
import { addSubscriptions } from '../../src/store/sqlite/feeds.js';
import { LockedError, StoreError, storeFault } from '../../src/errors.js';
import { acquireRunLock } from '../../src/store/sqlite/lock.js';
import { startFeedServer, rss, serve, type FeedServer } from '../feed-server.js';
import { seed } from '../read/seed.js';
import { ROOT, tempDir } from '../helpers.js';

const isRoot = process.getuid?.() === 0;
const mounts: string[] = [];
afterAll(() => {
  for (const m of mounts.reverse())
    try {
      execFileSync('umount', ['-l', m], { stdio: 'ignore' });
    } catch {
      /* gone */
    }
});

/** tmpfs mounts a small tmpfs (root only); undefined when this machine does not allow it. */
function tmpfs(sizeKiB: number): string | undefined {
  if (!isRoot) return undefined;
  const dir = tempDir();
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', `size=${sizeKiB}k`, 'tmpfs', dir], { stdio: 'ignore' });
  } catch {
    return undefined;
  }
  mounts.push(dir);
  return dir;
}
const remount = (dir: string, mode: 'ro' | 'rw') => execFileSync('mount', ['-o', `remount,${mode}`, dir], { stdio: 'ignore' });

interface Run {
  code: number | null;
  stderr: string;
  ms: number;
}
/** inkzee runs dist/ as this user or as nobody, killing it after killMs (a hang is a failure, not a stuck test; a busy machine starts Node slowly, hence the margin). */
function inkzee(args: string[], o: { asNobody?: boolean; killMs?: number } = {}): Promise<Run> {
  const argv = [process.execPath, path.join(ROOT, 'bin', 'inkzee.js'), ...args];
  const [cmd, ...rest] = o.asNobody ? ['setpriv', '--reuid=65534', '--regid=65534', '--clear-groups', ...argv] : argv;
  const started = Date.now();
  return new Promise((resolve) => {
    const child = spawn(cmd, rest, { env: { PATH: process.env.PATH, HOME: '/nonexistent' }, stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.setEncoding('utf8').on('data', (d) => (stderr += d));
    const timer = setTimeout(() => child.kill('SIGKILL'), o.killMs ?? 30_000);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stderr, ms: Date.now() - started });
    });
  });
}

/** expectOneLine asserts exit 1 and a single stderr line naming the file and matching cause. */
function expectOneLine(r: Run, file: string, cause: RegExp): void {
  expect(r.code).toBe(1);
  expect(r.stderr.trimEnd().split('\n')).toHaveLength(1);
  expect(r.stderr).toContain(`inkzee: store: cannot `);
  expect(r.stderr).toContain(file);
  expect(r.stderr).toMatch(cause);
}

/** snapshot is everything a fault must not change: counts, every item's key and the FTS rows. */
function snapshot(file: string) {
  const db = new Database(file, { readonly: true });
  try {
    return {
      integrity: db.pragma('integrity_check', { simple: true }),
      feeds: db.prepare('SELECT id, url, etag, consecutive_errors FROM feeds ORDER BY id').all(),
      items: db.prepare('SELECT id, feed_id, key, title FROM items ORDER BY id').all(),
      fts: (db.prepare('SELECT rowid FROM items_fts ORDER BY rowid').all() as { rowid: number }[]).map((r) => r.rowid),
    };
  } finally {
    db.close();
  }
}

function seeded(file: string): ReturnType<typeof snapshot> {
  const db = openStore(file);
  seed(db, {
    'http://a.test/feed': {
      category: 'News',
      items: [
        { guid: 'a1', title: 'One' },
        { guid: 'a2', title: 'Two' },
      ],
    },
  });
  db.close();
  const s = snapshot(file);
  expect(s.items).toHaveLength(2);
  return s;
}

/** holdLock starts a process that takes the write lock of file and keeps it until killed. */
async function holdLock(file: string, journal: 'wal' | 'delete'): Promise<ChildProcess> {
  const code = `const D = require('better-sqlite3'); const db = new D(${JSON.stringify(file)});
    db.pragma('journal_mode = ${journal}'); db.exec('BEGIN EXCLUSIVE'); db.prepare("UPDATE feeds SET title = 'half'").run();
    console.log('locked'); setInterval(() => {}, 1000);`;
  const child = spawn(process.execPath, ['-e', code], { cwd: ROOT, stdio: ['ignore', 'pipe', 'inherit'] });
  await new Promise((resolve) => child.stdout.once('data', resolve));
  return child;
}

describe('an unusable database path', () => {
  const dir = tempDir();
  fs.writeFileSync(path.join(dir, 'plain.txt'), 'a file, not a directory');
  it.each([
    ['a path under a regular file', path.join(dir, 'plain.txt', 'x.db'), /plain\.txt is not a directory/],
    ['a path under a device', '/dev/null/x.db', /\/dev\/null is not a directory/],
    ['a directory given as --db', dir, /it is a directory; name a file inside it/],
    ['a device given as --db', '/dev/null', /not a regular file/],
    ['a parent procfs will not create', '/proc/nope/x.db', /no such directory \/proc\/nope \(creating \/proc\/nope: ENOENT/],
    [
      'a parent sysfs refuses',
      '/sys/nope/deeper/x.db',
      /no such directory \/sys\/nope\/deeper \(creating \/sys\/nope: E(PERM|ACCES|NOENT)/,
    ],
  ])(
    '%s fails at once with one line, for readers and crawls alike',
    async (_name, db, cause) => {
      for (const args of [['feeds'], ['refresh']]) {
        const r = await inkzee(['--db', db, ...args]);
        expectOneLine(r, db, cause); // a spin (procfs used to loop forever) is killed after 30 s: code null
      }
      expect(fs.existsSync('/proc/nope')).toBe(false);
    },
    90_000,
  );

  it('refuses a file that is not SQLite, and a newer schema, without changing either', async () => {
    const junk = path.join(tempDir(), 'junk.db');
    fs.writeFileSync(junk, 'this is not sqlite, just text long enough to look like a header...'.repeat(10));
    const before = fs.readFileSync(junk);
    expectOneLine(await inkzee(['--db', junk, 'items']), junk, /not a SQLite database \(file is not a database, SQLITE_NOTADB\)/);
    expect(fs.readFileSync(junk)).toEqual(before);
    const newer = path.join(tempDir(), 'newer.db');
    const raw = new Database(newer);
    raw.pragma('user_version = 999');
    raw.close();
    expectOneLine(await inkzee(['--db', newer, 'feeds']), newer, /schema version 999 is newer than this Inkzee understands/);
  }, 90_000);
});

describe('a read-only database', () => {
  // Root writes through chmod, so as root the test makes a read-only mount, else runs as nobody.
  // INKZEE_TEST_RO=nobody (or chmod, as non-root) forces a strategy, to check each one here.
  const ro = process.env.INKZEE_TEST_RO ?? (!isRoot ? 'chmod' : tmpfs(4096) ? 'mount' : 'nobody');
  it('file or directory is refused with one line, and its rows stay as they were', async () => {
    const dir = ro === 'mount' ? mounts.at(-1)! : tempDir();
    const file = path.join(dir, 'inkzee.db');
    const before = seeded(file);
    if (ro === 'nobody') {
      const probe = await inkzee(['--version'], { asNobody: true });
      if (probe.code !== 0) return void console.warn(`skipped: root cannot mount here and cannot run as nobody (${probe.stderr.trim()})`);
      fs.chmodSync(dir, 0o755);
    }
    const run = (args: string[]) => inkzee(['--db', file, '--quiet', ...args], { asNobody: ro === 'nobody' });
    if (ro === 'mount') {
      remount(dir, 'ro');
      expectOneLine(await run(['feeds']), file, /the file is read-only \(EROFS/);
      expectOneLine(await run(['refresh']), file, /the file is read-only \(EROFS/);
      const fresh = path.join(dir, 'new.db');
      expectOneLine(
        await inkzee(['--db', fresh, 'feeds']),
        fresh,
        /its directory .* is read-only; SQLite writes its -wal and -shm files there \(EROFS/,
      );
      remount(dir, 'rw');
    } else {
      fs.chmodSync(file, 0o444);
      expectOneLine(await run(['feeds']), file, /the file is read-only \(EACCES/);
      fs.chmodSync(file, 0o666);
      fs.chmodSync(dir, 0o555);
      expectOneLine(await run(['refresh']), file, /its directory .* is read-only; SQLite writes its -wal and -shm files there \(EACCES/);
      fs.chmodSync(dir, 0o700);
    }
    expect(snapshot(file)).toEqual(before);
  }, 120_000);
});

describe('a full disk', () => {
  let server: FeedServer | undefined;
  afterAll(async () => {
    await server?.close();
  });

  it('stops a crawl with one line and leaves every stored item whole (a real tmpfs)', async (t) => {
    const dir = tmpfs(1024);
    if (!dir) return t.skip(); // the simulated SQLITE_FULL below still runs
    const big = 'x'.repeat(3000);
    server = await startFeedServer({
      '/small': serve(200, rss('Small', [{ guid: 's1', title: 'Small one' }])),
      '/big': serve(
        200,
        rss(
          'Big',
          Array.from({ length: 400 }, (_, k) => ({ guid: `b${k}`, title: `Big ${k}`, description: `${k} ${big}` })),
        ),
      ),
    });
    const file = path.join(dir, 'inkzee.db');
    const opml = (p: string) => `<opml version="2.0"><body><outline text="${p}" xmlUrl="${server!.url}${p}"/></body></opml>`;
    const small = path.join(tempDir(), 'small.opml');
    fs.writeFileSync(small, opml('/small'));
    const bigOpml = path.join(tempDir(), 'big.opml');
    fs.writeFileSync(bigOpml, opml('/big'));
    expect((await inkzee(['--db', file, '--quiet', 'import', small])).code).toBe(0);
    const before = snapshot(file);
    const r = await inkzee(['--db', file, '--quiet', 'import', bigOpml], { killMs: 40_000 });
    expectOneLine(r, file, /the disk is full; what was stored before is intact.*SQLITE_FULL/);
    const after = snapshot(file);
    expect(after.integrity).toBe('ok');
    expect(after.items).toEqual(before.items); // the big feed's transaction rolled back whole
    expect(after.fts).toEqual(before.fts);
    expect(after.feeds.map((f) => (f as { url: string }).url)).toEqual([`${server.url}/small`, `${server.url}/big`]);
  }, 90_000);

  it('is reported as SQLITE_FULL from a capped database, with nothing half-written', () => {
    const file = path.join(tempDir(), 'capped.db');
    const before = seeded(file);
    const db: Store = openStore(file);
    db.pragma(`max_page_count = ${db.pragma('page_count', { simple: true }) as number}`);
    const subs = Array.from({ length: 2000 }, (_, k) => ({
      url: `http://b.test/${k}`,
      title: `Feed ${k}`,
      siteUrl: null,
      category: 'Full',
    }));
    let thrown: unknown;
    try {
      addSubscriptions(db, subs, new Date().toISOString());
    } catch (err) {
      thrown = err;
    }
    db.close();
    const fault = storeFault(file, thrown);
    expect(fault).toBeInstanceOf(StoreError);
    expect(fault!.message).toBe(
      `store: cannot write ${file}: the disk is full; what was stored before is intact, free some space and run again (database or disk is full, SQLITE_FULL)`,
    );
    expect(snapshot(file)).toEqual(before);
  });
});

describe('a SQLite error met mid-command', () => {
  it('is a store error only when the file is at fault; a bug (a constraint, bad SQL) stays an internal error', () => {
    const db = openStore(':memory:');
    const err = (sql: string) => {
      try {
        db.exec(sql);
      } catch (e) {
        return e;
      }
      throw new Error('no error');
    };
    db.exec("INSERT INTO feeds (url, added_at) VALUES ('http://a.test/', 'now')");
    expect(storeFault('x.db', err("INSERT INTO feeds (url, added_at) VALUES ('http://a.test/', 'now')"))).toBeUndefined();
    expect(storeFault('x.db', err('SELEC nothing'))).toBeUndefined();
    expect(storeFault('x.db', err('SELEC nothing'), 'open')?.message).toMatch(
      /^store: cannot open x\.db: SQLite failed \(near "SELEC": syntax error, SQLITE_ERROR\)$/,
    );
    expect(storeFault('x.db', new Error('plain'))).toBeUndefined();
    db.close();
  });
});

describe('a database locked by another program', () => {
  it('past the busy timeout, a write fails with one line while readers go on (WAL)', async () => {
    const file = path.join(tempDir(), 'inkzee.db');
    const before = seeded(file);
    const opml = path.join(tempDir(), 'more.opml');
    fs.writeFileSync(opml, '<opml version="2.0"><body><outline text="b" xmlUrl="http://b.test/feed"/></body></opml>');
    const holder = await holdLock(file, 'wal');
    try {
      const [write, read] = await Promise.all([
        inkzee(['--db', file, '--quiet', 'import', opml, '--no-fetch'], { killMs: 40_000 }),
        inkzee(['--db', file, 'items']),
      ]);
      expect(read.code).toBe(0);
      expectOneLine(
        write,
        file,
        /cannot write .*: the database is locked by another program and stayed locked longer than the busy timeout \(database is locked, SQLITE_BUSY\)/,
      );
      expect(write.ms).toBeGreaterThanOrEqual(9_500); // it waited the 10 s busy timeout first
    } finally {
      holder.kill('SIGKILL');
    }
    expect(snapshot(file)).toEqual(before); // the holder's uncommitted update is gone too
  }, 60_000);

  it('cannot slip a write into a transaction: transactions take the write lock as they begin', () => {
    const file = path.join(tempDir(), 'tx.db');
    const a = openStore(file);
    const b = openStore(file, { busyTimeoutMs: 0 });
    // A deferred transaction would only hold a read snapshot here, let b commit, then fail at
    // its own first write with SQLITE_BUSY, without waiting (what a concurrent classify did to refresh).
    a.transaction(() => {
      a.prepare('SELECT count(*) FROM feeds').get();
      expect(() => addSubscriptions(b, [{ url: 'http://b.test/', title: null, siteUrl: null, category: '' }], 'now')).toThrow(
        /database is locked/,
      );
      addSubscriptions(a, [{ url: 'http://a.test/', title: null, siteUrl: null, category: '' }], 'now');
    })();
    expect(b.prepare('SELECT url FROM feeds').pluck().all()).toEqual(['http://a.test/']);
    a.close();
    b.close();
  });

  it('with a rollback journal, even opening waits, then fails with one line', async () => {
    const file = path.join(tempDir(), 'other.db');
    const before = seeded(file);
    const holder = await holdLock(file, 'delete');
    try {
      expect(() => openStore(file, { busyTimeoutMs: 200 })).toThrow(
        /^store: cannot open .*other\.db: the database is locked by another program.*SQLITE_BUSY\)$/,
      );
    } finally {
      holder.kill('SIGKILL');
    }
    expect(snapshot(file)).toEqual(before);
  });
});

describe('the run lock', () => {
  it('is taken over from a dead holder and from an empty file left by a kill, but not from one being written', async () => {
    const file = path.join(tempDir(), 'l.db');
    fs.writeFileSync(`${file}.lock`, '2147483646\n'); // no such process
    (await acquireRunLock(file, false)).release();
    fs.writeFileSync(`${file}.lock`, '');
    await expect(acquireRunLock(file, false)).rejects.toThrow(
      new LockedError(`${file}: another inkzee run (starting) is crawling this database; try again later or use --wait`),
    );
    const old = new Date(Date.now() - 60_000);
    fs.utimesSync(`${file}.lock`, old, old);
    const lock = await acquireRunLock(file, false);
    expect(fs.readFileSync(`${file}.lock`, 'utf8')).toBe(`${process.pid}\n`);
    lock.release();
    expect(fs.existsSync(`${file}.lock`)).toBe(false);
  });

  it('on a full disk fails with one line and leaves no empty lock behind', async (t) => {
    const dir = tmpfs(64);
    if (!dir) return t.skip();
    const filler = path.join(dir, 'filler');
    try {
      fs.writeFileSync(filler, Buffer.alloc(1024 * 1024));
    } catch {
      /* ENOSPC: the disk is full now */
    }
    const file = path.join(dir, 'x.db');
    await expect(acquireRunLock(file, false)).rejects.toThrow(
      /cannot lock .*: cannot create .*x\.db\.lock \(ENOSPC, no space left on device\)/,
    );
    expect(fs.existsSync(`${file}.lock`)).toBe(false);
    // The CLI opens the database before it locks the crawl: the disk is named as full either way.
    const r = await inkzee(['--db', file, 'refresh']);
    expectOneLine(r, file, /the disk is full|ENOSPC/);
    expect(fs.existsSync(`${file}.lock`)).toBe(false);
  }, 60_000);
});
