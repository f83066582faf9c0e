import { createRequire } from 'node:module';

const pkg = createRequire(import.meta.url)('../package.json') as { version: string; homepage: string };

/** VERSION is the package version, shown by --version and sent in the User-Agent. */
export const VERSION = pkg.version;
/** HOMEPAGE is the project URL sent in the User-Agent. */
export const HOMEPAGE = pkg.homepage;
