// Loaded with `node --import` by the benchmarks: at exit, writes the process's own CPU seconds
// (user, sys) and peak RSS to the file named by INKZEE_BENCH_USAGE.
import fs from 'node:fs';

const out = process.env.INKZEE_BENCH_USAGE;
if (out) {
  process.on('exit', () => {
    const u = process.resourceUsage();
    fs.writeFileSync(out, JSON.stringify({ user: u.userCPUTime / 1e6, sys: u.systemCPUTime / 1e6, maxRssKb: u.maxRSS }));
  });
}
