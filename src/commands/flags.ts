import { shownValue, UsageError } from '../errors.js';

/** NumberSpec says which values a numeric flag takes: decimal digits only, within a range. */
export interface NumberSpec {
  /** Whole numbers only ("16"), else a fraction too ("0.5"); never a sign, exponent, hex or blank. */
  whole: boolean;
  min: number;
  max: number;
  /** The minimum itself is refused: a timeout must be above 0, not 0. */
  aboveMin?: boolean;
  /** The unit, for the message: "seconds". */
  unit?: string;
  /** Why the maximum is what it is, when it is not obvious. */
  why?: string;
}

const MAX_COUNT = Number.MAX_SAFE_INTEGER;

/**
 * NUMERIC_FLAGS are the bounds of every numeric flag, in one place. Upper bounds keep values
 * where the code using them works: Node's timers overflow above 2^31−1 ms (24.8 days) and then
 * fire at once, a Date cannot go back 1e12 minutes, and ids and counts beyond 2^53 lose digits.
 */
export const NUMERIC_FLAGS = {
  '--concurrency': { whole: true, min: 1, max: 1000 },
  '--per-host': { whole: true, min: 1, max: 1000 },
  '--timeout': { whole: false, min: 0, aboveMin: true, max: 86_400, unit: 'seconds', why: 'a day' },
  '--max-size': { whole: false, min: 0, aboveMin: true, max: 1024, unit: 'MiB', why: '1 GiB' },
  '--exec-timeout': { whole: false, min: 0, aboveMin: true, max: 86_400, unit: 'seconds', why: 'a day' },
  '--interval': { whole: false, min: 0, aboveMin: true, max: 43_200, unit: 'minutes', why: '30 days' },
  '--limit': { whole: true, min: 0, max: MAX_COUNT },
  '--after-id': { whole: true, min: 0, max: MAX_COUNT },
  '--min-confidence': { whole: false, min: 0, max: 1 },
  '--depth': { whole: true, min: 1, max: 100 },
  '--min-tag-items': { whole: true, min: 1, max: MAX_COUNT },
  '--top': { whole: true, min: 1, max: 10_000 },
} satisfies Record<string, NumberSpec>;

/** NumericFlag is the name of a flag listed in NUMERIC_FLAGS. */
export type NumericFlag = keyof typeof NUMERIC_FLAGS;

/** describeSpec words a spec for a message: "a whole number from 1 to 1000". */
export function describeSpec(s: NumberSpec): string {
  const what = `${s.whole ? 'a whole number' : 'a number'}${s.unit ? ` of ${s.unit}` : ''}`;
  const from = s.aboveMin ? `above ${s.min}` : `from ${s.min}`;
  return `${what} ${from}${s.aboveMin ? ' and at most' : ' to'} ${s.max}${s.why ? ` (${s.why})` : ''}`;
}

/**
 * parseNumber reads a numeric flag value by its spec, or throws a one-line UsageError (exit 2)
 * quoting the flag and the value. Only decimal digits count: Number() would take '' as 0, '0x1'
 * as 1 and '1e12' as a trillion, and turn 'abc' into a NaN that no message can quote.
 */
export function parseNumber(flag: string, value: string, spec: NumberSpec): number {
  const ok = (spec.whole ? /^\d+$/ : /^\d+(\.\d+)?$/).test(value);
  const n = ok ? Number(value) : NaN;
  if (!ok || n > spec.max || n < spec.min || (spec.aboveMin && n === spec.min)) {
    throw new UsageError(`${flag} ${shownValue(value)}: must be ${describeSpec(spec)}`);
  }
  return n;
}

/** numericFlag parses a value of one of the NUMERIC_FLAGS by that flag's bounds. */
export function numericFlag(flag: NumericFlag, value: string): number {
  return parseNumber(flag, value, NUMERIC_FLAGS[flag]);
}

/** optionalFlag is numericFlag for a flag that may be absent. */
export function optionalFlag(flag: NumericFlag, value: string | undefined): number | undefined {
  return value === undefined ? undefined : numericFlag(flag, value);
}
