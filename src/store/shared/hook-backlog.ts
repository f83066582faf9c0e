// The hook's backlog: new items an interrupted crawl stored but no hook was given, kept in the
// settings table under one key until the next crawl that runs a hook takes them. Appended as text
// (`,id,id`), so that two crawlers adding at once on PostgreSQL both land without a read first.

/** HOOK_BACKLOG_KEY is the settings key the backlog is kept under. */
export const HOOK_BACKLOG_KEY = 'hook.backlog';

/** encodeBacklog is the text appended to the backlog for the ids given. */
export function encodeBacklog(ids: readonly number[]): string {
  return ids.map((id) => `,${id}`).join('');
}

/** decodeBacklog reads a backlog's text into its ids, once each, in id order (anything else in it is ignored). */
export function decodeBacklog(text: string | undefined): number[] {
  if (!text) return [];
  const ids = new Set<number>();
  for (const part of text.split(',')) {
    const id = Number(part);
    if (part !== '' && Number.isSafeInteger(id) && id > 0) ids.add(id);
  }
  return [...ids].sort((a, b) => a - b);
}
