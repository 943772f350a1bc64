/** Thrown when a packet is shorter than its fields claim. */
export class MalformedPacketError extends Error {
  constructor(message = 'Malformed packet') {
    super(message);
    this.name = 'MalformedPacketError';
  }
}

/** A cursor over one (already reassembled) packet payload, reading MySQL protocol fields. */
export class PacketReader {
  /** The payload being read. */
  readonly buffer: Buffer;
  /** Offset of the next unread byte. */
  offset: number;

  constructor(buffer: Buffer, offset = 0) {
    this.buffer = buffer;
    this.offset = offset;
  }

  /** Bytes left to read. */
  get remaining(): number {
    return this.buffer.length - this.offset;
  }

  private need(n: number): number {
    const at = this.offset;
    if (at + n > this.buffer.length) throw new MalformedPacketError();
    this.offset = at + n;
    return at;
  }

  /** int<1> */
  u8(): number {
    return this.buffer[this.need(1)]!;
  }

  /** int<2> */
  u16(): number {
    return this.buffer.readUInt16LE(this.need(2));
  }

  /** int<3> */
  u24(): number {
    return this.buffer.readUIntLE(this.need(3), 3);
  }

  /** int<4> */
  u32(): number {
    return this.buffer.readUInt32LE(this.need(4));
  }

  /** Signed int<1>. */
  i8(): number {
    return this.buffer.readInt8(this.need(1));
  }

  /** Signed int<2>. */
  i16(): number {
    return this.buffer.readInt16LE(this.need(2));
  }

  /** Signed int<4>. */
  i32(): number {
    return this.buffer.readInt32LE(this.need(4));
  }

  /** int<8>, unsigned. */
  u64(): bigint {
    return this.buffer.readBigUInt64LE(this.need(8));
  }

  /** int<8>, signed. */
  i64(): bigint {
    return this.buffer.readBigInt64LE(this.need(8));
  }

  /** IEEE-754 single. */
  float(): number {
    return this.buffer.readFloatLE(this.need(4));
  }

  /** IEEE-754 double. */
  double(): number {
    return this.buffer.readDoubleLE(this.need(8));
  }

  /** Length-encoded integer; `null` for the NULL marker 0xFB. */
  lenencInt(): number | null {
    const first = this.u8();
    if (first < 0xfb) return first;
    if (first === 0xfb) return null;
    if (first === 0xfc) return this.u16();
    if (first === 0xfd) return this.u24();
    if (first === 0xfe) return Number(this.u64());
    throw new MalformedPacketError('Invalid length-encoded integer');
  }

  /** Length-encoded byte string (NULL marker read as empty). */
  lenencBytes(): Buffer {
    const length = this.lenencInt() ?? 0;
    return this.bytes(length);
  }

  /** Length-encoded UTF-8 string. */
  lenencString(): string {
    return this.lenencBytes().toString('utf8');
  }

  /** NUL-terminated bytes (to the end if there is no NUL). */
  nulBytes(): Buffer {
    const start = this.offset;
    let end = this.buffer.indexOf(0, start);
    if (end < 0) end = this.buffer.length;
    this.offset = Math.min(end + 1, this.buffer.length);
    return this.buffer.subarray(start, end);
  }

  /** NUL-terminated UTF-8 string (to the end if there is no NUL). */
  nulString(): string {
    return this.nulBytes().toString('utf8');
  }

  /** Exactly `n` bytes (a view, not a copy). */
  bytes(n: number): Buffer {
    const at = this.need(n);
    return this.buffer.subarray(at, at + n);
  }

  /** All remaining bytes. */
  rest(): Buffer {
    return this.bytes(this.remaining);
  }

  /** All remaining bytes as UTF-8. */
  restString(): string {
    return this.rest().toString('utf8');
  }

  /** Skips `n` bytes. */
  skip(n: number): void {
    this.need(n);
  }
}
