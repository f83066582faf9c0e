import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

// Each case runs in its own node process (V8 flags are process-wide), against the compiled dist/.
const heapJs = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', 'dist', 'heap.js');

/** youngGenerationMb runs leanHeap (or not) in a child, churns short-lived objects, optionally in a worker too, and reports the young generation's size. */
function youngGenerationMb(o: { lean: boolean; nodeFlags?: string[]; worker?: boolean }): number {
  const script = `
    import v8 from 'node:v8';
    import { Worker } from 'node:worker_threads';
    if (${o.lean}) (await import(${JSON.stringify(heapJs)})).leanHeap();
    if (${!!o.worker}) { const w = new Worker('1', { eval: true }); await new Promise((r) => w.once('exit', r)); }
    let keep = [];
    for (let i = 0; i < 3e6; i++) { keep.push({ i, s: 'x' + i }); if (keep.length > 2e5) keep = []; }
    const ns = v8.getHeapSpaceStatistics().find((s) => s.space_name === 'new_space');
    process.stdout.write(String(ns.space_size / 1048576));`;
  return Number(execFileSync(process.execPath, [...(o.nodeFlags ?? []), '--input-type=module', '-e', script], { encoding: 'utf8' }));
}

describe('leanHeap', () => {
  it('keeps the young generation at its initial size where V8 would grow it to 2 x 16 MB', () => {
    expect(youngGenerationMb({ lean: false })).toBeGreaterThanOrEqual(16);
    expect(youngGenerationMb({ lean: true })).toBeLessThanOrEqual(2);
  });

  it('keeps it small after a worker thread has started, whose isolate resets the growth factor', () => {
    expect(youngGenerationMb({ lean: true, worker: true })).toBeLessThanOrEqual(2);
  });

  it("leaves the young generation to node's own --max-semi-space-size when the user gives one", () => {
    expect(youngGenerationMb({ lean: true, nodeFlags: ['--max-semi-space-size=4'] })).toBe(8);
  });
});
