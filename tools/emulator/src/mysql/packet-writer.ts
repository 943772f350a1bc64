import { MAX_PACKET_PAYLOAD } from './protocol-constants.js';

/** Where a {@link PacketWriter} sends its bytes; a thin wrapper around a socket. */
export interface PacketSink {
  /** Writes a chunk; returns false when the consumer wants the producer to pause (like `net.Socket#write`). */
  write(chunk: Buffer): boolean;
  /** Resolves once the sink can take more data, or once it is closed. */
  drain(): Promise<void>;
  /** True once the peer is gone; further output is pointless. */
  readonly closed: boolean;
}

/** Thrown by {@link PacketWriter.flush} when the connection went away while a response was being written. */
export class ConnectionClosedError extends Error {
  constructor() {
    super('Connection closed');
    this.name = 'ConnectionClosedError';
  }
}

const INITIAL_SIZE = 64 * 1024;
/** Buffered bytes above which `maybeFlush` hands the buffer to the sink. */
const FLUSH_THRESHOLD = 48 * 1024;
/** A grown buffer larger than this is dropped after a flush instead of reused. */
const KEEP_LIMIT = 1024 * 1024;

/**
 * Builds MySQL packets directly into one large buffer: `begin()` reserves the 4-byte header, field
 * writers append the payload, `end()` patches length and sequence id (splitting payloads of 16 MiB or
 * more into several physical packets). Many packets are then handed to the sink in one write.
 */
export class PacketWriter {
  /** Sequence id of the next packet; the connection sets it per command. */
  sequence = 0;
  private buf: Buffer = Buffer.allocUnsafe(INITIAL_SIZE);
  private pos = 0;
  private start = -1;
  private readonly sink: PacketSink;

  constructor(sink: PacketSink) {
    this.sink = sink;
  }

  /** Bytes waiting to be flushed. */
  get buffered(): number {
    return this.pos;
  }

  private ensure(n: number): void {
    if (this.pos + n <= this.buf.length) return;
    let size = this.buf.length * 2;
    while (size < this.pos + n) size *= 2;
    const next = Buffer.allocUnsafe(size);
    this.buf.copy(next, 0, 0, this.pos);
    this.buf = next;
  }

  /** Starts a packet. */
  begin(): void {
    this.ensure(4);
    this.start = this.pos;
    this.pos += 4;
  }

  /** Ends the packet started by `begin()`, writing its header(s). */
  end(): void {
    const start = this.start;
    const length = this.pos - start - 4;
    this.start = -1;
    if (length < MAX_PACKET_PAYLOAD) {
      const buf = this.buf;
      buf[start] = length & 0xff;
      buf[start + 1] = (length >>> 8) & 0xff;
      buf[start + 2] = length >>> 16;
      buf[start + 3] = this.sequence;
      this.sequence = (this.sequence + 1) & 0xff;
      return;
    }
    // Split: chunks of exactly 0xFFFFFF, the last one shorter (possibly empty).
    const payload = Buffer.from(this.buf.subarray(start + 4, this.pos));
    this.pos = start;
    const chunks = Math.floor(length / MAX_PACKET_PAYLOAD) + 1;
    this.ensure(length + 4 * chunks);
    for (let offset = 0; offset <= length; offset += MAX_PACKET_PAYLOAD) {
      const size = Math.min(MAX_PACKET_PAYLOAD, length - offset);
      this.buf.writeUIntLE(size, this.pos, 3);
      this.buf[this.pos + 3] = this.sequence;
      this.sequence = (this.sequence + 1) & 0xff;
      payload.copy(this.buf, this.pos + 4, offset, offset + size);
      this.pos += 4 + size;
    }
  }

  /** Drops a packet started by `begin()` but not ended (after an error while building it). */
  discardPacket(): void {
    if (this.start < 0) return;
    this.pos = this.start;
    this.start = -1;
  }

  /** Writes a complete packet with the given payload. */
  packet(payload: Buffer): void {
    this.begin();
    this.bytes(payload);
    this.end();
  }

  /** int<1> */
  int1(value: number): void {
    this.ensure(1);
    this.buf[this.pos++] = value & 0xff;
  }

  /** int<2> */
  int2(value: number): void {
    this.ensure(2);
    const buf = this.buf;
    buf[this.pos] = value & 0xff;
    buf[this.pos + 1] = (value >>> 8) & 0xff;
    this.pos += 2;
  }

  /** int<3> */
  int3(value: number): void {
    this.ensure(3);
    const buf = this.buf;
    buf[this.pos] = value & 0xff;
    buf[this.pos + 1] = (value >>> 8) & 0xff;
    buf[this.pos + 2] = (value >>> 16) & 0xff;
    this.pos += 3;
  }

  /** int<4> (two's complement for negative numbers). */
  int4(value: number): void {
    this.ensure(4);
    this.buf.writeUInt32LE(value >>> 0, this.pos);
    this.pos += 4;
  }

  /** int<8>, any 64-bit pattern (signed or unsigned). */
  int8(value: bigint): void {
    this.ensure(8);
    this.buf.writeBigUInt64LE(BigInt.asUintN(64, value), this.pos);
    this.pos += 8;
  }

  /** IEEE-754 single. */
  float(value: number): void {
    this.ensure(4);
    this.buf.writeFloatLE(value, this.pos);
    this.pos += 4;
  }

  /** IEEE-754 double. */
  double(value: number): void {
    this.ensure(8);
    this.buf.writeDoubleLE(value, this.pos);
    this.pos += 8;
  }

  /** `n` zero bytes. */
  zeros(n: number): void {
    this.ensure(n);
    this.buf.fill(0, this.pos, this.pos + n);
    this.pos += n;
  }

  /** Length-encoded integer. */
  lenencInt(value: number): void {
    if (value < 0xfb) {
      this.int1(value);
    } else if (value < 0x10000) {
      this.int1(0xfc);
      this.int2(value);
    } else if (value < 0x1000000) {
      this.int1(0xfd);
      this.int3(value);
    } else {
      this.int1(0xfe);
      this.int8(BigInt(value));
    }
  }

  /** The NULL marker of text rows (0xFB). */
  nullMarker(): void {
    this.ensure(1);
    this.buf[this.pos++] = 0xfb;
  }

  /** Length-encoded UTF-8 string. */
  lenencString(value: string): void {
    const chars = value.length;
    if (chars <= 83) {
      // At most 3 UTF-8 bytes per UTF-16 unit: 83 * 3 < 251, so a 1-byte length prefix is enough.
      this.ensure(1 + chars * 3);
      const buf = this.buf;
      const at = this.pos + 1;
      let i = 0;
      for (; i < chars; i++) {
        const c = value.charCodeAt(i);
        if (c >= 0x80) break;
        buf[at + i] = c;
      }
      const written = i === chars ? chars : i + buf.write(value.slice(i), at + i, 'utf8');
      buf[this.pos] = written;
      this.pos = at + written;
      return;
    }
    const length = Buffer.byteLength(value, 'utf8');
    this.lenencInt(length);
    this.ensure(length);
    this.buf.write(value, this.pos, length, 'utf8');
    this.pos += length;
  }

  /** Length-encoded bytes. */
  lenencBytes(value: Buffer): void {
    this.lenencInt(value.length);
    this.bytes(value);
  }

  /** NUL-terminated UTF-8 string. */
  nulString(value: string): void {
    this.string(value);
    this.int1(0);
  }

  /** UTF-8 string without length or terminator (e.g. `string<EOF>`). */
  string(value: string): void {
    const length = Buffer.byteLength(value, 'utf8');
    this.ensure(length);
    this.buf.write(value, this.pos, length, 'utf8');
    this.pos += length;
  }

  /** Raw bytes. */
  bytes(value: Buffer): void {
    this.ensure(value.length);
    value.copy(this.buf, this.pos);
    this.pos += value.length;
  }

  /**
   * Flushes if enough bytes are buffered. Returns a promise only when the caller has to wait (socket
   * backpressure), so tight loops can skip the `await` otherwise.
   */
  maybeFlush(): Promise<void> | undefined {
    if (this.pos < FLUSH_THRESHOLD) return undefined;
    return this.flush();
  }

  /**
   * Hands everything buffered to the sink; resolves when the sink is ready for more.
   * Throws {@link ConnectionClosedError} if the peer is gone.
   */
  flush(): Promise<void> | undefined {
    if (this.sink.closed) {
      this.pos = 0;
      return Promise.reject(new ConnectionClosedError());
    }
    if (this.pos === 0) return undefined;
    const chunk = this.buf.subarray(0, this.pos);
    this.buf = Buffer.allocUnsafe(this.buf.length > KEEP_LIMIT ? INITIAL_SIZE : this.buf.length);
    this.pos = 0;
    if (this.sink.write(chunk)) return undefined;
    return this.sink.drain().then(() => {
      if (this.sink.closed) throw new ConnectionClosedError();
    });
  }
}
