// What `inkzee add`, `remove`, `edit`, `pause` and `resume` did: an NDJSON record per feed on
// stdout, or one line per feed for people on stderr (as import reports).
import type { Output } from './output.js';
import { oneLine } from './sanitize.js';
import type { EditChange, FeedRef, PauseResult, RemoveResult, SubscribeResult } from '../results.js';

/** named is how a message names a feed: `feed 42 "Title"`, or its URL when it has no title. */
export function named(f: FeedRef): string {
  return `feed ${f.id} ${f.title ? `"${oneLine(f.title)}"` : oneLine(f.url)}`;
}

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;

/** printSubscribed reports one URL of `inkzee add`; a failure goes to stderr as an error line (never silenced). */
export function printSubscribed(out: Output, r: SubscribeResult, alone: boolean): void {
  if (out.cfg.json) {
    if (r.kind === 'added') out.record({ type: 'added', given: r.given, ...r.feed });
    else if (r.kind === 'present') out.record({ type: 'present', given: r.given, ...r.feed });
    else out.record({ type: 'failed', url: r.given, error: r.error });
    return;
  }
  if (r.kind === 'added') out.info(`added ${named(r.feed)} (${plural(r.feed.items, 'item')})`);
  else if (r.kind === 'present') out.info(`${oneLine(r.given)}: already subscribed as ${r.feed.id}`);
  // A lone URL's failure is the command's error, printed once by the CLI.
  else if (!alone) out.error(`${oneLine(r.given)}: ${oneLine(r.error)}`);
}

/** printRemoved reports the feeds `inkzee remove` deleted. */
export function printRemoved(out: Output, gone: readonly RemoveResult[]): void {
  for (const g of gone)
    if (out.cfg.json) out.record({ type: 'removed', id: g.id, url: g.url, title: g.title, items: g.items });
    else out.info(`removed ${named(g)} and its ${plural(g.items, 'item')}`);
}

/** printEdited reports what `inkzee edit` changed. */
export function printEdited(out: Output, f: FeedRef & { category: string }, changed: readonly EditChange[]): void {
  if (out.cfg.json) {
    out.record({ type: 'edited', id: f.id, url: f.url, title: f.title, category: f.category, changed });
    return;
  }
  const what = changed.map((c) =>
    c === 'title'
      ? 'renamed'
      : c === 'url'
        ? `URL now ${oneLine(f.url)}`
        : f.category
          ? `moved to ${oneLine(f.category)}`
          : 'moved to the top level',
  );
  out.info(`edited ${named(f)}: ${what.length ? what.join(', ') : 'nothing changed (already so)'}`);
}

/** printPaused reports each feed `inkzee pause` or `resume` was given, changed or already so. */
export function printPaused(out: Output, feeds: readonly PauseResult[], paused: boolean): void {
  for (const f of feeds)
    if (out.cfg.json) out.record({ type: paused ? 'paused' : 'resumed', id: f.id, url: f.url, title: f.title, changed: f.changed });
    else if (f.changed) out.info(`${paused ? 'paused' : 'resumed'} ${named(f)}`);
    else out.info(`${named(f)}: ${paused ? 'paused already' : 'not paused'}`);
}
