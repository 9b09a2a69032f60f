/** Lookup key versions (reindex shadows) and data subjects through the Prisma adapter, on mysql (MariaDB). */
import { describe } from 'vitest';
import { defineLookupVersionSuites } from './suite.js';

describe('prisma lookup key versions and subjects on mysql', () => defineLookupVersionSuites('mysql'));
