import fs from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { NUMERIC_FLAGS, numericFlag, parseNumber, type NumericFlag } from '../src/commands/flags.js';
import { parseWhen } from '../src/commands/when.js';
import { workerCommand } from '../src/commands/worker.js';
import { checkCrawlOptions } from '../src/commands/crawl.js';
import { cli, fixture, tempDir, testContext } from './helpers.js';

describe('numeric flags', () => {
  it.each([
    ['16', 16],
    ['0', 0],
    ['1000', 1000],
    ['007', 7],
  ])('take the whole number %j as %d', (value, n) => {
    expect(parseNumber('--n', value, { whole: true, min: 0, max: 1000 })).toBe(n);
  });

  it.each([
    ['0.5', 0.5],
    ['1', 1],
    ['0', 0],
    ['0.80', 0.8],
  ])('take the decimal %j as %d', (value, n) => {
    expect(parseNumber('--x', value, { whole: false, min: 0, max: 1 })).toBe(n);
  });

  it.each([
    ['abc', '--n abc: must be a whole number from 1 to 1000'],
    ['', '--n "": must be a whole number from 1 to 1000'],
    [' 5', '--n " 5": must be a whole number from 1 to 1000'],
    ['0x1', '--n 0x1: must be a whole number from 1 to 1000'],
    ['1e3', '--n 1e3: must be a whole number from 1 to 1000'],
    ['-1', '--n -1: must be a whole number from 1 to 1000'],
    ['+1', '--n +1: must be a whole number from 1 to 1000'],
    ['1.5', '--n 1.5: must be a whole number from 1 to 1000'],
    ['0', '--n 0: must be a whole number from 1 to 1000'],
    ['1001', '--n 1001: must be a whole number from 1 to 1000'],
    ['Infinity', '--n Infinity: must be a whole number from 1 to 1000'],
  ])('refuse %j as a whole number, quoting it', (value, message) => {
    expect(() => parseNumber('--n', value, { whole: true, min: 1, max: 1000 })).toThrow(message);
  });

  it.each(['', '.5', '1.', '0x1', 'NaN', '1e-1', '1,5', '2', '1.0001'])('refuse %j as a probability', (value) => {
    expect(() => numericFlag('--min-confidence', value)).toThrow(/^--min-confidence .+: must be a number from 0 to 1$/);
  });

  it('bound a timeout below the 2^31−1 ms at which Node timers overflow, and say so', () => {
    expect(() => numericFlag('--timeout', '3000000')).toThrow(
      '--timeout 3000000: must be a number of seconds above 0 and at most 86400 (a day)',
    );
    expect(() => numericFlag('--timeout', '0')).toThrow(/above 0/);
    expect(NUMERIC_FLAGS['--timeout'].max * 1000).toBeLessThanOrEqual(2 ** 31 - 1);
    expect(numericFlag('--timeout', '0.5')).toBe(0.5);
  });

  it('bound a worker interval to what a Date can go back', () => {
    expect(() => numericFlag('--interval', '1e12')).toThrow(
      '--interval 1e12: must be a number of minutes above 0 and at most 43200 (30 days)',
    );
    expect(() => numericFlag('--interval', '99999999')).toThrow(/at most 43200/);
    expect(Number.isFinite(new Date(Date.now() - NUMERIC_FLAGS['--interval'].max * 60_000).getTime())).toBe(true);
  });

  it('are checked by the worker itself too, for callers other than the CLI', async () => {
    const quiet = { start() {}, feed() {}, stop() {} };
    const o = { concurrency: 1, perHost: 1, timeout: 1, maxSize: 1, exitWhenIdle: true };
    for (const interval of [1e12, 0, NaN]) {
      await expect(workerCommand(testContext(), { ...o, interval }, () => {}, quiet)).rejects.toThrow(
        `--interval ${interval}: must be a number of minutes above 0 and at most 43200 (30 days)`,
      );
    }
  });

  it('keep ids and counts exact: nothing beyond 2^53 − 1', () => {
    expect(() => numericFlag('--after-id', '9007199254740993')).toThrow(
      /--after-id 9007199254740993: must be a whole number from 0 to 9007199254740991/,
    );
    expect(numericFlag('--after-id', '9007199254740991')).toBe(Number.MAX_SAFE_INTEGER);
  });

  it('are checked again, by the same specs, for callers other than the CLI, naming the value (not "not that")', () => {
    const ok = { concurrency: 16, perHost: 2, timeout: 30, maxSize: 15 };
    expect(checkCrawlOptions(ok)).toBe(ok);
    expect(() => checkCrawlOptions({ ...ok, concurrency: NaN })).toThrow('--concurrency NaN: must be a whole number from 1 to 1000');
    expect(() => checkCrawlOptions({ ...ok, perHost: 2.5 })).toThrow('--per-host 2.5: must be a whole number from 1 to 1000');
    expect(() => checkCrawlOptions({ ...ok, timeout: 3_000_000 })).toThrow(
      '--timeout 3000000: must be a number of seconds above 0 and at most 86400 (a day)',
    );
    expect(() => checkCrawlOptions({ ...ok, maxSize: 0 })).toThrow('--max-size 0: must be a number of MiB above 0');
  });

  it('refuse a duration too far back for a date instead of failing inside', () => {
    expect(() => parseWhen('--since', '99999999999999w', new Date())).toThrow('--since 99999999999999w: not a duration');
    expect(() => parseWhen('--since', '', new Date())).toThrow('--since "": not a duration');
  });
});

// Every numeric flag of every command, through the compiled CLI: exit 2, one line naming the flag and the value.
describe('numeric flags on the command line', () => {
  let db: string;
  beforeAll(() => {
    db = path.join(tempDir(), 'flags.db');
  });

  const where: Record<NumericFlag, string[]> = {
    '--concurrency': ['refresh'],
    '--per-host': ['refresh'],
    '--timeout': ['refresh'],
    '--max-size': ['refresh'],
    '--exec-timeout': ['refresh', '--exec', 'cat'],
    '--interval': ['worker', '--exit-when-idle'],
    '--limit': ['items'],
    '--after-id': ['search', 'rust'],
    '--min-confidence': ['classify'],
    '--depth': ['classify', 'train', '--from-folders'],
    '--min-tag-items': ['classify', 'train', '--from-tags'],
    '--top': ['classify', 'explain', '1'],
  };

  it.each(Object.keys(NUMERIC_FLAGS).flatMap((flag) => ['abc', ''].map((v) => [flag, v] as const)))(
    '%s %j exits 2 with one line quoting the flag and the value',
    async (flag, value) => {
      const r = await cli(['--db', db, ...where[flag as NumericFlag], flag, value]);
      expect(r.code).toBe(2);
      const shown = value === '' ? '""' : value;
      expect(r.stderr).toMatch(new RegExp(`^inkzee: ${flag} ${shown}: must be (a|a whole) number [^\\n]+\\n$`));
    },
  );

  it.each([
    [['show', ''], 'inkzee: show "": an item id is a whole number (see `inkzee items`)\n'],
    [['classify', 'explain', ''], 'inkzee: item "": give the item\'s id, a whole number from `inkzee items`\n'],
    [['classify', 'train', '--labels', 'x.csv', '--model', ''], 'inkzee: --model "": use letters, digits, ".", "_" or "-"\n'],
    [
      ['items', '--has-enclosure', 'audio mpeg'],
      'inkzee: --has-enclosure "audio mpeg": not audio, video, image or a MIME type (audio/mpeg)\n',
    ],
  ])('%j quotes an empty or spaced value instead of losing it', async (args, stderr) => {
    expect(await cli(['--db', db, ...args])).toMatchObject({ code: 2, stderr });
  });

  it('names an empty input file "" rather than nothing', async () => {
    expect(await cli(['--db', db, 'import', '', '--no-fetch'])).toMatchObject({ code: 1, stderr: 'inkzee: "": no such file\n' });
  });

  it('refuses a bad crawl flag of import before storing anything', async () => {
    const fresh = path.join(tempDir(), 'import.db');
    const r = await cli(['--db', fresh, 'import', fixture('opml', 'nested.opml'), '--timeout', '3000000']);
    expect(r).toMatchObject({ code: 2, stdout: '' });
    expect(r.stderr).toMatch(/^inkzee: --timeout 3000000: must be .* at most 86400 \(a day\)\n$/);
    expect(fs.existsSync(fresh)).toBe(false);
  });

  it('refuses a worker interval too large to compute with, instead of an internal error', async () => {
    const r = await cli(['--db', db, 'worker', '--exit-when-idle', '--interval', '1e12']);
    expect(r).toMatchObject({
      code: 2,
      stderr: 'inkzee: --interval 1e12: must be a number of minutes above 0 and at most 43200 (30 days)\n',
    });
  });
});
