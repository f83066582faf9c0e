#!/usr/bin/env node
// Sweep every OPML file of ../shared/corpus through `inkzee import --no-fetch` (the real CLI, a
// fresh database each) and check the contract: exit 0, or exit 1 with exactly one line on
// stderr and no stack trace. Prints a line per file that is not a plain success, then totals.
// Skips cleanly (exit 0) when ../shared is absent, e.g. in a user's fresh clone.
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const run = promisify(execFile);
const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const shared = process.env.INKZEE_SHARED ?? path.resolve(root, '..', 'shared');
const corpus = path.join(shared, 'corpus');
if (!fs.existsSync(path.join(corpus, 'opml'))) {
  console.log(`skipped: ${corpus}/opml not found`);
  process.exit(0);
}
const index = new Map(
  fs
    .readFileSync(path.join(corpus, 'INDEX-opml.tsv'), 'utf8')
    .trim()
    .split('\n')
    .slice(1)
    .map((l) => l.split('\t'))
    .map((c) => [c[0], Number(c[4])]),
);
const files = [...index.keys()].filter((p) => /\.(opml|xml)$/i.test(p) || fs.statSync(path.join(corpus, p)).isFile());
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'inkzee-corpus-'));
const bin = path.join(root, 'bin', 'inkzee.js');
let ok = 0,
  failed = 0,
  broken = 0,
  feeds = 0,
  short = 0;

async function one(rel, k) {
  const db = path.join(tmp, `${k}.db`);
  try {
    const { stdout } = await run(process.execPath, [bin, '--db', db, '--json', 'import', path.join(corpus, rel), '--no-fetch'], {
      maxBuffer: 1 << 26,
    });
    const summary = JSON.parse(stdout.trim().split('\n').at(-1));
    ok++;
    feeds += summary.added;
    // Every <outline …xmlUrl=…> must be accounted for: added, merged as a duplicate, or skipped
    // for a reason (INDEX's count also includes look-alikes such as <outline-off>).
    const expected = (fs.readFileSync(path.join(corpus, rel), 'latin1').match(/<outline\s[^>]*?xmlurl\s*=/gi) ?? []).length;
    const accounted = summary.added + summary.duplicates + summary.skipped;
    if (accounted < expected) {
      short++;
      console.log(
        `SHORT  ${rel}: ${summary.added} added + ${summary.duplicates} dup + ${summary.skipped} skipped < ${expected} xmlUrl outlines`,
      );
    }
  } catch (err) {
    const lines = String(err.stderr ?? '')
      .trim()
      .split('\n')
      .filter((l) => !l.startsWith('{'));
    if (err.code === 1 && lines.length === 1 && lines[0].startsWith('inkzee: ') && !/\n\s+at /.test(err.stderr)) {
      failed++;
      console.log(`ERROR  ${rel}: ${lines[0]}${index.get(rel) ? `  (index counts ${index.get(rel)} xmlUrl outlines)` : ''}`);
    } else {
      broken++;
      console.log(`BROKEN ${rel}: exit ${err.code}\n${err.stderr}`);
    }
  } finally {
    for (const f of [db, `${db}-wal`, `${db}-shm`]) fs.rmSync(f, { force: true });
  }
}

const queue = files.map((f, k) => [f, k]);
await Promise.all(
  Array.from({ length: os.availableParallelism() }, async () => {
    for (let job = queue.shift(); job; job = queue.shift()) await one(...job);
  }),
);
fs.rmSync(tmp, { recursive: true, force: true });
console.log(
  `${files.length} files: ${ok} imported (${feeds} feeds), ${failed} refused with a one-line error, ${broken} broken, ${short} short`,
);
process.exit(broken || short ? 1 : 0);
