// The config file and `inkzee config`, through the built CLI: where the file is looked for, the
// precedence flags > INKZEE_* > file > defaults shown by `inkzee config` and obeyed by real commands,
// and every bad input refused in one line naming the file, the line and the key.
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { rss, serve, startFeedServer, type FeedServer, type Route } from './feed-server.js';
import { cli, ROOT, tempDir } from './helpers.js';
import { freshDatabase, pgAvailable } from './pg.js';
import { hidePassword, resolveConfig, type Environment } from '../src/config.js';
import { lineOf, parseConfigText, type ConfigFile } from '../src/config-file.js';

let server: FeedServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

/** home makes a fake home directory (never the real one) and, given text, writes its ~/.config/inkzee/config.toml. */
function home(text?: string): { dir: string; file: string; env: NodeJS.ProcessEnv } {
  const dir = tempDir();
  const file = path.join(dir, '.config', 'inkzee', 'config.toml');
  if (text !== undefined) {
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, text);
  }
  // XDG_CONFIG_HOME unset (undefined drops it from the child's environment): the file under HOME counts.
  return { dir, file, env: { HOME: dir, XDG_CONFIG_HOME: undefined, XDG_DATA_HOME: path.join(dir, 'data') } };
}

function records(stdout: string): Record<string, unknown>[] {
  return stdout
    .trim()
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as Record<string, unknown>);
}

/** settings runs `inkzee config --json` and returns the setting records by key. */
async function settings(args: string[], env: NodeJS.ProcessEnv): Promise<Record<string, Record<string, unknown>>> {
  const r = await cli([...args, 'config', '--json'], { env });
  expect(r.stderr).toBe('');
  expect(r.code).toBe(0);
  return Object.fromEntries(
    records(r.stdout)
      .filter((o) => o.type === 'setting')
      .map((o) => [o.key as string, o]),
  );
}

function opml(urls: string[]): string {
  const file = path.join(tempDir(), 'subs.opml');
  fs.writeFileSync(
    file,
    `<opml version="2.0"><body><outline text="Feeds">${urls.map((u) => `<outline type="rss" xmlUrl="${u}"/>`).join('')}</outline></body></opml>`,
  );
  return file;
}

describe('reading and resolving (in process)', () => {
  const e = (env: NodeJS.ProcessEnv = {}): Environment => ({ env, stdoutIsTTY: false, stderrIsTTY: false, columns: 80 });
  const file = (text: string): ConfigFile => ({
    path: '/h/.config/inkzee/config.toml',
    from: 'default',
    found: true,
    ...parseConfigText(text, '/h/.config/inkzee/config.toml', '/h'),
  });

  it('finds the line of a key: bare, quoted, dotted, or under its [table]', () => {
    const text = '# c\n"model" = "x"\n\n[crawl]\nmodel = 1\n';
    expect(lineOf(text, ['model'])).toBe(2);
    expect(lineOf(text, ['crawl', 'model'])).toBe(5);
    expect(lineOf('a = 1\ncrawl.timeout = 2\n', ['crawl', 'timeout'])).toBe(2);
    expect(lineOf('[crawl]\n', ['crawl', 'x'])).toBe(1);
  });

  it('expands ~ and a path relative to the file in database; keeps a postgres:// URL', () => {
    expect(file('database = "~/x.db"').values.database).toBe('/h/x.db');
    expect(file('database = "x.db"').values.database).toBe('/h/.config/inkzee/x.db');
    expect(file('database = "postgres://u@h/db"').values.database).toBe('postgres://u@h/db');
  });

  it('takes a flag over the environment over the file over the default, and keeps each source', () => {
    const f = file('concurrency = 4\ntimeout = 9\nmodel = "m"\n');
    const c = resolveConfig({ db: 'x', concurrency: '7' }, e({ INKZEE_TIMEOUT: '3' }), f);
    expect([c.concurrency, c.timeout, c.model, c.perHost]).toEqual([7, 3, 'm', 2]);
    expect(c.sources).toMatchObject({
      concurrency: { kind: 'flag', flag: '--concurrency' },
      timeout: { kind: 'env', variable: 'INKZEE_TIMEOUT' },
      model: { kind: 'file', line: 3 },
      'per-host': { kind: 'default' },
    });
    expect(Object.isFrozen(c)).toBe(true);
  });

  it('hides the password of a PostgreSQL URL', () => {
    expect(hidePassword('postgres://u:secret@h:5432/db?sslmode=require')).toBe('postgres://u:***@h:5432/db?sslmode=require');
    expect(hidePassword('postgresql://u@h/db?password=secret')).toBe('postgresql://u@h/db?password=***');
    expect(hidePassword('/home/u/secret.db')).toBe('/home/u/secret.db');
  });
});

describe('where the config file is', () => {
  it('is ~/.config/inkzee/config.toml, or under an absolute XDG_CONFIG_HOME, or INKZEE_CONFIG, or --config', async () => {
    const h = home();
    const at = async (env: NodeJS.ProcessEnv, args: string[] = []) =>
      (await cli([...args, 'config', '--path'], { env: { ...h.env, ...env } })).stdout;
    expect(await at({})).toBe(`${h.file}\n`);
    expect(await at({ XDG_CONFIG_HOME: '/etc/xdg-test' })).toBe('/etc/xdg-test/inkzee/config.toml\n');
    // A relative XDG_CONFIG_HOME is ignored, as the XDG spec says.
    expect(await at({ XDG_CONFIG_HOME: 'relative/dir' })).toBe(`${h.file}\n`);
    expect(await at({ INKZEE_CONFIG: '/tmp/a.toml', XDG_CONFIG_HOME: '/etc/xdg-test' })).toBe('/tmp/a.toml\n');
    expect(await at({ INKZEE_CONFIG: '/tmp/a.toml' }, ['--config', '/tmp/b.toml'])).toBe('/tmp/b.toml\n');
  });

  it('says which file it read, or that there is none and where it looked', async () => {
    const none = home();
    const r = await cli(['config'], { env: none.env });
    expect(r.code).toBe(0);
    expect(r.stdout.split('\n')[0]).toBe(`config file: none (looked for ${none.file})`);
    expect(records((await cli(['config', '--json'], { env: none.env })).stdout)[0]).toEqual({
      type: 'config-file',
      path: none.file,
      from: 'default',
      found: false,
    });
    const some = home('concurrency = 4\n');
    expect((await cli(['config'], { env: some.env })).stdout.split('\n')[0]).toBe(`config file: ${some.file}`);
    const table = (await cli(['config'], { env: some.env })).stdout;
    expect(table).toMatch(new RegExp(`^concurrency +4 +file ${some.file}:1$`, 'm'));
    expect(table).toMatch(/^per-host +2 +default$/m);
  });
});

describe('precedence: flags, then environment, then the file, then defaults', () => {
  it('shows each setting with its value and source', async () => {
    const h = home(
      [
        '# settings written once',
        'database = "~/feeds.db"',
        'concurrency = 4',
        'per-host = 3',
        'timeout = 12.5',
        'max-size = 2',
        'private-networks = "deny"',
        'model = "news"',
        'color = "never"',
      ].join('\n'),
    );
    const file = (line: number) => ({ source: 'file', file: h.file, line });
    let s = await settings([], h.env);
    expect(s.database).toEqual({ type: 'setting', key: 'database', value: path.join(h.dir, 'feeds.db'), ...file(2) });
    expect(s.concurrency).toMatchObject({ value: 4, ...file(3) });
    expect(s['per-host']).toMatchObject({ value: 3, ...file(4) });
    expect(s.timeout).toMatchObject({ value: 12.5, ...file(5) });
    expect(s['max-size']).toMatchObject({ value: 2, ...file(6) });
    expect(s['private-networks']).toMatchObject({ value: 'deny', ...file(7) });
    expect(s.model).toMatchObject({ value: 'news', ...file(8) });
    expect(s.color).toMatchObject({ value: 'never', ...file(9) });

    const env = {
      ...h.env,
      INKZEE_DB: '/tmp/env.db',
      INKZEE_CONCURRENCY: '8',
      INKZEE_TIMEOUT: '5',
      INKZEE_PRIVATE_NETWORKS: 'allow',
      INKZEE_MODEL: 'tech',
      INKZEE_COLOR: 'always',
    };
    s = await settings([], env);
    expect(s.database).toMatchObject({ value: '/tmp/env.db', source: 'env', variable: 'INKZEE_DB' });
    expect(s.concurrency).toMatchObject({ value: 8, source: 'env', variable: 'INKZEE_CONCURRENCY' });
    expect(s.timeout).toMatchObject({ value: 5, source: 'env', variable: 'INKZEE_TIMEOUT' });
    expect(s['private-networks']).toMatchObject({ value: 'allow', source: 'env', variable: 'INKZEE_PRIVATE_NETWORKS' });
    expect(s.model).toMatchObject({ value: 'tech', source: 'env', variable: 'INKZEE_MODEL' });
    expect(s.color).toMatchObject({ value: 'always', source: 'env', variable: 'INKZEE_COLOR' });
    expect(s['per-host']).toMatchObject({ value: 3, ...file(4) }); // not in the environment: still the file's

    s = await settings(['--db', '/tmp/flag.db'], env);
    expect(s.database).toMatchObject({ value: '/tmp/flag.db', source: 'flag', flag: '--db' });

    s = await settings([], home().env);
    expect(s.concurrency).toEqual({ type: 'setting', key: 'concurrency', value: 16, source: 'default' });
    expect(s['private-networks']).toMatchObject({ value: null, source: 'default' });
    expect(s.model).toMatchObject({ value: 'default', source: 'default' });
  });

  it('uses the database the file names (a relative path is relative to the file), and INKZEE_DB and --db over it', async () => {
    const h = home('database = "subs.db"\n');
    server = await startFeedServer({ '/a': serve(200, rss('A', [{ guid: '1', title: 'one' }])) });
    const subs = opml([`${server.url}/a`]);
    expect((await cli(['import', subs, '--no-fetch', '--quiet'], { env: h.env })).code).toBe(0);
    expect(fs.existsSync(path.join(path.dirname(h.file), 'subs.db'))).toBe(true);
    const feeds = await cli(['feeds', '--json'], { env: h.env });
    expect(records(feeds.stdout).map((f) => f.url)).toEqual([`${server.url}/a`]);
    const other = path.join(tempDir(), 'other.db');
    expect((await cli(['feeds', '--json'], { env: { ...h.env, INKZEE_DB: other } })).stdout).toBe('');
    expect((await cli(['--db', other, 'feeds', '--json'], { env: h.env })).stdout).toBe('');
  });

  it.skipIf(!pgAvailable)('uses a PostgreSQL database the file names, and never prints its password', async () => {
    const url = await freshDatabase();
    expect(new URL(url).password).not.toBe('');
    const h = home(`database = "${url}"\n`);
    server = await startFeedServer({ '/a': serve(200, rss('A', [{ guid: '1', title: 'one' }])) });
    const imported = await cli(['--json', 'import', opml([`${server.url}/a`])], { env: h.env });
    expect(imported.code).toBe(0);
    expect(records((await cli(['items', '--json'], { env: h.env })).stdout).map((i) => i.title)).toEqual(['one']);
    const shown = await cli(['config'], { env: h.env });
    expect(shown.stdout).toMatch(/^database +postgres:\/\/inkzee:\*\*\*@/m);
    expect(shown.stdout).not.toContain(new URL(url).password);
    expect((await cli(['config', '--json'], { env: h.env })).stdout).not.toContain(new URL(url).password);
  });

  it('crawls with the max-size of the file, over it the environment, over that the flag', async () => {
    // A feed of about 6 KB against 0.002 MiB (2 KB) or 1 MiB: too large or fine, whatever the timing.
    const big = rss('Big', [{ guid: '1', title: 'one', description: 'x'.repeat(6000) }]);
    server = await startFeedServer({ '/big': serve(200, big) });
    const h = home('max-size = 0.002\n');
    const crawl = async (args: string[], env: NodeJS.ProcessEnv) => {
      const db = path.join(tempDir(), 'm.db');
      const r = await cli(['--db', db, '--json', 'import', opml([`${server!.url}/big`]), ...args], { env: { ...h.env, ...env } });
      return records(r.stdout).find((e) => e.type === 'feed')!;
    };
    expect(await crawl([], {})).toMatchObject({ outcome: 'failed', error: expect.stringMatching(/^response too large/) });
    expect(await crawl([], { INKZEE_MAX_SIZE: '1' })).toMatchObject({ outcome: 'updated', newItems: 1 });
    expect(await crawl(['--max-size', '0.002'], { INKZEE_MAX_SIZE: '1' })).toMatchObject({ outcome: 'failed' });
    expect(await crawl(['--max-size', '1'], {})).toMatchObject({ outcome: 'updated' });
  });

  it('crawls one host with the per-host of the file, or of INKZEE_PER_HOST over it', async () => {
    // Each response waits until `gate` requests are in flight: a crawl allowed fewer at once could
    // never release them (and would time out), one allowed more is caught by the high-water mark.
    let inFlight = 0;
    let most = 0;
    let gate = 1;
    let waiting: (() => void)[] = [];
    const held: Route = (_req, res) => {
      inFlight++;
      most = Math.max(most, inFlight);
      waiting.push(() => {
        inFlight--;
        serve(200, rss('F', [{ guid: '1', title: 'one' }]))(_req, res);
      });
      if (waiting.length >= gate) {
        const go = waiting;
        waiting = [];
        for (const f of go) f();
      }
    };
    const paths = ['/1', '/2', '/3', '/4', '/5', '/6'];
    server = await startFeedServer(Object.fromEntries(paths.map((p) => [p, held])));
    const urls = paths.map((p) => `${server!.url}${p}`);
    const h = home('per-host = 1\nconcurrency = 8\ntimeout = 20\n');

    let r = await cli(['--db', path.join(tempDir(), 'a.db'), '--json', 'import', opml(urls)], { env: h.env });
    expect(r.code).toBe(0);
    expect(most).toBe(1);

    [most, gate] = [0, 3];
    r = await cli(['--db', path.join(tempDir(), 'b.db'), '--json', 'import', opml(urls)], { env: { ...h.env, INKZEE_PER_HOST: '3' } });
    expect(r.code).toBe(0);
    expect(most).toBe(3);
  });

  it('denies private networks when the file says so, and the flag allows them again', async () => {
    server = await startFeedServer({ '/a': serve(200, rss('A', [{ guid: '1', title: 'one' }])) });
    const h = home('private-networks = "deny"\n');
    const run = async (args: string[]) =>
      records(
        (await cli(['--db', path.join(tempDir(), 'p.db'), '--json', 'import', opml([`${server!.url}/a`]), ...args], { env: h.env })).stdout,
      ).find((e) => e.type === 'feed')!;
    expect(await run([])).toMatchObject({
      outcome: 'failed',
      error: expect.stringMatching(/^refused: 127\.0\.0\.1 is a loopback address/),
    });
    expect(await run(['--allow-private-networks'])).toMatchObject({ outcome: 'updated' });
  });

  it('classifies with the model of the file, INKZEE_MODEL over it, --model over both', async () => {
    const h = home('model = "news"\n');
    const db = path.join(tempDir(), 'c.db');
    const model = async (args: string[], env: NodeJS.ProcessEnv = {}) =>
      (await cli(['--db', db, 'classify', ...args], { env: { ...h.env, ...env } })).stderr;
    expect(await model([])).toBe('inkzee: model "news": no such model (train one with `inkzee classify train`)\n');
    expect(await model([], { INKZEE_MODEL: 'tech' })).toMatch(/^inkzee: model "tech": no such model/);
    expect(await model(['--model', 'mine'], { INKZEE_MODEL: 'tech' })).toMatch(/^inkzee: model "mine": no such model/);
  });

  it('colours messages as the file says, even off a terminal; NO_COLOR wins over the file, INKZEE_COLOR over both', async () => {
    const h = home('color = "always"\n');
    const error = async (env: NodeJS.ProcessEnv) => (await cli(['show', 'x'], { env: { ...h.env, ...env } })).stderr;
    expect(await error({})).toMatch(/^\u001b\[31minkzee:\u001b\[0m /);
    expect(await error({ NO_COLOR: '1' })).toMatch(/^inkzee: /);
    expect(await error({ NO_COLOR: '1', INKZEE_COLOR: 'always' })).toMatch(/^\u001b\[31m/);
    expect(await error({ INKZEE_COLOR: 'never' })).toMatch(/^inkzee: /);
    expect(await error({ INKZEE_COLOR: 'auto' })).toMatch(/^inkzee: /); // stderr is a pipe here
  });
});

describe('examples/config.toml', () => {
  it('is a valid config file that sets every key', async () => {
    const h = home();
    const s = await settings(['--config', path.join(ROOT, 'examples', 'config.toml')], h.env);
    expect(Object.keys(s)).toEqual([
      'database',
      'concurrency',
      'per-host',
      'timeout',
      'max-size',
      'private-networks',
      'model',
      'color',
      'on-new-items',
    ]);
    expect(
      Object.values(s)
        .filter((x) => x.source !== 'file')
        .map((x) => x.key),
    ).toEqual(['private-networks', 'on-new-items']); // commented out
    expect(s.database.value).toBe(path.join(h.dir, '.local', 'share', 'inkzee', 'inkzee.db'));
  });
});

describe('bad config files and variables', () => {
  // Each is refused in one line naming the file, the line and the key, exit 1, before anything is stored.
  it.each([
    ['a syntax error, with its line', 'concurrency = 4\ntimeout = = 3\n', ':2: not valid TOML: '],
    [
      'an unknown key, with the nearest known one',
      'concurrency = 4\n\nper_host = 2\n',
      ':3: per_host: unknown key (did you mean per-host?)',
    ],
    ['a key nothing is near', 'colour_scheme_name = 1\n', ':1: colour_scheme_name: unknown key (known keys: database, concurrency, '],
    [
      'a known key in a [table]',
      'model = "x"\n[crawl]\nconcurrency = 4\n',
      ':3: crawl.concurrency: unknown key (settings are top-level keys',
    ],
    ['a wrong type', '\nper-host = "2"\n', ':2: per-host: must be a whole number from 1 to 1000, not the string "2"'],
    ['a fraction where a whole number is due', 'concurrency = 2.5\n', ':1: concurrency: must be a whole number from 1 to 1000'],
    ['a value out of range', 'concurrency = 4\nper-host = 0\n', ':2: per-host: must be a whole number from 1 to 1000'],
    ['a timeout of 0', 'timeout = 0\n', ':1: timeout: must be a number of seconds above 0 and at most 86400 (a day)'],
    ['a word not among the choices', 'private-networks = "maybe"\n', ':1: private-networks: must be one of "allow", "deny"'],
    ['a colour not among the choices', 'color = true\n', ':1: color: must be one of "auto", "always", "never", not the boolean true'],
    ['an empty database', 'database = ""\n', ':1: database: must not be empty'],
  ])('refuses %s', async (_name, text, message) => {
    const h = home(text);
    const db = path.join(tempDir(), 'never.db');
    const r = await cli(['--db', db, 'import', opml(['http://127.0.0.1:9/a']), '--no-fetch'], { env: h.env });
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.stderr.split('\n')).toHaveLength(2); // one line and its newline
    expect(r.stderr.startsWith(`inkzee: ${h.file}${message}`), r.stderr).toBe(true);
    expect(fs.existsSync(db)).toBe(false);
    // `inkzee config` reports the same problem: it is how a user checks the file.
    expect(await cli(['config'], { env: h.env })).toMatchObject({ code: 1, stderr: r.stderr });
  });

  it('refuses a config file named by --config or INKZEE_CONFIG that does not exist; the default one may be missing', async () => {
    const h = home();
    const missing = path.join(h.dir, 'nope.toml');
    expect(await cli(['--config', missing, 'feeds'], { env: h.env })).toEqual({
      code: 1,
      stdout: '',
      stderr: `inkzee: ${missing}: cannot read the config file (named by --config): no such file\n`,
    });
    expect(await cli(['feeds'], { env: { ...h.env, INKZEE_CONFIG: missing } })).toEqual({
      code: 1,
      stdout: '',
      stderr: `inkzee: ${missing}: cannot read the config file (named by INKZEE_CONFIG): no such file\n`,
    });
    expect((await cli(['feeds'], { env: h.env })).code).toBe(0);
    expect((await cli(['--config', '', 'feeds'], { env: h.env })).stderr).toMatch(/^inkzee: --config "": the config file path is empty/);
    expect((await cli(['feeds'], { env: { ...h.env, INKZEE_CONFIG: '' } })).code).toBe(2);
  });

  it.each([
    ['INKZEE_CONCURRENCY', 'abc', 'INKZEE_CONCURRENCY=abc: must be a whole number from 1 to 1000'],
    ['INKZEE_PER_HOST', '0', 'INKZEE_PER_HOST=0: must be a whole number from 1 to 1000'],
    ['INKZEE_TIMEOUT', '1e3', 'INKZEE_TIMEOUT=1e3: must be a number of seconds above 0 and at most 86400 (a day)'],
    ['INKZEE_MAX_SIZE', '', 'INKZEE_MAX_SIZE="": must be a number of MiB above 0 and at most 1024 (1 GiB)'],
    ['INKZEE_PRIVATE_NETWORKS', 'maybe', 'INKZEE_PRIVATE_NETWORKS=maybe: must be one of "allow", "deny"'],
    ['INKZEE_COLOR', 'blue', 'INKZEE_COLOR=blue: must be one of "auto", "always", "never"'],
    ['INKZEE_MODEL', '', 'INKZEE_MODEL is set but empty; give it a value, or unset it'],
  ])('refuses %s=%j as a usage error naming the variable (exit 2)', async (variable, value, message) => {
    const h = home();
    const db = path.join(tempDir(), 'never.db');
    const r = await cli(['--db', db, 'import', opml(['http://127.0.0.1:9/a']), '--no-fetch'], { env: { ...h.env, [variable]: value } });
    expect(r).toEqual({ code: 2, stdout: '', stderr: `inkzee: ${message}\n` });
    expect(fs.existsSync(db)).toBe(false);
  });

  it('reports a bad file as an NDJSON error event on stderr too with --json', async () => {
    const h = home('concurrency = 0\n');
    const r = await cli(['--json', 'feeds'], { env: h.env });
    expect(r.code).toBe(1);
    const message = `${h.file}:1: concurrency: must be a whole number from 1 to 1000`;
    expect(r.stderr).toBe(`${JSON.stringify({ type: 'error', code: 'config', message })}\ninkzee: ${message}\n`);
  });

  it('still answers --help, --version and config --path with a broken file', async () => {
    const h = home('this is not toml\n');
    const help = await cli(['--help'], { env: h.env });
    expect(help.code).toBe(0);
    expect(help.stdout).toMatch(/--config <file>/);
    expect((await cli(['--version'], { env: h.env })).code).toBe(0);
    expect((await cli(['refresh', '--help'], { env: h.env })).stdout).toMatch(/feeds fetched at once \(default: 16\)/);
    expect(await cli(['config', '--path'], { env: h.env })).toEqual({ code: 0, stdout: `${h.file}\n`, stderr: '' });
    expect((await cli(['feeds'], { env: h.env })).stderr).toMatch(new RegExp(`^inkzee: ${h.file}:1: not valid TOML: `));
  });
});
