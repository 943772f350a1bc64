/**
 * Spec §4.8 (PREPARED survives restarts, open txns do not) and §5.3 (labels), with `dataDir`:
 * an emulator is closed mid-way and a new one started on the same directory.
 */
import { rmSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Emulator, startEmulator } from '../../src/index.js';
import {
  type Conn,
  count,
  feTxn,
  loadState,
  ONE_BUCKET,
  openMysql,
  q,
  streamLoad,
  tempDir,
  uniq,
} from './helpers.js';

const dir = tempDir('emu-restart-');
const db = uniq('rs');
const L = {
  stream: uniq('stream'),
  prepared: uniq('prepared'),
  preparedRb: uniq('prepared_rb'),
  open: uniq('open'),
  aborted: uniq('aborted'),
};
const CSV = { column_separator: ',' };

let emu: Emulator;
let conn: Conn;
let firstPreparedTxnId: number;

beforeAll(async () => {
  const first = await startEmulator({ dataDir: dir, onError: () => {} });
  const c1 = await openMysql(first);
  try {
    await c1.query(`CREATE DATABASE ${db}`);
    await c1.query(
      `CREATE TABLE ${db}.dup (id INT, name VARCHAR(32)) DUPLICATE KEY(id) DISTRIBUTED BY HASH(id) ${ONE_BUCKET}`,
    );
    await c1.query(
      `CREATE TABLE ${db}.pk (id INT NOT NULL, v INT) PRIMARY KEY(id) DISTRIBUTED BY HASH(id) ${ONE_BUCKET}`,
    );
    const s = await streamLoad(first, db, 'dup', { ...CSV, label: L.stream }, '1,a\n2,b\n');
    expect(s.json.Status).toBe('Success');
    expect((await streamLoad(first, db, 'pk', CSV, '1,10\n2,20\n3,30\n')).json.Status).toBe('Success');
    expect(
      (await streamLoad(first, db, 'pk', { ...CSV, columns: "id, v, __op='delete'" }, '2,20\n')).json.Status,
    ).toBe('Success');
    const bad = await streamLoad(first, db, 'dup', { ...CSV, label: L.aborted }, '9\n');
    expect(bad.json.Status).toBe('Fail');
    // Two PREPARED txns and one open txn.
    for (const label of [L.prepared, L.preparedRb, L.open]) {
      const b = await feTxn(first, 'begin', { label, db, table: 'dup' });
      expect(b.json.Status).toBe('OK');
      if (label === L.prepared) firstPreparedTxnId = b.json.TxnId as number;
      const l = await feTxn(first, 'load', { label, db, table: 'dup', ...CSV }, '10,x\n11,y\n');
      expect(l.json.Status).toBe('OK');
      if (label !== L.open)
        expect((await feTxn(first, 'prepare', { label, db, table: 'dup' })).json.Status).toBe('OK');
    }
    expect((await loadState(first, db, L.open)).state).toBe('PREPARE');
  } finally {
    await c1.end();
    await first.close();
  }
  emu = await startEmulator({ dataDir: dir, onError: () => {} });
  conn = await openMysql(emu);
});

afterAll(async () => {
  await conn?.end();
  await emu?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('after a restart on the same dataDir', () => {
  it('keeps databases, tables and rows (including PK deletes)', async () => {
    expect((await q(conn, 'SHOW DATABASES')).map((r) => r.Database)).toContain(db);
    const tables = (await q(conn, `SHOW TABLES FROM ${db}`)).map((r) => Object.values(r)[0]);
    expect(tables.sort()).toEqual(['dup', 'pk']);
    expect(await q(conn, `SELECT * FROM ${db}.dup ORDER BY id`)).toEqual([
      { id: 1, name: 'a' },
      { id: 2, name: 'b' },
    ]);
    expect(await q(conn, `SELECT * FROM ${db}.pk ORDER BY id`)).toEqual([
      { id: 1, v: 10 },
      { id: 3, v: 30 },
    ]);
  });

  it('keeps labels: VISIBLE state and `Label Already Exists` for a finished label, ABORTED for a failed one', async () => {
    expect((await loadState(emu, db, L.stream)).state).toBe('VISIBLE');
    const r = await streamLoad(emu, db, 'dup', { ...CSV, label: L.stream }, '5,e\n');
    expect(r.json).toMatchObject({
      Status: 'Label Already Exists',
      ExistingJobStatus: 'FINISHED',
      TxnId: -1,
    });
    expect((await loadState(emu, db, L.aborted)).state).toBe('ABORTED');
  });

  it('keeps PREPARED txns: still PREPARED, begin again is RUNNING, and the FE commits it with its rows', async () => {
    expect((await loadState(emu, db, L.prepared)).state).toBe('PREPARED');
    const again = await feTxn(emu, 'begin', { label: L.prepared, db, table: 'dup' });
    expect(again.json).toMatchObject({ Status: 'LABEL_ALREADY_EXISTS', ExistingJobStatus: 'RUNNING' });
    const before = await count(conn, db, 'dup');
    const cm = await feTxn(emu, 'commit', { label: L.prepared, db });
    expect(cm.redirected).toBe(false);
    expect(cm.fe.status).toBe(200);
    expect(cm.json).toEqual({ Status: 'OK', Message: '', TxnId: firstPreparedTxnId, Label: L.prepared });
    expect((await loadState(emu, db, L.prepared)).state).toBe('VISIBLE');
    expect(await count(conn, db, 'dup')).toBe(before + 2);
    expect(await q(conn, `SELECT name FROM ${db}.dup WHERE id >= 10 ORDER BY id`)).toEqual([
      { name: 'x' },
      { name: 'y' },
    ]);
  });

  it('lets the FE roll back a PREPARED txn after the restart', async () => {
    expect((await loadState(emu, db, L.preparedRb)).state).toBe('PREPARED');
    const rb = await feTxn(emu, 'rollback', { label: L.preparedRb, db });
    expect(rb.json).toMatchObject({ Status: 'OK', Label: L.preparedRb });
    expect((await loadState(emu, db, L.preparedRb)).state).toBe('ABORTED');
  });

  it('aborts the open (PREPARE) txn: its data is gone, commit fails, the label can be begun again', async () => {
    expect((await loadState(emu, db, L.open)).state).toBe('ABORTED');
    const l = await feTxn(emu, 'load', { label: L.open, db, table: 'dup', ...CSV }, '12,z\n');
    expect(l.json.Status).not.toBe('OK');
    const cm = await feTxn(emu, 'commit', { label: L.open, db });
    expect(cm.json.Status).toBe('FAILED');
    expect(String(cm.json.Message)).toContain('Can not commit ABORTED transaction');
    const b = await feTxn(emu, 'begin', { label: L.open, db, table: 'dup' });
    expect(b.json.Status).toBe('OK');
    expect(
      (await feTxn(emu, 'load', { label: L.open, db, table: 'dup', ...CSV }, '20,n\n')).json.Status,
    ).toBe('OK');
    const p = await feTxn(emu, 'prepare', { label: L.open, db, table: 'dup' });
    expect(p.json).toMatchObject({ Status: 'OK', NumberLoadedRows: 1 });
    expect((await feTxn(emu, 'commit', { label: L.open, db })).json.Status).toBe('OK');
  });

  it('hands out TxnIds that do not collide with those before the restart', async () => {
    const r = await streamLoad(emu, db, 'dup', CSV, '30,q\n');
    expect(r.json.Status).toBe('Success');
    expect(r.json.TxnId as number).toBeGreaterThan(firstPreparedTxnId);
  });
});
