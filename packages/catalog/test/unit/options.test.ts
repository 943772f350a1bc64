import { InvalidOptionError } from '@srconnect/stream-load-sdk';
import { describe, expect, it } from 'vitest';
import {
  CatalogOptionsSchema,
  createCatalog,
  resolveCatalogOptions,
  type SqlExecutor,
} from '../../src/index.js';

function optionError(fn: () => unknown): InvalidOptionError {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(InvalidOptionError);
    return err as InvalidOptionError;
  }
  throw new Error('expected an InvalidOptionError');
}

const executor: SqlExecutor = { query: async () => [], close: async () => undefined };

describe('catalog options', () => {
  it('every key has a default and a description', () => {
    const defaults = resolveCatalogOptions({});
    expect(defaults).toMatchObject({
      url: null,
      host: '127.0.0.1',
      port: 9030,
      user: 'root',
      password: '',
      tls: false,
      pool: { connectionLimit: 4, maxIdle: 4, idleTimeoutMs: 60_000 },
      connectTimeoutMs: 10_000,
      queryTimeoutMs: 60_000,
      alter: { timeoutMs: 1_800_000, pollIntervalMs: 100, maxPollIntervalMs: 5000 },
      table: { buckets: null, properties: {} },
      executor: null,
    });
    for (const [key, schema] of Object.entries(CatalogOptionsSchema.shape)) {
      expect(schema.description, key).toBeTruthy();
    }
  });

  it('folds a mysql:// url into host, port, user and password (percent-decoded)', () => {
    expect(resolveCatalogOptions({ url: 'mysql://bob:p%40ss%3Aw@fe.example:9031' })).toMatchObject({
      host: 'fe.example',
      port: 9031,
      user: 'bob',
      password: 'p@ss:w',
    });
    expect(resolveCatalogOptions({ url: 'mysql://root@127.0.0.1:1234' })).toMatchObject({
      host: '127.0.0.1',
      port: 1234,
      user: 'root',
      password: '',
    });
    expect(resolveCatalogOptions({ url: 'mysql://[::1]' })).toMatchObject({
      host: '::1',
      port: 9030,
      user: 'root',
    });
  });

  it('refuses a bad url without echoing it (it may hold a password)', () => {
    const secret = 'hunter2-secret';
    for (const url of [`http://u:${secret}@h:1`, `not a url ${secret}`, `mysql://u:${secret}@h:1?ssl=1`]) {
      const e = optionError(() => resolveCatalogOptions({ url }));
      expect(e.message).toMatch(/^Invalid options:\nurl: /);
      expect(e.message).not.toContain(secret);
    }
    const e = optionError(() => resolveCatalogOptions({ url: 'mysql://h', host: 'x', password: 'p' }));
    expect(e.message).toBe('Invalid options:\nhost, password: not allowed together with url');
  });

  it('turns zod issues into one InvalidOptionError whose lines name the option path', () => {
    const e = optionError(() =>
      resolveCatalogOptions({
        port: 70_000,
        pool: { connectionLimit: 0 },
        alter: { timeoutMs: -1 },
        tls: { ca: 5 as unknown as string },
        bogus: true,
      } as never),
    );
    const lines = e.message.split('\n');
    expect(lines[0]).toBe('Invalid options:');
    expect(lines.some((l) => l.startsWith('port: '))).toBe(true);
    expect(lines.some((l) => l.startsWith('pool.connectionLimit: '))).toBe(true);
    expect(lines.some((l) => l.startsWith('alter.timeoutMs: '))).toBe(true);
    expect(lines.some((l) => l.startsWith('tls'))).toBe(true);
    expect(lines).toContain('Unrecognized key: "bogus"');
    expect(e.code).toBe('SR_INVALID_OPTION');
  });

  it('never puts the password into a message', () => {
    const e = optionError(() => resolveCatalogOptions({ password: 12345 as unknown as string }));
    expect(e.message).not.toContain('12345');
  });

  it('cross-field rules', () => {
    expect(
      optionError(() =>
        resolveCatalogOptions({ alter: { pollIntervalMs: 500, maxPollIntervalMs: 100 } as never }),
      ).message,
    ).toMatch(/alter.maxPollIntervalMs: must be at least alter.pollIntervalMs/);
    expect(optionError(() => resolveCatalogOptions({ executor, host: 'x' })).message).toMatch(
      /host: not allowed together with executor/,
    );
    expect(optionError(() => resolveCatalogOptions({ executor: {} as SqlExecutor })).message).toMatch(
      /executor: expected an object with query\(\) and close\(\)/,
    );
  });

  it('createCatalog validates at once and connects lazily', async () => {
    expect(() => createCatalog({ port: 0 })).toThrow(InvalidOptionError);
    const c = createCatalog({ port: 1 });
    await c.close();
  });
});
