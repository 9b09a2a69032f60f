/**
 * Resumability under kill -9, on MariaDB (checkpoints claimed with SKIP LOCKED, conditional
 * writes compared exactly under a case-insensitive collation): the scenario of
 * jobs-crash.test.ts.
 */
import { crashTests } from './fixtures/crash-tests.js';

await crashTests('mysql', { reencrypt: { rows: 2500, kills: 50 }, backfill: { rows: 2500, kills: 50 } });
