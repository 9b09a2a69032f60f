/**
 * prisma-field-encryption's scenarios ported to fieldseal (see integration.ts, migrations.ts
 * and keys-and-annotations.ts for the list and their origin), registered against one
 * database kind; each kind has its own test file so they run in parallel.
 */
import { describe } from 'vitest';
import { unavailableReason, type DatabaseKind } from '../../support/databases.js';
import { useHarness } from '../support/harness.js';
import { integrationScenarios } from './integration.js';
import { keyAndAnnotationScenarios } from './keys-and-annotations.js';
import { migrationScenarios } from './migrations.js';

/** Registers every ported scenario against `kind`, skipping (outside CI only) when its server is down. */
export async function definePfePort(kind: DatabaseKind): Promise<void> {
  const reason = await unavailableReason(kind); // throws in CI: there, a missing server is a failure
  describe.skipIf(reason !== undefined)(reason ?? `${kind} server`, () => {
    const h = useHarness(kind, 'pfeport');
    integrationScenarios(h);
    migrationScenarios(h);
    keyAndAnnotationScenarios(h);
  });
}
