import { createServer, type Server, type Socket } from 'node:net';
import { AbortedError, AuthError, ClosedError, NetworkError, TimeoutError } from '@srconnect/stream-load-sdk';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createMysqlExecutor, SqlError } from '../../src/index.js';
import { redact, translateDriverError } from '../../src/sql-executor.js';

const o = {
  host: '127.0.0.1',
  port: 9030,
  user: 'root',
  password: 'topsecret',
  tls: false as const,
  pool: { connectionLimit: 1, maxIdle: 1, idleTimeoutMs: 60_000 },
  connectTimeoutMs: 1000,
  queryTimeoutMs: 1000,
};

const driverError = (fields: Record<string, unknown>) =>
  Object.assign(new Error(String(fields.message ?? 'x')), fields);

describe('translateDriverError', () => {
  it('maps mysql2 errors to the package errors', () => {
    const server = translateDriverError(
      driverError({
        message: 'Unknown table',
        errno: 1051,
        sqlState: '42S02',
        sqlMessage: "Unknown table 'd.t'",
      }),
      'DROP TABLE `d`.`t`',
      o,
    );
    expect(server).toBeInstanceOf(SqlError);
    expect(server).toMatchObject({
      code: 'SR_SQL',
      errno: 1051,
      sqlState: '42S02',
      serverMessage: "Unknown table 'd.t'",
    });
    expect(server.message).toBe(
      "StarRocks refused the statement: Unknown table 'd.t' [errno 1051, sqlState 42S02]\n  statement: DROP TABLE `d`.`t`",
    );
    expect(translateDriverError(driverError({ code: 'ECONNREFUSED' }), 's', o)).toBeInstanceOf(NetworkError);
    expect(
      translateDriverError(driverError({ code: 'PROTOCOL_CONNECTION_LOST', fatal: true }), 's', o),
    ).toBeInstanceOf(NetworkError);
    const timeout = translateDriverError(driverError({ code: 'ETIMEDOUT' }), 's', o);
    expect(timeout).toBeInstanceOf(TimeoutError);
    expect(timeout.message).toBe('Connecting to mysql://127.0.0.1:9030 timed out after 1000 ms');
    const auth = translateDriverError(
      driverError({ code: 'ER_ACCESS_DENIED_ERROR', errno: 1045, sqlMessage: 'Access denied for user root' }),
      's',
      o,
    );
    expect(auth).toBeInstanceOf(AuthError);
    expect(auth.retriable).toBe(false);
    expect(translateDriverError(new Error('Pool is closed.'), 's', o)).toBeInstanceOf(ClosedError);
    expect(translateDriverError(driverError({ code: 'ECONNRESET' }), 's', o).retriable).toBe(true);
  });

  it('never carries the password, in messages or statements', () => {
    const e = translateDriverError(
      driverError({ errno: 1064, sqlMessage: 'near topsecret' }),
      "SELECT 'topsecret'",
      o,
    ) as SqlError;
    expect(e.message).not.toContain('topsecret');
    expect(e.serverMessage).not.toContain('topsecret');
    expect(redact('a topsecret b', 'topsecret')).toBe('a *** b');
    expect(redact('abc', 'ab')).toBe('abc'); // too short to redact safely
  });
});

describe('createMysqlExecutor against misbehaving servers', () => {
  let silent: Server;
  let silentPort: number;
  const sockets = new Set<Socket>();

  beforeAll(async () => {
    // accepts connections and never says anything (no handshake)
    silent = createServer((s) => {
      sockets.add(s);
      s.on('close', () => sockets.delete(s));
    });
    await new Promise<void>((r) => silent.listen(0, '127.0.0.1', r));
    silentPort = (silent.address() as { port: number }).port;
  });

  afterAll(async () => {
    for (const s of sockets) s.destroy();
    await new Promise<void>((r) => silent.close(() => r()));
  });

  async function closedPort(): Promise<number> {
    const s = createServer();
    await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
    const port = (s.address() as { port: number }).port;
    await new Promise<void>((r) => s.close(() => r()));
    return port;
  }

  it('connection refused → NetworkError (retriable) naming the endpoint, not the password', async () => {
    const exec = createMysqlExecutor({ port: await closedPort(), password: 'topsecret' });
    const err = await exec.query('SELECT 1').catch((e: unknown) => e);
    await exec.close();
    expect(err).toBeInstanceOf(NetworkError);
    expect((err as NetworkError).retriable).toBe(true);
    expect((err as Error).message).toMatch(/^Connection to mysql:\/\/127.0.0.1:\d+ failed/);
    expect((err as Error).message).not.toContain('topsecret');
  });

  it('a server that never greets → TimeoutError after connectTimeoutMs', async () => {
    const exec = createMysqlExecutor({ port: silentPort, connectTimeoutMs: 150, queryTimeoutMs: 5000 });
    const started = Date.now();
    const err = await exec.query('SELECT 1').catch((e: unknown) => e);
    await exec.close();
    expect(err).toBeInstanceOf(TimeoutError);
    expect(Date.now() - started).toBeLessThan(3000);
  });

  it('the statement bound holds even when the connection hangs (per call timeoutMs)', async () => {
    const exec = createMysqlExecutor({ port: silentPort, connectTimeoutMs: 400 });
    const started = Date.now();
    const err = await exec.query('SELECT 1', undefined, { timeoutMs: 100 }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(TimeoutError);
    expect((err as Error).message).toBe('The statement did not finish within 100 ms: SELECT 1');
    expect(Date.now() - started).toBeLessThan(2000);
    await exec.close();
  });

  it('an AbortSignal stops a waiting call', async () => {
    const exec = createMysqlExecutor({ port: silentPort, connectTimeoutMs: 400 });
    const ac = new AbortController();
    const p = exec.query('SELECT 1', undefined, { signal: ac.signal });
    setTimeout(() => ac.abort(), 50);
    await expect(p).rejects.toBeInstanceOf(AbortedError);
    await expect(exec.query('SELECT 1', undefined, { signal: ac.signal })).rejects.toBeInstanceOf(
      AbortedError,
    );
    await exec.close();
  });

  it('after close() every call is a ClosedError', async () => {
    const exec = createMysqlExecutor({ port: silentPort });
    await exec.close();
    await exec.close();
    await expect(exec.query('SELECT 1')).rejects.toBeInstanceOf(ClosedError);
  });
});
