// Item ids and stream ids as clients send them, read without a store.
import { describe, expect, it } from 'vitest';
import { ApiError } from '../../src/serve/api.js';
import { longItemId, parseItemId } from '../../src/serve/item-ids.js';
import { decodeContinuation, encodeContinuation, folderStreamId, pageSize, parseStreamId, topicStreamId } from '../../src/serve/streams.js';

const refusal = (f: () => unknown) => {
  try {
    f();
  } catch (e) {
    return e instanceof ApiError ? `${e.status} ${e.message}` : String(e);
  }
  return 'accepted';
};

describe('item ids', () => {
  it.each([
    ['tag:google.com,2005:reader/item/0000000000000012', 18],
    ['tag:google.com,2005:reader/item/2f2', 754],
    ['0000000000000012', 18],
    ['00000000000000ff', 255],
    ['2f2', 754],
    ['18', 18],
    [' 18\n', 18],
    ['123456789012345', 123456789012345],
  ])('%j is item %d', (given, id) => {
    expect(parseItemId(given)).toBe(id);
  });

  it.each(['', 'x', '0', '-5', '12xz', 'tag:google.com,2005:reader/item/', 'tag:google.com,2005:reader/item/zz', 'ffffffffffffffff'])(
    '%j is refused with a 400 naming it',
    (given) => {
      expect(refusal(() => parseItemId(given))).toBe(`400 not an item id: ${given}`);
    },
  );

  it('the long form is zero-padded hex', () => {
    expect(longItemId(255)).toBe('tag:google.com,2005:reader/item/00000000000000ff');
    expect(parseItemId(longItemId(123456789))).toBe(123456789);
  });
});

describe('stream ids', () => {
  it('reads feeds, folders, topics and states, any user segment', () => {
    expect(parseStreamId('feed/12')).toEqual({ kind: 'feed', feed: '12' });
    expect(parseStreamId('feed/https://a.example/rss?x=1')).toEqual({ kind: 'feed', feed: 'https://a.example/rss?x=1' });
    expect(parseStreamId('user/-/label/Technology/Programming')).toEqual({ kind: 'folder', path: 'Technology/Programming' });
    expect(parseStreamId('user/1/label/~Sports')).toEqual({ kind: 'topic', label: 'Sports' });
    expect(parseStreamId('user/-/state/com.google/reading-list')).toEqual({ kind: 'state', state: 'reading-list' });
    expect(parseStreamId('reading-list')).toEqual({ kind: 'state', state: 'reading-list' });
  });

  it('a folder whose name starts with the topic mark never reads as a topic, and back', () => {
    for (const path of ['~Sports', '\\odd', 'Sports', 'UI / UX', 'a/~b']) {
      const id = folderStreamId(path);
      expect(parseStreamId(id)).toEqual({ kind: 'folder', path });
    }
    expect(folderStreamId('~Sports')).not.toBe(topicStreamId('Sports'));
    expect(parseStreamId(topicStreamId('~odd'))).toEqual({ kind: 'topic', label: '~odd' });
  });

  it.each(['', 'feed/', 'user/-/label/', 'user/-/state/com.google/liked', 'label/x', 'user/-/tag/x'])('%j is a 400', (id) => {
    expect(refusal(() => parseStreamId(id))).toMatch(/^400 /);
  });
});

describe('paging', () => {
  it('continuations round-trip and anything else is a 400', () => {
    const c = { sortAt: '2026-02-14T00:00:00.000Z', id: 29 };
    expect(decodeContinuation(encodeContinuation(c))).toEqual(c);
    expect(refusal(() => decodeContinuation('abc'))).toBe('400 c: not a continuation: abc');
    expect(refusal(() => decodeContinuation('1700000000'))).toMatch(/^400 c: not a continuation/);
  });

  it('n defaults to 20, is capped, and must be a positive whole number', () => {
    expect(pageSize(null)).toBe(20);
    expect(pageSize('5000')).toBe(1000);
    expect(pageSize('5000', 10_000)).toBe(5000);
    for (const bad of ['-1', '0', '1.5', 'ten', '1e3']) expect(refusal(() => pageSize(bad))).toMatch(/^400 n: /);
  });
});
