/**
 * A small TBinaryProtocol codec (Apache Thrift's binary protocol, unframed): just what the BE
 * scanner service needs. Values are read into a generic tree; the typed structs live in
 * `scan-thrift.ts`.
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
export type TTypeCode = (typeof TType)[keyof typeof TType];

/** Message types of a message header. */
export const TMessageType = { CALL: 1, REPLY: 2, EXCEPTION: 3, ONEWAY: 4 } as const;

/** `TApplicationException.type` values. */
export const TApplicationExceptionType = {
  UNKNOWN: 0,
  UNKNOWN_METHOD: 1,
  INVALID_MESSAGE_TYPE: 2,
  WRONG_METHOD_NAME: 3,
  BAD_SEQUENCE_ID: 4,
  MISSING_RESULT: 5,
  INTERNAL_ERROR: 6,
  PROTOCOL_ERROR: 7,
} as const;

const VERSION_1 = 0x80010000 | 0;
const VERSION_MASK = 0xffff0000 | 0;
const MAX_NAME_BYTES = 64 * 1024;

/** Thrown when the buffer ends before the value does: wait for more bytes. */
export class NeedMoreData extends Error {
  override readonly name = 'NeedMoreData';
}

/** Thrown for bytes that cannot be a Thrift message (the connection should be dropped). */
export class ThriftProtocolError extends Error {
  override readonly name = 'ThriftProtocolError';
}

/** A decoded value: structs are maps of field id → value, maps are lists of pairs. */
export type ThriftValue =
  | boolean
  | number
  | bigint
  | Buffer
  | ThriftStruct
  | ThriftValue[]
  | [ThriftValue, ThriftValue][];

export type ThriftStruct = Map<number, { readonly type: number; readonly value: ThriftValue }>;

export interface MessageHeader {
  readonly name: string;
  readonly type: number;
  readonly seqId: number;
}

/** Limits that protect the reader against garbage (e.g. an HTTP request on the Thrift port). */
export interface ReaderLimits {
  readonly maxStringBytes: number;
  readonly maxContainerItems: number;
  readonly maxDepth: number;
}

const DEFAULT_LIMITS: ReaderLimits = {
  maxStringBytes: 256 * 1024 * 1024,
  maxContainerItems: 16 * 1024 * 1024,
  maxDepth: 64,
};

/** Reads binary-protocol values from a buffer; throws {@link NeedMoreData} at its end. */
export class ThriftReader {
  readonly buf: Buffer;
  pos: number;
  readonly limits: ReaderLimits;

  constructor(buf: Buffer, pos = 0, limits: ReaderLimits = DEFAULT_LIMITS) {
    this.buf = buf;
    this.pos = pos;
    this.limits = limits;
  }

  #need(n: number): void {
    if (this.pos + n > this.buf.length) throw new NeedMoreData('incomplete message');
  }

  byte(): number {
    this.#need(1);
    return this.buf.readInt8(this.pos++);
  }

  i16(): number {
    this.#need(2);
    const v = this.buf.readInt16BE(this.pos);
    this.pos += 2;
    return v;
  }

  i32(): number {
    this.#need(4);
    const v = this.buf.readInt32BE(this.pos);
    this.pos += 4;
    return v;
  }

  i64(): bigint {
    this.#need(8);
    const v = this.buf.readBigInt64BE(this.pos);
    this.pos += 8;
    return v;
  }

  double(): number {
    this.#need(8);
    const v = this.buf.readDoubleBE(this.pos);
    this.pos += 8;
    return v;
  }

  binary(): Buffer {
    const len = this.i32();
    if (len < 0 || len > this.limits.maxStringBytes)
      throw new ThriftProtocolError(`invalid string length ${len}`);
    this.#need(len);
    const v = this.buf.subarray(this.pos, this.pos + len);
    this.pos += len;
    return v;
  }

  string(): string {
    return this.binary().toString('utf8');
  }

  #count(n: number): number {
    if (n < 0 || n > this.limits.maxContainerItems)
      throw new ThriftProtocolError(`invalid container size ${n}`);
    return n;
  }

  /** A message header, strict (versioned) or old-style (name length first). */
  messageBegin(): MessageHeader {
    const first = this.i32();
    if (first < 0) {
      if ((first & VERSION_MASK) !== VERSION_1)
        throw new ThriftProtocolError(`bad protocol version 0x${(first >>> 0).toString(16)}`);
      const name = this.#name(this.i32());
      return { name, type: first & 0xff, seqId: this.i32() };
    }
    const name = this.#name(first);
    const type = this.byte();
    return { name, type, seqId: this.i32() };
  }

  #name(len: number): string {
    if (len < 0 || len > MAX_NAME_BYTES) throw new ThriftProtocolError('not a Thrift message');
    this.#need(len);
    const name = this.buf.subarray(this.pos, this.pos + len).toString('utf8');
    this.pos += len;
    return name;
  }

  value(type: number, depth = 0): ThriftValue {
    if (depth > this.limits.maxDepth) throw new ThriftProtocolError('nesting too deep');
    switch (type) {
      case TType.BOOL:
        return this.byte() !== 0;
      case TType.BYTE:
        return this.byte();
      case TType.I16:
        return this.i16();
      case TType.I32:
        return this.i32();
      case TType.I64:
        return this.i64();
      case TType.DOUBLE:
        return this.double();
      case TType.STRING:
        return this.binary();
      case TType.STRUCT:
        return this.struct(depth + 1);
      case TType.LIST:
      case TType.SET: {
        const et = this.byte();
        const n = this.#count(this.i32());
        const out: ThriftValue[] = [];
        for (let i = 0; i < n; i++) out.push(this.value(et, depth + 1));
        return out;
      }
      case TType.MAP: {
        const kt = this.byte();
        const vt = this.byte();
        const n = this.#count(this.i32());
        const out: [ThriftValue, ThriftValue][] = [];
        for (let i = 0; i < n; i++) out.push([this.value(kt, depth + 1), this.value(vt, depth + 1)]);
        return out;
      }
      default:
        throw new ThriftProtocolError(`unknown field type ${type}`);
    }
  }

  struct(depth = 0): ThriftStruct {
    const fields: ThriftStruct = new Map();
    for (;;) {
      const type = this.byte();
      if (type === TType.STOP) return fields;
      const id = this.i16();
      fields.set(id, { type, value: this.value(type, depth) });
    }
  }
}

/** Builds a binary-protocol byte string. */
export class ThriftWriter {
  #buf = Buffer.allocUnsafe(256);
  #len = 0;

  #ensure(n: number): void {
    if (this.#len + n <= this.#buf.length) return;
    let size = this.#buf.length * 2;
    while (size < this.#len + n) size *= 2;
    const next = Buffer.allocUnsafe(size);
    this.#buf.copy(next, 0, 0, this.#len);
    this.#buf = next;
  }

  byte(v: number): this {
    this.#ensure(1);
    this.#buf.writeInt8(v, this.#len);
    this.#len += 1;
    return this;
  }

  bool(v: boolean): this {
    return this.byte(v ? 1 : 0);
  }

  i16(v: number): this {
    this.#ensure(2);
    this.#buf.writeInt16BE(v, this.#len);
    this.#len += 2;
    return this;
  }

  i32(v: number): this {
    this.#ensure(4);
    this.#buf.writeInt32BE(v | 0, this.#len);
    this.#len += 4;
    return this;
  }

  i64(v: bigint | number): this {
    this.#ensure(8);
    this.#buf.writeBigInt64BE(BigInt(v), this.#len);
    this.#len += 8;
    return this;
  }

  binary(v: Uint8Array): this {
    this.i32(v.length);
    this.#ensure(v.length);
    this.#buf.set(v, this.#len);
    this.#len += v.length;
    return this;
  }

  string(v: string): this {
    return this.binary(Buffer.from(v, 'utf8'));
  }

  messageBegin(name: string, type: number, seqId: number): this {
    return this.i32(VERSION_1 | type)
      .string(name)
      .i32(seqId);
  }

  fieldBegin(type: number, id: number): this {
    return this.byte(type).i16(id);
  }

  fieldStop(): this {
    return this.byte(TType.STOP);
  }

  listBegin(elementType: number, size: number): this {
    return this.byte(elementType).i32(size);
  }

  toBuffer(): Buffer {
    return this.#buf.subarray(0, this.#len);
  }
}

/** A `TApplicationException` reply (message type EXCEPTION). */
export function applicationException(name: string, seqId: number, type: number, message: string): Buffer {
  const w = new ThriftWriter().messageBegin(name, TMessageType.EXCEPTION, seqId);
  w.fieldBegin(TType.STRING, 1).string(message);
  w.fieldBegin(TType.I32, 2).i32(type);
  return w.fieldStop().toBuffer();
}

/** Field accessors for a decoded struct; undefined when absent or of another wire type. */
export function fieldOf(s: ThriftStruct, id: number, type: number): ThriftValue | undefined {
  const f = s.get(id);
  return f && f.type === type ? f.value : undefined;
}

export function stringField(s: ThriftStruct, id: number): string | undefined {
  const v = fieldOf(s, id, TType.STRING);
  return v === undefined ? undefined : (v as Buffer).toString('utf8');
}

export function intField(s: ThriftStruct, id: number, type: 6 | 8 | 3): number | undefined {
  return fieldOf(s, id, type) as number | undefined;
}

export function i64Field(s: ThriftStruct, id: number): bigint | undefined {
  return fieldOf(s, id, TType.I64) as bigint | undefined;
}

export function structField(s: ThriftStruct, id: number): ThriftStruct | undefined {
  return fieldOf(s, id, TType.STRUCT) as ThriftStruct | undefined;
}
