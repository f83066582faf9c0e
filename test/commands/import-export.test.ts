import fs from 'node:fs';
import path from 'node:path';
import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import { importSubscriptions } from '../../src/commands/import.js';
import { exportCommand } from '../../src/commands/export.js';
import { listFeeds } from '../../src/store/sqlite/feeds.js';
import { fixture, ROOT, tempDir, testContext } from '../helpers.js';

const snapshot = (ctx: ReturnType<typeof testContext>) =>
  listFeeds(ctx.db()).map((f) => ({ url: f.url, title: f.title, category: f.category, siteUrl: f.siteUrl }));

describe('import', () => {
  it('stores every subscription with its folder path and reports counts', async () => {
    const ctx = testContext();
    const r = await importSubscriptions(ctx, fixture('opml', 'nested.opml'));
    expect(r).toMatchObject({ found: 6, added: 6, present: 0, duplicates: 0, skipped: { 'no-url': 1 } });
    expect(snapshot(ctx).find((f) => f.url === 'https://this-week-in-rust.org/rss.xml')).toEqual({
      url: 'https://this-week-in-rust.org/rss.xml',
      title: 'This Week in Rust',
      category: 'Technology/Programming/Languages/Rust',
      siteUrl: 'https://this-week-in-rust.org/',
    });
  });

  it('changes nothing when the same file is imported again', async () => {
    const ctx = testContext();
    await importSubscriptions(ctx, fixture('opml', 'nested.opml'));
    const before = ctx.db().prepare('SELECT * FROM feeds ORDER BY id').all();
    const again = await importSubscriptions(ctx, fixture('opml', 'nested.opml'));
    expect(again).toMatchObject({ added: 0, present: 6 });
    expect(ctx.db().prepare('SELECT * FROM feeds ORDER BY id').all()).toEqual(before);
  });

  it('merges URLs already in the database, keeping their stored folder', async () => {
    const ctx = testContext();
    const dir = tempDir();
    const a = path.join(dir, 'a.opml');
    const b = path.join(dir, 'b.opml');
    fs.writeFileSync(a, '<opml><body><outline text="X"><outline xmlUrl="https://one.example/feed"/></outline></body></opml>');
    fs.writeFileSync(
      b,
      '<opml><body><outline xmlUrl="https://one.example/feed"/><outline xmlUrl="https://two.example/feed"/></body></opml>',
    );
    await importSubscriptions(ctx, a);
    expect(await importSubscriptions(ctx, b)).toMatchObject({ added: 1, present: 1 });
    expect(snapshot(ctx).map((f) => [f.url, f.category])).toEqual([
      ['https://two.example/feed', ''],
      ['https://one.example/feed', 'X'],
    ]);
  });

  it('writes nothing when the file is not OPML', async () => {
    const ctx = testContext();
    await importSubscriptions(ctx, fixture('opml', 'nested.opml'));
    await expect(importSubscriptions(ctx, fixture('opml', 'not-opml.html'))).rejects.toThrow(/root element is <html>/);
    expect(listFeeds(ctx.db())).toHaveLength(6);
  });

  it('imports the Scoble list from examples/', async () => {
    const ctx = testContext();
    const r = await importSubscriptions(ctx, path.join(ROOT, 'examples', 'scoble.opml'));
    expect(r.added).toBe(805);
    expect(r.skipped).toEqual({ 'invalid-url': 3 }); // "http://", "http://not yet implemented", "http://private on intranet"
  });
});

describe('export', () => {
  it('round-trips: importing an export into a fresh database gives the same subscriptions and categories', async () => {
    const first = testContext();
    await importSubscriptions(first, fixture('opml', 'nested.opml'));
    await importSubscriptions(first, fixture('opml', 'bare-ampersand.opml'));
    await importSubscriptions(first, fixture('opml', 'utf16-bom.opml'));
    const file = path.join(tempDir(), 'export.opml');
    expect(await exportCommand(first, file)).toEqual({ file, feeds: 9 });
    const second = testContext();
    expect(await importSubscriptions(second, file)).toMatchObject({ added: 9, skipped: {} });
    const key = (f: { url: string }) => f.url;
    expect(snapshot(second).sort((x, y) => key(x).localeCompare(key(y)))).toEqual(
      snapshot(first).sort((x, y) => key(x).localeCompare(key(y))),
    );
  });

  it('keeps an empty title empty through export and import (the URL written as text is no title)', async () => {
    const first = testContext();
    const src = path.join(tempDir(), 'untitled.opml');
    fs.writeFileSync(
      src,
      '<opml><body><outline xmlUrl="https://untitled.example/feed"/><outline text="Named" xmlUrl="https://named.example/feed"/></body></opml>',
    );
    await importSubscriptions(first, src);
    const file = path.join(tempDir(), 'export.opml');
    await exportCommand(first, file);
    const second = testContext();
    await importSubscriptions(second, file);
    expect(
      snapshot(second)
        .map((f) => [f.url, f.title])
        .sort(),
    ).toEqual([
      ['https://named.example/feed', 'Named'],
      ['https://untitled.example/feed', null],
    ]);
  });

  it('writes OPML that the reference parser (npm opml, strict) accepts with the folder tree', async () => {
    const ctx = testContext();
    await importSubscriptions(ctx, fixture('opml', 'nested.opml'));
    await importSubscriptions(ctx, fixture('opml', 'bare-ampersand.opml'));
    const { text } = await exportCommand(ctx, undefined);
    const opml = createRequire(import.meta.url)('opml') as { parse: (t: string, cb: (e: unknown, o: any) => void) => void };
    const parsed = await new Promise<any>((resolve, reject) => opml.parse(text!, (e, o) => (e ? reject(e) : resolve(o))));
    const tech = parsed.opml.body.subs.find((s: any) => s.text === 'Technology');
    const rust = tech.subs.find((s: any) => s.text === 'Programming').subs.find((s: any) => s.text === 'Languages').subs[0].subs[0];
    expect(rust.xmlUrl).toBe('https://this-week-in-rust.org/rss.xml');
    expect(parsed.opml.body.subs.some((s: any) => s.xmlUrl === 'http://example.com/feed?a=1&b=2')).toBe(true);
  });
});
