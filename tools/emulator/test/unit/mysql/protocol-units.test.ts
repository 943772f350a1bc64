import { describe, expect, it } from 'vitest';
import { createScramble, nativePasswordToken, verifyNativePassword } from '../../../src/mysql/auth.js';
import { BinaryRowEncoder, parseBigIntText } from '../../../src/mysql/binary-row.js';
import { MysqlType } from '../../../src/mysql/column-types.js';
import { PacketFramer } from '../../../src/mysql/packet-framer.js';
import { PacketReader } from '../../../src/mysql/packet-reader.js';
import { type PacketSink, PacketWriter } from '../../../src/mysql/packet-writer.js';
import { findPlaceholders, substitutePlaceholders } from '../../../src/mysql/placeholders.js';
import { quoteString, toSqlLiteral } from '../../../src/mysql/sql-literal.js';
import { decodeExecuteRequest } from '../../../src/mysql/statement-params.js';
import { nativeToken } from './raw-client.js';

function collectingWriter(): { w: PacketWriter; output: () => Buffer } {
  const chunks: Buffer[] = [];
  const sink: PacketSink = {
    write: (chunk) => {
      chunks.push(Buffer.from(chunk));
      return true;
    },
    drain: async () => {},
    closed: false,
  };
  const w = new PacketWriter(sink);
  return {
    w,
    output: () => {
      void w.flush();
      return Buffer.concat(chunks);
    },
  };
}

function frame(seq: number, payload: Buffer): Buffer {
  const h = Buffer.alloc(4);
  h.writeUIntLE(payload.length, 0, 3);
  h[3] = seq;
  return Buffer.concat([h, payload]);
}

describe('PacketFramer', () => {
  it('handles several packets per chunk and packets split across chunks (even byte by byte)', () => {
    const stream = Buffer.concat([
      frame(0, Buffer.from('\x03select 1')),
      frame(0, Buffer.from('\x0e')),
      frame(5, Buffer.alloc(0)),
      frame(0, Buffer.from('\x03select 2')),
    ]);
    const whole = new PacketFramer().push(stream);
    expect(whole.map((p) => [p.sequence, p.payload.toString('latin1')])).toEqual([
      [0, '\x03select 1'],
      [0, '\x0e'],
      [5, ''],
      [0, '\x03select 2'],
    ]);
    const framer = new PacketFramer();
    const bytewise = [];
    for (const byte of stream) bytewise.push(...framer.push(Buffer.from([byte])));
    expect(bytewise).toEqual(whole);
    expect(framer.pendingBytes).toBe(0);
  });

  it('reassembles payloads of 16 MiB and more', () => {
    const big = Buffer.alloc(0xffffff + 10, 0x61);
    const stream = Buffer.concat([
      frame(0, big.subarray(0, 0xffffff)),
      frame(1, big.subarray(0xffffff)),
      frame(0, Buffer.alloc(0xffffff, 0x62)),
      frame(1, Buffer.alloc(0)),
    ]);
    const framer = new PacketFramer();
    const packets = [];
    for (let at = 0; at < stream.length; at += 1 << 20)
      packets.push(...framer.push(stream.subarray(at, at + (1 << 20))));
    expect(packets).toHaveLength(2);
    expect(packets[0]!.sequence).toBe(1);
    expect(packets[0]!.payload.equals(big)).toBe(true);
    expect(packets[1]!.payload.length).toBe(0xffffff);
  });
});

describe('PacketWriter', () => {
  it('frames packets with increasing sequence ids and length-encoded fields', () => {
    const { w, output } = collectingWriter();
    w.sequence = 1;
    w.begin();
    w.lenencInt(250);
    w.lenencInt(251);
    w.lenencInt(70000);
    w.lenencInt(2 ** 24 + 1);
    w.lenencString('é'.repeat(83));
    w.lenencString('x'.repeat(300));
    w.end();
    w.begin();
    w.nullMarker();
    w.end();
    const out = output();
    expect(out.readUIntLE(0, 3)).toBe(out.length - 4 - 5);
    expect(out[3]).toBe(1);
    const r = new PacketReader(out.subarray(4, out.length - 5));
    expect(r.lenencInt()).toBe(250);
    expect(r.lenencInt()).toBe(251);
    expect(r.lenencInt()).toBe(70000);
    expect(r.lenencInt()).toBe(2 ** 24 + 1);
    expect(r.lenencString()).toBe('é'.repeat(83));
    expect(r.lenencString()).toBe('x'.repeat(300));
    expect(r.remaining).toBe(0);
    expect([...out.subarray(out.length - 5)]).toEqual([1, 0, 0, 2, 0xfb]);
  });

  it('splits payloads of 16 MiB or more, adding an empty packet after an exact multiple', () => {
    for (const size of [0xffffff, 0xffffff + 3]) {
      const { w, output } = collectingWriter();
      w.sequence = 254;
      w.begin();
      w.bytes(Buffer.alloc(size, 0x5a));
      w.end();
      const framed = new PacketFramer().push(output());
      expect(framed).toHaveLength(1);
      expect(framed[0]!.payload.length).toBe(size);
      expect(framed[0]!.sequence).toBe(255);
      expect(w.sequence).toBe(0);
    }
  });
});

describe('placeholders', () => {
  it('counts ? outside literals, quoted identifiers and comments', () => {
    const sql =
      "select ?, '?', 'it''s ?', 'a\\'?', \"?\", `?col`, ? -- ?\n, ? # ?\n, /* ? */ ?, x--?\n from t where a=?";
    const positions = findPlaceholders(sql);
    expect(positions).toHaveLength(6);
    const out = substitutePlaceholders(sql, positions, ['1', '2', '3', '4', '5', '6']);
    expect(out).toBe(
      "select 1, '?', 'it''s ?', 'a\\'?', \"?\", `?col`, 2 -- ?\n, 3 # ?\n, /* ? */ 4, x--5\n from t where a=6",
    );
  });

  it('renders literals', () => {
    expect(quoteString("it's a \\ test")).toBe("'it\\'s a \\\\ test'");
    expect(toSqlLiteral({ kind: 'null' })).toBe('NULL');
    expect(toSqlLiteral({ kind: 'number', text: '-1.5e3' })).toBe('-1.5e3');
    expect(toSqlLiteral({ kind: 'number', text: 'NaN' })).toBe("'NaN'");
    expect(toSqlLiteral({ kind: 'bytes', value: Buffer.from([0, 255]) })).toBe("X'00ff'");
    expect(toSqlLiteral({ kind: 'temporal', text: '2024-01-02 03:04:05.000006' })).toBe(
      "'2024-01-02 03:04:05.000006'",
    );
  });
});

describe('auth', () => {
  it('verifies mysql_native_password tokens', () => {
    const scramble = createScramble();
    expect(scramble).toHaveLength(20);
    expect(scramble.includes(0)).toBe(false);
    expect(nativePasswordToken('pw', scramble)).toEqual(nativeToken('pw', scramble));
    expect(verifyNativePassword('pw', scramble, nativeToken('pw', scramble))).toBe(true);
    expect(verifyNativePassword('pw', scramble, nativeToken('px', scramble))).toBe(false);
    expect(verifyNativePassword('pw', scramble, Buffer.alloc(0))).toBe(false);
    expect(verifyNativePassword('', scramble, Buffer.alloc(0))).toBe(true);
    expect(verifyNativePassword('', scramble, nativeToken('x', scramble))).toBe(false);
  });
});

describe('COM_STMT_EXECUTE decoding', () => {
  it('decodes every parameter type and remembers types when new-params-bound is 0', () => {
    const { w, output } = collectingWriter();
    w.begin();
    w.int1(23);
    w.int4(7);
    w.int1(0);
    w.int4(1);
    w.int2(1 << 10); // null bitmap: param 10 is NULL (2 bytes for 11 params)
    w.int1(1);
    const types = [
      [MysqlType.TINY, 0x80],
      [MysqlType.SHORT, 0],
      [MysqlType.LONG, 0x80],
      [MysqlType.LONGLONG, 0],
      [MysqlType.DOUBLE, 0],
      [MysqlType.NEWDECIMAL, 0],
      [MysqlType.VAR_STRING, 0],
      [MysqlType.DATETIME, 0],
      [MysqlType.DATE, 0],
      [MysqlType.TIME, 0],
      [MysqlType.VAR_STRING, 0],
    ];
    for (const [t, f] of types) {
      w.int1(t!);
      w.int1(f!);
    }
    w.int1(200);
    w.int2(-2);
    w.int4(4_000_000_000);
    w.int8(-(2n ** 62n));
    w.double(0.5);
    w.lenencString('-12.50');
    w.lenencString("o'k");
    w.int1(11);
    w.int2(2024);
    w.int1(2);
    w.int1(29);
    w.int1(13);
    w.int1(14);
    w.int1(15);
    w.int4(6);
    w.int1(4);
    w.int2(1999);
    w.int1(12);
    w.int1(31);
    w.int1(8);
    w.int1(1);
    w.int4(1);
    w.int1(2);
    w.int1(3);
    w.int1(4);
    w.end();
    const payload = output().subarray(4);
    const request = decodeExecuteRequest(payload, 11, null);
    expect(request.statementId).toBe(7);
    expect(request.values.map(toSqlLiteral)).toEqual([
      '200',
      '-2',
      '4000000000',
      String(-(2n ** 62n)),
      '0.5',
      '-12.50',
      "'o\\'k'",
      "'2024-02-29 13:14:15.000006'",
      "'1999-12-31'",
      "'-26:03:04'",
      'NULL',
    ]);
    // Same statement again with new-params-bound = 0: types come from the previous execute.
    const again = Buffer.from([23, 7, 0, 0, 0, 0, 1, 0, 0, 0, 0xff, 0x07, 0]);
    expect(decodeExecuteRequest(again, 11, request.types).values.every((v) => v.kind === 'null')).toBe(true);
    expect(() => decodeExecuteRequest(again, 11, null)).toThrow(/Incorrect arguments/);
  });
});

describe('binary rows', () => {
  it('encodes values per declared type', () => {
    const { w, output } = collectingWriter();
    const encoder = new BinaryRowEncoder([
      { name: 'a', type: MysqlType.TINY },
      { name: 'b', type: MysqlType.LONGLONG, unsigned: true },
      { name: 'c', type: MysqlType.DATETIME },
      { name: 'd', type: MysqlType.DATE },
      { name: 'e', type: MysqlType.TIME },
      { name: 'f', type: MysqlType.NEWDECIMAL },
      { name: 'g', type: MysqlType.VAR_STRING },
    ]);
    encoder.write(w, [
      '-1',
      '18446744073709551615',
      '2024-01-02 03:04:05.5',
      '2024-01-02',
      '-49:00:01',
      '1.10',
      null,
    ]);
    const payload = output().subarray(4);
    const r = new PacketReader(payload);
    expect(r.u8()).toBe(0);
    expect(r.u16()).toBe(1 << (6 + 2)); // bitmap: column 6 (offset 2) is NULL
    expect(r.i8()).toBe(-1);
    expect(r.u64()).toBe(2n ** 64n - 1n);
    expect([r.u8(), r.u16(), r.u8(), r.u8(), r.u8(), r.u8(), r.u8(), r.u32()]).toEqual([
      11, 2024, 1, 2, 3, 4, 5, 500000,
    ]);
    expect([r.u8(), r.u16(), r.u8(), r.u8()]).toEqual([4, 2024, 1, 2]);
    expect([r.u8(), r.u8(), r.u32(), r.u8(), r.u8(), r.u8()]).toEqual([8, 1, 2, 1, 0, 1]);
    expect(r.lenencString()).toBe('1.10');
    expect(r.remaining).toBe(0);
    expect(parseBigIntText('12.9')).toBe(12n);
    expect(parseBigIntText('junk')).toBe(0n);
  });
});
