import fs from 'node:fs';
import { LockedError, StoreError, errnoText } from '../../errors.js';
import type { RunLock } from '../contract.js';
import { prepareDbPath } from './connect.js';

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM'; // exists, owned by someone else
  }
}

const FRESH_MS = 5000;

function tryLock(file: string): RunLock | number {
  try {
    const fd = fs.openSync(file, 'wx');
    try {
      fs.writeFileSync(fd, `${process.pid}\n`);
    } catch (err) {
      fs.unlinkSync(file); // ours, but empty (a full disk): leave no lock behind
      throw err;
    } finally {
      fs.closeSync(fd);
    }
    let held = true;
    const release = () => {
      if (!held) return;
      held = false;
      try {
        if (fs.readFileSync(file, 'utf8').trim() === String(process.pid)) fs.unlinkSync(file);
      } catch {
        /* gone */
      }
    };
    process.once('exit', release);
    return {
      release: () => {
        process.off('exit', release);
        release();
      },
    };
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST')
      throw new StoreError(`cannot lock ${file.slice(0, -5)}: cannot create ${file} (${errnoText(err)})`, { cause: err });
    let text: string;
    try {
      text = fs.readFileSync(file, 'utf8');
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') return tryLock(file); // released meanwhile
      throw new StoreError(`cannot lock ${file.slice(0, -5)}: cannot read ${file} (${errnoText(e)})`, { cause: e });
    }
    const pid = Number.parseInt(text, 10);
    if (Number.isFinite(pid) && pid > 0 && alive(pid)) return pid;
    // No PID yet: its holder is between creating the file and writing it (or was killed there,
    // which a few seconds settle). Taking it over now would let two crawls run.
    if (!(pid > 0) && Date.now() - (fs.statSync(file, { throwIfNoEntry: false })?.mtimeMs ?? 0) < FRESH_MS) return 0;
    // Stale: the holder died without cleaning up. Remove it and race for it again.
    try {
      if (fs.readFileSync(file, 'utf8') === text) fs.unlinkSync(file); // text, not pid: NaN !== NaN would retry forever
    } catch {
      /* someone else took it over first */
    }
    return tryLock(file);
  }
}

/**
 * acquireRunLock takes the database's run lock (a "<db>.lock" file holding our PID), so that two
 * cron runs never crawl at once. A lock whose process is dead is taken over. Without wait, a live
 * holder means LockedError (exit 75); with wait, it polls until the holder is gone. An unusable
 * database path is a StoreError, as when opening it.
 */
export async function acquireRunLock(dbPath: string, wait: boolean, pollMs = 500): Promise<RunLock> {
  if (dbPath === ':memory:') return { release: () => {} };
  // The same checks as opening, so an unusable path fails with the same one line either way.
  prepareDbPath(dbPath);
  const file = `${dbPath}.lock`;
  for (;;) {
    const got = tryLock(file);
    if (typeof got !== 'number') return got;
    if (!wait)
      throw new LockedError(
        `${dbPath}: another inkzee run (${got ? `pid ${got}` : 'starting'}) is crawling this database; try again later or use --wait`,
      );
    await new Promise((r) => setTimeout(r, pollMs));
  }
}
