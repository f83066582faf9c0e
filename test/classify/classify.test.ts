import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { evalCommand, labelCommand, modelsCommand, stdinCommand, trainCommand } from '../../src/commands/classify.js';
import { itemsCommand } from '../../src/commands/items.js';
import { readExamples } from '../../src/classify/examples.js';
import { tokenize } from '../../src/classify/tokenize.js';
import { evaluate } from '../../src/classify/metrics.js';
import { deserializeModel, predict, serializeModel, trainModel } from '../../src/classify/classifier.js';
import { collect, tempDir, testContext } from '../helpers.js';
import { seed } from '../read/seed.js';
import { csv, headlines } from './topics.js';
import { Readable } from 'node:stream';
import { parseCsv } from '../../src/classify/csv.js';
import { countMatrix, LEGACY_FEATURES, walkFeatures, type FeatureSet } from '../../src/classify/features.js';
import { tokenizeCased } from '../../src/classify/tokenize.js';
import { DEFAULT_PARAMS } from '../../src/classify/nbsvm.js';
import { spareCores, threads } from '../../src/classify/parallel.js';

const write = (name: string, text: string) => {
  const f = path.join(tempDir(), name);
  fs.writeFileSync(f, text);
  return f;
};

describe('tokenize', () => {
  it('strips HTML and URLs, decodes entities, folds accents and case, splits CJK per character', () => {
    expect(tokenize('<p>Café &amp; <b>Crème</b> — see https://x.example/a?b=1 &lt;i&gt;now&lt;/i&gt;</p>')).toEqual([
      'cafe',
      'creme',
      'see',
      'now',
    ]);
    expect(tokenize('東京の天気 Zürich 2024')).toEqual(['東', '京', 'の', '天', '気', 'zurich', '2024']);
    expect(tokenize("Bush #39;s plan \\ won't")).toEqual(["bush's", 'plan', "won't"]);
  });
});

describe('hashed features', () => {
  // Training hashes ASCII text character by character; explain and other scripts go through tokens.
  it('are the same, bucket for bucket, whether hashed from ASCII text directly or from its tokens', () => {
    const texts = [
      "Don't stop: rock'n'roll in 1999, 2004, 2100 and 12345 (3'rd ABC'S x' 'y)",
      "US us Us 0 007 A'b'c o'Neil O'NEIL",
      'Bush #39;s <b>plan</b> &amp; more at https://x.example/a',
      `${'X'.repeat(40)} ${'9'.repeat(40)} 2024's 1234567 Governments government's GOVERN governed`,
      'Zürich 東京 mixed with ASCII',
      '',
    ];
    const sets: FeatureSet[] = [
      { cased: true, numbers: true, stems: true },
      { cased: true, numbers: true },
      LEGACY_FEATURES,
      { cased: true, numbers: false, stems: true },
      { cased: false, numbers: true },
    ];
    for (const f of sets) {
      const x = countMatrix(texts, f, 16);
      texts.forEach((t, r) => {
        const expected = new Map<number, number>();
        walkFeatures(tokenizeCased(t), f, 16, (b) => expected.set(b, (expected.get(b) ?? 0) + 1));
        const got = new Map<number, number>();
        for (let j = x.ptr[r]; j < x.ptr[r + 1]; j++) got.set(x.idx[j], x.val[j]);
        expect(got).toEqual(expected);
      });
    }
  });
});

describe('threads', () => {
  it('are two only with two cores and half a core to spare, unless INKZEE_CLASSIFY_THREADS says', () => {
    expect(threads({}, 1, 2)).toBe(2);
    expect(threads({}, 0.6, 8)).toBe(2);
    expect(threads({}, 0.2, 2)).toBe(1);
    expect(threads({}, 5, 1)).toBe(1);
    expect(threads({ INKZEE_CLASSIFY_THREADS: '2' }, 0, 2)).toBe(2);
    expect(threads({ INKZEE_CLASSIFY_THREADS: '1' }, 2, 2)).toBe(1);
    expect(threads({ INKZEE_CLASSIFY_THREADS: 'many' }, 2, 2)).toBe(2);
  });

  it('count the cores that stood idle between two readings of the CPU times', () => {
    expect(spareCores({ idle: 1000, total: 4000 }, { idle: 1100, total: 4200 }, 2)).toBeCloseTo(1); // half the ticks idle, of 2 cores
    expect(spareCores({ idle: 1000, total: 4000 }, { idle: 1000, total: 4200 }, 2)).toBe(0);
  });
});

describe('the engine', () => {
  it('learns from a small labelled set and scores well above chance on held-out rows', async () => {
    const train = headlines(40, 1);
    const test = headlines(30, 2);
    const model = await trainModel(
      train.map((r) => `${r.title} ${r.description}`),
      train.map((r) => r.label),
    );
    const preds = predict(
      model,
      test.map((r) => `${r.title} ${r.description}`),
    );
    const ev = evaluate(
      test.map((r) => r.label),
      preds.map((p) => p.label),
    );
    expect(ev.accuracy).toBeGreaterThan(0.9); // chance is 1/3
    for (const p of preds) expect(p.confidence).toBeGreaterThan(1 / 3 - 1e-9);
    const again = deserializeModel(serializeModel(model));
    expect(
      predict(
        again,
        test.map((r) => `${r.title} ${r.description}`),
      ).map((p) => p.label),
    ).toEqual(preds.map((p) => p.label));
    expect(again.labels).toEqual(['cooking', 'sports', 'technology']);
  });

  it('is deterministic: the same data gives the same model', async () => {
    const rows = headlines(20, 3);
    const a = await trainModel(
      rows.map((r) => r.title),
      rows.map((r) => r.label),
    );
    const b = await trainModel(
      rows.map((r) => r.title),
      rows.map((r) => r.label),
    );
    expect(Buffer.compare(serializeModel(a), serializeModel(b))).toBe(0);
  });

  it('computes accuracy, macro-F1, precision, recall and the confusion matrix', () => {
    const ev = evaluate(['a', 'a', 'b', 'b'], ['a', 'b', 'b', 'b']);
    expect(ev.accuracy).toBe(0.75);
    expect(ev.confusion).toEqual([
      [1, 1],
      [0, 2],
    ]);
    expect(ev.perLabel[0]).toMatchObject({ label: 'a', precision: 1, recall: 0.5, support: 2 });
    expect(ev.perLabel[1]).toMatchObject({ label: 'b', precision: 2 / 3, recall: 1 });
    expect(ev.macroF1).toBeCloseTo((2 / 3 + 0.8) / 2, 10);
  });
});

describe('inkzee classify', () => {
  it('trains from a labelled CSV, evaluates, lists the model, and labels via --stdin', async () => {
    const ctx = testContext();
    const file = write('train.csv', csv(headlines(40, 1)));
    const r = await trainCommand(ctx, { labels: file, model: 'topics' });
    expect(r).toMatchObject({ model: 'topics', examples: 120, perLabel: { sports: 40, technology: 40, cooking: 40 } });
    expect(r.bytes).toBeLessThan(8 << 20);
    const ev = await evalCommand(ctx, write('dev.csv', csv(headlines(20, 9))), { model: 'topics' });
    expect(ev.accuracy).toBeGreaterThan(0.9);
    expect(await modelsCommand(ctx)).toEqual([
      expect.objectContaining({ name: 'topics', labels: ['cooking', 'sports', 'technology'], trainSize: 120 }),
    ]);
    const out: object[] = [];
    const input = Readable.from([
      '{"id":7,"title":"coach praises striker after the final goal","extra":[1]}\n',
      '\n',
      '{"id":8,"title":"new kernel and browser release for developer laptop"}\n',
    ]);
    expect(await stdinCommand(ctx, { model: 'topics' }, (o) => out.push(o), input)).toBe(2);
    expect(out).toEqual([
      { id: 7, title: 'coach praises striker after the final goal', extra: [1], label: 'sports', confidence: expect.any(Number) },
      { id: 8, title: 'new kernel and browser release for developer laptop', label: 'technology', confidence: expect.any(Number) },
    ]);
  });

  it.each([
    [
      'plain rows, LF',
      'a,b\n1,2\n',
      [
        ['a', 'b'],
        ['1', '2'],
      ],
    ],
    [
      'quotes, commas, "" and CRLF; blank lines skipped',
      'a,b\r\n"x, y","he said ""hi"""\r\n\r\n3,\n',
      [
        ['a', 'b'],
        ['x, y', 'he said "hi"'],
        ['3', ''],
      ],
    ],
    ['a line break inside quotes', '"multi\nline",z\n', [['multi\nline', 'z']]],
    [
      'no final line break, a trailing comma',
      'x,y\nx,',
      [
        ['x', 'y'],
        ['x', ''],
      ],
    ],
    ['a stray quote inside an unquoted field is text', 'a"b,c\n', [['a"b', 'c']]],
    ['rows of different lengths', 'a\nb,c,d\n', [['a'], ['b', 'c', 'd']]],
  ])('parseCsv reads %s', (_name, text, rows) => {
    expect(parseCsv(text)).toEqual(rows);
  });

  it('refuses a CSV whose quoted field never closes, naming the line', () => {
    expect(() => readExamples(Buffer.from('label,title\nx,"open\n'), 'bad.csv')).toThrow(
      'bad.csv: not valid CSV (a quoted field opened on line 2 never closes)',
    );
  });

  it('still reads models of format 1, which knew only lower-case words and pairs', async () => {
    const rows = headlines(20, 3);
    const old = await trainModel(
      rows.map((r) => r.title),
      rows.map((r) => r.label),
      { params: { ...DEFAULT_PARAMS, features: LEGACY_FEATURES } },
    );
    const again = deserializeModel(serializeModel({ ...old, format: 1 }));
    expect(again.params.features).toEqual(LEGACY_FEATURES);
    expect(predict(again, ['coach striker goal']).map((p) => p.label)).toEqual(['sports']);
  });

  it('reads NDJSON examples and headerless CSV with --columns', () => {
    const nd = readExamples(Buffer.from('{"label":"a","text":"x y"}\n\n{"label":"b","title":"t","summary":"s"}\n'), 'f.ndjson');
    expect(nd).toEqual({ labels: ['a', 'b'], texts: ['x y', 't\ns'] });
    const ag = readExamples(Buffer.from('"3","Fed raises rates","Markets rally."\n"2","Late goal","Cup final."\n'), 'ag.csv', [
      'label',
      'title',
      'description',
    ]);
    expect(ag).toEqual({ labels: ['3', '2'], texts: ['Fed raises rates\nMarkets rally.', 'Late goal\nCup final.'] });
  });

  it("learns topics from the items' own tags, each item filed under its most used tag", async () => {
    const ctx = testContext();
    const tagged = (label: string, tags: string[], n: number, s: number) =>
      headlines(n, s)
        .filter((r) => r.label === label)
        .map((r, k) => ({
          guid: `${label}${s}-${k}`,
          title: r.title,
          summary: `<p>${r.description}</p>`,
          categories: k % 2 ? [...tags].reverse() : tags.slice(0, 1),
        }));
    seed(ctx.db(), {
      'https://news.example/feed': {
        category: '',
        items: [
          ...tagged('sports', ['Sports', 'Football'], 30, 1),
          ...tagged('technology', ['tech'], 30, 1),
          ...tagged('cooking', ['Food', 'Recipes'], 30, 1),
          ...tagged('cooking', ['Rare tag'], 6, 3),
        ],
      },
      'https://untagged.example/feed': { category: '', items: [...tagged('sports', [], 6, 7), ...tagged('technology', [], 6, 7)] },
    });
    // "Football" and "Recipes" (first on half of the items) are narrower than the tags every such item
    // carries, so they never become the label; "Rare tag" is below the minimum.
    const r = await trainCommand(ctx, { fromTags: true, minTagItems: 8, model: 'tags' });
    expect(r.source).toBe('tags:min=8');
    expect(Object.keys(r.perLabel).sort()).toEqual(['Food', 'Sports', 'tech']);
    expect(Object.values(r.perLabel).reduce((a, b) => a + b, 0)).toBe(r.examples);
    await labelCommand(ctx, { model: 'tags' });
    const untagged = async (label: string) =>
      (await collect(itemsCommand(ctx, { feed: 'https://untagged.example/feed', label }))).map((i) => i.guid!.replace(/\d.*/, ''));
    expect((await untagged('Sports')).every((g) => g === 'sports')).toBe(true);
    expect((await untagged('tech')).every((g) => g === 'technology')).toBe(true);
    expect((await untagged('Sports')).length + (await untagged('tech')).length).toBeGreaterThanOrEqual(10);
    await expect(trainCommand(ctx, { fromTags: true, minTagItems: 1000, model: 'x' })).rejects.toThrow(/fewer than two tags/);
    await expect(trainCommand(ctx, { fromTags: true, fromFolders: true, model: 'x' })).rejects.toThrow(/exactly one of/);
  });

  it('learns topics from OPML folders and labels the items of an unfiled feed', async () => {
    const ctx = testContext();
    const items = (label: string, n: number, s: number) =>
      headlines(n, s)
        .filter((r) => r.label === label)
        .map((r, k) => ({ guid: `${label}${s}-${k}`, title: r.title, summary: `<p>${r.description}</p>` }));
    seed(ctx.db(), {
      'https://sports.example/feed': { category: 'Sports/Football', items: items('sports', 30, 1) },
      'https://tech.example/feed': { category: 'Technology', items: items('technology', 30, 1) },
      'https://food.example/feed': { category: 'Food & Drink/Recipes', items: items('cooking', 30, 1) },
      'https://mixed.example/feed': {
        category: '',
        items: [...items('sports', 5, 7), ...items('technology', 5, 7), ...items('cooking', 5, 7)],
      },
    });
    expect(await trainCommand(ctx, { fromFolders: true, model: 'default' })).toMatchObject({
      examples: 90,
      perLabel: { Sports: 30, Technology: 30, 'Food & Drink': 30 },
    });
    expect(await labelCommand(ctx, { model: 'default' })).toMatchObject({ labelled: 105 });
    expect(await labelCommand(ctx, { model: 'default' })).toMatchObject({ labelled: 0 }); // nothing new
    const unfiled = async (label: string) =>
      (await collect(itemsCommand(ctx, { feed: 'https://mixed.example/feed', label }))).map((i) => i.guid!.replace(/\d.*/, ''));
    expect(await unfiled('Sports')).toEqual(['sports', 'sports', 'sports', 'sports', 'sports']);
    expect(await unfiled('Technology')).toEqual(Array(5).fill('technology'));
    expect(await unfiled('Food & Drink')).toEqual(Array(5).fill('cooking'));
    expect((await collect(itemsCommand(ctx, { label: 'Sports', limit: '1' })))[0]).toMatchObject({
      label: 'Sports',
      confidence: expect.any(Number),
    });
    expect(await labelCommand(ctx, { model: 'default', all: true })).toMatchObject({ labelled: 105 });
  });

  it.each([
    ['empty.csv', '', 'empty.csv: empty file, no labelled examples'],
    ['nolabel.csv', 'title,text\na,b\n', 'nolabel.csv: no "label" column (found: title, text)'],
    [
      'columns.csv',
      'label,body,headline\nx,a,b\n',
      'columns.csv: no text column: expected one of title, description, summary, text, content (found: label, body, headline)',
    ],
    ['one.csv', 'label,title\nsports,a\nsports,b\n', 'one.csv: only one label ("sports") in 2 examples; a classifier needs at least two'],
    ['blank.csv', 'label,title\n,a\nb,\n', 'blank.csv: no labelled examples (every row lacks a label or text)'],
    ['bad.ndjson', '{"label":"a","text":"x"}\n{oops\n', 'bad.ndjson: line 2: not valid JSON'],
  ])('refuses %s with a one-line error and keeps the existing model', async (name, text, message) => {
    const ctx = testContext();
    await trainCommand(ctx, { labels: write('good.csv', csv(headlines(10, 1))), model: 'default' });
    const before = (await modelsCommand(ctx))[0];
    await expect(trainCommand(ctx, { labels: write(name, text), model: 'default' })).rejects.toThrow(message);
    expect(await modelsCommand(ctx)).toEqual([before]);
  });

  it('names a missing model', async () => {
    const ctx = testContext();
    await expect(labelCommand(ctx, { model: 'nope' })).rejects.toThrow(
      'model "nope": no such model (train one with `inkzee classify train`)',
    );
    await expect(trainCommand(ctx, { model: 'x' })).rejects.toThrow(
      'classify train: give exactly one of --labels FILE, --from-folders and --from-tags',
    );
    await expect(trainCommand(ctx, { fromFolders: true, model: 'x' })).rejects.toThrow(
      /no stored items in feeds that are filed in a folder/,
    );
  });
});
