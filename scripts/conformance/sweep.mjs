// The sweep itself, shared by `npm run conformance` (over ../shared/corpus/feeds) and the CI test
// (over the fixtures copied to test/fixtures/conformance): pair each document with its suite's
// expectation, serve and crawl the documents through the CLI, and turn every expectation into
// checks. Also times each document's parse in-process (dist/parse/feed.js) for the CPU budget.
import fs from 'node:fs';
import path from 'node:path';
import { fork } from 'node:child_process';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { crawlThroughCli } from './crawl.mjs';
import { expectOf, feedparserChecks } from './feedparser.mjs';
import { listFiles, serveCorpus } from './serve.mjs';
import { gofeedChecks, podcastparserChecks, rssParserChecks } from './suites.mjs';

/** SUITES are the suites whose expectations the sweep reads, in report order. */
export const SUITES = ['feedparser', 'gofeed', 'rss-parser', 'podcastparser'];

/**
 * pairDocuments sorts corpus-relative files into documents to crawl and expectations:
 * returns { documents: [rel], expectations: [{ suite, rel (expectation), doc (document rel), format }] }.
 */
export function pairDocuments(files) {
  const set = new Set(files);
  const expectations = [];
  const isExpectation = new Set();
  for (const rel of files) {
    let m;
    if ((m = /^(gofeed\/(atom|rss))\/(.+)\.json$/.exec(rel)) && set.has(`${m[1]}/${m[3]}.xml`)) {
      expectations.push({ suite: 'gofeed', rel, doc: `${m[1]}/${m[3]}.xml`, format: m[2] });
    } else if ((m = /^(gofeed\/json)\/(.+)_expected\.json$/.exec(rel)) && set.has(`${m[1]}/${m[2]}.json`)) {
      expectations.push({ suite: 'gofeed', rel, doc: `${m[1]}/${m[2]}.json`, format: 'json' });
    } else if ((m = /^rss-parser\/output\/(.+)\.json$/.exec(rel)) && m[1] !== 'xml2js-options') {
      // (xml2js-options.json is rss-parser's output under non-default parser options: not an expectation of the document)
      const doc = files.find((f) => f.startsWith(`rss-parser/input/${m[1]}.`));
      if (doc) expectations.push({ suite: 'rss-parser', rel, doc });
    } else if ((m = /^podcastparser\/(.+)\.json$/.exec(rel)) && set.has(`podcastparser/${m[1]}.rss`)) {
      expectations.push({ suite: 'podcastparser', rel, doc: `podcastparser/${m[1]}.rss` });
    } else continue;
    isExpectation.add(rel);
  }
  for (const rel of files) if (/^podcastparser\/.+\.param\.json$/.test(rel) || /^rss-parser\/output\//.test(rel)) isExpectation.add(rel);
  const documents = files.filter((f) => !isExpectation.has(f) && !/(^|\/)(README|LICENSE)[^/]*$/i.test(f));
  return { documents, expectations };
}

/**
 * loadSanitizer returns the build's sanitizeHtml(html, base): gofeed and rss-parser expect the
 * raw HTML of the document, Inkzee must store it sanitized with URLs resolved, so their expected
 * HTML goes through the same function first (feedparser's own sanitize tests check the policy).
 */
export async function loadSanitizer(repo) {
  try {
    const { sanitizeHtml } = await import(pathToFileURL(path.join(repo, 'dist', 'parse', 'sanitize.js')).href);
    if (typeof sanitizeHtml === 'function') return (html, base) => sanitizeHtml(html, base);
  } catch {
    /* an older build without a sanitizer */
  }
  return (html) => html;
}

/**
 * timeParses parses every document with the build's dist/parse/feed.js in a child process and
 * returns the CPU ms each took; a parse still running after hangMs is killed and reported as a hang.
 */
export async function timeParses(repo, dir, documents, url, hangMs = 20_000) {
  const out = [];
  let next = 0;
  while (next < documents.length) {
    const child = fork(fileURLToPath(new URL('./time-worker.mjs', import.meta.url)), [repo, dir], {
      stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
    });
    await new Promise((resolve) => {
      let timer;
      let pending = null;
      let started = false;
      const send = () => {
        clearTimeout(timer);
        pending = null;
        if (next >= documents.length) {
          child.kill();
          return;
        }
        pending = documents[next];
        const rel = pending;
        timer = setTimeout(() => {
          out.push({ rel, cpuMs: hangMs, crashed: `hang: no answer after ${hangMs / 1000} s` });
          next++;
          pending = null;
          child.kill('SIGKILL');
        }, hangMs);
        child.send({ rel, url: url(rel) });
      };
      child.on('message', (m) => {
        started = true;
        if (!m.ready) {
          out.push(m);
          next++;
        }
        send();
      });
      child.on('exit', (code, signal) => {
        clearTimeout(timer);
        // the parser took the whole process down (a stack overflow, an abort): that document crashed
        if (pending) {
          out.push({ rel: pending, cpuMs: 0, crashed: `process died (${signal ?? code})` });
          next++;
        }
        // a build whose parser cannot even be loaded: every document is reported, once
        if (!started)
          for (; next < documents.length; next++) out.push({ rel: documents[next], cpuMs: 0, crashed: 'the parser module did not load' });
        resolve();
      });
    });
  }
  return out;
}

/**
 * runSweep serves and crawls every document under dir through the CLI of repo and returns
 * { checks, unmappable: {clauses, lines, reasons: [[what, n]]}, expectLines, docs, problems, timings }.
 */
export async function runSweep({ repo, dir, files = listFiles(dir), only, concurrency = 32, time = true }) {
  const paired = pairDocuments(files);
  const documents = only ? paired.documents.filter((d) => d.startsWith(only)) : paired.documents;
  const chosen = new Set(documents);
  const expectations = paired.expectations.filter((e) => chosen.has(e.doc));
  const server = await serveCorpus(dir, files);
  try {
    const crawl = await crawlThroughCli(repo, documents.map(server.url), { concurrency });
    const docOf = (rel) => crawl.docs.get(server.url(rel)) ?? { feed: null, items: [], refused: 'not stored by import' };
    const sanitize = await loadSanitizer(repo);
    const checks = [];
    let clauses = 0,
      lines = 0,
      expectLines = 0;
    const reasons = new Map();
    for (const rel of documents.filter((d) => d.startsWith('feedparser/'))) {
      const expr = expectOf(fs.readFileSync(path.join(dir, rel)));
      if (!expr) continue;
      expectLines++;
      const r = feedparserChecks(rel, expr, docOf(rel), server.origin);
      checks.push(...r.checks);
      clauses += r.unmappable;
      for (const why of r.reasons) reasons.set(why, (reasons.get(why) ?? 0) + 1);
      if (!r.checks.length) lines++;
    }
    for (const e of expectations) {
      let exp;
      try {
        exp = JSON.parse(fs.readFileSync(path.join(dir, e.rel), 'utf8'));
      } catch {
        continue;
      }
      // gofeed and rss-parser keep the document's raw HTML and relative links (see check())
      const doc =
        e.suite === 'podcastparser'
          ? docOf(e.doc)
          : { ...docOf(e.doc), rawHtml: (h) => sanitize(h, server.url(e.doc)), base: server.url(e.doc) };
      if (e.suite === 'gofeed') checks.push(...gofeedChecks(e.doc, e.format, exp, doc));
      else if (e.suite === 'rss-parser') {
        // rss-parser maps by the root element, whatever the file is called (reddit-home.rss is Atom)
        const atom = /<feed[\s>]/.test(fs.readFileSync(path.join(dir, e.doc), 'latin1').slice(0, 4096));
        checks.push(...rssParserChecks(e.doc, atom, exp, doc));
      } else
        checks.push(
          ...podcastparserChecks(e.doc, exp, doc, `${server.origin}/podcastparser/`, fs.readFileSync(path.join(dir, e.doc), 'utf8')),
        );
    }
    const timings = time ? await timeParses(repo, dir, documents, server.url) : [];
    const docs = documents.map((rel) => ({ rel, ...docOf(rel) }));
    return {
      checks,
      unmappable: { clauses, lines, reasons: [...reasons].sort((a, b) => b[1] - a[1]) },
      expectLines,
      docs,
      problems: crawl.problems,
      timings,
    };
  } finally {
    await server.close();
  }
}
