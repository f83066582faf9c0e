import { tokenizeCased } from './tokenize.js';

function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = Math.imul(a ^ (a >>> 15), a | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * partialCopies returns `copies` versions of a text that each keep a random half of its words
 * (in order; fixed seed, so training stays deterministic). Trained beside the text, they teach a
 * model that the text's words each point to its label, not only the whole text: a linear model
 * can otherwise fit a lone example by its rare word pairs and learn nothing that carries over.
 */
export function partialCopies(text: string, copies: number, seed: number): string[] {
  const tokens = tokenizeCased(text);
  const rand = rng(seed);
  return Array.from({ length: copies }, () => tokens.filter(() => rand() < 0.5).join(' '));
}
