// The words of full-text search, made in TypeScript so that SQLite and PostgreSQL index and query
// the very same terms whatever their own tokenizers do: each engine is handed text that is already
// lower-case, folded and split into words, and sees one token per word.
//
// A word is a run of letters, digits and combining marks. Three things make a word more than that:
// a trailing run of + or # (c++, c#, f#), a leading dot before a letter (.net), each spelt out
// (cplusplus, csharp, dotnet) so that no engine drops them; a run of a script written without
// spaces is cut into words: Chinese and Japanese characters are a word each (a query's run of them
// is then a phrase, so 東京 finds 東京タワー, which a dictionary keeps as one word), Thai, Lao, Khmer
// and Myanmar are cut by Intl.Segmenter's dictionaries; and
// folding, as PostgreSQL's unaccent does: compatibility forms (ligatures, full-width, superscripts)
// decomposed, accents taken off Latin and Greek letters, and letters without a decomposition
// (ø, ß, æ, œ, ł, đ, þ …) spelt out in ASCII. Inner punctuation splits words, so node.js is the
// phrase "node js" and github.com the phrase "github com", on both sides.

/** MAX_TERM is the longest term kept (longer ones are cut): PostgreSQL refuses lexemes over 2 KB. */
export const MAX_TERM = 100;

// A word, or .word, or word++/word#: a dot counts before a word, + and # after one and before no
// letter (C++20 is c++ and 20, a+b is a and b).
const TOKEN = /(?<![\p{L}\p{N}\p{M}.])\.(?=\p{L})[\p{L}\p{N}\p{M}]+|[\p{L}\p{N}\p{M}]+(?:[+#]+(?![\p{L}\p{M}+#]))?/gu;
const ASCII_WORD = /^[a-zA-Z0-9]+$/;
// What separates terms after folding: besides punctuation, numbers other than digits (৴, 𐄇; most
// others, ² or ①, fold to digits) and marks that begin a term, which PostgreSQL's parser drops
// (it asks the C library what a letter is) while FTS5 keeps them.
const NON_WORD = /[^\p{L}\p{Nd}\p{Nl}\p{M}]+\p{M}*|^\p{M}+/u;
const UNSPACED = /[\p{sc=Han}\p{sc=Hiragana}\p{sc=Katakana}\u30fc\p{sc=Thai}\p{sc=Lao}\p{sc=Khmer}\p{sc=Myanmar}]/u;
// One Chinese or Japanese character (with its marks), or a run of anything else.
const CJK_PIECES = /[\p{sc=Han}\p{sc=Hiragana}\p{sc=Katakana}\u30fc]\p{M}*|[^\p{sc=Han}\p{sc=Hiragana}\p{sc=Katakana}\u30fc]+/gu;
const CJK = /^[\p{sc=Han}\p{sc=Hiragana}\p{sc=Katakana}\u30fc]/u;
const SEGMENTED = /[\p{sc=Thai}\p{sc=Lao}\p{sc=Khmer}\p{sc=Myanmar}]/u;
// Combining accents on a Latin or Greek letter, and ё's diaeresis (as unaccent); other scripts'
// marks are part of their letters (й, Indic vowel signs).
const ACCENTS = /([\p{sc=Latin}\p{sc=Greek}])[\u0300-\u036f]+|(?<=е)\u0308/gu;

/** Letters without a Unicode decomposition, spelt as PostgreSQL's unaccent.rules spells them (lower case). */
const SPELLED: Record<string, string> = Object.fromEntries((
  'æae ðd øo þth ßss đd ħh ıi ĸq łl ŋn œoe ŧt ƀb ɓb ƃb ƈc ɖd ɗd ƌd ɛe ƒf ɠg ' +
  'ƕhv ɩi ɨi ƙk ƚl ɲn ƞn ƣoi ƥp ƫt ƭt ʈt ʋv ƴy ƶz ǥg ȡd ȥz ȴl ȵn ȶt ȷj ȸdb ' +
  'ȹqp ⱥa ȼc ⱦt ȿs ɀz ʉu ɇe ɉj ɍr ɏy ɕc ɟj ɡg ɢg ɦh ɧh ɪi ɫl ɬl ɭl ɱm ɳn ' +
  'ɴn ɶoe ɼr ɽr ɾr ʀr ʂs ʏy ʐz ʑz ʙb ʛg ʜh ʝj ʟl ʠq ʣdz ʥdz ʦts ʪls ʫlz ёе ' +
  'ᴀa ᴁae ᴃb ᴄc ᴅd ᴆd ᴇe ᴊj ᴋk ᴌl ᴍm ᴏo ᴘp ᴛt ᴜu ᴠv ᴡw ᴢz ' +
  'ᵫue ᵬb ᵭd ᵮf ᵯm ᵰn ᵱp ᵲr ᵳr ᵴs ᵵt ᵶz ᵺth ᵻi ᵽp ᵾu ᶀb ᶁd ' +
  'ᶂf ᶃg ᶄk ᶅl ᶆm ᶇn ᶈp ᶉr ᶊs ᶌv ᶍx ᶎz ᶏa ᶑd ᶒe ᶓe ᶖi ᶙu ẜs ' +
  'ẝs ỻll ỽv ỿy ⱡl ⱨh ⱪk ⱬz ⱱv ⱳw ⱴv ⱸe ⱺo ꜰf ꜱs ꜳaa ꜵao ꜷau ' +
  'ꜹav ꜻav ꜽay ꝁk ꝃk ꝅk ꝇl ꝉl ꝋo ꝍo ꝏoo ꝑp ꝓp ꝕp ꝗq ꝙq ꝟv ꝡvy ' +
  'ꝥth ꝧth ꝱd ꝲl ꝳm ꝴn ꝵr ꝶr ꝷt ꝺd ꝼf ꞇt ꞑn ꞓc ꞡg ꞣk ꞥn ꞧr ' +
  'ꞩs ')
  .split(' ').filter(Boolean).map((p) => { const c = String.fromCodePoint(p.codePointAt(0)!); return [c, p.slice(c.length)]; }),
);
SPELLED['ς'] = 'σ'; // final sigma: the same letter as σ
SPELLED['\u0345'] = 'ι'; // the iota subscript on its own, which FTS5 folds to ι
const SPELLED_CHARS = new RegExp(`[${Object.keys(SPELLED).join('')}]`, 'gu');

const segmenter = new Intl.Segmenter('und', { granularity: 'word' });

/** foldWord is a word as it is indexed and searched: lower case, without accents, ligatures or special letters. */
export function foldWord(w: string): string {
  if (ASCII_WORD.test(w)) return w.toLowerCase();
  return w.normalize('NFKD').toLowerCase().replace(ACCENTS, '$1').replace(SPELLED_CHARS, (c) => SPELLED[c]).normalize('NFC');
}

/** Emit receives one term and where in the text it comes from (a word folded into several terms gives each the same span). */
export type Emit = (term: string, start: number, end: number) => void;

/** scanTerms calls emit with each term of a text, in order. */
export function scanTerms(text: string, emit: Emit): void {
  for (const m of text.matchAll(TOKEN)) {
    const word = m[0];
    const start = m.index!;
    const dot = word.startsWith('.');
    const symbols = /[+#]+$/.exec(word)?.[0] ?? '';
    const core = word.slice(dot ? 1 : 0, word.length - symbols.length);
    const suffix = symbols.replace(/./g, (c) => (c === '+' ? 'plus' : 'sharp'));
    const parts = UNSPACED.test(core) ? segments(core, start + (dot ? 1 : 0)) : [[core, start + (dot ? 1 : 0)] as const];
    const terms: [string, number, number][] = [];
    for (const [part, at] of parts) {
      const folded = foldWord(part);
      for (const t of ASCII_WORD.test(folded) ? [folded] : folded.split(NON_WORD)) if (t) terms.push([t, at, at + part.length]);
    }
    if (terms.length === 0) continue;
    if (dot) { terms[0][0] = `dot${terms[0][0]}`; terms[0][1] = start; }
    if (suffix) { terms.at(-1)![0] += suffix; terms.at(-1)![2] = start + word.length; }
    for (const [t, s, e] of terms) emit(cut(t), s, e);
  }
}

/** segments cuts a run of letters that contains unspaced script into words, each with its offset in the text. */
function segments(run: string, offset: number): (readonly [string, number])[] {
  const out: [string, number][] = [];
  for (const m of run.matchAll(CJK_PIECES)) {
    const at = offset + m.index!;
    if (CJK.test(m[0]) || !SEGMENTED.test(m[0])) out.push([m[0], at]);
    else for (const s of segmenter.segment(m[0])) if (s.isWordLike) out.push([s.segment, at + s.index]);
  }
  return out;
}

/** cut keeps a term to MAX_TERM UTF-16 units, never splitting a surrogate pair. */
function cut(t: string): string {
  if (t.length <= MAX_TERM) return t;
  const n = /[\uD800-\uDBFF]/.test(t[MAX_TERM - 1]) ? MAX_TERM - 1 : MAX_TERM;
  return t.slice(0, n);
}

/** termsOf lists a text's terms in order. */
export function termsOf(text: string): string[] {
  const out: string[] = [];
  scanTerms(text, (t) => out.push(t));
  return out;
}

/** indexedText is a text as the index is given it: its terms, separated by spaces. */
export function indexedText(text: string): string {
  return termsOf(text).join(' ');
}
