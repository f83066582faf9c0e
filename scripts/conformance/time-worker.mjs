// Child process of timeParses(): decodes and parses each document it is sent with the build's
// dist/ modules, and answers with the CPU time the parse took (this process does nothing else,
// so its CPU is the parser's). Runs apart so that a parse that hangs can be killed.
import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import { pathToFileURL } from 'node:url';
import { headersOf } from './serve.mjs';

const [repo, dir] = process.argv.slice(2);
const { parseFeedDocument } = await import(pathToFileURL(path.join(repo, 'dist', 'parse', 'feed.js')).href);
const { decodeDocument } = await import(pathToFileURL(path.join(repo, 'dist', 'text', 'charset.js')).href);

process.on('message', async ({ rel, url }) => {
  let bytes = fs.readFileSync(path.join(dir, rel));
  const headers = headersOf(rel, bytes);
  const start = process.cpuUsage();
  let crashed = null;
  try {
    if (headers['content-encoding'] === 'gzip') bytes = zlib.gunzipSync(bytes);
    const charset = /charset\s*=\s*["']?([^"';\s]+)/i.exec(headers['content-type'])?.[1];
    const { text } = decodeDocument(bytes, charset);
    await parseFeedDocument(text, url, headers['content-type']);
  } catch (e) {
    crashed = String(e?.message ?? e).split('\n')[0];
  }
  const used = process.cpuUsage(start);
  process.send({ rel, cpuMs: (used.user + used.system) / 1000, crashed });
});
process.send({ ready: true });
