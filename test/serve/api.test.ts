// The reader API's endpoints on SQLite (api-cases.ts holds the cases; api-pg.test.ts runs them on PostgreSQL).
import path from 'node:path';
import { openSqlite } from '../../src/store/sqlite/index.js';
import { tempDir } from '../helpers.js';
import { describeApi } from './api-cases.js';

describeApi('SQLite', async () => openSqlite(path.join(tempDir(), 'api.db')));
