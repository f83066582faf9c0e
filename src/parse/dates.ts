// Feed dates come as RFC 822 (RSS 2.0 §"pubDate"), RFC 3339 (Atom, RFC 4287 §3.3) or worse:
// named zones ("EST", "CEST"), missing day names, single-digit days, "UT", "Z" on RFC 822 dates.

const ZONES: Record<string, string> = {
  UT: '+0000', UTC: '+0000', GMT: '+0000', Z: '+0000', WET: '+0000', BST: '+0100', IST: '+0530',
  CET: '+0100', MET: '+0100', CEST: '+0200', MEST: '+0200', EET: '+0200', EEST: '+0300', MSK: '+0300',
  EST: '-0500', EDT: '-0400', CST: '-0600', CDT: '-0500', MST: '-0700', MDT: '-0600', PST: '-0800', PDT: '-0700',
  AKST: '-0900', AKDT: '-0800', HST: '-1000', JST: '+0900', KST: '+0900', AEST: '+1000', AEDT: '+1100',
  NZST: '+1200', NZDT: '+1300',
};
const MIN_MS = Date.UTC(1970, 0, 2);
const MAX_MS = Date.UTC(2100, 0, 1);

/** toIsoDate turns a feed date into ISO 8601 UTC ("2024-02-22T12:00:00.000Z"), or null if unreadable. */
export function toIsoDate(value: string | null | undefined): string | null {
  if (!value) return null;
  const s = value.trim().replace(/\s+/g, ' ');
  if (!s) return null;
  const candidates = [
    s,
    // Named zone → numeric offset; drop a day name JS may not know ("Thurs,").
    s.replace(/\b([A-Z]{1,5})$/, (z) => ZONES[z] ?? z).replace(/^[A-Za-z]+,?\s*/, ''),
    // "2024-02-22 12:00:00" (no T, no zone): read as UTC.
    /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}(:\d{2})?$/.test(s) ? `${s.replace(' ', 'T')}Z` : '',
  ];
  for (const c of candidates) {
    if (!c) continue;
    const ms = Date.parse(c);
    if (Number.isFinite(ms) && ms > MIN_MS && ms < MAX_MS) return new Date(ms).toISOString();
  }
  return null;
}
