import fs from 'node:fs';
import { InputError } from '../errors.js';

const PROBLEMS: Record<string, string> = {
  ENOENT: 'no such file',
  EISDIR: 'is a directory, not a file',
  EACCES: 'permission denied',
  EPERM: 'permission denied',
  ENOTDIR: 'a parent of this path is not a directory',
};

/** readInput reads a whole file, or standard input for "-", naming the file in any error. */
export async function readInput(file: string, stdin: NodeJS.ReadableStream = process.stdin): Promise<Buffer> {
  if (file === '-') {
    const chunks: Buffer[] = [];
    for await (const c of stdin) chunks.push(Buffer.isBuffer(c) ? c : Buffer.from(c));
    return Buffer.concat(chunks);
  }
  try {
    return await fs.promises.readFile(file);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code ?? '';
    throw new InputError(file, PROBLEMS[code] ?? `cannot read (${code || (err as Error).message})`, 'unreadable');
  }
}

/** displayName is how an input is named in messages ("stdin" for "-"). */
export const displayName = (file: string) => (file === '-' ? 'stdin' : file);
