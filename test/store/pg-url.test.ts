import { describe, expect, it } from 'vitest';
import { describeUrl } from '../../src/store/postgres/connect.js';

describe('a PostgreSQL URL', () => {
  it('takes ?pool=N in digits only, from 1 to 1000', () => {
    expect(describeUrl('postgres://u@h/db?pool=16').pool).toBe(16);
    expect(describeUrl('postgres://u@h/db').pool).toBeUndefined();
    for (const bad of ['0x10', '1e2', '', ' 5', '0', '1001', 'abc']) {
      expect(() => describeUrl(`postgres://u@h/db?pool=${encodeURIComponent(bad)}`)).toThrow(
        `?pool=${bad} is not a whole number from 1 to 1000`,
      );
    }
  });
});
