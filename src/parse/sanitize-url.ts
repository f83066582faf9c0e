import { URI_SCHEMES } from './sanitize-lists.js';

// URL handling for the sanitizer: RFC 3986 §5.2 reference resolution done on strings (like
// Python's urljoin, so an IRI such as "http://any.test/À" stays readable instead of being
// percent-encoded by WHATWG URL), and the scheme check browsers would make.

interface UriParts {
  scheme: string | undefined;
  authority: string | undefined;
  path: string;
  query: string | undefined;
  fragment: string | undefined;
}

// RFC 3986 Appendix B, with the scheme restricted to its legal characters so "java script:x"
// is a relative path, as a browser's URL parser also sees it.
const URI_PATTERN = /^(?:([a-zA-Z][a-zA-Z0-9+.-]*):)?(?:\/\/([^/?#]*))?([^?#]*)(?:\?([^#]*))?(?:#([\s\S]*))?$/;

function splitUri(uri: string): UriParts {
  const m = URI_PATTERN.exec(uri) as RegExpExecArray; // every string matches: all parts are optional
  return { scheme: m[1], authority: m[2], path: m[3], query: m[4], fragment: m[5] };
}

// RFC 3986 §5.2.4, segment by segment: "." is dropped, ".." drops the segment before it.
function removeDotSegments(path: string): string {
  if (!path.includes('.')) return path;
  const segments = path.split('/');
  const out: string[] = [];
  segments.forEach((seg, i) => {
    const last = i === segments.length - 1;
    if (seg === '.' || seg === '..') {
      if (seg === '..' && out.length > 1) out.pop();
      else if (seg === '..' && out.length === 1 && out[0] !== '') out.pop();
      if (last) out.push('');
    } else {
      out.push(seg);
    }
  });
  return out.join('/');
}

let cachedBase: { uri: string; parts: UriParts } | null = null;

/** resolveUri resolves a reference against an absolute base (RFC 3986 §5.2.2); references with a
 * scheme, and any reference when the base has none, come back unchanged. */
export function resolveUri(ref: string, base: string): string {
  const r = splitUri(ref);
  if (r.scheme !== undefined) return ref;
  if (cachedBase?.uri !== base) cachedBase = { uri: base, parts: splitUri(base) };
  const b = cachedBase.parts;
  if (b.scheme === undefined) return ref;
  let authority = b.authority;
  let path: string;
  let query = r.query;
  if (r.authority !== undefined) {
    authority = r.authority;
    path = removeDotSegments(r.path);
  } else if (r.path === '') {
    path = b.path;
    query = r.query ?? b.query;
  } else if (r.path.startsWith('/')) {
    path = removeDotSegments(r.path);
  } else {
    const dir = b.authority !== undefined && b.path === '' ? '/' : b.path.slice(0, b.path.lastIndexOf('/') + 1);
    path = removeDotSegments(dir + r.path);
  }
  return `${b.scheme}:${authority !== undefined ? `//${authority}` : ''}${path}${query !== undefined ? `?${query}` : ''}${r.fragment !== undefined ? `#${r.fragment}` : ''}`;
}

// Browsers drop tabs and newlines anywhere in a URL and C0 controls/spaces at its ends
// (WHATWG URL "basic URL parser"), so "jav&#x09;ascript:" is javascript: to them.
const IGNORED_ANYWHERE = /[\t\n\r]/g;
const IGNORED_AT_ENDS = /^[\0-\x20]+|[\0-\x20]+$/g;
const SCHEME = /^([a-zA-Z][a-zA-Z0-9+.-]*):/;
// data: is only an image, and only where an image is loaded (img src/srcset); an SVG image
// loaded by <img> runs no script.
const DATA_IMAGE = /^data:image\/[a-z0-9.+-]+[;,]/i;

/** isSafeUri says whether a URL may stay: relative, or an allowed scheme (data:image/* when
 * dataImage is set). */
export function isSafeUri(uri: string, dataImage: boolean): boolean {
  const seen = uri.replace(IGNORED_ANYWHERE, '').replace(IGNORED_AT_ENDS, '');
  const m = SCHEME.exec(seen);
  if (!m) return true;
  const scheme = m[1].toLowerCase();
  return URI_SCHEMES.has(scheme) || (dataImage && scheme === 'data' && DATA_IMAGE.test(seen));
}

/** cleanSrcset resolves and checks each candidate of a srcset, dropping the unsafe ones. */
export function cleanSrcset(srcset: string, base: string | null): string {
  const kept: string[] = [];
  // A candidate is a URL (no whitespace; it may contain commas, as CDN parameters and data:
  // URIs do, but trailing commas end it), then descriptors up to the next comma.
  let i = 0;
  while (i < srcset.length) {
    while (i < srcset.length && /[\s,]/.test(srcset[i])) i++;
    if (i >= srcset.length) break;
    let j = i;
    while (j < srcset.length && !/\s/.test(srcset[j])) j++;
    let url = srcset.slice(i, j);
    let descriptor = '';
    if (url.endsWith(',')) {
      url = url.replace(/,+$/, '');
      i = j;
    } else {
      const comma = srcset.indexOf(',', j);
      const stop = comma < 0 ? srcset.length : comma;
      descriptor = srcset.slice(j, stop).trim();
      i = stop + 1;
    }
    const resolved = base ? resolveUri(url, base) : url;
    if (isSafeUri(resolved, true)) kept.push(descriptor ? `${resolved} ${descriptor}` : resolved);
  }
  return kept.join(', ');
}
