import { createRequire } from 'node:module';

const pkg = createRequire(import.meta.url)('../package.json') as { engines: { node: string } };

/** NODE_RANGE is the Node.js versions Inkzee runs on: package.json's engines.node. */
export const NODE_RANGE = pkg.engines.node;

/** Version is [major, minor, patch]. */
export type Version = [number, number, number];

/** compareVersions orders two versions: negative, zero or positive. */
export function compareVersions(a: Version, b: Version): number {
  return a[0] - b[0] || a[1] - b[1] || a[2] - b[2];
}

// One comparator of a range as package.json engines write them: ">=20.19.0", "^20.19", "20.x", "<23".
const COMPARATOR = /^(>=|>|<=|<|=|\^|~)?v?(\d+)(?:\.(\d+|x|\*))?(?:\.(\d+|x|\*))?$/;

/**
 * minimumOf is the lowest version a semver range admits (the engines forms: ">=20.19.0",
 * "^20.19.0 || >=22.12", "20.x || 22.x", "*"), or undefined for a form it does not read.
 */
export function minimumOf(range: string): Version | undefined {
  let min: Version | undefined;
  for (const alternative of range.split('||')) {
    const parts = alternative
      .trim()
      .replace(/(>=|<=|[<>=^~])\s+/g, '$1')
      .split(/\s+/)
      .filter(Boolean);
    let low: Version = [0, 0, 0];
    for (const p of parts) {
      if (p === '*' || p === 'x') continue;
      const m = COMPARATOR.exec(p);
      if (!m) return undefined;
      const v: Version = [Number(m[2]), Number(m[3]) || 0, Number(m[4]) || 0];
      if (m[1] === '>') return undefined; // "above 20.19.0" has no lowest version worth guessing
      if (m[1] !== '<' && m[1] !== '<=' && compareVersions(v, low) > 0) low = v;
    }
    if (!min || compareVersions(low, min) < 0) min = low;
  }
  return min;
}

/** parseVersion reads "20.19.1" (process.versions.node). */
export function parseVersion(v: string): Version {
  const [a, b, c] = v.split('.').map((n) => parseInt(n, 10) || 0);
  return [a ?? 0, b ?? 0, c ?? 0];
}

/**
 * nodeProblem says why this Node.js cannot run Inkzee, or undefined when it can. Below 20.19,
 * Node 20 cannot require() an ES module, which the HTML parser and sanitizer do: the CLI would
 * start and then fail at the first crawl.
 */
export function nodeProblem(version: string, range: string = NODE_RANGE): string | undefined {
  const min = minimumOf(range);
  if (!min || compareVersions(parseVersion(version), min) >= 0) return undefined;
  return `Node.js ${version} is too old: Inkzee needs Node.js ${min.join('.')} or newer`;
}
