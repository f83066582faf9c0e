// The command tree as the completion scripts need it: plain data built from the commander program
// (commands/completion.ts), rendered once per shell (bash.ts, zsh.ts, fish.ts). Types and small
// helpers only: the renderers import nothing else.

/** ValueKind is how a value is completed: not at all, from fixed choices, file names, or stored folder paths. */
export type ValueKind = 'word' | 'choice' | 'file' | 'category';

/** OptionSpec is one flag as a command accepts it. */
export interface OptionSpec {
  /** Its spellings, short first: ['-c', '--concurrency']. */
  names: string[];
  description: string;
  /** Whether a value follows: none (a switch), required, or optional (commander's `[value]`). */
  value: 'none' | 'required' | 'optional';
  kind: ValueKind;
  /** The value's name in the help (`<seconds>`: seconds), '' for a switch. */
  valueName: string;
  choices: string[];
  /** Given more than once (a repeatable filter such as --feed). */
  repeatable: boolean;
  /** An option of a command above this one (the program's --db), accepted here too. */
  inherited: boolean;
}

/** ArgSpec is one positional argument. */
export interface ArgSpec {
  name: string;
  description: string;
  required: boolean;
  /** The last argument, taking every word left (`<url...>`). */
  variadic: boolean;
  kind: ValueKind;
  choices: string[];
}

/** CommandSpec is a command with what it accepts: options (its own and those of the commands above it), arguments, subcommands. */
export interface CommandSpec {
  name: string;
  /** Command names from the program down to this one, the program's own name excluded. */
  path: string[];
  description: string;
  options: OptionSpec[];
  args: ArgSpec[];
  commands: CommandSpec[];
  /** The subcommand run when none is named (`inkzee classify` is `inkzee classify label`). */
  defaultCommand?: string;
}

/** nodesOf lists a command and every command below it, parents first. */
export function nodesOf(root: CommandSpec): CommandSpec[] {
  return [root, ...root.commands.flatMap(nodesOf)];
}

/** firstLine is a description's first sentence-line, for shells that show one line per candidate. */
export function firstLine(text: string): string {
  return text.split('\n')[0].trim();
}
