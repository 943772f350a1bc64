import { AbortedError } from '../errors.js';

/**
 * The global memory cap: bytes are reserved on write and released when their load is done.
 * `reserve` resolves at once while usage is under the cap, otherwise only when room is freed —
 * backpressure instead of an unbounded queue. A single record larger than the cap is admitted
 * when nothing else is buffered, so it cannot deadlock.
 */
export class MemoryGate {
  readonly limit: number;
  #used = 0;
  #peak = 0;
  #blockedWrites = 0;
  readonly #waiters: { bytes: number; resolve: () => void; reject: (e: unknown) => void }[] = [];

  constructor(limit: number) {
    this.limit = limit;
  }

  get used(): number {
    return this.#used;
  }
  get peak(): number {
    return this.#peak;
  }
  get waiting(): number {
    return this.#waiters.length;
  }
  get blockedWrites(): number {
    return this.#blockedWrites;
  }

  #fits(bytes: number): boolean {
    return this.#used + bytes <= this.limit || this.#used === 0;
  }

  /** True when `bytes` can be taken now without waiting. */
  tryReserve(bytes: number): boolean {
    if (this.#waiters.length > 0 || !this.#fits(bytes)) return false;
    this.#take(bytes);
    return true;
  }

  /** Waits until `bytes` fit, then takes them. */
  reserve(bytes: number, signal?: AbortSignal): Promise<void> {
    if (signal?.aborted)
      return Promise.reject(new AbortedError('write was aborted while waiting for buffer space'));
    if (this.tryReserve(bytes)) return Promise.resolve();
    this.#blockedWrites++;
    return new Promise<void>((resolve, reject) => {
      const onAbort = () => {
        const i = this.#waiters.indexOf(entry);
        if (i >= 0) this.#waiters.splice(i, 1);
        reject(new AbortedError('write was aborted while waiting for buffer space'));
        // the freed place may let the next writer in
        this.release(0);
      };
      const entry = {
        bytes,
        resolve: () => {
          signal?.removeEventListener('abort', onAbort);
          resolve();
        },
        reject: (e: unknown) => {
          signal?.removeEventListener('abort', onAbort);
          reject(e);
        },
      };
      this.#waiters.push(entry);
      signal?.addEventListener('abort', onAbort, { once: true });
    });
  }

  release(bytes: number): void {
    this.#used = Math.max(0, this.#used - bytes);
    while (this.#waiters.length > 0 && this.#fits(this.#waiters[0]!.bytes)) {
      const w = this.#waiters.shift()!;
      this.#take(w.bytes);
      w.resolve();
    }
  }

  /** Fails every waiting writer (the manager failed or closed). */
  failWaiters(err: unknown): void {
    for (const w of this.#waiters.splice(0)) w.reject(err);
  }

  /** Takes bytes unconditionally (the caller checked there was room before adding them). */
  take(bytes: number): void {
    this.#take(bytes);
  }

  #take(bytes: number): void {
    this.#used += bytes;
    if (this.#used > this.#peak) this.#peak = this.#used;
  }
}
