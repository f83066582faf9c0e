// --feed names feeds by id or URL; a name that matches no stored feed is a mistake to report, the
// same way in every command, rather than an empty listing or a crawl of nothing.
import { InputError } from '../errors.js';
import { feedNamed } from '../store/feeds.js';
import type { FeedListing, Store } from '../store/contract.js';

/** knownFeeds returns the stored feeds the --feed values name, refusing (exit 1) the first value that names none. */
export async function knownFeeds(store: Store, given: string | readonly string[]): Promise<FeedListing[]> {
  const names = [given].flat();
  const found = await store.listFeeds({ feed: names });
  const unknown = names.find((name) => !found.some((f) => feedNamed(f, name)));
  if (unknown !== undefined) throw new InputError(`feed ${unknown}`, 'no such feed (give an id or URL from `inkzee feeds`)', 'no-feed');
  return found;
}
