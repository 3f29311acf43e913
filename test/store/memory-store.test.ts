import { openSqliteStore } from '../../src/store/index.ts';
import { describeMemoryStore } from './memory-store-contract.ts';

describeMemoryStore('SQLite', async () => openSqliteStore(':memory:').memories);
