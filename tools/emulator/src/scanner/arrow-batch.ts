/**
 * Reading scanned DuckDB chunks into Arrow builders, and one Arrow IPC stream (schema, one record
 * batch, end marker) per batch.
 */
import type {
  DuckDBBlobVector,
  DuckDBDataChunk,
  DuckDBDateVector,
  DuckDBDecimal128Vector,
  DuckDBTimestampVector,
  DuckDBVector,
} from '@duckdb/node-api';
import { Field, makeData, RecordBatch, RecordBatchStreamWriter, Schema, Struct } from 'apache-arrow';
import type { ColumnType } from '../catalog/column-type.js';
import { parseJsonExact } from '../load/value-converter.js';
import { arrowType, scanSelectSql } from './arrow-types.js';
import { type ColumnBuilder, makeBuilder } from './column-builders.js';

/** Reads rows [from, to) of one DuckDB column into a builder. */
export type ColumnReader = (vector: DuckDBVector, from: number, to: number, b: ColumnBuilder) => void;

const MICROS_PER_DAY = 86_400_000_000n;

function pad2(n: number): string {
  return n < 10 ? `0${n}` : String(n);
}

/** `YYYY-MM-DD` of a day number (days since 1970-01-01), proleptic Gregorian. */
export function formatDays(days: number): string {
  const z = days + 719_468;
  const era = Math.floor(z / 146_097);
  const doe = z - era * 146_097;
  const yoe = Math.floor(
    (doe - Math.floor(doe / 1460) + Math.floor(doe / 36_524) - Math.floor(doe / 146_096)) / 365,
  );
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
  const mp = Math.floor((5 * doy + 2) / 153);
  const d = doy - Math.floor((153 * mp + 2) / 5) + 1;
  const m = mp < 10 ? mp + 3 : mp - 9;
  const y = yoe + era * 400 + (m <= 2 ? 1 : 0);
  return `${String(y).padStart(4, '0')}-${pad2(m)}-${pad2(d)}`;
}

/** StarRocks' DATETIME text: `YYYY-MM-DD HH:MM:SS`, `.ffffff` only when the microseconds are not 0. */
export function formatMicros(micros: bigint, dayCache?: Map<number, string>): string {
  let days = Number(micros / MICROS_PER_DAY);
  let rest = Number(micros % MICROS_PER_DAY);
  if (rest < 0) {
    rest += 86_400_000_000;
    days -= 1;
  }
  let date = dayCache?.get(days);
  if (date === undefined) {
    date = formatDays(days);
    if (dayCache && dayCache.size < 100_000) dayCache.set(days, date);
  }
  const us = rest % 1_000_000;
  const secs = (rest - us) / 1_000_000;
  const time = `${pad2(Math.floor(secs / 3600))}:${pad2(Math.floor(secs / 60) % 60)}:${pad2(secs % 60)}`;
  return us === 0 ? `${date} ${time}` : `${date} ${time}.${String(us).padStart(6, '0')}`;
}

/** The reader for a column selected with {@link scanSelectSql}. */
export function columnReader(t: ColumnType): ColumnReader {
  switch (t.kind) {
    case 'DECIMAL':
      return (v, from, to, b) => {
        const d = v as DuckDBDecimal128Vector;
        for (let i = from; i < to; i++) b.append(d.getScaledValue(i));
      };
    case 'CHAR':
    case 'VARCHAR':
    case 'VARBINARY':
      return (v, from, to, b) => {
        const d = v as DuckDBBlobVector;
        for (let i = from; i < to; i++) b.append(d.getItemBytes(i));
      };
    case 'DATE': {
      const cache = new Map<number, string>();
      return (v, from, to, b) => {
        const d = v as DuckDBDateVector;
        for (let i = from; i < to; i++) {
          const x = d.getItem(i);
          if (x === null) b.append(null);
          else {
            let s = cache.get(x.days);
            if (s === undefined) {
              s = formatDays(x.days);
              if (cache.size < 100_000) cache.set(x.days, s);
            }
            b.append(s);
          }
        }
      };
    }
    case 'DATETIME': {
      const cache = new Map<number, string>();
      return (v, from, to, b) => {
        const d = v as DuckDBTimestampVector;
        for (let i = from; i < to; i++) {
          const x = d.getItem(i);
          b.append(x === null ? null : formatMicros(x.micros, cache));
        }
      };
    }
    case 'JSON':
      // the stored JSON text: a stored JSON `null` is a value, not SQL NULL
      return (v, from, to, b) => {
        for (let i = from; i < to; i++) b.append(v.getItem(i) as string | null);
      };
    case 'ARRAY':
    case 'MAP':
    case 'STRUCT': {
      const parse = containsJson(t) ? parseJsonExact : JSON.parse;
      return (v, from, to, b) => {
        for (let i = from; i < to; i++) {
          const s = v.getItem(i) as string | null;
          b.append(s === null ? null : parse(s));
        }
      };
    }
    default:
      return (v, from, to, b) => {
        for (let i = from; i < to; i++) b.append(v.getItem(i));
      };
  }
}

function containsJson(t: ColumnType): boolean {
  switch (t.kind) {
    case 'JSON':
      return true;
    case 'ARRAY':
      return containsJson(t.element);
    case 'MAP':
      return containsJson(t.key) || containsJson(t.value);
    case 'STRUCT':
      return t.fields.some((f) => containsJson(f.type));
    default:
      return false;
  }
}

/** One output column of a scan: its name, type and nullability. */
export interface BatchColumn {
  readonly name: string;
  readonly type: ColumnType;
  readonly nullable: boolean;
}

/** Builds Arrow IPC streams (schema, one record batch, end marker) from DuckDB chunks. */
export class BatchEncoder {
  readonly schema: Schema;
  readonly #columns: readonly BatchColumn[];
  readonly #readers: readonly ColumnReader[];
  #builders: ColumnBuilder[];
  #rows = 0;

  constructor(columns: readonly BatchColumn[]) {
    this.#columns = columns;
    this.schema = new Schema(columns.map((c) => new Field(c.name, arrowType(c.type), c.nullable)));
    this.#readers = columns.map((c) => columnReader(c.type));
    this.#builders = this.#fresh();
  }

  #fresh(): ColumnBuilder[] {
    return this.#columns.map((c, i) => makeBuilder(c.type, this.schema.fields[i]!.type));
  }

  get rows(): number {
    return this.#rows;
  }

  /** Appends rows [from, to) of a chunk whose columns are the scan's outputs, in order. */
  appendChunk(chunk: DuckDBDataChunk, from: number, to: number): void {
    for (let c = 0; c < this.#readers.length; c++) {
      this.#readers[c]!(chunk.getColumnVector(c), from, to, this.#builders[c]!);
    }
    this.#rows += to - from;
  }

  /** Appends rows given as values in the builders' input forms (tests, virtual sources). */
  appendRow(values: readonly unknown[]): void {
    for (let c = 0; c < this.#builders.length; c++) this.#builders[c]!.append(values[c] ?? null);
    this.#rows++;
  }

  /** Drops the rows of the current batch. */
  reset(): void {
    this.#builders = this.#fresh();
    this.#rows = 0;
  }

  /** The batch as one Arrow IPC stream; the encoder starts a new batch afterwards. */
  flush(): Uint8Array {
    const children = this.#builders.map((b) => b.finish());
    const data = makeData({
      type: new Struct(this.schema.fields),
      length: this.#rows,
      nullCount: 0,
      children,
    });
    const bytes = RecordBatchStreamWriter.writeAll([new RecordBatch(this.schema, data)]).toUint8Array(true);
    this.#builders = this.#fresh();
    this.#rows = 0;
    return bytes;
  }
}
