/** The TypeORM adapter suites on PostgreSQL (pg driver). */
import { describe } from 'vitest';
import { unavailableReason } from '../support/databases.js';
import { defineTypeormSuites } from './suite/index.js';

const reason = await unavailableReason('postgresql');

describe.skipIf(reason !== undefined)('typeorm adapter on postgresql', () => defineTypeormSuites('postgresql'));
