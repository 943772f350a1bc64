/**
 * A tiny synchronous-style Thrift client for `TStarrocksExternalService` over a raw socket
 * (unframed TBinaryProtocol, plain method names), as the Java/Python connectors use it. Requests are
 * encoded by hand here; only the low-level codec comes from the emulator.
 */
import { connect, type Socket } from 'node:net';
import {
  NeedMoreData,
  ThriftReader,
  type ThriftStruct,
  ThriftWriter,
  TMessageType,
  TType,
} from '../../../src/scanner/thrift-binary.js';

export interface Status {
  code: number;
  messages: string[];
}

export interface OpenParams {
  cluster?: string | null;
  database?: string | null;
  table?: string | null;
  tabletIds?: (number | bigint)[] | null;
  plan?: string | null;
  batchSize?: number;
  keepAliveMin?: number;
  user?: string;
  passwd?: string;
  limit?: bigint;
  properties?: Record<string, string>;
}

export interface OpenResult {
  status: Status;
  contextId: string | undefined;
  selectedColumns: { name: string; type: number }[] | undefined;
}

export interface BatchResult {
  status: Status;
  eos: boolean | undefined;
  rows: Buffer | undefined;
}

export class ThriftAppError extends Error {
  readonly type: number;
  constructor(message: string, type: number) {
    super(message);
    this.type = type;
  }
}

function str(s: ThriftStruct, id: number): string | undefined {
  const f = s.get(id);
  return f?.type === TType.STRING ? (f.value as Buffer).toString('utf8') : undefined;
}

function status(s: ThriftStruct): Status {
  const st = s.get(1)!.value as ThriftStruct;
  const msgs = (st.get(2)?.value as Buffer[] | undefined) ?? [];
  return { code: st.get(1)!.value as number, messages: msgs.map((b) => b.toString('utf8')) };
}

export class ScannerClient {
  readonly #socket: Socket;
  #buf = Buffer.alloc(0);
  #seq = 0;
  #waiter: (() => void) | null = null;
  closed = false;

  private constructor(socket: Socket) {
    this.#socket = socket;
    socket.on('data', (d: Buffer) => {
      this.#buf = Buffer.concat([this.#buf, d]);
      this.#waiter?.();
    });
    socket.on('close', () => {
      this.closed = true;
      this.#waiter?.();
    });
    socket.on('error', () => undefined);
  }

  static connect(port: number, host = '127.0.0.1'): Promise<ScannerClient> {
    return new Promise((resolve, reject) => {
      const s = connect(port, host, () => resolve(new ScannerClient(s)));
      s.once('error', reject);
    });
  }

  /** Writes raw bytes (for malformed-input tests). */
  writeRaw(b: Buffer): void {
    this.#socket.write(b);
  }

  /** Resolves when the server closed the connection. */
  async waitClosed(timeoutMs = 2000): Promise<boolean> {
    const deadline = Date.now() + timeoutMs;
    while (!this.closed && Date.now() < deadline) {
      await new Promise<void>((r) => {
        this.#waiter = r;
        setTimeout(r, 50);
      });
    }
    return this.closed;
  }

  /** One call: returns the result struct's `success` (field 0); throws a TApplicationException. */
  async call(name: string, args: (w: ThriftWriter) => void): Promise<ThriftStruct> {
    const seq = ++this.#seq;
    const w = new ThriftWriter().messageBegin(name, TMessageType.CALL, seq);
    args(w);
    w.fieldStop();
    this.#socket.write(w.toBuffer());
    for (;;) {
      const r = new ThriftReader(this.#buf);
      try {
        const h = r.messageBegin();
        const body = r.struct();
        this.#buf = this.#buf.subarray(r.pos);
        if (h.seqId !== seq || h.name !== name) throw new Error(`unexpected reply ${h.name}#${h.seqId}`);
        if (h.type === TMessageType.EXCEPTION)
          throw new ThriftAppError(str(body, 1) ?? '', body.get(2)?.value as number);
        return body.get(0)!.value as ThriftStruct;
      } catch (err) {
        if (!(err instanceof NeedMoreData)) throw err;
      }
      if (this.closed) throw new Error('connection closed by the server');
      await new Promise<void>((r) => {
        this.#waiter = r;
      });
    }
  }

  async open(p: OpenParams): Promise<OpenResult> {
    const res = await this.call('open_scanner', (w) => {
      w.fieldBegin(TType.STRUCT, 1);
      if (p.cluster !== null) w.fieldBegin(TType.STRING, 1).string(p.cluster ?? 'default_cluster');
      if (p.database !== null) w.fieldBegin(TType.STRING, 2).string(p.database ?? '');
      if (p.table !== null) w.fieldBegin(TType.STRING, 3).string(p.table ?? '');
      if (p.tabletIds !== null) {
        const ids = p.tabletIds ?? [];
        w.fieldBegin(TType.LIST, 4).listBegin(TType.I64, ids.length);
        for (const id of ids) w.i64(BigInt(id));
      }
      if (p.plan !== null) w.fieldBegin(TType.STRING, 5).string(p.plan ?? '');
      if (p.batchSize !== undefined) w.fieldBegin(TType.I32, 6).i32(p.batchSize);
      if (p.properties) {
        const e = Object.entries(p.properties);
        w.fieldBegin(TType.MAP, 7).byte(TType.STRING).byte(TType.STRING).i32(e.length);
        for (const [k, v] of e) w.string(k).string(v);
      }
      if (p.limit !== undefined) w.fieldBegin(TType.I64, 8).i64(p.limit);
      if (p.user !== undefined) w.fieldBegin(TType.STRING, 9).string(p.user);
      if (p.passwd !== undefined) w.fieldBegin(TType.STRING, 10).string(p.passwd);
      if (p.keepAliveMin !== undefined) w.fieldBegin(TType.I16, 11).i16(p.keepAliveMin);
      w.fieldStop();
    });
    const cols = res.get(3)?.value as ThriftStruct[] | undefined;
    return {
      status: status(res),
      contextId: str(res, 2),
      selectedColumns: cols?.map((c) => ({ name: str(c, 1)!, type: c.get(2)!.value as number })),
    };
  }

  async next(contextId: string | null, offset: bigint | number | null): Promise<BatchResult> {
    const res = await this.call('get_next', (w) => {
      w.fieldBegin(TType.STRUCT, 1);
      if (contextId !== null) w.fieldBegin(TType.STRING, 1).string(contextId);
      if (offset !== null) w.fieldBegin(TType.I64, 2).i64(BigInt(offset));
      w.fieldStop();
    });
    const rows = res.get(3)?.value as Buffer | undefined;
    return { status: status(res), eos: res.get(2)?.value as boolean | undefined, rows };
  }

  async closeScanner(contextId: string): Promise<Status> {
    const res = await this.call('close_scanner', (w) => {
      w.fieldBegin(TType.STRUCT, 1);
      w.fieldBegin(TType.STRING, 1).string(contextId);
      w.fieldStop();
    });
    return status(res);
  }

  end(): void {
    this.#socket.destroy();
  }
}
