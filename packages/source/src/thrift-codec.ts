/**
 * The client side of Thrift's binary protocol (TBinaryProtocol, strict headers, unframed), just
 * enough for `TStarrocksExternalService`: encode a call, decode a reply from bytes as they arrive.
 */

/** Thrift wire types. */
export const TType = {
  STOP: 0,
  BOOL: 2,
  BYTE: 3,
  DOUBLE: 4,
  I16: 6,
  I32: 8,
  I64: 10,
  STRING: 11,
  STRUCT: 12,
  MAP: 13,
  SET: 14,
  LIST: 15,
} as const;

const VERSION_1 = 0x80010000;
const MESSAGE_CALL = 1;
const MESSAGE_REPLY = 2;
const MESSAGE_EXCEPTION = 3;

/** A decoded struct: field id → value (BOOL boolean, BYTE/I16/I32/DOUBLE number, I64 bigint, STRING Buffer, STRUCT map, LIST/SET array, MAP pairs). */
export type ThriftFields = Map<number, unknown>;

/** Builds one call message. Field writers append to a growing buffer. */
export class ThriftEncoder {
  private buf = Buffer.allocUnsafe(256);
  private pos = 0;

  private ensure(n: number): void {
    if (this.pos + n <= this.buf.length) return;
    const next = Buffer.allocUnsafe(Math.max(this.buf.length * 2, this.pos + n));
    this.buf.copy(next, 0, 0, this.pos);
    this.buf = next;
  }

  /** Starts a CALL message: strict version header, method name, sequence id, then the args struct's field 1. */
  call(method: string, seqId: number): this {
    this.i32(VERSION_1 | MESSAGE_CALL)
      .string(method)
      .i32(seqId);
    return this.field(TType.STRUCT, 1);
  }

  field(type: number, id: number): this {
    this.ensure(3);
    this.buf[this.pos++] = type;
    this.pos = this.buf.writeInt16BE(id, this.pos);
    return this;
  }

  stop(): this {
    this.ensure(1);
    this.buf[this.pos++] = TType.STOP;
    return this;
  }

  i16(v: number): this {
    this.ensure(2);
    this.pos = this.buf.writeInt16BE(v, this.pos);
    return this;
  }

  i32(v: number): this {
    this.ensure(4);
    this.pos = this.buf.writeInt32BE(v, this.pos);
    return this;
  }

  i64(v: bigint): this {
    this.ensure(8);
    this.pos = this.buf.writeBigInt64BE(v, this.pos);
    return this;
  }

  string(v: string): this {
    const len = Buffer.byteLength(v, 'utf8');
    this.ensure(4 + len);
    this.pos = this.buf.writeInt32BE(len, this.pos);
    this.pos += this.buf.write(v, this.pos, 'utf8');
    return this;
  }

  listHeader(elementType: number, size: number): this {
    this.ensure(5);
    this.buf[this.pos++] = elementType;
    return this.i32(size);
  }

  mapHeader(keyType: number, valueType: number, size: number): this {
    this.ensure(6);
    this.buf[this.pos++] = keyType;
    this.buf[this.pos++] = valueType;
    return this.i32(size);
  }

  /** Ends the params struct and the args struct; returns the message bytes. */
  finish(): Buffer {
    this.stop().stop();
    return this.buf.subarray(0, this.pos);
  }
}

/** Not enough bytes yet; `needed` is the total length known to be required (0 if unknown). */
export class IncompleteMessage extends Error {
  readonly needed: number;
  constructor(needed: number) {
    super('incomplete Thrift message');
    this.needed = needed;
  }
}

/** The peer answered with a TApplicationException (unknown method, bad sequence id, …). */
export class ThriftApplicationError extends Error {
  readonly type: number;
  constructor(message: string, type: number) {
    super(message);
    this.type = type;
  }
}

/** The bytes are not a valid reply to our call. */
export class ThriftProtocolError extends Error {}

export interface DecodedReply {
  readonly method: string;
  readonly seqId: number;
  /** The result struct's field 0 (`success`) or undefined when absent. */
  readonly success: ThriftFields | undefined;
  /** Bytes the message occupied. */
  readonly length: number;
}

const MAX_DEPTH = 32;

class Cursor {
  pos = 0;
  readonly buf: Buffer;
  constructor(buf: Buffer) {
    this.buf = buf;
  }

  need(n: number): void {
    if (this.pos + n > this.buf.length) throw new IncompleteMessage(this.pos + n);
  }
  u8(): number {
    this.need(1);
    return this.buf[this.pos++] as number;
  }
  i16(): number {
    this.need(2);
    const v = this.buf.readInt16BE(this.pos);
    this.pos += 2;
    return v;
  }
  i32(): number {
    this.need(4);
    const v = this.buf.readInt32BE(this.pos);
    this.pos += 4;
    return v;
  }
  bytes(): Buffer {
    const len = this.i32();
    if (len < 0) throw new ThriftProtocolError(`negative string length ${len}`);
    this.need(len);
    const v = this.buf.subarray(this.pos, this.pos + len);
    this.pos += len;
    return v;
  }

  value(type: number, depth: number): unknown {
    if (depth > MAX_DEPTH) throw new ThriftProtocolError('Thrift value nested too deeply');
    switch (type) {
      case TType.BOOL:
        return this.u8() !== 0;
      case TType.BYTE:
        return (this.u8() << 24) >> 24;
      case TType.I16:
        return this.i16();
      case TType.I32:
        return this.i32();
      case TType.I64: {
        this.need(8);
        const v = this.buf.readBigInt64BE(this.pos);
        this.pos += 8;
        return v;
      }
      case TType.DOUBLE: {
        this.need(8);
        const v = this.buf.readDoubleBE(this.pos);
        this.pos += 8;
        return v;
      }
      case TType.STRING:
        return this.bytes();
      case TType.STRUCT:
        return this.struct(depth + 1);
      case TType.LIST:
      case TType.SET: {
        const et = this.u8();
        const n = this.i32();
        const out: unknown[] = [];
        for (let i = 0; i < n; i++) out.push(this.value(et, depth + 1));
        return out;
      }
      case TType.MAP: {
        const kt = this.u8();
        const vt = this.u8();
        const n = this.i32();
        const out: [unknown, unknown][] = [];
        for (let i = 0; i < n; i++) out.push([this.value(kt, depth + 1), this.value(vt, depth + 1)]);
        return out;
      }
      default:
        throw new ThriftProtocolError(`unknown Thrift type ${type}`);
    }
  }

  struct(depth: number): ThriftFields {
    const fields: ThriftFields = new Map();
    for (;;) {
      const type = this.u8();
      if (type === TType.STOP) return fields;
      const id = this.i16();
      fields.set(id, this.value(type, depth));
    }
  }
}

/**
 * Decodes one reply from the front of `buf`. Throws {@link IncompleteMessage} when more bytes are
 * needed, {@link ThriftApplicationError} for an exception reply, {@link ThriftProtocolError} for junk.
 */
export function decodeReply(buf: Buffer): DecodedReply {
  const c = new Cursor(buf);
  const head = c.i32();
  if ((head & 0xffff0000) !== (VERSION_1 | 0)) {
    throw new ThriftProtocolError(
      `not a strict Thrift binary message (header 0x${(head >>> 0).toString(16)})`,
    );
  }
  const kind = head & 0xff;
  const method = c.bytes().toString('utf8');
  const seqId = c.i32();
  const result = c.struct(0);
  if (kind === MESSAGE_EXCEPTION) {
    const msg = result.get(1);
    const type = result.get(2);
    throw new ThriftApplicationError(
      Buffer.isBuffer(msg) ? msg.toString('utf8') : `${method} failed`,
      typeof type === 'number' ? type : 0,
    );
  }
  if (kind !== MESSAGE_REPLY) throw new ThriftProtocolError(`unexpected Thrift message type ${kind}`);
  const success = result.get(0);
  return { method, seqId, success: success instanceof Map ? success : undefined, length: c.pos };
}

/** Field helpers over a decoded struct. */
export const field = {
  string: (s: ThriftFields, id: number): string | undefined => {
    const v = s.get(id);
    return Buffer.isBuffer(v) ? v.toString('utf8') : undefined;
  },
  bytes: (s: ThriftFields, id: number): Buffer | undefined => {
    const v = s.get(id);
    return Buffer.isBuffer(v) ? v : undefined;
  },
  number: (s: ThriftFields, id: number): number | undefined => {
    const v = s.get(id);
    return typeof v === 'number' ? v : undefined;
  },
  bool: (s: ThriftFields, id: number): boolean | undefined => {
    const v = s.get(id);
    return typeof v === 'boolean' ? v : undefined;
  },
  struct: (s: ThriftFields, id: number): ThriftFields | undefined => {
    const v = s.get(id);
    return v instanceof Map ? v : undefined;
  },
  list: (s: ThriftFields, id: number): unknown[] | undefined => {
    const v = s.get(id);
    return Array.isArray(v) ? v : undefined;
  },
};
