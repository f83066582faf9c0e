// Full-text search on PostgreSQL with the query syntax of the SQLite store, read by the same
// parser (../search-query.ts) and rendered as a tsquery of folded terms, ranked with the title
// above the body; the snippet is cut in TypeScript from the item's text, as on SQLite.
import type { Phrase, SearchQuery } from '../shared/search-query.js';
import { itemWhere, Params } from './item-where.js';
import { SEARCH_CONFIG } from './reindex-search.js';
import { ITEM_COLUMNS } from './rows.js';
import type { ItemFilter } from '../contract.js';
import { pagesById } from '../shared/items.js';
import { firstCopiesSql } from '../shared/stories.js';
import { ALSO_IN } from './stories.js';

const CONFIG = `'${SEARCH_CONFIG}'::regconfig`;

/**
 * ts_rank's weights for {D, C, B, A}: a title word (A) counts ten times a body word (B), as bm25's
 * 10 and 1 do in SQLite; ranks are divided by 1 + log(document length) (normalization 1), so
 * that, as with bm25, a match in a short item ranks above one in a long item. ts_rank knows no
 * word rarity (bm25's IDF): ties and ORs of common and rare words may order differently.
 */
const WEIGHTS = `'{0, 0, 0.1, 1}'::float4[]`;

/** operand is one term in tsquery syntax, quoted (terms are letters, digits and marks only), with its prefix and weight marks. */
function operand(t: Phrase[number], weight: '' | 'A' | 'B'): string {
  const marks = `${t.prefix ? '*' : ''}${weight}`;
  return `'${t.term.replace(/['\\]/g, (c) => c + c)}'${marks ? `:${marks}` : ''}`;
}

/**
 * phrase is a phrase in tsquery syntax. The title and the body are one tsvector, the body's
 * positions following the title's, so a phrase of several words must match within the title's
 * words (A) or within the body's (B): FTS5 never matches a phrase across its columns either.
 */
function phrase(p: Phrase): string {
  if (p.length === 1) return operand(p[0], '');
  const within = (w: 'A' | 'B') => `(${p.map((t) => operand(t, w)).join(' <-> ')})`;
  return `(${within('A')} | ${within('B')})`;
}

/** toTsQuery renders a parsed query as tsquery text for to_tsquery: AND within a group, OR between groups. */
export function toTsQuery(q: SearchQuery): string {
  return q.any.map((g) => `(${g.map(phrase).join(' & ')})`).join(' | ');
}

/**
 * searchSql is the query behind Store.search: the matching items ranked best first, each with its
 * rank (ts_rank negated, so that lower is better as with SQLite's bm25) and an empty snippet that
 * the reader fills in. Items are ranked (and cut to the limit) on their ids alone, and only those
 * kept are joined to their columns: a common word matches a large part of the items, and sorting
 * whole rows spills to disk. The tsquery is one bound parameter through immutable functions, so
 * the planner folds it into a constant and can use the GIN index. With afterId the matches come
 * in id order, up to `upTo` (see read.ts storedUpTo).
 */
export function searchSql(query: SearchQuery, f: ItemFilter, upTo?: number): { sql: string; values: unknown[] } {
  const p = new Params();
  const q = `to_tsquery(${CONFIG}, ${p.add(toTsQuery(query))})`;
  const byId = pagesById(f);
  const filters = [itemWhere({ ...f, unique: false }, p), upTo !== undefined ? `i.id <= ${p.add(upTo)}` : ''].filter(Boolean);
  // Each story once: its first copy among the matches of the query and the filters, --after-id
  // aside (as items does, item-where.ts): listed on its first copy's page, never again by a later copy.
  if (f.unique) {
    const all = [itemWhere({ ...f, unique: false, afterId: undefined }, p), upTo !== undefined ? `i.id <= ${p.add(upTo)}` : ''];
    filters.push(
      firstCopiesSql(
        'item_search s JOIN items i ON i.id = s.item_id JOIN feeds f ON f.id = i.feed_id',
        [`s.doc @@ ${q}`, ...all.filter(Boolean)].join(' AND '),
      ),
    );
  }
  const where = filters.join(' AND ');
  const limit = f.limit !== undefined ? `ORDER BY ${byId ? '' : 'rank, '}s.item_id LIMIT ${p.add(f.limit)}` : '';
  const ranked = `SELECT s.item_id, -ts_rank(${WEIGHTS}, s.doc, ${q}, 1)::float8 AS rank
    FROM item_search s ${where ? 'JOIN items i ON i.id = s.item_id JOIN feeds f ON f.id = i.feed_id' : ''}
    WHERE s.doc @@ ${q} ${where ? `AND ${where}` : ''} ${limit}`;
  const sql = `SELECT ${ITEM_COLUMNS}, ''::text AS snippet, h.rank${f.unique ? `, ${ALSO_IN}` : ''}
    FROM (${ranked}) h JOIN items i ON i.id = h.item_id JOIN feeds f ON f.id = i.feed_id
    ORDER BY ${byId ? '' : 'h.rank, '}h.item_id`;
  return { sql, values: p.values };
}
