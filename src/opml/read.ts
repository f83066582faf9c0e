import { Parser } from 'htmlparser2';
import { decodeHTML } from 'entities';
import type { SkipReason, Subscription } from '../model.js';
import { InputError } from '../errors.js';
import { decodeDocument } from '../text/charset.js';
import { CONTROL, wellFormed } from '../text/well-formed.js';
import { normalizeFeedUrl } from './url.js';

/** OpmlList is what an OPML file holds: its subscriptions (deduplicated) and what was skipped. */
export interface OpmlList {
  title: string | null;
  subscriptions: Subscription[];
  /** Outlines that were not subscriptions, counted by reason. */
  skipped: Partial<Record<SkipReason, number>>;
  /** Outlines whose URL repeated an earlier one in the same file (merged into the first). */
  duplicates: number;
}

// Outline types that never name a feed (liferea vfolders and their rules, OPML 2.0 include/link).
const NON_FEED_TYPES: Record<string, SkipReason> = { vfolder: 'vfolder', rule: 'rule', include: 'include', link: 'link' };
// A headless fragment (a truncated export) may start at one of these instead of <opml>.
const FRAGMENT_ROOTS = new Set(['opml', 'body', 'outline', 'head']);

interface Frame {
  /** The folder name this outline opens; null for a feed or a skipped outline. */
  folder: string | null;
  /** Set for an outline without a URL, to count it as "no-url" if it turns out to have no children. */
  noUrl: boolean;
  hasChildren: boolean;
}

/**
 * clean turns an attribute value into display text: entities decoded, whitespace folded, and
 * well-formed without control characters (PostgreSQL refuses U+0000, which SQLite would keep).
 */
function clean(value: string | undefined): string | null {
  if (value === undefined) return null;
  const s = wellFormed(decodeHTML(value)).replace(CONTROL, '').replace(/\s+/g, ' ').trim();
  return s === '' ? null : s;
}

/**
 * readOpml parses an OPML document leniently: bytes are decoded by BOM, declaration or sniffing,
 * and the tokenizer (htmlparser2 in XML mode) tolerates bare "&", raw "<" in attributes, HTML
 * entities, missing end tags and junk after the root — the faults of real exports. It refuses
 * only documents that are not OPML at all (another root element, or no markup).
 */
export function readOpml(bytes: Uint8Array, name: string): OpmlList {
  const { text } = decodeDocument(bytes);
  const list: OpmlList = { title: null, subscriptions: [], skipped: {}, duplicates: 0 };
  const seen = new Set<string>();
  const stack: Frame[] = [];
  let root: string | null = null;
  let inTitle = false;
  let inHead = false;
  let titleText = '';
  let lastAttrs: Record<string, string> = {};
  const skip = (reason: SkipReason) => {
    list.skipped[reason] = (list.skipped[reason] ?? 0) + 1;
  };
  // A path is a list of names: a folder named "UI / UX" is one folder, not two.
  const folderPath = () => stack.map((f) => f.folder).filter((f): f is string => !!f);

  const parser = new Parser(
    {
      onopentag(tag, attrs) {
        root ??= tag;
        if (tag === 'head') inHead = true;
        if (tag === 'title' && inHead) {
          inTitle = true;
          titleText = '';
        }
        if (tag !== 'outline') return;
        stack.push(openOutline(attrs));
      },
      ontext(t) {
        if (inTitle) titleText += t;
        else if (stack.length) salvage(t);
      },
      onclosetag(tag) {
        if (tag === 'outline') {
          if (stack.length === 0) return;
          const frame = stack.pop();
          if (frame?.noUrl && !frame.hasChildren) skip('no-url');
        }
        if (tag === 'head') inHead = false;
        if (tag === 'title' && inTitle) {
          inTitle = false;
          list.title ??= clean(titleText);
        }
      },
    },
    { xmlMode: true, decodeEntities: false, lowerCaseTags: true, lowerCaseAttributeNames: true, recognizeSelfClosing: true },
  );

  function addFeed(rawUrl: string, attrs: Record<string, string>, folders: string[]) {
    const verdict = normalizeFeedUrl(decodeHTML(rawUrl));
    if (!verdict.ok) return skip(verdict.reason);
    if (seen.has(verdict.url)) {
      list.duplicates++;
      return;
    }
    seen.add(verdict.url);
    // A text that only repeats the URL is no title (exports, ours among them, fill the required
    // text with the URL of a feed that has none): the feed's own title will be used instead.
    const url = verdict.url;
    const urlOnly = (t: string | null) => {
      const asUrl = t === null ? null : normalizeFeedUrl(t);
      return asUrl === null || (asUrl.ok && asUrl.url === url) ? null : t;
    };
    const title = urlOnly(clean(attrs.text)) ?? urlOnly(clean(attrs.title));
    list.subscriptions.push({ url: verdict.url, title, siteUrl: clean(attrs.htmlurl), category: folders.join('/'), folders });
  }

  function openOutline(attrs: Record<string, string>): Frame {
    const parent = stack.at(-1);
    if (parent) parent.hasChildren = true;
    const type = (attrs.type ?? '').trim().toLowerCase();
    const rawUrl = attrs.xmlurl ?? '';
    lastAttrs = attrs;
    if (NON_FEED_TYPES[type]) {
      skip(NON_FEED_TYPES[type]);
      return { folder: null, noUrl: false, hasChildren: false };
    }
    if (clean(rawUrl) === null) {
      return { folder: clean(attrs.text) ?? clean(attrs.title) ?? '', noUrl: true, hasChildren: false };
    }
    const folders = folderPath();
    addFeed(rawUrl, attrs, folders.length ? folders : firstCategory(attrs.category));
    return { folder: null, noUrl: false, hasChildren: false };
  }

  // Raw HTML with quotes inside an attribute (description="… <a href="…">") ends the start tag
  // early, and the outline's xmlUrl spills into text: salvage it for the outline it belongs to.
  function salvage(t: string) {
    const m = /\bxmlurl\s*=\s*["']([^"']+)["']/i.exec(t);
    const top = stack.at(-1);
    if (!m || !top || !top.noUrl || top.hasChildren) return;
    top.folder = null;
    top.noUrl = false;
    addFeed(m[1], lastAttrs, folderPath());
    // The outline was meant to close itself ("… />"), but the tokenizer still holds it open and
    // will pair every later end tag one level too deep: close it here, and ignore the one extra
    // end tag that arrives when our stack is already empty.
    if (/\/>\s*$/.test(t)) stack.pop();
  }

  parser.write(text);
  parser.end();
  if (root === null) throw new InputError(name, 'not an OPML document (no XML elements found)', 'not-opml');
  // Quote at most 40 characters of the name: in garbage input the tokenizer's "name" can be anything.
  const shown = [...root].length > 40 ? `${[...root].slice(0, 40).join('')}…` : root;
  if (!FRAGMENT_ROOTS.has(root)) throw new InputError(name, `not an OPML document (root element is <${shown}>)`, 'not-opml');
  return list;
}

/** firstCategory takes the folder names of the first path of an OPML 2.0 category attribute ("/Tech/News,/Fun"), where "/" separates. */
function firstCategory(value: string | undefined): string[] {
  const first = clean(value)?.split(',')[0] ?? '';
  return first
    .split('/')
    .map((s) => s.trim())
    .filter(Boolean);
}
