#!/usr/bin/env node
// pg-cluster — a throwaway PostgreSQL cluster for tests, benches and CI: a data directory in a
// temp directory, started on a free 127.0.0.1 port with durability turned off (the data is thrown
// away), a superuser and the app role `inkzee` with random passwords, all removed on stop().
// initdb costs ~1.5 s of CPU and copying its output ~0.2 s, so the first cluster keeps a pristine
// initdb (per PostgreSQL build and user, $TMPDIR/inkzee-pgtemplate-*, ~40 MB) that later ones copy.
// Usage: node scripts/pg-cluster.mjs   (prints the app URL; Ctrl-C or SIGTERM stops and removes it)
// INKZEE_PG_BINDIR=/path/to/bin picks the server binaries when they are somewhere else.
import { execFileSync, spawn } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';

const APP_ROLE = 'inkzee';
const PREFIX = 'inkzee-pg-',
  TEMPLATE = 'inkzee-pgtemplate-';
/** NOT_FOUND is the message of the Error thrown when no PostgreSQL server binaries are installed. */
export const NOT_FOUND = 'PostgreSQL not found: apt-get install -y postgresql';

const isRoot = () => process.getuid?.() === 0;
const executable = (file) => {
  try {
    fs.accessSync(file, fs.constants.X_OK);
    return true;
  } catch {
    return false;
  }
};
const onPath = (name) =>
  (process.env.PATH ?? '')
    .split(path.delimiter)
    .map((d) => path.join(d, name))
    .find(executable);

/** findPgBin returns the directory of initdb and pg_ctl ($INKZEE_PG_BINDIR, Debian's newest /usr/lib/postgresql/N/bin, PATH), or null. */
export function findPgBin() {
  const forced = process.env.INKZEE_PG_BINDIR;
  if (forced) return executable(path.join(forced, 'initdb')) && executable(path.join(forced, 'pg_ctl')) ? forced : null;
  const base = '/usr/lib/postgresql';
  let versions = [];
  try {
    versions = fs.readdirSync(base).filter((v) => executable(path.join(base, v, 'bin', 'initdb')));
  } catch {
    /* not Debian's layout */
  }
  versions.sort((a, b) => Number.parseFloat(b) - Number.parseFloat(a));
  if (versions.length) return path.join(base, versions[0], 'bin');
  const initdb = onPath('initdb');
  return initdb && executable(path.join(path.dirname(initdb), 'pg_ctl')) ? path.dirname(initdb) : null;
}

// PostgreSQL refuses to run as root, so as root its tools run as the `postgres` OS user
// (which Debian's package creates); otherwise as ourselves.
function serverUser() {
  if (!isRoot()) return null;
  try {
    const id = (flag) => Number(execFileSync('id', [flag, 'postgres'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim());
    return { uid: id('-u'), gid: id('-g') };
  } catch {
    throw new Error("pg-cluster: running as root needs the 'postgres' OS user (apt-get install -y postgresql creates it)");
  }
}

function asServerUser(argv) {
  if (!isRoot()) return argv;
  const runuser = onPath('runuser');
  if (runuser) return [runuser, '-u', 'postgres', '--', ...argv];
  const quote = (s) => `'${String(s).replaceAll("'", "'\\''")}'`;
  return ['su', '-s', '/bin/sh', 'postgres', '-c', argv.map(quote).join(' ')];
}

/** run executes a PostgreSQL tool (as the server user) in cwd and resolves { code, out } with stdout and stderr together. */
function run(argv, cwd) {
  const [cmd, ...args] = asServerUser(argv);
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { cwd, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    for (const stream of [child.stdout, child.stderr]) stream.on('data', (d) => (out += d));
    child.on('error', reject).on('close', (code) => resolve({ code, out }));
  });
}

function stopSync(bin, dir) {
  const [cmd, ...args] = asServerUser([path.join(bin, 'pg_ctl'), 'stop', '-m', 'immediate', '-D', path.join(dir, 'data')]);
  try {
    execFileSync(cmd, args, { cwd: '/', stdio: 'ignore' });
  } catch {
    /* not running */
  }
  try {
    fs.rmSync(dir, { recursive: true, force: true });
  } catch {
    /* another user's: leave it */
  }
}

// The temp base must be traversable by the server user when we run as root (a TMPDIR under
// /root is not), so fall back to /tmp then.
function tempBase() {
  const base = os.tmpdir();
  if (!isRoot()) return base;
  for (let d = base; ; d = path.dirname(d)) {
    if ((fs.statSync(d).mode & 0o001) === 0) return '/tmp';
    if (d === path.dirname(d)) return base;
  }
}

// A test run killed with SIGKILL leaves its postmaster running; the next start stops clusters
// whose owner process is gone, so they do not pile up.
function reapOrphans(bin, base, log) {
  let entries;
  try {
    entries = fs.readdirSync(base).filter((e) => e.startsWith(PREFIX) || e.startsWith(TEMPLATE));
  } catch {
    return;
  }
  for (const e of entries) {
    const dir = path.join(base, e);
    if (e.startsWith(TEMPLATE)) {
      // a half-made template whose maker died: initdb takes seconds, not ten minutes
      try {
        if (e.includes('.tmp-') && Date.now() - fs.statSync(dir).mtimeMs > 600e3) fs.rmSync(dir, { recursive: true, force: true });
      } catch {
        /* another user's */
      }
      continue;
    }
    let owner;
    try {
      owner = Number(fs.readFileSync(path.join(dir, 'owner.pid'), 'utf8'));
    } catch {
      continue;
    }
    try {
      process.kill(owner, 0);
      continue;
    } catch (err) {
      if (err.code !== 'ESRCH') continue;
    }
    log(`removing the orphaned cluster ${dir} (its owner ${owner} is gone)`);
    stopSync(bin, dir);
  }
}

function freePort() {
  return new Promise((resolve, reject) => {
    const server = net.createServer().once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

/** appPassword derives the app role's password from the admin password, so that createDatabase needs only the admin URL. */
function appPassword(adminPassword) {
  return crypto.createHash('sha256').update(`inkzee-app\0${adminPassword}`).digest('hex').slice(0, 32);
}

const logTail = (file) => {
  try {
    return fs.readFileSync(file, 'utf8').trim().split('\n').slice(-5).join('\n');
  } catch {
    return '';
  }
};

async function initdb(bin, data, cwd) {
  // C.UTF-8 sorts by code point, like SQLite's BINARY collation, and still classifies non-ASCII
  // letters (plain C does not); fall back to C where that locale is missing.
  let init;
  for (const locale of ['C.UTF-8', 'C']) {
    init = await run(
      [
        path.join(bin, 'initdb'),
        '-D',
        data,
        '-U',
        'postgres',
        '--auth-local=trust',
        '--auth-host=scram-sha-256',
        '-E',
        'UTF8',
        `--locale=${locale}`,
        '--no-sync',
      ],
      cwd,
    );
    if (init.code === 0 || !/locale/i.test(init.out)) break;
  }
  if (init.code !== 0) throw new Error(`pg-cluster: initdb failed:\n${init.out.trim()}`);
}

/** template returns { dir, made } where dir/data is a pristine initdb for this build of PostgreSQL, made once. */
async function template(bin, base, owner, log) {
  const st = fs.statSync(path.join(bin, 'initdb'));
  const key = crypto.createHash('sha256').update(`1\0${bin}\0${st.size}\0${st.mtimeMs}\0${process.getuid?.()}`).digest('hex').slice(0, 12);
  const dir = path.join(base, `${TEMPLATE}${key}`);
  const ready = () => fs.existsSync(path.join(dir, 'data', 'global', 'pg_control'));
  if (ready()) return { dir, made: false };
  const t0 = performance.now();
  const tmp = fs.mkdtempSync(`${dir}.tmp-`);
  if (owner) fs.chownSync(tmp, owner.uid, owner.gid);
  try {
    await initdb(bin, path.join(tmp, 'data'), tmp);
    // Made complete under another name, then renamed: a concurrent run sees all of it or none,
    // and the loser of a race keeps the winner's (which someone may be copying already).
    if (ready()) return { dir, made: false };
    fs.rmSync(dir, { recursive: true, force: true });
    try {
      fs.renameSync(tmp, dir);
    } catch {
      if (!ready()) throw new Error(`pg-cluster: could not keep ${dir}`);
    }
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
  log(`initdb ${dir} in ${Math.round(performance.now() - t0)} ms (kept for the next clusters)`);
  return { dir, made: true };
}

/**
 * startCluster starts a throwaway cluster; resolves { url, adminUrl, dir, port, stop }: url is the
 * app role's database (postgres://inkzee:…@127.0.0.1:PORT/inkzee), adminUrl the superuser's.
 */
export async function startCluster({ log = () => {} } = {}) {
  return launch(log, false);
}

async function launch(log, retried) {
  const bin = findPgBin();
  if (!bin) throw new Error(NOT_FOUND);
  const owner = serverUser();
  const base = tempBase();
  reapOrphans(bin, base, log);
  const { dir: pristine, made } = await template(bin, base, owner, log);
  const t0 = performance.now();
  const dir = fs.mkdtempSync(path.join(base, PREFIX));
  fs.writeFileSync(path.join(dir, 'owner.pid'), String(process.pid));
  if (owner) fs.chownSync(dir, owner.uid, owner.gid);
  const data = path.join(dir, 'data'),
    logFile = path.join(dir, 'postgres.log');
  const onExit = () => stopSync(bin, dir);
  process.on('exit', onExit);
  let stopped = false,
    adminUrl = '';
  const stop = async () => {
    if (stopped) return;
    stopped = true;
    process.off('exit', onExit);
    await adminPools.get(adminUrl)?.end();
    adminPools.delete(adminUrl);
    await run([path.join(bin, 'pg_ctl'), 'stop', '-m', 'immediate', '-w', '-D', data], dir);
    fs.rmSync(dir, { recursive: true, force: true });
  };
  try {
    const copy = await run(['cp', '-a', path.join(pristine, 'data'), data], dir);
    if (copy.code !== 0) throw new Error(`pg-cluster: copying ${pristine}: ${copy.out.trim()}`);
    const lit = (s) => `'${s.replaceAll("'", "''")}'`;
    fs.appendFileSync(
      path.join(data, 'postgresql.conf'),
      [
        '',
        '# pg-cluster: a throwaway cluster, durability traded for speed',
        "listen_addresses = '127.0.0.1'",
        `unix_socket_directories = ${lit(dir)}`,
        'max_connections = 200',
        'fsync = off',
        'synchronous_commit = off',
        'full_page_writes = off',
        "password_encryption = 'scram-sha-256'",
        '',
      ].join('\n'),
    );
    // Another process may take the port between our probe and the server's bind: pick again.
    let port;
    for (let attempt = 1; ; attempt++) {
      port = await freePort();
      const start = await run([path.join(bin, 'pg_ctl'), 'start', '-w', '-t', '60', '-D', data, '-l', logFile, '-o', `-p ${port}`], dir);
      if (start.code === 0) break;
      const tail = logTail(logFile);
      if (attempt >= 3 || !/could not bind|already in use/i.test(tail))
        throw new Error(`pg-cluster: pg_ctl start failed:\n${start.out.trim()}\n${tail}`);
    }
    // The superuser's password is set over the unix socket (trusted: only its owner can reach the
    // directory), so each cluster has its own while the template has none.
    const adminPassword = crypto.randomBytes(16).toString('hex');
    const admin = new pg.Client({ host: dir, port, user: 'postgres', database: 'postgres' });
    await admin.connect();
    try {
      for (const sql of [
        `ALTER ROLE postgres PASSWORD ${admin.escapeLiteral(adminPassword)}`,
        `CREATE ROLE ${APP_ROLE} LOGIN PASSWORD ${admin.escapeLiteral(appPassword(adminPassword))}`,
        `CREATE DATABASE ${APP_ROLE} OWNER ${APP_ROLE}`,
      ])
        await admin.query(sql);
    } finally {
      await admin.end();
    }
    log(`started ${dir} on 127.0.0.1:${port} in ${Math.round(performance.now() - t0)} ms`);
    adminUrl = `postgres://postgres:${adminPassword}@127.0.0.1:${port}/postgres`;
    const url = `postgres://${APP_ROLE}:${appPassword(adminPassword)}@127.0.0.1:${port}/${APP_ROLE}`;
    return { url, adminUrl, dir, port, stop };
  } catch (err) {
    await stop().catch(() => {});
    if (made || retried) throw err;
    // A kept template that a tmp cleaner has half-removed fails here: make a new one, once.
    log(`${err.message.split('\n')[0]}; retrying with a fresh initdb`);
    fs.rmSync(pristine, { recursive: true, force: true });
    return launch(log, true);
  }
}

// One small admin pool per cluster: a connection costs a backend start (~50-100 ms), a CREATE
// DATABASE on an open one about as much again. Idle, it lets the process exit.
const adminPools = new Map();

/** createDatabase creates an empty database `name` owned by the app role and returns its URL. */
export async function createDatabase(adminUrl, name) {
  if (!/^[a-z_][a-z0-9_]{0,62}$/.test(name)) throw new Error(`pg-cluster: bad database name ${JSON.stringify(name)}`);
  if (!adminPools.has(adminUrl)) {
    const pool = new pg.Pool({ connectionString: adminUrl, max: 2, idleTimeoutMillis: 2000, allowExitOnIdle: true });
    adminPools.set(
      adminUrl,
      pool.on('error', () => {}),
    ); // an idle connection cut by a stop: the next query reconnects
  }
  await adminPools.get(adminUrl).query(`CREATE DATABASE ${name} OWNER ${APP_ROLE}`);
  const url = new URL(adminUrl);
  url.username = APP_ROLE;
  url.password = appPassword(decodeURIComponent(url.password));
  url.pathname = `/${name}`;
  return url.href;
}

if (process.argv[1] && fs.realpathSync(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const say = (m) => process.stderr.write(`pg-cluster: ${m}\n`);
  const cluster = await startCluster({ log: say }).catch((err) => {
    say(err.message);
    process.exit(1);
  });
  console.log(cluster.url);
  say(`admin ${cluster.adminUrl}, data in ${cluster.dir}; Ctrl-C stops and removes it`);
  const keepAlive = setInterval(() => {}, 1 << 30);
  const quit = async () => {
    clearInterval(keepAlive);
    await cluster.stop();
    say('stopped');
    process.exit(0);
  };
  process.once('SIGINT', quit);
  process.once('SIGTERM', quit);
}
