/** The TypeORM adapter suites on SQLite (better-sqlite3 driver). */
import { describe } from 'vitest';
import { defineTypeormSuites } from './suite/index.js';

describe('typeorm adapter on sqlite', () => defineTypeormSuites('sqlite'));
