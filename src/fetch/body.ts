import zlib from 'node:zlib';
import type { Readable } from 'node:stream';

/** BodyTooLarge means the decoded body passed the size cap. */
export class BodyTooLarge extends Error {
  constructor(readonly limit: number) {
    super(`body larger than ${limit} bytes`);
  }
}

type OneShot = (data: Buffer, opts: zlib.ZlibOptions | zlib.BrotliOptions, cb: (err: Error | null, out: Buffer) => void) => void;

function decoderFor(encoding: string, first: number): OneShot | null {
  switch (encoding) {
    case 'gzip':
    case 'x-gzip':
      return zlib.gunzip;
    // RFC 9110 §8.4.1.2 says zlib-wrapped, but some servers send raw deflate: sniff the header byte.
    case 'deflate':
      return (first & 0x0f) === 8 ? zlib.inflate : zlib.inflateRaw;
    case 'br':
      return zlib.brotliDecompress;
    default:
      return null;
  }
}

// One call per body on the thread pool, stopped by zlib itself at the cap (maxOutputLength): a
// stream cost two JS callbacks per 16 KB chunk on the crawl's thread, which is the busy one.
function decodeOnce(decode: OneShot, enc: string, data: Buffer, cap: number): Promise<Buffer> {
  return new Promise((resolve, reject) =>
    decode(data, { maxOutputLength: cap }, (err, out) => {
      if (!err) resolve(out);
      else if ((err as NodeJS.ErrnoException).code === 'ERR_BUFFER_TOO_LARGE') reject(new BodyTooLarge(cap));
      else reject(new Error(`bad ${enc} body (${err.message})`));
    }),
  );
}

// undici hands out Buffers; anything else is wrapped without copying.
const asBuffer = (c: Uint8Array) => (Buffer.isBuffer(c) ? c : Buffer.from(c.buffer, c.byteOffset, c.byteLength));

/**
 * readBody collects a response body and undoes its Content-Encoding (gzip, deflate, br), failing
 * with BodyTooLarge as soon as the wire or the decoded size passes the cap, so a compression bomb
 * costs at most `cap` bytes of memory.
 */
export async function readBody(body: Readable & AsyncIterable<Uint8Array>, contentEncoding: string, cap: number): Promise<Buffer> {
  const encodings = contentEncoding
    .toLowerCase()
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s && s !== 'identity');
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const c of body) {
    size += c.length;
    // Over the cap on the wire is over it decoded too (no encoding shrinks).
    if (size > cap) throw new BodyTooLarge(cap);
    chunks.push(asBuffer(c));
  }
  // One copy, so a body never holds on to the socket's read buffers.
  let data: Buffer = Buffer.concat(chunks, size);
  for (const enc of encodings.reverse()) {
    const decode = decoderFor(enc, data[0] ?? 0);
    if (!decode) throw new Error(`unsupported Content-Encoding "${enc}"`);
    data = await decodeOnce(decode, enc, data, cap);
  }
  return data;
}
