import { describe, expect, it } from 'vitest';
import { toIsoDate } from '../../src/parse/dates.js';

describe('toIsoDate reads the date forms feeds use', () => {
  it.each([
    // RFC 822 / RSS 2.0, with its quirks
    ['Thu, 22 Feb 2024 12:00:00 +0000', '2024-02-22T12:00:00.000Z'],
    ['Thu, 22 Feb 2024 12:00:00 -0330', '2024-02-22T15:30:00.000Z'],
    ['Thu, 22 Feb 2024 12:00:00 UT', '2024-02-22T12:00:00.000Z'],
    ['Thu, 22 Feb 2024 12:00:00 Z', '2024-02-22T12:00:00.000Z'],
    ['Thu, 22 Feb 2024 12:00 EST', '2024-02-22T17:00:00.000Z'],
    ['Wed, 9 Nov 2005 10:00:00  EST', '2005-11-09T15:00:00.000Z'],
    ['22 Feb 2024 12:00:00 GMT', '2024-02-22T12:00:00.000Z'],
    ['Thurs, 22 February 2024 12:00:00 CEST', '2024-02-22T10:00:00.000Z'],
    ['Mon, 22 Feb 04 12:00:00 GMT', '2004-02-22T12:00:00.000Z'],
    ['Thu, 22 Feb 2024', '2024-02-22T00:00:00.000Z'],
    ['Thu, 22 Feb 2024 12:00:00 GMT+2', '2024-02-22T10:00:00.000Z'],
    // RFC 3339 / W3C-DTF / ISO 8601
    ['2003-12-31T10:14:55Z', '2003-12-31T10:14:55.000Z'],
    ['2003-12-31T10:14:55-08:00', '2003-12-31T18:14:55.000Z'],
    ['2003-12-31T10:14:55.123456+01:00', '2003-12-31T09:14:55.123Z'],
    ['2003-12-31T10:14Z', '2003-12-31T10:14:00.000Z'],
    ['2003-12-31 10:14:55', '2003-12-31T10:14:55.000Z'],
    ['2003-12-31', '2003-12-31T00:00:00.000Z'],
    ['2003-12', '2003-12-01T00:00:00.000Z'],
    ['2003', '2003-01-01T00:00:00.000Z'],
    ['20031231T101455Z', '2003-12-31T10:14:55.000Z'],
    ['2003/12/31 10:14:55', '2003-12-31T10:14:55.000Z'],
    ['Sun Jan  4 16:29:06 PST 2004', '2004-01-05T00:29:06.000Z'],
    // far-future years are kept as the instant they say
    ['Fri, 31 Dec 9999 23:59:59 GMT', '9999-12-31T23:59:59.000Z'],
    ['2200-01-01T00:00:00Z', '2200-01-01T00:00:00.000Z'],
  ])('reads %j as %s', (input, iso) => {
    expect(toIsoDate(input)).toBe(iso);
  });

  it.each([
    ['year 0000', 'Sat, 01 Jan 0000 00:00:00 GMT'],
    ['ISO year 0000', '0000-01-01T00:00:00Z'],
    ['February 30th', '2004-02-30T00:00:00Z'],
    ['February 29th of a common year', 'Thu, 29 Feb 2001 00:00:00 GMT'],
    ['month 13', '2004-13-01'],
    ['hour 25', '2004-01-01T25:00:00Z'],
    ['minute 61', 'Thu, 01 Jan 2004 10:61:00 GMT'],
    ['an unknown month name', 'Mon, 10 Foo 2003 00:00:00 GMT'],
    ['an unknown zone', 'Thu, 22 Feb 2024 12:00:00 XYZT'],
    ['an offset beyond 18 hours', '2004-01-01T00:00:00+25:00'],
    ['words', 'yesterday'],
    ['empty', ''],
    ['zero date', '0000-00-00'],
  ])('gives null, never a wrong date, for %s', (_name, input) => {
    expect(toIsoDate(input)).toBeNull();
  });
});
