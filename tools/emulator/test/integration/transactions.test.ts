/** Spec §4: Transaction Stream Load (2PC): routing, both status vocabularies, the §4.6 scenarios, §4.7 timeouts. */
import { request as httpRequest } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Emulator, startEmulator } from '../../src/index.js';
import {
  beTxn,
  type Conn,
  count,
  createDb,
  feTxn,
  type Headers,
  type HttpReply,
  type Json,
  loadState,
  ONE_BUCKET,
  openMysql,
  parseJson,
  pollUntil,
  ROOT_AUTH,
  send,
  sleep,
  type TxnReply,
  uniq,
} from './helpers.js';

const BEGIN_KEYS = ['Status', 'Message', 'Label', 'TxnId', 'BeginTxnTimeMs'];
const LOAD_KEYS = [
  'Status',
  'Message',
  'Label',
  'TxnId',
  'LoadBytes',
  'StreamLoadPlanTimeMs',
  'ReceivedDataTimeMs',
];
const PREPARE_KEYS = [
  'Status',
  'Message',
  'Label',
  'TxnId',
  'NumberTotalRows',
  'NumberLoadedRows',
  'NumberFilteredRows',
  'NumberUnselectedRows',
  'LoadBytes',
  'LoadTimeMs',
  'StreamLoadPlanTimeMs',
  'ReceivedDataTimeMs',
  'WriteDataTimeMs',
  'CommitAndPublishTimeMs',
];
const ROLLBACK_KEYS = ['Status', 'Message', 'Label'];

let emu: Emulator;
let conn: Conn;
let db: string;

beforeAll(async () => {
  emu = await startEmulator({ onError: () => {} });
  conn = await openMysql(emu);
  db = await createDb(conn, 'txn');
  for (const t of ['t', 't2'])
    await conn.query(
      `CREATE TABLE ${db}.${t} (id INT, name VARCHAR(32), score INT) DUPLICATE KEY(id) DISTRIBUTED BY HASH(id) ${ONE_BUCKET}`,
    );
});

afterAll(async () => {
  await conn?.end();
  await emu?.close();
});

/** A small client for one emulator / database / table. */
function txnClient(e: () => Emulator, d: () => string, table = 't') {
  const h = (label: string, extra: Headers = {}): Headers => ({ label, db: d(), table, ...extra });
  return {
    begin: (label: string, extra: Headers = {}) => feTxn(e(), 'begin', h(label, extra)),
    load: (label: string, body: string, extra: Headers = {}) =>
      feTxn(e(), 'load', h(label, { column_separator: ',', ...extra }), body),
    prepare: (label: string, extra: Headers = {}) => feTxn(e(), 'prepare', h(label, extra)),
    commit: (label: string, extra: Headers = {}) => feTxn(e(), 'commit', h(label, extra)),
    rollback: (label: string, extra: Headers = {}) => feTxn(e(), 'rollback', h(label, extra)),
  };
}

const c = txnClient(
  () => emu,
  () => db,
);

function ok(r: TxnReply, keys: string[]): Json {
  expect(r.final.status, r.final.body).toBe(200);
  expect(r.json.Status, r.final.body).toBe('OK');
  expect(Object.keys(r.json)).toEqual(keys);
  expect(r.json.Message).toBe('');
  return r.json;
}

/** Begin + one load (two rows) through the FE. */
async function openTxn(label: string, body = '1,a,1\n2,b,2\n'): Promise<number> {
  const b = ok(await c.begin(label), BEGIN_KEYS);
  ok(await c.load(label, body), LOAD_KEYS);
  return b.TxnId as number;
}

async function preparedTxn(label: string, body?: string): Promise<number> {
  const id = await openTxn(label, body);
  ok(await c.prepare(label), PREPARE_KEYS);
  return id;
}

const state = (label: string, d = db) => loadState(emu, d, label);

describe('happy path through the FE (§4.1, §4.3, §4.5)', () => {
  it('begin/load/prepare are 307s to the BE; the FE commits a PREPARED txn itself; data appears at commit', async () => {
    const label = uniq('happy');
    const before = await count(conn, db, 't');

    const b = await c.begin(label);
    expect(b.fe.status).toBe(307);
    expect(b.location).toBe(`${emu.beHttpUrl}/api/transaction/begin`);
    expect(b.fe.body).toBe('');
    const bj = ok(b, BEGIN_KEYS);
    expect(bj.Label).toBe(label);
    expect(typeof bj.TxnId).toBe('number');
    const txnId = bj.TxnId as number;
    expect(await state(label)).toMatchObject({ state: 'PREPARE' });

    const body1 = '1,a,1\n2,b,2\n';
    const l1 = await c.load(label, body1);
    expect(l1.fe.status).toBe(307);
    expect(l1.location).toBe(`${emu.beHttpUrl}/api/transaction/load`);
    const lj = ok(l1, LOAD_KEYS);
    expect(lj).toMatchObject({ Label: label, TxnId: txnId, LoadBytes: Buffer.byteLength(body1) });
    const body2 = '3,c,3\n';
    const l2 = ok(await c.load(label, body2), LOAD_KEYS);
    expect(l2.LoadBytes).toBe(Buffer.byteLength(body2));
    expect(await count(conn, db, 't')).toBe(before);

    const p = await c.prepare(label);
    expect(p.fe.status).toBe(307);
    expect(p.location).toBe(`${emu.beHttpUrl}/api/transaction/prepare`);
    const pj = ok(p, PREPARE_KEYS);
    expect(pj).toMatchObject({
      Label: label,
      TxnId: txnId,
      NumberTotalRows: 3,
      NumberLoadedRows: 3,
      NumberFilteredRows: 0,
      NumberUnselectedRows: 0,
      LoadBytes: Buffer.byteLength(body1) + Buffer.byteLength(body2),
    });
    expect(await state(label)).toMatchObject({ state: 'PREPARED' });
    expect(await count(conn, db, 't')).toBe(before);

    const cm = await c.commit(label);
    expect(cm.redirected).toBe(false);
    expect(cm.fe.status).toBe(200);
    expect(cm.json).toEqual({ Status: 'OK', Message: '', TxnId: txnId, Label: label });
    expect(await state(label)).toMatchObject({ state: 'VISIBLE' });
    expect(await count(conn, db, 't')).toBe(before + 3);
  });

  it('accepts PUT as well as POST for begin/prepare/commit on the FE, and any case of the operation name', async () => {
    const label = uniq('put');
    const b = await feTxn(emu, 'BEGIN', { label, db, table: 't' }, undefined, 'PUT');
    expect(b.fe.status).toBe(307);
    ok(b, BEGIN_KEYS);
    ok(await feTxn(emu, 'Load', { label, db, table: 't', column_separator: ',' }, '9,z,9\n'), LOAD_KEYS);
    ok(await feTxn(emu, 'prePare', { label, db, table: 't' }, undefined, 'PUT'), PREPARE_KEYS);
    const cm = await feTxn(emu, 'COMMIT', { label, db }, undefined, 'PUT');
    expect(cm.json.Status).toBe('OK');
  });

  it('commits an open (PREPARE) txn in one phase: the FE redirects the commit to the BE', async () => {
    const label = uniq('onephase');
    const before = await count(conn, db, 't');
    const id = await openTxn(label);
    const cm = await c.commit(label);
    expect(cm.fe.status).toBe(307);
    expect(cm.location).toBe(`${emu.beHttpUrl}/api/transaction/commit`);
    const j = ok(cm, PREPARE_KEYS);
    expect(j).toMatchObject({ Label: label, TxnId: id, NumberLoadedRows: 2 });
    expect(await state(label)).toMatchObject({ state: 'VISIBLE' });
    expect(await count(conn, db, 't')).toBe(before + 2);
  });

  it('parses each JSON load request of a txn as one complete body', async () => {
    const label = uniq('json');
    ok(await c.begin(label), BEGIN_KEYS);
    const J = { format: 'json', strip_outer_array: 'true' };
    ok(await c.load(label, '[{"id":1,"name":"a","score":1}]', J), LOAD_KEYS);
    ok(await c.load(label, '[{"id":2,"name":"b","score":2},{"id":3}]', J), LOAD_KEYS);
    const p = ok(await c.prepare(label), PREPARE_KEYS);
    expect(p.NumberLoadedRows).toBe(3);
    expect((await c.commit(label)).json.Status).toBe('OK');
  });

  it('counts unselected and filtered rows over the whole txn at prepare', async () => {
    const label = uniq('counts');
    ok(await c.begin(label), BEGIN_KEYS);
    const H = { where: 'score < 100', max_filter_ratio: '0.5' };
    ok(await c.load(label, '1,a,1\n2,b,200\n', H), LOAD_KEYS);
    ok(await c.load(label, '3,c\n4,d,4\n', H), LOAD_KEYS);
    // §4.5 item 5: ErrorURL follows whenever an error log exists.
    const p = ok(await c.prepare(label), [...PREPARE_KEYS, 'ErrorURL']);
    expect(p).toMatchObject({
      NumberTotalRows: 4,
      NumberLoadedRows: 2,
      NumberFilteredRows: 1,
      NumberUnselectedRows: 1,
    });
    expect((await c.rollback(label)).json.Status).toBe('OK');
  });
});

describe('scenario table (§4.6)', () => {
  it('begin twice while PREPARE: BE LABEL_ALREADY_EXISTS with empty ExistingJobStatus and Message', async () => {
    const label = uniq('twice');
    await openTxn(label);
    const r = await c.begin(label);
    expect(r.redirected).toBe(true);
    expect(r.final.status).toBe(200);
    expect(Object.keys(r.json)).toEqual(['Status', 'ExistingJobStatus', 'Message']);
    expect(r.json).toEqual({ Status: 'LABEL_ALREADY_EXISTS', ExistingJobStatus: '', Message: '' });
    // The open txn is untouched.
    expect(await state(label)).toMatchObject({ state: 'PREPARE' });
    ok(await c.prepare(label), PREPARE_KEYS);
    await c.rollback(label);
  });

  it('begin again after PREPARED: LABEL_ALREADY_EXISTS, RUNNING, `Label [l] has already been used.`', async () => {
    const label = uniq('again_prepared');
    await preparedTxn(label);
    const r = await c.begin(label);
    expect(Object.keys(r.json)).toEqual(['Status', 'ExistingJobStatus', 'Message']);
    expect(r.json).toEqual({
      Status: 'LABEL_ALREADY_EXISTS',
      ExistingJobStatus: 'RUNNING',
      Message: `Label [${label}] has already been used.`,
    });
    expect(await state(label)).toMatchObject({ state: 'PREPARED' });
    await c.rollback(label);
  });

  it('begin again after VISIBLE: LABEL_ALREADY_EXISTS, FINISHED', async () => {
    const label = uniq('again_visible');
    await preparedTxn(label);
    expect((await c.commit(label)).json.Status).toBe('OK');
    const r = await c.begin(label);
    expect(r.json).toEqual({
      Status: 'LABEL_ALREADY_EXISTS',
      ExistingJobStatus: 'FINISHED',
      Message: `Label [${label}] has already been used.`,
    });
  });

  it('begin again after ABORTED starts a new txn with a new TxnId', async () => {
    const label = uniq('again_aborted');
    const first = await preparedTxn(label);
    expect((await c.rollback(label)).json.Status).toBe('OK');
    const b = ok(await c.begin(label), BEGIN_KEYS);
    expect(b.TxnId).not.toBe(first);
    ok(await c.load(label, '5,e,5\n'), LOAD_KEYS);
    const p = ok(await c.prepare(label), PREPARE_KEYS);
    expect(p.NumberLoadedRows).toBe(1);
    expect((await c.commit(label)).json).toMatchObject({ Status: 'OK', TxnId: b.TxnId });
  });

  it('load after prepare: TXN_NOT_EXISTS `Transaction with label <l> not exists`', async () => {
    const label = uniq('load_after_prepare');
    await preparedTxn(label);
    const r = await c.load(label, '7,g,7\n');
    expect(r.final.status).toBe(200);
    expect(Object.keys(r.json)).toEqual(['Status', 'Message']);
    expect(r.json).toEqual({
      Status: 'TXN_NOT_EXISTS',
      Message: `Transaction with label ${label} not exists`,
    });
    // The PREPARED txn is unaffected.
    expect(await state(label)).toMatchObject({ state: 'PREPARED' });
    await c.rollback(label);
  });

  it('load to a different table: INVALID_ARGUMENT, and the txn is rolled back', async () => {
    const label = uniq('other_table');
    await openTxn(label);
    const r = await feTxn(emu, 'load', { label, db, table: 't2', column_separator: ',' }, '1,a,1\n');
    expect(r.json).toEqual({
      Status: 'INVALID_ARGUMENT',
      Message: `Request table t2 not equal transaction table t`,
    });
    expect(await state(label)).toMatchObject({ state: 'ABORTED' });
  });

  it("prepare with no load: INTERNAL_ERROR `hasn't send any data yet`, txn rolled back, label reusable", async () => {
    const label = uniq('noload');
    ok(await c.begin(label), BEGIN_KEYS);
    const r = await c.prepare(label);
    expect(Object.keys(r.json)).toEqual(['Status', 'Message']);
    expect(r.json.Status).toBe('INTERNAL_ERROR');
    expect(String(r.json.Message)).toMatch(/^transaction .*hasn't send any data yet$/);
    expect(await state(label)).toMatchObject({ state: 'ABORTED' });
    ok(await c.begin(label), BEGIN_KEYS);
    await c.rollback(label);
  });

  it("commit with no load: INTERNAL_ERROR `hasn't send any data yet`, txn rolled back", async () => {
    const label = uniq('noload_commit');
    ok(await c.begin(label), BEGIN_KEYS);
    const r = await c.commit(label);
    expect(r.redirected).toBe(true);
    expect(r.json.Status).toBe('INTERNAL_ERROR');
    expect(String(r.json.Message)).toContain("hasn't send any data yet");
    expect(await state(label)).toMatchObject({ state: 'ABORTED' });
  });

  it('commit twice: the second is OK with `Transaction <id> has already committed, label is <l>`', async () => {
    const label = uniq('commit2');
    const id = await preparedTxn(label);
    expect((await c.commit(label)).json.Status).toBe('OK');
    const r = await c.commit(label);
    expect(r.redirected).toBe(false);
    expect(r.fe.status).toBe(200);
    expect(r.json).toMatchObject({
      Status: 'OK',
      Message: `Transaction ${id} has already committed, label is ${label}`,
    });
  });

  it('rollback after commit: FAILED `Can not abort VISIBLE transaction <id>, label is <l>`', async () => {
    const label = uniq('rb_after_commit');
    const id = await preparedTxn(label);
    expect((await c.commit(label)).json.Status).toBe('OK');
    const r = await c.rollback(label);
    expect(r.redirected).toBe(false);
    expect(r.fe.status).toBe(200);
    expect(r.json.Status).toBe('FAILED');
    expect(String(r.json.Message)).toContain(`Can not abort VISIBLE transaction ${id}, label is ${label}`);
    expect(await state(label)).toMatchObject({ state: 'VISIBLE' });
  });

  it('FE rollback of PREPARED: OK with TxnId and Label; state ABORTED with reason `User Aborted`; data never visible', async () => {
    const label = uniq('rb_prepared');
    const before = await count(conn, db, 't');
    const id = await preparedTxn(label);
    const r = await c.rollback(label);
    expect(r.redirected).toBe(false);
    expect(r.fe.status).toBe(200);
    expect(r.json).toEqual({ Status: 'OK', Message: '', TxnId: id, Label: label });
    const s = await state(label);
    expect(s.state).toBe('ABORTED');
    expect(String(s.reason)).toContain('User Aborted');
    expect(await count(conn, db, 't')).toBe(before);
  });

  it('rollback of an open txn goes 307 to the BE, which answers OK with only the Label', async () => {
    const label = uniq('rb_open');
    await openTxn(label);
    const r = await c.rollback(label);
    expect(r.fe.status).toBe(307);
    expect(r.location).toBe(`${emu.beHttpUrl}/api/transaction/rollback`);
    expect(Object.keys(r.json)).toEqual(ROLLBACK_KEYS);
    expect(r.json).toEqual({ Status: 'OK', Message: '', Label: label });
    expect(await state(label)).toMatchObject({ state: 'ABORTED' });
  });

  it('commit after rollback: FAILED `Can not commit ABORTED transaction <id>, label is <l>`', async () => {
    const label = uniq('commit_after_rb');
    const id = await preparedTxn(label);
    expect((await c.rollback(label)).json.Status).toBe('OK');
    const r = await c.commit(label);
    expect(r.fe.status).toBe(200);
    expect(r.json.Status).toBe('FAILED');
    expect(String(r.json.Message)).toContain(`Can not commit ABORTED transaction ${id}, label is ${label}`);
  });

  it('rollback twice: OK with `Transaction <id> has already aborted, label is <l>`', async () => {
    const label = uniq('rb2');
    const id = await preparedTxn(label);
    expect((await c.rollback(label)).json.Status).toBe('OK');
    const r = await c.rollback(label);
    expect(r.json).toMatchObject({
      Status: 'OK',
      Message: `Transaction ${id} has already aborted, label is ${label}`,
    });
  });

  it('commit of an unknown label: FE FAILED `No transaction found with db[..] and label[..]`', async () => {
    const label = uniq('unknown');
    const r = await c.commit(label);
    expect(r.redirected).toBe(false);
    expect(r.fe.status).toBe(200);
    expect(r.json.Status).toBe('FAILED');
    expect(String(r.json.Message)).toContain(`No transaction found with db[${db}] and label[${label}]`);
    const rb = await c.rollback(label);
    expect(rb.json.Status).toBe('FAILED');
    expect(String(rb.json.Message)).toContain(`No transaction found with db[${db}] and label[${label}]`);
  });

  it('too many filtered rows at prepare: INTERNAL_ERROR + ErrorURL, txn aborted, nothing visible', async () => {
    const label = uniq('filtered');
    const before = await count(conn, db, 't');
    ok(await c.begin(label), BEGIN_KEYS);
    ok(await c.load(label, '1,a,1\n2,b\n'), LOAD_KEYS);
    const r = await c.prepare(label);
    expect(Object.keys(r.json)).toEqual(['Status', 'Message', 'ErrorURL']);
    expect(r.json.Status).toBe('INTERNAL_ERROR');
    expect(r.json.Message).toBe('too many filtered rows');
    expect(String(r.json.ErrorURL).startsWith(`${emu.beHttpUrl}/api/_load_error_log?file=`)).toBe(true);
    const log = await send(String(r.json.ErrorURL));
    expect(log.body).toContain('2,b');
    expect(await state(label)).toMatchObject({ state: 'ABORTED' });
    expect(await count(conn, db, 't')).toBe(before);
    const cm = await c.commit(label);
    expect(cm.json.Status).toBe('FAILED');
  });

  it('concurrent requests on one label: TXN_IN_PROCESSING (with Label) while a load is still receiving its body', async () => {
    const label = uniq('busy');
    ok(await c.begin(label), BEGIN_KEYS);
    // A load whose body arrives slowly, sent where the FE redirects loads.
    const part1 = '1,a,1\n';
    const part2 = '2,b,2\n';
    let resolveSlow!: (r: HttpReply) => void;
    const slowDone = new Promise<HttpReply>((r) => {
      resolveSlow = r;
    });
    const slow = httpRequest(
      `${emu.beHttpUrl}/api/transaction/load`,
      {
        method: 'PUT',
        agent: false,
        headers: {
          Authorization: ROOT_AUTH,
          label,
          db,
          table: 't',
          column_separator: ',',
          'Content-Length': String(part1.length + part2.length),
        },
      },
      (res) => {
        let body = '';
        res.on('data', (d: Buffer) => {
          body += d.toString();
        });
        res.on('end', () => resolveSlow({ status: res.statusCode ?? 0, headers: res.headers, body }));
      },
    );
    slow.write(part1);
    await sleep(300);
    const p = await c.prepare(label);
    expect(p.redirected).toBe(true);
    expect(Object.keys(p.json)).toEqual(['Status', 'Label', 'Message']);
    expect(p.json).toEqual({
      Status: 'TXN_IN_PROCESSING',
      Label: label,
      Message: 'Transaction in processing, please retry later',
    });
    const l = await c.load(label, '3,c,3\n');
    expect(l.json.Status).toBe('TXN_IN_PROCESSING');
    slow.end(part2);
    const done = await slowDone;
    const dj = parseJson(done.body);
    expect(dj.Status, done.body).toBe('OK');
    expect(dj.LoadBytes).toBe(part1.length + part2.length);
    // Retrying now works; the rejected concurrent load added nothing.
    const p2 = ok(await c.prepare(label), PREPARE_KEYS);
    expect(p2.NumberLoadedRows).toBe(2);
    await c.rollback(label);
  });
});

describe('more BE behaviour (§3.1, §4.2, §4.4, §4.9)', () => {
  it('joins the CSV chunks of a txn into one stream (a record cut at a request boundary continues)', async () => {
    const label = uniq('joined');
    ok(await c.begin(label), BEGIN_KEYS);
    ok(await c.load(label, '1,a,'), LOAD_KEYS);
    ok(await c.load(label, '1\n2,b,2\n'), LOAD_KEYS);
    const p = ok(await c.prepare(label), PREPARE_KEYS);
    expect(p).toMatchObject({ NumberTotalRows: 2, NumberLoadedRows: 2, NumberFilteredRows: 0 });
    await c.rollback(label);
  });

  it('load with another db: INVALID_ARGUMENT `Request database <x> not equal transaction database <y>`', async () => {
    const other = await createDb(conn, 'txother');
    await conn.query(
      `CREATE TABLE ${other}.t (id INT, name VARCHAR(32), score INT) DUPLICATE KEY(id) DISTRIBUTED BY HASH(id) ${ONE_BUCKET}`,
    );
    const label = uniq('otherdb');
    await openTxn(label);
    const r = await beTxn(emu, 'load', { label, db: other, table: 't', column_separator: ',' }, '1,a,1\n');
    expect(r.json).toEqual({
      Status: 'INVALID_ARGUMENT',
      Message: `Request database ${other} not equal transaction database ${db}`,
    });
  });

  it('commit / rollback on the BE with another db: `request db <x> transaction db <y> not match`', async () => {
    const label = uniq('otherdb_commit');
    await openTxn(label);
    for (const op of ['commit', 'rollback']) {
      const r = await beTxn(emu, op, { label, db: 'someotherdb' });
      expect(r.json.Status, op).not.toBe('OK');
      expect(String(r.json.Message), op).toContain(`request db someotherdb transaction db ${db} not match`);
    }
  });

  it('BE: commit or rollback of a PREPARED txn sent straight to the BE is TXN_NOT_EXISTS (§4.8)', async () => {
    const label = uniq('prepared_on_be');
    await preparedTxn(label);
    for (const op of ['commit', 'rollback']) {
      const r = await beTxn(emu, op, { label, db });
      expect(r.json.Status, op).toBe('TXN_NOT_EXISTS');
    }
    expect((await state(label)).state).toBe('PREPARED');
    await c.rollback(label);
  });

  it('idle_transaction_timeout gets the sweeper grace (30 s by default): not aborted right after N seconds', async () => {
    const label = uniq('grace');
    ok(await c.begin(label, { idle_transaction_timeout: '1' }), BEGIN_KEYS);
    ok(await c.load(label, '1,a,1\n'), LOAD_KEYS);
    await sleep(1200);
    await emu.sweep();
    expect((await state(label)).state).toBe('PREPARE');
    await c.rollback(label);
  });

  it('BE refuses multi-statement transactions', async () => {
    const r = await beTxn(emu, 'begin', { label: uniq('multi'), db, table: 't', transaction_type: 'multi' });
    expect(r.json.Status).not.toBe('OK');
    expect(String(r.json.Message)).toContain(
      'Multi-statement transaction requests can only be sent to FE nodes, not BE nodes',
    );
  });

  it('BE /api/transaction/list shows open transactions', async () => {
    const label = uniq('listed');
    await openTxn(label);
    const r = await send(`${emu.beHttpUrl}/api/transaction/list`, {
      method: 'POST',
      headers: { Authorization: ROOT_AUTH },
    });
    expect(r.status).toBe(200);
    expect(r.body).toContain(label);
    expect(r.body).toContain('"TransactionTimeoutSec"');
    await c.rollback(label);
  });
});

describe('running-transaction limit (§2.8)', () => {
  let lemu: Emulator;
  let lconn: Conn;
  let ldb: string;

  beforeAll(async () => {
    lemu = await startEmulator({ maxRunningTxnPerDb: 2, onError: () => {} });
    lconn = await openMysql(lemu);
    ldb = await createDb(lconn, 'lim');
    await lconn.query(
      `CREATE TABLE ${ldb}.t (id INT, name VARCHAR(32), score INT) DUPLICATE KEY(id) DISTRIBUTED BY HASH(id) ${ONE_BUCKET}`,
    );
  });

  afterAll(async () => {
    await lconn?.end();
    await lemu?.close();
  });

  it('refuses a begin or a Stream Load over max_running_txn_num_per_db', async () => {
    const lc = txnClient(
      () => lemu,
      () => ldb,
    );
    const [a, b] = [uniq('r1'), uniq('r2')];
    expect((await lc.begin(a)).json.Status).toBe('OK');
    expect((await lc.begin(b)).json.Status).toBe('OK');
    const third = await lc.begin(uniq('r3'));
    expect(third.json.Status).not.toBe('OK');
    expect(String(third.json.Message)).toMatch(/^current running txns on db \d+ is 2, larger than limit 2$/);
    const sl = await send(`${lemu.feHttpUrl}/api/${ldb}/t/_stream_load`, {
      method: 'PUT',
      headers: { Authorization: ROOT_AUTH, Expect: '100-continue', column_separator: ',' },
      body: '1,a,1\n',
    });
    const be = await send(String(sl.headers.location), {
      method: 'PUT',
      headers: { Authorization: ROOT_AUTH, Expect: '100-continue', column_separator: ',' },
      body: '1,a,1\n',
    });
    const j = parseJson(be.body);
    expect(j.Status).toBe('Fail');
    expect(String(j.Message)).toMatch(/^current running txns on db \d+ is 2, larger than limit 2$/);
    await lc.rollback(a);
    expect((await lc.begin(uniq('r4'))).json.Status).toBe('OK');
    await lc.rollback(b);
  });
});

describe('request validation (§4.1, §4.2, §4.3)', () => {
  it('FE: blank label → `Empty label.`, blank db → `No database selected.` (HTTP 200 FAILED)', async () => {
    const a = await feTxn(emu, 'begin', { db, table: 't' });
    expect(a.fe.status).toBe(200);
    expect(a.json.Status).toBe('FAILED');
    expect(String(a.json.Message)).toMatch(/^class com\.starrocks\.common\.\w+: Empty label\.$/);
    const b = await feTxn(emu, 'begin', { label: uniq('x'), table: 't' });
    expect(b.fe.status).toBe(200);
    expect(b.json.Status).toBe('FAILED');
    // §4.3 item 6 gives this exact text.
    expect(b.json.Message).toBe('class com.starrocks.common.StarRocksException: No database selected.');
  });

  it('FE: unknown operations, including list, are `Unknown transaction operation: <op>`', async () => {
    for (const op of ['frobnicate', 'list']) {
      const r = await feTxn(emu, op, { label: uniq('x'), db, table: 't' });
      expect(r.fe.status).toBe(200);
      expect(r.json.Status).toBe('FAILED');
      expect(String(r.json.Message)).toContain(`Unknown transaction operation: ${op}`);
    }
  });

  it('BE: unknown operation and POST load are `unsupport transaction operation <op>`', async () => {
    const a = await beTxn(emu, 'frobnicate', { label: uniq('x'), db, table: 't' });
    expect(a.status).toBe(200);
    expect(a.json.Status).not.toBe('OK');
    expect(a.json.Message).toBe('unsupport transaction operation frobnicate');
    const label = uniq('postload');
    await openTxn(label);
    const b = await beTxn(emu, 'load', { label, db, table: 't', column_separator: ',' }, '1,a,1\n', 'POST');
    expect(b.json.Status).not.toBe('OK');
    expect(b.json.Message).toBe('unsupport transaction operation load');
    await c.rollback(label);
  });

  it('BE: load or rollback of an unknown label is TXN_NOT_EXISTS', async () => {
    const label = uniq('nolabel');
    const l = await beTxn(emu, 'load', { label, db, table: 't', column_separator: ',' }, '1,a,1\n');
    expect(l.json).toEqual({
      Status: 'TXN_NOT_EXISTS',
      Message: `Transaction with label ${label} not exists`,
    });
    const r = await beTxn(emu, 'rollback', { label, db });
    expect(r.json).toEqual({
      Status: 'TXN_NOT_EXISTS',
      Message: `transaction with label ${label} not exists`,
    });
  });

  it('BE: begin with an empty label is INVALID_ARGUMENT `empty label`', async () => {
    const r = await beTxn(emu, 'begin', { label: '', db, table: 't' });
    expect(r.json.Status).toBe('INVALID_ARGUMENT');
    expect(String(r.json.Message)).toContain('empty label');
  });

  it('begin validates timeout and idle_transaction_timeout as uint32 (`Invalid timeout format`)', async () => {
    for (const h of [{ timeout: 'abc' }, { idle_transaction_timeout: '-5' }] as Headers[]) {
      const r = await c.begin(uniq('badtimeout'), h);
      expect(r.json.Status, JSON.stringify(h)).not.toBe('OK');
      expect(r.json.Message).toBe('Invalid timeout format');
    }
  });

  it('begin reports unknown databases and tables like Stream Load', async () => {
    const a = await feTxn(emu, 'begin', { label: uniq('x'), db: 'nosuchdb', table: 't' });
    expect(a.json.Status).not.toBe('OK');
    expect(String(a.json.Message)).toContain('unknown database, database=nosuchdb');
    const b = await c.begin(uniq('x'), { table: 'nosuchtable' });
    expect(b.json.Status).not.toBe('OK');
    expect(String(b.json.Message)).toContain(`unknown table "${db}.nosuchtable"`);
  });

  it('a failed load (bad header) rolls the txn back', async () => {
    const label = uniq('badload');
    await openTxn(label);
    const r = await c.load(label, '1,a,1\n', { format: 'xml' });
    expect(r.json.Status).not.toBe('OK');
    expect(r.json.Message).toBe('unknown data format, format=xml');
    expect(await state(label)).toMatchObject({ state: 'ABORTED' });
  });
});

describe('timeouts enforced by the sweeper (§4.7) and the per-txn body limit (§4.4)', () => {
  let temu: Emulator;
  let tconn: Conn;
  let tdb: string;
  const tc = txnClient(
    () => temu,
    () => tdb,
  );
  const tstate = (label: string) => loadState(temu, tdb, label);
  const L = {
    timeout: uniq('to'),
    idle: uniq('idle'),
    active: uniq('active'),
    prepared: uniq('prep_to'),
    preparedWithBeginTimeout: uniq('prep_begin_to'),
  };

  beforeAll(async () => {
    temu = await startEmulator({
      sweepIntervalMs: 100,
      idleGraceSec: 0,
      streamingLoadMaxMb: 1,
      onError: () => {},
    });
    tconn = await openMysql(temu);
    tdb = await createDb(tconn, 'sweep');
    await tconn.query(
      `CREATE TABLE ${tdb}.t (id INT, name VARCHAR(1000), score INT) DUPLICATE KEY(id) DISTRIBUTED BY HASH(id) ${ONE_BUCKET}`,
    );
    const okT = (r: TxnReply) => expect(r.json.Status, r.final.body).toBe('OK');
    okT(await tc.begin(L.timeout, { timeout: '1' }));
    okT(await tc.load(L.timeout, '1,a,1\n'));
    okT(await tc.begin(L.idle, { idle_transaction_timeout: '1' }));
    okT(await tc.load(L.idle, '1,a,1\n'));
    okT(await tc.begin(L.active, { idle_transaction_timeout: '1' }));
    okT(await tc.load(L.active, '1,a,1\n'));
    okT(await tc.begin(L.prepared));
    okT(await tc.load(L.prepared, '1,a,1\n'));
    okT(await tc.prepare(L.prepared, { prepared_timeout: '1' }));
    okT(await tc.begin(L.preparedWithBeginTimeout, { timeout: '1' }));
    okT(await tc.load(L.preparedWithBeginTimeout, '1,a,1\n'));
    okT(await tc.prepare(L.preparedWithBeginTimeout));
    await sleep(700);
    okT(await tc.load(L.active, '2,b,2\n'));
    await sleep(700);
    await temu.sweep();
  });

  afterAll(async () => {
    await tconn?.end();
    await temu?.close();
  });

  it('aborts a PREPARE txn older than `timeout` (reason: aborted by timeout); later calls see it gone', async () => {
    const s = await tstate(L.timeout);
    expect(s.state).toBe('ABORTED');
    expect(String(s.reason)).toContain('transaction is aborted by timeout.');
    const l = await tc.load(L.timeout, '3,c,3\n');
    expect(l.json.Status).toBe('TXN_NOT_EXISTS');
    const cm = await tc.commit(L.timeout);
    expect(cm.json.Status).toBe('FAILED');
    expect(String(cm.json.Message)).toContain('Can not commit ABORTED transaction');
  });

  it('aborts a txn idle longer than idle_transaction_timeout (+ grace)', async () => {
    const s = await tstate(L.idle);
    expect(s.state).toBe('ABORTED');
    expect(String(s.reason)).toContain('transaction is aborted by idle timeout.');
  });

  it('does not abort a txn whose last load is recent (each load refreshes the idle clock)', async () => {
    expect((await tstate(L.active)).state).toBe('PREPARE');
    const p = await tc.prepare(L.active);
    expect(p.json.Status, p.final.body).toBe('OK');
    expect(p.json.NumberLoadedRows).toBe(2);
  });

  it('aborts a PREPARED txn after prepared_timeout; commit is then FAILED', async () => {
    const s = await tstate(L.prepared);
    expect(s.state).toBe('ABORTED');
    const cm = await tc.commit(L.prepared);
    expect(cm.json.Status).toBe('FAILED');
    expect(String(cm.json.Message)).toContain('Can not commit ABORTED transaction');
  });

  it('`timeout` only limits PREPARE → PREPARED: a PREPARED txn outlives it and can be committed', async () => {
    expect((await tstate(L.preparedWithBeginTimeout)).state).toBe('PREPARED');
    const cm = await tc.commit(L.preparedWithBeginTimeout);
    expect(cm.json.Status, cm.final.body).toBe('OK');
    expect(await count(tconn, tdb, 't')).toBe(1);
  });

  it('runs the sweeper by itself every sweepIntervalMs (no explicit sweep())', async () => {
    const label = uniq('auto');
    expect((await tc.begin(label, { timeout: '1' })).json.Status).toBe('OK');
    expect((await tc.load(label, '1,a,1\n')).json.Status).toBe('OK');
    const s = await pollUntil(
      () => tstate(label),
      (x) => x.state === 'ABORTED',
      4000,
      100,
    );
    expect(s.state).toBe('ABORTED');
  });

  it('refuses prepared_timeout <= 0 with `Invalid prepared_timeout: <v>`', async () => {
    const label = uniq('badprep');
    expect((await tc.begin(label)).json.Status).toBe('OK');
    expect((await tc.load(label, '1,a,1\n')).json.Status).toBe('OK');
    const r = await tc.prepare(label, { prepared_timeout: '0' });
    expect(r.json.Status).not.toBe('OK');
    expect(String(r.json.Message)).toContain('Invalid prepared_timeout: 0');
  });

  it('checks streaming_load_max_mb against the sum of Content-Length over the txn', async () => {
    const label = uniq('big');
    expect((await tc.begin(label)).json.Status).toBe('OK');
    const chunk = `1,${'x'.repeat(900)},1\n`.repeat(650); // ~590 KB
    const a = await tc.load(label, chunk);
    expect(a.json.Status, a.final.body).toBe('OK');
    const b = await tc.load(label, chunk);
    expect(b.json.Status).not.toBe('OK');
    expect(String(b.json.Message)).toContain('exceed limit: 1048576');
    expect((await tstate(label)).state).toBe('ABORTED');
  });
});
