import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { startEmulator } from '@srconnect/emulator';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  AuthError,
  createStreamLoadClient,
  StarRocksError,
  StreamLoadError,
  TransactionError,
} from '../../src/index.js';
import { startTestServer, type TestServer } from './helpers.js';

let s: TestServer;
let db: string;

beforeAll(async () => {
  s = await startTestServer();
  db = await s.database();
  await s.sql.query(`CREATE TABLE ${db}.t (id INT NOT NULL, name VARCHAR(20)) DUPLICATE KEY(id)`);
  await s.sql.query(`CREATE TABLE ${db}.pk (id INT NOT NULL, v INT) PRIMARY KEY(id)`);
});
afterAll(async () => {
  await s.close();
});

function client(extra: Partial<Parameters<typeof createStreamLoadClient>[0]> = {}) {
  return createStreamLoadClient({
    feUrls: s.emu.feHttpUrl,
    user: 'root',
    retry: { retries: 3, initialDelayMs: 10, maxDelayMs: 50 },
    properties: { column_separator: ',' },
    ...extra,
  });
}

const count = async (table: string) =>
  Number((await s.rows<{ n: number }>(`SELECT count(*) AS n FROM ${db}.${table}`))[0]!.n);

describe('StreamLoadClient.load', () => {
  it('follows the FE 307 to the BE by hand and returns every reply field typed', async () => {
    await using c = client();
    const r = await c.load({ database: db, table: 't', label: 'redirect_1', body: '1,a\n2,b\n' });
    expect(r).toMatchObject({
      label: 'redirect_1',
      status: 'Success',
      message: 'OK',
      numberTotalRows: 2,
      numberLoadedRows: 2,
      numberFilteredRows: 0,
      attempts: 1,
    });
    expect(r.txnId).toBeGreaterThan(0);
    expect(r.loadBytes).toBe(8);
    expect(await count('t')).toBe(2);
  });

  it('sends stream bodies made by a factory, and replays them', async () => {
    await using c = client();
    s.emu.faults.failNext({ count: 1, status: 'Fail', message: 'too many versions (injected)' });
    let made = 0;
    const r = await c.load({
      database: db,
      table: 't',
      label: 'stream_body_1',
      body: () => {
        made++;
        return Readable.from([Buffer.from('10,x\n'), Buffer.from('11,y\n')]);
      },
    });
    expect(r.numberLoadedRows).toBe(2);
    expect(r.attempts).toBe(2);
    expect(made).toBe(1); // the injected failure happened before the body was requested
  });

  it('goes straight to configured BE URLs when the redirect target is unreachable', async () => {
    s.emu.faults.redirectToUnreachable(10);
    try {
      await using direct = client({ beUrls: [s.emu.beHttpUrl] });
      const r = await direct.load({ database: db, table: 't', label: 'direct_be_1', body: '3,c\n' });
      expect(r.status).toBe('Success');
      await using viaFe = client({ retry: { retries: 0 }, connectTimeoutMs: 2000 });
      await expect(
        viaFe.load({ database: db, table: 't', label: 'direct_be_2', body: '4,d\n' }),
      ).rejects.toMatchObject({ code: 'SR_NETWORK' });
    } finally {
      s.emu.faults.reset();
    }
  });

  it('rejects a wrong password with AuthError and never echoes the password', async () => {
    await using c = client({ password: 'hunter2-secret' });
    const err = (await c
      .load({ database: db, table: 't', body: '5,e\n' })
      .catch((e: unknown) => e)) as AuthError;
    expect(err).toBeInstanceOf(AuthError);
    expect(err).toBeInstanceOf(StarRocksError);
    expect(err.code).toBe('SR_AUTH');
    expect(err.retriable).toBe(false);
    expect(JSON.stringify({ m: err.message, s: err.serverMessage })).not.toContain('hunter2');
  });

  it('fails an unknown table with the server message, not retried', async () => {
    await using c = client();
    const err = (await c
      .load({ database: db, table: 'nope', body: '1,a\n' })
      .catch((e: unknown) => e)) as StreamLoadError;
    expect(err).toBeInstanceOf(StreamLoadError);
    expect(err.status).toBe('Fail');
    expect(err.serverMessage).toBe(`unknown table "${db}.nope"`);
    expect(err.retriable).toBe(false);
  });

  it('reports filtered rows with the fetched error log, redacted on request', async () => {
    await using c = client({ redactErrorLog: false });
    const err = (await c
      .load({ database: db, table: 't', label: 'filtered_1', body: '1,a\nbad-row\n' })
      .catch((e: unknown) => e)) as StreamLoadError;
    expect(err.serverMessage).toBe('too many filtered rows');
    expect(err.errorUrl).toMatch(/\/api\/_load_error_log\?file=/);
    expect(err.errorLog).toContain('bad-row');
    await using redacting = client({ redactErrorLog: true });
    const err2 = (await redacting
      .load({ database: db, table: 't', label: 'filtered_2', body: 'secret-row\n' })
      .catch((e: unknown) => e)) as StreamLoadError;
    expect(err2.errorLog).not.toContain('secret-row');
    expect(err2.errorLog).toContain('Value count does not match');
    // max_filter_ratio lets the good rows in and still reports where the bad ones went
    const ok = await c.load({
      database: db,
      table: 't',
      label: 'filtered_3',
      body: '7,g\nbad-row\n',
      properties: { max_filter_ratio: '0.5' },
    });
    expect(ok.numberFilteredRows).toBe(1);
    expect(ok.errorUrl).not.toBeNull();
  });

  it('treats a finished label as done and reloads an aborted one with the same label', async () => {
    await using c = client();
    await c.load({ database: db, table: 'pk', label: 'reuse_1', body: '1,1\n' });
    const again = await c.load({ database: db, table: 'pk', label: 'reuse_1', body: '1,999\n' });
    expect(again.status).toBe('Label Already Exists');
    expect(again.existingJobStatus).toBe('FINISHED');
    expect((await s.rows<{ v: number }>(`SELECT v FROM ${db}.pk WHERE id = 1`))[0]!.v).toBe(1);
    // an aborted label is reusable
    await expect(c.load({ database: db, table: 'pk', label: 'reuse_2', body: 'x\n' })).rejects.toBeInstanceOf(
      StreamLoadError,
    );
    const r = await c.load({ database: db, table: 'pk', label: 'reuse_2', body: '2,2\n' });
    expect(r.status).toBe('Success');
  });

  it('waits for a label held by a PREPARED transaction, bounded', async () => {
    await using c = client({ labelStateTimeoutMs: 300 });
    await c.beginTransaction({ database: db, table: 'pk', label: 'held_1' });
    await c.transactionLoad({ database: db, table: 'pk', label: 'held_1', body: '3,3\n' });
    await c.prepareTransaction({ database: db, table: 'pk', label: 'held_1' });
    const err = await c
      .load({ database: db, table: 'pk', label: 'held_1', body: '3,4\n' })
      .catch((e: unknown) => e);
    expect(err).toMatchObject({ code: expect.stringMatching(/SR_LABEL_EXISTS|SR_RETRIES_EXHAUSTED/) });
    // once committed elsewhere, the same load resolves as done
    await c.commitTransaction({ database: db, label: 'held_1' });
    const r = await c.load({ database: db, table: 'pk', label: 'held_1', body: '3,4\n' });
    expect(r.existingJobStatus).toBe('FINISHED');
    expect((await s.rows<{ v: number }>(`SELECT v FROM ${db}.pk WHERE id = 3`))[0]!.v).toBe(3);
  });

  it('resolves a label that is COMMITTED (publishing) as done, and waits on an open PREPARE transaction', async () => {
    await using c = client({ labelStateTimeoutMs: 300 });
    s.emu.faults.publishTimeout(1, 1500);
    await c.load({ database: db, table: 'pk', label: 'committed_1', body: '40,1\n' });
    expect((await c.labelState({ database: db, label: 'committed_1' })).state).toBe('COMMITTED');
    const again = await c.load({ database: db, table: 'pk', label: 'committed_1', body: '40,2\n' });
    expect(again.existingJobStatus).toBe('FINISHED');
    // an open (PREPARE) transaction holds the label: RUNNING, polled with a bound, then a retriable error
    await c.beginTransaction({ database: db, table: 'pk', label: 'open_1' });
    const err = await c
      .load({ database: db, table: 'pk', label: 'open_1', body: '41,1\n' })
      .catch((e: unknown) => e);
    expect(err).toMatchObject({ retriable: false, code: 'SR_RETRIES_EXHAUSTED' });
    expect(((err as Error).cause as { code: string }).code).toBe('SR_LABEL_EXISTS');
    expect(((err as Error).cause as { state: string }).state).toBe('PREPARE');
    await c.rollbackTransaction({ database: db, table: 'pk', label: 'open_1' });
    // once aborted, the same label loads
    expect((await c.load({ database: db, table: 'pk', label: 'open_1', body: '41,1\n' })).status).toBe(
      'Success',
    );
  });

  it('accepts Publish Timeout as committed; the data becomes visible later', async () => {
    await using c = client();
    s.emu.faults.publishTimeout(1, 300);
    const r = await c.load({ database: db, table: 'pk', label: 'publish_1', body: '50,5\n' });
    expect(r.status).toBe('Publish Timeout');
    expect((await c.labelState({ database: db, label: 'publish_1' })).state).toBe('COMMITTED');
    // COMMITTED is final for waitForLabel (the data will be visible); poll on until VISIBLE
    await expect
      .poll(async () => (await c.labelState({ database: db, label: 'publish_1' })).state, { timeout: 5000 })
      .toBe('VISIBLE');
    expect(await s.rows(`SELECT v FROM ${db}.pk WHERE id = 50`)).toEqual([{ v: 5 }]);
  });

  it('retries a connection cut mid-body with the same label and loads exactly once', async () => {
    await using c = client();
    const body = Buffer.from(Array.from({ length: 2000 }, (_, i) => `${100000 + i},row${i}\n`).join(''));
    const before = await count('t');
    s.emu.faults.cutAfterBodyBytes(5000, 1);
    const r = await c.load({ database: db, table: 't', label: 'cut_1', body });
    expect(r.attempts).toBe(2);
    expect(await count('t')).toBe(before + 2000);
    // replaying the same label after success loads nothing more
    const again = await c.load({ database: db, table: 't', label: 'cut_1', body });
    expect(again.existingJobStatus).toBe('FINISHED');
    expect(await count('t')).toBe(before + 2000);
  });

  it('honours an AbortSignal', async () => {
    await using c = client();
    s.emu.faults.delayReplies(2000, 1);
    const ac = new AbortController();
    setTimeout(() => ac.abort(), 100);
    await expect(
      c.load({ database: db, table: 't', body: '9,z\n', signal: ac.signal }),
    ).rejects.toMatchObject({ code: 'SR_ABORTED' });
    s.emu.faults.reset();
  });

  it('validates options and names the option', () => {
    expect(() => createStreamLoadClient({ feUrls: [], user: 'root' })).toThrow(
      '`feUrls` must be a URL or a non-empty list of URLs',
    );
    expect(() => createStreamLoadClient({ feUrls: 'http://root:pw@fe:8030', user: 'root' })).toThrow(
      'must not contain credentials',
    );
    expect(() =>
      createStreamLoadClient({ feUrls: 'http://fe:8030', user: 'root', connectTimeoutMs: -1 }),
    ).toThrow('`connectTimeoutMs`');
    expect(() =>
      createStreamLoadClient({ feUrls: 'http://fe:8030', user: 'root', loadUrl: 'x' } as never),
    ).toThrow('use `feUrls`');
    expect(() =>
      createStreamLoadClient({
        feUrls: 'http://fe:8030',
        user: 'root',
        properties: { timeout: 60 },
      } as never),
    ).toThrow('`properties.timeout` must be a string');
  });

  it('rotates past an unreachable FE and remembers it', async () => {
    await using c = client({ feUrls: ['http://127.0.0.1:1', s.emu.feHttpUrl] });
    for (let i = 0; i < 3; i++) {
      const r = await c.load({ database: db, table: 't', body: `${200 + i},fe\n` });
      expect(r.attempts).toBe(1);
    }
  });
});

describe('StreamLoadClient transactions', () => {
  it('begin, load twice, prepare, commit: visible only after commit', async () => {
    await using c = client();
    const label = 'txn_ok_1';
    const b = await c.beginTransaction({ database: db, table: 'pk', label });
    expect(b.status).toBe('OK');
    expect(b.txnId).toBeGreaterThan(0);
    await c.transactionLoad({ database: db, table: 'pk', label, body: '60,1\n' });
    await c.transactionLoad({ database: db, table: 'pk', label, body: '61,1\n' });
    await c.prepareTransaction({ database: db, table: 'pk', label });
    expect(await s.rows(`SELECT id FROM ${db}.pk WHERE id >= 60 AND id < 70`)).toEqual([]);
    expect((await c.labelState({ database: db, label })).state).toBe('PREPARED');
    await c.commitTransaction({ database: db, label });
    expect(await s.rows(`SELECT id FROM ${db}.pk WHERE id >= 60 AND id < 70 ORDER BY id`)).toEqual([
      { id: 60 },
      { id: 61 },
    ]);
    // idempotent: committing again is success
    const again = await c.commitTransaction({ database: db, label });
    expect(again.message).toContain('has already committed');
    // rolling back a committed transaction is an error that names the label
    await expect(c.rollbackTransaction({ database: db, label })).rejects.toThrow(/txn_ok_1/);
  });

  it('rollback discards the data; rollback twice is success; commit after rollback fails naming the label', async () => {
    await using c = client();
    const label = 'txn_rb_1';
    await c.beginTransaction({ database: db, table: 'pk', label });
    await c.transactionLoad({ database: db, table: 'pk', label, body: '70,1\n' });
    await c.rollbackTransaction({ database: db, table: 'pk', label });
    await c.rollbackTransaction({ database: db, table: 'pk', label });
    const err = (await c
      .commitTransaction({ database: db, label })
      .catch((e: unknown) => e)) as TransactionError;
    expect(err).toBeInstanceOf(TransactionError);
    expect(err.label).toBe(label);
    expect(err.message).toMatch(/ABORTED/);
    expect(await s.rows(`SELECT id FROM ${db}.pk WHERE id = 70`)).toEqual([]);
  });

  it('commits an open transaction in one phase (no prepare)', async () => {
    await using c = client();
    await c.beginTransaction({ database: db, table: 'pk', label: 'txn_1pc' });
    await c.transactionLoad({ database: db, table: 'pk', label: 'txn_1pc', body: '80,8\n' });
    await c.commitTransaction({ database: db, table: 'pk', label: 'txn_1pc' });
    expect(await s.rows(`SELECT v FROM ${db}.pk WHERE id = 80`)).toEqual([{ v: 8 }]);
  });

  it('retries TXN_IN_PROCESSING', async () => {
    await using c = client();
    await c.beginTransaction({ database: db, table: 'pk', label: 'txn_busy' });
    s.emu.faults.failNext({
      scope: 'transaction',
      op: 'load',
      status: 'TXN_IN_PROCESSING',
      message: 'Transaction in processing, please retry later',
      count: 2,
    });
    await c.transactionLoad({ database: db, table: 'pk', label: 'txn_busy', body: '90,9\n' });
    await c.commitTransaction({ database: db, table: 'pk', label: 'txn_busy' });
    expect(await s.rows(`SELECT v FROM ${db}.pk WHERE id = 90`)).toEqual([{ v: 9 }]);
  });

  it('reports a prepare with too many filtered rows, and the transaction is gone', async () => {
    await using c = client();
    await c.beginTransaction({ database: db, table: 'pk', label: 'txn_bad' });
    await c.transactionLoad({ database: db, table: 'pk', label: 'txn_bad', body: 'oops\n' });
    const err = (await c
      .prepareTransaction({ database: db, table: 'pk', label: 'txn_bad' })
      .catch((e: unknown) => e)) as TransactionError;
    expect(err.operation).toBe('prepare');
    expect(err.serverMessage).toBe('too many filtered rows');
    expect(err.errorLog).toContain('oops');
    expect((await c.labelState({ database: db, label: 'txn_bad' })).state).toBe('ABORTED');
  });
});

describe('a PREPARED transaction survives an emulator restart', () => {
  it('is committed through the FE after the restart', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sdk-restart-'));
    try {
      let emu = await startEmulator({ dataDir: dir, onError: () => undefined });
      const mk = () =>
        createStreamLoadClient({
          feUrls: emu.feHttpUrl,
          user: 'root',
          retry: { retries: 1, initialDelayMs: 10 },
          properties: { column_separator: ',' },
        });
      const sql = async (q: string) => {
        const mysql = await import('mysql2/promise');
        const conn = await mysql.createConnection({ host: emu.host, port: emu.queryPort, user: 'root' });
        try {
          return (await conn.query(q))[0];
        } finally {
          await conn.end();
        }
      };
      await sql('CREATE DATABASE r');
      await sql('CREATE TABLE r.t (id INT NOT NULL, v INT) PRIMARY KEY(id)');
      let c = mk();
      await c.beginTransaction({ database: 'r', table: 't', label: 'restart_1' });
      await c.transactionLoad({ database: 'r', table: 't', label: 'restart_1', body: '1,1\n2,2\n' });
      await c.prepareTransaction({ database: 'r', table: 't', label: 'restart_1' });
      await c.close();
      await emu.close();
      emu = await startEmulator({ dataDir: dir, onError: () => undefined });
      c = mk();
      expect((await c.labelState({ database: 'r', label: 'restart_1' })).state).toBe('PREPARED');
      await c.commitTransaction({ database: 'r', label: 'restart_1' });
      expect(await sql('SELECT id, v FROM r.t ORDER BY id')).toEqual([
        { id: 1, v: 1 },
        { id: 2, v: 2 },
      ]);
      await c.close();
      await emu.close();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
