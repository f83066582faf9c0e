import fs from 'node:fs';
import path from 'node:path';
import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { evalCommand, labelCommand, modelsCommand, stdinCommand, trainCommand } from '../../src/commands/classify.js';
import { correctionsCommand, explainCommand, teachCommand } from '../../src/commands/classify-teach.js';
import { calibrate } from '../../src/classify/metrics.js';
import { tokenizeCased } from '../../src/classify/tokenize.js';
import type { Db } from '../../src/store/sqlite/connect.js';
import { tempDir, testContext } from '../helpers.js';
import { seed } from '../read/seed.js';
import { csv, esportsHeadlines, headlines } from './topics.js';

const write = (name: string, text: string) => {
  const f = path.join(tempDir(), name);
  fs.writeFileSync(f, text);
  return f;
};
const topic = (label: string, n: number, s: number) =>
  headlines(n, s)
    .filter((r) => r.label === label)
    .map((r, k) => ({ guid: `${label}${s}-${k}`, title: r.title, summary: r.description }));
const esports = (n: number, s: number) =>
  esportsHeadlines(n, s).map((r, k) => ({ guid: `esports${s}-${k}`, title: r.title, summary: r.description }));
const idOf = (db: Db, key: string) => (db.prepare('SELECT id FROM items WHERE key = ?').get(key) as { id: number }).id;
const labels = (db: Db, model: string) =>
  new Map(
    (
      db.prepare(`SELECT i.key, l.label FROM items i JOIN item_labels l ON l.item_id = i.id WHERE l.model = ?`).all(model) as {
        key: string;
        label: string;
      }[]
    ).map((r) => [r.key, r.label]),
  );

/** A reader's folders, and an unfiled feed to label that carries a kind of item no folder holds (esports). */
function library() {
  const ctx = testContext();
  seed(ctx.db(), {
    'https://sports.example/feed': { category: 'Sports', items: topic('sports', 40, 1) },
    'https://tech.example/feed': { category: 'Technology', items: [...topic('technology', 40, 1)] },
    'https://food.example/feed': { category: 'Food', items: topic('cooking', 40, 1) },
    'https://unfiled.example/feed': {
      category: '',
      items: [...topic('sports', 30, 5), ...topic('technology', 30, 5), ...topic('cooking', 30, 5), ...esports(20, 5)],
    },
  });
  return ctx;
}

const expected: Record<string, string> = { sports: 'Sports', technology: 'Technology', cooking: 'Food' };
/** accuracyElsewhere is the share of the unfiled sports, technology and cooking items labelled as their topic. */
function accuracyElsewhere(got: Map<string, string>): number {
  const keys = [...got.keys()].filter((k) => /^(sports|technology|cooking)5-/.test(k));
  return keys.filter((k) => got.get(k) === expected[k.replace(/5-.*/, '')]).length / keys.length;
}
/** esportsAs counts the esports items, beyond the three the tests teach, that carry this label. */
const esportsAs = (got: Map<string, string>, label: string) =>
  [...got].filter(([k, l]) => /^esports5-([3-9]|\d\d)$/.test(k) && l === label).length;

// Each test trains a few models on 2^20 buckets; a busy machine needs more than the default 30 s.
const SLOW = { timeout: 180_000 };

describe('classify teach', () => {
  it('learns a kind of item the folders mislabel after a few corrections, without losing accuracy elsewhere', SLOW, async () => {
    const ctx = library();
    const db = ctx.db();
    expect(await trainCommand(ctx, { fromFolders: true, model: 'default' })).toMatchObject({ corrections: 0 });
    await labelCommand(ctx, { model: 'default' });
    const before = labels(db, 'default');
    expect(esportsAs(before, 'Technology')).toBeGreaterThanOrEqual(15); // of 17: the few technology words win
    const elsewhereBefore = accuracyElsewhere(before);
    expect(elsewhereBefore).toBeGreaterThan(0.9);

    const taught = ['esports5-0', 'esports5-1', 'esports5-2'].map((k) => idOf(db, k));
    for (const id of taught) {
      expect(await teachCommand(ctx, String(id), 'sports', { model: 'default' })).toMatchObject({
        item: id,
        label: 'Sports',
        was: 'Technology',
      });
    }
    expect(labels(db, 'default').get('esports5-0')).toBe('Sports'); // relabelled at once
    expect((await modelsCommand(ctx))[0]).toMatchObject({ name: 'default', corrections: 3 });

    // The three taught items join the 120 filed ones (their partial copies are not counted as examples).
    expect(await trainCommand(ctx, { fromFolders: true, model: 'default' })).toMatchObject({
      corrections: 3,
      examples: 123,
      perLabel: { Sports: 43, Technology: 40, Food: 40 },
    });
    await labelCommand(ctx, { model: 'default', all: true });
    const after = labels(db, 'default');
    expect(esportsAs(after, 'Sports')).toBeGreaterThanOrEqual(15); // of 17: the other esports items follow the corrections
    expect(accuracyElsewhere(after)).toBeGreaterThanOrEqual(elsewhereBefore);
    for (const id of taught) expect(await explainCommand(ctx, String(id), { model: 'default' })).toMatchObject({ taught: 'Sports' });
  });

  it('lists and removes corrections; training from another source leaves them out', SLOW, async () => {
    const ctx = library();
    const db = ctx.db();
    await trainCommand(ctx, { fromFolders: true, model: 'default' });
    const id = idOf(db, 'esports5-0');
    await teachCommand(ctx, String(id), 'Sports', { model: 'default' });
    await teachCommand(ctx, String(id), 'Food', { model: 'default' }); // a second thought replaces the first
    const list = await correctionsCommand(ctx, {});
    expect(list).toEqual({
      kind: 'list',
      corrections: [expect.objectContaining({ itemId: id, model: 'default', label: 'Food', was: 'Technology', source: 'folders:depth=1' })],
    });
    expect(await trainCommand(ctx, { fromFolders: true, depth: 2, model: 'default' })).toMatchObject({
      source: 'folders:depth=2',
      corrections: 0,
    });
    expect(await trainCommand(ctx, { fromFolders: true, model: 'default' })).toMatchObject({ corrections: 1 });
    expect(await correctionsCommand(ctx, { remove: String(id) })).toEqual({
      kind: 'removed',
      model: 'default',
      item: id,
      label: 'Food',
      now: expect.any(String),
    });
    expect(await correctionsCommand(ctx, { model: 'default' })).toEqual({ kind: 'list', corrections: [] });
    await expect(correctionsCommand(ctx, { remove: String(id) })).rejects.toThrow(`item ${id}: no correction for model "default"`);
    await expect(teachCommand(ctx, String(id), 'Politics', { model: 'default' })).rejects.toThrow(
      'label "Politics": model "default" does not know it (labels: Food, Sports, Technology)',
    );
    await expect(teachCommand(ctx, '999999', 'Food', { model: 'default' })).rejects.toThrow('item 999999: no such item');
    await expect(teachCommand(ctx, 'abc', 'Food', { model: 'default' })).rejects.toThrow(/item abc: give the item's id/);
  });
});

describe('classify explain', () => {
  it(
    "names the label, the runner-up, and the item's own words that pushed towards and away from it, summing to the margin",
    SLOW,
    async () => {
      const ctx = library();
      await trainCommand(ctx, { fromFolders: true, model: 'default' });
      const id = idOf(ctx.db(), 'sports5-0');
      const row = ctx.db().prepare('SELECT title, summary FROM items WHERE id = ?').get(id) as { title: string; summary: string };
      const e = await explainCommand(ctx, String(id), { model: 'default', top: 1000 });
      expect(e).toMatchObject({ item: id, label: 'Sports', taught: null });
      expect(e.runnerUp.label).not.toBe('Sports');
      expect(e.confidence).toBeGreaterThan(e.runnerUp.confidence);
      const own = new Set(tokenizeCased(`${row.title}\n${row.summary}`));
      for (const ev of [...e.towards, ...e.away]) {
        for (const w of ev.text.split(' ')) expect(own.has(w)).toBe(true); // hashed features map back to the item's tokens
        expect(ev.kind === 'pair').toBe(ev.text.includes(' '));
      }
      const sum = [...e.towards, ...e.away].reduce((a, ev) => a + ev.weight, 0);
      expect(sum + e.bias).toBeCloseTo(e.margin, 4);
      const topWords = e.towards.slice(0, 3).map((ev) => ev.text);
      expect(
        topWords.some((w) =>
          w
            .split(' ')
            .some((t) =>
              [
                'match',
                'goal',
                'league',
                'coach',
                'season',
                'striker',
                'tennis',
                'final',
                'score',
                'referee',
                'championship',
                'team',
                'injury',
                'playoffs',
                'stadium',
              ].includes(t),
            ),
        ),
      ).toBe(true);
    },
  );
});

describe('--min-confidence and calibration', () => {
  it(
    'leaves items below the threshold unlabelled: stored items get no label, --stdin writes "label": null and the guess',
    SLOW,
    async () => {
      const ctx = library();
      await trainCommand(ctx, { fromFolders: true, model: 'default' });
      const all = await labelCommand(ctx, { model: 'default' });
      expect(all.unsure).toBe(0);
      const strict = await labelCommand(ctx, { model: 'default', all: true, minConfidence: 0.999 });
      expect(strict.unsure).toBeGreaterThan(0);
      expect(strict.labelled + strict.unsure).toBe(all.labelled);
      expect(labels(ctx.db(), 'default').size).toBe(strict.labelled);
      const out: Record<string, unknown>[] = [];
      const lines = ['{"title":"coach striker goal league final match"}', '{"title":"the new week"}'].map((l) => `${l}\n`);
      await stdinCommand(
        ctx,
        { model: 'default', minConfidence: 0.9 },
        (o) => out.push(o as Record<string, unknown>),
        Readable.from(lines),
      );
      expect(out[0]).toEqual({ title: 'coach striker goal league final match', label: 'Sports', confidence: expect.any(Number) });
      expect(out[1]).toEqual({ title: 'the new week', label: null, guess: expect.any(String), confidence: expect.any(Number) });
      expect(out[1].confidence as number).toBeLessThan(0.9);
      await expect(labelCommand(ctx, { model: 'default', minConfidence: 1.5 })).rejects.toThrow(
        '--min-confidence 1.5: must be a number from 0 to 1',
      );
    },
  );

  it('eval reports reliability bins, the expected calibration error and coverage against accuracy', SLOW, async () => {
    const ctx = testContext();
    await trainCommand(ctx, { labels: write('train.csv', csv(headlines(40, 1))), model: 'topics' });
    const ev = await evalCommand(ctx, write('dev.csv', csv(headlines(30, 9))), { model: 'topics' });
    const c = ev.calibration;
    expect(c.bins.reduce((a, b) => a + b.examples, 0)).toBe(90);
    expect(c.ece).toBeGreaterThanOrEqual(0);
    expect(c.ece).toBeLessThan(0.2);
    expect(c.coverage[0]).toEqual({ threshold: 0, coverage: 1, accuracy: ev.accuracy });
    for (let k = 1; k < c.coverage.length; k++) expect(c.coverage[k].coverage).toBeLessThanOrEqual(c.coverage[k - 1].coverage);
  });

  it("calibrate bins confidences and weighs each bin's gap by its size", () => {
    const c = calibrate([true, false, true, true], [0.95, 0.95, 0.55, 0.65], [0, 0.9]);
    expect(c.bins).toEqual([
      { from: 0.5, to: 0.6, examples: 1, confidence: 0.55, accuracy: 1 },
      { from: 0.6, to: 0.7, examples: 1, confidence: 0.65, accuracy: 1 },
      { from: 0.9, to: 1, examples: 2, confidence: 0.95, accuracy: 0.5 },
    ]);
    expect(c.ece).toBeCloseTo((0.45 + 0.35 + 2 * 0.45) / 4, 10);
    expect(c.coverage).toEqual([
      { threshold: 0, coverage: 1, accuracy: 0.75 },
      { threshold: 0.9, coverage: 0.5, accuracy: 0.5 },
    ]);
  });
});
