/**
 * parseCsv reads RFC 4180 CSV: comma-separated fields, double-quoted fields that may hold commas,
 * line breaks and "" for a quote, CRLF or LF line ends; blank lines are skipped, rows may differ
 * in length, and a quote inside an unquoted field is kept as text. It scans the string once with
 * indexOf rather than character by character: labelled files run to tens of megabytes, and
 * reading them was a fifth of training time. Throws on a quoted field that never closes.
 */
export function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let i = 0;
  let line = 1;
  const n = text.length;
  while (i < n) {
    let field: string;
    if (text.charCodeAt(i) === 34 /* " */) {
      const start = line;
      let out = '';
      let from = i + 1;
      for (;;) {
        const q = text.indexOf('"', from);
        if (q < 0) throw new Error(`a quoted field opened on line ${start} never closes`);
        out += text.slice(from, q);
        if (text.charCodeAt(q + 1) === 34) {
          out += '"';
          from = q + 2;
          continue;
        }
        i = q + 1;
        break;
      }
      for (let k = out.indexOf('\n'); k >= 0; k = out.indexOf('\n', k + 1)) line++;
      // Anything between the closing quote and the separator is kept (lenient, like relax_quotes).
      let j = i;
      while (j < n && text.charCodeAt(j) !== 44 && text.charCodeAt(j) !== 10 && text.charCodeAt(j) !== 13) j++;
      field = out + text.slice(i, j);
      i = j;
    } else {
      let j = i;
      while (j < n && text.charCodeAt(j) !== 44 && text.charCodeAt(j) !== 10 && text.charCodeAt(j) !== 13) j++;
      field = text.slice(i, j);
      i = j;
    }
    row.push(field);
    const c = text.charCodeAt(i);
    if (c === 44) {
      i++;
      if (i === n) row.push('');
      continue;
    }
    // End of a row (or of the text): CRLF, LF or a lone CR.
    if (c === 13 && text.charCodeAt(i + 1) === 10) i++;
    i++;
    line++;
    if (!(row.length === 1 && row[0] === '')) rows.push(row);
    row = [];
    while (i < n && (text.charCodeAt(i) === 10 || text.charCodeAt(i) === 13)) {
      if (text.charCodeAt(i) === 10) line++;
      i++;
    }
  }
  if (row.length) rows.push(row); // the text ended right after a comma
  return rows;
}
