/** Spec §5: `GET /api/{db}/get_load_state?label=` — every state, errors, label retention and reuse. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Emulator, startEmulator } from '../../src/index.js';
import {
  type Conn,
  count,
  createDb,
  feTxn,
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

const TABLE = `(id INT, name VARCHAR(32)) DUPLICATE KEY(id) DISTRIBUTED BY HASH(id) ${ONE_BUCKET}`;
const OK_TAIL = { status: 'OK', code: '0', msg: 'Success', message: 'OK' };

beforeAll(async () => {
  emu = await startEmulator({ onError: () => {} });
  conn = await openMysql(emu);
  db = await createDb(conn, 'ls');
  await conn.query(`CREATE TABLE ${db}.t ${TABLE}`);
});

afterAll(async () => {
  emu?.faults.reset();
  await conn?.end();
  await emu?.close();
});

const CSV = { column_separator: ',' };

describe('states (§5.1)', () => {
  it('UNKNOWN for a label never used: the full success envelope, no reason', async () => {
    const s = await loadState(emu, db, uniq('never'));
    expect(s).toEqual({ state: 'UNKNOWN', ...OK_TAIL });
  });

  it('VISIBLE after a successful Stream Load', async () => {
    const label = uniq('vis');
    expect((await streamLoad(emu, db, 't', { ...CSV, label }, '1,a\n')).json.Status).toBe('Success');
    expect(await loadState(emu, db, label)).toEqual({ state: 'VISIBLE', ...OK_TAIL });
  });

  it('ABORTED with a reason after a failed Stream Load', async () => {
    const label = uniq('abort');
    const r = await streamLoad(emu, db, 't', { ...CSV, label }, '1,a\n2\n');
    expect(r.json.Status).toBe('Fail');
    const s = await loadState(emu, db, label);
    expect(s).toMatchObject({ state: 'ABORTED', ...OK_TAIL });
    expect(typeof s.reason).toBe('string');
    expect(String(s.reason)).toContain('too many filtered rows');
  });

  it('PREPARE while a transaction is open, PREPARED after prepare, then VISIBLE / ABORTED', async () => {
    const a = uniq('txa');
    const b = uniq('txb');
    for (const label of [a, b]) {
      expect((await feTxn(emu, 'begin', { label, db, table: 't' })).json.Status).toBe('OK');
      expect((await loadState(emu, db, label)).state).toBe('PREPARE');
      const l = await feTxn(emu, 'load', { label, db, table: 't', ...CSV }, '1,a\n');
      expect(l.json.Status).toBe('OK');
      expect(await loadState(emu, db, label)).toEqual({ state: 'PREPARE', ...OK_TAIL });
      expect((await feTxn(emu, 'prepare', { label, db, table: 't' })).json.Status).toBe('OK');
      expect(await loadState(emu, db, label)).toEqual({ state: 'PREPARED', ...OK_TAIL });
    }
    expect((await feTxn(emu, 'commit', { label: a, db })).json.Status).toBe('OK');
    expect((await loadState(emu, db, a)).state).toBe('VISIBLE');
    expect((await feTxn(emu, 'rollback', { label: b, db })).json.Status).toBe('OK');
    const s = await loadState(emu, db, b);
    expect(s.state).toBe('ABORTED');
    expect(typeof s.reason).toBe('string');
  });

  it('COMMITTED while publish is pending (publishTimeout fault), VISIBLE later; data shows only when VISIBLE', async () => {
    const label = uniq('pub');
    const before = await count(conn, db, 't');
    emu.faults.publishTimeout(1, 1500);
    const r = await streamLoad(emu, db, 't', { ...CSV, label }, '1,a\n2,b\n');
    expect(r.json.Status).toBe('Publish Timeout');
    const s1 = await loadState(emu, db, label);
    const n = await count(conn, db, 't');
    const s2 = await loadState(emu, db, label);
    expect(s1).toEqual({ state: 'COMMITTED', ...OK_TAIL });
    if (s2.state === 'COMMITTED') expect(n).toBe(before);
    const final = await pollUntil(
      () => loadState(emu, db, label),
      (s) => s.state === 'VISIBLE',
      10_000,
      100,
    );
    expect(final.state).toBe('VISIBLE');
    expect(await count(conn, db, 't')).toBe(before + 2);
  });

  it('labels are per database and case-sensitive', async () => {
    const other = await createDb(conn, 'ls2');
    await conn.query(`CREATE TABLE ${other}.t ${TABLE}`);
    const label = uniq('Same');
    expect((await streamLoad(emu, db, 't', { ...CSV, label }, '1,a\n')).json.Status).toBe('Success');
    expect((await loadState(emu, other, label)).state).toBe('UNKNOWN');
    expect((await loadState(emu, db, label.toLowerCase())).state).toBe('UNKNOWN');
    expect((await streamLoad(emu, other, 't', { ...CSV, label }, '1,a\n')).json.Status).toBe('Success');
    expect(
      (await streamLoad(emu, db, 't', { ...CSV, label: label.toLowerCase() }, '1,a\n')).json.Status,
    ).toBe('Success');
  });
});

describe('errors (§5.1)', () => {
  it('`No label selected.` without a label or with an empty one (HTTP 200, FAILED envelope)', async () => {
    for (const q of ['', '?label=']) {
      const r = await send(`${emu.feHttpUrl}/api/${db}/get_load_state${q}`, {
        headers: { Authorization: ROOT_AUTH },
      });
      expect(r.status).toBe(200);
      const j = parseJson(r.body);
      expect(j).toEqual({
        status: 'FAILED',
        code: '1',
        msg: 'No label selected.',
        message: 'No label selected.',
      });
    }
  });

  it('`unknown database, database=<db>` for a database that does not exist', async () => {
    const r = await send(`${emu.feHttpUrl}/api/nosuchdb/get_load_state?label=x`, {
      headers: { Authorization: ROOT_AUTH },
    });
    expect(r.status).toBe(200);
    const j = parseJson(r.body);
    expect(j).toMatchObject({ status: 'FAILED', code: '1' });
    expect(j.msg).toBe('unknown database, database=nosuchdb');
    expect(j.message).toBe(j.msg);
  });

  it('401 without credentials', async () => {
    const r = await send(`${emu.feHttpUrl}/api/${db}/get_load_state?label=x`);
    expect(r.status).toBe(401);
    expect(r.headers['www-authenticate']).toBe('Basic realm=""');
  });
});

describe('label retention (§5.3)', () => {
  let remu: Emulator;
  let rconn: Conn;
  let rdb: string;

  beforeAll(async () => {
    remu = await startEmulator({ labelKeepMaxSec: 0, onError: () => {} });
    rconn = await openMysql(remu);
    rdb = await createDb(rconn, 'keep');
    await rconn.query(`CREATE TABLE ${rdb}.t ${TABLE}`);
  });

  afterAll(async () => {
    await rconn?.end();
    await remu?.close();
  });

  it('forgets finished labels after label_keep_max_second: UNKNOWN, and the label can be used again', async () => {
    const label = uniq('kept');
    expect((await streamLoad(remu, rdb, 't', { ...CSV, label }, '1,a\n')).json.Status).toBe('Success');
    await new Promise((r) => setTimeout(r, 20));
    await remu.sweep();
    expect(await loadState(remu, rdb, label)).toEqual({ state: 'UNKNOWN', ...OK_TAIL });
    const again = await streamLoad(remu, rdb, 't', { ...CSV, label }, '2,b\n');
    expect(again.json.Status).toBe('Success');
    // The rows of both loads stay.
    expect(await count(rconn, rdb, 't')).toBe(2);
  });

  it('keeps running (PREPARE / PREPARED) transactions regardless of label retention', async () => {
    const open = uniq('open');
    const prepared = uniq('prepared');
    for (const label of [open, prepared]) {
      expect((await feTxn(remu, 'begin', { label, db: rdb, table: 't' })).json.Status).toBe('OK');
      expect((await feTxn(remu, 'load', { label, db: rdb, table: 't', ...CSV }, '1,a\n')).json.Status).toBe(
        'OK',
      );
    }
    expect((await feTxn(remu, 'prepare', { label: prepared, db: rdb, table: 't' })).json.Status).toBe('OK');
    await new Promise((r) => setTimeout(r, 20));
    await remu.sweep();
    expect((await loadState(remu, rdb, open)).state).toBe('PREPARE');
    expect((await loadState(remu, rdb, prepared)).state).toBe('PREPARED');
    expect((await feTxn(remu, 'commit', { label: prepared, db: rdb })).json.Status).toBe('OK');
    expect((await feTxn(remu, 'rollback', { label: open, db: rdb })).json.Status).toBe('OK');
  });
});
