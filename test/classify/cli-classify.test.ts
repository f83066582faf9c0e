import fs from 'node:fs';
import path from 'node:path';
import { execFile } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { openStore } from '../../src/store/sqlite/connect.js';
import { deserializeModel, predict, serializeModel, trainModel } from '../../src/classify/classifier.js';
import { loadModelBlob } from '../../src/store/sqlite/classify.js';
import { cli, ROOT, tempDir } from '../helpers.js';
import { seed } from '../read/seed.js';
import { csv, headlines } from './topics.js';

describe('inkzee classify from the command line', () => {
  it('trains on two threads (worker) to exactly the model one thread would build', async () => {
    const dir = tempDir();
    const db = path.join(dir, 'c.db');
    const rows = headlines(700, 4); // 2,100 rows: enough for the worker thread to be used
    fs.writeFileSync(path.join(dir, 'train.csv'), csv(rows));
    // Two threads even when the machine is busy (which would otherwise choose one).
    const r = await cli(['--db', db, '--json', 'classify', 'train', '--labels', path.join(dir, 'train.csv'), '--model', 'big'], {
      env: { INKZEE_CLASSIFY_THREADS: '2' },
    });
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ type: 'train', model: 'big', examples: 2100 });
    const store = openStore(db);
    const blob = loadModelBlob(store, 'big')!;
    store.close();
    const local = await trainModel(
      rows.map((x) => `${x.title}\n${x.description}`),
      rows.map((x) => x.label),
    ); // this thread only
    expect(Buffer.compare(blob, serializeModel(local))).toBe(0);
    const probe = headlines(50, 5).map((x) => `${x.title} ${x.description}`);
    expect(predict(deserializeModel(blob), probe).filter((p, k) => p.label === headlines(50, 5)[k].label).length).toBeGreaterThan(140);
  });

  it('composes in pipes: items --json | classify --stdin adds label and confidence to each object', async () => {
    const dir = tempDir();
    const db = path.join(dir, 'p.db');
    fs.writeFileSync(path.join(dir, 'train.csv'), csv(headlines(40, 1)));
    const store = openStore(db);
    seed(store, {
      'https://x.example/feed': {
        category: '',
        items: headlines(3, 8).map((h, k) => ({ guid: `g${k}`, title: h.title, summary: h.description })),
      },
    });
    store.close();
    expect((await cli(['--db', db, 'classify', 'train', '--labels', path.join(dir, 'train.csv')])).stderr).toMatch(
      /^model "default": trained on 120 examples/,
    );
    const bin = path.join(ROOT, 'bin', 'inkzee.js');
    const out = await new Promise<string>((resolve) =>
      execFile(
        'bash',
        ['-c', `"${process.execPath}" "${bin}" --db "${db}" items --json | "${process.execPath}" "${bin}" --db "${db}" classify --stdin`],
        (_e, stdout) => resolve(stdout),
      ),
    );
    const objs = out
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(objs).toHaveLength(9);
    for (const o of objs) {
      expect(Object.keys(o).slice(-2)).toEqual(['label', 'confidence']);
      expect(['sports', 'technology', 'cooking']).toContain(o.label);
    }
    const items = (await cli(['--db', db, 'items', '--json'])).stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(
      objs.map((o) => {
        const { label, confidence, ...rest } = o;
        return rest;
      }),
    ).toEqual(items);
  });

  it('exits 1 with one line for a missing model or bad file, 2 for bad flags', async () => {
    const db = path.join(tempDir(), 'e.db');
    expect(await cli(['--db', db, 'classify'])).toMatchObject({
      code: 1,
      stderr: 'inkzee: model "default": no such model (train one with `inkzee classify train`)\n',
    });
    expect(await cli(['--db', db, 'classify', 'train', '--labels', 'missing.csv'])).toMatchObject({
      code: 1,
      stderr: 'inkzee: missing.csv: no such file\n',
    });
    expect((await cli(['--db', db, 'classify', 'train'])).code).toBe(2);
    expect((await cli(['--db', db, 'classify', '--stdin', '--all'])).code).toBe(2);
  });

  it('refuses to evaluate on labels the model does not know: exit 1 naming them, not 0 %', async () => {
    const dir = tempDir();
    const db = path.join(dir, 'u.db');
    fs.writeFileSync(path.join(dir, 'train.csv'), csv(headlines(40, 1)));
    expect((await cli(['--db', db, 'classify', 'train', '--labels', path.join(dir, 'train.csv')])).code).toBe(0);
    const held = headlines(10, 2);
    fs.writeFileSync(path.join(dir, 'other.csv'), csv(held.map((h) => ({ ...h, label: h.label === 'sports' ? 'Politics' : 'World' }))));
    const none = await cli(['--db', db, 'classify', 'eval', path.join(dir, 'other.csv')]);
    expect(none).toMatchObject({ code: 1, stdout: '' });
    expect(none.stderr).toMatch(
      /^inkzee: \S*other\.csv: labels model "default" does not know: "World" \(20 rows\), "Politics" \(10 rows\); it knows "cooking", "sports", "technology"\n$/,
    );
    fs.writeFileSync(
      path.join(dir, 'mixed.csv'),
      csv(held.map((h) => ({ ...h, label: h.label === 'cooking' ? 'Cuisine\nmultiline' : h.label }))),
    );
    const mixed = await cli(['--db', db, 'classify', 'eval', path.join(dir, 'mixed.csv')]);
    expect(mixed).toMatchObject({ code: 1, stdout: '' });
    expect(mixed.stderr).toMatch(
      /^inkzee: \S*mixed\.csv: labels model "default" does not know: "Cuisine\\nmultiline" \(10 rows\); it knows/,
    );
    expect(mixed.stderr.trim().split('\n')).toHaveLength(1);
    fs.writeFileSync(path.join(dir, 'known.csv'), csv(held));
    const known = await cli(['--db', db, '--json', 'classify', 'eval', path.join(dir, 'known.csv')]);
    expect(known.code).toBe(0);
    expect(JSON.parse(known.stdout)).toMatchObject({ type: 'eval', examples: 30 });
  });

  it('explains, teaches and lists corrections from the command line, in words and in NDJSON', { timeout: 180_000 }, async () => {
    const dir = tempDir();
    const db = path.join(dir, 't.db');
    fs.writeFileSync(path.join(dir, 'train.csv'), csv(headlines(40, 1)));
    const store = openStore(db);
    seed(store, {
      'https://x.example/feed': { category: '', items: [{ guid: 'g0', title: 'coach praises striker after the final goal' }] },
    });
    const id = (store.prepare('SELECT id FROM items').get() as { id: number }).id;
    store.close();
    expect((await cli(['--db', db, 'classify', 'train', '--labels', path.join(dir, 'train.csv')])).code).toBe(0);
    const human = await cli(['--db', db, 'classify', 'explain', String(id), '--top', '3']);
    expect(human.code).toBe(0);
    expect(human.stdout).toMatch(
      new RegExp(
        String.raw`^item ${id}: coach praises striker after the final goal\nmodel "default": sports \(confidence 0\.\d\d\), runner-up \w+ \(0\.\d\d\)\n`,
      ),
    );
    expect(human.stdout).toMatch(/\ntowards sports \(and away from \w+\)\n {2}\+0\.\d{3} {2}(word|pair) {2}/);
    const json = JSON.parse((await cli(['--db', db, '--json', 'classify', 'explain', String(id)])).stdout);
    expect(json).toMatchObject({
      type: 'explain',
      item: id,
      label: 'sports',
      runnerUp: { label: expect.any(String) },
      towards: expect.any(Array),
      away: expect.any(Array),
    });
    expect(await cli(['--db', db, 'classify', 'teach', String(id), 'cooking'])).toMatchObject({
      code: 0,
      stderr: `item ${id} is now cooking (was sports) for model "default", which holds 1 correction; \`inkzee classify train\` with the same source learns from them\n`,
    });
    const listed = (await cli(['--db', db, '--json', 'classify', 'corrections'])).stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(listed).toEqual([
      expect.objectContaining({ type: 'correction', itemId: id, model: 'default', label: 'cooking', was: 'sports' }),
    ]);
    expect((await cli(['--db', db, 'classify', 'models'])).stdout).toMatch(/CORRECTIONS[^\n]*\ndefault .* 1 /);
    const labelled = JSON.parse((await cli(['--db', db, 'items', '--json'])).stdout.trim());
    expect(labelled).toMatchObject({ guid: 'g0' });
    expect((await cli(['--db', db, 'items', '--label', 'cooking', '--json'])).stdout).toContain('"g0"');
    expect(await cli(['--db', db, 'classify', 'teach', String(id), 'politics'])).toMatchObject({
      code: 1,
      stderr: 'inkzee: label "politics": model "default" does not know it (labels: cooking, sports, technology)\n',
    });
    expect(await cli(['--db', db, 'classify', 'corrections', '--remove', String(id)])).toMatchObject({
      code: 0,
      stderr: `item ${id}: correction to cooking removed from model "default"; the model labels it sports\n`,
    });
    expect((await cli(['--db', db, 'classify', 'explain', 'x1'])).code).toBe(2);
    expect((await cli(['--db', db, 'classify', '--min-confidence', '2'])).code).toBe(2);
  });
});
