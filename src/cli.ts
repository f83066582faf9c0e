import { createRequire } from 'node:module';
import { Command, CommanderError, Option } from 'commander';
import { resolveConfig, type Config, type GlobalFlags } from './config.js';
import { EXIT, InkzeeError, PipeClosed } from './errors.js';
import { Output } from './output/output.js';
import { createContext, type Context } from './commands/context.js';

const pkg = createRequire(import.meta.url)('../package.json') as { version: string; homepage: string };

/** VERSION is the package version, shown by --version and sent in the User-Agent. */
export const VERSION = pkg.version;
/** HOMEPAGE is the project URL sent in the User-Agent. */
export const HOMEPAGE = pkg.homepage;

type Action = (ctx: Context, ...args: any[]) => Promise<void> | void;

function examples(...lines: string[]): string {
  return `\nExamples:\n${lines.map((l) => `  $ ${l}`).join('\n')}\n`;
}

/** buildProgram defines every command; actions receive a Context built from the global flags. */
export function buildProgram(run: (action: Action, cmd: Command, args: unknown[]) => Promise<void>): Command {
  const program = new Command('inkzee')
    .description('Import OPML subscription lists, crawl the feeds into SQLite, read and classify the news.')
    .version(VERSION, '-V, --version')
    .option('--db <path>', 'database file (default: $INKZEE_DB, else $XDG_DATA_HOME/inkzee/inkzee.db)')
    .option('--json', 'write NDJSON (one object per line) to stdout')
    .option('-q, --quiet', 'print nothing but errors')
    .showHelpAfterError('(run with --help for usage)')
    .exitOverride()
    .configureOutput({
      writeErr: (s) => process.stderr.write(s),
      outputError: (s, write) => write(`inkzee: ${s.replace(/^error: /, '')}`),
    })
    .addHelpText('after', examples('inkzee import scoble.opml', 'inkzee feeds --category Technology', 'inkzee export backup.opml'));

  const wrap = (load: () => Promise<Action>) => async (...args: unknown[]) => {
    const cmd = args.at(-1) as Command;
    await run(await load(), cmd, args.slice(0, -2));
  };

  program.command('import')
    .argument('<file>', 'OPML file, or - for standard input')
    .description('store the subscriptions of an OPML file (folders become categories)')
    .option('--no-fetch', 'only store the subscriptions, do not crawl them')
    .addHelpText('after', examples('inkzee import scoble.opml --no-fetch', 'curl -s https://example.com/subs.opml | inkzee import - --no-fetch'))
    .action(wrap(async () => (await import('./commands/actions.js')).importAction));

  program.command('feeds')
    .description('list subscriptions')
    .option('--category <path>', 'only this folder and its subfolders, e.g. Technology/Programming')
    .addOption(new Option('--format <format>', 'human output format').choices(['table', 'tsv']).default('table'))
    .addHelpText('after', examples('inkzee feeds', 'inkzee feeds --category Technology --json | jq -r .url'))
    .action(wrap(async () => (await import('./commands/actions.js')).feedsAction));

  program.command('export')
    .argument('[file]', 'write to this file (default: standard output)')
    .description('write every subscription as OPML 2.0, folders preserved')
    .addHelpText('after', examples('inkzee export backup.opml', 'inkzee export > subs.opml'))
    .action(wrap(async () => (await import('./commands/actions.js')).exportAction));

  return program;
}

function globalsOf(cmd: Command): GlobalFlags {
  return cmd.optsWithGlobals() as GlobalFlags;
}

/** report prints an error the way the user should see it and returns its exit code. */
function report(err: unknown, out: Output, cfg: Config): number {
  if (err instanceof PipeClosed) return EXIT.ok;
  if (err instanceof InkzeeError) {
    if (cfg.json) out.stderr.write(`${JSON.stringify({ type: 'error', code: err.code, message: err.message })}\n`);
    out.error(err.message);
    if (cfg.debug && err.stack) out.stderr.write(`${err.stack}\n`);
    return err.exitCode;
  }
  out.error(`internal error: ${(err as Error)?.message ?? String(err)}${cfg.debug ? '' : ' (INKZEE_DEBUG=1 shows the stack)'}`);
  if (cfg.debug && (err as Error)?.stack) out.stderr.write(`${(err as Error).stack}\n`);
  return EXIT.failure;
}

/** main runs the CLI: the only place that decides the process's exit code. */
export async function main(argv: string[]): Promise<void> {
  const env = { env: process.env, stdoutIsTTY: !!process.stdout.isTTY, stderrIsTTY: !!process.stderr.isTTY, columns: process.stdout.columns };
  let cfg = resolveConfig({}, env);
  let out = new Output(cfg);
  const program = buildProgram(async (action, cmd, args) => {
    cfg = resolveConfig(globalsOf(cmd), env);
    out = new Output(cfg);
    const ctx = createContext(cfg, out);
    try {
      await action(ctx, ...args, cmd.opts());
    } finally {
      ctx.close();
      try { out.flush(); } catch (err) { if (!(err instanceof PipeClosed)) throw err; }
    }
  });
  try {
    await program.parseAsync(argv);
    process.exitCode = EXIT.ok;
  } catch (err) {
    if (err instanceof CommanderError) {
      process.exitCode = err.exitCode === 0 ? EXIT.ok : EXIT.usage;
      return;
    }
    process.exitCode = report(err, out, cfg);
  }
}
