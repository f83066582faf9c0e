import fs from 'node:fs';
import path from 'node:path';
import { execFile, spawn } from 'node:child_process';
import { beforeAll, describe, expect, it } from 'vitest';
import { openStore } from '../../src/store/sqlite/connect.js';
import { renderTable } from '../../src/output/table.js';
import { stripControls } from '../../src/output/sanitize.js';
import { cli, ROOT, tempDir } from '../helpers.js';
import { seed } from './seed.js';

const EVIL = 'Pwned \u001b]0;owned-title\u0007 \u001b[2J\u001b[31mred\u001b[0m \u009b31m bell\u0007 done';
let db: string;

beforeAll(() => {
  db = path.join(tempDir(), 'read.db');
  const store = openStore(db);
  seed(store, {
    'https://evil.example/feed': {
      category: 'Evil',
      title: `Evil \u001b[5mfeed`,
      items: [{ guid: 'e1', title: EVIL, published: '2026-01-10T00:00:00.000Z', content: `<p>body ${EVIL}</p>` }],
    },
    'https://bulk.example/feed': {
      category: 'Bulk',
      items: Array.from({ length: 5000 }, (_, k) => ({
        guid: `b${k}`,
        title: `Bulk item ${k}`,
        published: new Date(Date.UTC(2025, 0, 1) + k * 60_000).toISOString(),
        summary: 'x'.repeat(200),
      })),
    },
  });
  store.close();
});

describe('reading from the command line', () => {
  it('writes NDJSON items with a stable, documented schema', async () => {
    const r = await cli(['--db', db, 'items', '--json', '--category', 'Evil']);
    const rec = JSON.parse(r.stdout);
    expect(Object.keys(rec)).toEqual([
      'id',
      'feedId',
      'feedUrl',
      'feedTitle',
      'category',
      'guid',
      'link',
      'title',
      'author',
      'published',
      'updated',
      'summary',
      'content',
      'firstSeen',
      'enclosures',
      'categories',
      'duration',
      'comments',
      'episode',
      'season',
      'explicit',
      'transcriptUrl',
      'chaptersUrl',
      'read',
      'readAt',
      'starred',
      'starredAt',
    ]);
    expect(rec).toMatchObject({ enclosures: [], categories: [], duration: null, explicit: null, transcriptUrl: null });
    expect(rec.title).toBe(EVIL); // data stays raw in JSON
    const search = JSON.parse((await cli(['--db', db, 'search', 'pwned', '--json'])).stdout);
    expect(Object.keys(search)).toEqual([...Object.keys(rec), 'snippet', 'rank']);
    expect(search.snippet).toContain('«Pwned»');
  });

  it('ends quietly with exit 0 when the reader closes the pipe early', async () => {
    const bin = path.join(ROOT, 'bin', 'inkzee.js');
    const errFile = path.join(tempDir(), 'err');
    const out = await new Promise<string>((resolve) =>
      execFile(
        'bash',
        [
          '-c',
          `set -o pipefail; "${process.execPath}" "${bin}" --db "${db}" items --json 2>"${errFile}" | head -1; echo "status=\${PIPESTATUS[0]}"`,
        ],
        (_e, stdout) => resolve(stdout),
      ),
    );
    const [line, status] = out.trim().split('\n');
    expect(JSON.parse(line)).toHaveProperty('id');
    expect(status).toBe('status=0');
    expect(fs.readFileSync(errFile, 'utf8')).toBe('');
  });

  it.skipIf(!fs.existsSync('/dev/full'))('keeps its exit code when stderr cannot be written', async () => {
    const full = fs.openSync('/dev/full', 'w');
    const code = (args: string[]) =>
      new Promise<number | null>((resolve) =>
        spawn(process.execPath, [path.join(ROOT, 'bin', 'inkzee.js'), '--db', db, ...args], { stdio: ['ignore', 'ignore', full] }).on(
          'close',
          resolve,
        ),
      );
    expect(await code(['items', '--limit', 'x'])).toBe(2);
    expect(await code(['show', '999999'])).toBe(1);
    expect(await code(['items', '--category', 'nothing-here'])).toBe(0); // "no items match" is lost, not fatal
    fs.closeSync(full);
  });

  it('ends help quietly with exit 0 when the reader went away before it was written', async () => {
    const bin = path.join(ROOT, 'bin', 'inkzee.js');
    const errFile = path.join(tempDir(), 'err');
    // `true` exits without reading, so the help is written into a closed pipe (EPIPE).
    const out = await new Promise<string>((resolve) =>
      execFile(
        'bash',
        ['-c', `(sleep 0.3; exec "${process.execPath}" "${bin}" --help 2>"${errFile}") | true; echo "status=\${PIPESTATUS[0]}"`],
        (_e, stdout) => resolve(stdout),
      ),
    );
    expect(out.trim()).toBe('status=0');
    expect(fs.readFileSync(errFile, 'utf8')).toBe('');
  });

  it
    .skipIf(!fs.existsSync('/dev/full'))
    .each([
      'items',
      'items --json',
      'items --format tsv',
      'search bulk',
      'show 1',
      'stats',
      'stats --json',
      'feeds',
      'feeds --json',
      'export',
      '--help',
      'items --help',
      '--version',
    ])('inkzee %s to a full disk ends with one line and exit 1, not an internal error', async (command) => {
    const args = command.split(' ');
    const full = fs.openSync('/dev/full', 'w');
    const r = await new Promise<{ code: number | null; stderr: string }>((resolve) => {
      const child = spawn(process.execPath, [path.join(ROOT, 'bin', 'inkzee.js'), '--db', db, ...args], {
        stdio: ['ignore', full, 'pipe'],
      });
      let stderr = '';
      child.stderr.on('data', (d) => (stderr += d));
      child.on('close', (code) => resolve({ code, stderr }));
    });
    fs.closeSync(full);
    expect(r.code).toBe(1);
    const lines = r.stderr.trim().split('\n');
    expect(lines.at(-1)).toBe('inkzee: cannot write to standard output (ENOSPC)');
    if (args.includes('--json'))
      expect(JSON.parse(lines[0])).toEqual({ type: 'error', code: 'stdout', message: 'cannot write to standard output (ENOSPC)' });
    expect(lines).toHaveLength(args.includes('--json') ? 2 : 1);
  });

  it('never lets escape sequences from feeds reach the terminal in human output', async () => {
    for (const [args, shown] of [
      [['items', '--category', 'Evil'], 'Pwned'],
      [['search', 'pwned'], 'Pwned'],
      [['feeds', '--category', 'Evil'], 'Evil feed'],
      [['items', '--category', 'Evil', '--format', 'tsv'], 'Pwned'],
    ] as const) {
      const r = await cli(['--db', db, ...args]);
      expect(r.stdout).toContain(shown);
      expect(r.stdout).not.toMatch(/[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/);
    }
    const id = JSON.parse((await cli(['--db', db, 'items', '--json', '--category', 'Evil'])).stdout).id;
    const show = await cli(['--db', db, 'show', String(id)]);
    expect(show.stdout).toContain('body Pwned');
    expect(show.stdout).not.toMatch(/[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/);
  });

  it('prints stats as one JSON object, and shows an item as readable text', async () => {
    const s = JSON.parse((await cli(['--db', db, 'stats', '--json'])).stdout);
    expect(s).toMatchObject({ feeds: { total: 2, never: 2 }, items: { total: 5001 } });
    const r = await cli(['--db', db, 'show', '999999']);
    expect(r).toMatchObject({ code: 1, stderr: 'inkzee: item 999999: no such item\n' });
  });
});

describe('tables', () => {
  it('fit the terminal width by truncating the title column, counting wide characters double', () => {
    const rows = [
      { id: 1, title: '東京 '.repeat(40) },
      { id: 22, title: 'short' },
    ];
    const lines = renderTable(
      rows,
      [
        { header: 'ID', cell: (r) => r.id, align: 'right' },
        { header: 'TITLE', cell: (r) => r.title, flex: true },
      ],
      40,
    );
    for (const l of lines) expect([...l].reduce((w, c) => w + (/[\u3000-\u9fff]/.test(c) ? 2 : 1), 0)).toBeLessThanOrEqual(40);
    expect(lines[1]).toMatch(/…$/);
    expect(lines.length).toBe(3);
  });

  it('strip OSC, CSI and C1 control sequences', () => {
    expect(stripControls(EVIL)).toBe('Pwned  red 31m bell done');
  });
});
