// The OPML reader on mutated OPML fixtures: it returns a list or refuses with a one-line
// InputError, never anything else, within bounds.
import { describe, expect, it } from 'vitest';
import { checkOpml } from './checks.js';
import { corpus, fuzz, FUZZ } from './mutate.js';

describe('the OPML reader under fuzzing', () => {
  it(
    'never throws anything but a one-line InputError, on mutated OPML fixtures',
    () => {
      const runs = fuzz('opml', corpus('opml'), checkOpml);
      expect(runs).toBeGreaterThan(0);
    },
    (FUZZ.seconds + 60) * 1000,
  );
});
