import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Readable } from 'node:stream';
import { expect, it } from 'vitest';
import { sendHttp } from '../../src/internal/http-request.js';

it('a body stream is destroyed when the request fails (a file stream would keep its descriptor)', async () => {
  const server = createServer(() => {
    // never answers, never reads
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as AddressInfo).port;
  let stream: Readable | undefined;
  const err = await sendHttp({
    url: new URL(`http://127.0.0.1:${port}/x`),
    method: 'PUT',
    headers: {},
    expectContinue: false,
    body: () => {
      stream = new Readable({
        read() {
          this.push(Buffer.alloc(65_536)); // fills the socket buffers at once: then the socket goes quiet
        },
      });
      return stream;
    },
    connectTimeoutMs: 1000,
    socketTimeoutMs: 300,
    waitForContinueTimeoutMs: 1000,
  }).catch((e: unknown) => e);
  server.closeAllConnections();
  server.close();
  expect((err as { code?: string }).code).toBe('SR_TIMEOUT');
  expect(stream?.destroyed).toBe(true);
});
