// Reading a password: one line from standard input; on a terminal, after a prompt on stderr and
// without echoing what is typed.
import { InterruptedError } from '../errors.js';

type Stdin = NodeJS.ReadableStream & { isTTY?: boolean; setRawMode?: (raw: boolean) => unknown };

/** readSecretLine reads one line (without its line ending); a terminal gets the prompt and no echo. */
export async function readSecretLine(
  prompt: string,
  stdin: Stdin = process.stdin,
  stderr: NodeJS.WritableStream = process.stderr,
): Promise<string> {
  if (stdin.isTTY && stdin.setRawMode) return readFromTerminal(prompt, stdin, stderr);
  let text = '';
  for await (const chunk of stdin) {
    text += chunk.toString();
    const nl = text.indexOf('\n');
    if (nl >= 0) return text.slice(0, nl).replace(/\r$/, '');
  }
  return text.replace(/\r$/, '');
}

function readFromTerminal(prompt: string, stdin: Stdin, stderr: NodeJS.WritableStream): Promise<string> {
  stderr.write(prompt);
  stdin.setRawMode!(true);
  stdin.resume();
  return new Promise((resolve, reject) => {
    let line = '';
    const done = (err?: Error) => {
      stdin.setRawMode!(false);
      stdin.pause();
      stdin.off('data', onData);
      stderr.write('\n');
      if (err) reject(err);
      else resolve(line);
    };
    const onData = (chunk: Buffer | string) => {
      for (const ch of chunk.toString()) {
        if (ch === '\r' || ch === '\n' || ch === '\u0004') return done();
        if (ch === '\u0003') return done(new InterruptedError('interrupted: no password set'));
        if (ch === '\u007f' || ch === '\b') line = [...line].slice(0, -1).join('');
        else if (ch >= ' ') line += ch;
      }
    };
    stdin.on('data', onData);
  });
}
