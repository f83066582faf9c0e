import { InputError } from '../errors.js';
import { parseCsv } from './csv.js';

/** Examples are texts with their labels, read from a labelled file. */
export interface Examples {
  texts: string[];
  labels: string[];
}

/** TEXT_COLUMNS are the fields whose text a classifier reads, joined in this order. */
export const TEXT_COLUMNS = ['title', 'description', 'summary', 'text', 'content'];

// Rows are arrays read against a header: a CSV's rows as they are, NDJSON objects by their keys.
function fromRows(rows: readonly (readonly unknown[])[], name: string, columns: string[]): Examples {
  const lower = new Map(columns.map((c, k) => [c.toLowerCase().trim(), k]));
  const labelCol = lower.get('label');
  if (labelCol === undefined) throw new InputError(name, `no "label" column (found: ${columns.join(', ') || 'none'})`, 'bad-labels');
  const textCols = TEXT_COLUMNS.map((c) => lower.get(c)).filter((c): c is number => c !== undefined);
  if (textCols.length === 0) {
    throw new InputError(name, `no text column: expected one of ${TEXT_COLUMNS.join(', ')} (found: ${columns.join(', ')})`, 'bad-labels');
  }
  const ex: Examples = { texts: [], labels: [] };
  const cell = (v: unknown) => (v === undefined || v === null ? '' : String(v));
  for (const r of rows) {
    const label = cell(r[labelCol]).trim();
    let text = cell(r[textCols[0]]);
    for (let k = 1; k < textCols.length; k++) text += `\n${cell(r[textCols[k]])}`;
    text = text.trim();
    if (!label || !text) continue;
    ex.labels.push(label);
    ex.texts.push(text);
  }
  if (ex.texts.length === 0) throw new InputError(name, 'no labelled examples (every row lacks a label or text)', 'bad-labels');
  return ex;
}

/**
 * readExamples reads labelled examples: CSV with a header naming a "label" column and one or more
 * text columns (title, description, summary, text, content), or NDJSON objects with those fields.
 * A headerless CSV (AG News) is read with `columns` naming its fields, e.g. label,title,description.
 */
export function readExamples(bytes: Buffer, name: string, columns?: string[]): Examples {
  const text = bytes.toString('utf8').replace(/^\uFEFF/, '');
  if (!text.trim()) throw new InputError(name, 'empty file, no labelled examples', 'bad-labels');
  if (text.trimStart().startsWith('{')) {
    const records: Record<string, unknown>[] = [];
    const keys = new Set<string>();
    text.split('\n').forEach((line, k) => {
      if (!line.trim()) return;
      let o: unknown;
      try {
        o = JSON.parse(line);
      } catch {
        throw new InputError(name, `line ${k + 1}: not valid JSON`, 'bad-labels');
      }
      if (!o || typeof o !== 'object' || Array.isArray(o)) throw new InputError(name, `line ${k + 1}: not a JSON object`, 'bad-labels');
      for (const key of Object.keys(o)) keys.add(key);
      records.push(o as Record<string, unknown>);
    });
    const header = [...keys];
    return fromRows(
      records.map((o) => header.map((h) => o[h])),
      name,
      header,
    );
  }
  let rows: string[][];
  try {
    rows = parseCsv(text);
  } catch (err) {
    throw new InputError(name, `not valid CSV (${(err as Error).message})`, 'bad-labels');
  }
  const header = columns ?? rows.shift() ?? [];
  return fromRows(rows, name, header);
}
