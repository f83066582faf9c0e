import zlib from 'node:zlib';
import type { Readable } from 'node:stream';

/** BodyTooLarge means the decoded body passed the size cap. */
export class BodyTooLarge extends Error {
  constructor(readonly limit: number) {
    super(`body larger than ${limit} bytes`);
  }
}

function decoderFor(encoding: string, first: number): zlib.Gunzip | zlib.Inflate | zlib.InflateRaw | zlib.BrotliDecompress | null {
  switch (encoding) {
    case 'gzip': case 'x-gzip': return zlib.createGunzip();
    // RFC 9110 §8.4.1.2 says zlib-wrapped, but some servers send raw deflate: sniff the header byte.
    case 'deflate': return (first & 0x0f) === 8 ? zlib.createInflate() : zlib.createInflateRaw();
    case 'br': return zlib.createBrotliDecompress();
    default: return null;
  }
}

/**
 * readBody collects a response body, undoing Content-Encoding (gzip, deflate, br) as it streams,
 * and stops with BodyTooLarge as soon as the decoded size passes the cap, so a compression bomb
 * costs at most `cap` bytes of memory.
 */
export async function readBody(body: Readable & AsyncIterable<Uint8Array>, contentEncoding: string, cap: number): Promise<Buffer> {
  const encodings = contentEncoding.toLowerCase().split(',').map((s) => s.trim()).filter((s) => s && s !== 'identity');
  const chunks: Buffer[] = [];
  let size = 0;
  const take = (c: Buffer) => {
    size += c.length;
    if (size > cap) throw new BodyTooLarge(cap);
    chunks.push(c);
  };
  if (encodings.length === 0) {
    for await (const c of body) take(Buffer.from(c));
    return Buffer.concat(chunks);
  }
  // Encoded bodies: gather the wire bytes (capped too), then decode in a capped streaming pass.
  let wire: Buffer[] = [];
  let wireSize = 0;
  for await (const c of body) {
    wireSize += c.length;
    if (wireSize > cap) throw new BodyTooLarge(cap);
    wire.push(Buffer.from(c));
  }
  let data = Buffer.concat(wire);
  wire = [];
  for (const enc of encodings.reverse()) {
    const dec = decoderFor(enc, data[0] ?? 0);
    if (!dec) throw new Error(`unsupported Content-Encoding "${enc}"`);
    chunks.length = 0;
    size = 0;
    await new Promise<void>((resolve, reject) => {
      dec.on('data', (c: Buffer) => {
        try { take(c); } catch (err) { dec.destroy(); reject(err); }
      });
      dec.on('end', resolve);
      dec.on('error', (err) => reject(new Error(`bad ${enc} body (${err.message})`)));
      dec.end(data);
    });
    data = Buffer.concat(chunks);
  }
  return data;
}
