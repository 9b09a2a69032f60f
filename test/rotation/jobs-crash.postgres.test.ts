/**
 * Resumability under kill -9, on PostgreSQL (checkpoints claimed with SKIP LOCKED, batches
 * written in one transaction, unique constraints on the lookup columns and their shadows):
 * the scenario of jobs-crash.test.ts.
 */
import { crashTests } from './fixtures/crash-tests.js';

await crashTests('postgres', { reencrypt: { rows: 2500, kills: 50 }, backfill: { rows: 2500, kills: 50 }, reindex: { rows: 2500, kills: 50 } });
