/** The lookup key version and data subject suites for one database kind. */
import { describe } from 'vitest';
import { unavailableReason, type DatabaseKind } from '../../support/databases.js';
import { useHarness } from '../support/harness.js';
import { reindexSuite } from './reindex.js';
import { subjectSuite } from './subjects.js';

/** Registers both suites against `kind`, skipping (outside CI only) when its server is down. */
export async function defineLookupVersionSuites(kind: DatabaseKind): Promise<void> {
  const reason = await unavailableReason(kind);
  describe.skipIf(reason !== undefined)(reason ?? `${kind} server`, () => {
    const h = useHarness(kind, 'lookupver');
    reindexSuite(h);
    subjectSuite(h);
  });
}
