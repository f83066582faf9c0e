import type { Feed } from '../model.js';

/** escapeXml escapes text for an XML attribute or element (XML 1.0 §2.4, plus line breaks). */
export function escapeXml(s: string): string {
  return (
    s
      // Characters XML 1.0 forbids (C0 controls other than tab/newline/CR) cannot be escaped: drop them.
      .replace(/[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]/g, '')
      .replace(/&/g, '&amp;')
      .replace(/</g, '&lt;')
      .replace(/>/g, '&gt;')
      .replace(/"/g, '&quot;')
      .replace(/\n/g, '&#10;')
      .replace(/\r/g, '&#13;')
      .replace(/\t/g, '&#9;')
  );
}

interface Folder {
  name: string;
  folders: Map<string, Folder>;
  feeds: Feed[];
}

function tree(feeds: Iterable<Feed>): Folder {
  const root: Folder = { name: '', folders: new Map(), feeds: [] };
  for (const feed of feeds) {
    let node = root;
    // By names, not by splitting the path: a folder named "UI / UX" stays one folder.
    for (const part of feed.folders) {
      let next = node.folders.get(part);
      if (!next) node.folders.set(part, (next = { name: part, folders: new Map(), feeds: [] }));
      node = next;
    }
    node.feeds.push(feed);
  }
  return root;
}

function feedLine(f: Feed, pad: string): string {
  // OPML 2.0 requires text, and readers show it: a feed with no title gets its URL there, but no
  // title attribute, and readOpml takes a text equal to the xmlUrl for no title at all.
  const text = escapeXml(f.title ?? f.url);
  const title = f.title !== null ? ` title="${text}"` : '';
  const site = f.siteUrl ? ` htmlUrl="${escapeXml(f.siteUrl)}"` : '';
  return `${pad}<outline type="rss" text="${text}"${title} xmlUrl="${escapeXml(f.url)}"${site}/>\n`;
}

function folderLines(folder: Folder, depth: number): string {
  const pad = '  '.repeat(depth + 2);
  let out = '';
  for (const sub of folder.folders.values()) {
    const name = escapeXml(sub.name);
    out += `${pad}<outline text="${name}" title="${name}">\n${folderLines(sub, depth + 1)}${pad}</outline>\n`;
  }
  for (const f of folder.feeds) out += feedLine(f, pad);
  return out;
}

/** writeOpml renders feeds as an OPML 2.0 document whose folders rebuild each feed's category path. */
export function writeOpml(feeds: Iterable<Feed>, title: string, now: Date): string {
  return (
    '<?xml version="1.0" encoding="UTF-8"?>\n<opml version="2.0">\n  <head>\n' +
    `    <title>${escapeXml(title)}</title>\n    <dateCreated>${now.toUTCString()}</dateCreated>\n` +
    '    <docs>https://opml.org/spec2.opml</docs>\n  </head>\n  <body>\n' +
    folderLines(tree(feeds), 0) +
    '  </body>\n</opml>\n'
  );
}
