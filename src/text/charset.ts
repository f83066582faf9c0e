import iconv from 'iconv-lite';

/** DecodedText is a document's text and the charset it was decoded from. */
export interface DecodedText {
  text: string;
  encoding: string;
}

const utf8Strict = new TextDecoder('utf-8', { fatal: true });

/** isValidUtf8 tells whether the bytes are well-formed UTF-8. */
export function isValidUtf8(bytes: Uint8Array): boolean {
  try {
    utf8Strict.decode(bytes);
    return true;
  } catch {
    return false;
  }
}

function sniffBom(b: Uint8Array): { encoding: string; skip: number } | undefined {
  if (b[0] === 0xef && b[1] === 0xbb && b[2] === 0xbf) return { encoding: 'utf-8', skip: 3 };
  if (b[0] === 0xff && b[1] === 0xfe && b[2] === 0 && b[3] === 0) return { encoding: 'utf-32le', skip: 4 };
  if (b[0] === 0 && b[1] === 0 && b[2] === 0xfe && b[3] === 0xff) return { encoding: 'utf-32be', skip: 4 };
  if (b[0] === 0xff && b[1] === 0xfe) return { encoding: 'utf-16le', skip: 2 };
  if (b[0] === 0xfe && b[1] === 0xff) return { encoding: 'utf-16be', skip: 2 };
  // No BOM, but "<?" spelled in a wide encoding (XML 1.0 appendix F).
  if (b[0] === 0x3c && b[1] === 0 && b[2] === 0 && b[3] === 0) return { encoding: 'utf-32le', skip: 0 };
  if (b[0] === 0 && b[1] === 0 && b[2] === 0 && b[3] === 0x3c) return { encoding: 'utf-32be', skip: 0 };
  if (b[0] === 0x3c && b[1] === 0 && b[2] === 0x3f && b[3] === 0) return { encoding: 'utf-16le', skip: 0 };
  if (b[0] === 0 && b[1] === 0x3c && b[2] === 0 && b[3] === 0x3f) return { encoding: 'utf-16be', skip: 0 };
  return undefined;
}

/** declaredEncoding reads the encoding="…" label of an XML declaration near the start of the bytes. */
export function declaredEncoding(bytes: Uint8Array): string | undefined {
  const head = Buffer.from(bytes.subarray(0, 1024)).toString('latin1');
  const m = /<\?xml[^>]*?\bencoding\s*=\s*["']\s*([A-Za-z0-9._:-]+)\s*["']/i.exec(head);
  return m ? m[1] : undefined;
}

/** canonicalCharset maps a charset label to one iconv-lite decodes, or undefined if unknown. */
export function canonicalCharset(label: string | undefined): string | undefined {
  if (!label) return undefined;
  let l = label
    .trim()
    .toLowerCase()
    .replace(/^["']|["']$/g, '');
  // WHATWG Encoding: these labels mean windows-1252, a superset that gives C1 bytes their real characters.
  if (['iso-8859-1', 'iso8859-1', 'latin1', 'l1', 'us-ascii', 'ascii', 'iso_8859-1', 'cp1252', 'x-cp1252'].includes(l)) {
    l = 'windows-1252';
  }
  if (l === 'utf8' || l === 'unicode-1-1-utf-8') l = 'utf-8';
  if (l === 'utf-16' || l === 'utf16' || l === 'unicode') l = 'utf-16le';
  return iconv.encodingExists(l) ? l : undefined;
}

const singleByte = new Set(['windows-1252']);
const hasHighBytes = (b: Uint8Array) => b.some((x) => x >= 0x80);

function decodeWith(bytes: Uint8Array, encoding: string): string {
  if (encoding === 'utf-8') return Buffer.from(bytes).toString('utf8');
  return iconv.decode(Buffer.from(bytes), encoding, { stripBOM: true });
}

/**
 * decodeDocument turns XML/OPML bytes into text following RFC 7303 §8: a BOM first, then the
 * HTTP charset, then the XML declaration, then UTF-8 if the bytes are valid UTF-8, else
 * windows-1252. Two lenient corrections for mislabelled documents: a "UTF-8" label on bytes that
 * are not UTF-8 falls through to the next source, and a Latin-1 label on bytes that are valid
 * multi-byte UTF-8 is read as UTF-8 (the common export bug that would otherwise give mojibake).
 */
export function decodeDocument(bytes: Uint8Array, httpCharset?: string): DecodedText {
  const bom = sniffBom(bytes);
  if (bom) {
    return { text: decodeWith(bytes.subarray(bom.skip), bom.encoding).replace(/^\uFEFF/, ''), encoding: bom.encoding };
  }
  const valid = isValidUtf8(bytes);
  for (const label of [httpCharset, declaredEncoding(bytes)]) {
    const enc = canonicalCharset(label);
    if (!enc) continue;
    if (enc === 'utf-8' && !valid) continue;
    if (singleByte.has(enc) && valid && hasHighBytes(bytes)) break; // mislabelled UTF-8
    if (enc.startsWith('utf-16') || enc.startsWith('utf-32')) continue; // declared wide, but no wide bytes seen
    return { text: decodeWith(bytes, enc).replace(/^\uFEFF/, ''), encoding: enc };
  }
  const enc = valid ? 'utf-8' : 'windows-1252';
  return { text: decodeWith(bytes, enc).replace(/^\uFEFF/, ''), encoding: enc };
}
