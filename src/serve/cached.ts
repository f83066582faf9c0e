// Reads whose JSON answer depends on the store's data alone (no parameter, no clock): tag/list and
// unread-count, which count every feed's and topic's unread items, are kept in the answer cache
// (answer-cache.ts) while the data is unchanged, like the pages of streams.
import type { Handler } from './api.js';

/** cachedJson wraps such a handler: its answer is computed once per data version and kept as UTF-8 bytes. */
export function cachedJson(key: string, handler: Handler): Handler {
  return async (req, env) => {
    if (!env.cache) return handler(req, env);
    const bytes = await env.cache.get(`${key}\n`, async () => {
      const r = await handler(req, env);
      // Only a plain JSON answer is kept; these handlers give nothing else (a refusal throws).
      if (!('json' in r) || (r.status ?? 200) !== 200 || r.headers) throw new Error(`${key}: not a plain JSON answer`);
      return Buffer.from(JSON.stringify(r.json));
    });
    return { jsonBytes: [bytes] };
  };
}
