import { MysqlType } from './column-types.js';
import { ErrorCode, MysqlError } from './errors.js';
import { PacketReader } from './packet-reader.js';
import type { BoundValue } from './sql-literal.js';

/** A parameter type as sent in COM_STMT_EXECUTE: type code plus the unsigned flag (0x80 in the second byte). */
export interface ParamType {
  type: number;
  unsigned: boolean;
}

/** The decoded body of COM_STMT_EXECUTE. */
export interface ExecuteRequest {
  statementId: number;
  values: BoundValue[];
  /** The parameter types in effect (sent now, or remembered from an earlier execute). */
  types: ParamType[];
}

const pad2 = (n: number): string => String(n).padStart(2, '0');

function wrongArguments(): MysqlError {
  return new MysqlError('Incorrect arguments to mysqld_stmt_execute', ErrorCode.WRONG_ARGUMENTS, 'HY000');
}

function readDateTime(r: PacketReader, type: number): BoundValue {
  const length = r.u8();
  let year = 0;
  let month = 0;
  let day = 0;
  let hour = 0;
  let minute = 0;
  let second = 0;
  let micro = 0;
  if (length >= 4) {
    year = r.u16();
    month = r.u8();
    day = r.u8();
  }
  if (length >= 7) {
    hour = r.u8();
    minute = r.u8();
    second = r.u8();
  }
  if (length >= 11) micro = r.u32();
  const date = `${String(year).padStart(4, '0')}-${pad2(month)}-${pad2(day)}`;
  if (type === MysqlType.DATE) return { kind: 'temporal', text: date };
  let text = `${date} ${pad2(hour)}:${pad2(minute)}:${pad2(second)}`;
  if (length >= 11) text += `.${String(micro).padStart(6, '0')}`;
  return { kind: 'temporal', text };
}

function readTime(r: PacketReader): BoundValue {
  const length = r.u8();
  if (length === 0) return { kind: 'temporal', text: '00:00:00' };
  const negative = r.u8() === 1;
  const days = r.u32();
  const hours = r.u8() + days * 24;
  const minutes = r.u8();
  const seconds = r.u8();
  const micro = length >= 12 ? r.u32() : 0;
  let text = `${negative ? '-' : ''}${pad2(hours)}:${pad2(minutes)}:${pad2(seconds)}`;
  if (length >= 12) text += `.${String(micro).padStart(6, '0')}`;
  return { kind: 'temporal', text };
}

function readValue(r: PacketReader, { type, unsigned }: ParamType): BoundValue {
  switch (type) {
    case MysqlType.NULL:
      return { kind: 'null' };
    case MysqlType.TINY:
      return { kind: 'number', text: String(unsigned ? r.u8() : r.i8()) };
    case MysqlType.SHORT:
    case MysqlType.YEAR:
      return { kind: 'number', text: String(unsigned ? r.u16() : r.i16()) };
    case MysqlType.LONG:
    case MysqlType.INT24:
      return { kind: 'number', text: String(unsigned ? r.u32() : r.i32()) };
    case MysqlType.LONGLONG:
      return { kind: 'number', text: String(unsigned ? r.u64() : r.i64()) };
    case MysqlType.FLOAT:
      return { kind: 'number', text: String(r.float()) };
    case MysqlType.DOUBLE:
      return { kind: 'number', text: String(r.double()) };
    case MysqlType.DECIMAL:
    case MysqlType.NEWDECIMAL:
      return { kind: 'number', text: r.lenencString() };
    case MysqlType.DATE:
    case MysqlType.DATETIME:
    case MysqlType.TIMESTAMP:
      return readDateTime(r, type);
    case MysqlType.TIME:
      return readTime(r);
    case MysqlType.BIT:
    case 249: // TINY_BLOB
    case 250: // MEDIUM_BLOB
    case 251: // LONG_BLOB
    case MysqlType.BLOB:
    case 255: // GEOMETRY
      return { kind: 'bytes', value: Buffer.from(r.lenencBytes()) };
    case MysqlType.VARCHAR:
    case MysqlType.VAR_STRING:
    case MysqlType.STRING:
    case MysqlType.JSON:
    case 247: // ENUM
    case 248: // SET
      return { kind: 'string', value: r.lenencString() };
    default:
      throw wrongArguments();
  }
}

/**
 * Decodes COM_STMT_EXECUTE (payload including the command byte). `paramCount` comes from the prepared
 * statement; `previousTypes` are the types of the last execute, used when new-params-bound is 0.
 */
export function decodeExecuteRequest(
  payload: Buffer,
  paramCount: number,
  previousTypes: readonly ParamType[] | null,
): ExecuteRequest {
  const r = new PacketReader(payload, 1);
  const statementId = r.u32();
  r.skip(1); // cursor flags
  r.skip(4); // iteration count
  if (paramCount === 0) return { statementId, values: [], types: [] };
  try {
    const nullBitmap = r.bytes((paramCount + 7) >> 3);
    const newParamsBound = r.u8() === 1;
    let types: ParamType[];
    if (newParamsBound) {
      types = [];
      for (let i = 0; i < paramCount; i++) {
        const type = r.u8();
        const flags = r.u8();
        types.push({ type, unsigned: (flags & 0x80) !== 0 });
      }
    } else if (previousTypes && previousTypes.length === paramCount) {
      types = [...previousTypes];
    } else {
      throw wrongArguments();
    }
    const values: BoundValue[] = [];
    for (let i = 0; i < paramCount; i++) {
      const isNull = (nullBitmap[i >> 3]! & (1 << (i & 7))) !== 0;
      values.push(isNull ? { kind: 'null' } : readValue(r, types[i]!));
    }
    return { statementId, values, types };
  } catch (error) {
    if (error instanceof MysqlError) throw error;
    throw wrongArguments();
  }
}
