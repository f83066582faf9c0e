// The PostgreSQL migration that rebuilds the full-text index with folded terms (../search-terms.ts),
// as ../reindex-search.ts does on SQLite: the index no longer folds text itself (unaccent), it is
// given terms already folded, and no longer keeps the text (snippets are cut from the item's own).
import type pg from 'pg';
import { itemIndexText } from '../../text/search-text.js';

/** SEARCH_CONFIG is the text search configuration of folded terms: the simple parser and dictionary, nothing more. */
export const SEARCH_CONFIG = 'inkzee_terms';

/** searchDoc is the tsvector of a title ($t) and body ($b) of folded terms: the title weighted 'A', the body 'B'. */
export const searchDoc = (t: string, b: string) =>
  `setweight(to_tsvector('${SEARCH_CONFIG}'::regconfig, ${t}), 'A') || setweight(to_tsvector('${SEARCH_CONFIG}'::regconfig, ${b}), 'B')`;

/** reindexSearchPg replaces item_search with rows of one tsvector each, made from every item's folded terms. */
export async function reindexSearchPg(c: pg.PoolClient): Promise<void> {
  await c.query(`DROP TABLE IF EXISTS item_search;
    CREATE TEXT SEARCH CONFIGURATION ${SEARCH_CONFIG} (COPY = simple);
    CREATE TABLE item_search (
      item_id bigint PRIMARY KEY REFERENCES items (id) ON DELETE CASCADE,
      doc tsvector NOT NULL
    );`);
  type Row = { id: string; title: string | null; summary: string | null; content: string | null; categories: string[] };
  for (let after = '0'; ;) {
    // Ordered by the bigint column, not by the text "id" the row carries.
    const { rows } = await c.query<Row>(
      'SELECT i.id::text AS id, i.title, i.summary, i.content, i.categories FROM items i WHERE i.id > $1 ORDER BY i.id LIMIT 2000',
      [after],
    );
    if (rows.length === 0) break;
    const texts = rows.map((r) => itemIndexText(r));
    await c.query(
      `INSERT INTO item_search (item_id, doc) SELECT u.id, ${searchDoc('u.t', 'u.b')}
                   FROM unnest($1::int8[], $2::text[], $3::text[]) AS u(id, t, b)`,
      [rows.map((r) => r.id), texts.map((t) => t.title), texts.map((t) => t.body)],
    );
    after = rows.at(-1)!.id;
  }
  // Built once the rows are in: faster than keeping it up to date row by row.
  await c.query('CREATE INDEX item_search_doc ON item_search USING gin (doc)');
}
