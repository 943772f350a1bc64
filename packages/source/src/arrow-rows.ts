/**
 * Arrow record batches (as the BE scanner sends them, spec §6.2) → plain JS rows, by the read mapping
 * in the README: integers up to 32 bits and floats as `number`, BIGINT as `bigint`, decimals as exact
 * text, LARGEINT/DATE/DATETIME/JSON/strings as text, VARBINARY as `Buffer`, ARRAY as arrays, MAP as
 * `Map`, STRUCT as objects. Reads the buffers directly: no per-value Vector lookups.
 */
import { ProtocolError } from '@srconnect/stream-load-sdk';
import { type Data, type RecordBatch, Type } from 'apache-arrow';
import { setOwn } from './set-own.js';
import { shortestFloat32 } from './shortest-float32.js';

/** A row of a scan: column name → value (`null` for SQL NULL). */
export type SourceRow = Record<string, unknown>;

type Read = (i: number) => unknown;

/**
 * Exact decimal text of a two's-complement integer of `width` little-endian u32 words at `at`
 * (decimal128: 4, decimal256: 8) with `scale` fraction digits.
 */
function decimalText(words: Uint32Array, at: number, width: number, scale: number): string {
  let v = 0n;
  for (let w = width - 1; w >= 0; w--) v = (v << 32n) | BigInt(words[at + w] as number);
  const bits = BigInt(width * 32);
  if (v >= 1n << (bits - 1n)) v -= 1n << bits;
  const neg = v < 0n;
  const digits = (neg ? -v : v).toString();
  if (scale === 0) return neg ? `-${digits}` : digits;
  const padded = digits.padStart(scale + 1, '0');
  const cut = padded.length - scale;
  return `${neg ? '-' : ''}${padded.slice(0, cut)}.${padded.slice(cut)}`;
}

/** A reader of the non-null value at logical index i of `data`. */
function valueReader(data: Data): Read {
  const { values, valueOffsets } = data as unknown as { values: Uint8Array; valueOffsets: Int32Array };
  const items = values as unknown as ArrayLike<number>;
  switch (data.typeId) {
    case Type.Bool: {
      const off = data.offset;
      return (i) => ((values[(off + i) >> 3] as number) & (1 << ((off + i) & 7))) !== 0;
    }
    case Type.Int:
      return (i) => (values as unknown as ArrayLike<unknown>)[i];
    case Type.Float:
      // FLOAT: the shortest decimal that is the same float32, as StarRocks prints it
      return (data.type as unknown as { precision: number }).precision === 1
        ? (i) => shortestFloat32(items[i] as number)
        : (i) => items[i];
    case Type.Utf8: {
      const buf = Buffer.from(values.buffer, values.byteOffset, values.byteLength);
      return (i) => buf.toString('utf8', valueOffsets[i] as number, valueOffsets[i + 1] as number);
    }
    case Type.Binary: {
      const buf = Buffer.from(values.buffer, values.byteOffset, values.byteLength);
      return (i) => Buffer.from(buf.subarray(valueOffsets[i] as number, valueOffsets[i + 1] as number));
    }
    case Type.Decimal: {
      const words = values as unknown as Uint32Array;
      const { scale, bitWidth } = data.type as unknown as { scale: number; bitWidth: number };
      const width = bitWidth / 32;
      return (i) => decimalText(words, i * width, width, scale);
    }
    case Type.List: {
      const child = columnReader(data.children[0] as Data);
      return (i) => {
        const end = valueOffsets[i + 1] as number;
        const out: unknown[] = [];
        for (let j = valueOffsets[i] as number; j < end; j++) out.push(child(j));
        return out;
      };
    }
    case Type.Map: {
      const entries = data.children[0] as Data;
      const key = columnReader(entries.children[0] as Data);
      const value = columnReader(entries.children[1] as Data);
      return (i) => {
        const end = valueOffsets[i + 1] as number;
        const out = new Map<unknown, unknown>();
        for (let j = valueOffsets[i] as number; j < end; j++) out.set(key(j), value(j));
        return out;
      };
    }
    case Type.Struct: {
      const fields = (data.type as unknown as { children: { name: string }[] }).children.map(
        (f, k) => [f.name, columnReader(data.children[k] as Data)] as const,
      );
      return (i) => {
        const out: Record<string, unknown> = {};
        for (const [name, read] of fields) setOwn(out, name, read(i));
        return out;
      };
    }
    default:
      throw new ProtocolError(
        `the BE sent Arrow type ${String(data.type)}, which is not in the scanner's type mapping`,
        '',
      );
  }
}

/** A reader of logical index i of `data`, `null` where the validity bitmap says so. */
export function columnReader(data: Data): Read {
  const read = valueReader(data);
  if (data.nullCount === 0 || !data.nullBitmap || data.nullBitmap.length === 0) return read;
  const bitmap = data.nullBitmap;
  const off = data.offset;
  return (i) => (((bitmap[(off + i) >> 3] as number) & (1 << ((off + i) & 7))) === 0 ? null : read(i));
}

/** The rows of one record batch, named by `names` (the scanner's selected columns, in order). */
export function batchRows(batch: RecordBatch, names: readonly string[]): SourceRow[] {
  const n = batch.numRows;
  const width = Math.min(names.length, batch.numCols);
  const readers: Read[] = [];
  for (let c = 0; c < width; c++) readers.push(columnReader(batch.data.children[c] as Data));
  const rows: SourceRow[] = new Array(n);
  for (let i = 0; i < n; i++) {
    const row: SourceRow = {};
    for (let c = 0; c < width; c++) setOwn(row, names[c] as string, (readers[c] as Read)(i));
    rows[i] = row;
  }
  return rows;
}
