// Serves the corpus's feed documents over HTTP on 127.0.0.1 the way their suites assume:
// feedparser's `Header:` lines (Content-type, Content-Location, ETag …) become response
// headers, node-feedparser's gzip files are sent with Content-Encoding: gzip, everything else
// gets a neutral type (application/xml, or application/json for .json).
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';

const GZIPPED = new Set(['node-feedparser/compressed.xml', 'node-feedparser/invalid-characters-gzipped.xml']);

/** listFiles returns every file under dir as paths relative to it, sorted, with "/" separators. */
export function listFiles(dir) {
  const out = [];
  const walk = (d) => {
    for (const e of fs.readdirSync(d, { withFileTypes: true })) {
      const p = path.join(d, e.name);
      if (e.isDirectory()) walk(p);
      else if (e.isFile()) out.push(path.relative(dir, p).split(path.sep).join('/'));
    }
  };
  walk(dir);
  return out.sort();
}

/** headersOf reads the response headers a test document asks for (feedparser's `Header:` lines). */
export function headersOf(rel, bytes) {
  const headers = {};
  if (GZIPPED.has(rel) || (bytes[0] === 0x1f && bytes[1] === 0x8b)) headers['content-encoding'] = 'gzip';
  const head = bytes.subarray(0, 8192).toString('latin1').replace(/\0/g, '');
  const comment = /<!--([\s\S]*?)-->/.exec(head)?.[1] ?? '';
  for (const m of comment.matchAll(/^\s*Header:\s*([\w-]+):[ \t]*(.*?)\s*$/gm)) headers[m[1].toLowerCase()] = m[2];
  if (!headers['content-type']) headers['content-type'] = /\.json$/i.test(rel) ? 'application/json' : 'application/xml';
  return headers;
}

/** urlPath is the request path that serves a corpus-relative file. */
export const urlPath = (rel) => '/' + rel.split('/').map(encodeURIComponent).join('/');

/** serveCorpus starts the server over root; files maps corpus-relative paths that may be served. */
export async function serveCorpus(root, files) {
  const allowed = new Set(files);
  const server = http.createServer((req, res) => {
    let rel;
    try {
      rel = decodeURIComponent((req.url ?? '/').split('?')[0]).slice(1);
    } catch {
      rel = '';
    }
    if (!allowed.has(rel)) {
      res.writeHead(404, { 'content-type': 'text/plain' });
      res.end('not found');
      return;
    }
    const bytes = fs.readFileSync(path.join(root, rel));
    res.writeHead(200, { ...headersOf(rel, bytes), 'content-length': bytes.length });
    res.end(bytes);
  });
  // Node's own idle timeout (5 s) stays, as on the feed farm and most servers: a crawler that reuses
  // a socket just as the server closes it must send the request again, not report a reset.
  const sockets = new Set();
  server.on('connection', (s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  const origin = `http://127.0.0.1:${server.address().port}`;
  return {
    origin,
    url: (rel) => origin + urlPath(rel),
    close: () =>
      new Promise((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}
