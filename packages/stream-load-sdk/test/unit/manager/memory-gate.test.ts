import { getEventListeners } from 'node:events';
import { describe, expect, it } from 'vitest';
import { MemoryGate } from '../../../src/manager/memory-gate.js';

describe('MemoryGate', () => {
  it('admits under the limit and makes writers wait above it, in order', async () => {
    const g = new MemoryGate(100);
    expect(g.tryReserve(60)).toBe(true);
    expect(g.tryReserve(50)).toBe(false);
    const order: number[] = [];
    const a = g.reserve(50).then(() => order.push(1));
    const b = g.reserve(10).then(() => order.push(2));
    await Promise.resolve();
    expect(order).toEqual([]);
    expect(g.waiting).toBe(2);
    g.release(60);
    await Promise.all([a, b]);
    expect(order).toEqual([1, 2]);
    expect(g.used).toBe(60);
    expect(g.peak).toBe(60);
  });

  it('admits a record larger than the limit when nothing is buffered (no deadlock)', async () => {
    const g = new MemoryGate(10);
    await g.reserve(50);
    expect(g.used).toBe(50);
  });

  it('fails waiters when told, and honours an AbortSignal', async () => {
    const g = new MemoryGate(10);
    g.tryReserve(10);
    const ac = new AbortController();
    const aborted = g.reserve(5, ac.signal);
    ac.abort();
    await expect(aborted).rejects.toMatchObject({ code: 'SR_ABORTED' });
    const failed = g.reserve(5);
    g.failWaiters(new Error('boom'));
    await expect(failed).rejects.toThrow('boom');
  });

  it('removes its abort listener once a reservation resolves', async () => {
    const g = new MemoryGate(10);
    const ac = new AbortController();
    g.take(10);
    for (let i = 0; i < 100; i++) {
      const p = g.reserve(10, ac.signal);
      g.release(10);
      await p;
    }
    expect(getEventListeners(ac.signal, 'abort')).toHaveLength(0);
  });

  it('rejects at once for an already-aborted signal and lets the next writer in on abort', async () => {
    const g = new MemoryGate(10);
    g.take(10);
    await expect(g.reserve(1, AbortSignal.abort())).rejects.toMatchObject({ code: 'SR_ABORTED' });
    expect(g.waiting).toBe(0);
    const ac = new AbortController();
    const first = g.reserve(10, ac.signal);
    const second = g.reserve(5);
    g.release(5);
    ac.abort();
    await expect(first).rejects.toMatchObject({ code: 'SR_ABORTED' });
    await second;
    expect(g.used).toBe(10);
  });
});
