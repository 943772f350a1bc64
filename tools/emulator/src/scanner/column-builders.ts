/**
 * Column-wise Arrow builders. Values reach a builder as the scanner reads them from DuckDB or as the
 * emulator stores them inside nested JSON (`load/value-converter.ts` compileNested); each builder
 * accepts both.
 */
import {
  type Binary,
  Bool,
  type Data,
  type DataType,
  type Decimal,
  type List,
  type Map_,
  makeData,
  type Struct,
  type Utf8,
} from 'apache-arrow';
import type { ColumnType } from '../catalog/column-type.js';
import { JsonNumber } from '../load/value-converter.js';
import { nestedJsonText } from '../sql/value-format.js';
import { arrowType } from './arrow-types.js';

/** Accumulates one column of a batch. */
export interface ColumnBuilder {
  readonly length: number;
  append(v: unknown): void;
  finish(): Data;
}

/** A growable validity bitmap. */
class Validity {
  bits = new Uint8Array(128);
  nulls = 0;

  set(i: number, valid: boolean): void {
    const byte = i >> 3;
    if (byte >= this.bits.length) {
      const next = new Uint8Array(Math.max(this.bits.length * 2, byte + 1));
      next.set(this.bits);
      this.bits = next;
    }
    if (valid) this.bits[byte]! |= 1 << (i & 7);
    else this.nulls++;
  }

  bitmap(length: number): Uint8Array | undefined {
    return this.nulls === 0 ? undefined : this.bits.subarray(0, (length + 7) >> 3);
  }
}

type TypedArray =
  | Int8Array
  | Int16Array
  | Int32Array
  | Uint32Array
  | Float32Array
  | Float64Array
  | BigInt64Array;
type TypedCtor<A extends TypedArray> = { new (n: number): A };

function grow<A extends TypedArray>(arr: A, need: number, ctor: TypedCtor<A>): A {
  if (need <= arr.length) return arr;
  const next = new ctor(Math.max(arr.length * 2, need));
  (next as unknown as { set(a: A): void }).set(arr);
  return next;
}

function textOf(v: unknown): string {
  if (typeof v === 'string') return v;
  if (typeof v === 'bigint') return v.toString();
  if (v instanceof JsonNumber) return v.text;
  return String(v);
}

/** Fixed-width numbers (ints and floats). */
class NumberBuilder<A extends TypedArray> implements ColumnBuilder {
  length = 0;
  readonly #type: DataType;
  readonly #ctor: TypedCtor<A>;
  readonly #convert: (v: unknown) => number | bigint;
  #values: A;
  readonly #valid = new Validity();

  constructor(type: DataType, ctor: TypedCtor<A>, convert: (v: unknown) => number | bigint) {
    this.#type = type;
    this.#ctor = ctor;
    this.#convert = convert;
    this.#values = new ctor(256);
  }

  append(v: unknown): void {
    const i = this.length++;
    this.#values = grow(this.#values, i + 1, this.#ctor);
    if (v === null || v === undefined) {
      this.#valid.set(i, false);
      return;
    }
    this.#valid.set(i, true);
    (this.#values as unknown as (number | bigint)[])[i] = this.#convert(v);
  }

  finish(): Data {
    return makeData({
      type: this.#type,
      length: this.length,
      nullCount: this.#valid.nulls,
      nullBitmap: this.#valid.bitmap(this.length),
      data: this.#values.subarray(0, this.length),
    } as never);
  }
}

class BoolBuilder implements ColumnBuilder {
  length = 0;
  readonly #values = new Validity();
  readonly #valid = new Validity();

  append(v: unknown): void {
    const i = this.length++;
    if (v === null || v === undefined) {
      this.#valid.set(i, false);
      this.#values.set(i, false);
      return;
    }
    this.#valid.set(i, true);
    this.#values.set(i, v === true || v === 1 || v === 'true' || v === '1');
  }

  finish(): Data {
    return makeData({
      type: new Bool(),
      length: this.length,
      nullCount: this.#valid.nulls,
      nullBitmap: this.#valid.bitmap(this.length),
      data: this.#values.bits.subarray(0, (this.length + 7) >> 3),
    });
  }
}

/** Variable-width values (utf8 or binary). */
class BytesBuilder implements ColumnBuilder {
  length = 0;
  readonly #type: Utf8 | Binary;
  readonly #text: (v: unknown) => string;
  #offsets = new Int32Array(257);
  #data = Buffer.allocUnsafe(4096);
  #used = 0;
  readonly #valid = new Validity();

  constructor(type: Utf8 | Binary, text: (v: unknown) => string = textOf) {
    this.#type = type;
    this.#text = text;
  }

  #reserve(n: number): void {
    if (this.#used + n <= this.#data.length) return;
    const next = Buffer.allocUnsafe(Math.max(this.#data.length * 2, this.#used + n));
    this.#data.copy(next, 0, 0, this.#used);
    this.#data = next;
  }

  append(v: unknown): void {
    const i = this.length++;
    this.#offsets = grow(this.#offsets, i + 2, Int32Array);
    if (v === null || v === undefined) {
      this.#valid.set(i, false);
    } else {
      this.#valid.set(i, true);
      if (v instanceof Uint8Array) {
        this.#reserve(v.length);
        this.#data.set(v, this.#used);
        this.#used += v.length;
      } else {
        const s = this.#text(v);
        // a UTF-16 unit takes at most 3 UTF-8 bytes
        this.#reserve(s.length * 3);
        this.#used += this.#data.write(s, this.#used, 'utf8');
      }
    }
    this.#offsets[i + 1] = this.#used;
  }

  finish(): Data {
    return makeData({
      type: this.#type,
      length: this.length,
      nullCount: this.#valid.nulls,
      nullBitmap: this.#valid.bitmap(this.length),
      valueOffsets: this.#offsets.subarray(0, this.length + 1),
      data: new Uint8Array(this.#data.buffer, this.#data.byteOffset, this.#used),
    } as never);
  }
}

const TWO_64 = 1n << 64n;
const MASK_32 = 0xffffffffn;

/** Parses canonical decimal text (`-12.30`) into its unscaled integer at `scale`. */
export function scaledDecimal(text: string, scale: number): bigint {
  const neg = text.startsWith('-');
  const body = neg || text.startsWith('+') ? text.slice(1) : text;
  const dot = body.indexOf('.');
  const intPart = dot < 0 ? body : body.slice(0, dot);
  const frac = (dot < 0 ? '' : body.slice(dot + 1)).padEnd(scale, '0').slice(0, scale);
  const v = BigInt(`${intPart || '0'}${frac}`);
  return neg ? -v : v;
}

/** decimal128: four little-endian 32-bit words of the two's complement unscaled value. */
class DecimalBuilder implements ColumnBuilder {
  length = 0;
  readonly #type: Decimal;
  #words: Uint32Array = new Uint32Array(4 * 256);
  readonly #valid = new Validity();

  constructor(type: Decimal) {
    this.#type = type;
  }

  append(v: unknown): void {
    const i = this.length++;
    this.#words = grow(this.#words, 4 * (i + 1), Uint32Array);
    if (v === null || v === undefined) {
      this.#valid.set(i, false);
      return;
    }
    this.#valid.set(i, true);
    let n = typeof v === 'bigint' ? v : scaledDecimal(textOf(v), this.#type.scale);
    if (n < 0n) n += TWO_64 * TWO_64;
    const w = this.#words;
    const o = 4 * i;
    w[o] = Number(n & MASK_32);
    w[o + 1] = Number((n >> 32n) & MASK_32);
    w[o + 2] = Number((n >> 64n) & MASK_32);
    w[o + 3] = Number((n >> 96n) & MASK_32);
  }

  finish(): Data {
    return makeData({
      type: this.#type,
      length: this.length,
      nullCount: this.#valid.nulls,
      nullBitmap: this.#valid.bitmap(this.length),
      data: this.#words.subarray(0, 4 * this.length),
    });
  }
}

/**
 * LIST and MAP columns: offsets into one child. A list appends each element to the child; a map
 * (stored as `[[key, value], ...]`) appends each pair to its entries struct.
 */
class OffsetsBuilder<C extends ColumnBuilder> implements ColumnBuilder {
  length = 0;
  readonly #type: List | Map_;
  readonly #child: C;
  readonly #appendItem: (child: C, item: unknown) => void;
  #offsets = new Int32Array(257);
  readonly #valid = new Validity();

  constructor(type: List | Map_, child: C, appendItem: (child: C, item: unknown) => void) {
    this.#type = type;
    this.#child = child;
    this.#appendItem = appendItem;
  }

  append(v: unknown): void {
    const i = this.length++;
    this.#offsets = grow(this.#offsets, i + 2, Int32Array);
    if (!Array.isArray(v)) this.#valid.set(i, false);
    else {
      this.#valid.set(i, true);
      for (const x of v) this.#appendItem(this.#child, x);
    }
    this.#offsets[i + 1] = this.#child.length;
  }

  finish(): Data {
    // LIST and MAP share this layout; makeData's overloads are per type, hence the cast
    return makeData({
      type: this.#type,
      length: this.length,
      nullCount: this.#valid.nulls,
      nullBitmap: this.#valid.bitmap(this.length),
      valueOffsets: this.#offsets.subarray(0, this.length + 1),
      child: this.#child.finish(),
    } as Parameters<typeof makeData>[0]);
  }
}

class StructBuilder implements ColumnBuilder {
  length = 0;
  readonly #type: Struct;
  readonly #names: readonly string[];
  readonly #children: readonly ColumnBuilder[];
  readonly #valid = new Validity();

  constructor(type: Struct, names: readonly string[], children: readonly ColumnBuilder[]) {
    this.#type = type;
    this.#names = names;
    this.#children = children;
  }

  append(v: unknown): void {
    const i = this.length++;
    const obj =
      v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : null;
    this.#valid.set(i, obj !== null);
    for (let k = 0; k < this.#children.length; k++) this.#children[k]!.append(obj?.[this.#names[k]!] ?? null);
  }

  /** Appends one non-null row from positional values (map entries). */
  appendPair(key: unknown, value: unknown): void {
    this.#valid.set(this.length++, true);
    this.#children[0]!.append(key);
    this.#children[1]!.append(value);
  }

  finish(): Data {
    return makeData({
      type: this.#type,
      length: this.length,
      nullCount: this.#valid.nulls,
      nullBitmap: this.#valid.bitmap(this.length),
      children: this.#children.map((c) => c.finish()),
    });
  }
}

/** Nested DATETIMEs are stored with `.ffffff` always; StarRocks prints it only when not zero. */
const datetimeText = (v: unknown) => {
  const s = textOf(v);
  return s.length === 26 && s.endsWith('.000000') ? s.slice(0, 19) : s;
};
/**
 * JSON values arrive as their stored JSON text (top-level columns, and values inside ARRAY/MAP/STRUCT),
 * so a JSON `null` is the text `null`, never SQL NULL.
 */
const jsonValueText = nestedJsonText;

/** A builder for a column type; `type` must be `arrowType(t)`. */
export function makeBuilder(t: ColumnType, type: DataType = arrowType(t)): ColumnBuilder {
  switch (t.kind) {
    case 'BOOLEAN':
      return new BoolBuilder();
    case 'TINYINT':
      return new NumberBuilder(type, Int8Array, (v) => Number(textOrNumber(v)));
    case 'SMALLINT':
      return new NumberBuilder(type, Int16Array, (v) => Number(textOrNumber(v)));
    case 'INT':
      return new NumberBuilder(type, Int32Array, (v) => Number(textOrNumber(v)));
    case 'BIGINT':
      return new NumberBuilder(type, BigInt64Array, (v) =>
        typeof v === 'bigint' ? v : BigInt(typeof v === 'number' ? v : textOf(v)),
      );
    case 'FLOAT':
      return new NumberBuilder(type, Float32Array, (v) => Number(textOrNumber(v)));
    case 'DOUBLE':
      return new NumberBuilder(type, Float64Array, (v) => Number(textOrNumber(v)));
    case 'DECIMAL':
      return new DecimalBuilder(type as Decimal);
    case 'VARBINARY':
      return new BytesBuilder(type as Binary);
    case 'DATETIME':
      return new BytesBuilder(type as Utf8, datetimeText);
    case 'JSON':
      return new BytesBuilder(type as Utf8, jsonValueText);
    case 'LARGEINT':
    case 'DATE':
    case 'CHAR':
    case 'VARCHAR':
      return new BytesBuilder(type as Utf8);
    case 'ARRAY': {
      const lt = type as List;
      return new OffsetsBuilder(lt, makeBuilder(t.element, lt.children[0]!.type), (child, x) =>
        child.append(x),
      );
    }
    case 'MAP': {
      const mt = type as Map_;
      const et = mt.children[0]!.type as Struct;
      const entries = new StructBuilder(
        et,
        ['key', 'value'],
        [makeBuilder(t.key, et.children[0]!.type), makeBuilder(t.value, et.children[1]!.type)],
      );
      return new OffsetsBuilder(mt, entries, (e, pair) => {
        const [k, v] = pair as [unknown, unknown];
        e.appendPair(k, v);
      });
    }
    case 'STRUCT': {
      const st = type as Struct;
      return new StructBuilder(
        st,
        t.fields.map((f) => f.name),
        t.fields.map((f, k) => makeBuilder(f.type, st.children[k]!.type)),
      );
    }
  }
}

export function textOrNumber(v: unknown): number | string {
  if (typeof v === 'number') return v;
  if (typeof v === 'boolean') return v ? 1 : 0;
  return textOf(v);
}
