// The sweep's report: pass rates per suite and per field, the document-level contract (parsed
// or refused with one line, no crash, parse CPU), and the baseline file with its comparison.

const pct = (p, t) => (t ? `${((100 * p) / t).toFixed(1)} %` : '-');
const cell = (p, t) => (t ? `${p}/${t}` : '');

/** FIELD_ORDER lists the fields in report order; any other field is appended. */
export const FIELD_ORDER = [
  'feed.title',
  'feed.link',
  'feed.description',
  'feed.language',
  'feed.image',
  'entries',
  'title',
  'link',
  'id',
  'author',
  'published',
  'updated',
  'summary',
  'content',
  'enclosures',
  'enclosure.type',
  'enclosure.length',
  'duration',
  'tags',
];

function tally(checks, key) {
  const m = new Map();
  for (const c of checks) {
    const k = key(c);
    const t = m.get(k) ?? { p: 0, t: 0 };
    t.t++;
    if (c.pass) t.p++;
    m.set(k, t);
  }
  return m;
}

function pad(rows) {
  const w = rows[0].map((_, i) => Math.max(...rows.map((r) => String(r[i]).length)));
  return rows.map((r) => r.map((c, i) => (i === 0 ? String(c).padEnd(w[i]) : String(c).padStart(w[i]))).join('  ')).join('\n');
}

/** table renders the per-suite and per-field pass rates. */
export function table(checks, suites) {
  const bySuite = tally(checks, (c) => c.suite);
  const all = tally(checks, () => 'all').get('all') ?? { p: 0, t: 0 };
  const rows = [['suite', 'passed', 'checks', 'rate']];
  for (const s of suites) {
    const t = bySuite.get(s) ?? { p: 0, t: 0 };
    rows.push([s, t.p, t.t, pct(t.p, t.t)]);
  }
  rows.push(['overall', all.p, all.t, pct(all.p, all.t)]);
  const fields = [...new Set(checks.map((c) => c.field))].sort((a, b) => rank(a) - rank(b) || (a < b ? -1 : 1));
  const bySF = tally(checks, (c) => `${c.suite}\t${c.field}`);
  const byField = tally(checks, (c) => c.field);
  const frows = [['field', ...suites, 'all', 'rate']];
  for (const f of fields) {
    const t = byField.get(f);
    frows.push([
      f,
      ...suites.map((s) => {
        const x = bySF.get(`${s}\t${f}`);
        return x ? cell(x.p, x.t) : '';
      }),
      cell(t.p, t.t),
      pct(t.p, t.t),
    ]);
  }
  return `${pad(rows)}\n\n${pad(frows)}`;
}

/**
 * excludedFigure is the second, labelled figure: the overall rate without the checks of
 * `excluded` (id → reason), whose expectation contradicts the issue's requirements.
 */
export function excludedFigure(checks, excluded) {
  const kept = checks.filter((c) => !excluded.has(c.id));
  const out = checks.length - kept.length;
  const passed = kept.filter((c) => c.pass).length;
  const wrongly = checks.filter((c) => excluded.has(c.id) && c.pass).length;
  return (
    `overall excluding ${out} checks whose expectation contradicts the issue's requirements (scripts/conformance/excluded.mjs: ` +
    `forms kept, duplicate enclosures and tags kept, keywords not tags, opaque GUIDs as links): ${passed}/${kept.length} = ${pct(passed, kept.length)}` +
    `${wrongly ? ` (${wrongly} excluded checks pass: take them off the list)` : ''}`
  );
}

function rank(f) {
  const i = FIELD_ORDER.indexOf(f);
  return i < 0 ? FIELD_ORDER.length : i;
}

/** docReport states the document-level contract: parsed or refused in one line, no crash, parse CPU. */
export function docReport({ docs, problems, timings }, verbose = false) {
  const refused = docs.filter((d) => d.refused);
  const multiLine = refused.filter((d) => /\n/.test(d.refused));
  const lines = [
    `documents: ${docs.length} crawled: ${docs.length - refused.length} parsed, ${refused.length} refused with a one-line reason` +
      `${multiLine.length ? ` (${multiLine.length} reasons span several lines!)` : ''}; CLI runs that crashed: ${problems.length}`,
  ];
  for (const p of problems) lines.push(`CRASH ${p}`);
  if (verbose) for (const d of refused) lines.push(`REFUSED ${d.rel}: ${d.refused}`);
  for (const d of multiLine) lines.push(`MULTILINE ${d.rel}: ${JSON.stringify(d.refused).slice(0, 200)}`);
  if (timings.length) {
    const sorted = [...timings].sort((a, b) => b.cpuMs - a.cpuMs);
    const total = timings.reduce((a, t) => a + t.cpuMs, 0);
    lines.push(
      `parse CPU (dist/parse/feed.js, decode + parse per document): total ${(total / 1000).toFixed(1)} s, max ${sorted[0].cpuMs.toFixed(0)} ms (${sorted[0].rel}), ` +
        `${timings.filter((t) => t.cpuMs > 1000).length} over 1 s, ${timings.filter((t) => t.crashed).length} threw, hung or died`,
    );
    for (const t of sorted.filter((x) => x.cpuMs > 1000)) lines.push(`SLOW ${t.rel}: ${t.cpuMs.toFixed(0)} ms CPU`);
    for (const t of timings.filter((x) => x.crashed)) lines.push(`THREW ${t.rel}: ${t.crashed}`);
  }
  return lines.join('\n');
}

/** makeBaseline records each check's outcome and the per-suite counts. */
export function makeBaseline(checks, suites, built) {
  const bySuite = tally(checks, (c) => c.suite);
  const sorted = [...checks].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  return {
    note: 'npm run conformance -- --update-baseline; check id → true (passed) / false (failed)',
    generated: new Date().toISOString(),
    built,
    suites: Object.fromEntries(
      suites.map((s) => {
        const t = bySuite.get(s) ?? { p: 0, t: 0 };
        return [s, { passed: t.p, checks: t.t }];
      }),
    ),
    checks: Object.fromEntries(sorted.map((c) => [c.id, c.pass])),
  };
}

/** compareBaseline lists checks that passed in the baseline and fail now, and those fixed since. */
export function compareBaseline(baseline, checks) {
  const was = baseline.checks ?? {};
  return {
    regressions: checks.filter((c) => was[c.id] === true && !c.pass),
    fixed: checks.filter((c) => was[c.id] === false && c.pass),
  };
}
