/** Spec §1: Basic auth on the FE (401 + RestBaseResult) and on the BE (Fail loads, HTTP 200). */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Emulator, startEmulator } from '../../src/index.js';
import {
  basic,
  beLoad,
  type Conn,
  count,
  createDb,
  loadKeys,
  mysqlError,
  ONE_BUCKET,
  openMysql,
  parseJson,
  send,
  streamLoad,
  uniq,
} from './helpers.js';

let emu: Emulator;
let conn: Conn;
let db: string;

beforeAll(async () => {
  emu = await startEmulator({ users: { root: '', alice: 'secret', carol: 'a:b:c' }, onError: () => {} });
  conn = await openMysql(emu);
  db = await createDb(conn, 'auth');
  await conn.query(
    `CREATE TABLE ${db}.t (id INT, name VARCHAR(32)) DUPLICATE KEY(id) DISTRIBUTED BY HASH(id) ${ONE_BUCKET}`,
  );
});

afterAll(async () => {
  await conn?.end();
  await emu?.close();
});

function feLoad(headers: Record<string, string>) {
  return send(`${emu.feHttpUrl}/api/${db}/t/_stream_load`, {
    method: 'PUT',
    headers: { Expect: '100-continue', column_separator: ',', ...headers },
    body: '1,a\n',
  });
}

function expect401(r: { status: number; headers: Record<string, unknown>; body: string }, msg: string) {
  expect(r.status).toBe(401);
  expect(r.headers['www-authenticate']).toBe('Basic realm=""');
  const j = parseJson(r.body);
  expect(j).toEqual({ status: 'FAILED', code: '1', msg, message: msg });
}

describe('FE Basic auth (§1.1, §1.3)', () => {
  it('answers 401 with WWW-Authenticate and the RestBaseResult envelope when Authorization is missing', async () => {
    expect401(await feLoad({}), 'Need auth information.');
  });

  it('treats an unparsable Authorization (one part, no colon, empty) as missing auth', async () => {
    expect401(await feLoad({ Authorization: 'Basic' }), 'Need auth information.');
    expect401(
      await feLoad({ Authorization: `Basic ${Buffer.from('rootnocolon').toString('base64')}` }),
      'Need auth information.',
    );
    expect401(await feLoad({ Authorization: 'Basic ' }), 'Need auth information.');
  });

  it('answers 401 "Access denied for <user>@<ip>" for a wrong password and for an unknown user', async () => {
    expect401(await feLoad({ Authorization: basic('alice', 'wrong') }), 'Access denied for alice@127.0.0.1');
    expect401(await feLoad({ Authorization: basic('mallory', 'x') }), 'Access denied for mallory@127.0.0.1');
  });

  it('accepts configured users, including a password that contains colons (split at the first `:`)', async () => {
    for (const auth of [basic('root', ''), basic('alice', 'secret'), basic('carol', 'a:b:c')]) {
      const r = await feLoad({ Authorization: auth });
      expect(r.status, r.body).toBe(307);
    }
    // "a" with password "b:c" is not carol.
    expect401(await feLoad({ Authorization: basic('carol', 'a') }), 'Access denied for carol@127.0.0.1');
  });

  it('keeps only the part before a single `@` of the user name (user@cluster)', async () => {
    const r = await feLoad({ Authorization: basic('alice@default_cluster', 'secret') });
    expect(r.status, r.body).toBe(307);
  });

  it('protects get_load_state and the transaction API too', async () => {
    const s = await send(`${emu.feHttpUrl}/api/${db}/get_load_state?label=x`);
    expect401(s, 'Need auth information.');
    const b = await send(`${emu.feHttpUrl}/api/transaction/begin`, {
      method: 'POST',
      headers: { label: uniq('l'), db, table: 't', Authorization: basic('alice', 'nope') },
    });
    expect401(b, 'Access denied for alice@127.0.0.1');
  });
});

describe('BE Basic auth (§1.1)', () => {
  it('answers HTTP 200 Fail "no valid Basic authorization" when Authorization is missing', async () => {
    const r = await beLoad(emu, db, 't', { column_separator: ',' }, '1,a\n', null);
    expect(r.status).toBe(200);
    expect(Object.keys(r.json)).toEqual(loadKeys());
    expect(r.json.Status).toBe('Fail');
    expect(r.json.Message).toBe('no valid Basic authorization');
    expect(r.json.TxnId).toBe(-1);
  });

  it('requires exactly "Basic " (capital B, one space) on the BE', async () => {
    for (const auth of [
      `basic ${Buffer.from('root:').toString('base64')}`,
      `Bearer ${Buffer.from('root:').toString('base64')}`,
      `Basic ${Buffer.from('rootnocolon').toString('base64')}`,
    ]) {
      const r = await beLoad(emu, db, 't', { column_separator: ',' }, '1,a\n', auth);
      expect(r.status).toBe(200);
      expect(r.json.Status, auth).toBe('Fail');
      expect(r.json.Message).toBe('no valid Basic authorization');
    }
  });

  it('answers a Fail load (HTTP 200, access denied) for a wrong password and stores nothing', async () => {
    const before = await count(conn, db, 't');
    const r = await beLoad(emu, db, 't', { column_separator: ',' }, '1,a\n', basic('alice', 'wrong'));
    expect(r.status).toBe(200);
    expect(Object.keys(r.json)).toEqual(loadKeys());
    expect(r.json.Status).toBe('Fail');
    expect(String(r.json.Message)).toMatch(/Access denied/);
    expect(await count(conn, db, 't')).toBe(before);
  });

  it('loads for a password containing colons and for alice through the FE', async () => {
    const before = await count(conn, db, 't');
    const a = await streamLoad(emu, db, 't', { column_separator: ',' }, '1,a\n', {
      user: 'carol',
      password: 'a:b:c',
    });
    expect(a.json.Status, a.body).toBe('Success');
    const b = await streamLoad(emu, db, 't', { column_separator: ',' }, '2,b\n', {
      user: 'alice',
      password: 'secret',
    });
    expect(b.json.Status, b.body).toBe('Success');
    expect(await count(conn, db, 't')).toBe(before + 2);
  });
});

describe('MySQL login with the configured users', () => {
  it('logs alice in with her password and refuses a wrong one with 1045', async () => {
    const c = await openMysql(emu, { user: 'alice', password: 'secret' });
    await c.query('SELECT current_version()');
    await c.end();
    const e = await mysqlError(openMysql(emu, { user: 'alice', password: 'wrong' }));
    expect(e.errno).toBe(1045);
  });
});
