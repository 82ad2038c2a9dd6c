import swc from 'unplugin-swc';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    globals: true,
    testTimeout: 20_000,
    hookTimeout: 20_000,
    // Two files at a time even on two cores (Vitest's default there is one): most of an end-to-end
    // file's time is spent waiting on sockets and timers, not on the CPU.
    maxWorkers: 2,
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
