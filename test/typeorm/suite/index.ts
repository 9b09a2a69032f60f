/** Every TypeORM adapter suite, run once per database kind. */
import { crudSuite } from './crud.js';
import type { DatabaseKind } from '../../support/databases.js';

export function defineTypeormSuites(kind: DatabaseKind): void {
  crudSuite(kind);
}
