import { afterAll, beforeAll, expect, it } from 'vitest';
import { createStreamLoadClient } from '../../src/index.js';
import { startTestServer, type TestServer } from './helpers.js';

let s: TestServer;
let db: string;
beforeAll(async () => {
  s = await startTestServer();
  db = await s.database();
  await s.sql.query(`CREATE TABLE ${db}.t (id INT NOT NULL, v VARCHAR(64)) PRIMARY KEY(id)`);
});
afterAll(async () => {
  await s.close();
});

it('a repeated prepare (what a retry after a lost reply sends) resolves as soon as the label is PREPARED', async () => {
  const client = createStreamLoadClient({ feUrls: s.emu.feHttpUrl, user: 'root', labelStateTimeoutMs: 4000 });
  const label = `p${Date.now()}`;
  await client.beginTransaction({ database: db, table: 't', label });
  await client.transactionLoad({ database: db, table: 't', label, body: '1\ta\n' });
  await client.prepareTransaction({ database: db, label });
  const started = Date.now();
  const again = await client.prepareTransaction({ database: db, label });
  const ms = Date.now() - started;
  await client.rollbackTransaction({ database: db, label });
  await client.close();
  expect(again.status).toBe('OK');
  expect(ms).toBeLessThan(1000); // not the 4 s labelStateTimeoutMs
});
