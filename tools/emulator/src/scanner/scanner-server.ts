/**
 * The BE's `TStarrocksExternalService` listener (StarRocks be_port, spec §6.2): plain TCP, unframed
 * TBinaryProtocol, plain method names `open_scanner`, `get_next`, `close_scanner`. Calls on one
 * connection are answered in order.
 */
import { type AddressInfo, createServer, type Server, type Socket } from 'node:net';
import type { Store } from '../storage/store.js';
import { ScanContexts } from './scan-contexts.js';
import {
  decodeScanCloseParams,
  decodeScanNextBatchParams,
  decodeScanOpenParams,
  writeScanBatchResult,
  writeScanCloseResult,
  writeScanOpenResult,
} from './scan-thrift.js';
import {
  applicationException,
  type MessageHeader,
  NeedMoreData,
  structField,
  TApplicationExceptionType,
  ThriftProtocolError,
  ThriftReader,
  type ThriftStruct,
  ThriftWriter,
  TMessageType,
  TType,
} from './thrift-binary.js';

export interface BeScannerOptions {
  readonly host: string;
  readonly port: number;
  /** Period of the keep-alive GC (`scan_context_gc_interval_min`). */
  readonly gcIntervalMs: number;
  /** How long one `keep_alive_min` minute lasts. */
  readonly keepAliveMinuteMs: number;
}

export interface BeScanner {
  readonly port: number;
  readonly contexts: ScanContexts;
  close(): Promise<void>;
}

/** Required fields of `TScanOpenParams`: the BE's generated reader drops the connection without them. */
const OPEN_REQUIRED: readonly [number, number][] = [
  [1, TType.STRING],
  [2, TType.STRING],
  [3, TType.STRING],
  [4, TType.LIST],
  [5, TType.STRING],
];

class DropConnection extends Error {}

const MAX_PENDING_BYTES = 256 * 1024 * 1024;

export async function startBeScanner(
  store: Store,
  o: BeScannerOptions,
  onError: (err: unknown) => void,
): Promise<BeScanner> {
  const contexts = new ScanContexts(store, { keepAliveMinuteMs: o.keepAliveMinuteMs });
  const sockets = new Set<Socket>();

  async function call(h: MessageHeader, args: ThriftStruct): Promise<Buffer> {
    const params = structField(args, 1) ?? new Map();
    const w = new ThriftWriter().messageBegin(h.name, TMessageType.REPLY, h.seqId);
    w.fieldBegin(TType.STRUCT, 0);
    switch (h.name) {
      case 'open_scanner':
        for (const [id, type] of OPEN_REQUIRED) {
          if (params.get(id)?.type !== type)
            throw new DropConnection(`open_scanner: required field ${id} missing`);
        }
        writeScanOpenResult(w, await contexts.open(decodeScanOpenParams(params)));
        break;
      case 'get_next':
        writeScanBatchResult(w, await contexts.next(decodeScanNextBatchParams(params)));
        break;
      case 'close_scanner':
        writeScanCloseResult(w, await contexts.close(decodeScanCloseParams(params)));
        break;
      default:
        return applicationException(
          h.name,
          h.seqId,
          TApplicationExceptionType.UNKNOWN_METHOD,
          `Invalid method name: '${h.name}'`,
        );
    }
    return w.fieldStop().toBuffer();
  }

  const server: Server = createServer((socket) => {
    sockets.add(socket);
    socket.setNoDelay(true);
    let buf: Buffer = Buffer.alloc(0);
    let busy = false;
    const pump = async () => {
      if (busy) return;
      busy = true;
      try {
        while (buf.length > 0 && !socket.destroyed) {
          const r = new ThriftReader(buf);
          let header: MessageHeader;
          let args: ThriftStruct;
          try {
            header = r.messageBegin();
            args = r.struct();
          } catch (err) {
            if (err instanceof NeedMoreData) break;
            throw err;
          }
          buf = buf.subarray(r.pos);
          if (header.type !== TMessageType.CALL && header.type !== TMessageType.ONEWAY)
            throw new DropConnection(`unexpected message type ${header.type}`);
          const reply = await call(header, args);
          if (header.type === TMessageType.CALL && !socket.destroyed) socket.write(reply);
        }
      } catch (err) {
        // bytes that are no Thrift call, or a call the BE's generated reader rejects: drop the connection
        if (!(err instanceof DropConnection) && !(err instanceof ThriftProtocolError)) onError(err);
        socket.destroy();
      } finally {
        busy = false;
      }
    };
    socket.on('data', (d: Buffer) => {
      buf = buf.length === 0 ? d : Buffer.concat([buf, d]);
      // no call is that large: something is wrong with the peer
      if (buf.length > MAX_PENDING_BYTES) socket.destroy();
      else void pump();
    });
    socket.on('error', () => socket.destroy());
    socket.on('close', () => sockets.delete(socket));
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(o.port, o.host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const gc = setInterval(() => {
    contexts.gc().catch(onError);
  }, o.gcIntervalMs);
  gc.unref();
  let closed = false;
  return {
    port: (server.address() as AddressInfo).port,
    contexts,
    close: async () => {
      if (closed) return;
      closed = true;
      clearInterval(gc);
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        for (const s of sockets) s.destroy();
      });
      await contexts.closeAll();
    },
  };
}
