/** Spec §1.2, §2.1, §2.2, §2.7, §8: the FE side of Stream Load (Expect check, 307, TLS, no body read). */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Emulator, startEmulator } from '../../src/index.js';
import {
  type Conn,
  count,
  createDb,
  ONE_BUCKET,
  openMysql,
  parseJson,
  ROOT_AUTH,
  rawExchange,
  selfSignedCert,
  send,
  streamLoad,
} from './helpers.js';

let emu: Emulator;
let tlsEmu: Emulator;
let conn: Conn;
let db: string;

beforeAll(async () => {
  emu = await startEmulator({ onError: () => {} });
  tlsEmu = await startEmulator({ tls: selfSignedCert(), onError: () => {} });
  conn = await openMysql(emu);
  db = await createDb(conn, 'fe');
  await conn.query(
    `CREATE TABLE ${db}.t (id INT, name VARCHAR(32)) DUPLICATE KEY(id) DISTRIBUTED BY HASH(id) ${ONE_BUCKET}`,
  );
});

afterAll(async () => {
  await conn?.end();
  await emu?.close();
  await tlsEmu?.close();
});

describe('FE Stream Load: Expect check (§2.2 step 2)', () => {
  it('fails an HTTP/1.1 request without `Expect: 100-continue` with HTTP 200 FAILED', async () => {
    const r = await send(`${emu.feHttpUrl}/api/${db}/t/_stream_load`, {
      method: 'PUT',
      headers: { Authorization: ROOT_AUTH, column_separator: ',' },
      body: '1,a\n',
    });
    expect(r.status).toBe(200);
    expect(r.headers.location).toBeUndefined();
    expect(r.headers.connection).toBe('close');
    expect(parseJson(r.body)).toEqual({
      Status: 'FAILED',
      Message: 'class com.starrocks.common.DdlException: There is no 100-continue header',
    });
    expect(await count(conn, db, 't')).toBe(0);
  });

  it('skips the Expect check for HTTP/1.0 and redirects', async () => {
    const r = await rawExchange(
      emu.feHttpPort,
      `PUT /api/${db}/t/_stream_load HTTP/1.0\r\nHost: 127.0.0.1\r\nAuthorization: ${ROOT_AUTH}\r\nContent-Length: 4\r\n\r\n`,
      Buffer.from('1,a\n'),
    );
    expect(r.statusLine).toMatch(/^HTTP\/1\.[01] 307 /);
    expect(r.headers.location).toBe(`${emu.beHttpUrl}/api/${db}/t/_stream_load`);
  });
});

describe('FE Stream Load: 307 (§1.2, §2.2 step 8)', () => {
  it('redirects to the BE with the same path and query string, an empty body and Connection: close', async () => {
    const path = `/api/${db}/t/_stream_load?foo=bar&x=%20y`;
    const r = await send(`${emu.feHttpUrl}${path}`, {
      method: 'PUT',
      headers: { Authorization: ROOT_AUTH, Expect: '100-continue', label: 'l1', column_separator: ',' },
      body: '1,a\n',
    });
    expect(r.status).toBe(307);
    expect(r.headers.location).toBe(`${emu.beHttpUrl}${path}`);
    expect(r.headers.location).toMatch(/^http:\/\/127\.0\.0\.1:\d+\//);
    expect(r.headers.connection).toBe('close');
    expect(r.body).toBe('');
    // No credentials travel in the Location.
    expect(r.headers.location).not.toContain('@');
  });

  it('answers the 307 without reading the body: a client waiting for 100 Continue gets the 307 first', async () => {
    const r = await rawExchange(
      emu.feHttpPort,
      `PUT /api/${db}/t/_stream_load HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: ${ROOT_AUTH}\r\n` +
        'Expect: 100-continue\r\nContent-Length: 10000000\r\n\r\n',
    );
    expect(r.interim).toEqual([]);
    expect(r.statusLine).toMatch(/^HTTP\/1\.1 307 /);
    expect(r.headers.location).toBe(`${emu.beHttpUrl}/api/${db}/t/_stream_load`);
    expect(r.headers.connection?.toLowerCase()).toBe('close');
    expect(await count(conn, db, 't')).toBe(0);
  });

  it('redirects even for a database or table that does not exist (the BE reports those)', async () => {
    const r = await send(`${emu.feHttpUrl}/api/nosuchdb/nosuchtable/_stream_load`, {
      method: 'PUT',
      headers: { Authorization: ROOT_AUTH, Expect: '100-continue' },
      body: '1\n',
    });
    expect(r.status).toBe(307);
    expect(r.headers.location).toBe(`${emu.beHttpUrl}/api/nosuchdb/nosuchtable/_stream_load`);
  });

  it('over TLS still redirects to the BE with an http:// Location (§8)', async () => {
    expect(tlsEmu.feHttpUrl).toMatch(/^https:\/\//);
    const path = '/api/somedb/sometable/_stream_load?a=1';
    const r = await send(`${tlsEmu.feHttpUrl}${path}`, {
      method: 'PUT',
      headers: { Authorization: ROOT_AUTH, Expect: '100-continue' },
      body: '1\n',
    });
    expect(r.status).toBe(307);
    expect(r.headers.location).toBe(`${tlsEmu.beHttpUrl}${path}`);
    expect(r.headers.location).toMatch(/^http:\/\//);
    expect(r.headers.connection).toBe('close');
  });

  it('over TLS, a full load (FE over https, BE over http) stores the rows', async () => {
    const c = await openMysql(tlsEmu);
    try {
      const tdb = await createDb(c, 'tls');
      await c.query(
        `CREATE TABLE ${tdb}.t (id INT, name VARCHAR(32)) DUPLICATE KEY(id) DISTRIBUTED BY HASH(id) ${ONE_BUCKET}`,
      );
      const r = await streamLoad(tlsEmu, tdb, 't', { column_separator: ',' }, '1,a\n2,b\n');
      expect(r.location.startsWith(`${tlsEmu.beHttpUrl}/`)).toBe(true);
      expect(r.json.Status, r.body).toBe('Success');
      expect(await count(c, tdb, 't')).toBe(2);
    } finally {
      await c.end();
    }
  });

  it('over TLS, the FE still answers 401 and the Expect error', async () => {
    const a = await send(`${tlsEmu.feHttpUrl}/api/x/y/_stream_load`, {
      method: 'PUT',
      headers: { Expect: '100-continue' },
      body: '1\n',
    });
    expect(a.status).toBe(401);
    const b = await send(`${tlsEmu.feHttpUrl}/api/x/y/_stream_load`, {
      method: 'PUT',
      headers: { Authorization: ROOT_AUTH },
      body: '1\n',
    });
    expect(b.status).toBe(200);
    expect(parseJson(b.body).Status).toBe('FAILED');
  });
});
