import fs from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { FIXTURES, ROOT } from '../helpers.js';
// The same comparison logic as `npm run conformance`, over the suites' documents copied to
// test/fixtures/conformance/ (same paths as in ../shared/corpus/feeds, so check ids match the baseline).
// @ts-expect-error plain ES module without type declarations
import { runSweep, SUITES } from '../../scripts/conformance/sweep.mjs';
// @ts-expect-error plain ES module without type declarations
import { compareBaseline } from '../../scripts/conformance/report.mjs';
// @ts-expect-error plain ES module without type declarations
import { feedparserChecks } from '../../scripts/conformance/feedparser.mjs';
// @ts-expect-error plain ES module without type declarations
import { same } from '../../scripts/conformance/compare.mjs';

interface Check {
  id: string;
  suite: string;
  file: string;
  field: string;
  pass: boolean;
  expected: string;
  got?: string;
}
interface Sweep {
  checks: Check[];
  problems: string[];
  docs: { rel: string; refused: string | null }[];
}

const dir = path.join(FIXTURES, 'conformance');
const baseline = JSON.parse(fs.readFileSync(path.join(ROOT, 'test', 'conformance-baseline.json'), 'utf8')) as {
  checks: Record<string, boolean>;
};

describe('the conformance fixtures, crawled through the CLI from a local server', () => {
  let sweep: Sweep;
  beforeAll(async () => {
    sweep = await runSweep({ repo: ROOT, dir, concurrency: 8, time: false });
  }, 60_000);

  it('stores every fixture document or refuses it in one line, and no CLI run crashes', () => {
    expect(sweep.problems).toEqual([]);
    expect(sweep.docs.length).toBeGreaterThanOrEqual(20);
    for (const d of sweep.docs) if (d.refused) expect(d.refused).not.toMatch(/\n/);
  });

  it('has checks from every suite, and the baseline knows them all', () => {
    for (const suite of SUITES) expect(sweep.checks.filter((c) => c.suite === suite).length, suite).toBeGreaterThan(0);
    const unknown = sweep.checks.filter((c) => !(c.id in baseline.checks)).map((c) => c.id);
    expect(unknown).toEqual([]);
  });

  it('still passes every check that passed in the baseline (a parser regression fails here)', () => {
    const { regressions } = compareBaseline(baseline, sweep.checks) as { regressions: Check[] };
    expect(regressions.map((c) => `${c.file} ${c.field}: expected ${c.expected}, got ${c.got}`)).toEqual([]);
    expect(sweep.checks.filter((c) => baseline.checks[c.id]).length).toBeGreaterThanOrEqual(20);
  });
});

describe("the evaluator of feedparser's Expect lines", () => {
  const doc = (item: object, feed: object = { docTitle: 'testing \u00e9 entity' }) => ({
    feed,
    items: [{ id: 1, ...item }],
    refused: null,
  });

  it('checks the clauses about fields Inkzee has and counts the others as unmappable', () => {
    const r = feedparserChecks(
      'x.xml',
      "not bozo and entries[0]['content'][0]['value'] == 'Example <b>Atom</b>' and entries[0]['content'][0]['language'] == 'en'",
      doc({ content: 'Example <b>Atom</b>' }),
      'http://127.0.0.1:1',
    );
    expect(r.unmappable).toBe(2);
    expect(r.checks).toHaveLength(1);
    expect(r.checks[0]).toMatchObject({ field: 'content', pass: true });
  });

  it('reads Python escapes in strings and compares a feed title as text', () => {
    const r = feedparserChecks('x.xml', "feed['title'] == 'testing \\xe9 entity'", doc({}), 'http://127.0.0.1:1');
    expect(r.checks[0]).toMatchObject({ field: 'feed.title', pass: true });
  });

  it('compares a time tuple with the stored date as the same UTC instant', () => {
    const expr = "entries[0]['published_parsed'] == (2003, 12, 31, 10, 14, 55, 2, 365, 0)";
    expect(feedparserChecks('x.xml', expr, doc({ published: '2003-12-31T10:14:55.000Z' }), 'http://h').checks[0].pass).toBe(true);
    expect(feedparserChecks('x.xml', expr, doc({ published: '2003-12-31T11:14:55.000Z' }), 'http://h').checks[0].pass).toBe(false);
  });

  it('fails a check whose field is missing from the output rather than skipping it', () => {
    const r = feedparserChecks('x.xml', "feed['title'] == 'x' and entries[1]['title'] == 'y'", doc({}, {}), 'http://h');
    expect(r.checks.map((c: Check) => [c.field, c.pass])).toEqual([
      ['feed.title', false],
      ['title', false],
    ]);
  });

  it('calls a check that passed in the baseline and fails now a regression, and one that now passes fixed', () => {
    const now = [
      { id: 'a', pass: false },
      { id: 'b', pass: true },
      { id: 'c', pass: false },
    ];
    const r = compareBaseline({ checks: { a: true, b: false, c: false } }, now) as {
      regressions: { id: string }[];
      fixed: { id: string }[];
    };
    expect(r.regressions.map((c) => c.id)).toEqual(['a']);
    expect(r.fixed.map((c) => c.id)).toEqual(['b']);
  });

  it('treats markup as equal regardless of attribute order, entity spelling and whitespace', () => {
    expect(same('html', '<a title="x" href="/a">A &amp; B</a>\n<br/>', '<a href="/a"  title="x">A &#38; B</a> <br>')).toBe(true);
    expect(same('html', '&lt;p&gt;text&lt;/p&gt;', '<p>text</p>')).toBe(false);
  });
});
