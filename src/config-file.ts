// The config file: where it is, reading it with smol-toml, and checking every key by the same
// bounds as its flag, so that a setting written once is refused exactly as the flag would be.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parse, TomlError } from 'smol-toml';
import { errnoText, InputError, UsageError } from './errors.js';
import { describeSpec, NUMERIC_FLAGS, type NumberSpec } from './commands/flags.js';
import { isPostgresUrl } from './store/open.js';

/** SETTINGS are the keys a config file may hold, kebab-case like the flags, in the order `inkzee config` lists them. */
export const SETTINGS = [
  'database',
  'concurrency',
  'per-host',
  'timeout',
  'max-size',
  'private-networks',
  'model',
  'color',
  'on-new-items',
] as const;

/** ALIASES are other spellings of a key the file accepts: on_new_items as the issue that asked for it wrote it. */
const ALIASES: Readonly<Partial<Record<string, Setting>>> = { on_new_items: 'on-new-items' };

/** Setting is one key of the config file. */
export type Setting = (typeof SETTINGS)[number];

/** CHOICES are the words the settings that are not numbers or free text accept. */
export const CHOICES = {
  'private-networks': ['allow', 'deny'],
  color: ['auto', 'always', 'never'],
} as const;

/** NUMBER_SPECS are the numeric settings' bounds: those of their flags. */
export const NUMBER_SPECS: Partial<Record<Setting, NumberSpec>> = {
  concurrency: NUMERIC_FLAGS['--concurrency'],
  'per-host': NUMERIC_FLAGS['--per-host'],
  timeout: NUMERIC_FLAGS['--timeout'],
  'max-size': NUMERIC_FLAGS['--max-size'],
};

/** ConfigFileLocation is the file consulted and what named it. */
export interface ConfigFileLocation {
  readonly path: string;
  /** `flag` (--config) and `env` (INKZEE_CONFIG) name a file that must exist; the default one may be absent. */
  readonly from: 'flag' | 'env' | 'default';
}

/** ConfigFile is a config file read and checked: its values (database already expanded) and each key's line. */
export interface ConfigFile extends ConfigFileLocation {
  readonly found: boolean;
  readonly values: Readonly<Partial<Record<Setting, string | number>>>;
  readonly lines: Readonly<Partial<Record<Setting, number>>>;
}

/**
 * configFileLocation picks the file: --config, else $INKZEE_CONFIG, else $XDG_CONFIG_HOME/inkzee/config.toml
 * (only an absolute XDG_CONFIG_HOME counts, as the XDG spec says), else ~/.config/inkzee/config.toml.
 * An empty --config or INKZEE_CONFIG is refused rather than skipped, as for --db.
 */
export function configFileLocation(flag: string | undefined, env: NodeJS.ProcessEnv): ConfigFileLocation {
  if (flag !== undefined) {
    if (flag === '')
      throw new UsageError('--config "": the config file path is empty (an unset variable?); give a path, or leave --config out');
    if (flag.startsWith('-'))
      throw new UsageError(`--config ${flag}: a file path, not a flag, must follow --config (for a file so named, write ./${flag})`);
    return { path: path.resolve(flag), from: 'flag' };
  }
  if (env.INKZEE_CONFIG === '') throw new UsageError('INKZEE_CONFIG is set but empty; give it a path, or unset it for the default file');
  if (env.INKZEE_CONFIG !== undefined) return { path: path.resolve(env.INKZEE_CONFIG), from: 'env' };
  const home = env.XDG_CONFIG_HOME && path.isAbsolute(env.XDG_CONFIG_HOME) ? env.XDG_CONFIG_HOME : path.join(homeOf(env), '.config');
  return { path: path.join(home, 'inkzee', 'config.toml'), from: 'default' };
}

function homeOf(env: NodeJS.ProcessEnv): string {
  return env.HOME || os.homedir();
}

/** readConfigFile reads and checks the file; the default file missing is no file, a named one missing is an InputError. */
export function readConfigFile(where: ConfigFileLocation, env: NodeJS.ProcessEnv): ConfigFile {
  let text: string;
  try {
    text = fs.readFileSync(where.path, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' && where.from === 'default') return { ...where, found: false, values: {}, lines: {} };
    const by = where.from === 'flag' ? ' (named by --config)' : where.from === 'env' ? ' (named by INKZEE_CONFIG)' : '';
    throw new InputError(where.path, `cannot read the config file${by}: ${code === 'ENOENT' ? 'no such file' : errnoText(err)}`, 'config');
  }
  return { ...where, found: true, ...parseConfigText(text, where.path, homeOf(env)) };
}

/** parseConfigText parses TOML text and checks each key; errors name file:line and the key. */
export function parseConfigText(text: string, file: string, home: string): Pick<ConfigFile, 'values' | 'lines'> {
  let doc: Record<string, unknown>;
  try {
    doc = parse(text);
  } catch (err) {
    if (!(err instanceof TomlError)) throw err;
    // smol-toml's message is "Invalid TOML document: <what>" and then a code block: keep the what.
    const what = err.message.split('\n')[0].replace(/^Invalid TOML document: /, '');
    throw new InputError(`${file}:${err.line}`, `not valid TOML: ${what} (column ${err.column})`, 'config');
  }
  const values: Partial<Record<Setting, string | number>> = {};
  const lines: Partial<Record<Setting, number>> = {};
  for (const [written, value] of Object.entries(doc)) {
    const key = ALIASES[written] ?? written;
    if (!(SETTINGS as readonly string[]).includes(key)) {
      const inner = isTable(value) ? Object.keys(value)[0] : undefined;
      const name = inner === undefined ? key : `${key}.${inner}`;
      const line = lineOf(text, inner === undefined ? [key] : [key, inner]);
      const near = nearest(inner ?? key);
      const hint =
        inner !== undefined && near === inner
          ? `settings are top-level keys, not in a [table]: write ${inner} = … before any [table]`
          : near
            ? `did you mean ${near}?`
            : `known keys: ${SETTINGS.join(', ')}`;
      throw new InputError(`${file}:${line}`, `${name}: unknown key (${hint})`, 'config');
    }
    const k = key as Setting;
    if (values[k] !== undefined) throw new InputError(`${file}:${lineOf(text, [written])}`, `${written}: ${k} is set twice`, 'config');
    const line = lineOf(text, [written]);
    const problem = checkValue(k, value);
    if (problem) throw new InputError(`${file}:${line}`, `${k}: ${problem}`, 'config');
    values[k] = k === 'database' ? expandDatabase(value as string, file, home) : (value as string | number);
    lines[k] = line;
  }
  return { values, lines };
}

/** checkValue says what is wrong with a value for a key, or undefined when it is right. */
function checkValue(key: Setting, value: unknown): string | undefined {
  const spec = NUMBER_SPECS[key];
  if (spec) {
    const n = value as number;
    const ok =
      typeof value === 'number' &&
      Number.isFinite(n) &&
      (!spec.whole || Number.isInteger(n)) &&
      n <= spec.max &&
      (spec.aboveMin ? n > spec.min : n >= spec.min);
    return ok ? undefined : `must be ${describeSpec(spec)}${typeof value === 'number' ? '' : `, not ${typeName(value)}`}`;
  }
  if (key === 'private-networks' || key === 'color') {
    const choices: readonly string[] = CHOICES[key];
    return typeof value === 'string' && choices.includes(value)
      ? undefined
      : `must be one of ${choices.map((c) => `"${c}"`).join(', ')}${typeof value === 'string' ? '' : `, not ${typeName(value)}`}`;
  }
  if (typeof value !== 'string') return `must be a string, not ${typeName(value)}`;
  if (value.trim() === '') return 'must not be empty';
  return undefined;
}

function isTable(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v) && !(v instanceof Date);
}

function typeName(v: unknown): string {
  if (typeof v === 'string') return `the string ${JSON.stringify(v)}`;
  if (typeof v === 'boolean') return `the boolean ${String(v)}`;
  if (Array.isArray(v)) return 'an array';
  if (v instanceof Date) return 'a date';
  return isTable(v) ? 'a table' : typeof v;
}

/**
 * expandDatabase makes the file's database a location: a postgres:// URL as it is, `~` as the home
 * directory, and a relative path relative to the config file (the file may be read from anywhere).
 */
function expandDatabase(value: string, file: string, home: string): string {
  if (isPostgresUrl(value)) return value;
  if (value === '~') return home;
  if (value.startsWith('~/')) return path.join(home, value.slice(2));
  return path.resolve(path.dirname(file), value);
}

/**
 * lineOf finds the line of a key (1-based): a key under a [table] after that table's header, a
 * top-level one before any header. smol-toml gives no positions for values, only for errors.
 */
export function lineOf(text: string, keyPath: readonly string[]): number {
  const lines = text.split(/\r?\n/);
  const esc = (s: string) => s.replace(/[.*+?^${}()|[\]\\-]/g, '\\$&');
  const keyRe = (k: string) => new RegExp(`^\\s*(${esc(k)}|"${esc(k)}"|'${esc(k)}')\\s*[=.]`);
  let table: string | undefined; // the header we are under, undefined at the top
  let headerLine: number | undefined; // the line of keyPath[0]'s [header], if met
  for (let i = 0; i < lines.length; i++) {
    const header = /^\s*\[\[?\s*([^\]]+?)\s*\]\]?/.exec(lines[i]);
    if (header) {
      table = header[1].replace(/["'\s]/g, '');
      if (keyPath.length > 1 && table === keyPath[0]) headerLine ??= i + 1;
      continue;
    }
    if ((keyPath.length === 1 ? table === undefined : table === keyPath[0]) && keyRe(keyPath.at(-1)!).test(lines[i])) return i + 1;
    if (table === undefined && keyPath.length > 1 && keyRe(keyPath[0]).test(lines[i])) return i + 1; // a dotted key: a.b = 1
  }
  return headerLine ?? 1;
}

/** nearest is the known key closest to a mistyped one (per_host, concurency), if any is close. */
function nearest(key: string): string | undefined {
  const norm = key.toLowerCase().replace(/_/g, '-');
  let best: string | undefined;
  let bestD = Infinity;
  for (const s of SETTINGS) {
    const d = distance(norm, s);
    if (d < bestD) [best, bestD] = [s, d];
  }
  return bestD <= Math.max(2, Math.floor(key.length / 3)) ? best : undefined;
}

/** distance is the Levenshtein edit distance. */
function distance(a: string, b: string): number {
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const row = [i];
    for (let j = 1; j <= b.length; j++) row[j] = Math.min(prev[j] + 1, row[j - 1] + 1, prev[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
    prev = row;
  }
  return prev[b.length];
}
