/** The TypeORM adapter suites on MariaDB (mysql2 driver). */
import { describe } from 'vitest';
import { unavailableReason } from '../support/databases.js';
import { defineTypeormSuites } from './suite/index.js';

const reason = await unavailableReason('mysql');

describe.skipIf(reason !== undefined)('typeorm adapter on mysql', () => defineTypeormSuites('mysql'));
