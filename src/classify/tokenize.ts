import { decodeHTML } from 'entities';

const TAG = /<[^>]*>/g;
const URL_RE = /\b(?:https?:\/\/|www\.)\S+/gi;
// Letters (any script) and digits make words; CJK ideographs and kana count one character each,
// since those scripts do not separate words with spaces.
const TOKEN = /[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}]|[\p{L}\p{M}\p{N}]+(?:['’][\p{L}]+)?/gu;

/**
 * tokenizeCased turns text (possibly HTML) into word tokens that keep their case: markup and
 * URLs removed, entities decoded (including the " #39;" residue of AG News), accents folded, CJK
 * split per character. The classifier reads case too ("US" is not "us", "Apple" not "apple").
 */
export function tokenizeCased(text: string): string[] {
  // Tags first, then entities, then tags again for markup that arrived escaped ("&lt;b&gt;").
  const plain = decodeHTML(text.replace(TAG, ' ').replace(/ ?#(\d+);/g, '&#$1;').replace(/ quot;/g, '"'))
    .replace(TAG, ' ').replace(URL_RE, ' ').replace(/\\/g, ' ');
  return plain.normalize('NFKD').replace(/\p{M}+/gu, '').match(TOKEN) ?? [];
}

/** tokenize is tokenizeCased in lower case. */
export function tokenize(text: string): string[] {
  return tokenizeCased(text).map((t) => t.toLowerCase());
}
