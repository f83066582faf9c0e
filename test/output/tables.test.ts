import path from 'node:path';
import { execFile, execFileSync } from 'node:child_process';
import stringWidth from 'string-width';
import { beforeAll, describe, expect, it } from 'vitest';
import { openStore } from '../../src/store/sqlite/connect.js';
import { layout, renderTable, truncate } from '../../src/output/table.js';
import { oneLine, stripControls } from '../../src/output/sanitize.js';
import { ROOT, tempDir } from '../helpers.js';
import { seed } from '../read/seed.js';

const EMOJI_FEED = `Feed ${'😀'.repeat(12)} ${'🇫🇷'.repeat(3)}`;
const BIDI_TITLE = 'Invoice \u202egnp.exe\u202c for \u2067you\u2069 \u200fnow\u200e \u061cok';

describe('truncate', () => {
  it.each([
    [EMOJI_FEED, 24],
    ['🇫🇷🇩🇪🇮🇹🇪🇸', 5],
    ['👨‍👩‍👧 family 👩🏽‍💻', 4],
    ['cafe\u0301 cafe\u0301', 5],
    ['東京都 東京都', 6],
    ['plain ascii text', 8],
  ])('cuts %j between grapheme clusters to at most %i columns, with "…"', (s, width) => {
    const cut = truncate(s, width);
    expect(stringWidth(cut)).toBeLessThanOrEqual(width);
    expect(cut.endsWith('…')).toBe(true);
    expect(cut.isWellFormed()).toBe(true); // no half of a surrogate pair
    expect(cut).not.toContain('\ufffd');
    // Every cluster kept is a whole cluster of the original.
    const clusters = [...new Intl.Segmenter(undefined, { granularity: 'grapheme' }).segment(s)].map((g) => g.segment);
    expect(s.startsWith(cut.slice(0, -1))).toBe(true);
    expect(clusters.some((_, k) => clusters.slice(0, k).join('') === cut.slice(0, -1))).toBe(true);
  });

  it('leaves text that fits alone', () => {
    expect(truncate('😀😀', 4)).toBe('😀😀');
  });
});

describe('bidi controls', () => {
  it('are stripped from human output, like other controls', () => {
    expect(stripControls(BIDI_TITLE)).toBe('Invoice gnp.exe for you now ok');
    expect(oneLine(`a\u202Db\u2066c\u2068d`)).toBe('abcd');
  });
});

describe('table layout', () => {
  const cols = [
    { header: 'ID', cell: (r: { id: number }) => r.id, align: 'right' as const },
    { header: 'DATE', cell: () => '2026-01-10 00:00', drop: 2 },
    { header: 'FEED', cell: () => EMOJI_FEED, max: 24, shrink: true, drop: 1 },
    { header: 'TITLE', cell: () => 'A fairly long title that will not fit on a narrow terminal', flex: true },
  ];
  const rows = [{ id: 1 }, { id: 12345 }];

  it.each([
    [20, ['ID', 'TITLE']],
    [30, ['ID', 'TITLE']],
    [40, ['ID', 'DATE', 'TITLE']],
    [80, ['ID', 'DATE', 'FEED', 'TITLE']],
  ])('fits %i columns, leaving out the minor columns first', (width, headers) => {
    const lines = renderTable(rows, cols, width);
    for (const l of lines) expect(stringWidth(l)).toBeLessThanOrEqual(width);
    expect(lines[0].split(/\s+/).filter(Boolean)).toEqual(headers);
    expect(lines[1]).toMatch(/…$/);
  });

  it('caps a column at its max width even in a pipe, with "…"', () => {
    const lines = renderTable(rows, cols);
    expect(lines[1]).toContain(`${truncate(EMOJI_FEED, 24)}`);
    expect(lines[1]).toContain('A fairly long title that will not fit on a narrow terminal');
  });

  it('sanitizes headers too: they can be data, like the labels heading a confusion matrix', () => {
    const lines = renderTable([{ n: 1 }], [{ header: 'Evil\u001b[2J\u202elabel', cell: (r: { n: number }) => r.n }]);
    expect(lines[0]).toBe('Evillabel');
  });

  it('keeps every line within even a tiny width', () => {
    for (const width of [1, 3, 5, 8, 12]) {
      for (const l of renderTable(rows, cols, width)) expect(stringWidth(l)).toBeLessThanOrEqual(width);
    }
    expect(layout([5, 5], [{}, {}], 3).shown).toEqual([0]);
  });
});

// A real terminal of a given width: a pty from util-linux `script`, sized with stty.
const hasScript =
  process.platform === 'linux' &&
  (() => {
    try {
      execFileSync('script', ['--version'], { stdio: 'ignore' });
      return true;
    } catch {
      return false;
    }
  })();

function onTerminal(cols: number, args: string[], term = 'dumb'): Promise<string> {
  const cmd = `stty cols ${cols} rows 100; "${process.execPath}" "${path.join(ROOT, 'bin', 'inkzee.js')}" ${args.map((a) => `'${a}'`).join(' ')}`;
  return new Promise((resolve, reject) =>
    execFile(
      'script',
      ['-qec', cmd, '/dev/null'],
      { env: { PATH: process.env.PATH, HOME: process.env.HOME, XDG_CONFIG_HOME: process.env.XDG_CONFIG_HOME, TERM: term } },
      (err, stdout) => (err ? reject(err) : resolve(stdout.replace(/\r/g, ''))),
    ),
  );
}

describe.skipIf(!hasScript)('tables on a terminal', () => {
  let db: string;
  beforeAll(() => {
    db = path.join(tempDir(), 'tables.db');
    const store = openStore(db);
    seed(store, {
      'https://emoji.example/feed': {
        category: 'Fun/Very long folder name here',
        title: EMOJI_FEED,
        items: [
          { guid: 'e1', title: BIDI_TITLE, published: '2026-01-10T00:00:00.000Z', summary: 'invoice text' },
          {
            guid: 'e2',
            title: 'Second invoice, with a much longer title than any terminal this narrow can show',
            published: '2026-01-09T00:00:00.000Z',
          },
        ],
      },
    });
    store.close();
  });

  it.each([20, 30, 40, 80])(
    'items, feeds, search and the tables of stats fit a terminal %i columns wide',
    async (cols) => {
      for (const args of [['items'], ['feeds'], ['search', 'invoice'], ['stats']]) {
        const out = await onTerminal(cols, ['--db', db, ...args]);
        // stats' own sentences may wrap; its indented per-day bars and top-feeds table may not.
        const lines = out.split('\n').filter((l) => l && (args[0] !== 'stats' || l.startsWith('  ')));
        expect(lines.length).toBeGreaterThan(1);
        for (const l of lines) expect(stringWidth(l), `${args.join(' ')} at ${cols}: ${JSON.stringify(l)}`).toBeLessThanOrEqual(cols);
        expect(out).not.toMatch(/[\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069\ufffd]/);
      }
    },
    60_000,
  );

  it('shows search matches in bold on a colour terminal, and nothing else raw', async () => {
    const out = await onTerminal(80, ['--db', db, 'search', 'invoice'], 'xterm');
    expect(out).toContain('\u001b[1mInvoice\u001b[22m');
    expect(out.replace(/\u001b\[(1|22)m/g, '')).not.toMatch(/[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/);
  });

  it("keeps every page of a long listing under the first page's header", async () => {
    const many = path.join(tempDir(), 'pages.db');
    const store = openStore(many);
    const at = (k: number) => new Date(Date.UTC(2025, 0, 1) + k * 60_000).toISOString();
    seed(store, {
      'https://a.example/': {
        category: '',
        title: 'A',
        items: Array.from({ length: 500 }, (_, k) => ({ guid: `a${k}`, title: `new ${k}`, published: at(1000 + k) })),
      },
      'https://b.example/': {
        category: '',
        title: 'A much longer feed title',
        items: Array.from({ length: 300 }, (_, k) => ({ guid: `b${k}`, title: `old ${k}`, published: at(k) })),
      },
    });
    store.close();
    const lines = (await onTerminal(40, ['--db', many, 'items'])).split('\n').filter(Boolean);
    expect(lines).toHaveLength(801);
    const feedAt = lines[0].indexOf('FEED');
    expect(feedAt).toBeGreaterThan(0);
    for (const l of lines.slice(1)) {
      expect(stringWidth(l)).toBeLessThanOrEqual(40);
      expect(l.slice(feedAt, feedAt + 1)).toMatch(/A/); // the feed column, in the same place on every page
    }
  }, 60_000);

  it('cuts the feed column by grapheme with "…", and strips bidi controls from titles', async () => {
    const out = await onTerminal(120, ['--db', db, 'items']);
    expect(out).toContain(truncate(EMOJI_FEED, 24));
    expect(out).toContain('Invoice gnp.exe for you now ok');
    const json = (await onTerminal(120, ['--db', db, 'items', '--json']))
      .split('\n')
      .filter(Boolean)
      .map((l) => JSON.parse(l));
    expect(json.map((i) => i.title)).toContain(BIDI_TITLE); // NDJSON keeps the raw text
    expect(json[0].feedTitle).toBe(EMOJI_FEED);
  });
});
