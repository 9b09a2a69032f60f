/** The Prisma adapter suites on PostgreSQL (pg driver adapter). */
import { describe } from 'vitest';
import { defineAdapterSuites } from './suite/index.js';

describe('prisma adapter on postgresql', () => defineAdapterSuites('postgresql'));
