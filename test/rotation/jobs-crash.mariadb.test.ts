/**
 * Resumability under kill -9, on MariaDB (checkpoints claimed with SKIP LOCKED, conditional
 * writes compared exactly under a case-insensitive collation, unique constraints on the
 * lookup columns and their shadows): the scenario of jobs-crash.test.ts.
 */
import { crashTests } from './fixtures/crash-tests.js';

await crashTests('mysql', { reencrypt: { rows: 2500, kills: 50 }, backfill: { rows: 2500, kills: 50 }, reindex: { rows: 2500, kills: 50 } });
