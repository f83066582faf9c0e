// Namespace URIs → the short keys the mappers match on. RSS 0.90/1.0 and Userland URIs are all
// "core RSS" (""); Atom 0.3 and 1.0 share "atom".
const NS: Record<string, string> = {
  'http://www.w3.org/2005/atom': 'atom',
  'http://purl.org/atom/ns#': 'atom',
  'http://purl.org/rss/1.0/': '',
  'http://my.netscape.com/rdf/simple/0.9/': '',
  'http://backend.userland.com/rss2': '',
  'http://backend.userland.com/rss': '',
  'http://blogs.law.harvard.edu/tech/rss': '',
  'http://purl.org/net/rss1.1#': '',
  'http://purl.org/dc/elements/1.1/': 'dc',
  'http://purl.org/dc/terms/': 'dcterms',
  'http://purl.org/rss/1.0/modules/content/': 'content',
  'http://www.itunes.com/dtds/podcast-1.0.dtd': 'itunes',
  'http://search.yahoo.com/mrss/': 'media',
  'http://video.search.yahoo.com/mrss': 'media',
  'http://tools.search.yahoo.com/mrss/': 'media',
  'http://www.rssboard.org/media-rss': 'media',
  'https://podcastindex.org/namespace/1.0': 'podcast',
  'https://github.com/podcastindex-org/podcast-namespace/blob/main/docs/1.0.md': 'podcast',
  'http://www.w3.org/1999/xhtml': 'xhtml',
  'http://www.w3.org/1999/02/22-rdf-syntax-ns#': 'rdf',
  'http://podlove.org/simple-chapters': 'psc',
  'http://www.google.com/schemas/play-podcasts/1.0': 'googleplay',
  'http://wellformedweb.org/commentapi/': 'wfw',
  'http://purl.org/rss/1.0/modules/slash/': 'slash',
  'http://rssnamespace.org/feedburner/ext/1.0': 'feedburner',
  'http://www.pheedo.com/namespace/pheedo': 'pheedo',
  'http://www.w3.org/xml/1998/namespace': 'xml',
};
// Feeds misspell namespace URIs in small ways ("…/modules/content" without its slash, https for
// http, DTD case): compare them without scheme, case and trailing "/" or "#".
const bare = (uri: string) =>
  uri
    .trim()
    .toLowerCase()
    .replace(/^https?:\/\//, '')
    .replace(/[/#]+$/, '');
const NS_BARE = new Map(Object.entries(NS).map(([uri, key]) => [bare(uri), key]));
/** nsKey is the short key of a namespace URI ("itunes"), or the URI itself when it is not one we know. */
export const nsKey = (uri: string): string => NS_BARE.get(bare(uri)) ?? uri.trim();
