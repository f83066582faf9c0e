// Folder paths as lists of names. A name may hold "/" ("UI / UX" in the awesome-rss-feeds lists),
// so the category column keeps names joined by "/" with "\" escaping a "/" or "\" inside a name,
// and `--category` is matched against each feed's folder keys, computed here once for both
// engines: SQL only asks whether a key is among a feed's.

/** folderNames reads a stored category path into its folder names, outermost first ("" is none). */
export function folderNames(stored: string): string[] {
  if (stored === '') return [];
  const names: string[] = [];
  let name = '';
  for (let k = 0; k < stored.length; k++) {
    const ch = stored[k];
    if (ch === '\\' && k + 1 < stored.length) name += stored[++k];
    else if (ch === '/') {
      names.push(name);
      name = '';
    } else name += ch;
  }
  names.push(name);
  return names;
}

/** storedPath writes folder names as the category column holds them (empty names dropped). */
export function storedPath(names: readonly string[]): string {
  return names
    .filter((n) => n !== '')
    .map((n) => n.replace(/[\\/]/g, (m) => `\\${m}`))
    .join('/');
}

/** displayPath is the path people read and write: the names joined by "/" ("UI / UX", "Tech/Rust"). */
export function displayPath(stored: string): string {
  return stored.includes('\\') ? folderNames(stored).join('/') : stored;
}

/**
 * pathNames splits a path given as text (an OPML category attribute, an older caller's category)
 * at every "/", trimming each name: the only reading such text has.
 */
export function pathNames(path: string): string[] {
  return path
    .split('/')
    .map((s) => s.trim())
    .filter(Boolean);
}

/**
 * fold compares names without case, for every script: NFC, then lower, upper and lower case again,
 * which is Unicode's full case folding for all but a few letters ("ß", "ẞ" and "SS" become "ss").
 */
function fold(s: string): string {
  return s.normalize('NFC').toLocaleLowerCase('und').toLocaleUpperCase('und').toLocaleLowerCase('und').normalize('NFC');
}

/**
 * pathKey is how `--category` compares a path: case folded, each "/" with the spaces around it
 * one "/", inner spaces one space, empty steps dropped — so "UI / UX", "ui/ux" and the folder UI
 * holding UX all read "ui/ux".
 */
export function pathKey(path: string): string {
  return fold(path)
    .split('/')
    .map((s) => s.replace(/\s+/g, ' ').trim())
    .filter(Boolean)
    .join('/');
}

/**
 * folderKeys are the keys `--category` matches a feed by: one per folder on its path, from the
 * outermost (the folder and every folder below it match; "Tech" does not match "Technology").
 */
export function folderKeys(stored: string): string[] {
  const names = folderNames(stored);
  return [...new Set(names.map((_, k) => pathKey(names.slice(0, k + 1).join('/'))).filter(Boolean))];
}
