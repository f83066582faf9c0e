// A parse worker thread: takes fetched bodies (transferred, not copied) from parse-pool.ts and
// answers with plain records (structured clone), one job at a time.
import { parentPort } from 'node:worker_threads';
import { parseBody } from './parse-job.js';

/** WorkerJob is a ParseJob as posted to a worker: the body's bytes are a whole, transferred buffer. */
export interface WorkerJob {
  id: number;
  body: ArrayBuffer;
  url: string;
  contentType: string;
  contentLocation?: string | null;
  contentLanguage?: string | null;
}

parentPort?.on('message', (job: WorkerJob) => {
  try {
    parentPort!.postMessage({ id: job.id, result: parseBody({ ...job, body: new Uint8Array(job.body) }, true) });
  } catch (err) {
    // A parser bug: the crawl's thread rethrows it, as it would have when parsing inline.
    parentPort!.postMessage({ id: job.id, error: err instanceof Error ? (err.stack ?? err.message) : String(err) });
  }
});
