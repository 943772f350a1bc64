/**
 * Fault injection (spec §8.1 item 6 and the emulator's `src/faults.ts` API), programmatic and over
 * the admin endpoint `/api/_emulator/faults` on the FE port. Replies must still follow §2.5/§2.6.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { type Emulator, startEmulator } from '../../src/index.js';
import {
  type Conn,
  count,
  createDb,
  feTxn,
  loadKeys,
  loadState,
  ONE_BUCKET,
  openMysql,
  parseJson,
  pollUntil,
  ROOT_AUTH,
  send,
  streamLoad,
  uniq,
} from './helpers.js';

let emu: Emulator;
let conn: Conn;
let db: string;
const CSV = { column_separator: ',' };
const ADMIN = () => `${emu.feHttpUrl}/api/_emulator/faults`;

beforeAll(async () => {
  emu = await startEmulator({ onError: () => {} });
  conn = await openMysql(emu);
  db = await createDb(conn, 'faults');
  await conn.query(
    `CREATE TABLE ${db}.t (id INT, name VARCHAR(64)) DUPLICATE KEY(id) DISTRIBUTED BY HASH(id) ${ONE_BUCKET}`,
  );
});

afterEach(() => {
  emu.faults.reset();
});

afterAll(async () => {
  await conn?.end();
  await emu?.close();
});

function admin(method: string, body?: unknown) {
  return send(ADMIN(), {
    method,
    headers: { Authorization: ROOT_AUTH, 'Content-Type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
}

describe('failNext', () => {
  it('fails the next N loads with the given status and message (programmatic), then loads normally', async () => {
    const before = await count(conn, db, 't');
    emu.faults.failNext({ count: 2, status: 'Fail', message: 'boom' });
    for (let i = 0; i < 2; i++) {
      const r = await streamLoad(emu, db, 't', CSV, '1,a\n');
      expect(r.status).toBe(200);
      expect(Object.keys(r.json)).toEqual(loadKeys());
      expect(r.json).toMatchObject({ Status: 'Fail', Message: 'boom' });
    }
    expect(await count(conn, db, 't')).toBe(before);
    const ok = await streamLoad(emu, db, 't', CSV, '1,a\n');
    expect(ok.json.Status).toBe('Success');
  });

  it('is armed over HTTP with POST /api/_emulator/faults and disarmed with DELETE', async () => {
    const set = await admin('POST', { failNext: { count: 2, status: 'Fail', message: 'boom' } });
    expect(set.status).toBe(200);
    const state = await admin('GET');
    expect(state.status).toBe(200);
    expect(JSON.stringify(parseJson(state.body))).toContain('boom');
    const r = await streamLoad(emu, db, 't', CSV, '1,a\n');
    expect(r.json).toMatchObject({ Status: 'Fail', Message: 'boom' });
    const del = await admin('DELETE');
    expect(del.status).toBe(200);
    const ok = await streamLoad(emu, db, 't', CSV, '1,a\n');
    expect(ok.json.Status).toBe('Success');
  });

  it('refuses an unknown fault over HTTP', async () => {
    const r = await admin('POST', { noSuchFault: true });
    expect(r.status).toBeGreaterThanOrEqual(400);
  });

  it('fails a chosen transaction operation with a status-code name', async () => {
    const label = uniq('txf');
    emu.faults.failNext({ scope: 'transaction', op: 'prepare', status: 'INTERNAL_ERROR', message: 'nope' });
    expect((await feTxn(emu, 'begin', { label, db, table: 't' })).json.Status).toBe('OK');
    expect((await feTxn(emu, 'load', { label, db, table: 't', ...CSV }, '1,a\n')).json.Status).toBe('OK');
    const p = await feTxn(emu, 'prepare', { label, db, table: 't' });
    expect(p.json).toMatchObject({ Status: 'INTERNAL_ERROR', Message: 'nope' });
    expect(Object.keys(p.json).slice(0, 2)).toEqual(['Status', 'Message']);
  });
});

describe('delays and throttling', () => {
  it('delays the next reply', async () => {
    emu.faults.delayReplies(400, 1);
    const t0 = Date.now();
    expect((await streamLoad(emu, db, 't', CSV, '1,a\n')).json.Status).toBe('Success');
    expect(Date.now() - t0).toBeGreaterThanOrEqual(380);
    const t1 = Date.now();
    expect((await streamLoad(emu, db, 't', CSV, '1,a\n')).json.Status).toBe('Success');
    expect(Date.now() - t1).toBeLessThan(380);
  });

  it('delays over HTTP too', async () => {
    expect((await admin('POST', { delayReplies: { ms: 300, count: 1 } })).status).toBe(200);
    const t0 = Date.now();
    expect((await streamLoad(emu, db, 't', CSV, '1,a\n')).json.Status).toBe('Success');
    expect(Date.now() - t0).toBeGreaterThanOrEqual(280);
  });

  it('reads bodies slowly with throttleBody', async () => {
    emu.faults.throttleBody(20_000);
    const body = `1,${'x'.repeat(50)}\n`.repeat(200); // ~10 KB
    const t0 = Date.now();
    expect((await streamLoad(emu, db, 't', CSV, body)).json.Status).toBe('Success');
    expect(Date.now() - t0).toBeGreaterThanOrEqual(300);
  });
});

describe('cut connection', () => {
  it('cuts after N body bytes: the client sees a socket error, the label is ABORTED, nothing is stored, a retry works', async () => {
    const label = uniq('cut');
    const before = await count(conn, db, 't');
    emu.faults.cutAfterBodyBytes(100);
    const body = `1,${'y'.repeat(60)}\n`.repeat(300);
    const headers = { Authorization: ROOT_AUTH, Expect: '100-continue', label, ...CSV };
    const fe = await send(`${emu.feHttpUrl}/api/${db}/t/_stream_load`, { method: 'PUT', headers, body });
    expect(fe.status).toBe(307);
    await expect(send(String(fe.headers.location), { method: 'PUT', headers, body })).rejects.toThrow();
    const s = await pollUntil(
      () => loadState(emu, db, label),
      (x) => x.state === 'ABORTED',
      3000,
    );
    expect(s.state).toBe('ABORTED');
    expect(await count(conn, db, 't')).toBe(before);
    const retry = await streamLoad(emu, db, 't', { ...CSV, label }, body);
    expect(retry.json.Status).toBe('Success');
    expect(retry.json.NumberLoadedRows).toBe(300);
    expect(await count(conn, db, 't')).toBe(before + 300);
  });

  it('cuts a transaction load too: the client sees a socket error and nothing becomes visible', async () => {
    const label = uniq('cuttx');
    const before = await count(conn, db, 't');
    expect((await admin('POST', { cutAfterBodyBytes: { bytes: 10 } })).status).toBe(200);
    expect((await feTxn(emu, 'begin', { label, db, table: 't' })).json.Status).toBe('OK');
    await expect(
      feTxn(emu, 'load', { label, db, table: 't', ...CSV }, '1,a\n'.repeat(1000)),
    ).rejects.toThrow();
    const p = await feTxn(emu, 'prepare', { label, db, table: 't' });
    if (p.json.Status === 'OK') {
      // Whatever was received before the cut must not surface as a partial row.
      expect(Number(p.json.NumberFilteredRows) + Number(p.json.NumberLoadedRows)).toBeLessThan(1000);
      await feTxn(emu, 'rollback', { label, db });
    }
    expect(await count(conn, db, 't')).toBe(before);
  });
});

describe('publish timeout (§2.6)', () => {
  it('answers `Publish Timeout` (committed, not yet visible); the data becomes visible later; the label is FINISHED', async () => {
    const label = uniq('pt');
    const before = await count(conn, db, 't');
    emu.faults.publishTimeout(1, 800);
    const r = await streamLoad(emu, db, 't', { ...CSV, label }, '1,a\n2,b\n');
    expect(Object.keys(r.json)).toEqual(loadKeys());
    expect(r.json.Status).toBe('Publish Timeout');
    expect(String(r.json.Message)).toMatch(/^Publish timeout\. The data will be visible after a while/);
    expect(r.json.TxnId as number).toBeGreaterThan(0);
    expect(r.json.NumberLoadedRows).toBe(2);
    const again = await streamLoad(emu, db, 't', { ...CSV, label }, '1,a\n');
    expect(again.json).toMatchObject({ Status: 'Label Already Exists', ExistingJobStatus: 'FINISHED' });
    const s = await pollUntil(
      () => loadState(emu, db, label),
      (x) => x.state === 'VISIBLE',
      5000,
      100,
    );
    expect(s.state).toBe('VISIBLE');
    expect(await count(conn, db, 't')).toBe(before + 2);
  });

  it('is armed over HTTP', async () => {
    expect((await admin('POST', { publishTimeout: { count: 1, visibleAfterMs: 200 } })).status).toBe(200);
    const r = await streamLoad(emu, db, 't', CSV, '1,a\n');
    expect(r.json.Status).toBe('Publish Timeout');
    const next = await streamLoad(emu, db, 't', CSV, '1,a\n');
    expect(next.json.Status).toBe('Success');
  });
});

describe('too many versions (§2.8)', () => {
  it('fails the load with the BE message and stores nothing', async () => {
    const label = uniq('tmv');
    const before = await count(conn, db, 't');
    emu.faults.tooManyVersions(1);
    const r = await streamLoad(emu, db, 't', { ...CSV, label }, '1,a\n');
    expect(Object.keys(r.json)).toEqual(loadKeys({ errorUrl: 'ErrorURL' in r.json }));
    expect(r.json.Status).toBe('Fail');
    expect(String(r.json.Message)).toMatch(
      /Too many versions\. tablet_id: \d+, version_count: \d+, limit: \d+|Failed to load data into tablet \d+, because of too many versions, current\/limit: \d+\/\d+\./,
    );
    expect(await count(conn, db, 't')).toBe(before);
    expect((await loadState(emu, db, label)).state).toBe('ABORTED');
    expect((await streamLoad(emu, db, 't', { ...CSV, label }, '1,a\n')).json.Status).toBe('Success');
  });
});

describe('redirect to an unreachable address', () => {
  it('points the next 307 at an address where nothing listens; the one after is normal', async () => {
    emu.faults.redirectToUnreachable(1);
    const headers = { Authorization: ROOT_AUTH, Expect: '100-continue', ...CSV };
    const fe = await send(`${emu.feHttpUrl}/api/${db}/t/_stream_load?x=1`, {
      method: 'PUT',
      headers,
      body: '1,a\n',
    });
    expect(fe.status).toBe(307);
    expect(fe.headers.location).toBe(`http://127.0.0.1:1/api/${db}/t/_stream_load?x=1`);
    await expect(
      send(String(fe.headers.location), { method: 'PUT', headers, body: '1,a\n' }),
    ).rejects.toThrow();
    const ok = await streamLoad(emu, db, 't', CSV, '1,a\n');
    expect(ok.location.startsWith(emu.beHttpUrl)).toBe(true);
    expect(ok.json.Status).toBe('Success');
  });

  it('is armed over HTTP, with an address of choice', async () => {
    expect(
      (await admin('POST', { redirectToUnreachable: { count: 1, address: '127.0.0.1:9' } })).status,
    ).toBe(200);
    const fe = await send(`${emu.feHttpUrl}/api/${db}/t/_stream_load`, {
      method: 'PUT',
      headers: { Authorization: ROOT_AUTH, Expect: '100-continue' },
      body: '1,a\n',
    });
    expect(fe.headers.location).toBe(`http://127.0.0.1:9/api/${db}/t/_stream_load`);
  });
});

describe('blackhole', () => {
  it('counts requests and bytes and stores nothing; turning it off restores normal loads', async () => {
    const before = await count(conn, db, 't');
    emu.faults.setBlackhole(true);
    const body = '1,a\n2,b\n3,c\n';
    const r = await streamLoad(emu, db, 't', CSV, body);
    expect(Object.keys(r.json)).toEqual(loadKeys());
    expect(r.json.Status).toBe('Success');
    expect(r.json.LoadBytes).toBe(body.length);
    const r2 = await streamLoad(emu, db, 't', CSV, body);
    expect(r2.json.Status).toBe('Success');
    expect(emu.faults.blackholeStats).toEqual({ requests: 2, bytes: 2 * body.length });
    expect(await count(conn, db, 't')).toBe(before);
    emu.faults.setBlackhole(false);
    expect((await streamLoad(emu, db, 't', CSV, body)).json.Status).toBe('Success');
    expect(await count(conn, db, 't')).toBe(before + 3);
  });

  it('is switched over HTTP and shows in the GET state', async () => {
    expect((await admin('POST', { blackhole: true })).status).toBe(200);
    expect(parseJson((await admin('GET')).body)).toMatchObject({ blackhole: true });
    const before = await count(conn, db, 't');
    expect((await streamLoad(emu, db, 't', CSV, '1,a\n')).json.Status).toBe('Success');
    expect(await count(conn, db, 't')).toBe(before);
    expect((await admin('DELETE')).status).toBe(200);
    expect(parseJson((await admin('GET')).body)).toMatchObject({ blackhole: false });
  });
});
