// The id an insert into items or feeds takes: above every id stored and every id ever deleted
// (id_floor, kept by migration 12's triggers), so that an id is never given to a second row.

/** nextIdSql is a scalar subquery for the id of a new row of `table` ('items' or 'feeds'). */
export function nextIdSql(table: 'items' | 'feeds'): string {
  return `(SELECT max(ifnull((SELECT max(id) FROM ${table}), 0), ifnull((SELECT last_id FROM id_floor WHERE name = '${table}'), 0)) + 1)`;
}
