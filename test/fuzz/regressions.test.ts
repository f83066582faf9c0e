// Every input the fuzzers ever broke a reader with, replayed with the same checks. Fixed so far:
// feed-json-reason-spans-lines.bin (a JSON reason quoting the input's newlines, 8cf1537) and
// opml-root-name-unbounded.bin (an OPML refusal quoting a 1,000-character garbage root name).
import fs from 'node:fs';
import { describe, expect, it } from 'vitest';
import { fixture } from '../helpers.js';
import { checkFeed, checkOpml } from './checks.js';

const dir = fixture('fuzz');
const files = fs.existsSync(dir)
  ? fs
      .readdirSync(dir)
      .filter((f) => f.endsWith('.bin'))
      .sort()
  : [];
const check = (name: string) => {
  const bytes = new Uint8Array(fs.readFileSync(fixture('fuzz', name)));
  return name.startsWith('opml') ? checkOpml(bytes) : checkFeed(bytes);
};

describe('inputs found by fuzzing', () => {
  it('has the findings to replay', () => expect(files.length).toBeGreaterThanOrEqual(2));

  it.each(files)('%s is read within every bound', (name) => check(name));
});
