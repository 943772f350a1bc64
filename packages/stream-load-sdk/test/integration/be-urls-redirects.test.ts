/** With `beUrls`, redirects to FEs are followed as they are; a commit/rollback redirected to a BE goes to the BE the transaction is pinned to. */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createLoadManager, createStreamLoadClient } from '../../src/index.js';
import { startTestServer, type TestServer } from './helpers.js';

let s: TestServer;
let db: string;
let follower: Server;
let followerUrl: string;
let fakeBe: Server;
let fakeBeUrl: string;
const fakeBeHits: string[] = [];
const listen = (srv: Server) =>
  new Promise<string>((r) =>
    srv.listen(0, '127.0.0.1', () => r(`http://127.0.0.1:${(srv.address() as AddressInfo).port}`)),
  );
beforeAll(async () => {
  s = await startTestServer();
  db = await s.database();
  await s.sql.query(`CREATE TABLE ${db}.t (id INT NOT NULL, v VARCHAR(32)) PRIMARY KEY(id)`);
  // a follower FE: redirects every request to the leader FE (spec §1.2 redirectToLeader)
  follower = createServer((req, res) => {
    req.resume();
    res.writeHead(307, {
      Location: `${s.emu.feHttpUrl}${req.url}`,
      'Content-Length': 0,
      Connection: 'close',
    });
    res.end();
  });
  followerUrl = await listen(follower);
  // a second BE that does not hold the transaction
  fakeBe = createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      fakeBeHits.push(req.url!);
      res.end(JSON.stringify({ Status: 'TXN_NOT_EXISTS', Message: 'Transaction with label x not exists' }));
    });
  });
  fakeBeUrl = await listen(fakeBe);
});
afterAll(async () => {
  follower.close();
  fakeBe.close();
  await s.close();
});

it('beUrls + follower FE: get_load_state follows the FE→leader redirect (not re-pointed at a BE)', async () => {
  const client = createStreamLoadClient({ feUrls: followerUrl, beUrls: [s.emu.beHttpUrl], user: 'root' });
  try {
    const st = await client.labelState({ database: db, label: 'never-used' });
    expect(st.state).toBe('UNKNOWN');
  } finally {
    await client.close();
  }
});

it('beUrls + follower FE: committing a PREPARED transaction works', async () => {
  const client = createStreamLoadClient({
    feUrls: followerUrl,
    beUrls: [s.emu.beHttpUrl],
    user: 'root',
    labelStateTimeoutMs: 500,
    retry: { retries: 1, initialDelayMs: 10 },
  });
  try {
    const label = `p${Date.now()}`;
    await client.beginTransaction({ database: db, table: 't', label });
    await client.transactionLoad({ database: db, table: 't', label, body: '1\tx\n' });
    await client.prepareTransaction({ database: db, table: 't', label });
    const r = await client.commitTransaction({ database: db, table: 't', label }).catch((e) => e);
    expect(r.status).toBe('OK');
  } finally {
    await client.close();
  }
});

it('beUrls with 2 BEs: one-phase commit (transaction mode) is sent to the BE holding the txn', async () => {
  const client = createStreamLoadClient({
    feUrls: s.emu.feHttpUrl,
    beUrls: [s.emu.beHttpUrl, fakeBeUrl],
    user: 'root',
    labelStateTimeoutMs: 300,
    retry: { retries: 0 },
  });
  const m = createLoadManager(client, {
    mode: 'transaction',
    properties: { column_separator: ',' },
    flushIntervalMs: 0,
    transactionRetries: 0,
  });
  try {
    await m.write(db, 't', '2,y');
    const err = await m.flush().catch((e) => e);
    expect(err).toBeUndefined();
  } finally {
    await m.close().catch(() => {});
    await client.close();
  }
});
