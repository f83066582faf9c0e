// `inkzee completion bash|zsh|fish`: each script is loaded into its real shell and asked to complete
// words, through the built CLI (on PATH as `inkzee`), against a database made by `inkzee import --no-fetch`.
import { execFile, execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { cli, ROOT, tempDir } from '../helpers.js';
import { freshDatabase, pgAvailable } from '../pg.js';

const has = (shell: string) => {
  try {
    execFileSync('sh', ['-c', `command -v ${shell}`], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
};

const OPML = `<?xml version="1.0"?>
<opml version="2.0"><head><title>subs</title></head><body>
  <outline text="Technology">
    <outline text="Programming"><outline type="rss" text="A" xmlUrl="http://127.0.0.1:9/a"/></outline>
    <outline type="rss" text="B" xmlUrl="http://127.0.0.1:9/b"/>
  </outline>
  <outline text="UI / UX"><outline type="rss" text="C" xmlUrl="http://127.0.0.1:9/c"/></outline>
  <outline text="News"><outline type="rss" text="D" xmlUrl="http://127.0.0.1:9/d"/></outline>
  <outline type="rss" text="E" xmlUrl="http://127.0.0.1:9/e"/>
</body></opml>`;
const FOLDERS = ['News', 'Technology', 'Technology/Programming', 'UI / UX'];

let dir: string;
let db: string;
let env: NodeJS.ProcessEnv;
const scripts: Record<string, string> = {};

beforeAll(async () => {
  dir = tempDir();
  // `inkzee` on PATH is the built CLI, as the scripts call it on Tab.
  const bin = path.join(dir, 'bin');
  fs.mkdirSync(bin);
  fs.writeFileSync(path.join(bin, 'inkzee'), `#!/bin/sh\nexec "${process.execPath}" "${path.join(ROOT, 'bin', 'inkzee.js')}" "$@"\n`, {
    mode: 0o755,
  });
  // A home with nothing in it: the default database must not be found (or made) by accident.
  fs.mkdirSync(path.join(dir, 'home'));
  env = { PATH: `${bin}:${process.env.PATH}`, HOME: path.join(dir, 'home'), XDG_DATA_HOME: path.join(dir, 'data') };
  fs.writeFileSync(path.join(dir, 'subs.opml'), OPML);
  db = path.join(dir, 'subs.db');
  const imported = await cli(['--db', db, 'import', path.join(dir, 'subs.opml'), '--no-fetch']);
  expect(imported.code).toBe(0);
  for (const shell of ['bash', 'zsh', 'fish']) {
    const r = await cli(['completion', shell]);
    expect(r.code).toBe(0);
    scripts[shell] = path.join(dir, `inkzee.${shell}`);
    fs.writeFileSync(scripts[shell], r.stdout);
  }
});

function run(file: string, args: string[], extraEnv: NodeJS.ProcessEnv = {}): Promise<string> {
  return new Promise((resolve, reject) => {
    // A shell that waits for ever (a completion stuck on its pty) is killed: the test fails, it does not hang.
    execFile(file, args, { env: { ...env, ...extraEnv }, cwd: dir, encoding: 'utf8', timeout: 25_000 }, (err, stdout, stderr) =>
      err ? reject(new Error(`${file} failed: ${stderr}`)) : resolve(stdout),
    );
  });
}

/** bash loads the script into a plain bash and runs its completion function on the words, the last one being completed. */
async function bash(words: string[], extraEnv: NodeJS.ProcessEnv = {}): Promise<string[]> {
  const body = 'source "$0"; COMP_WORDS=("$@"); COMP_CWORD=$(($# - 1)); _inkzee; printf "%s\\n" "${COMPREPLY[@]}"';
  const out = await run('bash', ['--norc', '--noprofile', '-c', body, scripts.bash, ...words], extraEnv);
  return out.split('\n').filter(Boolean).sort();
}

/** byBreaks splits a word as bash's COMP_WORDBREAKS does: each run of "=", ":" or "@" a word of its own. */
const byBreaks = (word: string) => word.split(/([=:@]+)/).filter(Boolean);

describe('inkzee completion bash', () => {
  it.each([
    ['a command', ['inkzee', 'ref'], ['refresh']],
    ["a command's flag", ['inkzee', 'items', '--for'], ['--format']],
    ["a flag's choices", ['inkzee', 'items', '--format', ''], ['table', 'tsv']],
    ['a choice typed in part', ['inkzee', 'feeds', '--format', 'ts'], ['tsv']],
    ['a subcommand', ['inkzee', 'classify', 't'], ['teach', 'train']],
    ['a global flag', ['inkzee', '--d'], ['--db']],
    ['a global flag after a command', ['inkzee', 'items', '--qu'], ['--quiet']],
    ["the default subcommand's flags", ['inkzee', 'classify', '--m'], ['--min-confidence', '--model']],
    ["a subcommand's flag", ['inkzee', 'classify', 'train', '--from-'], ['--from-folders', '--from-tags']],
    ["an argument's choices", ['inkzee', 'completion', ''], ['bash', 'fish', 'zsh']],
    ['a command after a global flag and its value', ['inkzee', '--db', 'x.db', 'exp'], ['export']],
    ['commands for help', ['inkzee', 'help', 'c'], ['classify', 'completion', 'config']],
    ['a value after "=", split off by bash', ['inkzee', 'items', '--format', '=', 't'], ['table', 'tsv']],
    ['a value after "=", nothing typed yet', ['inkzee', 'items', '--format', '='], ['table', 'tsv']],
    ['nothing for a flag that takes a number', ['inkzee', 'refresh', '--timeout', ''], []],
    [
      'after a postgres:// URL, split by bash at each ":" and "@"',
      ['inkzee', '--db', ...byBreaks('postgres://inkzee@127.0.0.1:5432/inkzee'), 'feeds', '--for'],
      ['--format'],
    ],
  ])('completes %s', async (_name, words, expected) => {
    expect(await bash(words)).toEqual(expected);
  });

  it('offers every command the program has, hidden ones left out', async () => {
    const help = await cli(['--help']);
    const listed = help.stdout
      .split('Commands:\n')[1]
      .split('\n\n')[0]
      .split('\n')
      .map((l) => /^ {2}(\S+)/.exec(l)?.[1])
      .filter((c): c is string => !!c);
    expect(listed).toContain('completion');
    expect(await bash(['inkzee', ''])).toEqual([...listed].sort());
    expect(listed).not.toContain('__complete');
  });

  it('completes file names for import, --db and --labels', async () => {
    expect(await bash(['inkzee', 'import', path.join(dir, 'sub')])).toEqual([path.join(dir, 'subs.db'), path.join(dir, 'subs.opml')]);
    expect(await bash(['inkzee', '--db', path.join(dir, 'subs.d')])).toEqual([path.join(dir, 'subs.db')]);
    expect(await bash(['inkzee', 'classify', 'train', '--labels', path.join(dir, 'subs.o')])).toEqual([path.join(dir, 'subs.opml')]);
  });

  it('completes --category with the folders of the database on the line, quoted for the shell', async () => {
    expect(await bash(['inkzee', '--db', db, 'feeds', '--category', ''])).toEqual([
      'News',
      'Technology',
      'Technology/Programming',
      'UI\\ /\\ UX',
    ]);
    expect(await bash(['inkzee', 'items', '--db', '=', db, '--category', 'Tech'])).toEqual(['Technology', 'Technology/Programming']);
    expect(await bash(['inkzee', 'refresh', '--category', 'UI\\ '], { INKZEE_DB: db })).toEqual(['UI\\ /\\ UX']);
  });

  it('reads a --db path as the shell does, quoted or with escaped spaces', async () => {
    const spaced = path.join(dir, 'my subs.db');
    expect((await cli(['--db', spaced, 'import', path.join(dir, 'subs.opml'), '--no-fetch'])).code).toBe(0);
    expect(await bash(['inkzee', '--db', `'${spaced}'`, 'feeds', '--category', 'N'])).toEqual(['News']);
    expect(await bash(['inkzee', '--db', `"${spaced}"`, 'feeds', '--category', 'N'])).toEqual(['News']);
    expect(await bash(['inkzee', '--db', spaced.replace(/ /g, '\\ '), 'feeds', '--category', 'N'])).toEqual(['News']);
  });

  it('completes --category with nothing, and creates no database, when the database does not exist', async () => {
    const missing = path.join(dir, 'missing', 'none.db');
    expect(await bash(['inkzee', '--db', missing, 'feeds', '--category', ''])).toEqual([]);
    expect(await bash(['inkzee', 'feeds', '--category', ''], { INKZEE_DB: missing })).toEqual([]);
    expect(await bash(['inkzee', 'feeds', '--category', ''])).toEqual([]); // the default, under XDG_DATA_HOME
    expect(fs.existsSync(path.dirname(missing))).toBe(false);
    expect(fs.existsSync(path.join(dir, 'data'))).toBe(false);
  });
});

describe('inkzee __complete categories', () => {
  it('prints the stored folder paths, each folder above a folder too, one a line', async () => {
    const before = fs.readdirSync(dir).sort();
    const bytes = fs.readFileSync(db);
    const r = await cli(['--db', db, '__complete', 'categories']);
    expect(r).toEqual({ code: 0, stdout: FOLDERS.map((f) => `${f}\n`).join(''), stderr: '' });
    // Only read: the file unchanged, and no -wal or -shm file left beside it.
    expect(fs.readFileSync(db).equals(bytes)).toBe(true);
    expect(fs.readdirSync(dir).sort()).toEqual(before);
  });

  it('finds the database a config file names, as every command does', async () => {
    const conf = path.join(tempDir(), 'config.toml');
    fs.writeFileSync(conf, `database = ${JSON.stringify(db)}\n`);
    const r = await cli(['__complete', 'categories'], { env: { INKZEE_CONFIG: conf } });
    expect(r).toEqual({ code: 0, stdout: FOLDERS.map((f) => `${f}\n`).join(''), stderr: '' });
  });

  it.each([
    ['a database that does not exist', ['--db', 'nowhere/none.db']],
    ['an empty --db', ['--db', '']],
    ['a directory', ['--db', '.']],
    ['a file that is not a database', ['--db', 'subs.opml']],
    ['a PostgreSQL server that does not answer', ['--db', 'postgres://inkzee@127.0.0.1:1/inkzee']],
    ['something it does not list', ['--db', 'subs.db', '__complete', 'colours']],
  ])('prints nothing and exits 0 for %s', async (_name, args) => {
    const before = fs.readdirSync(dir).sort();
    const r = await cli([...args, ...(args.includes('__complete') ? [] : ['__complete', 'categories'])], { cwd: dir, env });
    expect(r).toEqual({ code: 0, stdout: '', stderr: '' });
    expect(fs.readdirSync(dir).sort()).toEqual(before);
  });

  it.skipIf(!pgAvailable)('lists the same folders from PostgreSQL', async () => {
    const url = await freshDatabase();
    expect((await cli(['--db', url, 'import', path.join(dir, 'subs.opml'), '--no-fetch'])).code).toBe(0);
    const r = await cli(['--db', url, '__complete', 'categories']);
    expect(r).toEqual({ code: 0, stdout: FOLDERS.map((f) => `${f}\n`).join(''), stderr: '' });
    // And through the bash script, the URL split at its ":" and "@" as bash does.
    expect(await bash(['inkzee', '--db', ...byBreaks(url), 'feeds', '--category', 'Tech'])).toEqual([
      'Technology',
      'Technology/Programming',
    ]);
  });
});

describe('inkzee completion: bad input', () => {
  it('refuses a shell it does not know with exit 2, naming it and the choices', async () => {
    const r = await cli(['completion', 'tcsh']);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr.split('\n')[0]).toBe(
      "inkzee: command-argument value 'tcsh' is invalid for argument 'shell'. Allowed choices are bash, zsh, fish.",
    );
  });

  it('refuses a missing shell with exit 2', async () => {
    const r = await cli(['completion']);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr.split('\n')[0]).toBe("inkzee: missing required argument 'shell'");
  });
});

describe.skipIf(!has('fish'))('inkzee completion fish', () => {
  /** fish loads the script and completes a command line as if Tab were pressed at its end. */
  async function fish(line: string, extraEnv: NodeJS.ProcessEnv = {}): Promise<string[]> {
    const out = await run('fish', ['--no-config', '-c', 'source $argv[1]; complete -C $argv[2]', scripts.fish, line], extraEnv);
    return out
      .split('\n')
      .filter(Boolean)
      .map((l) => l.split('\t')[0])
      .sort();
  }

  it('parses', async () => {
    await run('fish', ['--no-execute', scripts.fish]);
  });

  it.each([
    ['inkzee ref', ['refresh']],
    ['inkzee items --for', ['--format']],
    ['inkzee items --format ', ['table', 'tsv']],
    ['inkzee classify t', ['teach', 'train']],
    ['inkzee --d', ['--db']],
    ['inkzee classify --m', ['--min-confidence', '--model']],
    ['inkzee --db x.db exp', ['export']],
    ['inkzee completion ', ['bash', 'fish', 'zsh']],
  ])('completes %j', async (line, expected) => {
    expect(await fish(line)).toEqual(expected);
  });

  it('completes --category with the folders of the database, and with nothing for a missing one', async () => {
    expect(await fish(`inkzee --db ${db} feeds --category `)).toEqual(FOLDERS);
    expect(await fish('inkzee feeds --category T', { INKZEE_DB: db })).toEqual(['Technology', 'Technology/Programming']);
    expect(await fish(`inkzee --db ${path.join(dir, 'gone.db')} feeds --category `)).toEqual([]);
    expect(fs.existsSync(path.join(dir, 'gone.db'))).toBe(false);
  });
});

describe.skipIf(!has('zsh'))('inkzee completion zsh', () => {
  /** zsh types the line and Tab in an interactive zsh with the script loaded (test/fixtures/completion/capture.zsh). */
  async function zsh(how: 'source' | 'fpath', line: string): Promise<string[]> {
    let file = scripts.zsh;
    if (how === 'fpath') {
      fs.mkdirSync(path.join(dir, 'functions'), { recursive: true });
      file = path.join(dir, 'functions', '_inkzee');
      fs.copyFileSync(scripts.zsh, file);
    }
    // compinit's dump is kept between runs (one per way of loading): scanning $fpath takes seconds.
    const out = await run('zsh', ['-f', path.join(ROOT, 'test', 'fixtures', 'completion', 'capture.zsh'), how, file, line], {
      ZCOMPDUMP: path.join(dir, `zcompdump-${how}`),
    });
    return out.split('\n').filter(Boolean).sort();
  }

  it('parses', async () => {
    await run('zsh', ['-n', scripts.zsh]);
  });

  it.each([
    ['source', 'inkzee ref', ['refresh']],
    ['source', 'inkzee items --for', ['--format']],
    ['source', 'inkzee items --format ', ['table', 'tsv']],
    ['source', 'inkzee classify t', ['teach', 'train']],
    ['source', 'inkzee --d', ['--db']],
    ['source', 'inkzee classify --m', ['--min-confidence', '--model']],
    ['source', 'inkzee completion ', ['bash', 'fish', 'zsh']],
    ['fpath', 'inkzee classify t', ['teach', 'train']],
    ['fpath', 'inkzee items --format ', ['table', 'tsv']],
  ] as const)('completes (%s) %j', async (how, line, expected) => {
    expect(await zsh(how, line)).toEqual(expected);
  });

  it('completes --category with the folders of the database, and with nothing for a missing one', async () => {
    expect(await zsh('source', `inkzee --db ${db} feeds --category `)).toEqual([
      'News',
      'Technology',
      'Technology/Programming',
      'UI\\ /\\ UX',
    ]);
    expect(await zsh('source', `inkzee --db ${path.join(dir, 'gone.db')} feeds --category `)).toEqual([]);
    const spaced = path.join(dir, 'my zsh subs.db');
    expect((await cli(['--db', spaced, 'import', path.join(dir, 'subs.opml'), '--no-fetch'])).code).toBe(0);
    expect(await zsh('source', `inkzee --db ${spaced.replace(/ /g, '\\ ')} feeds --category N`)).toEqual(['News']);
    expect(fs.existsSync(path.join(dir, 'gone.db'))).toBe(false);
  });
});
