import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['tests/unit/**/*.test.ts'],
    environment: 'node',
    // Some tests train real networks on the real data; they say so in their names.
    testTimeout: 30_000,
  },
});
