import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { mergeReaders } from '../../src/merge-readers.js';

const tick = () => new Promise((r) => setImmediate(r));

function reader(name: string, n: number, log: string[], failAt = -1) {
  return async function* (stop: AbortSignal): AsyncGenerator<string> {
    try {
      for (let i = 0; i < n; i++) {
        await tick();
        if (i === failAt) throw new Error(`${name} broke`);
        yield `${name}${i}`;
      }
    } finally {
      log.push(`${name}:finally:${stop.aborted ? 'stopped' : 'done'}`);
    }
  };
}

let unhandled: unknown[];
const onUnhandled = (e: unknown) => unhandled.push(e);
beforeEach(() => {
  unhandled = [];
  process.on('unhandledRejection', onUnhandled);
});
afterEach(() => {
  process.off('unhandledRejection', onUnhandled);
});

describe('mergeReaders', () => {
  it('takes turns between ready readers, so none is left idle', async () => {
    const log: string[] = [];
    const out: string[] = [];
    for await (const v of mergeReaders(
      [reader('A', 3, log), reader('B', 3, log), reader('C', 3, log)],
      3,
      undefined,
      () => {},
    )) {
      out.push(v);
    }
    expect(out).toEqual(['A0', 'B0', 'C0', 'A1', 'B1', 'C1', 'A2', 'B2', 'C2']);
  });

  it('runs at most `parallelism` readers and starts the next when one ends', async () => {
    const log: string[] = [];
    const out: string[] = [];
    for await (const v of mergeReaders(
      [reader('A', 2, log), reader('B', 1, log), reader('C', 1, log)],
      2,
      undefined,
      () => {},
    )) {
      out.push(v);
    }
    expect(out.slice(0, 2)).toEqual(['A0', 'B0']);
    expect(out.sort()).toEqual(['A0', 'A1', 'B0', 'C0']);
  });

  it('a reader failing while the consumer is busy reaches the consumer, never as an unhandled rejection', async () => {
    const log: string[] = [];
    const err = await (async () => {
      for await (const _ of mergeReaders(
        [reader('A', 5, log, 1), reader('B', 50, log)],
        2,
        undefined,
        () => {},
      )) {
        await new Promise((r) => setTimeout(r, 20)); // the consumer works while A fails
      }
    })().catch((e) => e);
    expect(err.message).toBe('A broke');
    await tick();
    expect(unhandled).toEqual([]);
    expect(log).toContain('B:finally:stopped');
  });

  it('break stops the other readers through their stop signal and waits for their finally', async () => {
    const log: string[] = [];
    for await (const v of mergeReaders(
      [reader('A', 50, log), reader('B', 50, log)],
      2,
      undefined,
      () => {},
    )) {
      if (v === 'B1') break;
    }
    expect(log.sort()).toEqual(['A:finally:stopped', 'B:finally:stopped']);
  });

  it('an abort rejects at once and hands the cleanup over', async () => {
    const log: string[] = [];
    const ac = new AbortController();
    const detached: Promise<unknown>[] = [];
    const err = await (async () => {
      for await (const v of mergeReaders([reader('A', 50, log)], 1, ac.signal, (c) => detached.push(c))) {
        if (v === 'A2') ac.abort();
      }
    })().catch((e) => e);
    expect(err.code).toBe('SR_ABORTED');
    expect(detached).toHaveLength(1);
    await detached[0];
    expect(log).toEqual(['A:finally:stopped']);
  });
});
