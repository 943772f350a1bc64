import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createCsvSerializer,
  createJsonSerializer,
  createLoadManager,
  createStreamLoadClient,
  NetworkError,
  type StreamLoadClient,
  TransactionError,
} from '../../src/index.js';
import { startTestServer, type TestServer } from './helpers.js';

let s: TestServer;
let db: string;
let client: StreamLoadClient;

beforeAll(async () => {
  s = await startTestServer();
  db = await s.database();
  for (const t of ['o1', 'o2', 'stuck', 'stuck2', 'p', 'tp1', 'tp2', 'tp3', 'j'])
    await s.sql.query(`CREATE TABLE ${db}.${t} (id INT NOT NULL, v VARCHAR(2000)) PRIMARY KEY(id)`);
  await s.sql.query(`CREATE TABLE ${db}.u (id INT NOT NULL, name VARCHAR(32), score INT) PRIMARY KEY(id)`);
  await s.sql.query(`CREATE TABLE ${db}.e (id INT NOT NULL, v VARCHAR(64)) DUPLICATE KEY(id)`);
  await s.sql.query(`CREATE TABLE ${db}.d (id INT NOT NULL, v VARCHAR(32)) DUPLICATE KEY(id)`);
  await s.sql.query(`CREATE TABLE ${db}.h (id INT NOT NULL, \`名称\` VARCHAR(64)) PRIMARY KEY(id)`);
  client = createStreamLoadClient({
    feUrls: s.emu.feHttpUrl,
    user: 'root',
    retry: { retries: 2, initialDelayMs: 10 },
  });
});
afterAll(async () => {
  await client.close();
  await s.close();
});

const count = async (table: string) =>
  Number((await s.rows<{ n: number }>(`SELECT count(*) AS n FROM ${db}.${table}`))[0]!.n);
const csv = { column_separator: ',' };

describe('LoadManager: row order of a table across variants', () => {
  it('loads a chunk sealed later after the chunks of other variants queued before it', async () => {
    const m = createLoadManager(client, {
      serializer: createJsonSerializer({ columns: ['id', 'v'] }),
      maxBatchRows: 1,
      flushIntervalMs: 0,
    });
    s.emu.faults.delayReplies(400, 1); // the first load (variant x) is slow
    await m.writeTo({ database: db, table: 'o1', variant: 'x' }, { id: 1, v: 'a1' });
    await m.writeTo({ database: db, table: 'o1', variant: 'y' }, { id: 1, v: 'b1' });
    await m.writeTo({ database: db, table: 'o1', variant: 'x' }, { id: 1, v: 'a2' });
    await m.flush();
    await m.close();
    expect((await s.rows<{ v: string }>(`SELECT v FROM ${db}.o1 WHERE id = 1`))[0]!.v).toBe('a2');
  });

  it('applies full rows and partial updates in the order they were written', async () => {
    const m = createLoadManager(client, { properties: csv, flushIntervalMs: 0 });
    const full = { database: db, table: 'u', variant: '', properties: { columns: 'id,name,score' } };
    const part = {
      database: db,
      table: 'u',
      variant: 'score',
      properties: { columns: 'id,score', partial_update: 'true' },
    };
    s.emu.faults.delayReplies(300, 1);
    await m.writeTo(full, '1,a,1');
    await m.writeTo(part, '1,2'); // seals the full chunk: load #1 (slow)
    await m.writeTo(full, '1,b,5'); // seals the partial chunk: #2, queued behind #1
    await m.writeTo(part, '2,7'); // seals the full chunk #3 while #1 is in flight
    await m.close();
    const rows = await s.rows<{ id: number; name: string | null; score: number }>(
      `SELECT id, name, score FROM ${db}.u ORDER BY id`,
    );
    expect(rows[0]).toEqual({ id: 1, name: 'b', score: 5 });
    expect(rows[1]).toMatchObject({ id: 2, score: 7 });
  });
});

describe('LoadManager: no stranded chunk', () => {
  it('loads a row released from backpressure by the interval flush', async () => {
    const m = createLoadManager(client, {
      properties: csv,
      memoryLimitBytes: 1024,
      maxBatchBytes: 1024,
      maxBatchRows: 1,
      flushIntervalMs: 100,
    });
    s.emu.faults.delayReplies(200, 2);
    const row = (i: number) => `${i},${'x'.repeat(590)}`;
    await m.write(db, 'stuck', row(1));
    await m.write(db, 'stuck', row(2));
    await m.write(db, 'stuck', row(3)); // waits until both loads are done
    await sleep(1500);
    expect(await count('stuck')).toBe(3);
    await m.close();
  });

  it('write() does not wait forever for memory held by chunks sealed while the pump was finishing', async () => {
    const m = createLoadManager(client, {
      properties: csv,
      memoryLimitBytes: 1024,
      maxBatchBytes: 1024,
      maxBatchRows: 1,
      flushIntervalMs: 50,
    });
    const row = (i: number, size: number) => {
      const h = `${i},`;
      return h + 'x'.repeat(size - 1 - h.length);
    };
    s.emu.faults.delayReplies(300, 1);
    await m.write(db, 'stuck2', row(1, 1024)); // fills the gate; its load is slow
    await Promise.all([2, 3, 4, 5].map((i) => m.write(db, 'stuck2', row(i, 256))));
    await sleep(500);
    const r = await Promise.race([
      m.write(db, 'stuck2', row(6, 256)).then(() => 'written'),
      sleep(5000).then(() => 'hung'),
    ]);
    expect(r).toBe('written');
    await m.close();
    expect(await count('stuck2')).toBe(6);
  });
});

describe('LoadManager: close', () => {
  it('never resolves a write whose row is not loaded: waiting writers are refused with SR_CLOSED', async () => {
    const m = createLoadManager(client, {
      properties: csv,
      memoryLimitBytes: 4096,
      maxBatchBytes: 1500,
      flushIntervalMs: 0,
    });
    const results: string[] = [];
    const ps = Array.from({ length: 97 }, (_, i) =>
      m.write(db, 'e', `${i},${'x'.repeat(40)}`).then(
        () => results.push('ok'),
        (e) => results.push(e.code),
      ),
    );
    await m.close();
    await Promise.all(ps);
    const ok = results.filter((r) => r === 'ok').length;
    expect(results.filter((r) => r !== 'ok').every((r) => r === 'SR_CLOSED')).toBe(true);
    expect(ok).toBeGreaterThan(0);
    expect(await count('e')).toBe(ok);
    await expect(m.write(db, 'e', '1,x')).rejects.toMatchObject({ code: 'SR_CLOSED' });
  });
});

describe('LoadManager: transaction retries', () => {
  it('never loads a chunk twice when the rollback after a lost reply fails', async () => {
    let loads = 0;
    let rollbacks = 0;
    const flaky: StreamLoadClient = {
      ...client,
      transactionLoad: async (r) => {
        const res = await client.transactionLoad(r);
        if (++loads === 2)
          throw new TransactionError(
            'load failed: socket timeout; the transaction is lost, begin it again',
            'load',
            {
              label: r.label,
              txnId: null,
              httpStatus: 0,
              status: '',
              serverMessage: '',
              errorUrl: null,
              errorLog: null,
            },
            false,
          );
        return res;
      },
      rollbackTransaction: async (r) => {
        if (++rollbacks === 1) {
          s.emu.faults.failNext({
            scope: 'transaction',
            op: 'begin',
            status: 'TXN_IN_PROCESSING',
            message: 'Transaction in processing, please retry later',
          });
          throw new NetworkError('request to fe failed: ECONNRESET', 'http://fe');
        }
        return client.rollbackTransaction(r);
      },
    };
    const m = createLoadManager(flaky, {
      mode: 'transaction',
      properties: csv,
      chunkSizeBytes: 8,
      flushIntervalMs: 0,
    });
    await m.write(db, 'd', '1,a');
    await m.write(db, 'd', '2,b');
    await m.write(db, 'd', '3,c');
    await m.flush();
    await m.close();
    expect((await s.rows<{ id: number }>(`SELECT id FROM ${db}.d ORDER BY id`)).map((r) => r.id)).toEqual([
      1, 2, 3,
    ]);
  });

  it('fails the batch instead of retrying when the transaction can be neither rolled back nor cancelled', async () => {
    const fail = async () => {
      throw new NetworkError('request to fe failed: ECONNRESET', 'http://fe');
    };
    const broken: StreamLoadClient = {
      ...client,
      commitTransaction: async () => {
        throw new TransactionError(
          'commit failed: busy',
          'commit',
          {
            label: '',
            txnId: null,
            httpStatus: 0,
            status: '',
            serverMessage: '',
            errorUrl: null,
            errorLog: null,
          },
          true,
        );
      },
      rollbackTransaction: fail,
      cancelTransaction: fail,
      labelState: fail,
    };
    const m = createLoadManager(broken, { mode: 'transaction', properties: csv, flushIntervalMs: 0 });
    await m.write(db, 'd', '9,z');
    const err = await m.flush().catch((e) => e);
    expect(err).toBeInstanceOf(TransactionError);
    expect(err.message).toMatch(/could not be rolled back or cancelled/);
    await m.close().catch(() => undefined);
  });
});

describe('LoadManager: two-phase prepare', () => {
  it('a row written while prepare() is in flight goes into a new transaction', async () => {
    const slow: StreamLoadClient = {
      ...client,
      prepareTransaction: async (r) => {
        const x = await client.prepareTransaction(r);
        await sleep(200);
        return x;
      },
    };
    const m = createLoadManager(slow, {
      mode: 'two-phase',
      properties: csv,
      maxBatchRows: 1,
      flushIntervalMs: 0,
    });
    await m.write(db, 'p', '1,a');
    const p = m.prepare();
    await sleep(100);
    await m.write(db, 'p', '2,b');
    const committables = await p;
    expect(committables).toHaveLength(1);
    await m.flush();
    const open = m.snapshot();
    expect(open).toHaveLength(1);
    expect(open[0]!.label).not.toBe(committables[0]!.label);
    await m.commit(committables);
    expect((await s.rows<{ id: number }>(`SELECT id FROM ${db}.p`)).map((r) => r.id)).toEqual([1]);
    await m.close();
    expect(await count('p')).toBe(1);
  });

  it('a prepare() that fails for one table leaves no other table PREPARED', async () => {
    const m = createLoadManager(client, { mode: 'two-phase', properties: csv, flushIntervalMs: 0 });
    await m.write(db, 'tp1', '1,a');
    await m.write(db, 'tp2', '1,b');
    await m.flush();
    const open = m.snapshot();
    const a = open.find((c) => c.table === 'tp1')!;
    const b = open.find((c) => c.table === 'tp2')!;
    await client.rollbackTransaction(b); // b's transaction is gone (e.g. timed out)
    await expect(m.prepare()).rejects.toMatchObject({ code: 'SR_TXN_FAILED' });
    await m.close().catch(() => undefined);
    expect((await client.labelState({ database: db, label: a.label })).state).not.toBe('PREPARED');
  });

  it('close() after a failed load still rolls back the other open transactions', async () => {
    const m = createLoadManager(client, { mode: 'two-phase', properties: csv, flushIntervalMs: 0 });
    await m.write(db, 'tp3', '1,c');
    await m.flush();
    const [c] = m.snapshot();
    s.emu.faults.failNext({ scope: 'transaction', op: 'load', status: 'INTERNAL_ERROR', message: 'boom' });
    await m.write(db, 'tp1', '2,b');
    await expect(m.flush()).rejects.toThrow(/boom/);
    await m.close().catch(() => undefined);
    expect(['ABORTED', 'UNKNOWN']).toContain(
      (await client.labelState({ database: db, label: c!.label })).state,
    );
  });
});

describe('headers and options', () => {
  it('sends non-ASCII header values as their UTF-8 bytes (a column named 名称)', async () => {
    const ser = createCsvSerializer({ columns: ['id', '名称'] });
    await client.load({ database: db, table: 'h', body: '1\t张三\n', properties: { ...ser.properties } });
    const [rows] = await s.sql.query(`SELECT \`名称\` AS n FROM ${db}.h WHERE id = 1`);
    expect(rows).toEqual([{ n: '张三' }]);
    // and on the wire the value is UTF-8, as curl sends it
    let seen: string | undefined;
    const server = createServer((req, res) => {
      seen = req.headers.columns as string | undefined;
      res.writeHead(500).end('{}');
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const port = (server.address() as AddressInfo).port;
    const raw = createStreamLoadClient({
      feUrls: `http://127.0.0.1:${port}`,
      user: 'root',
      retry: { retries: 0 },
    });
    await raw
      .load({ database: db, table: 'h', body: '1\tx\n', properties: { columns: 'id,名称' } })
      .catch(() => undefined);
    await raw.close();
    server.close();
    expect(seen).toBeDefined();
    expect(Buffer.from(seen!, 'latin1').toString('utf8')).toBe('id,名称');
  });

  it('rejects CR, LF or NUL in a header value with InvalidOptionError naming the property', async () => {
    for (const v of ['id,\n  v', 'id\r', 'id\0']) {
      await expect(
        client.load({ database: db, table: 'h', body: '1\tx\n', properties: { columns: v } }),
      ).rejects.toMatchObject({
        code: 'SR_INVALID_OPTION',
        message: expect.stringContaining('properties.columns'),
      });
    }
  });

  it('rejects strip_outer_array=true with the JSON serializer up front', () => {
    expect(() =>
      createLoadManager(client, {
        serializer: createJsonSerializer({ columns: ['id', 'v'] }),
        properties: { strip_outer_array: 'true' },
      }),
    ).toThrow(/strip_outer_array/);
  });

  it('never prints the password of a URL with credentials', () => {
    for (const u of ['http://root:s3cr/et@fe:8030', 'root:s3cr/et@fe:8030', 'http://root:s3cret@fe:8030']) {
      let msg = '';
      try {
        createStreamLoadClient({ feUrls: u, user: 'root' });
      } catch (e) {
        msg = (e as Error).message;
        expect((e as { code: string }).code).toBe('SR_INVALID_OPTION');
      }
      expect(msg).not.toBe('');
      expect(msg).not.toMatch(/s3cr/);
    }
  });
});
