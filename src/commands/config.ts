// `inkzee config`: the effective settings and where each came from, and `inkzee config --path`.
import type { Context } from './context.js';
import { effectiveSettings, type ConfigReport } from '../config.js';
import { printConfig, printConfigPath } from '../output/config.js';

/** configCommand reports the settings the command line resolved (it reads neither file nor environment again). */
export function configCommand(ctx: Context): ConfigReport {
  // The CLI always consults a file location; a Context built without one (tests) has looked nowhere.
  const file = ctx.cfg.file ?? { path: '', from: 'default' as const, found: false };
  return { file, settings: effectiveSettings(ctx.cfg) };
}

/** configAction runs `inkzee config [--path]`. */
export function configAction(ctx: Context, opts: { path?: boolean }): void {
  const r = configCommand(ctx);
  if (opts.path) printConfigPath(ctx.out, r.file);
  else printConfig(ctx.out, r);
}
