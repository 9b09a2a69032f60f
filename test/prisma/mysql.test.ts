/** The Prisma adapter suites on MariaDB (mariadb driver adapter). */
import { describe } from 'vitest';
import { defineAdapterSuites } from './suite/index.js';

describe('prisma adapter on mysql', () => defineAdapterSuites('mysql'));
