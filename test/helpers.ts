import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { resolveConfig, type Config } from '../src/config.js';
import { Output } from '../src/output/output.js';
import { StdoutWriter } from '../src/output/stdout.js';
import { createContext, type Context } from '../src/commands/context.js';
import { openStore, type Db } from '../src/store/sqlite/connect.js';
import type { Item } from '../src/model.js';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
export const FIXTURES = path.join(ROOT, 'test', 'fixtures');
export const fixture = (...p: string[]) => path.join(FIXTURES, ...p);

/** tempDir makes a fresh directory removed when the process exits. */
const dirs: string[] = [];
process.on('exit', () => {
  for (const d of dirs) fs.rmSync(d, { recursive: true, force: true });
});
export function tempDir(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'inkzee-test-'));
  dirs.push(dir);
  return dir;
}

/** CapturedContext is a Context whose stdout and stderr are kept in strings. */
export interface CapturedContext extends Context {
  stdout(): string;
  stderr(): string;
  /** db is a second, synchronous connection to the context's SQLite file, for seeding and checking rows. */
  db(): Db;
}

/** testContext builds a command Context on its own database with captured output. */
export function testContext(
  flags: { json?: boolean; quiet?: boolean; db?: string } = {},
  now = () => new Date('2026-01-02T03:04:05Z'),
): CapturedContext {
  const db = flags.db ?? path.join(tempDir(), 'test.db');
  const cfg: Config = resolveConfig({ ...flags, db }, { env: {}, stdoutIsTTY: false, stderrIsTTY: false, columns: 100 });
  const dir = tempDir();
  const outFile = path.join(dir, 'stdout');
  const fd = fs.openSync(outFile, 'w+');
  let err = '';
  const out = new Output(cfg, new StdoutWriter(fd), { write: (s: string) => (err += s) });
  const ctx = createContext(cfg, out, now);
  let raw: Db | undefined;
  return {
    ...ctx,
    stdout: () => {
      out.flush();
      return fs.readFileSync(outFile, 'utf8');
    },
    stderr: () => err,
    db: () => (raw ??= openStore(db)),
  };
}

/** CliResult is what a run of the built CLI printed and returned. */
export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** cli runs bin/inkzee.js (the compiled program) with arguments, environment and stdin. */
export function cli(args: string[], opts: { env?: NodeJS.ProcessEnv; input?: string | Buffer; cwd?: string } = {}): Promise<CliResult> {
  return new Promise((resolve) => {
    const child = execFile(
      process.execPath,
      [path.join(ROOT, 'bin', 'inkzee.js'), ...args],
      // XDG_CONFIG_HOME (vitest.config.ts) keeps the developer's own config file out of the run.
      {
        env: { PATH: process.env.PATH, HOME: process.env.HOME, XDG_CONFIG_HOME: process.env.XDG_CONFIG_HOME, ...opts.env },
        cwd: opts.cwd,
        maxBuffer: 1 << 26,
        encoding: 'utf8',
      },
      (error, stdout, stderr) => resolve({ code: error ? Number((error as { code?: number }).code ?? 1) : 0, stdout, stderr }),
    );
    if (opts.input !== undefined) child.stdin!.end(opts.input);
    else child.stdin!.end();
  });
}

/** collect reads a command's stream (or the promise of one) into an array. */
export async function collect<T>(stream: AsyncIterable<T> | Promise<AsyncIterable<T>>): Promise<T[]> {
  const out: T[] = [];
  for await (const x of await stream) out.push(x);
  return out;
}

/** itemOf is a parsed item with every field not given empty (null, or [] for lists), as a feed without them parses. */
export function itemOf(i: Partial<Item> & { key: string }): Item {
  return {
    guid: null,
    link: null,
    title: null,
    author: null,
    published: null,
    updated: null,
    summary: null,
    content: null,
    enclosures: [],
    categories: [],
    duration: null,
    comments: null,
    episode: null,
    season: null,
    explicit: null,
    transcriptUrl: null,
    chaptersUrl: null,
    ...i,
  };
}
