import os from 'node:os';
import path from 'node:path';

/** Config is every setting resolved once from flags, environment and defaults; it is frozen. */
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
}

/** GlobalFlags are the options every command accepts. */
export interface GlobalFlags {
  db?: string;
  json?: boolean;
  quiet?: boolean;
}

/** Environment is the subset of process state that configuration depends on. */
export interface Environment {
  env: NodeJS.ProcessEnv;
  stdoutIsTTY: boolean;
  stderrIsTTY: boolean;
  columns: number | undefined;
}

/** defaultDbPath is $XDG_DATA_HOME/inkzee/inkzee.db, else ~/.local/share/inkzee/inkzee.db. */
export function defaultDbPath(env: NodeJS.ProcessEnv): string {
  const dataHome = env.XDG_DATA_HOME && path.isAbsolute(env.XDG_DATA_HOME)
    ? env.XDG_DATA_HOME : path.join(env.HOME || os.homedir(), '.local', 'share');
  return path.join(dataHome, 'inkzee', 'inkzee.db');
}

/** resolveConfig merges flags over environment over defaults into a frozen Config. */
export function resolveConfig(flags: GlobalFlags, e: Environment): Config {
  return Object.freeze({
    dbPath: flags.db || e.env.INKZEE_DB || defaultDbPath(e.env),
    json: !!flags.json,
    quiet: !!flags.quiet,
    // https://no-color.org: any non-empty NO_COLOR disables colour.
    color: e.stderrIsTTY && !e.env.NO_COLOR && e.env.TERM !== 'dumb',
    debug: e.env.INKZEE_DEBUG === '1',
    stdoutIsTTY: e.stdoutIsTTY,
    stderrIsTTY: e.stderrIsTTY,
    columns: e.columns && e.columns > 20 ? e.columns : 100,
  });
}
