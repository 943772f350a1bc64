/** Connecting: URL and credentials, authentication failures, closing. */
import { AuthError, ClosedError } from '@srconnect/stream-load-sdk';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCatalog, createMysqlExecutor } from '../../src/index.js';
import { onEmulator, startTarget, type Target } from './helpers.js';

const PASSWORD = 'p@ss:wörd-secret';
let target: Target;

beforeAll(async () => {
  target = await startTarget({ users: { root: '', app: PASSWORD } });
});

afterAll(async () => {
  await target?.close();
});

describe.skipIf(!onEmulator)('credentials (emulator users)', () => {
  it('connects with host/port/user/password and with a percent-encoded url', async () => {
    const emu = target.emulator!;
    const a = createCatalog({ host: emu.host, port: emu.queryPort, user: 'app', password: PASSWORD });
    expect(await a.getVersion()).toMatch(/^\d/);
    await a.close();
    const b = createCatalog({
      url: `mysql://app:${encodeURIComponent(PASSWORD)}@${emu.host}:${emu.queryPort}`,
    });
    expect(await b.listDatabases()).toContain('information_schema');
    await b.close();
  });

  it('a wrong password is an AuthError whose message holds no password', async () => {
    const emu = target.emulator!;
    const wrong = `${PASSWORD}-wrong`;
    const c = createCatalog({ host: emu.host, port: emu.queryPort, user: 'app', password: wrong });
    const e = await c.getVersion().catch((err: unknown) => err);
    await c.close();
    expect(e).toBeInstanceOf(AuthError);
    expect((e as AuthError).code).toBe('SR_AUTH');
    expect((e as Error).message).toMatch(/refused the credentials of user "app"/);
    expect((e as Error).message).not.toContain(wrong);
    expect(JSON.stringify(e)).not.toContain(wrong);
  });
});

describe('executor', () => {
  it('runs statements with placeholders and returns rows; DDL returns []', async () => {
    const exec = createMysqlExecutor({ url: target.url });
    const rows = await exec.query(
      'SELECT SCHEMA_NAME AS s FROM information_schema.schemata WHERE SCHEMA_NAME = ?',
      ['information_schema'],
    );
    expect(rows).toEqual([{ s: 'information_schema' }]);
    const d = target.database('exec');
    expect(await exec.query(`CREATE DATABASE ${d}`)).toEqual([]);
    expect(await exec.query(`DROP DATABASE ${d}`)).toEqual([]);
    await exec.close();
  });

  it('refuses multiple statements in one call', async () => {
    const exec = createMysqlExecutor({ url: target.url });
    await expect(exec.query('SELECT 1; SELECT 2')).rejects.toMatchObject({ code: 'SR_SQL' });
    await exec.close();
  });

  it('close() ends the pool; later calls are ClosedError; await using works', async () => {
    const c = createCatalog({
      url: target.url,
      pool: { connectionLimit: 2, maxIdle: 1, idleTimeoutMs: 1000 },
    });
    await Promise.all([c.getVersion(), c.listDatabases(), c.getVersion()]);
    await c.close();
    await expect(c.getVersion()).rejects.toBeInstanceOf(ClosedError);
    {
      await using d = createCatalog({ url: target.url });
      expect(await d.getVersion()).toMatch(/^\d/);
    }
  });
});
