import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Emulator, startEmulator } from '../../src/index.js';

/** FE `POST /api/{db}/{table}/_cancel?label=` as StarRocks' CancelStreamLoadAction answers it. */
let emu: Emulator;
const auth = `Basic ${Buffer.from('root:').toString('base64')}`;

async function fe(path: string, init: RequestInit = {}) {
  const r = await fetch(`${emu.feHttpUrl}${path}`, {
    redirect: 'manual',
    ...init,
    headers: { authorization: auth, ...(init.headers ?? {}) },
  });
  return { status: r.status, location: r.headers.get('location'), body: await r.text() };
}

async function txn(op: string, label: string, body?: string) {
  const headers = { label, db: 'cx', table: 't' };
  let r = await fe(`/api/transaction/${op}`, { method: op === 'load' ? 'PUT' : 'POST', headers, body });
  if (r.status === 307) {
    const be = await fetch(r.location!, {
      method: op === 'load' ? 'PUT' : 'POST',
      headers: { authorization: auth, ...headers },
      body,
    });
    r = { status: be.status, location: null, body: await be.text() };
  }
  return JSON.parse(r.body) as Record<string, unknown>;
}

const state = async (label: string) =>
  JSON.parse((await fe(`/api/cx/get_load_state?label=${label}`)).body) as { state: string; reason?: string };

beforeAll(async () => {
  emu = await startEmulator({ onError: () => undefined });
  const mysql = await import('mysql2/promise');
  const c = await mysql.createConnection({ host: emu.host, port: emu.queryPort, user: 'root' });
  await c.query('CREATE DATABASE cx');
  await c.query('CREATE TABLE cx.t (id INT NOT NULL, v INT) PRIMARY KEY(id)');
  await c.end();
});
afterAll(() => emu.close());

describe('FE _cancel', () => {
  it('aborts a PREPARED and an open (PREPARE) transaction with reason "user cancel"', async () => {
    for (const [label, prepare] of [
      ['c_prepared', true],
      ['c_open', false],
    ] as const) {
      expect((await txn('begin', label)).Status).toBe('OK');
      expect((await txn('load', label, '1\t1\n')).Status).toBe('OK');
      if (prepare) expect((await txn('prepare', label)).Status).toBe('OK');
      const r = await fe(`/api/cx/t/_cancel?label=${label}`, { method: 'POST' });
      expect(r.status).toBe(200);
      expect(JSON.parse(r.body)).toEqual({ status: 'OK', code: '0', msg: 'Success', message: 'OK' });
      expect(await state(label)).toEqual(
        expect.objectContaining({ state: 'ABORTED', reason: 'user cancel' }),
      );
    }
  });

  it('answers the RestBaseResult errors and 401', async () => {
    expect(JSON.parse((await fe('/api/cx/t/_cancel', { method: 'POST' })).body)).toMatchObject({
      status: 'FAILED',
      msg: 'No label selected.',
    });
    expect(JSON.parse((await fe('/api/nodb/t/_cancel?label=x', { method: 'POST' })).body)).toMatchObject({
      status: 'FAILED',
      msg: 'unknown database, database=nodb',
    });
    const unauth = await fetch(`${emu.feHttpUrl}/api/cx/t/_cancel?label=x`, { method: 'POST' });
    expect(unauth.status).toBe(401);
  });
});
