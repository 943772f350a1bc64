import { MAX_PACKET_PAYLOAD } from './protocol-constants.js';

/** One logical packet: payload reassembled from its physical packets, and the sequence id of the last one. */
export interface Packet {
  sequence: number;
  payload: Buffer;
}

/**
 * Cuts a TCP byte stream into MySQL packets: 3-byte little-endian length + 1-byte sequence id + payload.
 * Handles several packets per chunk, packets split across chunks and payloads of 16 MiB or more that
 * arrive as several physical packets (each 0xFFFFFF long, ended by a shorter one).
 */
export class PacketFramer {
  private chunks: Buffer[] = [];
  private buffered = 0;
  private parts: Buffer[] = [];
  private partsLength = 0;

  /** Bytes received but not yet emitted as a packet. */
  get pendingBytes(): number {
    return this.buffered + this.partsLength;
  }

  /** Feeds a chunk; returns the packets it completed (possibly none). */
  push(chunk: Buffer): Packet[] {
    if (chunk.length > 0) {
      this.chunks.push(chunk);
      this.buffered += chunk.length;
    }
    const packets: Packet[] = [];
    while (this.buffered >= 4) {
      const header = this.peekHeader();
      const length = header.readUIntLE(0, 3);
      if (this.buffered < 4 + length) break;
      const sequence = header[3]!;
      this.take(4);
      const body = this.take(length);
      if (length === MAX_PACKET_PAYLOAD) {
        this.parts.push(body);
        this.partsLength += length;
        continue;
      }
      let payload = body;
      if (this.parts.length > 0) {
        this.parts.push(body);
        payload = Buffer.concat(this.parts, this.partsLength + length);
        this.parts = [];
        this.partsLength = 0;
      }
      packets.push({ sequence, payload });
    }
    return packets;
  }

  private peekHeader(): Buffer {
    const first = this.chunks[0]!;
    if (first.length >= 4) return first;
    // Merge leading small chunks so the header is contiguous.
    const merged = Buffer.concat(this.chunks);
    this.chunks = [merged];
    return merged;
  }

  private take(n: number): Buffer {
    this.buffered -= n;
    const first = this.chunks[0];
    if (n === 0) return Buffer.alloc(0);
    if (first && first.length > n) {
      this.chunks[0] = first.subarray(n);
      return first.subarray(0, n);
    }
    if (first && first.length === n) {
      this.chunks.shift();
      return first;
    }
    const out = Buffer.allocUnsafe(n);
    let filled = 0;
    while (filled < n) {
      const chunk = this.chunks[0]!;
      const want = n - filled;
      if (chunk.length <= want) {
        chunk.copy(out, filled);
        filled += chunk.length;
        this.chunks.shift();
      } else {
        chunk.copy(out, filled, 0, want);
        this.chunks[0] = chunk.subarray(want);
        filled += want;
      }
    }
    return out;
  }
}
