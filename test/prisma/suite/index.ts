/** All adapter suites for one database kind; each database has its own test file so they run in parallel. */
import { describe } from 'vitest';
import { unavailableReason, type DatabaseKind } from '../../support/databases.js';
import { useHarness } from '../support/harness.js';
import { badInputSuite } from './bad-input.js';
import { crudSuite } from './crud.js';
import { integritySuite } from './integrity.js';
import { leakSuite } from './leaks.js';
import { lookupIntegritySuite } from './lookup-integrity.js';
import { nestedSuite } from './nested.js';
import { optionSuite } from './options.js';
import { querySuite } from './queries.js';
import { rotationSuite } from './rotation.js';

/** Registers every suite against `kind`, skipping (outside CI only) when its server is down. */
export async function defineAdapterSuites(kind: DatabaseKind): Promise<void> {
  const reason = await unavailableReason(kind); // throws in CI: there, a missing server is a failure
  describe.skipIf(reason !== undefined)(reason ?? `${kind} server`, () => {
    const h = useHarness(kind, 'adapter');
    crudSuite(h);
    querySuite(h);
    rotationSuite(h);
    nestedSuite(h);
    integritySuite(h);
    lookupIntegritySuite(h);
    badInputSuite(h);
    leakSuite(h);
    optionSuite(h);
  });
}
