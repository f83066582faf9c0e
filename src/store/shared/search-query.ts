// What a person types into `inkzee search`, read once for both stores: words AND-ed, `word*` a
// prefix, OR between words, "quoted phrases"; punctuation is part of words, never syntax. Each
// word is turned into terms exactly as indexed text is (search-terms.ts), so a word the indexer
// splits (node.js, 東京) is a phrase of its terms. Each engine renders the result in its own
// syntax (search.ts: an FTS5 query; postgres/search.ts: a tsquery).
import { UsageError } from '../../errors.js';
import { termsOf } from '../../text/search-terms.js';

/** MAX_QUERY_TERMS bounds a query: PostgreSQL runs out of stack on a few thousand terms, and no one types 64. */
export const MAX_QUERY_TERMS = 64;

/** QueryTerm is one folded term of a query; a prefix matches every term that starts with it. */
export interface QueryTerm {
  term: string;
  prefix: boolean;
}

/** Phrase is terms that must follow one another (a word is a phrase of one); only the last may be a prefix. */
export type Phrase = readonly QueryTerm[];

/** SearchQuery is a disjunction of conjunctions of phrases: like FTS5, AND binds tighter than OR. An empty one matches nothing. */
export interface SearchQuery {
  any: readonly (readonly Phrase[])[];
}

/**
 * parseSearchQuery reads a query. A query without any word is refused; a word without any term
 * (":" or "—") is passed over, as FTS5 passes over an empty phrase, so a query of such words
 * alone matches nothing. A query of more than MAX_QUERY_TERMS terms is refused.
 */
export function parseSearchQuery(query: string): SearchQuery {
  const words = query.match(/"[^"]*"|\S+/g) ?? [];
  const groups: Phrase[][] = [[]];
  let afterWord = false; // OR is an operator after a word (with terms or not), else a word itself
  let given = 0;
  let count = 0;
  for (const w of words) {
    if (w === 'OR' && afterWord) {
      groups.push([]);
      afterWord = false;
      continue;
    }
    const prefix = w.endsWith('*') && w.length > 1;
    const text = (prefix ? w.slice(0, -1) : w).replace(/^"|"$/g, '');
    if (!text.trim()) continue;
    given++;
    afterWord = true;
    const terms = termsOf(text);
    count += terms.length;
    if (terms.length) groups.at(-1)!.push(terms.map((term, k) => ({ term, prefix: prefix && k === terms.length - 1 })));
  }
  if (given === 0) throw new UsageError('search: the query has no words');
  if (count > MAX_QUERY_TERMS) throw new UsageError(`search: the query has ${count} words; at most ${MAX_QUERY_TERMS}`);
  return { any: groups.filter((g) => g.length) };
}
