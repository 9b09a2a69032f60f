/** Every TypeORM adapter suite, run once per database kind. */
import { crudSuite } from './crud.js';
import { refusalSuite } from './refusals.js';
import { configurationSuite } from './configuration.js';
import { versionSuite } from './versions.js';
import { integritySuite } from './integrity.js';
import { subjectSuite } from './subjects.js';
import type { DatabaseKind } from '../../support/databases.js';

export function defineTypeormSuites(kind: DatabaseKind): void {
  crudSuite(kind);
  refusalSuite(kind);
  configurationSuite(kind);
  versionSuite(kind);
  integritySuite(kind);
  subjectSuite(kind);
}
