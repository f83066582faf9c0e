// measure runs one Inkzee CLI invocation as a child and reports what it cost: wall seconds, CPU
// seconds (user + sys of the inkzee process, from process.resourceUsage at its exit), peak RSS, and
// the most open file descriptors seen (/proc/<pid>/fd sampled every 20 ms; null where /proc is absent).
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const preload = path.join(path.dirname(fileURLToPath(import.meta.url)), 'usage-preload.mjs');

/** measure spawns `node --import usage-preload.mjs bin args…` and resolves with its figures and stdout. */
export function measure(bin, args, env = {}) {
  const usageFile = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'inkzee-usage-')), 'usage.json');
  return new Promise((resolve) => {
    const started = performance.now();
    const child = spawn(process.execPath, ['--import', preload, bin, ...args], {
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, ...env, INKZEE_BENCH_USAGE: usageFile },
    });
    let out = '',
      err = '',
      fdHwm = null;
    const sample = setInterval(() => {
      try {
        fdHwm = Math.max(fdHwm ?? 0, fs.readdirSync(`/proc/${child.pid}/fd`).length);
      } catch {
        /* exited, or no /proc */
      }
    }, 20);
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (err += d));
    child.on('exit', (code) => {
      clearInterval(sample);
      const wall = (performance.now() - started) / 1000;
      let u = null;
      try {
        u = JSON.parse(fs.readFileSync(usageFile, 'utf8'));
      } catch {
        /* killed before exit */
      }
      fs.rmSync(path.dirname(usageFile), { recursive: true, force: true });
      const events = out
        .trim()
        .split('\n')
        .filter((l) => l.startsWith('{'))
        .map((l) => JSON.parse(l));
      resolve({
        code,
        wall,
        cpu: u ? u.user + u.sys : null,
        user: u?.user ?? null,
        sys: u?.sys ?? null,
        rssMb: u ? u.maxRssKb / 1024 : null,
        fdHwm,
        events,
        summary: events.at(-1),
        stderr: err,
      });
    });
  });
}

/** load is the 1-minute load average with the core count, to print beside wall times on a shared machine. */
export const load = () => `load ${os.loadavg()[0].toFixed(2)} on ${os.cpus().length} cores`;
