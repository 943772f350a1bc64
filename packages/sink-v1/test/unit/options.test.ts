import { describe, expect, it } from 'vitest';
import { resolveSinkOptions } from '../../src/options.js';

const connection = { feUrls: 'http://fe:8030', user: 'root' };

describe('sink-v1 options', () => {
  it('applies defaults once', () => {
    const o = resolveSinkOptions({ connection, database: 'd', table: 't' });
    expect(o).toMatchObject({
      format: 'json',
      ignoreUpdateBefore: true,
      partialUpdate: 'off',
      labelPrefix: 'srconnect',
      compression: 'none',
      timeZone: 'utc',
    });
    expect(o.connection.password).toBe('');
  });

  it('lists every problem with its option path in one error', () => {
    let err: Error | undefined;
    try {
      resolveSinkOptions({ connection: { feUrls: [], user: '' }, format: 'xml', flush: { maxRows: -1 } });
    } catch (e) {
      err = e as Error;
    }
    expect(err?.message).toMatch(/connection\.feUrls/);
    expect(err?.message).toMatch(/connection\.user/);
    expect(err?.message).toMatch(/format/);
    expect(err?.message).toMatch(/flush\.maxRows/);
    expect((err as { code?: string }).code).toBe('SR_INVALID_OPTION');
  });

  it('checks the cross-field rules', () => {
    expect(() => resolveSinkOptions({ connection, database: 'd' })).toThrow(
      'database/table: give both or neither',
    );
    expect(() => resolveSinkOptions({ connection, database: 'd', table: 't', format: 'csv' })).toThrow(
      'columns: required with format csv',
    );
    expect(() => resolveSinkOptions({ connection, unknown: 1 })).toThrow(/unknown/i);
  });
});
