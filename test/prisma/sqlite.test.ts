/** The Prisma adapter suites on SQLite (better-sqlite3 driver adapter). */
import { describe } from 'vitest';
import { defineAdapterSuites } from './suite/index.js';

describe('prisma adapter on sqlite', () => defineAdapterSuites('sqlite'));
