import { setTimeout as sleep } from 'node:timers/promises';
import type { ServiceExit, SpawnedService } from './spawn-service.js';

/** How {@link waitUntilReady} polls and what it throws. */
export interface WaitUntilReadyOptions {
  /** True once a client gets an answer from the service. */
  ready: () => Promise<boolean>;
  timeoutMs: number;
  pollMs: number;
  /** The error for a service that exited while starting. */
  exitedError: (exit: ServiceExit) => Error;
  /** The error for one that did not answer in time (it has been killed by then). */
  timeoutError: () => Error;
}

/** Polls a just-spawned service until it answers; kills it (SIGKILL) if it does not in time. */
export async function waitUntilReady(server: SpawnedService, o: WaitUntilReadyOptions): Promise<void> {
  const deadline = Date.now() + o.timeoutMs;
  for (;;) {
    if (server.exit) throw o.exitedError(server.exit);
    if (await o.ready()) return;
    if (Date.now() > deadline) {
      try {
        process.kill(server.pid, 'SIGKILL');
      } catch {
        // gone
      }
      await Promise.race([server.exited, sleep(5_000)]);
      throw o.timeoutError();
    }
    await sleep(o.pollMs);
  }
}
