import swc from 'unplugin-swc';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    globals: true,
    testTimeout: 20_000,
    hookTimeout: 20_000,
    // The sandbox package (its own config) and the service; `--project service` runs the service's alone.
    projects: [
      'packages/*',
      {
        extends: true,
        test: {
          name: 'service',
          include: ['src/**/*.spec.ts', 'test/**/*.e2e-spec.ts'],
          globalSetup: ['test/global-setup.ts'],
        },
      },
    ],
  },
  // SWC keeps the decorator metadata Nest's dependency injection reads.
  plugins: [swc.vite({ module: { type: 'es6' } })],
});
