// The snippet of a search hit, cut from the item's own text (itemSearchText) in TypeScript, the
// same on both stores: the index holds folded terms (search-terms.ts), which a reader should
// never see, so neither engine's snippet function can show the original words.
import type { Phrase, SearchQuery } from './search-query.js';
import { scanTerms } from '../../text/search-terms.js';
import { SNIPPET_CLOSE, SNIPPET_OPEN } from '../contract.js';

/** SNIPPET_TERMS is how many words a snippet shows at most, as SQLite's snippet(…, 16) did. */
export const SNIPPET_TERMS = 16;

interface Token {
  term: string;
  start: number;
  end: number;
  marked: boolean;
}

/** Marked is a text's tokens with the query's matches marked, and how many distinct phrases matched. */
interface Marked {
  text: string;
  tokens: Token[];
  phrases: number;
}

const matches = (q: Phrase[number], term: string) => (q.prefix ? term.startsWith(q.term) : term === q.term);

/** mark finds every occurrence of every phrase of the query in a text. */
function mark(text: string, phrases: readonly Phrase[]): Marked {
  const tokens: Token[] = [];
  scanTerms(text, (term, start, end) => tokens.push({ term, start, end, marked: false }));
  let hit = 0;
  for (const p of phrases) {
    let found = false;
    for (let i = 0; i + p.length <= tokens.length; i++) {
      if (!p.every((q, k) => matches(q, tokens[i + k].term))) continue;
      for (let k = 0; k < p.length; k++) tokens[i + k].marked = true;
      found = true;
    }
    if (found) hit++;
  }
  return { text, tokens, phrases: hit };
}

/**
 * snippetOf shows where a hit matched: the title or the body, whichever matched more of the
 * query's phrases (the title on a tie), whole when it has at most SNIPPET_TERMS words, else cut to
 * that many words around the best-matching stretch with '…' where text was left out, every
 * matched word between SNIPPET_OPEN and SNIPPET_CLOSE.
 */
export function snippetOf(text: { title: string; body: string }, q: SearchQuery): string {
  const phrases = q.any.flat();
  const title = mark(text.title, phrases);
  const body = mark(text.body, phrases);
  const m = title.phrases >= body.phrases && (title.phrases > 0 || !text.body) ? title : body;
  const n = m.tokens.length;
  if (n <= SNIPPET_TERMS) return render(m, 0, n);
  // The window with the most phrases, then the most marked words; the earliest of equals.
  const score = (s: number) => {
    let marked = 0;
    for (let i = s; i < s + SNIPPET_TERMS; i++) if (m.tokens[i].marked) marked++;
    return marked === 0 ? 0 : distinct(m, phrases, s) * 100 + marked;
  };
  let best = 0;
  let bestScore = -1;
  for (let s = 0; s + SNIPPET_TERMS <= n; s++) {
    const sc = score(s);
    if (sc > bestScore) {
      best = s;
      bestScore = sc;
    }
  }
  // Centre the window on its matches, so that a match shows with words on both sides.
  let first = best,
    last = best + SNIPPET_TERMS - 1;
  while (first < last && !m.tokens[first].marked) first++;
  while (last > first && !m.tokens[last].marked) last--;
  const start = Math.max(0, Math.min(n - SNIPPET_TERMS, Math.floor((first + last) / 2) - Math.floor((SNIPPET_TERMS - 1) / 2)));
  return render(m, start, start + SNIPPET_TERMS);
}

/** distinct counts the phrases that match wholly inside the window of SNIPPET_TERMS words from s. */
function distinct(m: Marked, phrases: readonly Phrase[], s: number): number {
  let n = 0;
  for (const p of phrases) {
    for (let i = s; i + p.length <= s + SNIPPET_TERMS; i++) {
      if (p.every((q, k) => matches(q, m.tokens[i + k].term))) {
        n++;
        break;
      }
    }
  }
  return n;
}

/** render is the text of tokens [from, to), with the text around them when nothing is left out there, and the marks. */
function render(m: Marked, from: number, to: number): string {
  const { text, tokens } = m;
  if (tokens.length === 0) return text;
  const begin = from === 0 ? 0 : tokens[from].start;
  const end = to === tokens.length ? text.length : tokens[to - 1].end;
  let out = from === 0 ? '' : '…';
  let at = begin;
  let open = false;
  for (let i = from; i < to; i++) {
    const t = tokens[i];
    if (t.start < at) continue; // a further term of a word already written
    // A mark runs on over words that touch (東京, one character a term); a space closes it.
    if (open && (!t.marked || t.start > at)) {
      out += SNIPPET_CLOSE;
      open = false;
    }
    out += text.slice(at, t.start);
    let marked = t.marked;
    for (let j = i + 1; j < to && tokens[j].start === t.start; j++) marked ||= tokens[j].marked;
    if (marked && !open) {
      out += SNIPPET_OPEN;
      open = true;
    }
    out += text.slice(t.start, t.end);
    at = t.end;
  }
  if (open) out += SNIPPET_CLOSE;
  out += text.slice(at, end);
  return to === tokens.length ? out : `${out}…`;
}
