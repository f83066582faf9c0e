// Crawls served documents through the real CLI (bin/inkzee.js over dist/): an OPML file that
// lists every URL without titles (so a feed's title comes from its document), `import
// --no-fetch`, `refresh` with a wide pool, then `feeds --json` and `items --json`. Returns one
// record per URL: the feed row, its items in document order, and why it was refused if it was.
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

function run(bin, args) {
  return new Promise((resolve) => {
    // a crawl that never ends is a finding, not a reason to wait forever
    execFile(
      process.execPath,
      [bin, ...args],
      { maxBuffer: 1 << 30, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' }, timeout: 15 * 60_000, killSignal: 'SIGKILL' },
      (error, stdout, stderr) =>
        resolve({ code: error ? (error.killed ? `killed after 15 min` : Number(error.code ?? 1)) : 0, stdout, stderr }),
    );
  });
}

const xmlAttr = (s) => s.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;');
const ndjson = (s) =>
  s
    .split('\n')
    .filter((l) => l.trim())
    .map((l) => JSON.parse(l));

/**
 * crawlThroughCli stores every URL with the CLI in a temporary database and reads it back.
 * Returns { docs: Map(url → {feed, items, refused}), problems: [..] } where problems lists
 * CLI runs that crashed (an exit code other than 0/3, or a stack trace on stderr).
 */
export async function crawlThroughCli(root, urls, { concurrency = 32 } = {}) {
  const bin = path.join(root, 'bin', 'inkzee.js');
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'inkzee-conformance-'));
  const db = path.join(tmp, 'conformance.db');
  const opml = path.join(tmp, 'subs.opml');
  fs.writeFileSync(
    opml,
    `<?xml version="1.0" encoding="UTF-8"?>\n<opml version="2.0"><head><title>conformance</title></head><body>\n${urls
      .map((u) => `<outline type="rss" xmlUrl="${xmlAttr(u)}"/>`)
      .join('\n')}\n</body></opml>\n`,
  );
  const problems = [];
  const step = async (label, args, ok = [0]) => {
    const r = await run(bin, ['--db', db, ...args]);
    if (!ok.includes(r.code) || /\n\s+at .+:\d+:\d+/.test(r.stderr))
      problems.push(`${label}: exit ${r.code}: ${r.stderr.trim().split('\n').slice(0, 5).join(' / ')}`);
    return r;
  };
  try {
    await step('import', ['--json', 'import', opml, '--no-fetch']);
    const c = String(concurrency);
    const refresh = await step('refresh', ['--json', 'refresh', '--concurrency', c, '--per-host', c, '--timeout', '60', '--force'], [0, 3]);
    const feeds = ndjson((await step('feeds', ['--json', 'feeds'])).stdout);
    const items = ndjson((await step('items', ['--json', 'items'])).stdout);
    const byFeed = new Map();
    for (const it of items) {
      if (!byFeed.has(it.feedId)) byFeed.set(it.feedId, []);
      byFeed.get(it.feedId).push(it);
    }
    const docs = new Map();
    const asked = new Set(urls);
    const sorted = [...feeds].sort((a, b) => a.id - b.id);
    sorted.forEach((f, k) => {
      // a feed that moved (autodiscovery, 301) no longer has the URL we asked for: import keeps OPML order
      const url = asked.has(f.url) ? f.url : sorted.length === urls.length ? urls[k] : f.url;
      // items are listed newest first; ids grow in storage order, which is document order within a feed
      const list = (byFeed.get(f.id) ?? []).sort((a, b) => a.id - b.id);
      // a repaired document keeps a note in lastError but is stored: refused means the fetch failed
      const refused = !f.lastFetchedAt
        ? 'never fetched'
        : f.consecutiveErrors > 0 || f.disabledReason
          ? (f.lastError ?? f.disabledReason ?? 'failed')
          : null;
      docs.set(url, { feed: f, items: list, refused, note: refused ? null : f.lastError });
    });
    const events = ndjson(refresh.stdout).filter((e) => e.type === 'feed');
    return { docs, problems, events };
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
}
