import {
  Bool,
  Decimal,
  Field,
  Float32,
  Int32,
  List,
  makeData,
  RecordBatch,
  Struct,
  Utf8,
  vectorFromArray,
} from 'apache-arrow';
import { describe, expect, it } from 'vitest';
import { batchRows, columnReader } from '../../src/arrow-rows.js';

/** Two's-complement little-endian words of `v` (`width` u32 words). */
function words(values: bigint[], width: number): Uint32Array {
  const out = new Uint32Array(values.length * width);
  values.forEach((v, i) => {
    let x = v < 0n ? (1n << BigInt(width * 32)) + v : v;
    for (let w = 0; w < width; w++) {
      out[i * width + w] = Number(x & 0xffffffffn);
      x >>= 32n;
    }
  });
  return out;
}

const read = (data: Parameters<typeof columnReader>[0], n: number) => {
  const r = columnReader(data);
  return Array.from({ length: n }, (_, i) => r(i));
};

describe('columnReader', () => {
  it('decimal128 as exact text with the scale, negatives and zero padding included', () => {
    const values = [123456n, -5n, 0n, -(10n ** 38n - 1n), 10n ** 38n - 1n];
    const data = makeData({ type: new Decimal(4, 38, 128), length: 5, nullCount: 0, data: words(values, 4) });
    expect(read(data, 5)).toEqual([
      '12.3456',
      '-0.0005',
      '0.0000',
      '-9999999999999999999999999999999999.9999',
      '9999999999999999999999999999999999.9999',
    ]);
  });

  it('decimal with scale 0 has no point; decimal256 reads wider values', () => {
    const d0 = makeData({ type: new Decimal(0, 20, 128), length: 1, nullCount: 0, data: words([-42n], 4) });
    expect(read(d0, 1)).toEqual(['-42']);
    const big = -(10n ** 70n) + 1n;
    const d256 = makeData({ type: new Decimal(2, 76, 256), length: 1, nullCount: 0, data: words([big], 8) });
    const text = (-big).toString();
    expect(read(d256, 1)).toEqual([`-${text.slice(0, -2)}.${text.slice(-2)}`]);
  });

  it('FLOAT reads as the shortest decimal of the float32', () => {
    const data = makeData({
      type: new Float32(),
      length: 4,
      nullCount: 0,
      data: new Float32Array([1.1, 0.3, -3.4028234663852886e38, 16777216]),
    });
    expect(read(data, 4)).toEqual([1.1, 0.3, -3.4028235e38, 16777216]);
  });

  it('honours the validity bitmap and a data offset (sliced data)', () => {
    const v = vectorFromArray([true, null, false, true, null], new Bool());
    expect(read(v.data[0]!, 5)).toEqual([true, null, false, true, null]);
    const sliced = v.data[0]!.slice(1, 3);
    expect(read(sliced, 3)).toEqual([null, false, true]);
  });

  it('lists, structs and nested nulls', () => {
    const lists = vectorFromArray([[1, null, 3], [], null], new List(new Field('item', new Int32(), true)));
    expect(read(lists.data[0]!, 3)).toEqual([[1, null, 3], [], null]);
    const structs = vectorFromArray(
      [{ a: 1, b: 'x' }, { a: null, b: 'é' }, null],
      new Struct([new Field('a', new Int32(), true), new Field('b', new Utf8(), true)]),
    );
    expect(read(structs.data[0]!, 3)).toEqual([{ a: 1, b: 'x' }, { a: null, b: 'é' }, null]);
  });
});

describe('batchRows', () => {
  it('names the columns by the given names, in order', () => {
    const batch = new RecordBatch({
      x: vectorFromArray([1, 2], new Int32()).data[0]!,
      y: vectorFromArray(['a', null], new Utf8()).data[0]!,
    });
    expect(batchRows(batch, ['id', 'name'])).toEqual([
      { id: 1, name: 'a' },
      { id: 2, name: null },
    ]);
  });
});
