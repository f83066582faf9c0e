import fs from 'node:fs';
import iconv from 'iconv-lite';
import { describe, expect, it } from 'vitest';
import { decodeDocument } from '../../src/text/charset.js';
import { parseFeedDocument } from '../../src/parse/feed.js';
import { fixture } from '../helpers.js';

async function titleOf(bytes: Buffer, httpCharset?: string): Promise<string | null> {
  const o = parseFeedDocument(decodeDocument(bytes, httpCharset).text, 'https://e.example/');
  if (o.kind !== 'feed') throw new Error(JSON.stringify(o));
  return o.feed.title;
}
const doc = (label: string | null, title: string) =>
  `${label ? `<?xml version="1.0" encoding="${label}"?>` : ''}<rss version="2.0"><channel><title>${title}</title></channel></rss>`;

describe('charset decoding (RFC 7303: BOM, HTTP charset, XML declaration, UTF-8, windows-1252)', () => {
  it.each([
    ['koi8r.xml', 'Пример RSS ленты'],
    ['iso-8859-1.xml', 'Café'],
    ['windows-1252.xml', 'Euro €'],
    ['utf8.xml', '테스트 피드'],
    ['utf8-incorrect-prolog.xml', '테스트 피드'],
    ['windows-1252-incorrect-prolog.xml', 'Euro €'],
    ['invalid-prolog.xml', '테스트 피드'],
  ])("reads Miniflux's %s", async (file, title) => {
    expect(await titleOf(fs.readFileSync(fixture('feeds', 'miniflux-encoding', file)))).toBe(title);
  });

  it.each([
    ['Big5', '中文新聞'],
    ['Shift_JIS', '日本語のニュース'],
    ['EUC-KR', '한국어 뉴스'],
    ['GB2312', '简体中文'],
    ['KOI8-R', 'Новости'],
    ['windows-1251', 'Новини'],
    ['ISO-8859-15', 'Prix en €'],
  ])('decodes a feed declared as %s', async (label, title) => {
    expect(await titleOf(iconv.encode(doc(label, title), label))).toBe(title);
  });

  it('lets the HTTP charset override the declaration', async () => {
    expect(await titleOf(iconv.encode(doc('ISO-8859-1', 'Привет'), 'koi8-r'), 'KOI8-R')).toBe('Привет');
  });

  it.each(['utf-16le', 'utf-16be'])('detects %s with and without a BOM', async (enc) => {
    const body = iconv.encode(doc('UTF-16', 'Ünïcödé ✓'), enc, { addBOM: false });
    expect(await titleOf(body)).toBe('Ünïcödé ✓');
    expect(await titleOf(iconv.encode(doc('UTF-16', 'Ünïcödé ✓'), enc, { addBOM: true }))).toBe('Ünïcödé ✓');
  });

  it('falls back to windows-1252 for undeclared bytes that are not UTF-8, and strips a UTF-8 BOM', async () => {
    expect(await titleOf(iconv.encode(doc(null, '“Smart” — Zoë'), 'windows-1252'))).toBe('“Smart” — Zoë');
    expect(await titleOf(Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(doc('UTF-8', 'BOM ok'))]))).toBe('BOM ok');
  });
});
