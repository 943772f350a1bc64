import { MysqlType, type ResultColumn } from './column-types.js';
import type { PacketWriter } from './packet-writer.js';

/** How one column's TEXT value is put into a binary-protocol row. */
const Encoding = {
  STRING: 0,
  INT8: 1,
  INT16: 2,
  INT32: 3,
  INT64: 4,
  FLOAT: 5,
  DOUBLE: 6,
  DATE: 7,
  DATETIME: 8,
  TIME: 9,
  ALWAYS_NULL: 10,
} as const;
type EncodingCode = (typeof Encoding)[keyof typeof Encoding];

function encodingFor(column: ResultColumn): EncodingCode {
  switch (column.type) {
    case MysqlType.TINY:
      return Encoding.INT8;
    case MysqlType.SHORT:
    case MysqlType.YEAR:
      return Encoding.INT16;
    case MysqlType.LONG:
    case MysqlType.INT24:
      return Encoding.INT32;
    case MysqlType.LONGLONG:
      return Encoding.INT64;
    case MysqlType.FLOAT:
      return Encoding.FLOAT;
    case MysqlType.DOUBLE:
      return Encoding.DOUBLE;
    case MysqlType.DATE:
      return Encoding.DATE;
    case MysqlType.DATETIME:
    case MysqlType.TIMESTAMP:
      return Encoding.DATETIME;
    case MysqlType.TIME:
      return Encoding.TIME;
    case MysqlType.NULL:
      return Encoding.ALWAYS_NULL;
    default:
      return Encoding.STRING;
  }
}

/** Parses an integer in TEXT form (falls back to truncating a decimal/float text; garbage gives 0). */
export function parseIntegerText(text: string): number {
  const n = Number(text);
  if (Number.isFinite(n)) return Math.trunc(n);
  return 0;
}

/** Parses a 64-bit integer in TEXT form exactly (unsigned values above 2^63 included). */
export function parseBigIntText(text: string): bigint {
  const trimmed = text.trim();
  if (/^[+-]?\d+$/.test(trimmed)) return BigInt(trimmed);
  return BigInt(parseIntegerText(trimmed));
}

const DATE_TIME_RE =
  /^\s*(\d{1,4})-(\d{1,2})-(\d{1,2})(?:[ T](\d{1,2}):(\d{1,2}):(\d{1,2})(?:\.(\d{1,9}))?)?/;
const TIME_RE = /^\s*(-)?(\d+):(\d{1,2}):(\d{1,2})(?:\.(\d{1,9}))?/;

function micros(fraction: string | undefined): number {
  if (!fraction) return 0;
  return Number(fraction.slice(0, 6).padEnd(6, '0'));
}

/** Writes a DATE/DATETIME/TIMESTAMP in binary form: length byte 0, 4, 7 or 11, then the parts. */
export function writeBinaryDateTime(w: PacketWriter, text: string, dateOnly: boolean): void {
  const m = DATE_TIME_RE.exec(text);
  if (!m) {
    w.int1(0);
    return;
  }
  const year = Number(m[1]);
  const month = Number(m[2]);
  const day = Number(m[3]);
  const hour = Number(m[4] ?? 0);
  const minute = Number(m[5] ?? 0);
  const second = Number(m[6] ?? 0);
  const micro = micros(m[7]);
  const hasTime = !dateOnly && (hour !== 0 || minute !== 0 || second !== 0 || micro !== 0);
  if (!hasTime && year === 0 && month === 0 && day === 0) {
    w.int1(0);
    return;
  }
  const length = !hasTime ? 4 : micro === 0 ? 7 : 11;
  w.int1(length);
  w.int2(year);
  w.int1(month);
  w.int1(day);
  if (length === 4) return;
  w.int1(hour);
  w.int1(minute);
  w.int1(second);
  if (length === 11) w.int4(micro);
}

/** Writes a TIME in binary form: length byte 0, 8 or 12, sign, days, hours, minutes, seconds, micros. */
export function writeBinaryTime(w: PacketWriter, text: string): void {
  const m = TIME_RE.exec(text);
  if (!m) {
    w.int1(0);
    return;
  }
  const totalHours = Number(m[2]);
  const minute = Number(m[3]);
  const second = Number(m[4]);
  const micro = micros(m[5]);
  if (totalHours === 0 && minute === 0 && second === 0 && micro === 0) {
    w.int1(0);
    return;
  }
  w.int1(micro === 0 ? 8 : 12);
  w.int1(m[1] ? 1 : 0);
  w.int4(Math.floor(totalHours / 24));
  w.int1(totalHours % 24);
  w.int1(minute);
  w.int1(second);
  if (micro !== 0) w.int4(micro);
}

/**
 * Encodes TEXT-form rows as binary-protocol result rows (the reply format of COM_STMT_EXECUTE), following
 * each column's declared type.
 */
export class BinaryRowEncoder {
  private readonly encodings: EncodingCode[];
  private readonly bitmapBytes: number;

  constructor(columns: readonly ResultColumn[]) {
    this.encodings = columns.map(encodingFor);
    this.bitmapBytes = (columns.length + 7 + 2) >> 3;
  }

  /** Writes one complete row packet. */
  write(w: PacketWriter, row: readonly (string | Buffer | null)[]): void {
    const encodings = this.encodings;
    w.begin();
    w.int1(0x00);
    // NULL bitmap; column i is bit i + 2 (the first two bits are reserved in result rows).
    for (let byte = 0; byte < this.bitmapBytes; byte++) {
      let bits = 0;
      for (let bit = 0; bit < 8; bit++) {
        const i = byte * 8 + bit - 2;
        if (i >= 0 && i < encodings.length && (row[i] == null || encodings[i] === Encoding.ALWAYS_NULL)) {
          bits |= 1 << bit;
        }
      }
      w.int1(bits);
    }
    for (let i = 0; i < encodings.length; i++) {
      const raw = row[i];
      const encoding = encodings[i]!;
      if (raw == null || encoding === Encoding.ALWAYS_NULL) continue;
      if (encoding === Encoding.STRING && Buffer.isBuffer(raw)) {
        // raw bytes (VARBINARY), as the BE's push_binary sends them
        w.lenencBytes(raw);
        continue;
      }
      const text = typeof raw === 'string' ? raw : Buffer.isBuffer(raw) ? raw.toString('utf8') : String(raw);
      switch (encoding) {
        case Encoding.INT8:
          w.int1(parseIntegerText(text));
          break;
        case Encoding.INT16:
          w.int2(parseIntegerText(text));
          break;
        case Encoding.INT32:
          w.int4(parseIntegerText(text));
          break;
        case Encoding.INT64:
          w.int8(parseBigIntText(text));
          break;
        case Encoding.FLOAT:
          w.float(Number(text));
          break;
        case Encoding.DOUBLE:
          w.double(Number(text));
          break;
        case Encoding.DATE:
          writeBinaryDateTime(w, text, true);
          break;
        case Encoding.DATETIME:
          writeBinaryDateTime(w, text, false);
          break;
        case Encoding.TIME:
          writeBinaryTime(w, text);
          break;
        default:
          w.lenencString(text);
      }
    }
    w.end();
  }
}
