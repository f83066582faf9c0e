// Domain types shared between stages. Wire formats (OPML attributes, XML trees, HTTP
// responses) are converted into these inside their own stage and never leak further.

/** Subscription is one feed found in an OPML list, before it is stored. */
export interface Subscription {
  url: string;
  title: string | null;
  siteUrl: string | null;
  /** Folder path, levels joined by "/" ("Technology/Programming"); "" at the top level. */
  category: string;
  /** The folder names, outermost first, when a name may hold "/" ("UI / UX"); else category is split at "/". */
  folders?: readonly string[];
}

/** SkipReason says why an OPML outline was not taken as a subscription. */
export type SkipReason = 'no-url' | 'vfolder' | 'rule' | 'include' | 'link' | 'pipe-command' | 'unsupported-scheme' | 'invalid-url';

/**
 * feedHost is a URL's politeness key: its host with the port, as the crawl pool limits requests
 * per host and as crawlers claim feeds a host at a time.
 */
export function feedHost(url: string): string {
  try {
    return new URL(url).host;
  } catch {
    return url;
  }
}

/** Feed is a stored subscription with its fetch state. */
export interface Feed {
  id: number;
  url: string;
  title: string | null;
  siteUrl: string | null;
  /** The folder path as people read it: names joined by "/" ("" at the top level). */
  category: string;
  /** The folder names, outermost first (a name may hold "/"). */
  folders: string[];
  addedAt: string;
  etag: string | null;
  lastModified: string | null;
  lastStatus: number | null;
  lastFetchedAt: string | null;
  consecutiveErrors: number;
  lastError: string | null;
  nextCheckAt: string | null;
  disabledReason: string | null;
  /** When the user paused the feed (`inkzee pause`): never fetched until resumed; null when not paused. */
  pausedAt: string | null;
  /** What the feed document itself says (the user's name from the OPML stays in `title`). */
  meta: FeedMeta;
}

/** FeedMeta is what a feed document says about itself; every field may be absent. */
export interface FeedMeta {
  /** The document's own title (RSS channel title, Atom feed title, JSON Feed title). */
  title: string | null;
  /** Subtitle or description, as plain text. */
  description: string | null;
  /** Language tag as the feed gives it ("en-us"). */
  language: string | null;
  /** Image or icon URL: RSS <image><url>, itunes:image, Atom logo/icon, JSON Feed icon/favicon. */
  imageUrl: string | null;
}

/** MEDIA_WORDS are the top-level media types `--has-enclosure` takes as a word (`audio` for any audio/ type). */
export const MEDIA_WORDS: readonly string[] = ['audio', 'video', 'image'];

/** Enclosure is a media file attached to an item (podcast audio, video, …). */
export interface Enclosure {
  /** Absolute http(s) URL. */
  url: string;
  /** MIME type as the feed gives it, lower-cased ("audio/mpeg"); null when absent. */
  type: string | null;
  /** Size in bytes; null when absent, zero or not a number. */
  length: number | null;
  /** Play time in whole seconds; null when unknown. */
  duration: number | null;
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
  /** Media files, in document order, duplicates dropped. */
  enclosures: Enclosure[];
  /** Item categories / tags, trimmed, duplicates dropped, in document order. */
  categories: string[];
  /** Play time in whole seconds (itunes:duration, JSON Feed duration_in_seconds). */
  duration: number | null;
  /** Comments page URL (RSS <comments>). */
  comments: string | null;
  /** Podcast episode and season numbers (itunes:episode / itunes:season). */
  episode: number | null;
  season: number | null;
  /** itunes:explicit: true for yes/explicit/true, false for no/clean/false, else null. */
  explicit: boolean | null;
  /** Podcasting 2.0 podcast:transcript and podcast:chapters URLs. */
  transcriptUrl: string | null;
  chaptersUrl: string | null;
  /**
   * The publisher's own link when a proxy rewrote `link` (feedburner:origLink, pheedo:origLink):
   * the canonical link of the story (store/shared/story-links.ts); absent when the feed gives none.
   */
  origLink?: string;
}

/** ParsedFeed is a feed document turned into our model. */
export interface ParsedFeed {
  title: string | null;
  siteUrl: string | null;
  description: string | null;
  language: string | null;
  imageUrl: string | null;
  items: Item[];
}
