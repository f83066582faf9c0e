import fs from 'node:fs';
import path from 'node:path';
import { execFile } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { compareVersions, minimumOf, NODE_RANGE, nodeProblem, type Version } from '../src/node-version.js';
import { ROOT } from './helpers.js';

/**
 * Runtime dependencies allowed to declare a higher Node.js than we do, each with the reason it
 * still works on ours. Keep it short: every entry is an EBADENGINE warning users see at install.
 */
const EXCEPTIONS: Record<string, { declares: string; reason: string }> = {
  'sanitize-html': {
    declares: '>=22.12.0',
    reason:
      'it require()s the ES-module htmlparser2 12, which Node 22.12 does by default and Node 20 from 20.19 too ' +
      '(our minimum); 2.17 avoids it but lacks the tag hooks that scope SVG/MathML names (our SVG attack tests fail on it)',
  },
};

interface Manifest {
  name: string;
  version: string;
  engines?: { node?: string };
  dependencies?: Record<string, string>;
  optionalDependencies?: Record<string, string>;
}
const read = (file: string) => JSON.parse(fs.readFileSync(file, 'utf8')) as Manifest;

/** installed finds a package as Node resolves it from `dir`: the nearest node_modules up the tree. */
function installed(name: string, dir: string): string | undefined {
  for (let d = dir; ; d = path.dirname(d)) {
    const file = path.join(d, 'node_modules', name, 'package.json');
    if (fs.existsSync(file)) return file;
    if (path.dirname(d) === d) return undefined;
  }
}

/** runtimeDependencies walks package.json's dependencies and theirs: every package a user installs. */
function runtimeDependencies(): Map<string, Manifest> {
  const seen = new Map<string, Manifest>();
  const visit = (dir: string, m: Manifest) => {
    for (const name of Object.keys({ ...m.dependencies, ...m.optionalDependencies })) {
      const file = installed(name, fs.realpathSync(dir));
      if (!file) {
        if (m.optionalDependencies?.[name]) continue;
        throw new Error(`${name} (needed by ${m.name}) is not installed`);
      }
      if (seen.has(file)) continue;
      const dep = read(file);
      seen.set(file, dep);
      visit(path.dirname(file), dep);
    }
  };
  visit(ROOT, read(path.join(ROOT, 'package.json')));
  return seen;
}

describe('the Node.js version', () => {
  it.each([
    ['>=20.19.0', [20, 19, 0]],
    ['>= 16.0.0', [16, 0, 0]],
    ['>=4', [4, 0, 0]],
    ['20.x || 22.x || 23.x', [20, 0, 0]],
    ['^20.19.0 || >=22.12.0', [20, 19, 0]],
    ['^18.17.0 || >=20.5.0', [18, 17, 0]],
    ['*', [0, 0, 0]],
    ['>=14 <16', [14, 0, 0]],
    ['', [0, 0, 0]],
  ])('reads the minimum of %j', (range, min) => {
    expect(minimumOf(range)).toEqual(min);
  });

  it('is declared in package.json as what the dependencies need, with documented exceptions', () => {
    const ours = minimumOf(NODE_RANGE)!;
    expect(ours).toBeDefined();
    const deps = runtimeDependencies();
    expect(deps.size).toBeGreaterThan(10);
    const problems: string[] = [];
    const used = new Set<string>();
    for (const m of deps.values()) {
      const range = m.engines?.node;
      if (range === undefined) continue;
      const min = minimumOf(range);
      if (!min) {
        problems.push(`${m.name}@${m.version}: engines.node "${range}" is a form minimumOf does not read`);
        continue;
      }
      if (compareVersions(min, ours) <= 0) continue;
      const ex = EXCEPTIONS[m.name];
      if (ex && ex.declares === range) {
        used.add(m.name);
        continue;
      }
      problems.push(`${m.name}@${m.version} needs Node.js "${range}", above our "${NODE_RANGE}"`);
    }
    for (const name of Object.keys(EXCEPTIONS))
      if (!used.has(name))
        problems.push(`${name}: the exception is no longer needed (or it declares another range now); update EXCEPTIONS`);
    expect(problems).toEqual([]);
  });

  it('is checked at start-up: an older Node.js gets one line and exit 1', async () => {
    expect(nodeProblem('20.18.3')).toBe(`Node.js 20.18.3 is too old: Inkzee needs Node.js ${minimumOf(NODE_RANGE)!.join('.')} or newer`);
    expect(nodeProblem('18.20.4')).toMatch(/too old/);
    expect(nodeProblem(minimumOf(NODE_RANGE)!.join('.'))).toBeUndefined();
    expect(nodeProblem('22.12.0')).toBeUndefined();
    const run = (version: string) =>
      new Promise<{ code: number; stdout: string; stderr: string }>((resolve) =>
        execFile(
          process.execPath,
          [
            '--import',
            `data:text/javascript,Object.defineProperty(process.versions,"node",{value:"${version}"})`,
            path.join(ROOT, 'bin', 'inkzee.js'),
            '--version',
          ],
          (err, stdout, stderr) => resolve({ code: err ? Number(err.code) : 0, stdout, stderr }),
        ),
      );
    const min: Version = minimumOf(NODE_RANGE)!;
    const below = min[1] > 0 ? `${min[0]}.${min[1] - 1}.9` : `${min[0] - 1}.99.0`;
    expect(await run(below)).toEqual({
      code: 1,
      stdout: '',
      stderr: `inkzee: Node.js ${below} is too old: Inkzee needs Node.js ${min.join('.')} or newer\n`,
    });
    expect(await run(min.join('.'))).toMatchObject({ code: 0, stderr: '' });
  });
});
