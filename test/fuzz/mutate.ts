// Mutation fuzzing over the fixture corpus: fast-check draws a fixture and a list of byte-level
// mutations (truncation, hostile tokens, NULs, random UTF-8/UTF-16, deep nesting, huge
// attributes…), and each property checks that a reader never throws, stays within time and size
// bounds, and answers one of its declared outcomes. FUZZ_RUNS / FUZZ_SECONDS / FUZZ_SEED lengthen
// or replay a run (scripts/fuzz.mjs); FUZZ_SAVE=1 writes each shrunk counterexample to
// test/fixtures/fuzz/ so that it becomes a regression fixture.
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import fc from 'fast-check';
import { FIXTURES } from '../helpers.js';

/** corpus reads every fixture file under these folders of test/fixtures (expected outputs left out). */
export function corpus(...dirs: string[]): { name: string; bytes: Uint8Array }[] {
  const out: { name: string; bytes: Uint8Array }[] = [];
  const walk = (d: string) => {
    for (const e of fs.readdirSync(d, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
      const p = path.join(d, e.name);
      if (e.isDirectory()) walk(p);
      else if (!e.name.endsWith('.expected.json'))
        out.push({ name: path.relative(FIXTURES, p), bytes: new Uint8Array(fs.readFileSync(p)) });
    }
  };
  for (const d of dirs) walk(path.join(FIXTURES, d));
  return out;
}

const utf8 = (s: string) => new Uint8Array(Buffer.from(s, 'utf8'));
const utf16 = (units: number[], le: boolean) => {
  const b = Buffer.alloc(units.length * 2);
  units.forEach((u, k) => (le ? b.writeUInt16LE(u, 2 * k) : b.writeUInt16BE(u, 2 * k)));
  return new Uint8Array(b);
};

// Tokens that break XML, OPML and JSON in the ways real and hostile documents do.
const TOKENS = [
  '&',
  '<',
  '>',
  ']]>',
  '\0',
  '<![CDATA[',
  '&#0;',
  '&#xD800;',
  '&#x110000;',
  '&#99999999999;',
  '&amp',
  '&nbsp;',
  '&bogus;',
  '<!--',
  '-->',
  '"',
  "'",
  '=',
  '</item>',
  '<item>',
  '</entry>',
  '<entry>',
  '</channel>',
  '</outline>',
  '<outline xmlUrl="',
  '</opml>',
  '<?xml version="1.0" encoding="utf-16"?>',
  '<?xml version="1.0" encoding="x-bogus"?>',
  '\uFEFF',
  '\r',
  '\u2028',
  '{',
  '}',
  '[',
  '"items":',
  '<!DOCTYPE rss [<!ENTITY e "x&e2;"><!ENTITY e2 "&e;">]>',
  '&e;',
  '<!DOCTYPE rss [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;"><!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;"><!ENTITY d "&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;">]>',
  '&d;',
  '<!DOCTYPE rss [<!ENTITY x SYSTEM "file:///etc/passwd">]>',
  '&x;',
  ' xml:base="javascript:alert(1)"',
  ' href="javascript:alert(1)"',
  '<script>alert(1)</script>',
  '<div xmlns="http://www.w3.org/1999/xhtml">',
  ' type="xhtml"',
  ' mode="base64"',
  '<a:b:c>',
  'xmlns:="x"',
];

/** Mutation is one edit of a document's bytes; positions are fractions of the current length. */
export type Mutation =
  | { op: 'truncate'; at: number }
  | { op: 'insert'; at: number; bytes: Uint8Array }
  | { op: 'delete'; at: number; len: number }
  | { op: 'repeat'; at: number; len: number; times: number }
  | { op: 'flip'; at: number; byte: number }
  | { op: 'nest'; at: number; depth: number; tag: string }
  | { op: 'hugeAttr'; at: number; size: number }
  | { op: 'wide'; le: boolean; bom: boolean };

const at = fc.double({ min: 0, max: 1, noNaN: true });
const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  { weight: 2, arbitrary: fc.record({ op: fc.constant('truncate' as const), at }) },
  { weight: 6, arbitrary: fc.record({ op: fc.constant('insert' as const), at, bytes: fc.constantFrom(...TOKENS).map(utf8) }) },
  { weight: 2, arbitrary: fc.record({ op: fc.constant('insert' as const), at, bytes: fc.uint8Array({ maxLength: 64 }) }) },
  {
    weight: 2,
    arbitrary: fc.record({ op: fc.constant('insert' as const), at, bytes: fc.string({ unit: 'binary', maxLength: 32 }).map(utf8) }),
  },
  {
    weight: 1,
    arbitrary: fc.record({
      op: fc.constant('insert' as const),
      at,
      bytes: fc.tuple(fc.array(fc.integer({ min: 0, max: 0xffff }), { maxLength: 32 }), fc.boolean()).map(([u, le]) => utf16(u, le)),
    }),
  },
  { weight: 2, arbitrary: fc.record({ op: fc.constant('delete' as const), at, len: fc.integer({ min: 1, max: 512 }) }) },
  {
    weight: 1,
    arbitrary: fc.record({
      op: fc.constant('repeat' as const),
      at,
      len: fc.integer({ min: 1, max: 256 }),
      times: fc.integer({ min: 2, max: 200 }),
    }),
  },
  { weight: 2, arbitrary: fc.record({ op: fc.constant('flip' as const), at, byte: fc.integer({ min: 0, max: 255 }) }) },
  {
    weight: 1,
    arbitrary: fc.record({
      op: fc.constant('nest' as const),
      at,
      depth: fc.integer({ min: 100, max: 20_000 }),
      tag: fc.constantFrom('outline', 'item', 'div', 'entry', 'x:y', 'b', '{"a":', '['),
    }),
  },
  { weight: 1, arbitrary: fc.record({ op: fc.constant('hugeAttr' as const), at, size: fc.integer({ min: 1000, max: 300_000 }) }) },
  { weight: 1, arbitrary: fc.record({ op: fc.constant('wide' as const), le: fc.boolean(), bom: fc.boolean() }) },
);

const concat = (...parts: Uint8Array[]) => new Uint8Array(Buffer.concat(parts));

/** mutate applies the edits in order to a copy of bytes. */
export function mutate(bytes: Uint8Array, edits: readonly Mutation[]): Uint8Array {
  let b = bytes;
  for (const m of edits) {
    const i = m.op === 'wide' ? 0 : Math.floor(m.at * b.length);
    switch (m.op) {
      case 'truncate':
        b = b.subarray(0, i);
        break;
      case 'insert':
        b = concat(b.subarray(0, i), m.bytes, b.subarray(i));
        break;
      case 'delete':
        b = concat(b.subarray(0, i), b.subarray(i + m.len));
        break;
      case 'repeat':
        b = concat(b.subarray(0, i), ...Array<Uint8Array>(m.times).fill(b.subarray(i, i + m.len)), b.subarray(i));
        break;
      case 'flip':
        if (b.length) {
          b = b.slice();
          b[Math.min(i, b.length - 1)] = m.byte;
        }
        break;
      case 'nest': {
        const close = m.tag.startsWith('{') ? '}' : m.tag === '[' ? ']' : `</${m.tag}>`;
        const open = /^[{[]/.test(m.tag) ? m.tag : `<${m.tag}>`;
        b = concat(b.subarray(0, i), utf8(open.repeat(m.depth)), utf8(close.repeat(m.depth >> 1)), b.subarray(i));
        break;
      }
      case 'hugeAttr':
        b = concat(
          b.subarray(0, i),
          utf8(`<outline text="${'A&amp;'.repeat(m.size / 6)}" xmlUrl="http://x.test/${'z'.repeat(m.size)}"/>`),
          b.subarray(i),
        );
        break;
      case 'wide': {
        const units = Array.from(Buffer.from(b).toString('latin1'), (c) => c.charCodeAt(0));
        b = concat(m.bom ? utf16([0xfeff], m.le) : new Uint8Array(), utf16(units, m.le));
        break;
      }
    }
  }
  return b;
}

/** mutatedDocument draws a fixture of the corpus and up to 6 mutations of it. */
export const mutatedDocument = (files: { name: string; bytes: Uint8Array }[]) =>
  fc
    .record({ fixture: fc.constantFrom(...files), edits: fc.array(mutation, { maxLength: 6 }) })
    .map(({ fixture, edits }) => ({ name: fixture.name, edits, bytes: mutate(fixture.bytes, edits) }));

/** FUZZ is how long each property runs: a few seconds in `npm test`, longer from scripts/fuzz.mjs. */
export const FUZZ = {
  runs: Number(process.env.FUZZ_RUNS ?? 200),
  seconds: Number(process.env.FUZZ_SECONDS ?? 2.5),
  seed: process.env.FUZZ_SEED === undefined ? undefined : Number(process.env.FUZZ_SEED),
  save: process.env.FUZZ_SAVE === '1',
};

/** cpuMs runs f and returns its result with the process CPU time it took (immune to a busy machine's wall clock). */
export function cpuMs<T>(f: () => T): { value: T; ms: number } {
  const before = process.cpuUsage();
  const value = f();
  const d = process.cpuUsage(before);
  return { value, ms: (d.user + d.system) / 1000 };
}

/**
 * fuzz checks a property over mutated documents for FUZZ.runs runs or FUZZ.seconds, whichever
 * ends first; a failure is reported with fast-check's seed and, with FUZZ_SAVE=1, its shrunk
 * input is written to test/fixtures/fuzz/<prefix>-<hash>.bin. Returns the number of runs.
 */
export function fuzz(prefix: string, files: { name: string; bytes: Uint8Array }[], check: (bytes: Uint8Array) => void): number {
  const started = Date.now();
  const out = fc.check(
    fc.property(mutatedDocument(files), (d) => check(d.bytes)),
    {
      numRuns: FUZZ.runs,
      interruptAfterTimeLimit: FUZZ.seconds * 1000,
      seed: FUZZ.seed,
    },
  );
  let saved = '';
  if (out.failed && out.counterexample) {
    const bytes = out.counterexample[0].bytes;
    const dir = FUZZ.save ? path.join(FIXTURES, 'fuzz') : fs.mkdtempSync(path.join(os.tmpdir(), 'inkzee-fuzz-'));
    const file = path.join(dir, `${prefix}-${crypto.createHash('sha256').update(bytes).digest('hex').slice(0, 12)}.bin`);
    fs.mkdirSync(dir, { recursive: true });
    fs.writeFileSync(file, bytes);
    saved = ` ${bytes.length} bytes from ${out.counterexample[0].name}, written to ${file}`;
  }
  console.log(
    `fuzz ${prefix}: ${out.numRuns} runs in ${((Date.now() - started) / 1000).toFixed(1)} s (seed ${out.seed})${out.failed ? ` FAILED:${saved}` : ''}`,
  );
  if (out.failed) {
    const why = out.errorInstance instanceof Error ? out.errorInstance.message : String(out.errorInstance);
    throw new Error(
      `fuzz ${prefix} failed after ${out.numRuns} runs (FUZZ_SEED=${out.seed} replays it):${saved}\n${why.split('\n').slice(0, 12).join('\n')}`,
    );
  }
  return out.numRuns;
}
