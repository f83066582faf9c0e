import { shownValue, UsageError } from '../errors.js';

const UNITS: Record<string, number> = { s: 1e3, m: 60e3, h: 3600e3, d: 86400e3, w: 7 * 86400e3 };

/**
 * parseWhen reads a --since/--until value: a duration back from now ("90m", "2h", "3d", "1w") or
 * an ISO 8601 date or timestamp ("2024-05-01", "2024-05-01T10:00Z"); returns ISO UTC.
 */
export function parseWhen(flag: string, value: string, now: Date): string {
  const m = /^(\d+(?:\.\d+)?)\s*([smhdw])$/i.exec(value.trim());
  // A Date reaches back 275,000 years; a duration beyond that is refused rather than thrown on.
  const back = m ? new Date(now.getTime() - Number(m[1]) * UNITS[m[2].toLowerCase()]) : undefined;
  if (back && Number.isFinite(back.getTime())) return back.toISOString();
  if (/^\d{4}-\d{2}-\d{2}([T ][\d:.]+(Z|[+-]\d{2}:?\d{2})?)?$/.test(value.trim())) {
    const ms = Date.parse(value.trim().length === 10 ? `${value.trim()}T00:00:00Z` : value.trim());
    if (Number.isFinite(ms)) return new Date(ms).toISOString();
  }
  throw new UsageError(`${flag} ${shownValue(value)}: not a duration (30m, 2h, 3d, 1w) or an ISO date (2024-05-01)`);
}
