import { type Emulator, startEmulator } from '@srconnect/emulator';
import { createStreamLoadClient, StarRocksError } from '@srconnect/stream-load-sdk';
import mysql from 'mysql2/promise';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSource, f, type SourceOptions } from '../../src/index.js';

const N = 10_000;
let emu: Emulator;
let sql: mysql.Connection;
let base: SourceOptions;

beforeAll(async () => {
  emu = await startEmulator({ onError: () => undefined });
  sql = await mysql.createConnection({ host: emu.host, port: emu.queryPort, user: 'root' });
  await sql.query('CREATE DATABASE rd');
  await sql.query(
    'CREATE TABLE rd.t (id BIGINT NOT NULL, name VARCHAR(32), grp INT, amount DECIMAL(12, 2)) DUPLICATE KEY(id) DISTRIBUTED BY HASH(id) BUCKETS 6',
  );
  await sql.query(
    'CREATE TABLE rd.empty (id INT NOT NULL) DUPLICATE KEY(id) DISTRIBUTED BY HASH(id) BUCKETS 2',
  );
  const lines: string[] = [];
  for (let i = 0; i < N; i++) lines.push(`${i}\tn${i}\t${i % 7}\t${(i / 100).toFixed(2)}`);
  const client = createStreamLoadClient({ feUrls: emu.feHttpUrl, user: 'root' });
  await client.load({ database: 'rd', table: 't', body: lines.join('\n') });
  await client.close();
  base = { feUrls: emu.feHttpUrl, user: 'root', database: 'rd', table: 't', batchRows: 500 };
});
afterAll(async () => {
  await sql?.end();
  await emu?.close();
});

async function all<T>(it: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const x of it) out.push(x);
  return out;
}

describe('createSource rows()', () => {
  it('reads every row exactly once, in parallel over the tablets, and closes every scanner', async () => {
    const source = createSource({ ...base, parallelism: 3 });
    const rows: Record<string, unknown>[] = [];
    let maxOpen = 0;
    for await (const r of source.rows()) {
      rows.push(r);
      maxOpen = Math.max(maxOpen, emu.openScanContexts());
    }
    expect(maxOpen).toBe(3); // three scanners at once, never more
    expect(rows).toHaveLength(N);
    const ids = rows.map((r) => Number(r.id)).sort((a, b) => a - b);
    expect(ids).toEqual(Array.from({ length: N }, (_, i) => i));
    expect(rows.find((r) => r.id === 42n)).toEqual({ id: 42n, name: 'n42', grp: 0, amount: '0.42' });
    const s = source.stats();
    expect(s.rows).toBe(N);
    expect(s.scannersOpened).toBe(3); // 6 tablets in 3 splits
    expect(s.batches).toBeGreaterThanOrEqual(N / 500);
    expect(emu.openScanContexts()).toBe(0);
    await source.close();
  });

  it('prunes columns and filters at the server', async () => {
    const source = createSource({
      ...base,
      columns: ['name', 'id'],
      filter: f.and(f.eq('grp', 3), f.lt('id', 100)),
    });
    expect(source.sql).toBe('SELECT `name`, `id` FROM `rd`.`t` WHERE (`grp` = 3 AND `id` < 100)');
    const rows = await all(source.rows());
    const expected = Array.from({ length: 100 }, (_, i) => i)
      .filter((i) => i % 7 === 3)
      .map((i) => ({ name: `n${i}`, id: BigInt(i) }));
    expect(rows.sort((a, b) => Number(a.id) - Number(b.id))).toEqual(expected);
    expect(Object.keys(rows[0] ?? {})).toEqual(['name', 'id']);
    await source.close();
  });

  it('batches() yields Arrow record batches of at most batchRows rows', async () => {
    const source = createSource({ ...base, batchRows: 1000, parallelism: 2 });
    const batches = await all(source.batches());
    expect(batches.reduce((n, b) => n + b.batch.numRows, 0)).toBe(N);
    for (const b of batches) {
      expect(b.batch.numRows).toBeLessThanOrEqual(1000);
      expect(b.columns.map((c) => c.name)).toEqual(['id', 'name', 'grp', 'amount']);
      expect(b.backend).toBe(`${emu.host}:${emu.beScannerPort}`);
    }
    await source.close();
  });

  it('closes the open scanners when the consumer breaks early', async () => {
    const source = createSource({ ...base, parallelism: 4 });
    let n = 0;
    for await (const _ of source.rows()) {
      if (++n === 10) break;
    }
    expect(emu.openScanContexts()).toBe(0);
    await source.close();
  });

  it('an abort ends the scan with SR_ABORTED and the scanners are closed', async () => {
    const source = createSource({ ...base, parallelism: 4 });
    const ac = new AbortController();
    let n = 0;
    const err = await (async () => {
      for await (const _ of source.rows({ signal: ac.signal })) {
        if (++n === 600) ac.abort();
      }
    })().catch((e) => e);
    expect(err).toBeInstanceOf(StarRocksError);
    expect(err.code).toBe('SR_ABORTED');
    await source.close();
    expect(emu.openScanContexts()).toBe(0);
  });

  it('an already aborted signal fails with SR_ABORTED before anything is opened', async () => {
    const source = createSource(base);
    const before = source.stats();
    const err = await all(source.rows({ signal: AbortSignal.abort() })).catch((e) => e);
    expect(err.code).toBe('SR_ABORTED');
    expect(source.stats().scannersOpened).toBe(before.scannersOpened);
    await source.close();
  });

  it('a plan from plan() can be read split by split (e.g. in other workers)', async () => {
    const source = createSource({ ...base, parallelism: 6 });
    const plan = await source.plan();
    expect(plan.splits).toHaveLength(6);
    const copy = JSON.parse(JSON.stringify(plan));
    let total = 0;
    for (const split of copy.splits)
      total += (await all(source.rows({ plan: copy, splits: [split] }))).length;
    expect(total).toBe(N);
    await source.close();
  });

  it('an empty table yields nothing', async () => {
    const source = createSource({ ...base, table: 'empty' });
    expect(await all(source.rows())).toEqual([]);
    await source.close();
  });

  it('count() runs COUNT(*) with the same filter over the MySQL port', async () => {
    const source = createSource({
      ...base,
      filter: f.eq('grp', 0),
      mysql: { host: emu.host, port: emu.queryPort },
    });
    expect(await source.count()).toBe(Math.ceil(N / 7));
    await source.close();
    await expect(createSource(base).count()).rejects.toThrow(/count\(\) needs the mysql option/);
  });

  it('maps planned BE addresses to reachable ones', async () => {
    const source = createSource({
      ...base,
      backendAddressMap: (planned) => planned.replace(/^[^:]+:/, 'localhost:'),
    });
    expect(await all(source.rows())).toHaveLength(N);
    await source.close();
  });
});

describe('createSource errors', () => {
  it('names the bad options', () => {
    expect(() => createSource({ ...base, batchRows: 70_000, feUrls: 'ftp://x' })).toThrow(
      /batchRows[\s\S]*feUrls|feUrls[\s\S]*batchRows/,
    );
    expect(() => createSource({ ...base, feUrls: 'http://root:secret@h:8030' })).toThrow(
      /without credentials/,
    );
  });

  it('caps numbers at their wire and timer limits', () => {
    expect(() => createSource({ ...base, socketTimeoutMs: 3e9 })).toThrow(/socketTimeoutMs/);
    expect(() => createSource({ ...base, queryTimeoutS: 3e9 })).toThrow(/queryTimeoutS/);
    expect(() => createSource({ ...base, memLimitBytes: 2n ** 63n })).toThrow(/memLimitBytes/);
  });

  it('SQL the FE cannot analyse is SR_HTTP and not retried', async () => {
    const source = createSource({ ...base, columns: ['nope'], retryBackoffMs: 0 });
    const err = await all(source.rows()).catch((e) => e);
    expect(err.code).toBe('SR_HTTP');
    expect(err.retriable).toBe(false);
    expect(source.stats().plans).toBe(1);
    await source.close();
  });

  it('a filter that holds for no row reads nothing and asks nothing', async () => {
    const source = createSource({ ...base, filter: f.and(f.eq('grp', 1), f.in('id', [])) });
    expect(await all(source.rows())).toEqual([]);
    expect(source.stats().plans).toBe(0);
    await source.close();
  });

  it('splits handed back in a broken shape are an option error', async () => {
    const source = createSource(base);
    const plan = await source.plan();
    const broken = { ...plan, splits: [{ tabletIds: ['1; DROP'], backends: ['x:1'] }] };
    await expect(all(source.rows({ plan: broken }))).rejects.toThrow(
      /splits\[0\]: not a split from plan\(\)/,
    );
    await source.close();
  });

  it('an unknown table is the FE 404, not retried', async () => {
    const source = createSource({ ...base, table: 'nope', retryBackoffMs: 0 });
    const err = await all(source.rows()).catch((e) => e);
    expect(err.code).toBe('SR_HTTP');
    expect(err.message).toMatch(/HTTP 404: Table \[nope\] does not exists/);
    expect(source.stats().plans).toBe(1);
    await source.close();
  });

  it('wrong credentials are SR_AUTH and the password appears nowhere', async () => {
    const source = createSource({ ...base, password: 'hunter2-secret' });
    const err = await all(source.rows()).catch((e) => e);
    expect(err.code).toBe('SR_AUTH');
    expect(JSON.stringify({ m: err.message, s: err.stack })).not.toContain('hunter2');
    await source.close();
  });

  it('an unreachable FE is retried maxRetries times, then SR_NETWORK', async () => {
    const source = createSource({ ...base, feUrls: 'http://127.0.0.1:1', maxRetries: 2, retryBackoffMs: 1 });
    const err = await all(source.rows()).catch((e) => e);
    expect(err.code).toBe('SR_NETWORK');
    expect(source.stats().plans).toBe(3);
    await source.close();
  });

  it('an unreachable BE is retried, then SR_NETWORK naming the address', async () => {
    const source = createSource({
      ...base,
      backendAddressMap: () => '127.0.0.1:1',
      maxRetries: 1,
      retryBackoffMs: 1,
    });
    const err = await all(source.rows()).catch((e) => e);
    expect(err.code).toBe('SR_NETWORK');
    expect(err.message).toMatch(/127\.0\.0\.1:1/);
    await source.close();
  });

  it('a BE status error is SR_SCAN with the status name and the server text', async () => {
    const source = createSource({ ...base, retryBackoffMs: 0 });
    const plan = await source.plan();
    const bad = { ...plan, splits: [{ tabletIds: ['999'], backends: plan.splits[0]?.backends ?? [] }] };
    const err = await all(source.rows({ plan: bad })).catch((e) => e);
    expect(err.code).toBe('SR_SCAN');
    expect(err.status).toBe('NOT_FOUND');
    expect(err.message).toMatch(/tablet_id: 999 not found/);
    await source.close();
    expect(emu.openScanContexts()).toBe(0);
  });
});

describe('keep-alive', () => {
  it('a consumer that pauses past keepAliveMin gets SR_SCAN NOT_FOUND with a hint, not silent truncation', async () => {
    // one keep-alive "minute" lasts 50 ms here
    const fast = await startEmulator({
      onError: () => undefined,
      scanKeepAliveMinuteMs: 50,
      scanContextGcIntervalMs: 20,
    });
    try {
      const c = await mysql.createConnection({ host: fast.host, port: fast.queryPort, user: 'root' });
      await c.query('CREATE DATABASE ka');
      await c.query(
        'CREATE TABLE ka.t (id INT NOT NULL) DUPLICATE KEY(id) DISTRIBUTED BY HASH(id) BUCKETS 1',
      );
      await c.end();
      const client = createStreamLoadClient({ feUrls: fast.feHttpUrl, user: 'root' });
      await client.load({
        database: 'ka',
        table: 't',
        body: Array.from({ length: 100 }, (_, i) => i).join('\n'),
      });
      await client.close();
      const source = createSource({
        feUrls: fast.feHttpUrl,
        user: 'root',
        database: 'ka',
        table: 't',
        batchRows: 10,
        keepAliveMin: 1,
      });
      let n = 0;
      const err = await (async () => {
        for await (const _ of source.rows()) {
          if (++n === 15) await new Promise((r) => setTimeout(r, 300));
        }
      })().catch((e) => e);
      expect(err.code).toBe('SR_SCAN');
      expect(err.status).toBe('NOT_FOUND');
      expect(err.message).toMatch(/keepAliveMin = 1 min/);
      expect(n).toBeLessThan(100);
      await source.close();
    } finally {
      await fast.close();
    }
  });
});
