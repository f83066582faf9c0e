// `inkzee completion SHELL`: the completion scripts are generated from the commander program
// itself, so every command, subcommand, flag and flag choice is covered as soon as it is defined
// in cli.ts — nothing here names a command.
import fs from 'node:fs';
import type { Argument, Command, Help, Option } from 'commander';
import type { ArgSpec, CommandSpec, OptionSpec, ValueKind } from '../output/completion/spec.js';
import { isPostgresUrl, storedFolderPaths } from '../store/open.js';

/** SHELLS are the shells `inkzee completion` writes a script for. */
export const SHELLS = ['bash', 'zsh', 'fish'] as const;
/** Shell is one of SHELLS. */
export type Shell = (typeof SHELLS)[number];

// A value named so is a file name (`<file>`, `--db <path>`, `--labels <file>`), except for
// --category, whose <path> is a folder path.
const FILE_VALUE = /^(file|files|path|dir)$/;

function kindOf(flagOrArg: { argChoices?: string[] }, valueName: string, long?: string): ValueKind {
  if (long === '--category') return 'category';
  if (flagOrArg.argChoices?.length) return 'choice';
  return FILE_VALUE.test(valueName) ? 'file' : 'word';
}

function optionSpec(o: Option): OptionSpec {
  const valueName = /[<[]([^>\]]+?)(\.\.\.)?[>\]]/.exec(o.flags)?.[1] ?? '';
  return {
    names: [o.short, o.long].filter((n): n is string => !!n),
    description: o.description,
    value: o.required ? 'required' : o.optional ? 'optional' : 'none',
    kind: o.required || o.optional ? kindOf(o, valueName, o.long) : 'word',
    valueName,
    choices: o.argChoices ?? [],
    // A custom parser is how cli.ts collects a repeated flag into a list.
    repeatable: o.variadic || (!!o.parseArg && !o.argChoices),
    inherited: false,
  };
}

function argSpec(a: Argument, siblings: readonly Command[], isHelp: boolean): ArgSpec {
  // `inkzee help COMMAND` names a command: its choices are the commands beside `help`.
  const choices = isHelp ? siblings.filter((c) => c.name() !== 'help').map((c) => c.name()) : (a.argChoices ?? []);
  return {
    name: a.name(),
    description: a.description,
    required: a.required,
    variadic: a.variadic,
    kind: choices.length ? 'choice' : kindOf(a, a.name()),
    choices,
  };
}

function specOf(cmd: Command, help: Help, path: string[], inherited: OptionSpec[], siblings: readonly Command[]): CommandSpec {
  const own = help.visibleOptions(cmd).map(optionSpec);
  // Commander reads the options of the commands above anywhere on the line (`inkzee items --db x`);
  // their --help is this command's own.
  const ownNames = new Set(own.flatMap((o) => o.names));
  const options = [...own, ...inherited.filter((o) => !o.names.some((n) => ownNames.has(n)))];
  const below = help.visibleCommands(cmd);
  const passDown = options.filter((o) => !o.names.includes('--help')).map((o) => ({ ...o, inherited: true }));
  return {
    name: cmd.name(),
    path,
    description: cmd.description(),
    options,
    args: help.visibleArguments(cmd).map((a) => argSpec(a, siblings, path.length > 0 && cmd.name() === 'help')),
    commands: below.map((c) => specOf(c, help, [...path, c.name()], passDown, below)),
    // Commander keeps `{ isDefault: true }` in a private field; read it so that `inkzee classify --model`
    // completes the default subcommand's flags. Without it, completion only loses those flags.
    defaultCommand: (cmd as unknown as { _defaultCommandName?: string })._defaultCommandName ?? undefined,
  };
}

/** completionSpec describes the program's visible commands, options and arguments (hidden ones left out). */
export function completionSpec(program: Command): CommandSpec {
  // visibleArguments lists a command's arguments only when one has a description; read them all.
  const help = Object.assign(program.createHelp(), {
    visibleArguments: (c: Command) => [...c.registeredArguments],
  });
  return specOf(program, help, [], [], []);
}

/** rootOf is the program a command belongs to. */
export function rootOf(cmd: Command): Command {
  let c = cmd;
  while (c.parent) c = c.parent;
  return c;
}

/**
 * completionCategories lists the stored folder paths for completing --category. A SQLite file that
 * does not exist is not even opened: completing must never make a database.
 */
export async function completionCategories(location: string): Promise<string[]> {
  if (!isPostgresUrl(location) && !fs.statSync(location, { throwIfNoEntry: false })?.isFile()) return [];
  // One a line: a name holding a line break or a control character cannot be given on a line anyway.
  return (await storedFolderPaths(location)).filter((p) => !/[\u0000-\u001f\u007f]/.test(p));
}
