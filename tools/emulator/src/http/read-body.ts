import type { IncomingMessage } from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';

/** Why reading a body stopped early. */
export class BodyReadError extends Error {
  override readonly name = 'BodyReadError';
  readonly kind: 'cut' | 'aborted' | 'too-large';

  constructor(message: string, kind: 'cut' | 'aborted' | 'too-large') {
    super(message);
    this.kind = kind;
  }
}

export interface ReadBodyOptions {
  /** Maximum bytes accepted (chunked bodies); larger bodies fail. */
  readonly limit: number;
  /** Destroy the connection after this many bytes (fault injection). */
  readonly cutAfter: number | null;
  /** Read at most this many bytes per second (fault injection). */
  readonly throttleBytesPerSec: number | null;
  /** Count only, keep nothing (blackhole mode). */
  readonly discard: boolean;
  /** For `discard`: also count occurrences of this byte. */
  readonly countByte?: number;
}

export interface BodyResult {
  readonly body: Buffer;
  readonly bytes: number;
  /** Occurrences of `countByte` (blackhole row count). */
  readonly counted: number;
  readonly readMs: number;
}

/** Reads a request body with the emulator's limits and faults. */
export async function readBody(req: IncomingMessage, o: ReadBodyOptions): Promise<BodyResult> {
  const start = Date.now();
  const chunks: Buffer[] = [];
  let bytes = 0;
  let counted = 0;
  let lastByte = -1;
  try {
    for await (const chunk of req as AsyncIterable<Buffer>) {
      let c = chunk;
      if (o.cutAfter !== null && bytes + c.length >= o.cutAfter) {
        c = c.subarray(0, Math.max(0, o.cutAfter - bytes));
        bytes += c.length;
        req.socket.destroy();
        throw new BodyReadError(`connection cut after ${bytes} body bytes (injected)`, 'cut');
      }
      bytes += c.length;
      if (bytes > o.limit)
        throw new BodyReadError(`body size ${bytes} exceed limit: ${o.limit}`, 'too-large');
      if (o.discard) {
        if (o.countByte !== undefined) {
          let i = c.indexOf(o.countByte);
          while (i >= 0) {
            counted++;
            i = c.indexOf(o.countByte, i + 1);
          }
          lastByte = c[c.length - 1] ?? lastByte;
        }
      } else chunks.push(c);
      if (o.throttleBytesPerSec !== null && o.throttleBytesPerSec > 0) {
        const due = (bytes / o.throttleBytesPerSec) * 1000 - (Date.now() - start);
        if (due > 0) await sleep(due);
      }
    }
  } catch (err) {
    if (err instanceof BodyReadError) throw err;
    throw new BodyReadError(`request body aborted: ${(err as Error).message}`, 'aborted');
  }
  if (!req.complete) throw new BodyReadError('request body aborted by the client', 'aborted');
  // a last record without a trailing delimiter still counts
  if (o.discard && o.countByte !== undefined && bytes > 0 && lastByte !== o.countByte) counted++;
  return {
    body: o.discard ? Buffer.alloc(0) : Buffer.concat(chunks, bytes),
    bytes,
    counted,
    readMs: Date.now() - start,
  };
}
