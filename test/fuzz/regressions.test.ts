// Every input the fuzzers ever broke a reader with, replayed with the same checks. Inputs whose
// fix is still pending are listed in OPEN: their test asserts that the check still fails, so
// the day the parser is fixed it turns red and the entry moves to the fixed ones.
import fs from 'node:fs';
import { describe, expect, it } from 'vitest';
import { fixture } from '../helpers.js';
import { checkFeed, checkOpml, KNOWN_OPEN } from './checks.js';

const OPEN: Record<string, { open: boolean; what: string }> = {
  // Fixed: feed-json-reason-spans-lines.bin (a JSON reason quoting the input's newlines, 8cf1537).
  'opml-root-name-unbounded.bin': { open: KNOWN_OPEN.opmlRootName, what: 'src/opml/read.ts: "root element is <…>" quotes a 1,000-character garbage name' },
};
const dir = fixture('fuzz');
const files = fs.existsSync(dir) ? fs.readdirSync(dir).filter((f) => f.endsWith('.bin')).sort() : [];
const check = (name: string) => {
  const bytes = new Uint8Array(fs.readFileSync(fixture('fuzz', name)));
  return name.startsWith('opml') ? checkOpml(bytes, true) : checkFeed(bytes);
};

describe('inputs found by fuzzing', () => {
  it.each(files.filter((f) => !OPEN[f]?.open))('%s is read within every bound', (name) => check(name));

  it.each(files.filter((f) => OPEN[f]?.open))('%s still fails its check (open finding, fix pending)', (name) => {
    expect(() => check(name), OPEN[name].what).toThrow();
  });

  it('has a fixture for every open finding', () => {
    for (const name of Object.keys(OPEN)) expect(files).toContain(name);
  });
});
