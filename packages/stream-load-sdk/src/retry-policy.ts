import { setTimeout as sleep } from 'node:timers/promises';
import { AbortedError, InvalidOptionError, RetriesExhaustedError, StarRocksError } from './errors.js';

/** How failed operations are retried: exponential back-off with jitter, retriable errors only. */
export interface RetryOptions {
  /** Retries after the first attempt. @default 3 */
  retries?: number;
  /** @default 1000 */
  initialDelayMs?: number;
  /** @default 10000 */
  maxDelayMs?: number;
  /** @default 2 */
  factor?: number;
  /** Random spread, 0–1, applied to each delay. @default 0.2 */
  jitter?: number;
}

export type ResolvedRetryOptions = Required<RetryOptions>;

export function resolveRetryOptions(o: RetryOptions | undefined, name = 'retry'): ResolvedRetryOptions {
  const r = { retries: 3, initialDelayMs: 1000, maxDelayMs: 10_000, factor: 2, jitter: 0.2, ...(o ?? {}) };
  for (const k of Object.keys(o ?? {})) {
    if (!['retries', 'initialDelayMs', 'maxDelayMs', 'factor', 'jitter'].includes(k)) {
      throw new InvalidOptionError(`unknown option \`${name}.${k}\``);
    }
  }
  const int = (k: keyof ResolvedRetryOptions, min: number) => {
    const v = r[k];
    if (typeof v !== 'number' || !Number.isFinite(v) || v < min) {
      throw new InvalidOptionError(`\`${name}.${k}\` must be a number ≥ ${min}, got ${JSON.stringify(v)}`);
    }
  };
  int('retries', 0);
  int('initialDelayMs', 0);
  int('maxDelayMs', 0);
  int('factor', 1);
  int('jitter', 0);
  if (r.jitter > 1)
    throw new InvalidOptionError(`\`${name}.jitter\` must be between 0 and 1, got ${r.jitter}`);
  if (!Number.isInteger(r.retries))
    throw new InvalidOptionError(`\`${name}.retries\` must be an integer, got ${r.retries}`);
  return r;
}

/** The delay before retry number `attempt` (1-based). */
export function retryDelay(r: ResolvedRetryOptions, attempt: number): number {
  const base = Math.min(r.maxDelayMs, r.initialDelayMs * r.factor ** (attempt - 1));
  const spread = base * r.jitter;
  return Math.max(0, Math.round(base - spread + Math.random() * 2 * spread));
}

/** Whether an error may succeed when the same operation is repeated. */
export function isRetriable(err: unknown): boolean {
  if (err instanceof StarRocksError) return err.retriable;
  return false;
}

/**
 * Runs `fn` until it succeeds, a non-retriable error occurs, or retries run out (then a
 * RetriesExhaustedError with the last failure as `cause`). `onRetry` sees each failure.
 */
export async function withRetry<T>(
  r: ResolvedRetryOptions,
  fn: (attempt: number) => Promise<T>,
  opts: {
    signal?: AbortSignal;
    what: string;
    onRetry?: (err: unknown, attempt: number, delayMs: number) => void;
  },
): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await fn(attempt);
    } catch (err) {
      if (!isRetriable(err)) throw err;
      if (attempt > r.retries) {
        if (r.retries === 0) throw err;
        throw new RetriesExhaustedError(
          `${opts.what} failed after ${attempt} attempts: ${(err as Error).message}`,
          attempt - 1,
          err,
        );
      }
      const delay = retryDelay(r, attempt);
      opts.onRetry?.(err, attempt, delay);
      try {
        await sleep(delay, undefined, { signal: opts.signal });
      } catch {
        throw new AbortedError(`${opts.what} was aborted while waiting to retry`, err);
      }
    }
  }
}
