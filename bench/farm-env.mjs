// What every script that drives ../shared/bench's feed farm starts with: the repository root, the
// farm's folder (or a clean skip when it is absent), and a reader for `--name value` arguments.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** root is the repository's top folder. */
export const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

/** benchDir is ../shared/bench (or $INKZEE_SHARED/bench); without its feed farm the script skips, exit 0. */
export const benchDir = path.resolve(process.env.INKZEE_SHARED ?? path.join(root, '..', 'shared'), 'bench');
if (!fs.existsSync(path.join(benchDir, 'feed-farm.mjs'))) {
  console.log(`skipped: ${benchDir}/feed-farm.mjs not found`);
  process.exit(0);
}

/** arg reads `--name value` from the command line, else the default. */
export const arg = (name, def) => { const k = process.argv.indexOf(`--${name}`); return k > 0 ? process.argv[k + 1] : def; };
