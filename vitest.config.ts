import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

const NO_CONFIG_HOME = path.join(path.dirname(fileURLToPath(import.meta.url)), 'test', 'fixtures', 'no-config-home');

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 30_000,
    hookTimeout: 30_000,
    // One throwaway PostgreSQL cluster for the whole run; test/pg.ts hands out databases on it.
    globalSetup: ['./test/pg-setup.ts'],
    // No test, nor a CLI it spawns (children inherit this), reads the developer's own
    // ~/.config/inkzee/config.toml: the default file is looked for in a folder that does not exist.
    env: { XDG_CONFIG_HOME: NO_CONFIG_HOME },
  },
});
