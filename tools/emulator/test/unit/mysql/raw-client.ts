import { createHash } from 'node:crypto';
import { connect, type Socket } from 'node:net';

/** Capability bits used by the raw test client (spelled out here, independent of the server code). */
export const CLIENT = {
  CONNECT_WITH_DB: 8,
  PROTOCOL_41: 512,
  TRANSACTIONS: 8192,
  SECURE_CONNECTION: 32768,
  MULTI_RESULTS: 1 << 17,
  PLUGIN_AUTH: 1 << 19,
  PLUGIN_AUTH_LENENC_CLIENT_DATA: 1 << 21,
  DEPRECATE_EOF: 1 << 24,
};

export interface RawPacket {
  seq: number;
  payload: Buffer;
}

export interface RawConnectOptions {
  user: string;
  password: string;
  database?: string;
  deprecateEof?: boolean;
  /** Auth plugin named in the handshake response; anything but mysql_native_password forces an auth switch. */
  plugin?: string;
}

function sha1(...parts: Buffer[]): Buffer {
  const h = createHash('sha1');
  for (const p of parts) h.update(p);
  return h.digest();
}

/** Client-side mysql_native_password token. */
export function nativeToken(password: string, scramble: Buffer): Buffer {
  if (!password) return Buffer.alloc(0);
  const s1 = sha1(Buffer.from(password));
  const s3 = sha1(scramble, sha1(s1));
  return Buffer.from(s1.map((b, i) => b ^ s3[i]!));
}

function lenenc(n: number): Buffer {
  if (n < 251) return Buffer.from([n]);
  const b = Buffer.alloc(3);
  b[0] = 0xfc;
  b.writeUInt16LE(n, 1);
  return b;
}

/** Reads a length-encoded integer at `offset`: [value, next offset]. */
export function readLenenc(buf: Buffer, offset: number): [number | null, number] {
  const first = buf[offset]!;
  if (first < 0xfb) return [first, offset + 1];
  if (first === 0xfb) return [null, offset + 1];
  if (first === 0xfc) return [buf.readUInt16LE(offset + 1), offset + 3];
  if (first === 0xfd) return [buf.readUIntLE(offset + 1, 3), offset + 4];
  return [Number(buf.readBigUInt64LE(offset + 1)), offset + 9];
}

/** Decodes a text row: values as strings, null for 0xFB. */
export function decodeTextRow(payload: Buffer): (string | null)[] {
  const out: (string | null)[] = [];
  let at = 0;
  while (at < payload.length) {
    const [len, next] = readLenenc(payload, at);
    if (len === null) {
      out.push(null);
      at = next;
    } else {
      out.push(payload.toString('utf8', next, next + len));
      at = next + len;
    }
  }
  return out;
}

/**
 * A deliberately small MySQL client working on raw packets, for protocol paths mysql2 and the mariadb
 * client do not take (CLIENT_DEPRECATE_EOF, auth switch, odd commands, pipelining, raw throughput).
 */
export class RawClient {
  readonly socket: Socket;
  deprecateEof = false;
  private buffer: Buffer = Buffer.alloc(0);
  private queue: RawPacket[] = [];
  private waiters: ((p: RawPacket | null) => void)[] = [];
  private closed = false;
  /** Counts packets without storing them when set (for throughput runs). */
  sink: ((packet: Buffer) => void) | null = null;

  private constructor(socket: Socket) {
    this.socket = socket;
    socket.on('data', (chunk: Buffer) => this.onData(chunk));
    socket.on('close', () => {
      this.closed = true;
      for (const w of this.waiters.splice(0)) w(null);
    });
    socket.on('error', () => {});
  }

  static open(port: number): Promise<RawClient> {
    return new Promise((resolve, reject) => {
      const socket = connect(port, '127.0.0.1', () => resolve(new RawClient(socket)));
      socket.once('error', reject);
    });
  }

  private onData(chunk: Buffer): void {
    this.buffer = this.buffer.length ? Buffer.concat([this.buffer, chunk]) : chunk;
    let at = 0;
    while (this.buffer.length - at >= 4) {
      const len = this.buffer.readUIntLE(at, 3);
      if (this.buffer.length - at < 4 + len) break;
      const packet = { seq: this.buffer[at + 3]!, payload: this.buffer.subarray(at + 4, at + 4 + len) };
      at += 4 + len;
      if (this.sink) this.sink(packet.payload);
      else {
        const w = this.waiters.shift();
        if (w) w(packet);
        else this.queue.push(packet);
      }
    }
    this.buffer = this.buffer.subarray(at);
  }

  /** Next packet (null if the server closed the connection). */
  read(): Promise<RawPacket | null> {
    const p = this.queue.shift();
    if (p) return Promise.resolve(p);
    if (this.closed) return Promise.resolve(null);
    return new Promise((resolve) => this.waiters.push(resolve));
  }

  async readOrThrow(): Promise<RawPacket> {
    const p = await this.read();
    if (!p) throw new Error('connection closed');
    return p;
  }

  /** Writes one packet (payload < 16 MiB). */
  send(seq: number, payload: Buffer): void {
    const header = Buffer.alloc(4);
    header.writeUIntLE(payload.length, 0, 3);
    header[3] = seq;
    this.socket.write(Buffer.concat([header, payload]));
  }

  /** Frames a command packet (sequence 0) without sending it. */
  static frame(payload: Buffer, seq = 0): Buffer {
    const header = Buffer.alloc(4);
    header.writeUIntLE(payload.length, 0, 3);
    header[3] = seq;
    return Buffer.concat([header, payload]);
  }

  /** Handshake + authentication; resolves with the final OK/ERR packet and the handshake's scramble. */
  async login(
    options: RawConnectOptions,
  ): Promise<{ result: RawPacket; scramble: Buffer; switched: boolean }> {
    const hs = (await this.readOrThrow()).payload;
    let at = 1;
    at = hs.indexOf(0, at) + 1; // server version
    at += 4; // connection id
    const part1 = hs.subarray(at, at + 8);
    at += 9;
    const capsLow = hs.readUInt16LE(at);
    at += 2 + 1 + 2;
    const capsHigh = hs.readUInt16LE(at);
    at += 2;
    const authLen = hs[at]!;
    at += 1 + 10;
    const part2 = hs.subarray(at, at + Math.max(13, authLen - 8) - 1);
    const scramble = Buffer.concat([part1, part2]);
    const serverCaps = capsLow | (capsHigh << 16);
    this.deprecateEof = Boolean(options.deprecateEof) && (serverCaps & CLIENT.DEPRECATE_EOF) !== 0;
    let flags =
      CLIENT.PROTOCOL_41 |
      CLIENT.SECURE_CONNECTION |
      CLIENT.PLUGIN_AUTH |
      CLIENT.PLUGIN_AUTH_LENENC_CLIENT_DATA |
      CLIENT.TRANSACTIONS |
      CLIENT.MULTI_RESULTS;
    if (options.database) flags |= CLIENT.CONNECT_WITH_DB;
    if (this.deprecateEof) flags |= CLIENT.DEPRECATE_EOF;
    const plugin = options.plugin ?? 'mysql_native_password';
    const token =
      plugin === 'mysql_native_password'
        ? nativeToken(options.password, scramble)
        : Buffer.alloc(options.password ? 32 : 0, 7);
    const fixed = Buffer.alloc(32);
    fixed.writeUInt32LE(flags >>> 0, 0);
    fixed.writeUInt32LE(1 << 24, 4);
    fixed[8] = 45;
    const parts = [fixed, Buffer.from(`${options.user}\0`), lenenc(token.length), token];
    if (options.database) parts.push(Buffer.from(`${options.database}\0`));
    parts.push(Buffer.from(`${plugin}\0`));
    this.send(1, Buffer.concat(parts));
    let result = await this.readOrThrow();
    let switched = false;
    if (result.payload[0] === 0xfe) {
      switched = true;
      const nameEnd = result.payload.indexOf(0, 1);
      const name = result.payload.toString('utf8', 1, nameEnd);
      if (name !== 'mysql_native_password') throw new Error(`unexpected plugin ${name}`);
      const newScramble = result.payload.subarray(nameEnd + 1, nameEnd + 21);
      this.send(result.seq + 1, nativeToken(options.password, newScramble));
      result = await this.readOrThrow();
    }
    return { result, scramble, switched };
  }

  /** Sends a command (sequence 0). */
  command(code: number, body: Buffer | string = Buffer.alloc(0)): void {
    this.send(0, Buffer.concat([Buffer.from([code]), typeof body === 'string' ? Buffer.from(body) : body]));
  }

  /**
   * Reads a complete COM_QUERY-style response: OK/ERR, or a result set (column count, definitions,
   * EOF unless DEPRECATE_EOF, rows, terminator). Returns every packet in order.
   */
  async readResponse(): Promise<RawPacket[]> {
    const first = await this.readOrThrow();
    const packets = [first];
    const tag = first.payload[0];
    if (tag === 0x00 || tag === 0xff || tag === 0xfe) return packets;
    const [columns] = readLenenc(first.payload, 0);
    for (let i = 0; i < (columns ?? 0); i++) packets.push(await this.readOrThrow());
    if (!this.deprecateEof) packets.push(await this.readOrThrow());
    for (;;) {
      const p = await this.readOrThrow();
      packets.push(p);
      if (p.payload[0] === 0xff) return packets;
      if (p.payload[0] === 0xfe && p.payload.length < 0xffffff) return packets;
    }
  }

  close(): void {
    this.socket.destroy();
  }
}

/** Decodes an ERR packet. */
export function parseErr(payload: Buffer): { errno: number; sqlState: string; message: string } {
  return {
    errno: payload.readUInt16LE(1),
    sqlState: payload.toString('utf8', 4, 9),
    message: payload.toString('utf8', 9),
  };
}
