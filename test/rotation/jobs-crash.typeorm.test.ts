/**
 * Resumability under kill -9 over TypeORM, on SQLite: the reencrypt job reads and writes
 * through `typeormRowSource` (its keys and checkpoints through `typeormSqlConnection`), the
 * application writes through the same kind of DataSource; the job is killed at random
 * moments beside the live writer, then run to completion (see fixtures/crash-scenario.ts
 * for the checks: no write lost, nothing sealed twice or in another row's context).
 */
import { crashTests } from './fixtures/crash-tests.js';

await crashTests('typeorm-sqlite', { reencrypt: { rows: 2500, kills: 50 } });
