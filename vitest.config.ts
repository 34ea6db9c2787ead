import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    // One real Meilisearch for the whole run, started on a free port in a temp dir
    // (test/setup/meili.global.ts); every test file works in indexes of its own.
    globalSetup: ['test/setup/meili.global.ts'],
    include: ['test/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 180_000,
    pool: 'forks',
  },
});
