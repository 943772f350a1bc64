/**
 * Spec §6.2: `TStarrocksExternalService` over raw unframed TBinaryProtocol — open_scanner, get_next,
 * close_scanner, every validation and its text, offsets, keep-alive expiry and snapshots.
 */
import { connect, type Socket } from 'node:net';
import { tableFromIPC } from 'apache-arrow';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Emulator, startEmulator } from '../../../src/index.js';
import { ThriftWriter, TMessageType, TType } from '../../../src/scanner/thrift-binary.js';
import { type Conn, createDb, openMysql, pollUntil, sleep, streamLoad } from '../helpers.js';
import { planFor, scan } from './scan-helpers.js';
import { ScannerClient, ThriftAppError } from './thrift-client.js';

const OK = { code: 0, messages: [] };
const INVALID_ARGUMENT = 33;
const NOT_FOUND = 31;

let emu: Emulator;
let conn: Conn;
let db: string;
let client: ScannerClient;

const ROWS = 1000;

beforeAll(async () => {
  emu = await startEmulator({ onError: () => {}, scanContextGcIntervalMs: 25, scanKeepAliveMinuteMs: 100 });
  conn = await openMysql(emu);
  db = await createDb(conn, 'scan');
  await conn.query(
    `CREATE TABLE ${db}.t (id INT NOT NULL, name VARCHAR(32), score DOUBLE) DUPLICATE KEY(id) DISTRIBUTED BY HASH(id) BUCKETS 3`,
  );
  const body = Array.from({ length: ROWS }, (_, i) => `${i},n${i},${i / 2}`).join('\n');
  const r = await streamLoad(emu, db, 't', { column_separator: ',' }, body);
  expect(r.json.Status, r.body).toBe('Success');
  client = await ScannerClient.connect(emu.beScannerPort);
});

afterAll(async () => {
  client?.end();
  await conn?.end();
  await emu?.close();
});

describe('open_scanner / get_next / close_scanner', () => {
  it('scans every tablet of a multi-tablet table with WHERE and column pruning', async () => {
    const p = await planFor(
      emu,
      db,
      't',
      `select score, id from \`${db}\`.\`t\` where id >= 100 and id < 700`,
    );
    expect(p.tablets).toHaveLength(3);
    const seen: number[] = [];
    for (const tablet of p.tablets) {
      const r = await scan(client, db, 't', p.plan, [tablet], 64);
      expect(r.selected).toEqual([
        { name: 'score', type: 8 },
        { name: 'id', type: 5 },
      ]);
      expect(r.batches[0]!.schema.fields.map((f) => [f.name, String(f.type), f.nullable])).toEqual([
        ['score', 'Float64', true],
        ['id', 'Int32', false],
      ]);
      for (const s of r.sizes.slice(0, -1)) expect(s).toBe(64);
      for (const row of r.rows) {
        expect(Object.keys(row)).toEqual(['score', 'id']);
        expect(row.score).toBe((row.id as number) / 2);
        seen.push(row.id as number);
      }
    }
    expect(seen.sort((a, b) => a - b)).toEqual(Array.from({ length: 600 }, (_, i) => i + 100));
  });

  it('splits rows between tablets (each tablet holds some, none twice) and scans several at once', async () => {
    const p = await planFor(emu, db, 't', `select id from \`${db}\`.\`t\``);
    const counts: number[] = [];
    for (const tablet of p.tablets) counts.push((await scan(client, db, 't', p.plan, [tablet])).rows.length);
    for (const c of counts) expect(c).toBeGreaterThan(0);
    expect(counts.reduce((a, b) => a + b, 0)).toBe(ROWS);
    const all = await scan(client, db, 't', p.plan, p.tablets, 65536);
    expect(all.rows).toHaveLength(ROWS);
    expect(all.sizes).toEqual([ROWS]);
    const two = await scan(client, db, 't', p.plan, p.tablets.slice(0, 2));
    expect(two.rows).toHaveLength(counts[0]! + counts[1]!);
  });

  it('writes one Arrow IPC stream per batch: schema, one record batch, end-of-stream marker', async () => {
    const p = await planFor(emu, db, 't', `select id from \`${db}\`.\`t\``);
    const open = await client.open({
      database: db,
      table: 't',
      tabletIds: p.tablets,
      plan: p.plan,
      batchSize: 10,
    });
    const r = await client.next(open.contextId!, 0);
    const bytes = r.rows!;
    // continuation marker + metadata length, then a Schema message first
    expect(bytes.readUInt32LE(0)).toBe(0xffffffff);
    expect(bytes.subarray(-8)).toEqual(Buffer.from([0xff, 0xff, 0xff, 0xff, 0, 0, 0, 0]));
    const t = tableFromIPC(bytes);
    expect(t.numRows).toBe(10);
    expect(t.batches).toHaveLength(1);
    await client.closeScanner(open.contextId!);
  });

  it('answers eos=true (no rows) at the end, and again when asked again', async () => {
    const p = await planFor(emu, db, 't', `select id from \`${db}\`.\`t\` where id = 5`);
    const open = await client.open({
      database: db,
      table: 't',
      tabletIds: p.tablets,
      plan: p.plan,
      batchSize: 100,
    });
    expect(open.status).toEqual(OK);
    const first = await client.next(open.contextId!, 0);
    expect(first.eos).toBe(false);
    expect(tableFromIPC(first.rows!).numRows).toBe(1);
    const end = await client.next(open.contextId!, 1);
    expect(end).toEqual({ status: OK, eos: true, rows: undefined });
    expect(await client.next(open.contextId!, 1)).toEqual({ status: OK, eos: true, rows: undefined });
    expect(await client.closeScanner(open.contextId!)).toEqual(OK);
  });

  it('scans a consistent snapshot taken at open_scanner (later loads do not tear it)', async () => {
    const t = `snap_${Date.now()}`;
    await conn.query(`CREATE TABLE ${db}.${t} (id INT) DUPLICATE KEY(id) DISTRIBUTED BY HASH(id) BUCKETS 2`);
    await streamLoad(
      emu,
      db,
      t,
      { column_separator: ',' },
      Array.from({ length: 5000 }, (_, i) => String(i)).join('\n'),
    );
    const p = await planFor(emu, db, t, `select id from \`${db}\`.\`${t}\``);
    const open = await client.open({
      database: db,
      table: t,
      tabletIds: p.tablets,
      plan: p.plan,
      batchSize: 1000,
    });
    const first = await client.next(open.contextId!, 0);
    expect(tableFromIPC(first.rows!).numRows).toBe(1000);
    const load = await streamLoad(
      emu,
      db,
      t,
      { column_separator: ',' },
      Array.from({ length: 3000 }, (_, i) => String(10_000 + i)).join('\n'),
    );
    expect(load.json.Status).toBe('Success');
    await conn.query(`TRUNCATE TABLE ${db}.${t}`);
    let offset = 1000;
    for (;;) {
      const r = await client.next(open.contextId!, offset);
      expect(r.status).toEqual(OK);
      if (r.eos) break;
      offset += tableFromIPC(r.rows!).numRows;
    }
    expect(offset).toBe(5000);
    await client.closeScanner(open.contextId!);
  });

  it('serves several connections and contexts at once', async () => {
    const p = await planFor(emu, db, 't', `select id, name from \`${db}\`.\`t\``);
    const clients = await Promise.all([1, 2, 3].map(() => ScannerClient.connect(emu.beScannerPort)));
    try {
      const results = await Promise.all(clients.map((c) => scan(c, db, 't', p.plan, p.tablets, 100)));
      for (const r of results) expect(r.rows).toHaveLength(ROWS);
    } finally {
      for (const c of clients) c.end();
    }
  });
});

describe('validations and error replies (spec §6.2)', () => {
  let plan: Awaited<ReturnType<typeof planFor>>;
  beforeAll(async () => {
    plan = await planFor(emu, db, 't', `select id from \`${db}\`.\`t\``);
  });
  const open = (over: Parameters<ScannerClient['open']>[0]) =>
    client.open({
      database: db,
      table: 't',
      tabletIds: plan.tablets,
      plan: plan.plan,
      batchSize: 100,
      ...over,
    });

  it('batch_size not set', async () => {
    const r = await open({ batchSize: undefined });
    expect(r.status).toEqual({ code: INVALID_ARGUMENT, messages: ['batch_size is not set'] });
    // the BE still returns a context id (and an empty column list)
    expect(r.contextId).toMatch(/^[0-9a-f-]{36}$/);
    expect(r.selectedColumns).toEqual([]);
  });

  it.each([0, -1, 65537])('batch_size %i is out of range', async (n) => {
    const r = await open({ batchSize: n });
    expect(r.status).toEqual({
      code: INVALID_ARGUMENT,
      messages: [`batch_size is out of range, it must be in the range (0, 65536], current value is [${n}]`],
    });
  });

  it('accepts batch_size 65536 and 1', async () => {
    for (const n of [65536, 1]) {
      const r = await open({ batchSize: n });
      expect(r.status).toEqual(OK);
      await client.closeScanner(r.contextId!);
    }
  });

  it('a plan that is not base64 fails validation', async () => {
    const r = await open({ plan: 'not base64!!' });
    expect(r.status).toEqual({
      code: INVALID_ARGUMENT,
      messages: [
        'query_plan_info:  validate error, should not be modified after returned StarRocks FE processed',
      ],
    });
  });

  it('a modified plan fails to deserialize', async () => {
    const bad = Buffer.from('{"v":1,"garbage":true}').toString('base64');
    const r = await open({ plan: bad });
    expect(r.status.code).toBe(INVALID_ARGUMENT);
    expect(r.status.messages[0]).toBe(
      'query_plan_info: {"v":1,"garbage":true} deserialize error, should not be modified after returned StarRocks FE processed',
    );
    const truncated = await open({ plan: plan.plan.slice(0, 40) });
    expect(truncated.status.code).toBe(INVALID_ARGUMENT);
    expect(truncated.status.messages[0]).toMatch(
      /^query_plan_info: .* deserialize error, should not be modified/s,
    );
  });

  it('a tablet that is not in the plan is NOT_FOUND (with the selected columns)', async () => {
    const r = await open({ tabletIds: [plan.tablets[0]!, 424242] });
    expect(r.status).toEqual({ code: NOT_FOUND, messages: ['tablet_id: 424242 not found'] });
    expect(r.selectedColumns).toEqual([{ name: 'id', type: 5 }]);
  });

  it('a plan whose table was dropped (or dropped and created again) cannot open', async () => {
    const t = `gone_${Date.now()}`;
    await conn.query(`CREATE TABLE ${db}.${t} (id INT) DUPLICATE KEY(id) DISTRIBUTED BY HASH(id) BUCKETS 1`);
    const p = await planFor(emu, db, t, `select id from ${db}.${t}`);
    await conn.query(`DROP TABLE ${db}.${t}`);
    const gone = await client.open({
      database: db,
      table: t,
      tabletIds: p.tablets,
      plan: p.plan,
      batchSize: 10,
    });
    expect(gone.status).toEqual({
      code: 6,
      messages: [`table ${db}.${t} of the query plan no longer exists`],
    });
    await conn.query(`CREATE TABLE ${db}.${t} (id INT) DUPLICATE KEY(id) DISTRIBUTED BY HASH(id) BUCKETS 1`);
    const again = await client.open({
      database: db,
      table: t,
      tabletIds: p.tablets,
      plan: p.plan,
      batchSize: 10,
    });
    expect(again.status.code).toBe(6);
  });

  it('get_next of an unknown context is NOT_FOUND', async () => {
    const r = await client.next('no-such-context', 0);
    expect(r).toEqual({
      status: { code: NOT_FOUND, messages: ['context_id: no-such-context not found'] },
      eos: undefined,
      rows: undefined,
    });
  });

  it('get_next with the wrong offset is NOT_FOUND and changes nothing', async () => {
    const o = await open({ batchSize: 10 });
    const id = o.contextId!;
    expect((await client.next(id, 0)).status).toEqual(OK);
    const replay = await client.next(id, 0);
    expect(replay.status).toEqual({
      code: NOT_FOUND,
      messages: [`context_id=${id}, send_offset=0, context_offset=10`],
    });
    const ahead = await client.next(id, 25);
    expect(ahead.status.messages).toEqual([`context_id=${id}, send_offset=25, context_offset=10`]);
    const ok = await client.next(id, 10);
    expect(ok.status).toEqual(OK);
    expect(tableFromIPC(ok.rows!).numRows).toBe(10);
    await client.closeScanner(id);
  });

  it('close_scanner frees the context; closing an unknown id is OK too', async () => {
    const o = await open({});
    expect(await client.closeScanner(o.contextId!)).toEqual(OK);
    expect((await client.next(o.contextId!, 0)).status).toEqual({
      code: NOT_FOUND,
      messages: [`context_id: ${o.contextId} not found`],
    });
    expect(await client.closeScanner(o.contextId!)).toEqual(OK);
    expect(await client.closeScanner('never-opened')).toEqual(OK);
  });

  it('an unknown method gets a TApplicationException (UNKNOWN_METHOD)', async () => {
    const err = await client.call('open_scannerz', () => undefined).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ThriftAppError);
    expect((err as ThriftAppError).message).toBe("Invalid method name: 'open_scannerz'");
    expect((err as ThriftAppError).type).toBe(1);
    // the connection still works
    expect(await client.closeScanner('x')).toEqual(OK);
  });

  it('a missing required field drops the connection, as the generated C++ reader does', async () => {
    const c = await ScannerClient.connect(emu.beScannerPort);
    await expect(c.open({ cluster: null, batchSize: 10 })).rejects.toThrow(/closed/);
    expect(c.closed).toBe(true);
  });

  it('bytes that are not Thrift drop the connection', async () => {
    const c = await ScannerClient.connect(emu.beScannerPort);
    c.writeRaw(Buffer.from('GET / HTTP/1.1\r\nHost: x\r\n\r\n'));
    expect(await c.waitClosed()).toBe(true);
  });

  it('accepts a call split over many TCP segments, with an old-style (non-strict) header', async () => {
    const name = Buffer.from('close_scanner');
    // old-style header: name length, name, message type byte, seqid; then the args struct
    const msg = new ThriftWriter().i32(name.length).toBuffer();
    const args = new ThriftWriter().i32(7);
    args.fieldBegin(TType.STRUCT, 1).fieldBegin(TType.STRING, 1).string('abc').fieldStop().fieldStop();
    const bytes = Buffer.concat([msg, name, Buffer.from([TMessageType.CALL]), args.toBuffer()]);
    const sock = await new Promise<Socket>((resolve) => {
      const s = connect(emu.beScannerPort, '127.0.0.1', () => resolve(s));
    });
    const got: Buffer[] = [];
    sock.on('data', (d: Buffer) => got.push(d));
    for (const b of bytes) {
      sock.write(Buffer.from([b]));
      await new Promise<void>((r) => setImmediate(r));
    }
    const expected = 4 + 4 + name.length + 4 + /* result */ 3 + 3 + 4 + 1 + 1;
    await pollUntil(
      async () => Buffer.concat(got).length,
      (n) => n >= expected,
      2000,
      10,
    );
    const reply = Buffer.concat(got);
    sock.destroy();
    // strict reply header: version | REPLY, name, seqid 7; success = TScanCloseResult{status{OK}}
    expect(reply.readUInt32BE(0)).toBe(0x80010002);
    expect(reply.subarray(8, 8 + name.length).toString()).toBe('close_scanner');
    expect(reply.readInt32BE(8 + name.length)).toBe(7);
    expect(reply.subarray(12 + name.length)).toEqual(
      Buffer.from([TType.STRUCT, 0, 0, TType.STRUCT, 0, 1, TType.I32, 0, 1, 0, 0, 0, 0, 0, 0, 0]),
    );
  });
});

describe('keep-alive (spec §6.2: contexts idle longer than keep_alive_min are freed by the GC)', () => {
  // scanKeepAliveMinuteMs: 100 makes one keep_alive_min minute 100 ms; the GC runs every 25 ms.
  // Every get_next (even a refused one) refreshes the idle clock, so expiry is checked once, after a pause.
  it('frees an idle context after its keep_alive_min', async () => {
    const p = await planFor(emu, db, 't', `select id from \`${db}\`.\`t\``);
    const o = await client.open({
      database: db,
      table: 't',
      tabletIds: p.tablets,
      plan: p.plan,
      batchSize: 10,
      keepAliveMin: 2,
    });
    expect(o.status).toEqual(OK);
    // alive while used more often than every 2 "minutes"
    let offset = 0;
    for (let i = 0; i < 6; i++) {
      await sleep(50);
      const r = await client.next(o.contextId!, offset);
      expect(r.status).toEqual(OK);
      offset += tableFromIPC(r.rows!).numRows;
    }
    await sleep(600);
    expect((await client.next(o.contextId!, offset)).status).toEqual({
      code: NOT_FOUND,
      messages: [`context_id: ${o.contextId} not found`],
    });
    // closing an expired context is fine
    expect(await client.closeScanner(o.contextId!)).toEqual(OK);
  });

  it('uses the default keep_alive_min of 5 when unset', async () => {
    const p = await planFor(emu, db, 't', `select id from \`${db}\`.\`t\``);
    const o = await client.open({
      database: db,
      table: 't',
      tabletIds: p.tablets,
      plan: p.plan,
      batchSize: 10,
    });
    await sleep(200);
    expect((await client.next(o.contextId!, 0)).status).toEqual(OK);
    await sleep(200);
    expect((await client.next(o.contextId!, 10)).status).toEqual(OK);
    await sleep(1000);
    expect((await client.next(o.contextId!, 20)).status).toEqual({
      code: NOT_FOUND,
      messages: [`context_id: ${o.contextId} not found`],
    });
  });
});
