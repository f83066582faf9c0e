// Feed dates come as RFC 822 (RSS 2.0 "pubDate"), RFC 3339 / W3C-DTF (Atom, RFC 4287 §3.3; Dublin
// Core) or worse: named zones ("EST", "CEST"), odd or missing day names, single-digit days, 2-digit
// years, no seconds, "UT", "Z" on RFC 822 dates, ISO 8601 basic format and partial dates. Every
// field is range-checked: an impossible date becomes null, never a different date.

const ZONES: Record<string, number> = {
  UT: 0,
  UTC: 0,
  GMT: 0,
  Z: 0,
  WET: 0,
  BST: 60,
  IST: 330,
  CET: 60,
  MET: 60,
  CEST: 120,
  MEST: 120,
  EET: 120,
  EEST: 180,
  MSK: 180,
  EST: -300,
  EDT: -240,
  CST: -360,
  CDT: -300,
  MST: -420,
  MDT: -360,
  PST: -480,
  PDT: -420,
  AKST: -540,
  AKDT: -480,
  HST: -600,
  JST: 540,
  KST: 540,
  AEST: 600,
  AEDT: 660,
  NZST: 720,
  NZDT: 780,
  // RFC 822 §5.1 military zones, as feedparser reads them.
  A: -60,
  M: -720,
  N: 60,
  Y: 720,
};
const MONTHS: Record<string, number> = {
  jan: 1,
  feb: 2,
  mar: 3,
  apr: 4,
  may: 5,
  jun: 6,
  jul: 7,
  aug: 8,
  sep: 9,
  sept: 9,
  oct: 10,
  nov: 11,
  dec: 12,
  january: 1,
  february: 2,
  march: 3,
  april: 4,
  june: 6,
  july: 7,
  august: 8,
  september: 9,
  october: 10,
  november: 11,
  december: 12,
};

interface Parts {
  y: number;
  mo: number;
  d: number;
  h: number;
  mi: number;
  s: number;
  ms: number;
  off: number;
}

const daysIn = (y: number, mo: number) =>
  [31, y % 4 === 0 && (y % 100 !== 0 || y % 400 === 0) ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][mo - 1];

function toIso(p: Parts): string | null {
  if (!(p.y >= 1 && p.y <= 9999 && p.mo >= 1 && p.mo <= 12 && p.d >= 1 && p.d <= daysIn(p.y, p.mo))) return null;
  if (p.h === 24 && p.mi === 0 && p.s === 0) {
    /* 24:00 is the end of the day (ISO 8601) */
  } else if (p.h > 23) return null;
  if (p.mi > 59 || p.s > 60 || Math.abs(p.off) > 18 * 60) return null;
  const dt = new Date(0);
  dt.setUTCFullYear(p.y, p.mo - 1, p.d);
  dt.setUTCHours(p.h, p.mi, Math.min(p.s, 59), p.ms);
  const ms = dt.getTime() - p.off * 60_000;
  if (!Number.isFinite(ms)) return null;
  const out = new Date(ms);
  return out.getUTCFullYear() >= 1 && out.getUTCFullYear() <= 9999 ? out.toISOString() : null;
}

function zoneOffset(z: string | undefined): number | null {
  if (!z) return 0; // no zone: UTC, as feedparser assumes
  const m = /^([+-])(\d{1,2}):?(\d{2})?$/.exec(z);
  if (m) return (m[1] === '-' ? -1 : 1) * (Number(m[2]) * 60 + Number(m[3] ?? 0));
  const n = /^(?:GMT|UTC|UT)([+-])(\d{1,2}):?(\d{2})?$/i.exec(z);
  if (n) return (n[1] === '-' ? -1 : 1) * (Number(n[2]) * 60 + Number(n[3] ?? 0));
  if (/^\d{4}$/.test(z)) return Number(z.slice(0, 2)) * 60 + Number(z.slice(2)); // "+" lost in transit
  return ZONES[z.toUpperCase()] ?? null;
}

const fullYear = (y: string) => (y.length === 2 ? Number(y) + (Number(y) < 70 ? 2000 : 1900) : y.length === 4 ? Number(y) : NaN);

// [Day,] DD Mon YYYY [HH:MM[:SS]] [zone]  — also "Mon DD YYYY", day names in any language.
const RFC822 =
  /^(?:[^\d\s,]+,?\s*)?(\d{1,2})[\s-]+([A-Za-z]{3,9})\.?[\s-]+(\d{4}|\d{2})(?:[\sT]+(\d{1,2}):(\d{2})(?::(\d{2}))?(?:\.\d+)?)?\s*([A-Za-z]{1,5}(?:[+-]\d{1,2}(?::?\d{2})?)?|[+-]?\d{1,2}:?\d{2})?$/;
// asctime and US order: "Sun Jan  4 16:29:06 PST 2004", "Jan 4 2004 16:29:06 GMT", "January 4, 2004".
const US =
  /^(?:[A-Za-z]+,?\s+)?([A-Za-z]{3,9})\.?\s+(\d{1,2}),?\s+(?:(\d{1,2}):(\d{2})(?::(\d{2}))?\s*([A-Za-z]{1,5}|[+-]\d{4})?\s+)?(\d{4})(?:\s+(\d{1,2}):(\d{2})(?::(\d{2}))?\s*([A-Za-z]{1,5}|[+-]\d{2}:?\d{2})?)?$/;
// ISO 8601 / RFC 3339 / W3C-DTF, extended or basic, partial dates, "T" or space, fractions, zones.
const ISO =
  /^(\d{4})(?:-?(\d{2})(?:-?(\d{2}))?)?(?:[T\s]+(\d{2}):?(\d{2})(?::?(\d{2})(?:[.,](\d+))?)?)?\s*(Z|[+-]\d{2}(?::?\d{2})?|[A-Za-z]{2,5})?$/i;
// "2003/12/31 10:14:55" and "2003/1/5": slashes, year first.
const SLASHED = /^(\d{4})\/(\d{1,2})\/(\d{1,2})(?:\s+(\d{1,2}):(\d{2})(?::(\d{2}))?)?\s*(Z|[+-]\d{2}:?\d{2}|[A-Za-z]{2,5})?$/;

function fromRfc822(s: string): string | null {
  const m = RFC822.exec(s);
  if (!m) return null;
  const mo = MONTHS[m[2].toLowerCase()];
  const off = zoneOffset(m[7]);
  if (!mo || off === null) return null;
  return toIso({ y: fullYear(m[3]), mo, d: Number(m[1]), h: Number(m[4] ?? 0), mi: Number(m[5] ?? 0), s: Number(m[6] ?? 0), ms: 0, off });
}

function fromUs(s: string): string | null {
  const m = US.exec(s);
  if (!m) return null;
  const mo = MONTHS[m[1].toLowerCase()];
  const [h, mi, sec, zone] = m[3] ? [m[3], m[4], m[5], m[6]] : [m[8], m[9], m[10], m[11]];
  const off = zoneOffset(zone);
  if (!mo || off === null) return null;
  return toIso({ y: Number(m[7]), mo, d: Number(m[2]), h: Number(h ?? 0), mi: Number(mi ?? 0), s: Number(sec ?? 0), ms: 0, off });
}

function fromIso(s: string): string | null {
  const m = ISO.exec(s) ?? SLASHED.exec(s);
  if (!m) return null;
  const frac = m.length > 8 ? m[7] : undefined;
  const zone = m.length > 8 ? m[8] : m[7];
  const off = zoneOffset(zone);
  if (off === null) return null;
  return toIso({
    y: Number(m[1]),
    mo: Number(m[2] ?? 1),
    d: Number(m[3] ?? 1),
    h: Number(m[4] ?? 0),
    mi: Number(m[5] ?? 0),
    s: Number(m[6] ?? 0),
    ms: frac ? Math.floor(Number(`0.${frac}`) * 1000) : 0,
    off,
  });
}

/** toIsoDate turns a feed date into ISO 8601 UTC ("2024-02-22T12:00:00.000Z"), or null if unreadable or impossible. */
export function toIsoDate(value: string | null | undefined): string | null {
  if (!value) return null;
  const s = value.trim().replace(/\s+/g, ' ');
  if (!s || s.length > 80) return null;
  return /^\d{4}[-/]?\d/.test(s) || /^\d{4}$/.test(s) ? fromIso(s) : (fromRfc822(s) ?? fromUs(s));
}
