import { describe, expect, it } from 'vitest';
import {
  InvalidOptionError,
  NetworkError,
  RetriesExhaustedError,
  StarRocksError,
  StreamLoadError,
} from '../../src/errors.js';
import { resolveRetryOptions, retryDelay, withRetry } from '../../src/retry-policy.js';

const fast = resolveRetryOptions({ retries: 2, initialDelayMs: 1, maxDelayMs: 2, jitter: 0 });

describe('retry policy', () => {
  it('retries retriable errors and wraps the last one', async () => {
    let calls = 0;
    const err = await withRetry(
      fast,
      async () => {
        calls++;
        throw new NetworkError('reset', 'http://x');
      },
      { what: 'op' },
    ).catch((e: unknown) => e);
    expect(calls).toBe(3);
    expect(err).toBeInstanceOf(RetriesExhaustedError);
    expect((err as RetriesExhaustedError).retryCount).toBe(2);
    expect((err as Error).cause).toBeInstanceOf(NetworkError);
  });

  it('does not retry a non-retriable error or a TypeError', async () => {
    let calls = 0;
    const fail = new StreamLoadError('bad', {
      label: 'l',
      txnId: null,
      httpStatus: 200,
      status: 'Fail',
      serverMessage: 'x',
      errorUrl: null,
      errorLog: null,
    });
    await expect(
      withRetry(
        fast,
        async () => {
          calls++;
          throw fail;
        },
        { what: 'op' },
      ),
    ).rejects.toBe(fail);
    await expect(
      withRetry(
        fast,
        async () => {
          calls++;
          throw new TypeError('t');
        },
        { what: 'op' },
      ),
    ).rejects.toBeInstanceOf(TypeError);
    expect(calls).toBe(2);
  });

  it('backs off exponentially up to the cap', () => {
    const r = resolveRetryOptions({ initialDelayMs: 100, maxDelayMs: 1000, factor: 2, jitter: 0 });
    expect([1, 2, 3, 4, 5].map((a) => retryDelay(r, a))).toEqual([100, 200, 400, 800, 1000]);
  });

  it('validates its options by name', () => {
    expect(() => resolveRetryOptions({ retries: -1 })).toThrow(InvalidOptionError);
    expect(() => resolveRetryOptions({ jitter: 2 })).toThrow('`retry.jitter` must be between 0 and 1');
    expect(() => resolveRetryOptions({ tries: 3 } as never)).toThrow('unknown option `retry.tries`');
  });

  it('brands errors so instanceof works across copies', () => {
    const foreign = Object.assign(Object.create(Error.prototype), { code: 'SR_NETWORK' });
    Object.defineProperty(foreign, Symbol.for('srconnect.starrocks.error'), { value: 'SR_NETWORK' });
    expect(foreign instanceof StarRocksError).toBe(true);
    expect(new Error('x') instanceof StarRocksError).toBe(false);
  });
});
