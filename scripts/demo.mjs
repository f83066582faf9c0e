#!/usr/bin/env node
// npm run demo: an offline tour. Serves the real feed documents in examples/demo/ on 127.0.0.1
// (one behind an HTML page for autodiscovery, one behind a 301), writes an OPML list pointing at
// them, and runs `inkzee import`, `inkzee feeds` and `inkzee items` against a fresh database
// (or $INKZEE_DB if set).
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const dir = path.join(root, 'examples', 'demo');
const types = { '.json': 'application/feed+json', '.atom': 'application/atom+xml', '.xml': 'application/rss+xml' };
const server = http.createServer((req, res) => {
  const p = decodeURIComponent(new URL(req.url, 'http://x').pathname);
  if (p === '/heise') {
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
    return res.end(
      '<!doctype html><html><head><title>heise developer</title><link rel="alternate" type="application/atom+xml" href="/heise.atom"></head><body></body></html>',
    );
  }
  if (p === '/old-rome') {
    res.writeHead(301, { location: '/rss_2.0.xml' });
    return res.end();
  }
  const file = path.join(dir, path.basename(p));
  if (!p.startsWith('/') || !fs.existsSync(file) || !types[path.extname(file)]) {
    res.writeHead(404);
    return res.end('not found');
  }
  res.writeHead(200, { 'content-type': types[path.extname(file)] });
  fs.createReadStream(file).pipe(res);
});
await new Promise((r) => server.listen(0, '127.0.0.1', r));
const base = `http://127.0.0.1:${server.address().port}`;
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'inkzee-demo-'));
const opml = path.join(tmp, 'demo.opml');
const feed = (title, url) => `      <outline type="rss" text="${title}" xmlUrl="${base}${url}"/>\n`;
fs.writeFileSync(
  opml,
  `<?xml version="1.0" encoding="UTF-8"?>\n<opml version="2.0"><head><title>Inkzee demo</title></head><body>
  <outline text="Technology">
    <outline text="Apple">\n${feed('Daring Fireball', '/daringfireball.json')}${feed('inessential', '/inessential.json')}    </outline>
    <outline text="Developers">\n${feed('heise developer (an HTML page)', '/heise')}    </outline>
  </outline>
  <outline text="Samples">\n${feed('RSS 2.0 spec sample', '/rss2sample.xml')}${feed('ROME sample (moved)', '/old-rome')}${feed('KOI8-R feed', '/koi8r.xml')}  </outline>
</body></opml>\n`,
);
const db = process.env.INKZEE_DB || path.join(tmp, 'demo.db');
// The CLI runs as a child process while this one keeps serving the feeds.
const inkzee = (...args) => {
  console.log(`\n$ inkzee ${args.join(' ')}`);
  return new Promise((resolve) =>
    spawn(process.execPath, [path.join(root, 'bin', 'inkzee.js'), '--db', db, ...args], { stdio: 'inherit' }).on('exit', resolve),
  );
};
console.log(`Serving examples/demo on ${base}; database ${db}`);
await inkzee('import', opml);
await inkzee('feeds');
await inkzee('items', '--limit', '8');
await inkzee('items', '--category', 'Samples', '--json', '--limit', '1');
server.close();
if (!process.env.INKZEE_DB) fs.rmSync(tmp, { recursive: true, force: true });
