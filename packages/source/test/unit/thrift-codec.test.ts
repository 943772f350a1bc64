import { describe, expect, it } from 'vitest';
import {
  decodeReply,
  IncompleteMessage,
  ThriftApplicationError,
  ThriftEncoder,
  ThriftProtocolError,
  TType,
} from '../../src/thrift-codec.js';

/** A reply message built byte by byte (strict header), independent of the encoder under test. */
function reply(method: string, seqId: number, body: number[], type = 2): Buffer {
  const name = Buffer.from(method);
  const head = Buffer.alloc(12 + name.length);
  head.writeInt32BE(0x80010000 | type | 0, 0);
  head.writeInt32BE(name.length, 4);
  name.copy(head, 8);
  head.writeInt32BE(seqId, 8 + name.length);
  return Buffer.concat([head, Buffer.from(body)]);
}

const i32 = (v: number) => [(v >>> 24) & 255, (v >>> 16) & 255, (v >>> 8) & 255, v & 255];
const str = (s: string) => [...i32(Buffer.byteLength(s)), ...Buffer.from(s)];

// TScanBatchResult{status{status_code=0}, eos=false, rows="abc"} wrapped as result field 0
const BATCH = [
  TType.STRUCT,
  0,
  0, // success
  TType.STRUCT,
  0,
  1,
  TType.I32,
  0,
  1,
  ...i32(0),
  0, // status
  TType.BOOL,
  0,
  2,
  0, // eos
  TType.STRING,
  0,
  3,
  ...str('abc'), // rows
  0, // end TScanBatchResult
  0, // end result
];

describe('ThriftEncoder', () => {
  it('writes a strict CALL header, the args struct with field 1, and two STOPs', () => {
    const e = new ThriftEncoder().call('get_next', 7);
    e.field(TType.STRING, 1).string('ctx');
    e.field(TType.I64, 2).i64(42n);
    const bytes = e.finish();
    const expected = Buffer.from([
      0x80,
      0x01,
      0x00,
      0x01,
      ...str('get_next'),
      ...i32(7),
      TType.STRUCT,
      0,
      1,
      TType.STRING,
      0,
      1,
      ...str('ctx'),
      TType.I64,
      0,
      2,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      42,
      0,
      0,
    ]);
    expect(bytes).toEqual(expected);
  });

  it('grows its buffer for large values and counts UTF-8 bytes', () => {
    const big = 'é'.repeat(10_000);
    const bytes = new ThriftEncoder().call('m', 1).field(TType.STRING, 1).string(big).finish();
    expect(bytes.readInt32BE(4 + 4 + 1 + 4 + 3 + 3)).toBe(20_000);
  });
});

describe('decodeReply', () => {
  it('decodes a reply and reports its length', () => {
    const msg = reply('get_next', 3, BATCH);
    const r = decodeReply(Buffer.concat([msg, Buffer.from([1, 2, 3])]));
    expect(r).toMatchObject({ method: 'get_next', seqId: 3, length: msg.length });
    expect(r.success?.get(2)).toBe(false);
    expect(String(r.success?.get(3))).toBe('abc');
  });

  it('asks for more bytes at every cut, knowing the length once a string header is in', () => {
    const msg = reply('get_next', 3, BATCH);
    for (let cut = 0; cut < msg.length; cut++) {
      let err: unknown;
      try {
        decodeReply(msg.subarray(0, cut));
      } catch (e) {
        err = e;
      }
      expect(err, `cut ${cut}`).toBeInstanceOf(IncompleteMessage);
      expect((err as IncompleteMessage).needed).toBeGreaterThan(cut);
      expect((err as IncompleteMessage).needed).toBeLessThanOrEqual(msg.length);
    }
  });

  it('turns an EXCEPTION message into ThriftApplicationError with its text and type', () => {
    const msg = reply(
      'nope',
      1,
      [TType.STRING, 0, 1, ...str('Invalid method name'), TType.I32, 0, 2, ...i32(1), 0],
      3,
    );
    expect(() => decodeReply(msg)).toThrow(ThriftApplicationError);
    expect(() => decodeReply(msg)).toThrow('Invalid method name');
  });

  it('refuses bytes that are not a strict binary message', () => {
    expect(() => decodeReply(Buffer.from('HTTP/1.1 400 Bad Request\r\n'))).toThrow(ThriftProtocolError);
  });

  it('refuses unknown field types and negative lengths', () => {
    expect(() => decodeReply(reply('x', 1, [99, 0, 1, 0]))).toThrow(/unknown Thrift type 99/);
    expect(() => decodeReply(reply('x', 1, [TType.STRING, 0, 1, 255, 255, 255, 255, 0]))).toThrow(/negative/);
  });
});
