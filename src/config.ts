import os from 'node:os';
import path from 'node:path';
import { shownValue, UsageError } from './errors.js';
import { describeSpec, parseNumber, type NumberSpec } from './commands/flags.js';
import { CHOICES, NUMBER_SPECS, SETTINGS, type ConfigFile, type ConfigFileLocation, type Setting } from './config-file.js';

/** SettingSource says where a setting's value came from, for `inkzee config`. */
export type SettingSource =
  | { readonly kind: 'flag'; readonly flag: string }
  | { readonly kind: 'env'; readonly variable: string }
  | { readonly kind: 'file'; readonly file: string; readonly line: number }
  | { readonly kind: 'default' };

/** PrivateNetworks is whether crawls may connect to private addresses; undefined leaves it to the command (worker denies). */
export type PrivateNetworks = 'allow' | 'deny' | undefined;

/** Config is every setting resolved once from flags, environment, the config file and defaults; it is frozen. */
export interface Config {
  readonly dbPath: string;
  /** NDJSON on stdout instead of human output. */
  readonly json: boolean;
  /** Print nothing but errors. */
  readonly quiet: boolean;
  /** Use ANSI colour on stderr. */
  readonly color: boolean;
  /** Show stack traces (INKZEE_DEBUG=1). */
  readonly debug: boolean;
  readonly stdoutIsTTY: boolean;
  readonly stderrIsTTY: boolean;
  /** Terminal width for tables. */
  readonly columns: number;
  /** Feeds fetched at once by crawling commands. */
  readonly concurrency: number;
  /** Requests in flight to one host at once. */
  readonly perHost: number;
  /** Total time allowed per feed, seconds. */
  readonly timeout: number;
  /** Largest feed body accepted, MiB. */
  readonly maxSize: number;
  readonly privateNetworks: PrivateNetworks;
  /** The classifier model used when --model is not given. */
  readonly model: string;
  /** The command run with each crawl's new items (refresh and worker): --exec, INKZEE_ON_NEW_ITEMS, on-new-items; undefined for none. */
  readonly onNewItems: string | undefined;
  /** The colour setting as chosen ("auto" follows the terminal); `color` is what it came to. */
  readonly colorMode: 'auto' | 'always' | 'never';
  /** Where each setting came from. */
  readonly sources: Readonly<Record<Setting, SettingSource>>;
  /** The config file consulted, undefined when none was (tests, and before a command runs). */
  readonly file: (ConfigFileLocation & { readonly found: boolean }) | undefined;
}

/** DEFAULTS are the settings' values when no flag, variable or file sets them (help text shows them). */
export const DEFAULTS = {
  concurrency: 16,
  perHost: 2,
  timeout: 30,
  maxSize: 15,
  model: 'default',
  color: 'auto',
  execTimeout: 60,
} as const;

/** GlobalFlags are the options every command accepts, and the command's own that settings come from. */
export interface GlobalFlags {
  db?: string;
  json?: boolean;
  quiet?: boolean;
  config?: string;
  concurrency?: string;
  perHost?: string;
  timeout?: string;
  maxSize?: string;
  denyPrivateNetworks?: boolean;
  allowPrivateNetworks?: boolean;
  model?: string;
  /** refresh and worker: the hook on new items (--exec; "" for none). */
  exec?: string;
}

/** Environment is the subset of process state that configuration depends on. */
export interface Environment {
  env: NodeJS.ProcessEnv;
  stdoutIsTTY: boolean;
  stderrIsTTY: boolean;
  columns: number | undefined;
}

/** ENV_VARS are the environment variables of the settings. */
export const ENV_VARS: Record<Setting, string> = {
  database: 'INKZEE_DB',
  concurrency: 'INKZEE_CONCURRENCY',
  'per-host': 'INKZEE_PER_HOST',
  timeout: 'INKZEE_TIMEOUT',
  'max-size': 'INKZEE_MAX_SIZE',
  'private-networks': 'INKZEE_PRIVATE_NETWORKS',
  model: 'INKZEE_MODEL',
  color: 'INKZEE_COLOR',
  'on-new-items': 'INKZEE_ON_NEW_ITEMS',
};

/** defaultDbPath is $XDG_DATA_HOME/inkzee/inkzee.db, else ~/.local/share/inkzee/inkzee.db. */
export function defaultDbPath(env: NodeJS.ProcessEnv): string {
  const dataHome =
    env.XDG_DATA_HOME && path.isAbsolute(env.XDG_DATA_HOME) ? env.XDG_DATA_HOME : path.join(env.HOME || os.homedir(), '.local', 'share');
  return path.join(dataHome, 'inkzee', 'inkzee.db');
}

/**
 * dbPathOf picks the database: --db, else $INKZEE_DB, else the default. An empty value is refused,
 * not skipped: `--db "$DB"` with DB unset would otherwise write to the user's real database. So is
 * a --db value starting with "-": commander takes the next flag (`--db --json`) as the path.
 */
export function dbPathOf(flags: GlobalFlags, env: NodeJS.ProcessEnv, file?: ConfigFile): string {
  return pick(flags, env, file).dbPath;
}

function pick(flags: GlobalFlags, env: NodeJS.ProcessEnv, file?: ConfigFile): { dbPath: string; source: SettingSource } {
  if (flags.db !== undefined) {
    if (flags.db === '')
      throw new UsageError(
        '--db "": the database path is empty (an unset variable?); give a path, or leave --db out for $INKZEE_DB or the default',
      );
    if (flags.db.startsWith('-'))
      throw new UsageError(`--db ${flags.db}: a database path, not a flag, must follow --db (for a file so named, write ./${flags.db})`);
    return { dbPath: flags.db, source: { kind: 'flag', flag: '--db' } };
  }
  if (env.INKZEE_DB === '') throw new UsageError('INKZEE_DB is set but empty; give it a path, or unset it for the default database');
  if (env.INKZEE_DB !== undefined) return { dbPath: env.INKZEE_DB, source: { kind: 'env', variable: 'INKZEE_DB' } };
  const fromFile = layer(file, 'database');
  if (fromFile) return { dbPath: fromFile.value as string, source: fromFile.source };
  return { dbPath: defaultDbPath(env), source: { kind: 'default' } };
}

/** layer is a setting's value from the file, with its source, if the file sets it. */
function layer(file: ConfigFile | undefined, key: Setting): { value: string | number; source: SettingSource } | undefined {
  const value = file?.values[key];
  return value === undefined ? undefined : { value, source: { kind: 'file', file: file!.path, line: file!.lines[key] ?? 1 } };
}

/** envNumber reads a numeric variable by its flag's bounds: a bad one is a usage error naming the variable. */
function envNumber(variable: string, value: string, spec: NumberSpec): number {
  try {
    return parseNumber(variable, value, spec);
  } catch {
    throw new UsageError(`${variable}=${shownValue(value)}: must be ${describeSpec(spec)}`);
  }
}

/** envWord reads a variable that takes a word (private networks, colour, model, the hook's command). */
function envWord(variable: string, value: string, choices?: readonly string[]): string {
  // Blank is empty, as in the config file: `INKZEE_ON_NEW_ITEMS='  '` would run `sh -c '  '`.
  if (value.trim() === '')
    throw new UsageError(`${variable} is set but empty${value === '' ? '' : ' (only white space)'}; give it a value, or unset it`);
  if (choices && !choices.includes(value))
    throw new UsageError(`${variable}=${shownValue(value)}: must be one of ${choices.map((c) => `"${c}"`).join(', ')}`);
  return value;
}

/**
 * resolveConfig merges flags over environment over the config file over defaults into a frozen
 * Config. The file is read by the caller (config-file.ts readConfigFile) so that this stays pure.
 */
export function resolveConfig(flags: GlobalFlags, e: Environment, file?: ConfigFile): Config {
  const env = e.env;
  const sources = {} as Record<Setting, SettingSource>;
  const db = pick(flags, env, file);
  sources.database = db.source;

  // A numeric setting: its flag, else its variable, else the file, else the default.
  const numeric = (key: Setting, flag: string | undefined, fallback: number): number => {
    const spec = NUMBER_SPECS[key]!;
    if (flag !== undefined) {
      sources[key] = { kind: 'flag', flag: `--${key}` };
      return parseNumber(`--${key}`, flag, spec);
    }
    const variable = ENV_VARS[key];
    if (env[variable] !== undefined) {
      sources[key] = { kind: 'env', variable };
      return envNumber(variable, env[variable], spec);
    }
    const f = layer(file, key);
    sources[key] = f?.source ?? { kind: 'default' };
    return f ? (f.value as number) : fallback;
  };
  // A word setting (no flag of its own, or one given as a word).
  const word = (key: Setting, flag: string | undefined, flagName: string, choices?: readonly string[]): string | undefined => {
    if (flag !== undefined) {
      sources[key] = { kind: 'flag', flag: flagName };
      return flag;
    }
    const variable = ENV_VARS[key];
    if (env[variable] !== undefined) {
      sources[key] = { kind: 'env', variable };
      return envWord(variable, env[variable], choices);
    }
    const f = layer(file, key);
    sources[key] = f?.source ?? { kind: 'default' };
    return f?.value as string | undefined;
  };

  const concurrency = numeric('concurrency', flags.concurrency, DEFAULTS.concurrency);
  const perHost = numeric('per-host', flags.perHost, DEFAULTS.perHost);
  const timeout = numeric('timeout', flags.timeout, DEFAULTS.timeout);
  const maxSize = numeric('max-size', flags.maxSize, DEFAULTS.maxSize);
  const privateNetworks = word(
    'private-networks',
    flags.allowPrivateNetworks ? 'allow' : flags.denyPrivateNetworks ? 'deny' : undefined,
    flags.allowPrivateNetworks ? '--allow-private-networks' : '--deny-private-networks',
    CHOICES['private-networks'],
  ) as PrivateNetworks;
  const model = word('model', flags.model, '--model') ?? DEFAULTS.model;
  // --exec "" (or blank) runs no hook, whatever the variable or the file says.
  const onNewItems = word('on-new-items', flags.exec?.trim() === '' ? '' : flags.exec, '--exec') || undefined;

  // Colour: INKZEE_COLOR, else NO_COLOR (https://no-color.org: any non-empty value disables), else the file.
  let colorMode: Config['colorMode'];
  if (env.INKZEE_COLOR === undefined && env.NO_COLOR) {
    sources.color = { kind: 'env', variable: 'NO_COLOR' };
    colorMode = 'never';
  } else colorMode = (word('color', undefined, '', CHOICES.color) ?? DEFAULTS.color) as Config['colorMode'];
  const color = colorMode === 'always' || (colorMode === 'auto' && e.stderrIsTTY && env.TERM !== 'dumb');

  return Object.freeze({
    dbPath: db.dbPath,
    json: !!flags.json,
    quiet: !!flags.quiet,
    color,
    debug: env.INKZEE_DEBUG === '1',
    stdoutIsTTY: e.stdoutIsTTY,
    stderrIsTTY: e.stderrIsTTY,
    // The terminal's width however narrow (tables fit it); 100 when it does not say (a pty of size 0).
    columns: e.columns && e.columns > 0 ? e.columns : 100,
    concurrency,
    perHost,
    timeout,
    maxSize,
    privateNetworks,
    model,
    onNewItems,
    colorMode,
    sources: Object.freeze(Object.fromEntries(SETTINGS.map((k) => [k, sources[k]])) as Record<Setting, SettingSource>),
    file: file && Object.freeze({ path: file.path, from: file.from, found: file.found }),
  });
}

/**
 * earlyConfig is the Config for messages met before a command runs (usage errors, a bad config
 * file): only the output settings of the environment count, so that none of them can fail.
 */
export function earlyConfig(e: Environment, flags: Pick<GlobalFlags, 'json' | 'quiet'> = {}): Config {
  const keep = ['HOME', 'XDG_DATA_HOME', 'NO_COLOR', 'TERM', 'INKZEE_DEBUG'];
  const env = Object.fromEntries(Object.entries(e.env).filter(([k]) => keep.includes(k)));
  return resolveConfig({ db: defaultDbPath(e.env), json: flags.json, quiet: flags.quiet }, { ...e, env });
}

/** EffectiveSetting is one setting as `inkzee config` shows it: its value (a database password hidden) and where it came from. */
export interface EffectiveSetting {
  readonly key: Setting;
  /** null: not set, each command decides (private networks: worker denies, import and refresh allow). */
  readonly value: string | number | null;
  readonly source: SettingSource;
}

/** effectiveSettings lists the settings of a Config in the order of SETTINGS. */
export function effectiveSettings(cfg: Config): EffectiveSetting[] {
  const values: Record<Setting, string | number | null> = {
    database: hidePassword(cfg.dbPath),
    concurrency: cfg.concurrency,
    'per-host': cfg.perHost,
    timeout: cfg.timeout,
    'max-size': cfg.maxSize,
    'private-networks': cfg.privateNetworks ?? null,
    model: cfg.model,
    color: cfg.colorMode,
    'on-new-items': cfg.onNewItems ?? null,
  };
  return SETTINGS.map((key) => ({ key, value: values[key], source: cfg.sources[key] }));
}

/** hidePassword replaces the password of a postgres:// URL (user:PASSWORD@ or ?password=) with "***". */
export function hidePassword(location: string): string {
  if (!/^postgres(ql)?:\/\//i.test(location)) return location;
  try {
    const u = new URL(location);
    if (u.password) u.password = '***';
    if (u.searchParams.has('password')) u.searchParams.set('password', '***');
    return u.href.replace('password=%2A%2A%2A', 'password=***');
  } catch {
    // Not a URL that parses: show only the scheme rather than risk the password.
    return location.replace(/^(postgres(ql)?:\/\/).*$/i, '$1…');
  }
}

/** ConfigReport is what `inkzee config` shows: the file consulted and every setting. */
export interface ConfigReport {
  readonly file: NonNullable<Config['file']>;
  readonly settings: EffectiveSetting[];
}
