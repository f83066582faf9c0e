import { InputError } from '../errors.js';
import { readOpml } from '../opml/read.js';
import type { Context } from './context.js';
import { displayName, readInput } from './input.js';
import type { ImportResult } from '../results.js';

/**
 * importSubscriptions reads an OPML file (or "-" for stdin) and commits its subscriptions in one
 * transaction. Nothing is written unless the whole file parsed as OPML.
 */
export async function importSubscriptions(ctx: Context, file: string): Promise<ImportResult> {
  const name = displayName(file);
  const bytes = await readInput(file);
  if (bytes.length === 0) throw new InputError(name, 'empty file, not an OPML document', 'not-opml');
  const list = readOpml(bytes, name);
  const res = await (await ctx.store()).addSubscriptions(list.subscriptions, ctx.now().toISOString());
  return {
    source: name,
    title: list.title,
    found: list.subscriptions.length,
    added: res.added.length,
    present: res.present,
    duplicates: list.duplicates,
    skipped: list.skipped,
    addedIds: res.added.map((f) => f.id),
  };
}
