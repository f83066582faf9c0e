import fs from 'node:fs';
import { PipeClosed, StdoutError } from '../errors.js';

const CHUNK = 64 * 1024;

/**
 * StdoutWriter writes to a file descriptor synchronously in 64 KiB chunks, so a million rows
 * stream in constant memory, and turns EPIPE (the reader closed the pipe) into PipeClosed,
 * which the CLI treats as a normal, silent end, and any other failure (ENOSPC on a full disk) into
 * a one-line StdoutError.
 */
export class StdoutWriter {
  private buf = '';
  constructor(private readonly fd = 1) {}

  /** write queues text and flushes whenever a chunk is full. */
  write(text: string): void {
    this.buf += text;
    if (this.buf.length >= CHUNK) this.flush();
  }

  /** line writes text followed by a newline. */
  line(text: string): void {
    this.write(`${text}\n`);
  }

  /** flush writes out everything queued. */
  flush(): void {
    let data = Buffer.from(this.buf, 'utf8');
    this.buf = '';
    while (data.length > 0) {
      try {
        const n = fs.writeSync(this.fd, data);
        data = data.subarray(n);
      } catch (err) {
        const code = (err as NodeJS.ErrnoException).code;
        if (code === 'EPIPE') throw new PipeClosed();
        if (code !== 'EAGAIN') throw new StdoutError(err);
        Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 2); // non-blocking pipe is full
      }
    }
  }
}
