// --feed names feeds by id or URL; a name that matches no stored feed is a mistake to report, the
// same way in every command, rather than an empty listing or a crawl of nothing.
import { InputError } from '../errors.js';
import type { FeedListing, Store } from '../store/contract.js';

/** knownFeeds returns the stored feeds the --feed values name (each once), refusing (exit 1) the first value that names none. */
export async function knownFeeds(store: Store, given: string | readonly string[]): Promise<FeedListing[]> {
  const found = new Map<number, FeedListing>();
  // One look-up per name: a URL may name a feed by a URL it had before a move (feed_urls).
  for (const name of [given].flat()) {
    const named = await store.listFeeds({ feed: name });
    if (named.length === 0) throw new InputError(`feed ${name}`, 'no such feed (give an id or URL from `inkzee feeds`)', 'no-feed');
    for (const f of named) found.set(f.id, f);
  }
  return [...found.values()];
}
