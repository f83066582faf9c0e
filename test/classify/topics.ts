// Labelled headlines for the classifier tests, made from topic vocabularies with a fixed seed:
// every sentence mixes topic words with common words shared by all topics, so a model must weigh
// evidence rather than match a single keyword.
const TOPICS: Record<string, string[]> = {
  sports: [
    'match',
    'goal',
    'league',
    'coach',
    'season',
    'striker',
    'tennis',
    'final',
    'score',
    'referee',
    'championship',
    'team',
    'injury',
    'playoffs',
    'stadium',
  ],
  technology: [
    'software',
    'chip',
    'startup',
    'browser',
    'kernel',
    'smartphone',
    'cloud',
    'server',
    'encryption',
    'developer',
    'algorithm',
    'robot',
    'laptop',
    'network',
    'app',
  ],
  cooking: [
    'recipe',
    'oven',
    'garlic',
    'flour',
    'simmer',
    'butter',
    'sauce',
    'bake',
    'chef',
    'roast',
    'spices',
    'dough',
    'pasta',
    'kitchen',
    'salad',
  ],
};
const COMMON = ['the', 'new', 'after', 'week', 'big', 'why', 'how', 'report', 'first', 'says', 'year', 'people', 'best', 'plan', 'today'];

function rng(seed: number) {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = Math.imul(a ^ (a >>> 15), a | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** headlines returns n labelled sentences per topic; a different seed gives held-out rows. */
export function headlines(n: number, seed: number): { label: string; title: string; description: string }[] {
  const r = rng(seed);
  const pick = (xs: string[]) => xs[Math.floor(r() * xs.length)];
  const rows = [];
  for (let k = 0; k < n; k++) {
    for (const [label, words] of Object.entries(TOPICS)) {
      const sentence = (len: number) => Array.from({ length: len }, () => (r() < 0.35 ? pick(words) : pick(COMMON))).join(' ');
      rows.push({ label, title: sentence(5), description: sentence(12) });
    }
  }
  return rows;
}

/**
 * ESPORTS is a kind of item no folder holds: its own words, with a few technology words mixed in,
 * so a model trained on folders calls it technology, while a reader who follows it wants sports.
 */
export const ESPORTS = ['esports', 'gamers', 'speedrun', 'clan', 'twitch', 'headset', 'respawn', 'frag', 'lan', 'scrim'];

/** esportsHeadlines returns n sentences that mix esports words, technology words and the common ones. */
export function esportsHeadlines(n: number, seed: number): { title: string; description: string }[] {
  const r = rng(seed);
  const pick = (xs: string[]) => xs[Math.floor(r() * xs.length)];
  const word = () => {
    const x = r();
    return x < 0.1 ? pick(TOPICS.technology) : x < 0.45 ? pick(ESPORTS) : pick(COMMON);
  };
  const sentence = (len: number) => Array.from({ length: len }, word).join(' ');
  return Array.from({ length: n }, () => ({ title: sentence(5), description: sentence(12) }));
}

/** csv renders rows with a header, quoting every field. */
export function csv(rows: Record<string, string>[]): string {
  const cols = Object.keys(rows[0]);
  const q = (s: string) => `"${s.replace(/"/g, '""')}"`;
  return [cols.join(','), ...rows.map((r) => cols.map((c) => q(r[c])).join(','))].join('\n') + '\n';
}
