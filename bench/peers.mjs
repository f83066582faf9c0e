// The peers' rows of a benchmark: newsboat and Python feedparser (../shared/bench/peers/) crawling
// the same OPML on the same farm, timed by /usr/bin/time (wall, user + sys CPU, peak RSS).
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { benchDir } from './farm-env.mjs';

/**
 * peers lists the installed peer crawlers for an OPML file, `threads` each (16: the CLI's default
 * concurrency); each `run()` crawls it once from an empty cache. A peer that is not installed adds
 * a line to `notes` and no row.
 */
export function peers(opml, { tmp, timeout, notes, threads = 16 }) {
  const list = [];
  const time = fs.existsSync('/usr/bin/time');
  const runTimed = (argv, cwd) =>
    new Promise((resolve) => {
      const tf = path.join(cwd, 'time.txt'),
        started = performance.now();
      const child = spawn(time ? '/usr/bin/time' : argv[0], time ? ['-f', '%U %S %M', '-o', tf, ...argv] : argv.slice(1), {
        cwd,
        stdio: 'ignore',
      });
      child.on('exit', () => {
        const t = time && fs.existsSync(tf) ? fs.readFileSync(tf, 'utf8').trim().split('\n').at(-1).split(' ').map(Number) : null;
        resolve({
          wall: (performance.now() - started) / 1000,
          cpu: t ? t[0] + t[1] : null,
          user: t?.[0] ?? null,
          sys: t?.[1] ?? null,
          rssMb: t ? t[2] / 1024 : null,
          fdHwm: null,
        });
      });
    });
  if (spawnSync('newsboat', ['-v'], { stdio: 'ignore' }).status === 0) {
    list.push({
      name: `newsboat (${threads} threads)`,
      run: () => {
        const d = fs.mkdtempSync(path.join(tmp, 'nb-'));
        fs.writeFileSync(path.join(d, 'config'), `reload-threads ${threads}\ndownload-timeout ${timeout}\nmax-items 0\n`);
        fs.writeFileSync(path.join(d, 'urls'), '');
        spawnSync('newsboat', ['-C', 'config', '-u', 'urls', '-c', 'cache.db', '-i', opml], { cwd: d, stdio: 'ignore' });
        return runTimed(['newsboat', '-C', 'config', '-u', 'urls', '-c', 'cache.db', '-x', 'reload'], d);
      },
    });
  } else notes.push('newsboat: not installed, row skipped.');
  const fp = path.join(benchDir, 'peers', 'feedparser_crawl.py');
  if (fs.existsSync(fp) && spawnSync('/usr/bin/python3', ['-c', 'import feedparser, requests'], { stdio: 'ignore' }).status === 0) {
    list.push({
      name: `Python feedparser + requests (${threads} threads)`,
      run: () => {
        const d = fs.mkdtempSync(path.join(tmp, 'fp-'));
        return runTimed(
          ['/usr/bin/python3', fp, opml, path.join(d, 'out.db'), '--threads', String(threads), '--timeout', String(timeout)],
          d,
        );
      },
    });
  } else notes.push('Python feedparser: python3-feedparser / python3-requests not installed, row skipped.');
  return list;
}
