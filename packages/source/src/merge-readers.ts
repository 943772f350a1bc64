import { AbortedError } from '@srconnect/stream-load-sdk';

type Step<T> = { gen: AsyncGenerator<T>; res: IteratorResult<T> };

/**
 * Runs up to `parallelism` readers at once and yields their values as they arrive. Each reader
 * keeps one value in flight, so I/O overlaps with the consumer, and readers take turns (a reader
 * that just delivered goes to the back), so none sits idle long enough for its BE to expire it.
 *
 * When the consumer stops, a reader fails, or `signal` aborts, the `stop` signal handed to every
 * reader fires (readers drop their in-flight calls) and each running reader is finished through
 * `return()`, so its `finally` closes its scanner. After an abort that cleanup goes on in the
 * background and is handed to `detach`, so the abort error reaches the consumer at once.
 */
export async function* mergeReaders<T>(
  starts: readonly ((stop: AbortSignal) => AsyncGenerator<T>)[],
  parallelism: number,
  signal: AbortSignal | undefined,
  detach: (cleanup: Promise<unknown>) => void,
): AsyncGenerator<T> {
  const queue = [...starts];
  const stopper = new AbortController();
  const running = new Map<AsyncGenerator<T>, Promise<Step<T>>>();
  const step = (gen: AsyncGenerator<T>) => {
    const pending = gen.next().then((res) => ({ gen, res }));
    pending.catch(() => undefined); // a failure surfaces through the race below, never as an unhandled rejection
    running.delete(gen);
    running.set(gen, pending);
  };
  const launch = () => {
    while (running.size < parallelism && queue.length > 0) {
      step((queue.shift() as (stop: AbortSignal) => AsyncGenerator<T>)(stopper.signal));
    }
  };
  let onAbort: (() => void) | undefined;
  const aborted = new Promise<never>((_, reject) => {
    onAbort = () => reject(new AbortedError('the scan was aborted', signal?.reason));
    if (signal?.aborted) onAbort();
    else signal?.addEventListener('abort', onAbort, { once: true });
  });
  aborted.catch(() => undefined);
  try {
    launch();
    while (running.size > 0) {
      const { gen, res } = await Promise.race([...running.values(), aborted]);
      if (res.done) {
        running.delete(gen);
        launch();
        continue;
      }
      step(gen);
      yield res.value;
    }
  } finally {
    if (onAbort) signal?.removeEventListener('abort', onAbort);
    stopper.abort();
    const cleanup = Promise.allSettled(
      [...running].map(async ([gen, pending]) => {
        await pending.catch(() => undefined);
        await gen.return(undefined);
      }),
    );
    if (signal?.aborted) detach(cleanup);
    else await cleanup;
  }
}
