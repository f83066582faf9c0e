import cliProgress from 'cli-progress';
import type { FeedResult } from '../crawl/recipe.js';
import type { Output } from './output.js';
import { oneLine } from './sanitize.js';
import type { CrawlListener, CrawlSummary } from '../results.js';

/** feedEvent is the NDJSON event for one crawled feed. */
export function feedEvent(r: FeedResult): object {
  return {
    type: 'feed',
    id: r.feedId,
    url: r.url,
    outcome: r.outcome,
    status: r.status,
    newItems: r.added,
    updatedItems: r.updated,
    error: r.error,
    movedTo: r.movedTo,
    mergedInto: r.mergedInto,
    disabled: r.disabled,
    ms: r.ms,
  };
}

/**
 * crawlListener picks how a crawl shows itself: NDJSON events on stdout with --json, a progress
 * bar on stderr when it is a terminal, otherwise nothing until the summary.
 */
export function crawlListener(out: Output): CrawlListener {
  // Events are flushed one by one so `| jq` sees each feed as it finishes.
  if (out.cfg.json)
    return {
      start() {
        out.flush();
      },
      feed: (r) => {
        out.record(feedEvent(r));
        out.flush();
      },
      stop() {},
    };
  if (out.cfg.quiet || !out.cfg.stderrIsTTY) return { start() {}, feed() {}, stop() {} };
  let bar: cliProgress.SingleBar | null = null;
  let newItems = 0;
  let failed = 0;
  return {
    start(total) {
      if (total === 0) return;
      bar = new cliProgress.SingleBar(
        {
          stream: process.stderr,
          hideCursor: true,
          clearOnComplete: true,
          etaBuffer: 50,
          fps: 5,
          format: 'feeds {bar} {value}/{total} | {newItems} new items | {failed} failed | {duration_formatted} (ETA {eta_formatted})',
        },
        cliProgress.Presets.shades_classic,
      );
      bar.start(total, 0, { newItems, failed });
    },
    feed(r) {
      newItems += r.added;
      if (r.outcome === 'failed') failed++;
      bar?.increment(1, { newItems, failed });
    },
    stop() {
      bar?.stop();
    },
  };
}

/** printCrawlSummary reports a crawl: an NDJSON summary, or lines for people on stderr. */
export function printCrawlSummary(out: Output, s: CrawlSummary, failures: FeedResult[]): void {
  if (out.cfg.json) {
    out.record({ type: 'summary', ...s });
    return;
  }
  for (const f of failures) out.warn(`${oneLine(f.url)}: ${oneLine(f.error)}`);
  const parts = [
    `${s.updated} updated`,
    `${s.unchanged} unchanged`,
    `${s.notModified} not modified`,
    `${s.failed} failed${s.disabled ? ` (${s.disabled} disabled)` : ''}`,
  ];
  if (s.moved) parts.push(`${s.moved} moved`);
  if (s.interrupted) parts.push(`${s.interrupted} not crawled (interrupted)`);
  if (s.lostLeases) parts.push(`${s.lostLeases} given up (their host's lease was lost to another crawler)`);
  if (s.leftToOthers) parts.push(`${s.leftToOthers} due left to other crawlers (their hosts are leased)`);
  if (!out.cfg.quiet || s.failed || s.interrupted) {
    const msg = `${s.feeds} ${s.feeds === 1 ? 'feed' : 'feeds'}: ${parts.join(', ')}; ${s.newItems} new items, ${s.updatedItems} updated, in ${s.seconds} s`;
    if (out.cfg.quiet) out.stderr.write(`${msg}\n`);
    else out.info(msg);
  }
}
