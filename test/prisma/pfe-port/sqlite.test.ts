/** prisma-field-encryption's scenarios ported to fieldseal's Prisma adapter, on SQLite. */
import { describe } from 'vitest';
import { definePfePort } from './suite.js';

describe('prisma-field-encryption scenarios on sqlite', () => definePfePort('sqlite'));
