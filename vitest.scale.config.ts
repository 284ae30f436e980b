/**
 * The room's relay deployed as deploy/README.md says, on loopback
 * (tests/scale/): redis-server, two relay processes and nginx in front,
 * with hundreds of phones. `npm run test:scale`; `npm test` runs it after
 * the unit tests. Kept apart from those because it starts real services and
 * takes most of a minute; one file at a time, so that its timings are not
 * another file's load on CI's two cores.
 */
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['tests/scale/**/*.test.ts'],
    environment: 'node',
    fileParallelism: false,
    // Each step waits for at most a few seconds; the digits' quota takes half a minute, sent 3.1 s apart.
    testTimeout: 60_000,
    hookTimeout: 60_000,
  },
});
