import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 30_000,
    hookTimeout: 30_000,
    // One throwaway PostgreSQL cluster for the whole run; test/pg.ts hands out databases on it.
    globalSetup: ['./test/pg-setup.ts'],
  },
});
