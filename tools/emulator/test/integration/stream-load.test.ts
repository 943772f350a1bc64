/** Spec §2.3–§2.9 and §3: the BE side of Stream Load (reply, validation, CSV, JSON, columns/where, strict mode). */
import { request as httpRequest } from 'node:http';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Emulator, startEmulator } from '../../src/index.js';
import {
  beLoad,
  type Conn,
  count,
  createDb,
  type Headers,
  type Json,
  loadKeys,
  loadState,
  ONE_BUCKET,
  openMysql,
  pollUntil,
  q,
  ROOT_AUTH,
  rawExchange,
  send,
  sleep,
  streamLoad,
  uniq,
} from './helpers.js';

let emu: Emulator;
let conn: Conn;
let db: string;

beforeAll(async () => {
  emu = await startEmulator({ onError: () => {} });
  conn = await openMysql(emu);
  db = await createDb(conn, 'sl');
});

afterAll(async () => {
  await conn?.end();
  await emu?.close();
});

/** Creates a fresh DUPLICATE KEY table in `db` and returns its name. */
async function table(
  cols = 'id INT, name VARCHAR(32), score INT',
  key = 'DUPLICATE KEY(id)',
): Promise<string> {
  const t = uniq('t');
  await conn.query(`CREATE TABLE ${db}.${t} (${cols}) ${key} DISTRIBUTED BY HASH(id) ${ONE_BUCKET}`);
  return t;
}

function rows(t: string, order = 'id') {
  return q(conn, `SELECT * FROM ${db}.${t} ORDER BY ${order}`);
}

const CSV = { column_separator: ',' };

function load(t: string, headers: Headers, body: string | Buffer) {
  return streamLoad(emu, db, t, headers, body);
}

function expectSuccess(j: Json, loaded: number) {
  expect(j.Status, JSON.stringify(j)).toBe('Success');
  expect(j.Message).toBe('OK');
  expect(j.NumberLoadedRows).toBe(loaded);
}

function expectFail(j: Json, message: string | RegExp) {
  expect(Object.keys(j)).toEqual(loadKeys({ errorUrl: 'ErrorURL' in j }));
  expect(j.Status, JSON.stringify(j)).toBe('Fail');
  if (typeof message === 'string') expect(j.Message).toBe(message);
  else expect(String(j.Message)).toMatch(message);
}

async function errorLog(j: Json): Promise<string> {
  const url = String(j.ErrorURL);
  expect(url.startsWith(`${emu.beHttpUrl}/api/_load_error_log?file=`), url).toBe(true);
  const r = await send(url);
  expect(r.status).toBe(200);
  return r.body;
}

describe('reply (§2.5, §2.6)', () => {
  it('answers HTTP 200 with the keys in the exact order and consistent counters', async () => {
    const t = await table();
    const body = '1\ta\t10\n2\tb\t20\n';
    const label = uniq('ok');
    const r = await load(t, { label }, body);
    expect(r.status).toBe(200);
    expect(Object.keys(r.json)).toEqual(loadKeys());
    expect(r.json).toMatchObject({
      Label: label,
      Status: 'Success',
      Message: 'OK',
      NumberTotalRows: 2,
      NumberLoadedRows: 2,
      NumberFilteredRows: 0,
      NumberUnselectedRows: 0,
      LoadBytes: Buffer.byteLength(body),
    });
    expect(typeof r.json.TxnId).toBe('number');
    expect(r.json.TxnId as number).toBeGreaterThan(0);
    for (const k of loadKeys().slice(9)) {
      expect(Number.isInteger(r.json[k]), k).toBe(true);
      expect(r.json[k] as number, k).toBeGreaterThanOrEqual(0);
    }
    expect(await rows(t)).toEqual([
      { id: 1, name: 'a', score: 10 },
      { id: 2, name: 'b', score: 20 },
    ]);
  });

  it('gives each load a new TxnId', async () => {
    const t = await table();
    const a = await load(t, CSV, '1,a,1\n');
    const b = await load(t, CSV, '2,b,2\n');
    expect(a.json.TxnId).not.toBe(b.json.TxnId);
  });

  it('generates a 36-character UUID label when the header is missing or empty', async () => {
    const t = await table();
    const uuid = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
    const a = await load(t, CSV, '1,a,1\n');
    const b = await load(t, { ...CSV, label: '' }, '2,b,2\n');
    for (const r of [a, b]) {
      expectSuccess(r.json, 1);
      expect(String(r.json.Label)).toMatch(uuid);
    }
    expect(a.json.Label).not.toBe(b.json.Label);
  });

  it('accepts labels of letters, digits, `_` and `-` up to 128 characters', async () => {
    const t = await table();
    expectSuccess((await load(t, { ...CSV, label: `a-B_9-${uniq('x')}` }, '1,a,1\n')).json, 1);
    expectSuccess((await load(t, { ...CSV, label: 'L'.repeat(128) }, '1,a,1\n')).json, 1);
  });

  it('refuses a label that does not match ^[-\\w]{1,128}$ with the format error', async () => {
    const t = await table();
    for (const label of ['bad label', 'bad.label', 'x'.repeat(129), 'a/b']) {
      const r = await load(t, { ...CSV, label }, '1,a,1\n');
      expectFail(r.json, `Label format error. regex: ^[-\\w]{1,128}$, label: ${label}`);
      expect(r.json.TxnId).toBe(-1);
    }
    expect(await count(conn, db, t)).toBe(0);
  });

  it('reports an unknown database and an unknown table (TxnId -1)', async () => {
    const a = await streamLoad(emu, 'nosuchdb', 't', CSV, '1\n');
    expectFail(a.json, 'unknown database, database=nosuchdb');
    expect(a.json.TxnId).toBe(-1);
    const b = await streamLoad(emu, db, 'nosuchtable', CSV, '1\n');
    expectFail(b.json, `unknown table "${db}.nosuchtable"`);
    expect(b.json.TxnId).toBe(-1);
    // §2.5: counters stay 0 when the load failed before execution.
    for (const k of ['NumberTotalRows', 'NumberLoadedRows', 'NumberFilteredRows', 'NumberUnselectedRows'])
      expect(b.json[k], k).toBe(0);
  });

  it('URL-decodes the database and table of the path (§2.1)', async () => {
    const t = `sp ace ${uniq('t')}`;
    await conn.query(
      `CREATE TABLE ${db}.\`${t}\` (id INT, name VARCHAR(32), score INT) DUPLICATE KEY(id) DISTRIBUTED BY HASH(id) ${ONE_BUCKET}`,
    );
    const r = await load(t, CSV, '1,a,1\n');
    expect(r.location).toContain('/sp%20ace%20');
    expectSuccess(r.json, 1);
    expect(await count(conn, db, t)).toBe(1);
  });

  it('answers `Label Already Exists` (ExistingJobStatus FINISHED, TxnId -1) for a reused finished label', async () => {
    const t = await table();
    const label = uniq('dup');
    expectSuccess((await load(t, { ...CSV, label }, '1,a,1\n')).json, 1);
    const r = await load(t, { ...CSV, label }, '2,b,2\n');
    expect(r.status).toBe(200);
    expect(Object.keys(r.json)).toEqual(loadKeys({ existing: true }));
    expect(r.json).toMatchObject({
      TxnId: -1,
      Label: label,
      Status: 'Label Already Exists',
      ExistingJobStatus: 'FINISHED',
      Message: `Label [${label}] has already been used.`,
    });
    expect(await count(conn, db, t)).toBe(1);
  });

  it('lets a label whose load failed (ABORTED) be used again', async () => {
    const t = await table();
    const label = uniq('retry');
    const bad = await load(t, { ...CSV, label }, '1,a,1\n2,b\n');
    expectFail(bad.json, 'too many filtered rows');
    const good = await load(t, { ...CSV, label }, '1,a,1\n2,b,2\n');
    expectSuccess(good.json, 2);
    expect(good.json.Label).toBe(label);
  });

  it('answers 404 `Not Found` on the BE for other methods and unknown paths (§2.1)', async () => {
    for (const [method, path] of [
      ['GET', `/api/${db}/t/_stream_load`],
      ['POST', `/api/${db}/t/_stream_load`],
      ['PUT', '/api/nothing/here'],
    ] as const) {
      const r = await send(`${emu.beHttpUrl}${path}`, {
        method,
        headers: { Authorization: ROOT_AUTH },
        body: method === 'GET' ? undefined : '1\n',
      });
      expect(r.status, `${method} ${path}`).toBe(404);
      expect(r.body).toBe('Not Found');
    }
  });
});

describe('header validation (§2.3, §2.4)', () => {
  it('refuses an unknown format with `unknown data format, format=<v>` and accepts any case of csv/json', async () => {
    const t = await table();
    expectFail((await load(t, { ...CSV, format: 'xml' }, '1,a,1\n')).json, 'unknown data format, format=xml');
    expectFail(
      (await load(t, { ...CSV, format: 'parquet' }, '1,a,1\n')).json,
      'unknown data format, format=parquet',
    );
    expectSuccess((await load(t, { ...CSV, format: 'CSV' }, '1,a,1\n')).json, 1);
    expectSuccess((await load(t, { format: 'Json' }, '{"id":2,"name":"b","score":2}')).json, 1);
  });

  it('refuses a timeout that is not an unsigned 32-bit integer with `Invalid timeout format`', async () => {
    const t = await table();
    for (const timeout of ['abc', '-1', '1.5', '4294967296']) {
      expectFail((await load(t, { ...CSV, timeout }, '1,a,1\n')).json, 'Invalid timeout format');
    }
    expectSuccess((await load(t, { ...CSV, timeout: '60' }, '1,a,1\n')).json, 1);
  });

  it('refuses a strict_mode that is not a bool', async () => {
    const t = await table();
    expectFail(
      (await load(t, { ...CSV, strict_mode: 'maybe' }, '1,a,1\n')).json,
      'Invalid strict mode format. Must be bool type',
    );
    expectSuccess((await load(t, { ...CSV, strict_mode: 'TRUE' }, '1,a,1\n')).json, 1);
    expectSuccess((await load(t, { ...CSV, strict_mode: 'False' }, '2,b,2\n')).json, 1);
  });

  it('refuses an empty column separator', async () => {
    const t = await table();
    const r = await load(t, { column_separator: '' }, '1,a,1\n');
    expectFail(r.json, /Delimiter cannot be empty or null/);
  });

  it('replies to a header failure before any body: no 100 Continue is sent (§2.3)', async () => {
    const t = await table();
    const r = await rawExchange(
      emu.beHttpPort,
      `PUT /api/${db}/${t}/_stream_load HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: ${ROOT_AUTH}\r\n` +
        'Expect: 100-continue\r\nformat: xml\r\nContent-Length: 5000000\r\n\r\n',
    );
    expect(r.interim).toEqual([]);
    expect(r.statusLine).toMatch(/^HTTP\/1\.1 200 /);
    expect(JSON.parse(r.body).Message).toBe('unknown data format, format=xml');
    const u = await rawExchange(
      emu.beHttpPort,
      `PUT /api/${db}/nosuchtable/_stream_load HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: ${ROOT_AUTH}\r\n` +
        'Expect: 100-continue\r\nContent-Length: 5000000\r\n\r\n',
    );
    expect(u.interim).toEqual([]);
    expect(JSON.parse(u.body).Message).toBe(`unknown table "${db}.nosuchtable"`);
  });
});

describe('more header validation (§2.3, §2.4)', () => {
  it('refuses an enable_merge_commit that is not a bool', async () => {
    const t = await table();
    const r = await load(t, { ...CSV, enable_merge_commit: 'maybe' }, '1,a,1\n');
    expectFail(r.json, 'Invalid parameter enable_merge_commit. The value must be bool type, but is maybe');
  });

  it.each([
    [{ skip_header: '-1' }, 'skip_header must be equal or greater than 0'],
    [{ skip_header: 'x' }, 'Invalid csv load skip_header format'],
    [{ trim_space: 'maybe' }, 'Invalid trim space format. Must be bool type'],
    [{ load_mem_limit: '-1' }, 'load_mem_limit must be equal or greater than 0'],
    [{ load_mem_limit: 'lots' }, 'Invalid load mem limit format'],
    [{ exec_mem_limit: '0' }, 'exec_mem_limit must be greater than 0'],
    [{ log_rejected_record_num: '-2' }, 'log_rejected_record_num must be equal or greater than -1'],
    [{ load_dop: 'x' }, 'Invalid load_dop format'],
  ] as [Headers, string][])('validates %j: `%s`', async (h, msg) => {
    const t = await table();
    const r = await load(t, { ...CSV, ...h }, '1,a,1\n');
    expect(r.json.Status).toBe('Fail');
    expect(String(r.json.Message)).toContain(msg);
    expect(await count(conn, db, t)).toBe(0);
  });

  it('refuses partitions together with temporary_partitions', async () => {
    const t = await table();
    const r = await load(t, { ...CSV, partitions: t, temporary_partitions: 'tp1' }, '1,a,1\n');
    expect(r.json.Status).toBe('Fail');
    expect(String(r.json.Message)).toContain('Can not specify both partitions and temporary partitions');
  });

  it('refuses an unknown compression and both compression and Content-Encoding', async () => {
    const t = await table();
    const a = await load(t, { ...CSV, compression: 'foo' }, '1,a,1\n');
    expect(a.json.Status).toBe('Fail');
    expect(String(a.json.Message)).toContain('Unsupported compression type: foo');
    const b = await load(t, { ...CSV, compression: 'gzip', 'Content-Encoding': 'gzip' }, gzipSync('1,a,1\n'));
    expect(b.json.Status).toBe('Fail');
    expect(String(b.json.Message)).toContain(
      'Only one of http header content-encoding and compression can be set',
    );
  });

  it('loads a gzip body announced by `compression: GZIP`', async () => {
    const t = await table();
    const r = await load(t, { ...CSV, compression: 'GZIP' }, gzipSync('1,a,1\n2,b,2\n'));
    expectSuccess(r.json, 2);
  });

  it('ignores an unknown partial_update_mode', async () => {
    const t = await table();
    expectSuccess((await load(t, { ...CSV, partial_update_mode: 'sideways' }, '1,a,1\n')).json, 1);
  });

  it('treats a max_filter_ratio that is not a number as 0', async () => {
    const t = await table();
    const r = await load(t, { ...CSV, max_filter_ratio: 'lots' }, '1,a,1\n2,b\n');
    expectFail(r.json, 'too many filtered rows');
  });

  it('refuses a timeout outside 1..259200 seconds', async () => {
    const t = await table();
    for (const timeout of ['0', '259201']) {
      const r = await load(t, { ...CSV, timeout }, '1,a,1\n');
      expect(r.json.Status, timeout).toBe('Fail');
    }
    expectSuccess((await load(t, { ...CSV, timeout: '259200' }, '1,a,1\n')).json, 1);
    expectSuccess((await load(t, { ...CSV, timeout: '1' }, '2,b,2\n')).json, 1);
  });

  it('answers `Label Already Exists` with ExistingJobStatus RUNNING while a txn holds the label', async () => {
    const t = await table();
    const label = uniq('running');
    const h = { Authorization: ROOT_AUTH, label, db, table: t };
    const b = await send(`${emu.beHttpUrl}/api/transaction/begin`, { method: 'POST', headers: h });
    expect(JSON.parse(b.body).Status).toBe('OK');
    const r = await load(t, { ...CSV, label }, '1,a,1\n');
    expect(Object.keys(r.json)).toEqual(loadKeys({ existing: true }));
    expect(r.json).toMatchObject({
      TxnId: -1,
      Status: 'Label Already Exists',
      ExistingJobStatus: 'RUNNING',
      Message: `Label [${label}] has already been used.`,
    });
    await send(`${emu.beHttpUrl}/api/transaction/rollback`, { method: 'POST', headers: h });
  });

  it('accepts user@cluster on the BE too', async () => {
    const t = await table();
    const r = await beLoad(
      emu,
      db,
      t,
      CSV,
      '1,a,1\n',
      `Basic ${Buffer.from('root@default_cluster:').toString('base64')}`,
    );
    expectSuccess(r.json, 1);
  });
});

describe('a load in flight', () => {
  /** Starts a load straight on the BE and sends only the first part of its body. */
  function partialLoad(t: string, label: string, first: string, total: number) {
    let resolveReply!: (r: { status: number; body: string } | Error) => void;
    const reply = new Promise<{ status: number; body: string } | Error>((r) => {
      resolveReply = r;
    });
    const req = httpRequest(
      `${emu.beHttpUrl}/api/${db}/${t}/_stream_load`,
      {
        method: 'PUT',
        agent: false,
        headers: { Authorization: ROOT_AUTH, label, ...CSV, 'Content-Length': String(total) },
      },
      (res) => {
        let body = '';
        res.on('data', (d: Buffer) => {
          body += d.toString();
        });
        res.on('end', () => resolveReply({ status: res.statusCode ?? 0, body }));
      },
    );
    req.on('error', (e) => resolveReply(e));
    req.write(first);
    return { req, reply };
  }

  it('is PREPARE in get_load_state; its label is `Label Already Exists` RUNNING; then VISIBLE', async () => {
    const t = await table();
    const label = uniq('inflight');
    const a = '1,a,1\n';
    const b = '2,b,2\n';
    const { req, reply } = partialLoad(t, label, a, a.length + b.length);
    await sleep(200);
    expect((await loadState(emu, db, label)).state).toBe('PREPARE');
    const dup = await load(t, { ...CSV, label }, '3,c,3\n');
    expect(dup.json).toMatchObject({
      Status: 'Label Already Exists',
      ExistingJobStatus: 'RUNNING',
      TxnId: -1,
    });
    req.end(b);
    const r = await reply;
    if (r instanceof Error) throw r;
    expect(JSON.parse(r.body)).toMatchObject({ Status: 'Success', NumberLoadedRows: 2, Label: label });
    expect((await loadState(emu, db, label)).state).toBe('VISIBLE');
    expect(await count(conn, db, t)).toBe(2);
  });

  it('is ABORTED when the client goes away mid-body; nothing is stored and the label can be reused', async () => {
    const t = await table();
    const label = uniq('gone');
    const { req, reply } = partialLoad(t, label, '1,a,1\n2,b,', 1000);
    await sleep(200);
    req.destroy();
    await reply;
    const s = await pollUntil(
      () => loadState(emu, db, label),
      (x) => x.state === 'ABORTED',
      3000,
    );
    expect(s.state).toBe('ABORTED');
    expect(await count(conn, db, t)).toBe(0);
    expectSuccess((await load(t, { ...CSV, label }, '1,a,1\n')).json, 1);
  });
});

describe('chunked bodies (§2.3 step 5)', () => {
  it('loads a body sent with Transfer-Encoding: chunked', async () => {
    const t = await table();
    const location = `${emu.beHttpUrl}/api/${db}/${t}/_stream_load`;
    const r = await send(location, {
      method: 'PUT',
      headers: { Authorization: ROOT_AUTH, 'Transfer-Encoding': 'chunked', ...CSV },
      body: '1,a,1\n2,b,2\n',
    });
    expect(r.status).toBe(200);
    const j = JSON.parse(r.body) as Json;
    expectSuccess(j, 2);
  });
});

describe('CSV parsing (§2.4, §3.1)', () => {
  it('takes hex separators: `\\x01` columns, `0x2C` (a comma)', async () => {
    const t = await table();
    expectSuccess((await load(t, { column_separator: '\\x01' }, '1\x01a\x0110\n2\x01b\x0120\n')).json, 2);
    expectSuccess((await load(t, { column_separator: '0x2C' }, '3,c,30\n')).json, 1);
    expect(await rows(t)).toEqual([
      { id: 1, name: 'a', score: 10 },
      { id: 2, name: 'b', score: 20 },
      { id: 3, name: 'c', score: 30 },
    ]);
  });

  it('takes a multi-byte literal separator `||` and a hex row delimiter `\\x0D0A`', async () => {
    const t = await table();
    const r = await load(
      t,
      { column_separator: '||', row_delimiter: '\\x0D0A' },
      '1||a||10\r\n2||b|c||20\r\n',
    );
    expectSuccess(r.json, 2);
    expect(await rows(t)).toEqual([
      { id: 1, name: 'a', score: 10 },
      { id: 2, name: 'b|c', score: 20 },
    ]);
  });

  it('treats the two characters `\\t` literally, not as a tab', async () => {
    const t = await table();
    const ok = await load(t, { column_separator: '\\t' }, '1\\ta\\t10\n');
    expectSuccess(ok.json, 1);
    expect(await rows(t)).toEqual([{ id: 1, name: 'a', score: 10 }]);
    // Real tabs are not separators then: one field instead of three.
    const bad = await load(t, { column_separator: '\\t', max_filter_ratio: '1' }, '2\tb\t20\n');
    expect(bad.json.Status).toBe('Success');
    expect(bad.json.NumberFilteredRows).toBe(1);
    expect(bad.json.NumberLoadedRows).toBe(0);
    expect(await count(conn, db, t)).toBe(1);
  });

  it('defaults to a tab column separator and a \\n row delimiter', async () => {
    const t = await table();
    expectSuccess((await load(t, {}, '1\ta b\t10\n2\tc\t20')).json, 2);
    expect(await rows(t)).toEqual([
      { id: 1, name: 'a b', score: 10 },
      { id: 2, name: 'c', score: 20 },
    ]);
  });

  it('reads \\N as NULL and an empty field as an empty string', async () => {
    const t = await table();
    expectSuccess((await load(t, CSV, '1,\\N,\\N\n2,,5\n')).json, 2);
    expect(await rows(t)).toEqual([
      { id: 1, name: null, score: null },
      { id: 2, name: '', score: 5 },
    ]);
  });

  it('skips blank records', async () => {
    const t = await table();
    const r = await load(t, CSV, '1,a,1\n\n2,b,2\n\n');
    expectSuccess(r.json, 2);
    expect(r.json.NumberTotalRows).toBe(2);
    expect(r.json.NumberFilteredRows).toBe(0);
  });

  it('filters rows whose field count differs, with the exact error text behind ErrorURL', async () => {
    const t = await table();
    const r = await load(t, { ...CSV, max_filter_ratio: '0.5' }, '1,a,10\n2,b\n3,c,30,extra\n4,d,40\n');
    expect(Object.keys(r.json)).toEqual(loadKeys({ errorUrl: true }));
    expect(r.json).toMatchObject({
      Status: 'Success',
      NumberTotalRows: 4,
      NumberLoadedRows: 2,
      NumberFilteredRows: 2,
      NumberUnselectedRows: 0,
    });
    const log = await errorLog(r.json);
    expect(log).toContain('Value count does not match column count. Expect 3, but got 2');
    expect(log).toContain('Value count does not match column count. Expect 3, but got 4');
    expect(log).toContain('2,b');
    expect(log).toContain('3,c,30,extra');
    expect(log).not.toContain('4,d,40');
    expect(await rows(t)).toEqual([
      { id: 1, name: 'a', score: 10 },
      { id: 4, name: 'd', score: 40 },
    ]);
  });

  it('fails with `too many filtered rows` over max_filter_ratio (default 0), writes nothing, ErrorURL names the rows', async () => {
    const t = await table();
    const a = await load(t, CSV, '1,a,1\n2,b\n3,c,3\n');
    expectFail(a.json, 'too many filtered rows');
    expect(Object.keys(a.json)).toEqual(loadKeys({ errorUrl: true }));
    expect(a.json).toMatchObject({ NumberTotalRows: 3, NumberFilteredRows: 1, NumberLoadedRows: 2 });
    expect(await errorLog(a.json)).toContain('2,b');
    const b = await load(t, { ...CSV, max_filter_ratio: '0.2' }, '1,a,1\n2,b\n3,c,3\n4,d,4\n');
    expectFail(b.json, 'too many filtered rows');
    expect(await count(conn, db, t)).toBe(0);
    const c = await load(t, { ...CSV, max_filter_ratio: '0.25' }, '1,a,1\n2,b\n3,c,3\n4,d,4\n');
    expectSuccess(c.json, 3);
  });

  it('computes the ratio over selected rows only (filtered / (total − unselected))', async () => {
    const t = await table();
    // 4 rows: 2 unselected by where, 1 filtered → 1/2 = 0.5 > 0.4 (1/4 would pass).
    const body = '1,a,1\n2,b,100\n3,c,200\n4,d\n';
    const r = await load(t, { ...CSV, where: 'score < 50', max_filter_ratio: '0.4' }, body);
    expectFail(r.json, 'too many filtered rows');
    const ok = await load(t, { ...CSV, where: 'score < 50', max_filter_ratio: '0.5' }, body);
    expect(ok.json).toMatchObject({
      Status: 'Success',
      NumberTotalRows: 4,
      NumberLoadedRows: 1,
      NumberFilteredRows: 1,
      NumberUnselectedRows: 2,
    });
  });

  it('counts every field-count mismatch but logs at most 50 of them', async () => {
    const t = await table();
    const body = `${'9,z\n'.repeat(60)}1,a,1\n`;
    const r = await load(t, { ...CSV, max_filter_ratio: '1' }, body);
    expect(r.json).toMatchObject({ Status: 'Success', NumberLoadedRows: 1, NumberFilteredRows: 60 });
    const log = await errorLog(r.json);
    const n = log.split('Value count does not match column count').length - 1;
    expect(n).toBeGreaterThan(0);
    expect(n).toBeLessThanOrEqual(50);
  });

  it('filters invalid UTF-8 rows', async () => {
    const t = await table();
    const body = Buffer.concat([Buffer.from('1,a,1\n2,'), Buffer.from([0xff, 0xfe]), Buffer.from(',2\n')]);
    const r = await load(t, { ...CSV, max_filter_ratio: '1' }, body);
    expect(r.json).toMatchObject({ Status: 'Success', NumberLoadedRows: 1, NumberFilteredRows: 1 });
    expect(await errorLog(r.json)).toContain('Invalid UTF-8 row');
  });

  it('handles enclose (separators inside, doubled enclose) and skip_header', async () => {
    const t = await table();
    const r = await load(
      t,
      { ...CSV, enclose: '"', skip_header: '1' },
      'id,name,score\n1,"a,b",1\n2,"say ""hi""",2\n',
    );
    expectSuccess(r.json, 2);
    expect(await rows(t)).toEqual([
      { id: 1, name: 'a,b', score: 1 },
      { id: 2, name: 'say "hi"', score: 2 },
    ]);
  });

  it('keeps separators and row delimiters inside enclosed fields', async () => {
    const t = await table();
    const r = await load(t, { ...CSV, enclose: "'" }, "1,'two\nlines, and a comma',1\n2,b,2\n");
    expectSuccess(r.json, 2);
    expect((await rows(t))[0]).toEqual({ id: 1, name: 'two\nlines, and a comma', score: 1 });
  });

  it('takes the byte after `escape` literally', async () => {
    const t = await table();
    const r = await load(t, { ...CSV, escape: '\\' }, '1,a\\,b,1\n');
    expectSuccess(r.json, 1);
    expect(await rows(t)).toEqual([{ id: 1, name: 'a,b', score: 1 }]);
  });

  it('trims spaces around separators with trim_space=true, but not inside enclosed fields', async () => {
    const t = await table();
    const r = await load(t, { ...CSV, trim_space: 'true', enclose: '"' }, '  1 ,  x y  , 5 \n2,"  z  ",6\n');
    expectSuccess(r.json, 2);
    expect(await rows(t)).toEqual([
      { id: 1, name: 'x y', score: 5 },
      { id: 2, name: '  z  ', score: 6 },
    ]);
  });

  it('matches `columns` names to table columns case-insensitively', async () => {
    const t = await table();
    expectSuccess((await load(t, { ...CSV, columns: 'SCORE, Id, NAME' }, '7,1,a\n')).json, 1);
    expect(await rows(t)).toEqual([{ id: 1, name: 'a', score: 7 }]);
  });

  it('converts out-of-range and invalid values to NULL (non-strict) or filters them (strict)', async () => {
    const t = await table('id INT, ti TINYINT, d DATE, b BOOLEAN');
    const body = '1,200,2024-13-01,true\n2,-5,2024-02-29,false\n';
    const a = await load(t, CSV, body);
    expectSuccess(a.json, 2);
    expect(await rows(t)).toEqual([
      { id: 1, ti: null, d: null, b: 1 },
      { id: 2, ti: -5, d: expect.any(Date), b: 0 },
    ]);
    const s = await load(t, { ...CSV, strict_mode: 'true', max_filter_ratio: '1' }, body);
    expect(s.json).toMatchObject({ NumberLoadedRows: 1, NumberFilteredRows: 1 });
  });

  it('loads a gzip-compressed CSV body with format: gzip', async () => {
    const t = await table();
    const r = await load(t, { ...CSV, format: 'gzip' }, gzipSync('1,a,1\n2,b,2\n'));
    expectSuccess(r.json, 2);
    expect(await count(conn, db, t)).toBe(2);
  });
});

describe('columns, where, strict mode (§3.3)', () => {
  it('reorders with `columns`', async () => {
    const t = await table();
    expectSuccess((await load(t, { ...CSV, columns: 'score, id, name' }, '10,1,a\n')).json, 1);
    expect(await rows(t)).toEqual([{ id: 1, name: 'a', score: 10 }]);
  });

  it('uses temporary source columns in derived expressions', async () => {
    const t = await table();
    const r = await load(t, { ...CSV, columns: 'id, name, tmp, score = tmp * 100' }, '1,a,3\n2,b,4\n');
    expectSuccess(r.json, 2);
    expect(await rows(t)).toEqual([
      { id: 1, name: 'a', score: 300 },
      { id: 2, name: 'b', score: 400 },
    ]);
  });

  it('fills unmapped columns with their DEFAULT or NULL', async () => {
    const t = await table('id INT, name VARCHAR(32) DEFAULT "dflt", score INT');
    expectSuccess((await load(t, { ...CSV, columns: 'id' }, '1\n')).json, 1);
    expect(await rows(t)).toEqual([{ id: 1, name: 'dflt', score: null }]);
  });

  it('counts rows dropped by `where` as unselected, not filtered', async () => {
    const t = await table();
    const r = await load(t, { ...CSV, where: 'score > 15' }, '1,a,10\n2,b,20\n3,c,30\n');
    expect(r.json).toMatchObject({
      Status: 'Success',
      NumberTotalRows: 3,
      NumberLoadedRows: 2,
      NumberFilteredRows: 0,
      NumberUnselectedRows: 1,
    });
    expect((await rows(t)).map((x) => x.id)).toEqual([2, 3]);
  });

  it('non-strict mode turns a bad value into NULL; strict mode filters the row; a real NULL stays NULL in both', async () => {
    const t = await table();
    const a = await load(t, CSV, '1,a,abc\n2,b,\\N\n');
    expectSuccess(a.json, 2);
    expect(a.json.NumberFilteredRows).toBe(0);
    const b = await load(
      t,
      { ...CSV, strict_mode: 'true', max_filter_ratio: '1' },
      '3,c,abc\n4,d,\\N\n5,e,5\n',
    );
    expect(b.json).toMatchObject({ Status: 'Success', NumberLoadedRows: 2, NumberFilteredRows: 1 });
    const c = await load(t, { ...CSV, strict_mode: 'true' }, '6,f,xyz\n');
    expectFail(c.json, 'too many filtered rows');
    expect(await rows(t)).toEqual([
      { id: 1, name: 'a', score: null },
      { id: 2, name: 'b', score: null },
      { id: 4, name: 'd', score: null },
      { id: 5, name: 'e', score: 5 },
    ]);
  });

  it('non-strict mode turns an empty field of an INT column into NULL, strict mode filters it', async () => {
    const t = await table();
    expectSuccess((await load(t, CSV, '1,a,\n')).json, 1);
    const s = await load(t, { ...CSV, strict_mode: 'true', max_filter_ratio: '1' }, '2,b,\n');
    expect(s.json).toMatchObject({ NumberLoadedRows: 0, NumberFilteredRows: 1 });
    expect(await rows(t)).toEqual([{ id: 1, name: 'a', score: null }]);
  });

  it('filters a row whose NOT NULL column would be NULL (bad value or \\N), in either mode', async () => {
    const t = await table('id INT, v INT NOT NULL');
    const r = await load(t, { ...CSV, max_filter_ratio: '1' }, '1,abc\n2,\\N\n3,3\n');
    expect(r.json).toMatchObject({ Status: 'Success', NumberLoadedRows: 1, NumberFilteredRows: 2 });
    expect(await rows(t)).toEqual([{ id: 3, v: 3 }]);
  });
});

describe('JSON (§3.2)', () => {
  const J = { format: 'json' };

  it('loads a stream of objects (concatenated or NDJSON); unknown keys are ignored, missing keys are NULL', async () => {
    const t = await table();
    const a = await load(t, J, '{"id":1,"name":"a","score":1} {"id":2,"name":"b","score":2,"extra":true}');
    expectSuccess(a.json, 2);
    const b = await load(t, J, '{"id":3,"name":"c","score":3}\n{"id":4}\n');
    expectSuccess(b.json, 2);
    expect(await rows(t)).toEqual([
      { id: 1, name: 'a', score: 1 },
      { id: 2, name: 'b', score: 2 },
      { id: 3, name: 'c', score: 3 },
      { id: 4, name: null, score: null },
    ]);
  });

  it('matches keys to columns case-sensitively', async () => {
    const t = await table();
    expectSuccess((await load(t, J, '{"id":1,"NAME":"x","Score":3}')).json, 1);
    expect(await rows(t)).toEqual([{ id: 1, name: null, score: null }]);
  });

  it('takes the first of duplicate keys', async () => {
    const t = await table();
    expectSuccess((await load(t, J, '{"id":1,"name":"a","name":"b"}')).json, 1);
    expect(await rows(t)).toEqual([{ id: 1, name: 'a', score: null }]);
  });

  it('rejects a top-level array without strip_outer_array', async () => {
    const t = await table();
    const r = await load(t, J, '[{"id":1},{"id":2}]');
    expect(r.json.Status).toBe('Fail');
    expect(String(r.json.Message)).toContain(
      'The value is array type in json document stream, you can set strip_outer_array=true to parse each element of the array as individual rows',
    );
    expect(await count(conn, db, t)).toBe(0);
  });

  it('strip_outer_array=true (any case) loads each element; any other value means false', async () => {
    const t = await table();
    const arr = '[{"id":1,"name":"a","score":1},{"id":2,"name":"b","score":2}]';
    expectSuccess((await load(t, { ...J, strip_outer_array: 'true' }, arr)).json, 2);
    expectSuccess((await load(t, { ...J, strip_outer_array: 'TRUE' }, arr)).json, 2);
    expect((await load(t, { ...J, strip_outer_array: 'yes' }, arr)).json.Status).toBe('Fail');
    expect(await count(conn, db, t)).toBe(4);
  });

  it('strip_outer_array=true with an object is an error', async () => {
    const t = await table();
    const r = await load(t, { ...J, strip_outer_array: 'true' }, '{"id":1}');
    expect(r.json.Status).toBe('Fail');
    expect(String(r.json.Message)).toContain('the value should be array type with strip_outer_array=true');
  });

  it('rejects a body that does not start with { or [', async () => {
    const t = await table();
    const r = await load(t, J, 'abc');
    expect(r.json.Status).toBe('Fail');
    expect(String(r.json.Message)).toContain('illegal json started with a');
  });

  it('maps jsonpaths to the columns in order; a path that does not match gives NULL', async () => {
    const t = await table();
    const r = await load(
      t,
      { ...J, jsonpaths: '["$.k","$.n.first","$.missing"]', columns: 'id, name, score' },
      '{"k":5,"n":{"first":"x"},"score":9}',
    );
    expectSuccess(r.json, 1);
    expect(await rows(t)).toEqual([{ id: 5, name: 'x', score: null }]);
  });

  it('loads the whole object into a JSON column with the path "$"', async () => {
    const t = await table('id INT, doc JSON');
    const r = await load(
      t,
      { ...J, jsonpaths: '["$.id","$"]', columns: 'id, doc' },
      '{"id":3,"x":[1,{"y":null}]}',
    );
    expectSuccess(r.json, 1);
    const [row] = await q(conn, `SELECT id, doc FROM ${db}.${t}`);
    expect(row!.id).toBe(3);
    const doc = typeof row!.doc === 'string' ? JSON.parse(row!.doc) : row!.doc;
    expect(doc).toEqual({ id: 3, x: [1, { y: null }] });
  });

  it('rejects jsonpaths with a non-string element', async () => {
    const t = await table();
    const r = await load(t, { ...J, jsonpaths: '["$.id", 1]' }, '{"id":1}');
    expect(r.json.Status).toBe('Fail');
    expect(String(r.json.Message)).toContain('Invalid json path');
  });

  it('rejects jsonpaths that are not an array of strings', async () => {
    const t = await table();
    const r = await load(t, { ...J, jsonpaths: '{"a":1}' }, '{"id":1}');
    expect(r.json.Status).toBe('Fail');
    expect(String(r.json.Message)).toContain('Invalid json path');
  });

  it('selects the root with json_root (object → one row; array + strip_outer_array → one row per element)', async () => {
    const t = await table();
    const a = await load(t, { ...J, json_root: '$.data' }, '{"meta":1,"data":{"id":1,"name":"a","score":1}}');
    expectSuccess(a.json, 1);
    const b = await load(
      t,
      { ...J, json_root: '$.data', strip_outer_array: 'true' },
      '{"data":[{"id":2,"name":"b","score":2},{"id":3,"name":"c","score":3}]}',
    );
    expectSuccess(b.json, 2);
    expect((await rows(t)).map((x) => x.id)).toEqual([1, 2, 3]);
  });

  it('applies columns, derived expressions and where to JSON rows', async () => {
    const t = await table();
    const r = await load(
      t,
      { ...J, columns: 'id, name, tmp, score = tmp * 100', where: 'id > 1', strip_outer_array: 'true' },
      '[{"id":1,"name":"a","tmp":1},{"id":2,"name":"b","tmp":2}]',
    );
    expect(r.json).toMatchObject({ Status: 'Success', NumberLoadedRows: 1, NumberUnselectedRows: 1 });
    expect(await rows(t)).toEqual([{ id: 2, name: 'b', score: 200 }]);
  });

  it('a structural JSON error fails the whole load and writes nothing', async () => {
    const t = await table();
    const r = await load(t, { ...J, max_filter_ratio: '1' }, '{"id":1}\n{"id":2,\n');
    expect(r.json.Status).toBe('Fail');
    expect(await count(conn, db, t)).toBe(0);
  });
});

describe('size limits (§2.3 steps 5 and 7)', () => {
  let small: Emulator;
  let jsonCap: Emulator;
  let sconn: Conn;
  let jconn: Conn;

  beforeAll(async () => {
    small = await startEmulator({ streamingLoadMaxMb: 1, onError: () => {} });
    jsonCap = await startEmulator({ streamingLoadMaxBatchSizeMb: 1, onError: () => {} });
    sconn = await openMysql(small);
    jconn = await openMysql(jsonCap);
    for (const c of [sconn, jconn]) {
      await c.query('CREATE DATABASE lim');
      await c.query(
        `CREATE TABLE lim.t (id INT, name VARCHAR(1000)) DUPLICATE KEY(id) DISTRIBUTED BY HASH(id) ${ONE_BUCKET}`,
      );
    }
  });

  afterAll(async () => {
    await sconn?.end();
    await jconn?.end();
    await small?.close();
    await jsonCap?.close();
  });

  it('refuses a Content-Length over streaming_load_max_mb before reading the body (no 100 Continue)', async () => {
    const n = 1024 * 1024 + 1;
    const r = await rawExchange(
      small.beHttpPort,
      `PUT /api/lim/t/_stream_load HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: ${ROOT_AUTH}\r\n` +
        `Expect: 100-continue\r\nlabel: big1\r\nContent-Length: ${n}\r\n\r\n`,
    );
    expect(r.interim).toEqual([]);
    expect(r.statusLine).toMatch(/^HTTP\/1\.1 200 /);
    const j = JSON.parse(r.body) as Json;
    expect(Object.keys(j)).toEqual(loadKeys());
    expect(j.Status).toBe('Fail');
    expect(String(j.Message)).toMatch(
      new RegExp(
        `^body size ${n} exceed limit: 1048576, .*You can increase the limit by setting streaming_load_max_mb in be\\.conf\\.$`,
      ),
    );
    expect(await count(sconn, 'lim', 't')).toBe(0);
  });

  it('accepts a body of exactly streaming_load_max_mb', async () => {
    const line = `1,${'x'.repeat(998)}\n`; // 1001 bytes
    let body = line.repeat(Math.floor((1024 * 1024) / line.length));
    body += `2,${'y'.repeat(1024 * 1024 - body.length - 3)}\n`;
    expect(body.length).toBe(1024 * 1024);
    const r = await streamLoad(small, 'lim', 't', CSV, body);
    expect(r.json.Status, r.body).toBe('Success');
  });

  it('refuses JSON over streaming_load_max_batch_size_mb unless ignore_json_size is true', async () => {
    const row = `{"id":1,"name":"${'z'.repeat(900)}"}\n`;
    const body = row.repeat(Math.ceil((1024 * 1024 + 10) / row.length));
    const n = Buffer.byteLength(body);
    const a = await beLoad(jsonCap, 'lim', 't', { format: 'json' }, body);
    expect(Object.keys(a.json)).toEqual(loadKeys());
    expect(a.json.Status).toBe('Fail');
    expect(a.json.Message).toBe(
      `The size of this batch exceed the max size [1048576]  of json type data  data [ ${n} ]. Set ignore_json_size to skip the check, although it may lead huge memory consuming.`,
    );
    expect(await count(jconn, 'lim', 't')).toBe(0);
    const b = await beLoad(jsonCap, 'lim', 't', { format: 'json', ignore_json_size: 'TRUE' }, body);
    expect(b.json.Status, b.body).toBe('Success');
    expect(b.json.NumberLoadedRows).toBe(Math.ceil((1024 * 1024 + 10) / row.length));
    // CSV is not subject to the JSON cap.
    const csv = `1,${'c'.repeat(900)}\n`.repeat(1200);
    const c = await beLoad(jsonCap, 'lim', 't', CSV, csv);
    expect(c.json.Status, c.body).toBe('Success');
  });
});
