// `inkzee mark read|unread|star|unstar`: item ids (as arguments, or from standard input as ids or
// NDJSON items), or the filters of `items`, or --all — one of them, never ids and filters together.
import { InputError, shownValue, UsageError } from '../errors.js';
import type { ItemFilter, MarkKind, MarkTarget } from '../store/contract.js';
import type { Marked } from '../results.js';
import type { Context } from './context.js';
import { readInput } from './input.js';
import { itemFilter, type ItemFlags } from './items.js';
import { knownFeeds } from './known-feeds.js';

/** MarkFlags are `inkzee mark`'s flags: the filters of `items` (no --limit or --after-id), --all and --dry-run. */
export type MarkFlags = Omit<ItemFlags, 'limit' | 'afterId'> & { all?: boolean; dryRun?: boolean };

/** MARK_KINDS are the marks `inkzee mark` takes. */
export const MARK_KINDS: readonly MarkKind[] = ['read', 'unread', 'star', 'unstar'];

// The flags that narrow which items a mark applies to, as they are named on the command line.
const FILTERS: [keyof MarkFlags, string][] = [
  ['feed', '--feed'],
  ['category', '--category'],
  ['since', '--since'],
  ['until', '--until'],
  ['label', '--label'],
  ['tag', '--tag'],
  ['hasEnclosure', '--has-enclosure'],
  ['unread', '--unread'],
  ['read', '--read'],
  ['starred', '--starred'],
];

/**
 * markCommand marks the items named or matched, in one transaction, and says how many took the
 * mark. Refused (exit 2): ids with filters or --all, and neither ids nor filters without --all.
 * An id that is no item (exit 1) leaves every item as it was.
 */
export async function markCommand(
  ctx: Context,
  kind: MarkKind,
  args: readonly string[],
  flags: MarkFlags,
  stdin: NodeJS.ReadableStream = process.stdin,
): Promise<Marked> {
  const given = FILTERS.filter(([k]) => flags[k] !== undefined && flags[k] !== false).map(([, name]) => name);
  const fromStdin = args.includes('-');
  const ids = args.filter((a) => a !== '-').map(argumentId);
  if (args.length && given.length) throw new UsageError(`mark ${kind}: give item ids or filters (${given.join(', ')}), not both`);
  if (args.length && flags.all) throw new UsageError(`mark ${kind}: --all marks every item; give no item ids with it`);
  if (!args.length && !given.length && !flags.all) {
    throw new UsageError(`mark ${kind}: give item ids, - for standard input, filters (--feed, --category, --since, …) or --all`);
  }
  const filter: ItemFilter = itemFilter(ctx, flags);
  if (fromStdin) ids.push(...stdinIds((await readInput('-', stdin)).toString('utf8')));
  const store = await ctx.store();
  if (filter.feed !== undefined) await knownFeeds(store, filter.feed);
  const target: MarkTarget = args.length ? { ids } : { filter };
  const dryRun = !!flags.dryRun;
  const r = await store.mark(kind, target, { now: ctx.now().toISOString(), dryRun });
  if (r.unknownId !== undefined) throw new InputError(`item ${r.unknownId}`, 'no such item', 'no-item');
  return { mark: kind, items: r.changed, dryRun };
}

/** argumentId reads an item id given as an argument. */
function argumentId(a: string): number {
  if (!/^\d+$/.test(a))
    throw new UsageError(`mark ${shownValue(a)}: an item id is a whole number (see \`inkzee items\`), or - for standard input`);
  return itemId(a, `item ${a}`);
}

// Ids are far below 2^53: a longer number names no item (and would lose digits as a number).
function itemId(digits: string, name: string): number {
  const id = Number(digits);
  if (!Number.isSafeInteger(id)) throw new InputError(name, 'no such item', 'no-item');
  return id;
}

/**
 * stdinIds reads item ids from standard input: one a line, either the id or an NDJSON object with
 * an `id` (an item as `inkzee items --json` writes it); blank lines are skipped, anything else is
 * an error naming its line.
 */
export function stdinIds(text: string): number[] {
  const ids: number[] = [];
  const lines = text.split('\n');
  for (let k = 0; k < lines.length; k++) {
    const line = lines[k].trim();
    if (line === '') continue;
    const name = `stdin line ${k + 1}`;
    if (/^\d+$/.test(line)) {
      ids.push(itemId(line, name));
      continue;
    }
    let v: unknown;
    try {
      v = JSON.parse(line);
    } catch {
      throw new InputError(name, 'not an item id, nor a JSON object with an "id"');
    }
    if (!v || typeof v !== 'object' || Array.isArray(v)) throw new InputError(name, 'not an item id, nor a JSON object with an "id"');
    const id = (v as { id?: unknown }).id;
    if (typeof id !== 'number' || !Number.isSafeInteger(id) || id < 0)
      throw new InputError(name, `"id" is ${id === undefined ? 'missing' : 'not an item id'}`);
    ids.push(id);
  }
  return ids;
}
