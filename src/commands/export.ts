import fs from 'node:fs';
import { InputError } from '../errors.js';
import { writeOpml } from '../opml/write.js';
import type { Context } from './context.js';

/** ExportResult says where the OPML went and how many feeds it holds. */
export interface ExportResult {
  file: string | null;
  feeds: number;
  /** The document, when no file was given (the CLI prints it to stdout). */
  text?: string;
}

/** exportCommand renders every subscription as OPML 2.0, to a file or (without one) as text. */
export async function exportCommand(ctx: Context, file: string | undefined): Promise<ExportResult> {
  const feeds = await (await ctx.store()).listFeeds();
  const text = writeOpml(feeds, 'Inkzee subscriptions', ctx.now());
  if (!file || file === '-') return { file: null, feeds: feeds.length, text };
  try {
    fs.writeFileSync(file, text);
  } catch (err) {
    throw new InputError(file, `cannot write (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`, 'unwritable');
  }
  return { file, feeds: feeds.length };
}
