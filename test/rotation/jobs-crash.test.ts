/**
 * Resumability under kill -9, on SQLite (one writer at a time, WAL): reencrypt and backfill
 * killed at random moments beside a live writer, then run to completion (see
 * fixtures/crash-scenario.ts for the checks).
 */
import { crashTests } from './fixtures/crash-tests.js';

await crashTests('sqlite', { reencrypt: { rows: 2500, kills: 50 }, backfill: { rows: 2500, kills: 50 } });
