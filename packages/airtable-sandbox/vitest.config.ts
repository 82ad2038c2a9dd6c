import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    name: 'airtable-sandbox',
    globals: true,
    include: ['src/**/*.spec.ts', 'test/**/*.e2e-spec.ts'],
    globalSetup: ['test/global-setup.ts'],
    testTimeout: 20_000,
    hookTimeout: 20_000,
  },
});
