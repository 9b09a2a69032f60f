import { defineConfig } from 'vitest/config';
import LongestFirst from './test/support/longest-first.js';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // Probes PostgreSQL, MariaDB and moto once, prints what each suite will use (or why it
    // skips), and starts an embedded PostgreSQL when no server answers.
    globalSetup: ['test/support/global-setup.ts'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    pool: 'forks',
    // Two files at a time even on 2 cores (Vitest's default there is one: cores - 1): most
    // files spend their time waiting on child processes and database servers, not on the CPU.
    maxWorkers: 2,
    // The longest files first, so that none of them starts last and runs alone.
    sequence: { sequencer: LongestFirst },
  },
});
