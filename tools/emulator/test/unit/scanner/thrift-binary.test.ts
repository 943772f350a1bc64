import { describe, expect, it } from 'vitest';
import {
  decodeScanOpenParams,
  STATUS_OK,
  TStatusCode,
  writeScanBatchResult,
  writeScanOpenResult,
} from '../../../src/scanner/scan-thrift.js';
import {
  applicationException,
  NeedMoreData,
  ThriftProtocolError,
  ThriftReader,
  type ThriftStruct,
  ThriftWriter,
  TMessageType,
  TType,
} from '../../../src/scanner/thrift-binary.js';

function message(): Buffer {
  const w = new ThriftWriter().messageBegin('open_scanner', TMessageType.CALL, 42);
  w.fieldBegin(TType.STRUCT, 1);
  w.fieldBegin(TType.STRING, 1).string('default_cluster');
  w.fieldBegin(TType.STRING, 2).string('db');
  w.fieldBegin(TType.STRING, 3).string('tbl');
  w.fieldBegin(TType.LIST, 4).listBegin(TType.I64, 2).i64(1n).i64(-9223372036854775808n);
  w.fieldBegin(TType.STRING, 5).string('cGxhbg==');
  w.fieldBegin(TType.I32, 6).i32(4096);
  w.fieldBegin(TType.MAP, 7).byte(TType.STRING).byte(TType.STRING).i32(1).string('k').string('v');
  w.fieldBegin(TType.I64, 8).i64(10n);
  w.fieldBegin(TType.STRING, 9).string('root');
  w.fieldBegin(TType.STRING, 10).string('');
  w.fieldBegin(TType.I16, 11).i16(7);
  w.fieldBegin(TType.I32, 12).i32(3600);
  w.fieldBegin(TType.I64, 13).i64(1n << 40n);
  // an unknown field of every kind is skipped
  w.fieldBegin(TType.DOUBLE, 99).i64(0n);
  w.fieldBegin(TType.BOOL, 100).bool(true);
  w.fieldBegin(TType.STRUCT, 101).fieldBegin(TType.BYTE, 1).byte(-1).fieldStop();
  w.fieldBegin(TType.SET, 102).listBegin(TType.I32, 1).i32(5);
  w.fieldStop();
  return w.fieldStop().toBuffer();
}

describe('TBinaryProtocol codec', () => {
  it('reads a strict message and every value kind; TScanOpenParams decodes', () => {
    const r = new ThriftReader(message());
    expect(r.messageBegin()).toEqual({ name: 'open_scanner', type: TMessageType.CALL, seqId: 42 });
    const args = r.struct();
    expect(r.pos).toBe(message().length);
    const p = decodeScanOpenParams(args.get(1)!.value as ThriftStruct);
    expect(p).toEqual({
      cluster: 'default_cluster',
      database: 'db',
      table: 'tbl',
      tabletIds: [1n, -9223372036854775808n],
      opaquedQueryPlan: 'cGxhbg==',
      batchSize: 4096,
      properties: new Map([['k', 'v']]),
      limit: 10n,
      user: 'root',
      passwd: '',
      keepAliveMin: 7,
      queryTimeout: 3600,
      memLimit: 1n << 40n,
    });
    const params = args.get(1)!.value as ThriftStruct;
    expect(params.get(100)).toEqual({ type: TType.BOOL, value: true });
    expect(params.get(102)).toEqual({ type: TType.SET, value: [5] });
  });

  it('throws NeedMoreData for every truncated prefix', () => {
    const full = message();
    for (let n = 0; n < full.length; n++) {
      const r = new ThriftReader(full.subarray(0, n));
      expect(() => {
        r.messageBegin();
        r.struct();
      }, `prefix ${n}`).toThrow(NeedMoreData);
    }
  });

  it('reads an old-style (non-strict) header', () => {
    const w = new ThriftWriter().i32(8);
    const b = Buffer.concat([
      w.toBuffer(),
      Buffer.from('get_next'),
      Buffer.from([1]),
      Buffer.from([0, 0, 0, 9, 0]),
    ]);
    const r = new ThriftReader(b);
    expect(r.messageBegin()).toEqual({ name: 'get_next', type: 1, seqId: 9 });
    expect(r.struct().size).toBe(0);
  });

  it('rejects garbage: a wrong version, an HTTP request, negative lengths, unknown types', () => {
    expect(() => new ThriftReader(Buffer.from([0x80, 0x02, 0, 1, 0, 0, 0, 0])).messageBegin()).toThrow(
      ThriftProtocolError,
    );
    expect(() => new ThriftReader(Buffer.from('GET / HTTP/1.1\r\n\r\n')).messageBegin()).toThrow(
      ThriftProtocolError,
    );
    const neg = new ThriftWriter().fieldBegin(TType.STRING, 1).i32(-5).toBuffer();
    expect(() => new ThriftReader(neg).struct()).toThrow(ThriftProtocolError);
    expect(() => new ThriftReader(Buffer.from([77, 0, 1])).struct()).toThrow(ThriftProtocolError);
  });

  it('writes TStatus without error_msgs when OK and with exactly one message otherwise', () => {
    const ok = new ThriftWriter();
    writeScanBatchResult(ok, { status: STATUS_OK, eos: true });
    expect(ok.toBuffer()).toEqual(
      Buffer.from([TType.STRUCT, 0, 1, TType.I32, 0, 1, 0, 0, 0, 0, 0, TType.BOOL, 0, 2, 1, 0]),
    );
    const err = new ThriftWriter();
    writeScanOpenResult(err, {
      status: { code: TStatusCode.NOT_FOUND, message: 'x' },
      contextId: 'c',
      selectedColumns: [{ name: 'a', type: 5 }],
    });
    const s = new ThriftReader(err.toBuffer()).struct();
    const status = s.get(1)!.value as ThriftStruct;
    expect(status.get(1)!.value).toBe(31);
    expect((status.get(2)!.value as Buffer[]).map(String)).toEqual(['x']);
    expect(String(s.get(2)!.value)).toBe('c');
    const cols = s.get(3)!.value as ThriftStruct[];
    expect(cols.map((c) => [String(c.get(1)!.value), c.get(2)!.value])).toEqual([['a', 5]]);
  });

  it('encodes a TApplicationException reply', () => {
    const r = new ThriftReader(applicationException('foo', 3, 1, "Invalid method name: 'foo'"));
    expect(r.messageBegin()).toEqual({ name: 'foo', type: TMessageType.EXCEPTION, seqId: 3 });
    const s = r.struct();
    expect(String(s.get(1)!.value)).toBe("Invalid method name: 'foo'");
    expect(s.get(2)!.value).toBe(1);
  });

  it('grows its buffer for large values', () => {
    const big = Buffer.alloc(20_000, 7);
    const w = new ThriftWriter().binary(big).i64(5n);
    const r = new ThriftReader(w.toBuffer());
    expect(r.binary().equals(big)).toBe(true);
    expect(r.i64()).toBe(5n);
  });
});
