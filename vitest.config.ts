import { defineConfig } from 'vitest/config';
import { LongFilesFirst } from './test/setup/long-files-first.js';

export default defineConfig({
  test: {
    include: ['test/**/*.test.{ts,tsx}'],
    setupFiles: ['test/setup/network-guard.ts'],
    // One moto per worker slot for the whole run (test files take theirs through test/helpers/worker-moto.ts).
    globalSetup: ['test/setup/worker-motos.ts'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    pool: 'forks',
    maxWorkers: 2,
    // The longest files first, so that both workers finish together (on a fresh clone too).
    sequence: { sequencer: LongFilesFirst },
  },
});
