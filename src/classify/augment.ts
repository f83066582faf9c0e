import { rng } from './nbsvm.js';
import { tokenizeCased } from './tokenize.js';

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
