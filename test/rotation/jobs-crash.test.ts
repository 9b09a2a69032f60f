/**
 * Resumability under kill -9, on SQLite (one writer at a time, WAL): reencrypt, backfill and
 * reindex killed at random moments beside a live writer (for reindex, one that dual-writes
 * and keeps trying duplicates), then run to completion (see fixtures/crash-scenario.ts for
 * the checks).
 */
import { crashTests } from './fixtures/crash-tests.js';

await crashTests('sqlite', { reencrypt: { rows: 2500, kills: 50 }, backfill: { rows: 2500, kills: 50 }, reindex: { rows: 2500, kills: 50 } });
