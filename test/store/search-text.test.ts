import crypto from 'node:crypto';
import path from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Store } from '../../src/store/contract.js';
import { openPostgres } from '../../src/store/postgres/index.js';
import { openSqlite } from '../../src/store/sqlite/index.js';
import { collect, tempDir } from '../helpers.js';
import { freshDatabase, pgAvailable } from '../pg.js';
import { sanitizeHtml } from '../../src/parse/sanitize.js';
import { itemSearchText } from '../../src/text/search-text.js';
import { htmlToText, replayedText, storedHtmlToText } from '../../src/text/html.js';
import { markup } from '../parse/html-arbitrary.js';

describe('storedHtmlToText', () => {
  it('reads whatever the sanitizer stores as htmlToText does, without an HTML parser unless there is SVG or MathML', () => {
    fc.assert(
      fc.property(markup, (html) => {
        const stored = sanitizeHtml(html, 'https://blog.example/post/');
        expect(storedHtmlToText(stored)).toBe(htmlToText(stored));
        if (!/<(svg|math)\b/.test(stored)) expect(replayedText(stored)).not.toBeNull();
      }),
      { numRuns: 3000 },
    );
  });

  it("gives htmlToText's result for any other HTML too, as rows stored before the sanitizer hold", () => {
    fc.assert(
      fc.property(markup, (html) => {
        expect(storedHtmlToText(html)).toBe(htmlToText(html));
      }),
      { numRuns: 3000 },
    );
  });

  it("reads a start tag with millions of attributes as htmlToText does, without overflowing the scan's stack", () => {
    for (const html of [`<p${' a="b"'.repeat(2_000_000)}>x</p>y`, `<p${' a'.repeat(3_000_000)}>x</p>y`]) {
      expect(storedHtmlToText(html)).toBe(htmlToText(html));
      expect(storedHtmlToText(html)).toBe('x\ny');
    }
  });

  it('folds and trims each line and keeps at most one empty line, as the split-and-trim definition does', () => {
    const reference = (s: string) =>
      s
        .replace(/\u00a0/g, ' ')
        .split('\n')
        .map((l) => l.replace(/[ \t\r\f\v]+/g, ' ').trim())
        .join('\n')
        .replace(/\n{3,}/g, '\n\n')
        .trim();
    const chars = [...'ab \t\n\r\f\v', '\u00a0', '\u2003', '\u2028', '\u3000', '\ufeff', '\u200b', '\u0085', '•'];
    fc.assert(
      fc.property(
        fc.array(fc.constantFrom(...chars), { maxLength: 30 }).map((cs) => cs.join('')),
        (text) => {
          expect(htmlToText(text)).toBe(reference(text));
          expect(storedHtmlToText(text)).toBe(reference(text));
        },
      ),
      { numRuns: 5000 },
    );
  });

  it.each([
    ['block elements on their own lines', '<p>One</p><p>Two</p><div>Three</div>', 'One\n\nTwo\n\nThree'],
    ['list items bulleted', '<ul><li>a</li><li>b</li></ul>', '• a\n• b'],
    ['a paragraph closed by the block that opens inside it', '<p>a<div>b</div></p>c', 'a\n\nb\n\nc'],
    ['a stray </p> and </br> read as elements', 'a</p>b</br>c', 'a\n\nb\n\nc'],
    ['escaped text decoded', 'a &amp; b &lt;c&gt; d&nbsp;e', 'a & b <c> d e'],
    ['attribute values ignored even with > in them', '<a href="x" title="a > b">link</a>', 'link'],
    ['plain text folded', '  two   words\t\there  ', 'two words here'],
    ['comments dropped', 'a<!-- <p> -->b<!-- x --!>c', 'abc'],
    ['upper-case tags read as lower-case', '<P>a</P><LI>b', 'a\n\n• b'],
  ])('%s', (_name, html, expected) => {
    expect(replayedText(html)).not.toBeNull();
    expect(storedHtmlToText(html)).toBe(expected);
    expect(htmlToText(html)).toBe(expected);
  });

  it.each([
    ['SVG', '<p>a</p><svg><title>t</title><path d="M0"/></svg>b'],
    ['a script', 'a<script>if (a < b) x()</script>b'],
    ['an unquoted attribute', '<a href=x>a</a>'],
    ['an abruptly closed comment', 'a<!-->b'],
  ])('hands %s to htmlToText', (_name, html) => {
    expect(replayedText(html)).toBeNull();
    expect(storedHtmlToText(html)).toBe(htmlToText(html));
  });
});

describe('itemSearchText', () => {
  it('indexes the title with the categories, and a content that repeats the summary once', () => {
    const t = itemSearchText({
      title: 'Bread',
      summary: '<p>We bake.</p>',
      content: '<p>We bake.</p><p>At length.</p>',
      categories: ['Food'],
    });
    expect(t).toEqual({ title: 'Bread\nFood', body: 'We bake.\n\nAt length.' });
  });
});

describe('itemSearchText bounds', () => {
  it('indexes at most 300,000 bytes of body and 30,000 of title, cut between characters', () => {
    const t = itemSearchText({
      title: '\u4e2d'.repeat(20_000),
      summary: null,
      content: `<p>${'\ud83d\ude00'.repeat(100_000)}</p>`,
      categories: [],
    });
    expect(Buffer.byteLength(t.title)).toBe(30_000);
    expect(t.title).toBe('\u4e2d'.repeat(10_000));
    expect(Buffer.byteLength(t.body)).toBe(300_000);
    expect(t.body).toBe('\ud83d\ude00'.repeat(75_000));
  });
});

const NOW = '2026-01-01T00:00:00.000Z';
const engines: [string, () => Promise<Store>][] = [
  ['SQLite', async () => openSqlite(path.join(tempDir(), 'big.db'))],
  ...(pgAvailable ? [['PostgreSQL', async () => openPostgres(await freshDatabase())] as [string, () => Promise<Store>]] : []),
];

describe.each(engines)('an item of megabytes of distinct words on %s', (_engine, open) => {
  it('is stored and found by a word at its beginning (PostgreSQL refused a tsvector over 1 MB)', async () => {
    const store = await open();
    try {
      const { added } = await store.addSubscriptions([{ url: 'http://e.example/f', title: null, siteUrl: null, category: '' }], NOW);
      const words = Array.from({ length: 150_000 }, () => crypto.randomBytes(6).toString('hex')).join(' ');
      const item = {
        key: 'k',
        guid: 'k',
        link: null,
        title: 't',
        author: null,
        published: null,
        updated: null,
        summary: null,
        content: `<p>needle ${words}</p>`,
        enclosures: [],
        categories: [],
        duration: null,
        comments: null,
        episode: null,
        season: null,
        explicit: null,
        transcriptUrl: null,
        chaptersUrl: null,
      };
      expect(
        await store.recordFetch(added[0].id, { items: [item], movedTo: null, state: { status: 200, error: null, nextCheckAt: null } }, NOW),
      ).toMatchObject({ added: 1 });
      expect((await collect(store.search('needle', {}))).map((h) => h.guid)).toEqual(['k']);
    } finally {
      await store.close();
    }
  }, 60_000);
});
