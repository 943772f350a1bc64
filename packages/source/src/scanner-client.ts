/**
 * One connection to a BE's `TStarrocksExternalService` (spec §6.2): plain TCP, unframed
 * TBinaryProtocol, plain method names, one call at a time.
 */
import { connect, type Socket } from 'node:net';
import {
  AbortedError,
  NetworkError,
  ProtocolError,
  StarRocksError,
  TimeoutError,
} from '@srconnect/stream-load-sdk';
import {
  type DecodedReply,
  decodeReply,
  field,
  IncompleteMessage,
  ThriftApplicationError,
  ThriftEncoder,
  type ThriftFields,
  ThriftProtocolError,
  TType,
} from './thrift-codec.js';

/** `TStatusCode` names by value (gensrc/thrift/StatusCode.thrift), for messages. */
const STATUS_NAMES: Readonly<Record<number, string>> = {
  0: 'OK',
  1: 'CANCELLED',
  2: 'ANALYSIS_ERROR',
  3: 'NOT_IMPLEMENTED_ERROR',
  4: 'RUNTIME_ERROR',
  5: 'MEM_LIMIT_EXCEEDED',
  6: 'INTERNAL_ERROR',
  7: 'THRIFT_RPC_ERROR',
  8: 'TIMEOUT',
  30: 'END_OF_FILE',
  31: 'NOT_FOUND',
  32: 'CORRUPTION',
  33: 'INVALID_ARGUMENT',
  34: 'IO_ERROR',
  36: 'NETWORK_ERROR',
  37: 'ILLEGAL_STATE',
  38: 'NOT_AUTHORIZED',
  39: 'ABORTED',
  50: 'UNKNOWN',
};

/** Status codes worth a new attempt (the BE was busy or the call did not happen). */
const RETRIABLE_STATUS = new Set([1, 5, 7, 8, 36]);

/** The BE answered a scanner call with a non-OK `TStatus`. */
export class ScanError extends StarRocksError {
  /** `TStatusCode` value. */
  readonly statusCode: number;
  /** `TStatusCode` name (`NOT_FOUND`, `INVALID_ARGUMENT`, …). */
  readonly status: string;
  readonly backend: string;
  readonly serverMessage: string;
  constructor(message: string, statusCode: number, backend: string, serverMessage: string) {
    super('SR_SCAN', message, { retriable: RETRIABLE_STATUS.has(statusCode) });
    this.statusCode = statusCode;
    this.status = STATUS_NAMES[statusCode] ?? `status ${statusCode}`;
    this.backend = backend;
    this.serverMessage = serverMessage;
  }
}

export interface ScanColumn {
  readonly name: string;
  /** `TPrimitiveType` value (0 for ARRAY/MAP/STRUCT). */
  readonly type: number;
}

export interface OpenScannerParams {
  readonly database: string;
  readonly table: string;
  readonly tabletIds: readonly bigint[];
  readonly plan: string;
  readonly batchSize: number;
  readonly user: string;
  readonly password: string;
  readonly keepAliveMin: number;
  readonly queryTimeoutS: number;
  readonly memLimitBytes: bigint;
  readonly properties: Readonly<Record<string, string>>;
}

export interface ScannerConnectionOptions {
  readonly connectTimeoutMs: number;
  /** Longest wait for one reply. */
  readonly socketTimeoutMs: number;
  /** Stops the scan: fails a `get_next` in flight with `SR_ABORTED` (see `onAbort`). */
  readonly signal?: AbortSignal | undefined;
}

/** The `ScanError` of a result whose `TStatus` is not OK (undefined when OK); a result without a status is a `ProtocolError`. */
function statusError(method: string, backend: string, result: ThriftFields): StarRocksError | undefined {
  const status = field.struct(result, 1);
  const code = status ? field.number(status, 1) : undefined;
  if (code === undefined) return new ProtocolError(`${method} reply from ${backend} has no status`, '');
  if (code === 0) return undefined;
  const messages = (status && field.list(status, 2)) ?? [];
  const text = messages.map((m) => (Buffer.isBuffer(m) ? m.toString('utf8') : String(m))).join('; ');
  return new ScanError(
    `${method} on ${backend} failed: ${STATUS_NAMES[code] ?? `status ${code}`}${text ? `: ${text}` : ''}`,
    code,
    backend,
    text,
  );
}

interface Pending {
  resolve(r: DecodedReply): void;
  reject(e: unknown): void;
  method: string;
}

/** A connection to one BE scanner port. Calls are serialized; the first failure poisons the connection. */
export class ScannerConnection {
  readonly backend: string;
  private readonly socket: Socket;
  private readonly opts: ScannerConnectionOptions;
  private chunks: Buffer[] = [];
  private buffered = 0;
  private needed = 0;
  private pending: Pending | undefined;
  private failure: unknown;
  private seq = 0;
  private timer: NodeJS.Timeout | undefined;
  /**
   * A stop drops the connection only under a `get_next` in flight (it may wait long for rows; its
   * context id is known, so the scanner can still be closed elsewhere). An `open_scanner` in flight
   * is left to finish, or the context it creates could never be closed; idle, the owner closes.
   */
  private readonly onAbort = () => {
    if (this.pending?.method !== 'get_next') return;
    this.fail(new AbortedError(`the scan was stopped; the connection to ${this.backend} is dropped`));
    this.socket.destroy();
  };

  private constructor(backend: string, socket: Socket, opts: ScannerConnectionOptions) {
    this.backend = backend;
    this.socket = socket;
    this.opts = opts;
    socket.on('data', (d: Buffer) => this.onData(d));
    socket.on('error', (e) =>
      this.fail(new NetworkError(`scanner connection to ${backend} failed: ${e.message}`, backend, e)),
    );
    socket.on('close', () =>
      this.fail(new NetworkError(`scanner connection to ${backend} was closed by the server`, backend)),
    );
    opts.signal?.addEventListener('abort', this.onAbort, { once: true });
  }

  /** Connects to `host:port`, bounded by `connectTimeoutMs` and `signal`. */
  static connect(host: string, port: number, opts: ScannerConnectionOptions): Promise<ScannerConnection> {
    const backend = `${host}:${port}`;
    return new Promise((resolve, reject) => {
      if (opts.signal?.aborted) {
        reject(new AbortedError('the scan was stopped'));
        return;
      }
      const socket = connect({ host, port });
      socket.setNoDelay(true);
      // long scans sit idle between batches while the consumer works: keep NATs and firewalls from dropping them
      socket.setKeepAlive(true, 30_000);
      const done = (err?: unknown) => {
        clearTimeout(timer);
        socket.off('error', onError);
        opts.signal?.removeEventListener('abort', onAbort);
        if (err === undefined) return;
        socket.destroy();
        reject(err);
      };
      const timer = setTimeout(
        () =>
          done(
            new TimeoutError(
              `connecting to the BE scanner at ${backend} took over ${opts.connectTimeoutMs} ms`,
              opts.connectTimeoutMs,
            ),
          ),
        opts.connectTimeoutMs,
      );
      const onError = (e: Error) =>
        done(new NetworkError(`cannot connect to the BE scanner at ${backend}: ${e.message}`, backend, e));
      const onAbort = () => done(new AbortedError('the scan was stopped'));
      socket.once('error', onError);
      opts.signal?.addEventListener('abort', onAbort, { once: true });
      socket.once('connect', () => {
        done();
        resolve(new ScannerConnection(backend, socket, opts));
      });
    });
  }

  /** True until the connection fails or is closed. */
  get healthy(): boolean {
    return this.failure === undefined;
  }

  /** `open_scanner`: returns the context id and the selected columns in output order. */
  async openScanner(p: OpenScannerParams): Promise<{ contextId: string; columns: ScanColumn[] }> {
    const e = new ThriftEncoder().call('open_scanner', ++this.seq);
    e.field(TType.STRING, 1).string('default_cluster');
    e.field(TType.STRING, 2).string(p.database);
    e.field(TType.STRING, 3).string(p.table);
    e.field(TType.LIST, 4).listHeader(TType.I64, p.tabletIds.length);
    for (const id of p.tabletIds) e.i64(id);
    e.field(TType.STRING, 5).string(p.plan);
    e.field(TType.I32, 6).i32(p.batchSize);
    const props = Object.entries(p.properties);
    if (props.length > 0) {
      e.field(TType.MAP, 7).mapHeader(TType.STRING, TType.STRING, props.length);
      for (const [k, v] of props) e.string(k).string(v);
    }
    e.field(TType.STRING, 9).string(p.user);
    e.field(TType.STRING, 10).string(p.password);
    e.field(TType.I16, 11).i16(p.keepAliveMin);
    e.field(TType.I32, 12).i32(p.queryTimeoutS);
    e.field(TType.I64, 13).i64(p.memLimitBytes);
    const r = await this.call('open_scanner', e.finish(), false);
    const contextId = field.string(r, 2);
    const failed = statusError('open_scanner', this.backend, r);
    if (failed) {
      // the BE may have created the context anyway (spec §6.2): do not leave it to the keep-alive GC
      if (contextId !== undefined) await this.closeScanner(contextId).catch(() => undefined);
      throw failed;
    }
    if (contextId === undefined)
      throw new ProtocolError(`open_scanner reply from ${this.backend} has no context_id`, '');
    const columns = (field.list(r, 3) ?? []).map((c) => {
      const s = c as ThriftFields;
      return { name: field.string(s, 1) ?? '', type: field.number(s, 2) ?? 0 };
    });
    return { contextId, columns };
  }

  /** `get_next`: the next batch as Arrow IPC stream bytes, or `undefined` at the end (`eos`). */
  async getNext(contextId: string, offset: bigint): Promise<Buffer | undefined> {
    const e = new ThriftEncoder().call('get_next', ++this.seq);
    e.field(TType.STRING, 1).string(contextId);
    e.field(TType.I64, 2).i64(offset);
    const r = await this.call('get_next', e.finish());
    if (field.bool(r, 2) === true) return undefined;
    const rows = field.bytes(r, 3);
    if (rows === undefined)
      throw new ProtocolError(`get_next reply from ${this.backend} has neither eos nor rows`, '');
    return rows;
  }

  /** `close_scanner`; the status is ignored as the connectors do (an unknown id may be NOT_FOUND). */
  async closeScanner(contextId: string): Promise<void> {
    const e = new ThriftEncoder().call('close_scanner', ++this.seq);
    e.field(TType.STRING, 1).string(contextId);
    await this.call('close_scanner', e.finish(), false);
  }

  /** Closes the socket (idempotent). */
  close(): void {
    this.opts.signal?.removeEventListener('abort', this.onAbort);
    this.fail(new NetworkError(`scanner connection to ${this.backend} is closed`, this.backend));
    this.socket.destroy();
  }

  private async call(method: string, bytes: Buffer, checkStatus = true): Promise<ThriftFields> {
    if (this.failure !== undefined) throw this.failure;
    if (this.pending)
      throw new Error(`ScannerConnection: ${method} called while ${this.pending.method} is in flight`);
    const reply = await new Promise<DecodedReply>((resolve, reject) => {
      this.pending = { resolve, reject, method };
      this.timer = setTimeout(() => {
        const err = new TimeoutError(
          `${method} on ${this.backend} got no reply within ${this.opts.socketTimeoutMs} ms`,
          this.opts.socketTimeoutMs,
        );
        this.fail(err);
        this.socket.destroy();
      }, this.opts.socketTimeoutMs);
      this.socket.write(bytes);
    });
    if (reply.method !== method || reply.seqId !== this.seq) {
      const err = new ProtocolError(
        `${method} on ${this.backend}: the reply is for ${reply.method} #${reply.seqId}, not #${this.seq}`,
        '',
      );
      this.fail(err);
      this.socket.destroy();
      throw err;
    }
    const result = reply.success;
    if (result === undefined)
      throw new ProtocolError(`${method} reply from ${this.backend} has no result`, '');
    if (checkStatus) {
      const failed = statusError(method, this.backend, result);
      if (failed) throw failed;
    }
    return result;
  }

  private onData(d: Buffer): void {
    this.chunks.push(d);
    this.buffered += d.length;
    if (this.buffered < this.needed || !this.pending) return;
    const buf =
      this.chunks.length === 1 ? (this.chunks[0] as Buffer) : Buffer.concat(this.chunks, this.buffered);
    this.chunks = [buf];
    let reply: DecodedReply;
    try {
      reply = decodeReply(buf);
    } catch (e) {
      if (e instanceof IncompleteMessage) {
        this.needed = Math.max(e.needed, this.buffered + 1);
        return;
      }
      const err =
        e instanceof ThriftApplicationError
          ? new ScanError(
              `${this.pending.method} on ${this.backend} failed: ${e.message}`,
              7,
              this.backend,
              e.message,
            )
          : e instanceof ThriftProtocolError
            ? new ProtocolError(`${this.pending.method} reply from ${this.backend}: ${e.message}`, '')
            : e;
      this.fail(err);
      this.socket.destroy();
      return;
    }
    const rest = buf.subarray(reply.length);
    this.chunks = rest.length > 0 ? [rest] : [];
    this.buffered = rest.length;
    this.needed = 0;
    const p = this.pending;
    this.pending = undefined;
    clearTimeout(this.timer);
    p.resolve(reply);
  }

  private fail(err: unknown): void {
    if (this.failure === undefined) this.failure = err;
    clearTimeout(this.timer);
    const p = this.pending;
    this.pending = undefined;
    p?.reject(this.failure);
  }
}
