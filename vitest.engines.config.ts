/**
 * The deck in the other engines attendees bring: Firefox and WebKit
 * (tests/engines/), against the built site (dist/), which each file serves
 * itself on a free port. `npm run test:engines`; `npm test` runs it after
 * the Chromium tests. One file at a time: each starts a real browser, and
 * CI's machine has two cores.
 */
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['tests/engines/**/*.test.ts'],
    environment: 'node',
    fileParallelism: false,
    // A browser's start, and the live slide's short run, on a busy two-core machine.
    testTimeout: 150_000,
    hookTimeout: 60_000,
  },
});
