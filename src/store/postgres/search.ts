// Full-text search on PostgreSQL with the query syntax of the SQLite store (search.ts's
// toFtsQuery: words AND-ed, `word*` a prefix, OR between words, "quoted phrases"), ranked with
// the title above the body, and a snippet marking the matched words.
import { pagesById, type ItemFilter } from '../item-filter.js';
import { SNIPPET_CLOSE, SNIPPET_OPEN, toFtsQuery } from '../search.js';
import { itemWhere, Params } from './item-where.js';
import { ITEM_COLUMNS } from './rows.js';

/** The text search configuration the migration creates: the simple parser and dictionary, after unaccent. */
const CONFIG = `'inkzee'::regconfig`;

/**
 * ts_rank's weights for {D, C, B, A}: a title word (A) counts ten times a body word (B), as bm25's
 * 10 and 1 do in SQLite; ranks are divided by 1 + log(document length) (normalization 1), so
 * that, as with bm25, a match in a short item ranks above one in a long item. ts_rank knows no
 * word rarity (bm25's IDF): ties and ORs of common and rare words may order differently.
 */
const WEIGHTS = `'{0, 0, 0.1, 1}'::float4[]`;

// The snippet is cut from the title or the body, whichever matches better (as SQLite's
// snippet(…, -1, …) picks a column), weighed on the stored vector rather than parsing both again.
const TITLE_ONLY = `'{0, 0, 0, 1}'::float4[]`;
const BODY_ONLY = `'{0, 0, 1, 0}'::float4[]`;

/** How ts_headline marks words; a text of up to 16 words is shown whole, as SQLite's snippet(…, 16) shows it. */
const MARKS = `StartSel="${SNIPPET_OPEN}", StopSel="${SNIPPET_CLOSE}"`;
const WHOLE = `${MARKS}, HighlightAll=true`;
/** A longer text is cut to 16 words around the match (a fragment is centred on it, as SQLite's snippet is). */
const CUT = `${MARKS}, MaxWords=16, MinWords=15, ShortWord=0, MaxFragments=1`;
// A word as the snippet counts it. [:space:] and [:punct:] rather than [:alnum:]: under the C
// locale every non-ASCII letter is neither, and still counts as part of a word.
const WORD = '[^[:space:][:punct:]]';
const GAP = '[[:space:][:punct:]]';

/**
 * snippetSql is the FROM items and the expression of the snippet of an item's text (t.text) for a
 * tsquery: the whole text when it has at most 16 words, else 16 words around the match with '…'
 * where text was cut off before or after, as SQLite's snippet(…, '…', 16) does. The headline is
 * made once per item (OFFSET 0 keeps PostgreSQL from copying it into each use).
 */
function snippetSql(q: string, p: Params): { from: string; snippet: string } {
  const long = `t.text ~ '(${WORD}+${GAP}+){16}${WORD}'`;
  const from = `CROSS JOIN LATERAL (SELECT ${long} AS long,
      ts_headline(${CONFIG}, t.text, ${q}, CASE WHEN ${long} THEN ${p.add(CUT)} ELSE ${p.add(WHOLE)} END) AS hl OFFSET 0) x`;
  // Where the cut text lies in the whole: the headline with its marks taken out.
  const plain = `replace(replace(x.hl, '${SNIPPET_OPEN}', ''), '${SNIPPET_CLOSE}', '')`;
  const at = `strpos(t.text, ${plain})`;
  const snippet = `CASE WHEN NOT x.long THEN x.hl
    ELSE (CASE WHEN left(t.text, ${at} - 1) ~ '${WORD}' THEN '…' ELSE '' END) || x.hl
      || (CASE WHEN substr(t.text, ${at} + length(${plain})) ~ '${WORD}' THEN '…' ELSE '' END) END`;
  return { from, snippet };
}

/**
 * PUNCTUATION is translate()'s arguments that turn ASCII punctuation into spaces, as the index's
 * text is turned (migration 1): PostgreSQL's parser keeps "github.com", "rust-lang", "2.0" or
 * "bob@example.com" as single host, hyphenated, version or email tokens, where unicode61 splits
 * them into words that a search for "github", "lang", "2" or "bob" finds.
 */
const PUNCTUATION = `'!"#$%&''()*+,-./:;<=>?@[\\]^_\`{|}~', '${' '.repeat(32)}'`;

/** QueryPart is one phrase of a query (a word is a phrase of one), its last word maybe a prefix. */
interface QueryPart {
  text: string;
  prefix: boolean;
}

/**
 * parseQuery reads a query as the SQLite store does: it takes toFtsQuery's own output apart, so
 * both stores split, quote and group words alike (and refuse a query without words alike). The
 * result is a disjunction of conjunctions: like FTS5, AND binds tighter than OR ("a b OR c" is
 * (a AND b) OR c).
 */
function parseQuery(query: string): QueryPart[][] {
  const groups: QueryPart[][] = [[]];
  for (const m of toFtsQuery(query).matchAll(/"((?:[^"]|"")*)"(\*?)|OR/g)) {
    if (m[0] === 'OR') groups.push([]);
    else groups.at(-1)!.push({ text: m[1].replace(/""/g, '"'), prefix: m[2] === '*' });
  }
  return groups;
}

/**
 * partQuery is one part as a tsquery expression, its text bound as a parameter: the words of a
 * phrase follow one another (phraseto_tsquery runs the text through the same parser and
 * dictionaries as the indexed text); a prefix marks the phrase's last word `:*`, by rewriting the
 * tsquery's own text form, which PostgreSQL quotes. A part without words is an empty tsquery,
 * which && and || pass over, as FTS5 passes over an empty phrase. Every function here is
 * immutable, so the planner folds the whole query into a constant and can use the GIN index.
 */
function partQuery(part: QueryPart, p: Params): string {
  const phrase = `phraseto_tsquery(${CONFIG}, translate(${p.add(part.text)}::text, ${PUNCTUATION}))`;
  if (!part.prefix) return phrase;
  return `CASE WHEN numnode(${phrase}) = 0 THEN ${phrase} ELSE (${phrase}::text || ':*')::tsquery END`;
}

/** tsQuery turns a query into a tsquery expression with bound parameters (never pasted text). */
function tsQuery(query: string, p: Params): string {
  const ors = parseQuery(query).filter((g) => g.length).map((g) => `(${g.map((part) => partQuery(part, p)).join(' && ')})`);
  return `(${ors.join(' || ')})`;
}

/**
 * searchSql is the query behind Store.search: the matching items ranked best first, each with its
 * snippet and rank (ts_rank negated, so that lower is better as with SQLite's bm25). Items are
 * ranked (and cut to the limit) on their ids alone, and only those kept are joined to their
 * columns and cut a snippet: a common word matches a large part of the items, and sorting whole
 * rows spills to disk. With afterId the matches come in id order, up to `upTo` (see read.ts storedUpTo).
 */
export function searchSql(query: string, f: ItemFilter, upTo?: number): { sql: string; values: unknown[] } {
  const p = new Params();
  const q = tsQuery(query, p);
  const byId = pagesById(f);
  const where = [itemWhere(f, p), upTo !== undefined ? `i.id <= ${p.add(upTo)}` : ''].filter(Boolean).join(' AND ');
  const limit = f.limit !== undefined ? `ORDER BY ${byId ? '' : 'rank, '}s.item_id LIMIT ${p.add(f.limit)}` : '';
  const ranked = `SELECT s.item_id, -ts_rank(${WEIGHTS}, s.doc, ${q}, 1)::float8 AS rank,
      ts_rank(${TITLE_ONLY}, s.doc, ${q}) >= ts_rank(${BODY_ONLY}, s.doc, ${q}) AS in_title
    FROM item_search s ${where ? 'JOIN items i ON i.id = s.item_id JOIN feeds f ON f.id = i.feed_id' : ''}
    WHERE s.doc @@ ${q} ${where ? `AND ${where}` : ''} ${limit}`;
  const snip = snippetSql(q, p);
  const sql = `SELECT ${ITEM_COLUMNS}, ${snip.snippet} AS snippet, h.rank
    FROM (${ranked}) h JOIN item_search s ON s.item_id = h.item_id JOIN items i ON i.id = h.item_id JOIN feeds f ON f.id = i.feed_id
    CROSS JOIN LATERAL (SELECT CASE WHEN h.in_title THEN s.title ELSE s.body END AS text) t ${snip.from}
    ORDER BY ${byId ? '' : 'h.rank, '}h.item_id`;
  return { sql, values: p.values };
}
