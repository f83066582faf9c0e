// The words of full-text search, made in TypeScript so that SQLite and PostgreSQL index and query
// the very same terms whatever their own tokenizers do: each engine is handed text that is already
// lower-case, folded and split into words, and sees one token per word.
//
// A word is a run of letters, digits and combining marks, with three more rules:
// - a trailing run of + or # (c++, c#, f#) and a leading dot before a letter (.net) are spelt out
//   (cplusplus, csharp, dotnet), so that no engine drops them;
// - a run of a script written without spaces is cut into words: Chinese and Japanese characters
//   are a word each (a query's run of them is then a phrase, so 東京 finds 東京タワー, which a
//   dictionary keeps as one word); Thai, Lao, Khmer and Myanmar are cut by Intl.Segmenter;
// - words are folded as PostgreSQL's unaccent folds them: compatibility forms (ligatures,
//   full-width, superscripts) decomposed, accents taken off Latin and Greek letters, and letters
//   without a decomposition (ø, ß, æ, œ, ł, đ, þ …) spelt out in ASCII.
// Inner punctuation splits words, so node.js is the phrase "node js" and github.com "github com".

/** MAX_TERM is the longest term kept (longer ones are cut): PostgreSQL refuses lexemes over 2 KB. */
export const MAX_TERM = 100;

// A word, or .word, or word++/word#: a dot counts before a word, + and # after one and before no
// letter, # before no digit either (C++20 is c++ and 20, issue#12 is issue and 12, a+b is a and b).
const TOKEN = /(?:(?<![\p{L}\p{N}\p{M}.])\.(?=\p{L}))?[\p{L}\p{N}\p{M}]+(?:\++(?![\p{L}\p{M}+#])|[+#]*#[+#]*(?![\p{L}\p{N}\p{M}+#]))?/gu;
const ASCII_TEXT = /^[\x00-\x7f]*$/;
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
const SPELLED: Record<string, string> = Object.fromEntries(
  (
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
    'ꞩs '
  )
    .split(' ')
    .filter(Boolean)
    .map((p) => {
      const c = String.fromCodePoint(p.codePointAt(0)!);
      return [c, p.slice(c.length)];
    }),
);
SPELLED['ς'] = 'σ'; // final sigma: the same letter as σ
SPELLED['\u0345'] = 'ι'; // the iota subscript on its own, which FTS5 folds to ι
const SPELLED_CHARS = new RegExp(`[${Object.keys(SPELLED).join('')}]`, 'gu');

const segmenter = new Intl.Segmenter('und', { granularity: 'word' });

/** foldWord is a word as it is indexed and searched: lower case, without accents, ligatures or special letters. */
export function foldWord(w: string): string {
  if (ASCII_TEXT.test(w)) return w.toLowerCase();
  // One kana or unified ideograph, as Chinese and Japanese text is cut: no folding changes it.
  if (
    w.length === 1 &&
    ((w >= '\u3041' && w <= '\u3096') || (w >= '\u30a1' && w <= '\u30fa') || w === '\u30fc' || (w >= '\u4e00' && w <= '\u9fff'))
  )
    return w;
  return w
    .normalize('NFKD')
    .toLowerCase()
    .replace(ACCENTS, '$1')
    .replace(SPELLED_CHARS, (c) => SPELLED[c])
    .normalize('NFC');
}

/** Emit receives one term and where in the text it comes from (a word folded into several terms gives each the same span). */
export type Emit = (term: string, start: number, end: number) => void;

/** scanTerms calls emit with each term of a text, in order. */
export function scanTerms(text: string, emit: Emit): void {
  for (const m of text.matchAll(TOKEN)) {
    const word = m[0];
    const start = m.index;
    const dot = word.startsWith('.');
    const symbols = /[+#]+$/.exec(word)?.[0] ?? '';
    const core = word.slice(dot ? 1 : 0, word.length - symbols.length);
    const suffix = symbols.replace(/./g, (c) => (c === '+' ? 'plus' : 'sharp'));
    const parts = UNSPACED.test(core) ? segments(core, start + (dot ? 1 : 0)) : [[core, start + (dot ? 1 : 0)] as const];
    const terms: [string, number, number][] = [];
    let cleanStart = true,
      cleanEnd = true; // whether the folded word begins and ends with a term, not a separator
    parts.forEach(([part, at], k) => {
      const pieces = foldWord(part).split(NON_WORD);
      if (k === 0) cleanStart = pieces[0] !== '';
      if (k === parts.length - 1) cleanEnd = pieces.at(-1) !== '';
      for (const t of pieces) if (t) terms.push([t, at, at + part.length]);
    });
    const end = start + word.length;
    // The spelt symbols join the word's first or last term, unless that is cut off from them: by
    // a script written without spaces (東京#), or by a character that folds to nothing.
    if (dot && (!terms.length || !cleanStart || UNSPACED.test(core[0]))) terms.unshift(['dot', start, start + 1]);
    else if (dot) {
      terms[0][0] = `dot${terms[0][0]}`;
      terms[0][1] = start;
    }
    if (suffix && (!terms.length || !cleanEnd || UNSPACED.test(lastChar(core)))) terms.push([suffix, end - symbols.length, end]);
    else if (suffix) {
      terms.at(-1)![0] += suffix;
      terms.at(-1)![2] = end;
    }
    for (const [t, s, e] of terms) emit(cut(t), s, e);
  }
}

/** segments cuts a run of letters that contains unspaced script into words, each with its offset in the text. */
function segments(run: string, offset: number): (readonly [string, number])[] {
  const out: [string, number][] = [];
  for (const m of run.matchAll(CJK_PIECES)) {
    const at = offset + m.index;
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

// indexedText's whole-text passes, the same rules as TOKEN's: a leading dot, a trailing + or # run.
const ASCII_SYMBOLS = /\.(?<=(?:^|[^A-Za-z0-9.])\.)(?=[A-Za-z])|[+#]+(?<=[A-Za-z0-9][+#]+)(?![A-Za-z+#])/g;
// The symbol first and the look-behind after it: a pattern that starts with a look-behind is tried
// at every position of the text, twenty times slower.
const SYMBOLS = /\.(?<=(?:^|[^\p{L}\p{N}\p{M}.])\.)(?=\p{L})|[+#]+(?<=[\p{L}\p{N}\p{M}][+#]+)(?![\p{L}\p{M}+#])/gu;
/** spell spells out a leading dot or a trailing + or # run; a run with # before a digit (issue#12) is not one. */
function spell(m: string, at: number, text: string): string {
  // Next to a script written without spaces the spelling is a word of its own (東京# is 東 京 sharp).
  if (m === '.') return UNSPACED.test(text[at + 1]) ? 'dot ' : 'dot';
  if (m.includes('#') && /\p{N}/u.test(text[at + m.length] ?? '')) return m;
  const spelt = m.replace(/./g, (c) => (c === '+' ? 'plus' : 'sharp'));
  return UNSPACED.test(lastChar(text.slice(Math.max(0, at - 8), at))) ? ` ${spelt} ` : `${spelt} `;
}

/** lastChar is a text's last character, with the mark it may end on left out. */
function lastChar(s: string): string {
  return /(\P{M})\p{M}*$/u.exec(s)?.[1] ?? '';
}
const CJK_CHAR = /[\p{sc=Han}\p{sc=Hiragana}\p{sc=Katakana}\u30fc]\p{M}*/gu;
const SEGMENTED_RUN = /[\p{L}\p{N}\p{M}]*[\p{sc=Thai}\p{sc=Lao}\p{sc=Khmer}\p{sc=Myanmar}][\p{L}\p{N}\p{M}]*/gu;
// ASCII punctuation and spaces, Latin-1's (not ª º µ ¹ ² ³ ¼ ½ ¾, which fold to letters or digits),
// and General Punctuation's (spaces, dashes, quotes, …, joiners): never part of a term.
const SEPARATORS = /[\x00-\x2f\x3a-\x40\x5b-\x60\x7b-\x7f\u00a0-\u00a9\u00ab-\u00b1\u00b4\u00b6-\u00b8\u00bb\u00bf\u2000-\u206f]+/g;
const NON_ASCII_WORD = /(?<![^ ])[\x00-\x1f\x21-\x7f]*[^\x00-\x7f][^ ]*/g;
const LONG_TERM = /[^ ]{101,}/g;
// A cheap first look for UNSPACED's scripts (Thai to Myanmar, Khmer, kana, CJK ideographs, astral planes).
const MAYBE_UNSPACED = /[\u0e00-\u109f\u1780-\u17ff\u3040-\u30ff\u3400-\u9fff\uf900-\ufaff\ud840-\ud8bf]/;

/**
 * indexedText is a text as the index is given it, and as a query's words are read: its terms,
 * separated by spaces. The same terms as scanTerms gives, made with a few passes over the whole
 * text instead of one word at a time (a crawl indexes every item it stores; this is several
 * times cheaper), and most texts are plain ASCII, which takes the fastest of them.
 */
export function indexedText(text: string): string {
  if (ASCII_TEXT.test(text)) {
    const s = text
      .replace(ASCII_SYMBOLS, spell)
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, ' ')
      .trim();
    return s.length > MAX_TERM ? s.replace(LONG_TERM, cut) : s;
  }
  let s = text.replace(SYMBOLS, spell);
  if (MAYBE_UNSPACED.test(s) && UNSPACED.test(s)) {
    s = s.replace(CJK_CHAR, ' $& ');
    if (SEGMENTED.test(s))
      s = s.replace(SEGMENTED_RUN, (run) =>
        segments(run, 0)
          .map(([w]) => w)
          .join(' '),
      );
  }
  // Common separators become spaces, then only the words with other characters are folded and
  // split: a Unicode class or a normalization costs several times an ASCII test per character,
  // and most words, even in text with accents or curly quotes, are ASCII.
  s = s.toLowerCase().replace(SEPARATORS, ' ');
  if (!ASCII_TEXT.test(s)) s = s.replace(NON_ASCII_WORD, (w) => foldWord(w).split(NON_WORD).join(' ')).replace(/  +/g, ' ');
  s = s.trim();
  return s.length > MAX_TERM ? s.replace(LONG_TERM, cut) : s;
}

/** termsOf lists a text's terms in order (indexedText's, split). */
export function termsOf(text: string): string[] {
  const s = indexedText(text);
  return s ? s.split(' ') : [];
}
