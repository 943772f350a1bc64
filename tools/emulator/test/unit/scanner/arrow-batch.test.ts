import { DataType, tableFromIPC, type Vector } from 'apache-arrow';
import { describe, expect, it } from 'vitest';
import { parseColumnType } from '../../../src/catalog/column-type.js';
import { JsonNumber } from '../../../src/load/value-converter.js';
import { BatchEncoder, formatDays, formatMicros } from '../../../src/scanner/arrow-batch.js';
import { thriftTypeOf } from '../../../src/scanner/arrow-types.js';
import { scaledDecimal } from '../../../src/scanner/column-builders.js';
import { decodePlan, encodePlan, matchQueryPlanPath } from '../../../src/scanner/query-plan.js';

function words(v: unknown): bigint {
  const w = v as Uint32Array;
  let n = 0n;
  for (let i = 3; i >= 0; i--) n = (n << 32n) | BigInt(w[i]!);
  return n >= 1n << 127n ? n - (1n << 128n) : n;
}

function encoder(cols: [string, string][]) {
  return new BatchEncoder(cols.map(([name, t]) => ({ name, type: parseColumnType(t), nullable: true })));
}

describe('BatchEncoder', () => {
  it('writes a schema message, one record batch and the end-of-stream marker', () => {
    const e = encoder([['a', 'INT']]);
    e.appendRow([1]);
    e.appendRow([null]);
    const bytes = e.flush();
    expect(Buffer.from(bytes.subarray(-8))).toEqual(Buffer.from([0xff, 0xff, 0xff, 0xff, 0, 0, 0, 0]));
    const t = tableFromIPC(bytes);
    expect(t.batches).toHaveLength(1);
    expect(t.getChild('a')!.toArray()).toEqual(new Int32Array([1, 0]));
    expect(t.getChild('a')!.get(1)).toBeNull();
    // the next batch starts empty
    e.appendRow([7]);
    expect(tableFromIPC(e.flush()).numRows).toBe(1);
  });

  it('encodes decimals from scaled integers and from text, negatives in two’s complement', () => {
    const e = encoder([
      ['d', 'DECIMAL(38, 4)'],
      ['n', 'DECIMAL(5, 2)'],
    ]);
    e.appendRow([-1n, '-0.01']);
    e.appendRow([10n ** 37n, '999.99']);
    e.appendRow([0n, '1.5']);
    const t = tableFromIPC(e.flush());
    const d = t.getChild('d')!;
    const n = t.getChild('n')!;
    expect([0, 1, 2].map((i) => words(d.get(i)))).toEqual([-1n, 10n ** 37n, 0n]);
    expect([0, 1, 2].map((i) => words(n.get(i)))).toEqual([-1n, 99999n, 150n]);
  });

  it('converts nested stored forms: maps as pairs, structs by name, exact numbers', () => {
    const e = encoder([
      ['m', 'MAP<INT, ARRAY<LARGEINT>>'],
      ['s', 'STRUCT<a BIGINT, b DATETIME, c JSON>'],
    ]);
    e.appendRow([
      [
        [1, ['1', new JsonNumber('-170141183460469231731687303715884105727')]],
        [2, null],
      ],
      { a: '9223372036854775807', b: '2020-01-01 00:00:00.000000', c: { x: new JsonNumber('1e400') } },
    ]);
    e.appendRow([null, null]);
    const t = tableFromIPC(e.flush());
    const m = t.getChild('m')!.get(0) as Iterable<[number, Vector | null]>;
    expect([...m].map(([k, v]) => [k, v === null ? null : [...v]])).toEqual([
      [1, ['1', '-170141183460469231731687303715884105727']],
      [2, null],
    ]);
    expect(t.getChild('s')!.get(0)!.toJSON()).toEqual({
      a: 9223372036854775807n,
      b: '2020-01-01 00:00:00',
      c: '{"x": 1e400}',
    });
    expect(t.getChild('m')!.get(1)).toBeNull();
    expect(t.getChild('s')!.get(1)).toBeNull();
  });

  it('grows past its initial capacity (bits, offsets, bytes)', () => {
    const e = encoder([
      ['b', 'BOOLEAN'],
      ['s', 'STRING'],
      ['l', 'ARRAY<SMALLINT>'],
      ['v', 'VARBINARY'],
    ]);
    const n = 5000;
    for (let i = 0; i < n; i++)
      e.appendRow([
        i % 3 === 0 ? null : i % 2 === 0,
        `é${i}`.repeat(3),
        [i % 100, -1],
        new Uint8Array([i & 255]),
      ]);
    const t = tableFromIPC(e.flush());
    expect(t.numRows).toBe(n);
    for (const i of [0, 1, 2, 4097, n - 1]) {
      expect(t.getChild('b')!.get(i)).toBe(i % 3 === 0 ? null : i % 2 === 0);
      expect(t.getChild('s')!.get(i)).toBe(`é${i}`.repeat(3));
      expect([...(t.getChild('l')!.get(i) as Vector)]).toEqual([i % 100, -1]);
      expect([...(t.getChild('v')!.get(i) as Uint8Array)]).toEqual([i & 255]);
    }
    expect(DataType.isBinary(t.schema.fields[3]!.type)).toBe(true);
  });
});

describe('helpers', () => {
  it('formatDays / formatMicros print StarRocks DATE and DATETIME text', () => {
    const day = (s: string) => Math.round(Date.parse(`${s}T00:00:00Z`) / 86_400_000);
    for (const d of [
      '1970-01-01',
      '2024-02-29',
      '1900-03-01',
      '9999-12-31',
      '0001-01-01',
      '1969-12-31',
      '2000-02-29',
    ])
      expect(formatDays(day(d))).toBe(d);
    const us = (s: string, frac = 0) => BigInt(Date.parse(`${s}Z`)) * 1000n + BigInt(frac);
    expect(formatMicros(us('2024-02-29T23:59:59', 123456))).toBe('2024-02-29 23:59:59.123456');
    expect(formatMicros(us('2000-01-01T00:00:00'))).toBe('2000-01-01 00:00:00');
    expect(formatMicros(us('1969-12-31T23:59:59', 1))).toBe('1969-12-31 23:59:59.000001');
    expect(formatMicros(us('0001-01-01T00:00:00'))).toBe('0001-01-01 00:00:00');
    expect(formatMicros(us('9999-12-31T23:59:59', 999999), new Map())).toBe('9999-12-31 23:59:59.999999');
  });

  it('scaledDecimal', () => {
    expect(scaledDecimal('-12.3', 2)).toBe(-1230n);
    expect(scaledDecimal('0.001', 3)).toBe(1n);
    expect(scaledDecimal('7', 0)).toBe(7n);
    expect(scaledDecimal('+.5', 1)).toBe(5n);
  });

  it('thriftTypeOf follows the BE (DECIMAL32/64/128 by precision, nested → INVALID_TYPE)', () => {
    const t = (s: string) => thriftTypeOf(parseColumnType(s));
    expect([t('DECIMAL(9,2)'), t('DECIMAL(10,2)'), t('DECIMAL(18,0)'), t('DECIMAL(19,0)')]).toEqual([
      21, 22, 22, 23,
    ]);
    expect([t('ARRAY<INT>'), t('MAP<INT,INT>'), t('STRUCT<a INT>')]).toEqual([0, 0, 0]);
    expect([t('STRING'), t('CHAR(3)'), t('JSON'), t('VARBINARY'), t('LARGEINT')]).toEqual([
      15, 13, 24, 26, 14,
    ]);
  });

  it('plan tokens round-trip; tampering is detected', () => {
    const p = {
      v: 1 as const,
      db: 'd',
      table: 't',
      tableId: 1,
      sql: 'select 1',
      tablets: { '10000': 1 },
      schemaHash: 5,
      queryId: 'q',
    };
    expect(decodePlan(encodePlan(p))).toEqual({ plan: p });
    expect(decodePlan('@@@')).toEqual({
      error: 'query_plan_info:  validate error, should not be modified after returned StarRocks FE processed',
    });
    const other = Buffer.from('[1]').toString('base64');
    expect(decodePlan(other)).toEqual({
      error:
        'query_plan_info: [1] deserialize error, should not be modified after returned StarRocks FE processed',
    });
  });

  it('matchQueryPlanPath', () => {
    expect(matchQueryPlanPath('/api/d/t/_query_plan')).toEqual({ db: 'd', table: 't' });
    expect(matchQueryPlanPath('/api/d%20x/t/_query_plan?x=1')).toEqual({ db: 'd x', table: 't' });
    expect(matchQueryPlanPath('/api//t/_query_plan')).toEqual({ db: '', table: 't' });
    expect(matchQueryPlanPath('/api/d/t/_stream_load')).toBeNull();
    expect(matchQueryPlanPath('/api/d/_query_plan')).toBeNull();
  });
});
