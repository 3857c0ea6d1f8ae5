import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    // Database suites each create their own databases; two workers keep the machine responsive.
    maxWorkers: 2,
    globalSetup: ['test/support/global-setup.ts'],
  },
});
