// The actions of `inkzee completion SHELL` and of the hidden `inkzee __complete categories` that the
// scripts run on Tab, loaded only when one of them runs.
import type { Command } from 'commander';
import { resolveConfig, type GlobalFlags } from '../config.js';
import { configFileLocation, readConfigFile } from '../config-file.js';
import { StdoutWriter } from '../output/stdout.js';
import { bashScript } from '../output/completion/bash.js';
import { fishScript } from '../output/completion/fish.js';
import { zshScript } from '../output/completion/zsh.js';
import type { CommandSpec } from '../output/completion/spec.js';
import { VERSION } from '../version.js';
import type { Context } from './context.js';
import { completionCategories, completionSpec, rootOf, type Shell } from './completion.js';

const SCRIPTS: Record<Shell, (root: CommandSpec, version: string) => string> = { bash: bashScript, zsh: zshScript, fish: fishScript };

/** completionAction runs `inkzee completion SHELL`: the script, generated from the program the command belongs to, on stdout. */
export function completionAction(ctx: Context, shell: Shell, _opts: object, cmd: Command): void {
  ctx.out.stdout.write(SCRIPTS[shell](completionSpec(rootOf(cmd)), VERSION));
}

/**
 * completeAction runs `inkzee __complete categories [--db DB]`: the stored folder paths, one a
 * line. It runs inside the user's shell on Tab, so any failure (no database, a bad --db, a
 * database that does not answer) prints nothing and still exits 0.
 */
export async function completeAction(what: string | undefined, flags: GlobalFlags, env: NodeJS.ProcessEnv): Promise<void> {
  try {
    // The database as any command would pick it: --db on the line, INKZEE_DB, the config file's, the default.
    const file = readConfigFile(configFileLocation(flags.config, env), env);
    const cfg = resolveConfig(flags, { env, stdoutIsTTY: false, stderrIsTTY: false, columns: undefined }, file);
    const lines = what === 'categories' ? await completionCategories(cfg.dbPath) : [];
    const out = new StdoutWriter(1);
    for (const l of lines) out.line(l);
    out.flush();
  } catch {
    // Nothing to offer: a completion never prints an error into the prompt.
  }
}
