/** Lookup key versions (reindex shadows) and data subjects through the Prisma adapter, on postgresql. */
import { describe } from 'vitest';
import { defineLookupVersionSuites } from './suite.js';

describe('prisma lookup key versions and subjects on postgresql', () => defineLookupVersionSuites('postgresql'));
