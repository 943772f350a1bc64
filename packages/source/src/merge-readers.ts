import { AbortedError } from '@srconnect/stream-load-sdk';

type Step<T> = { gen: AsyncGenerator<T>; res: IteratorResult<T> };

/**
 * Runs up to `parallelism` generators at once and yields their values as they arrive (each reader
 * keeps one value in flight, so I/O overlaps with the consumer). When the consumer stops, a reader
 * fails, or `signal` aborts, every running reader is finished through `return()` so its `finally`
 * (closing its scanner) runs. After an abort that cleanup goes on in the background and is handed to
 * `detach`, so the abort error reaches the consumer at once.
 */
export async function* mergeReaders<T>(
  starts: readonly (() => AsyncGenerator<T>)[],
  parallelism: number,
  signal: AbortSignal | undefined,
  detach: (cleanup: Promise<unknown>) => void,
): AsyncGenerator<T> {
  const queue = [...starts];
  const running = new Map<AsyncGenerator<T>, Promise<Step<T>>>();
  const step = (gen: AsyncGenerator<T>) =>
    running.set(
      gen,
      gen.next().then((res) => ({ gen, res })),
    );
  const launch = () => {
    while (running.size < parallelism && queue.length > 0) step((queue.shift() as () => AsyncGenerator<T>)());
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
