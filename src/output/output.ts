import type { Config } from '../config.js';
import { StdoutWriter } from './stdout.js';
import { stripControls } from './sanitize.js';

/** ErrWriter is where messages for people go (process.stderr in the CLI, a buffer in tests). */
export interface ErrWriter {
  write(text: string): unknown;
}

/**
 * Output is the one door to the outside: data (NDJSON or human lines) to stdout, messages and
 * progress to stderr, following --json, --quiet and NO_COLOR from the Config.
 */
export class Output {
  constructor(
    readonly cfg: Config,
    readonly stdout: StdoutWriter = new StdoutWriter(1),
    readonly stderr: ErrWriter = process.stderr,
  ) {}

  /** record writes one NDJSON object on its own line. */
  record(obj: object): void {
    this.stdout.line(JSON.stringify(obj));
  }

  /** line writes one line of human output to stdout. */
  line(text: string): void {
    this.stdout.line(text);
  }

  /** info tells people what happened, on stderr, unless --quiet. */
  info(message: string): void {
    if (!this.cfg.quiet) this.stderr.write(`${stripControls(message)}\n`);
  }

  /** warn reports a problem that does not stop the command, unless --quiet. */
  warn(message: string): void {
    if (!this.cfg.quiet) this.stderr.write(`${this.paint('33', 'warning:')} ${stripControls(message)}\n`);
  }

  /** error reports the problem that ends the command; never silenced. */
  error(message: string): void {
    this.stderr.write(`${this.paint('31', 'inkzee:')} ${stripControls(message)}\n`);
  }

  /** paint wraps text in an ANSI colour when colour is on. */
  paint(code: string, text: string): string {
    return this.cfg.color ? `\u001b[${code}m${text}\u001b[0m` : text;
  }

  /** flush writes out buffered stdout. */
  flush(): void {
    this.stdout.flush();
  }
}
