// Renaming and dissolving a folder, for both engines: which feeds a folder move touches and the
// stored path each gets (folders.ts says how paths are stored and compared).
import { folderNames, pathKey, pathNames, storedPath } from './folders.js';

/**
 * movedPath is a stored category path after its folder `from` (compared as `--category` compares,
 * with pathKey) is renamed to the path `to`, or dissolved (to null: its feeds go to the folder
 * above it, its subfolders move up one level with them); undefined if the path is not in `from`.
 */
export function movedPath(stored: string, from: string, to: string | null): string | undefined {
  const key = pathKey(from);
  const names = folderNames(stored);
  for (let k = 1; k <= names.length; k++) {
    if (pathKey(names.slice(0, k).join('/')) !== key) continue;
    const head = to === null ? names.slice(0, k - 1) : pathNames(to);
    return storedPath([...head, ...names.slice(k)]);
  }
  return undefined;
}

/** folderMoveKey is the folder key the feeds of a moved folder all hold (what the engines select them by). */
export function folderMoveKey(from: string): string {
  return pathKey(from);
}
