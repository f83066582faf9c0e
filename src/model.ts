// Domain types shared between stages. Wire formats (OPML attributes, rss-parser output, HTTP
// responses) are converted into these inside their own stage and never leak further.

/** Subscription is one feed found in an OPML list, before it is stored. */
export interface Subscription {
  url: string;
  title: string | null;
  siteUrl: string | null;
  /** Folder path, levels joined by "/" ("Technology/Programming"); "" at the top level. */
  category: string;
}

/** SkipReason says why an OPML outline was not taken as a subscription. */
export type SkipReason =
  | 'no-url'
  | 'vfolder'
  | 'rule'
  | 'include'
  | 'link'
  | 'pipe-command'
  | 'unsupported-scheme'
  | 'invalid-url';

/** Feed is a stored subscription with its fetch state. */
export interface Feed {
  id: number;
  url: string;
  title: string | null;
  siteUrl: string | null;
  category: string;
  addedAt: string;
  etag: string | null;
  lastModified: string | null;
  lastStatus: number | null;
  lastFetchedAt: string | null;
  consecutiveErrors: number;
  lastError: string | null;
  nextCheckAt: string | null;
  disabledReason: string | null;
}

/** Item is one normalized entry of a feed, ready to store. */
export interface Item {
  /** Stable dedupe key within the feed: GUID, else link, else a hash of title and date. */
  key: string;
  guid: string | null;
  link: string | null;
  title: string | null;
  author: string | null;
  /** ISO 8601 UTC. */
  published: string | null;
  updated: string | null;
  summary: string | null;
  content: string | null;
}

/** ParsedFeed is a feed document turned into our model. */
export interface ParsedFeed {
  title: string | null;
  siteUrl: string | null;
  items: Item[];
}
