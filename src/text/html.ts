import { Parser } from 'htmlparser2';

const BLOCK = new Set(['p', 'div', 'br', 'ul', 'ol', 'h1', 'h2', 'h3', 'h4', 'h5', 'h6', 'blockquote', 'pre', 'tr',
  'table', 'section', 'article', 'header', 'footer', 'figure', 'figcaption', 'hr', 'dd', 'dt', 'dl']);
const SKIP = new Set(['script', 'style', 'noscript', 'template', 'head', 'iframe', 'svg']);

/**
 * htmlToText reduces HTML to readable plain text: tags removed, entities decoded, script and
 * style dropped, block elements on their own lines, list items bulleted, runs of spaces folded.
 */
export function htmlToText(html: string | null | undefined): string {
  if (!html) return '';
  let out = '';
  let skipping = 0;
  const parser = new Parser({
    onopentag(name) {
      if (SKIP.has(name)) skipping++;
      else if (name === 'li') out += '\n• ';
      else if (BLOCK.has(name)) out += '\n';
    },
    ontext(t) { if (!skipping) out += t; },
    onclosetag(name) {
      if (SKIP.has(name)) skipping = Math.max(0, skipping - 1);
      else if (BLOCK.has(name)) out += '\n';
    },
  }, { decodeEntities: true });
  parser.write(html);
  parser.end();
  return out
    .replace(/\u00a0/g, ' ')
    .split('\n').map((l) => l.replace(/[ \t\r\f\v]+/g, ' ').trim()).join('\n')
    .replace(/\n{3,}/g, '\n\n')
    .trim();
}
