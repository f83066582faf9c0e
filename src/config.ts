import os from 'node:os';
import path from 'node:path';
import { UsageError } from './errors.js';

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
  const dataHome =
    env.XDG_DATA_HOME && path.isAbsolute(env.XDG_DATA_HOME) ? env.XDG_DATA_HOME : path.join(env.HOME || os.homedir(), '.local', 'share');
  return path.join(dataHome, 'inkzee', 'inkzee.db');
}

/**
 * dbPathOf picks the database: --db, else $INKZEE_DB, else the default. An empty value is refused,
 * not skipped: `--db "$DB"` with DB unset would otherwise write to the user's real database. So is
 * a --db value starting with "-": commander takes the next flag (`--db --json`) as the path.
 */
export function dbPathOf(flags: GlobalFlags, env: NodeJS.ProcessEnv): string {
  if (flags.db !== undefined) {
    if (flags.db === '')
      throw new UsageError(
        '--db "": the database path is empty (an unset variable?); give a path, or leave --db out for $INKZEE_DB or the default',
      );
    if (flags.db.startsWith('-'))
      throw new UsageError(`--db ${flags.db}: a database path, not a flag, must follow --db (for a file so named, write ./${flags.db})`);
    return flags.db;
  }
  if (env.INKZEE_DB === '') throw new UsageError('INKZEE_DB is set but empty; give it a path, or unset it for the default database');
  return env.INKZEE_DB ?? defaultDbPath(env);
}

/** resolveConfig merges flags over environment over defaults into a frozen Config. */
export function resolveConfig(flags: GlobalFlags, e: Environment): Config {
  return Object.freeze({
    dbPath: dbPathOf(flags, e.env),
    json: !!flags.json,
    quiet: !!flags.quiet,
    // https://no-color.org: any non-empty NO_COLOR disables colour.
    color: e.stderrIsTTY && !e.env.NO_COLOR && e.env.TERM !== 'dumb',
    debug: e.env.INKZEE_DEBUG === '1',
    stdoutIsTTY: e.stdoutIsTTY,
    stderrIsTTY: e.stderrIsTTY,
    // The terminal's width however narrow (tables fit it); 100 when it does not say (a pty of size 0).
    columns: e.columns && e.columns > 0 ? e.columns : 100,
  });
}
