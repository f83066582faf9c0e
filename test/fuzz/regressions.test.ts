// Every input the fuzzers ever broke a reader with, replayed with the same checks. Inputs whose
// fix is still pending are listed in OPEN: their test asserts that the check still fails, so
// the day the parser is fixed it turns red and the entry moves to the fixed ones.
import fs from 'node:fs';
import { describe, expect, it } from 'vitest';
import { fixture } from '../helpers.js';
import { checkFeed, checkOpml, KNOWN_OPEN_JSON_REASON } from './checks.js';

const OPEN: Record<string, string> = {
  'feed-json-reason-spans-lines.bin': 'src/parse/json-feed.ts: the "not valid JSON (…)" reason quotes the input, newlines included',
};
const dir = fixture('fuzz');
const files = fs.existsSync(dir) ? fs.readdirSync(dir).filter((f) => f.endsWith('.bin')).sort() : [];
const check = (name: string) => {
  const bytes = new Uint8Array(fs.readFileSync(fixture('fuzz', name)));
  return name.startsWith('opml') ? checkOpml(bytes) : checkFeed(bytes, true);
};

describe('inputs found by fuzzing', () => {
  it.each(files.filter((f) => !OPEN[f]))('%s is read within every bound', (name) => check(name));

  it.each(files.filter((f) => OPEN[f]))('%s still fails its check (open: fix pending in src/parse)', (name) => {
    expect(KNOWN_OPEN_JSON_REASON).toBe(true);
    expect(() => check(name)).toThrow();
  });

  it('has a fixture for every open finding', () => {
    for (const name of Object.keys(OPEN)) expect(files).toContain(name);
  });
});
