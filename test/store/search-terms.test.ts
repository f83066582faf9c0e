// The terms of full-text search (search-terms.ts): one fold and one split for indexed text and
// queries on both engines, and scanTerms (the snippets' positions) agreeing with indexedText.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { indexedText, scanTerms, termsOf } from '../../src/text/search-terms.js';

const scanned = (text: string) => {
  const out: string[] = [];
  scanTerms(text, (t) => out.push(t));
  return out;
};

describe('search terms', () => {
  it.each([
    ['C++ and C# and .NET, F#, g++', 'cplusplus and csharp and dotnet f sharp gplusplus'.replace('f sharp', 'fsharp')],
    [
      'C++20, C#/.NET, issue#12, a+b, x+1, node.js, github.com, (.net)',
      'cplusplus 20 csharp dotnet issue 12 a b xplus 1 node js github com dotnet',
    ],
    ['Søren Straße æon œuvre ﬁnal Łódź Þór ÆON', 'soren strasse aeon oeuvre final lodz thor aeon'],
    ['Ελληνικά άρθρα ΟΔΟΣ', 'ελληνικα αρθρα οδοσ'],
    ['東京タワーの話', '東 京 タ ワ ー の 話'],
    ['ภาษาไทยง่ายนิดเดียว', 'ภาษา ไทย ง่าย นิด เดียว'],
    ['Привет, ёлка и йод', 'привет елка и йод'],
    ['“Quoted” — dash… x² ½ İstanbul', 'quoted dash x2 1 2 istanbul'],
  ])('turns %j into %j', (text, terms) => {
    expect(indexedText(text)).toBe(terms);
    expect(scanned(text)).toStrictEqual(terms.split(' '));
  });

  it('cuts a term at 100 characters, on both paths', () => {
    expect(termsOf(`${'a'.repeat(150)} b`)).toStrictEqual(['a'.repeat(100), 'b']);
    expect(termsOf(`${'é'.repeat(150)} b`)).toStrictEqual(['e'.repeat(100), 'b']);
  });

  it('gives the snippets the very terms it indexes, whatever the text', () => {
    const atoms = [
      'a',
      'B',
      'c',
      '1',
      ' ',
      '.',
      '+',
      '#',
      '-',
      '/',
      'é',
      'Ø',
      'ß',
      'ﬁ',
      '東',
      'タ',
      'ー',
      'ไทย',
      'ภาษา',
      'Σ',
      'ς',
      '\u0301',
      '²',
      '৴',
      '“',
      '…',
      '\u00a0',
      'İ',
      'й',
      'ё',
      '\u200d',
      'net',
      'js',
    ];
    fc.assert(
      fc.property(
        fc.array(fc.constantFrom(...atoms), { maxLength: 12 }).map((a) => a.join('')),
        (text) => {
          expect([text, scanned(text)]).toStrictEqual([text, termsOf(text)]);
        },
      ),
      { numRuns: 3000, seed: 21 },
    );
  });
});
