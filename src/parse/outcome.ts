// What parsing a document gives, in a module of its own so that the format mappers (json-feed.ts)
// and the format detection that calls them (feed.ts) do not import each other.
import type { ParsedFeed } from '../model.js';

/** ParseOutcome is what a fetched document turned out to be. */
export type ParseOutcome =
  | { kind: 'feed'; feed: ParsedFeed; /** Set when the XML was not well-formed and was repaired. */ recovered: boolean }
  | { kind: 'html'; alternates: string[] }
  | { kind: 'invalid'; reason: string };
