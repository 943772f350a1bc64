import type { Socket } from 'node:net';
import type { PacketSink } from './packet-writer.js';

/** Adapts a socket to a {@link PacketSink}: `write()` reports backpressure, `drain()` waits it out. */
export function socketSink(socket: Socket): PacketSink {
  return {
    write: (chunk) => (socket.destroyed ? false : socket.write(chunk)),
    drain: () =>
      new Promise<void>((resolve) => {
        if (socket.destroyed || !socket.writableNeedDrain) {
          resolve();
          return;
        }
        const done = (): void => {
          socket.off('drain', done);
          socket.off('close', done);
          resolve();
        };
        socket.on('drain', done);
        socket.on('close', done);
      }),
    get closed() {
      return socket.destroyed || !socket.writable;
    },
  };
}
